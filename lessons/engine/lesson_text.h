/* lesson_text.h: a lesson's Markdown as lines of plain text wrapped to a width, for
 * the lesson pane and for a reader without a terminal. Headings, lists, quotes and
 * code keep their shape; **bold** and `code` marks are dropped; [text](url) becomes
 * "text (url)". Widths count UTF-8 characters, not bytes. No ncurses.
 */
#ifndef LUNCHRUSH_LESSON_TEXT_H
#define LUNCHRUSH_LESSON_TEXT_H

enum text_kind { TK_NORMAL = 0, TK_HEADING, TK_CODE, TK_QUOTE, TK_GOOD, TK_BAD, TK_DIM };

struct text_lines {
	int n, cap;
	char **line;
	unsigned char *kind;      /* enum text_kind per line */
};

void text_lines_init(struct text_lines *t);
void text_lines_free(struct text_lines *t);
void text_lines_clear(struct text_lines *t);

/* Append one line as is. 0 or -ENOMEM. */
int text_lines_add(struct text_lines *t, const char *s, enum text_kind kind);

/* Append Markdown, wrapped to width columns. 0 or -ENOMEM. */
int text_wrap_markdown(struct text_lines *t, const char *md, int width);

/* Append plain text (lines separated by '\n'), each wrapped to width: first before its
 * first row, indent before the rows it continues on. 0 or -ENOMEM. */
int text_wrap_plain(struct text_lines *t, const char *text, int width, const char *first, const char *indent,
		    enum text_kind kind);

/* Columns a UTF-8 string takes (one per character). */
int text_columns(const char *s);

#endif
