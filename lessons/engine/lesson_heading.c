/* lesson_heading.c: a step's heading, its timing and a title cut at a word (see
 * lesson_heading.h). Pure text: no ncurses, no process; tests/unit/test_dashboard_
 * lesson_heading.c checks each against whole sentences. */
#include "lesson_heading.h"

#include <stdio.h>
#include <string.h>

const char *lesson_step_heading(const struct lesson *l, int i, char *buf, size_t len)
{
	const char *title = i >= 0 && i < l->n_steps ? l->step[i].title : "";
	snprintf(buf, len, "Step %d of %d%s%s", i + 1, l->n_steps, title[0] ? ": " : "", title);
	return buf;
}

const char *lesson_step_timing(const struct lesson_step *st, bool utf8, char *buf, size_t len)
{
	const char *sp = utf8 ? "\u00a0" : " ";
	if (st->warmup_s > 0)
		snprintf(buf, len, "It runs %g%ss: %g%ss to warm up, then %g%ss measured.", st->warmup_s + st->run_s, sp,
			 st->warmup_s, sp, st->run_s, sp);
	else
		snprintf(buf, len, "It runs %g%ss, all of it measured.", st->run_s, sp);
	return buf;
}

/* Cost: one pass over text. */
const char *lesson_fit_words(const char *text, char *buf, size_t len)
{
	if (!len)
		return buf;
	size_t n = strlen(text);
	if (n < len) {
		memcpy(buf, text, n + 1);
		return buf;
	}
	size_t room = len > 4 ? len - 4 : 0;  /* for "..." and the NUL */
	size_t cut = 0;
	for (size_t k = 1; k <= room && k < n; k++)
		if (text[k] == ' ')
			cut = k;                    /* text[0..cut) is whole words */
	if (cut == 0)
		cut = room;                     /* one long word: cut it, there is nothing better */
	while (cut > 0 && strchr(" ,:;-", text[cut - 1]))
		cut--;
	snprintf(buf, len, "%.*s...", (int)cut, text);
	return buf;
}
