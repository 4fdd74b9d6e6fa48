/* lesson_text.c: Markdown to wrapped plain lines (see lesson_text.h). A paragraph
 * scanner, not a Markdown parser: the lessons use headings, paragraphs, lists, quotes,
 * fenced code and simple tables, and this keeps exactly those readable.
 */
#include "lesson_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void text_lines_init(struct text_lines *t)
{
	memset(t, 0, sizeof *t);
}

void text_lines_clear(struct text_lines *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->line[i]);
	t->n = 0;
}

void text_lines_free(struct text_lines *t)
{
	text_lines_clear(t);
	free(t->line);
	free(t->kind);
	text_lines_init(t);
}

int text_lines_add(struct text_lines *t, const char *s, enum text_kind kind)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 64;
		char **line = realloc(t->line, (size_t)cap * sizeof *line);
		if (!line)
			return -ENOMEM;
		t->line = line;
		unsigned char *k = realloc(t->kind, (size_t)cap);
		if (!k)
			return -ENOMEM;
		t->kind = k;
		t->cap = cap;
	}
	if (!(t->line[t->n] = strdup(s)))
		return -ENOMEM;
	t->kind[t->n++] = (unsigned char)kind;
	return 0;
}

int text_columns(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Bytes of s that fill at most cols columns. */
static size_t bytes_for_columns(const char *s, int cols)
{
	size_t i = 0;
	int c = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (c == cols)
				break;
			c++;
		}
		i++;
	}
	return i;
}

/* Wrap one paragraph: first prefix on the first line, indent on the others. */
static int wrap(struct text_lines *t, const char *text, int width, const char *first, const char *indent,
		enum text_kind kind)
{
	char line[1024];
	const char *p = text;
	const char *prefix = first;
	if (width < 10)
		width = 10;
	do {
		while (*p == ' ')
			p++;
		int room = width - text_columns(prefix);
		if (room < 5)
			room = 5;
		size_t fit = bytes_for_columns(p, room);
		size_t cut = fit;
		if (p[fit]) { /* break at the last space that fits, if any */
			size_t sp = fit;
			while (sp > 0 && p[sp] != ' ')
				sp--;
			if (sp > 0)
				cut = sp;
		}
		snprintf(line, sizeof line, "%s%.*s", prefix, (int)cut, p);
		if (text_lines_add(t, line, kind) < 0)
			return -ENOMEM;
		p += cut;
		prefix = indent;
	} while (*p && *(p + strspn(p, " ")));
	return 0;
}

/* Drop **, __ and ` marks; [text](url) -> text (url). */
static void inline_clean(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < cap; p++) {
		if ((p[0] == '*' && p[1] == '*') || (p[0] == '_' && p[1] == '_')) {
			p++;
			continue;
		}
		if (*p == '`')
			continue;
		if (*p == ']' && p[1] == '(') { /* "](" -> " (" and drop the '[' seen before */
			out[o++] = ' ';
			continue;
		}
		if (*p == '[' && strchr(p, ']'))
			continue;
		out[o++] = *p;
	}
	out[o] = '\0';
}

struct para {
	char text[4096];
	size_t len;
	char first[24], indent[24];
	enum text_kind kind;
	bool open;
};

static int flush(struct text_lines *t, struct para *pa, int width)
{
	if (!pa->open)
		return 0;
	char clean[4096];
	inline_clean(pa->text, clean, sizeof clean);
	pa->open = false;
	pa->len = 0;
	return wrap(t, clean, width, pa->first, pa->indent, pa->kind);
}

static void para_start(struct para *pa, const char *first, const char *indent, enum text_kind kind)
{
	pa->open = true;
	pa->len = 0;
	pa->text[0] = '\0';
	snprintf(pa->first, sizeof pa->first, "%s", first);
	snprintf(pa->indent, sizeof pa->indent, "%s", indent);
	pa->kind = kind;
}

static void para_add(struct para *pa, const char *s)
{
	size_t n = strlen(s);
	if (pa->len + n + 2 >= sizeof pa->text)
		return;
	if (pa->len)
		pa->text[pa->len++] = ' ';
	memcpy(pa->text + pa->len, s, n + 1);
	pa->len += n;
}

/* A list item's marker ("- ", "* ", "12. "): its length, or 0. */
static size_t list_marker(const char *s)
{
	if ((s[0] == '-' || s[0] == '*') && s[1] == ' ')
		return 2;
	size_t i = 0;
	while (isdigit((unsigned char)s[i]))
		i++;
	return i > 0 && s[i] == '.' && s[i + 1] == ' ' ? i + 2 : 0;
}

static int blank(struct text_lines *t)
{
	if (t->n == 0 || t->line[t->n - 1][0] == '\0')
		return 0;
	return text_lines_add(t, "", TK_NORMAL);
}

/* One source line (no newline) into the paragraph state. */
static int md_line(struct text_lines *t, struct para *pa, char *s, int width, bool *code)
{
	const char *lead = s + strspn(s, " ");
	if (strncmp(lead, "```", 3) == 0) {
		*code = !*code;
		return flush(t, pa, width);
	}
	/* fenced code, tables, and indented code (four spaces after a blank line) stay as is */
	if (*code || *lead == '|' || (!pa->open && strncmp(s, "    ", 4) == 0 && !list_marker(lead))) {
		char line[1024];
		snprintf(line, sizeof line, "  %s", s);
		return flush(t, pa, width) < 0 ? -ENOMEM : text_lines_add(t, line, TK_CODE);
	}
	if (!*lead)
		return flush(t, pa, width) < 0 ? -ENOMEM : blank(t);
	if (*lead == '#') {
		if (flush(t, pa, width) < 0)
			return -ENOMEM;
		para_start(pa, "", "", TK_HEADING);
		para_add(pa, lead + strspn(lead, "# "));
		return flush(t, pa, width) < 0 ? -ENOMEM : text_lines_add(t, "", TK_NORMAL);
	}
	size_t m = list_marker(lead);
	if (m || strncmp(lead, "> ", 2) == 0) {
		if (flush(t, pa, width) < 0)
			return -ENOMEM;
		char first[24], indent[24];
		int depth = lead - s > 8 ? 8 : (int)(lead - s);
		if (m) {
			snprintf(first, sizeof first, "%*s%.*s", depth, "", (int)m, lead);
			snprintf(indent, sizeof indent, "%*s", depth + (int)m, "");
		} else {
			snprintf(first, sizeof first, "| ");
			snprintf(indent, sizeof indent, "| ");
		}
		para_start(pa, first, indent, m ? TK_NORMAL : TK_QUOTE);
		para_add(pa, lead + (m ? m : 2));
		return 0;
	}
	if (!pa->open)
		para_start(pa, "", "", TK_NORMAL);
	para_add(pa, lead);
	return 0;
}

int text_wrap_markdown(struct text_lines *t, const char *md, int width)
{
	char *copy = strdup(md);
	struct para *pa = calloc(1, sizeof *pa);
	bool code = false;
	int rc = copy && pa ? 0 : -ENOMEM;
	char *save = NULL;
	for (char *line = copy; rc == 0 && line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		rc = md_line(t, pa, line, width, &code);
	}
	if (rc == 0)
		rc = flush(t, pa, width);
	while (rc == 0 && t->n > 0 && t->line[t->n - 1][0] == '\0')
		free(t->line[--t->n]);
	free(pa);
	free(copy);
	return rc;
}

int text_wrap_plain(struct text_lines *t, const char *text, int width, const char *first, const char *indent,
		    enum text_kind kind)
{
	char *copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	int rc = 0;
	char *save = NULL;
	for (char *line = copy; rc == 0 && line && *line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		rc = *line ? wrap(t, line, width, first, indent, kind) : text_lines_add(t, "", kind);
	}
	free(copy);
	return rc;
}
