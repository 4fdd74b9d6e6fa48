/* lesson_record.h: a lesson's measurements kept in a file, for a classroom machine too
 * busy to run the restaurants (issue 15): `--lesson N --check --record FILE` (add
 * --live for the student's windows) measures on a quiet machine; `--lesson N --replay
 * FILE` then shows the lesson, and `--check --replay FILE` judges its claims, on those
 * figures, saying on screen that they are replayed. The format is text, one figure a
 * line ("step 2 measured blocking p99_ms 212.5"), under a versioned header naming the
 * lesson. No ncurses, no process.
 */
#ifndef LUNCHRUSH_LESSON_RECORD_H
#define LUNCHRUSH_LESSON_RECORD_H

#include <stdio.h>
#include <stddef.h>

#include "lesson_doc.h"
#include "lesson_vars.h"

#define LESSON_RECORD_MAGIC "lunchrush-lesson-recording 1"

/* The header: magic, the lesson's slug, when, which durations. */
void lesson_record_header(FILE *out, const struct lesson *l, bool live);

/* One step's figures (nothing when it did not run). */
void lesson_record_step(FILE *out, int step, const struct step_result *r);

/* Read a recording of lesson l into res[l->n_steps] (ran set for each step recorded).
 * when gets the recording's date ("2026-12-04 20:41 UTC"). 0, or -EINVAL with
 * "FILE:LINE: reason" in err (not a recording, another lesson, a bad figure). */
int lesson_record_read(const char *path, const struct lesson *l, struct step_result *res, char *when,
		       size_t whenlen, char *err, size_t errlen);

#endif
