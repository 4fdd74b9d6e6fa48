/* lesson_heading.h: the words a lesson shows about a step, built in one place so they
 * read as sentences everywhere (the pane, the results, the status bar, the plain-text
 * lesson): "Step 2 of 5: 10 ms of CPU per order", "It runs 9.5 s: 1.5 s to warm up,
 * then 8 s measured.", and a title cut to fit at a word, never inside one.
 */
#ifndef LUNCHRUSH_LESSON_HEADING_H
#define LUNCHRUSH_LESSON_HEADING_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson_doc.h"

/* "Step 2 of 5: 10 ms of CPU per order", or "Step 2 of 5" for an untitled step.
 * Returns buf. */
const char *lesson_step_heading(const struct lesson *l, int i, char *buf, size_t len);

/* "It runs 9.5 s: 1.5 s to warm up, then 8 s measured." (the interactive durations;
 * the figures as given, never rounded into a sum that does not add up). With utf8 each
 * number is tied to its unit by a no-break space (U+00A0), so that wrapping the pane
 * never leaves "9.5" at a line's end and "s" on the next. Returns buf. */
const char *lesson_step_timing(const struct lesson_step *st, bool utf8, char *buf, size_t len);

/* text into buf whole if it fits, else cut after the last whole word that fits with
 * "..." added (its trailing comma or colon dropped). Returns buf. */
const char *lesson_fit_words(const char *text, char *buf, size_t len);

#endif
