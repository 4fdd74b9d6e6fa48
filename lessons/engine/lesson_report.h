/* lesson_report.h: a step's results judged and put into words: the prediction beside
 * the measurement and the theory, each claim PASS or FAIL, the difference explained.
 * Shared by --check (printed) and the lesson pane (drawn). No ncurses.
 */
#ifndef LUNCHRUSH_LESSON_REPORT_H
#define LUNCHRUSH_LESSON_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "lesson_doc.h"
#include "lesson_expr.h"
#include "lesson_vars.h"

/* The prediction row: what the student said, what was measured, what theory says. */
struct prediction_row {
	bool asked;                  /* the step has a predict question */
	bool have_predicted, have_measured, have_theory;
	double predicted, measured, theory;
	char unit[24];
	char theory_why[200];        /* theory_explain of predict_theory */
	char hint[LESSON_TITLE_MAX * 2]; /* the step's hint for this wrong guess, or "" */
};

struct check_outcome {
	int rc;                      /* 0: judged (see r.pass); <0: could not be evaluated */
	struct claim_result r;
	char err[240];               /* why it could not be evaluated */
	const char *unit;            /* of the left side's figure */
	bool predicted_here;         /* its left side is what the prediction is held against */
	bool skipped;                /* the step's require was not met: not judged (see err) */
};

/* "79.6/s", "212ms", "1.50", "unbounded" (INFINITY), "-" (NAN). */
char *lesson_fmt_value(char *buf, size_t len, double v, const char *unit);

/* Fill the prediction row of the current step of c. */
void lesson_prediction(struct lesson_ctx *c, struct prediction_row *row);

/* Judge every check of the current step. Returns how many passed; *skipped (may be
 * NULL) gets how many were skipped because the step's require was not met. */
int lesson_judge(struct lesson_ctx *c, struct check_outcome out[LESSON_MAX_CHECKS], int *skipped);

/* text with every {EXPR} replaced by its value on this run ("?" without one). */
void lesson_substitute(struct lesson_ctx *c, const char *text, char *out, size_t len);

/* The difference explained, as lines separated by '\n': prediction against
 * measurement, measurement against theory, rho warnings, the lesson's own words. */
void lesson_explain(struct lesson_ctx *c, const struct prediction_row *row, char *buf, size_t len);

#endif
