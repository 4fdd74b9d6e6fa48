/* lesson_check.h: `bin/dashboard --lesson N --check`: a lesson run headless with short
 * durations, each claim measured on this machine and judged with its tolerance. The
 * lesson's own test: lessons/check-all.sh runs it for every lesson. No ncurses.
 */
#ifndef LUNCHRUSH_LESSON_CHECK_H
#define LUNCHRUSH_LESSON_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "lesson_doc.h"

struct check_totals {
	int passed, failed, skipped;   /* claims */
};

/* Run every step that has checks (or that a later check names) and print one verdict
 * per claim on out, then "lesson N: P passed, F failed". verbose also prints every
 * figure measured; live runs each step for its `run` (the student's window) instead
 * of its `check_run` (--check --live: every claim must hold in both). 0, or a
 * negative errno when nothing could run (totals say the rest). */
struct lesson_check_opts {
	bool verbose;              /* every figure measured */
	bool live;                 /* each step for its run, not its check_run */
	const char *record;        /* write the measurements to this file (lesson_record.h) */
	const char *replay;        /* judge a recording's figures instead of running */
};

int lesson_check_run(const struct lesson *l, const char *bin_dir, const struct lesson_check_opts *o, FILE *out,
		     struct check_totals *tot);

#endif
