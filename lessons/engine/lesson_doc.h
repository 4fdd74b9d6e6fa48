/* lesson_doc.h: a lesson file (lessons/NN-name.md) read into pages and steps.
 *
 * A lesson is Markdown that reads well as plain text. Its machinery lives in fenced
 * blocks marked ```lesson, one per step, holding key = value lines (lessons/README.md
 * documents every key). The Markdown before a block is the page shown before that step
 * runs; the Markdown after the last block is the closing page. No ncurses, no process:
 * the unit test loads every lesson with this and validates its checks.
 */
#ifndef LUNCHRUSH_LESSON_DOC_H
#define LUNCHRUSH_LESSON_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../visualizer/scenario.h"

#define LESSON_MAX_STEPS 12
#define LESSON_MAX_CHECKS 8
#define LESSON_MAX_FILES 64
#define LESSON_ID_MAX 24
#define LESSON_TITLE_MAX 96
#define LESSON_EXPR_MAX 240
#define LESSON_TEXT_MAX 1400
#define LESSON_PATH_MAX 512
#define LESSON_FILE_MAX (256 * 1024) /* bytes; the longest lesson is under 16 KiB */

struct lesson_check {
	char claim[LESSON_TITLE_MAX * 2]; /* what the lesson says, in words */
	char expr[LESSON_EXPR_MAX];       /* the check: "measured.x within 15% of theory.y" */
	int line;                         /* in the file, for error messages */
};

#define LESSON_MAX_HINTS 4

/* A common wrong answer and what it reveals: shown when the guess is within 10 % of
 * value ("320? you counted customers, not cashiers"). */
struct lesson_hint {
	double value;
	char text[LESSON_TITLE_MAX * 2];
};

/* "the chef faints": a server frozen for a while in the middle of the measurement. */
enum faint_how { FAINT_NONE = 0, FAINT_FREEZE, FAINT_SIGSTOP };

struct lesson_step {
	char id[LESSON_ID_MAX];          /* name later checks use: "few.measured..." */
	char title[LESSON_TITLE_MAX];
	struct scenario sc;              /* the scenario in force for this step */
	double run_s;                    /* measured time, interactive */
	double check_run_s;              /* measured time under --check */
	double warmup_s;                 /* before measuring (both modes) */
	char predict[LESSON_TITLE_MAX * 2];       /* the question; "" asks nothing */
	char predict_measured[LESSON_EXPR_MAX];   /* what the guess is held against */
	char predict_theory[LESSON_EXPR_MAX];     /* what theory says about it */
	char unit[24];                   /* "orders/s", "ms" */
	double typical_guess;            /* --check shows it as the prediction; NAN: none */
	struct lesson_check check[LESSON_MAX_CHECKS];
	int n_checks;
	char explain[LESSON_TEXT_MAX];   /* shown beside the results */
	char if_fail[LESSON_TEXT_MAX];   /* shown when a check fails */
	char require[LESSON_EXPR_MAX];   /* a claim about the machine (machine.free_cores >= 1.5)
	                                  * without which the checks mean nothing: unmet, they
	                                  * are skipped, with the reason */
	uint32_t slow_talkers;           /* extra clients that trickle their order */
	uint32_t slow_trickle_ms;        /* one byte every this many ms */
	enum faint_how faint;
	int faint_side;                  /* enum arena_side */
	uint32_t faint_ms;
	double faint_at_s;               /* after the measurement starts */
	struct lesson_hint hint[LESSON_MAX_HINTS];   /* per-step wrong-guess hints */
	int n_hints;
	/* a challenge: the student chooses a scenario number (choose = threads), the step runs
	 * with it and the checks judge the choice; `chosen` names it in a check */
	char choose[24];                 /* the scenario key the student sets; "" for none */
	char choose_prompt[LESSON_TITLE_MAX * 2];
	double choose_min, choose_max;   /* accepted range */
	double typical_choice;           /* what --check chooses (NAN: none given) */
	char needs[24];                  /* "go": the step needs the Go restaurant; "mix": a
	                                  * loadgen with --mix. Without it the step's claims are
	                                  * skipped with the reason */
	char *text_before;               /* Markdown shown before the step (owned) */
	int line;                        /* of the ```lesson fence */
};

struct lesson {
	int number;                      /* from the file name: 01-... -> 1 */
	char slug[64];                   /* the file name without .md: "01-one-customer" */
	char title[LESSON_TITLE_MAX];    /* the first "# " heading */
	char path[LESSON_PATH_MAX];
	struct lesson_step step[LESSON_MAX_STEPS];
	int n_steps;
	char *text_after;                /* the closing page (owned) */
};

/* Parse lesson text (the file's contents). number and slug come from the caller.
 * NULL with "PATH:LINE: reason" in err. Free with lesson_free. */
struct lesson *lesson_parse(const char *text, const char *path, char *err, size_t errlen);

/* Read (at most LESSON_FILE_MAX bytes) and parse a file. NULL with the reason in err. */
struct lesson *lesson_load(const char *path, char *err, size_t errlen);
void lesson_free(struct lesson *l);

/* The lesson files of dir (NN-*.md, sorted by NN), as full paths into paths[]
 * (each LESSON_PATH_MAX). Returns how many, or a negative errno. */
int lesson_list_files(const char *dir, char paths[][LESSON_PATH_MAX], int max);

/* Which step an id names, or -1. Only steps before `before` count (a check may name
 * an earlier step, or its own). */
int lesson_step_index(const struct lesson *l, const char *id, int before);

/* The hint of step st for a guess (within 10 % of a hint's value, or 0.5 of it), or NULL. */
const char *lesson_hint_for(const struct lesson_step *st, double guess);

/* A challenge's choice applied to a copy of the step's scenario. 0, or -EINVAL. */
int lesson_apply_choice(const struct lesson_step *st, double choice, struct scenario *out, char *err, size_t errlen);

/* "8s", "500ms", "2.5" (seconds) -> seconds. -EINVAL when not a duration. */
int lesson_parse_duration(const char *text, double *out_s);

#endif
