/* lesson_doc.c: read a lesson's Markdown into pages and steps (see lesson_doc.h and
 * lessons/README.md for the format). A line scanner with three states: Markdown text,
 * a ```lesson block (key = value), or another fenced block (kept as text).
 */
#include "lesson_doc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../visualizer/arena.h"
#include "lesson_heading.h"
#include "textfile.h"

#define DEFAULT_RUN_S 8.0
#define DEFAULT_CHECK_RUN_S 4.0
#define DEFAULT_WARMUP_S 1.5

/* A growing string for the Markdown between blocks. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static int sbuf_add(struct sbuf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

/* Hand the text over (an empty string when nothing was added) and start again. */
static char *sbuf_take(struct sbuf *b)
{
	char *s = b->s ? b->s : strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Values may be written "in quotes" so that they read as prose. */
static char *unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

int lesson_parse_duration(const char *text, double *out_s)
{
	char *end;
	double v = strtod(text, &end);
	if (end == text || !(v >= 0) || v > 3600)
		return -EINVAL;
	while (*end == ' ')
		end++;
	if (strcmp(end, "ms") == 0)
		v /= 1000.0;
	else if (strcmp(end, "s") != 0 && *end)
		return -EINVAL;
	*out_s = v;
	return 0;
}

struct parser {
	struct lesson *l;
	const char *path;
	int line;
	char *err;
	size_t errlen;
	bool run_set, check_run_set;
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	char why[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, why);
	return -EINVAL;
}

static int copy_text(struct parser *p, const char *key, char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap)
		return perr(p, "%s: longer than %zu characters", key, cap - 1);
	snprintf(dst, cap, "%s", v);
	return 0;
}

/* explain and if_fail may take several lines: they are joined with a space. */
static int append_text(struct parser *p, const char *key, char *dst, size_t cap, const char *v)
{
	size_t have = strlen(dst);
	if (have + strlen(v) + 2 > cap)
		return perr(p, "%s: longer than %zu characters in all", key, cap - 1);
	snprintf(dst + have, cap - have, "%s%s", have ? " " : "", v);
	return 0;
}

static int set_u32(struct parser *p, const char *key, const char *v, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);
	if (end == v || *end || *v == '-' || x > max)
		return perr(p, "%s: '%s' is not a whole number up to %u", key, v, max);
	*out = (uint32_t)x;
	return 0;
}

static int set_duration(struct parser *p, const char *key, const char *v, double *out)
{
	if (lesson_parse_duration(v, out) < 0)
		return perr(p, "%s: '%s' is not a duration like 8s or 500ms", key, v);
	return 0;
}

static int set_side(struct parser *p, const char *key, const char *v, int *out)
{
	for (int i = 0; i < SIDE_COUNT; i++)
		if (strcmp(v, arena_side_name(i)) == 0)
			return *out = i, 0;
	return perr(p, "%s: '%s' is not blocking or evented", key, v);
}

/* The keys of the lesson engine itself; anything else goes to the scenario. */
static int step_key(struct parser *p, struct lesson_step *st, const char *key, char *v)
{
	if (strcmp(key, "id") == 0)
		return copy_text(p, key, st->id, sizeof st->id, v);
	if (strcmp(key, "title") == 0)
		return copy_text(p, key, st->title, sizeof st->title, v);
	if (strcmp(key, "reset") == 0) {
		if (strcmp(v, "yes") != 0)
			return perr(p, "reset: only 'yes' (start from the built-in lunch rush)");
		scenario_defaults(&st->sc);
		st->sc.name[0] = '\0'; /* named after the step at its end */
		return 0;
	}
	if (strcmp(key, "run") == 0)
		return p->run_set = true, set_duration(p, key, v, &st->run_s);
	if (strcmp(key, "check_run") == 0)
		return p->check_run_set = true, set_duration(p, key, v, &st->check_run_s);
	if (strcmp(key, "warmup") == 0)
		return set_duration(p, key, v, &st->warmup_s);
	if (strcmp(key, "predict") == 0)
		return copy_text(p, key, st->predict, sizeof st->predict, v);
	if (strcmp(key, "predict_measured") == 0)
		return copy_text(p, key, st->predict_measured, sizeof st->predict_measured, v);
	if (strcmp(key, "predict_theory") == 0)
		return copy_text(p, key, st->predict_theory, sizeof st->predict_theory, v);
	if (strcmp(key, "unit") == 0)
		return copy_text(p, key, st->unit, sizeof st->unit, v);
	if (strcmp(key, "typical_guess") == 0) {
		char *end;
		st->typical_guess = strtod(v, &end);
		return end == v || *end ? perr(p, "typical_guess: '%s' is not a number", v) : 0;
	}
	if (strcmp(key, "hint") == 0) {
		if (st->n_hints == LESSON_MAX_HINTS)
			return perr(p, "more than %d hints in one step", LESSON_MAX_HINTS);
		struct lesson_hint *h = &st->hint[st->n_hints];
		char *end;
		h->value = strtod(v, &end);
		char *eq = end;
		while (*eq == ' ' || *eq == '\t')
			eq++;
		if (end == v || *eq != '=')
			return perr(p, "hint: '%.40s' is not 'NUMBER = words' (the wrong guess, then what it reveals)", v);
		st->n_hints++;
		return copy_text(p, key, h->text, sizeof h->text, trim(eq + 1));
	}
	if (strcmp(key, "choose") == 0) {
		static const char *ok[] = { "threads", "helpers", "loops", "max_line", "stoves", "rate", "connections" };
		for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
			if (strcmp(v, ok[i]) == 0)
				return copy_text(p, key, st->choose, sizeof st->choose, v);
		return perr(p, "choose: '%s' is not a number the student may set (threads, helpers, loops, "
			    "max_line, stoves, rate, connections)", v);
	}
	if (strcmp(key, "choose_prompt") == 0)
		return copy_text(p, key, st->choose_prompt, sizeof st->choose_prompt, v);
	if (strcmp(key, "choose_range") == 0) {
		char *dots = strstr(v, ".."), *end1, *end2;
		if (dots)
			*dots = '\0';
		if (dots) {
			st->choose_min = strtod(v, &end1);
			st->choose_max = strtod(dots + 2, &end2);
		}
		if (!dots || end1 == v || *end1 || end2 == dots + 2 || *end2 || st->choose_min > st->choose_max)
			return perr(p, "choose_range: not LOW..HIGH");
		return 0;
	}
	if (strcmp(key, "typical_choice") == 0) {
		char *end;
		st->typical_choice = strtod(v, &end);
		return end == v || *end ? perr(p, "typical_choice: '%s' is not a number", v) : 0;
	}
	if (strcmp(key, "needs") == 0) {
		if (strcmp(v, "go") != 0 && strcmp(v, "mix") != 0)
			return perr(p, "needs: '%s' is not known (go or mix)", v);
		return copy_text(p, key, st->needs, sizeof st->needs, v);
	}
	if (strcmp(key, "claim") == 0 || strcmp(key, "check") == 0) {
		if (st->n_checks == LESSON_MAX_CHECKS)
			return perr(p, "more than %d checks in one step", LESSON_MAX_CHECKS);
		struct lesson_check *c = &st->check[st->n_checks];
		if (key[1] == 'l') /* claim: the words of the next check */
			return copy_text(p, key, c->claim, sizeof c->claim, v);
		c->line = p->line;
		st->n_checks++;
		return copy_text(p, key, c->expr, sizeof c->expr, v);
	}
	if (strcmp(key, "explain") == 0)
		return append_text(p, key, st->explain, sizeof st->explain, v);
	if (strcmp(key, "require") == 0)
		return copy_text(p, key, st->require, sizeof st->require, v);
	if (strcmp(key, "if_fail") == 0)
		return append_text(p, key, st->if_fail, sizeof st->if_fail, v);
	if (strcmp(key, "slow_talkers") == 0)
		return set_u32(p, key, v, 1000, &st->slow_talkers);
	if (strcmp(key, "slow_trickle_ms") == 0)
		return set_u32(p, key, v, 10000, &st->slow_trickle_ms);
	if (strcmp(key, "faint") == 0) {
		if (st->faint == FAINT_NONE)
			st->faint = FAINT_FREEZE;
		return set_side(p, key, v, &st->faint_side);
	}
	if (strcmp(key, "faint_how") == 0) {
		if (strcmp(v, "freeze") == 0 || strcmp(v, "sigstop") == 0)
			return st->faint = v[0] == 'f' ? FAINT_FREEZE : FAINT_SIGSTOP, 0;
		return perr(p, "faint_how: '%s' is not freeze or sigstop", v);
	}
	if (strcmp(key, "faint_ms") == 0)
		return set_u32(p, key, v, 60000, &st->faint_ms);
	if (strcmp(key, "faint_at") == 0)
		return set_duration(p, key, v, &st->faint_at_s);

	char err[200];
	int rc = scenario_set(&st->sc, key, v, err, sizeof err);
	if (rc == -ENOENT)
		return perr(p, "unknown key '%s' (see lessons/README.md)", key);
	if (rc < 0)
		return perr(p, "%s", err);
	return 0;
}

/* One "key = value" line of a block; blank lines and '#' comments are skipped. */
static int block_line(struct parser *p, struct lesson_step *st, char *line)
{
	char *s = trim(line);
	if (!*s || *s == '#')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return perr(p, "not a key = value line: '%.60s'", s);
	*eq = '\0';
	char *key = trim(s), *v = unquote(trim(eq + 1));
	for (char *k = key; *k; k++)
		if (!(isalnum((unsigned char)*k) || *k == '_'))
			return perr(p, "'%.40s' is not a key (letters, digits and _)", key);
	return step_key(p, st, key, v);
}

/* A new step inherits the scenario of the one before (a lesson is a script of
 * changes); the first starts from the built-in lunch rush. */
static void step_begin(struct parser *p, struct lesson_step *st, char *text_before)
{
	struct lesson *l = p->l;
	memset(st, 0, sizeof *st);
	if (l->n_steps > 0)
		st->sc = l->step[l->n_steps - 1].sc;
	else
		scenario_defaults(&st->sc);
	st->sc.name[0] = '\0';
	st->run_s = DEFAULT_RUN_S;
	st->warmup_s = DEFAULT_WARMUP_S;
	st->typical_guess = NAN;
	st->typical_choice = NAN;
	st->choose_max = 1e9;
	st->faint_ms = 1000;
	st->faint_at_s = 1.0;
	st->text_before = text_before;
	st->line = p->line;
	p->run_set = p->check_run_set = false;
}

static int step_end(struct parser *p, struct lesson_step *st)
{
	struct lesson *l = p->l;
	if (!p->check_run_set)
		st->check_run_s = st->run_s < DEFAULT_CHECK_RUN_S ? st->run_s : DEFAULT_CHECK_RUN_S;
	if (!st->sc.name[0]) { /* the status bar's name: "the rush" (its mode says "lesson 2, step 1
				* of 3"), cut at a word to fit */
		char name[32];
		snprintf(name, sizeof name, "step %d", l->n_steps + 1);
		lesson_fit_words(st->title[0] ? st->title : name, st->sc.name, sizeof st->sc.name);
	}
	if (st->n_checks < LESSON_MAX_CHECKS && st->check[st->n_checks].claim[0])
		return perr(p, "a claim without its check line after it");
	if (st->choose[0] && (!st->choose_prompt[0] || isnan(st->typical_choice)))
		return perr(p, "choose needs choose_prompt and typical_choice (what --check chooses)");
	if (st->choose[0] && (st->typical_choice < st->choose_min || st->typical_choice > st->choose_max))
		return perr(p, "typical_choice is outside choose_range");
	if (st->predict[0] && !st->predict_measured[0])
		return perr(p, "predict needs predict_measured (what the guess is held against)");
	if (st->faint != FAINT_NONE && st->faint_at_s + st->faint_ms / 1000.0 > st->check_run_s + 0.5)
		return perr(p, "faint_at + faint_ms must end within check_run");
	if (st->id[0] && lesson_step_index(l, st->id, l->n_steps) >= 0)
		return perr(p, "id '%s' is used twice", st->id);
	char err[200];
	if (scenario_check(&st->sc, err, sizeof err) < 0)
		return perr(p, "scenario: %s", err);
	l->n_steps++;
	return 0;
}

static bool is_fence(const char *line, const char **info)
{
	while (*line == ' ')
		line++;
	if (strncmp(line, "```", 3) != 0)
		return false;
	*info = line + 3;
	return true;
}

static void lesson_name_from_path(struct lesson *l, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(l->slug, sizeof l->slug, "%s", base);
	char *dot = strstr(l->slug, ".md");
	if (dot)
		*dot = '\0';
	l->number = atoi(l->slug);
	snprintf(l->path, sizeof l->path, "%s", path);
}

/* The scan itself: text accumulates until a ```lesson fence, which starts a step. */
static int parse_lines(struct parser *p, char *text, struct sbuf *md)
{
	enum { TEXT, BLOCK, OTHER_FENCE } state = TEXT;
	struct lesson *l = p->l;
	char *save = NULL;
	for (char *line = text; line; line = save) {
		save = strchr(line, '\n');
		if (save)
			*save++ = '\0';
		p->line++;
		const char *info;
		bool fence = is_fence(line, &info);
		if (state == BLOCK) {
			if (fence) {
				state = TEXT;
				if (step_end(p, &l->step[l->n_steps]) < 0)
					return -EINVAL;
			} else if (block_line(p, &l->step[l->n_steps], line) < 0)
				return -EINVAL;
			continue;
		}
		if (state == TEXT && fence && strncmp(info, "lesson", 6) == 0) {
			if (l->n_steps == LESSON_MAX_STEPS)
				return perr(p, "more than %d steps", LESSON_MAX_STEPS);
			step_begin(p, &l->step[l->n_steps], sbuf_take(md));
			state = BLOCK;
			continue;
		}
		if (fence)
			state = state == TEXT ? OTHER_FENCE : TEXT;
		if (state == TEXT && !l->title[0] && strncmp(line, "# ", 2) == 0)
			snprintf(l->title, sizeof l->title, "%s", trim(line + 2));
		if (sbuf_add(md, line, strlen(line)) < 0 || sbuf_add(md, "\n", 1) < 0)
			return perr(p, "out of memory");
	}
	if (state == BLOCK)
		return perr(p, "a ```lesson block is not closed");
	return 0;
}

struct lesson *lesson_parse(const char *text, const char *path, char *err, size_t errlen)
{
	struct lesson *l = calloc(1, sizeof *l);
	char *copy = strdup(text);
	struct sbuf md = { 0 };
	struct parser p = { .l = l, .path = path, .err = err, .errlen = errlen };
	if (!l || !copy) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_free;
	}
	lesson_name_from_path(l, path);
	if (parse_lines(&p, copy, &md) < 0)
		goto out_free;
	l->text_after = sbuf_take(&md);
	if (!l->title[0]) {
		snprintf(err, errlen, "%s: no '# Title' line", path);
		goto out_free;
	}
	free(copy);
	return l;

out_free:
	free(md.s);
	free(copy);
	lesson_free(l);
	return NULL;
}

/* The whole file, at most LESSON_FILE_MAX bytes (a lesson is a few KiB): a path to
 * /dev/zero or a huge file gets a clear refusal, not a read until memory runs out. */
struct lesson *lesson_load(const char *path, char *err, size_t errlen)
{
	size_t len;
	int rc;
	char *text = textfile_read_capped(path, LESSON_FILE_MAX, &len, &rc);
	if (!text) {
		if (rc == -EFBIG)
			snprintf(err, errlen, "%s: larger than %d KiB: not a lesson file", path, LESSON_FILE_MAX / 1024);
		else if (rc == -EILSEQ)
			snprintf(err, errlen, "%s: holds NUL bytes: not a lesson (Markdown text) file", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return NULL;
	}
	struct lesson *l = lesson_parse(text, path, err, errlen);
	free(text);
	return l;
}

void lesson_free(struct lesson *l)
{
	if (!l)
		return;
	for (int i = 0; i < LESSON_MAX_STEPS; i++)
		free(l->step[i].text_before);
	free(l->text_after);
	free(l);
}

static int cmp_paths(const void *a, const void *b)
{
	const char *x = strrchr(a, '/'), *y = strrchr(b, '/');
	return strcmp(x ? x : a, y ? y : b);
}

int lesson_list_files(const char *dir, char paths[][LESSON_PATH_MAX], int max)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < max) {
		const char *name = e->d_name;
		size_t len = strlen(name);
		if (len < 6 || !isdigit((unsigned char)name[0]) || !isdigit((unsigned char)name[1]) ||
		    name[2] != '-' || strcmp(name + len - 3, ".md") != 0)
			continue;
		snprintf(paths[n++], LESSON_PATH_MAX, "%.*s/%.*s", 300, dir, 200, name);
	}
	closedir(d);
	qsort(paths, (size_t)n, LESSON_PATH_MAX, cmp_paths);
	return n;
}

int lesson_step_index(const struct lesson *l, const char *id, int before)
{
	for (int i = 0; i < before && i < l->n_steps; i++)
		if (l->step[i].id[0] && strcmp(l->step[i].id, id) == 0)
			return i;
	return -1;
}

const char *lesson_hint_for(const struct lesson_step *st, double guess)
{
	if (isnan(guess))
		return NULL;
	for (int i = 0; i < st->n_hints; i++) {
		double d = fabs(guess - st->hint[i].value);
		if (d <= 0.5 || d <= 0.1 * fabs(st->hint[i].value))
			return st->hint[i].text;
	}
	return NULL;
}

int lesson_apply_choice(const struct lesson_step *st, double choice, struct scenario *out, char *err, size_t errlen)
{
	*out = st->sc;
	if (!st->choose[0])
		return 0;
	if (isnan(choice) || choice < st->choose_min || choice > st->choose_max) {
		snprintf(err, errlen, "%s: choose a number from %g to %g", st->choose, st->choose_min, st->choose_max);
		return -EINVAL;
	}
	char v[32];
	snprintf(v, sizeof v, "%.0f", choice);
	if (strcmp(st->choose, "rate") == 0)
		snprintf(v, sizeof v, "%g", choice);
	return scenario_set(out, st->choose, v, err, errlen);
}
