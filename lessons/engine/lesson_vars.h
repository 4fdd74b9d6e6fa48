/* lesson_vars.h: the names a lesson's checks use, and what theory says of a scenario.
 *
 *   [STEP.]measured.SIDE.FIELD   what a step measured (struct measured_side)
 *   [STEP.]theory.SIDE.FIELD     what queueing theory predicts for its scenario
 *   [STEP.]scenario.KEY          a number of its scenario (rate, cook_ms, threads, ...)
 *   [STEP.]model.SIDE.FIELD      what the model (simulator/) says of it (lesson_model.h)
 *   predicted                    the number the student typed (the typical guess in --check)
 *   predict.measured             the step's predict_measured (predict.theory likewise)
 *   machine.cores                processors online
 *   machine.free_cores           cores other programs left free while the step ran
 * SIDE is blocking or evented; STEP is the id of an earlier step (default: this one).
 * lessons/README.md lists every FIELD.
 */
#ifndef LUNCHRUSH_LESSON_VARS_H
#define LUNCHRUSH_LESSON_VARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../../visualizer/arena.h"
#include "lesson_doc.h"
#include "lesson_measure.h"
#include "lesson_model.h"
#include "../../visualizer/scenario.h"

/* What theory says of one restaurant under a scenario (theory.c does the math). */
struct theory_side {
	bool present;           /* this side runs in the scenario */
	bool open_loop;
	double rate_rps;        /* arrivals per second (open loop) */
	double connections;     /* customers (closed loop) */
	double service_ms;      /* one order, no waiting: cook + CPU work */
	double servers;         /* blocking: cashier threads; evented: loops or helpers doing
	                         * the CPU part, at most the cores; -1: unbounded */
	double bound_rps;       /* the most orders per second it can serve */
	double rho;             /* utilisation: offered / bound */
	double growth_rps;      /* how fast the line grows when rho >= 1 */
	double throughput_rps;  /* expected: min(rate, bound), or the closed-loop figure */
	double p_wait;          /* Erlang C: share of customers who wait for a cashier */
	double wait_mmc_ms;     /* mean wait in line, M/M/c */
	double wait_mdc_ms;     /* mean wait in line, M/D/c (constant service: closer to us) */
	double latency_ms;      /* expected mean time per order (service + M/D/c wait; closed loop N / X) */
	double latency_mmc_ms;  /* service + M/M/c wait (an upper estimate) */
	double little_l;        /* throughput * latency: orders in the restaurant */
	double wait_kingman_ms; /* mean wait, Kingman / Allen-Cunneen: (ca2 + cs2) / 2 x M/M/c
	                         * (even arrivals: ca2 = 0; constant service: cs2 = 0) */
	double wait_p99_ms;     /* evented: the 99th percentile of the wait at the register,
	                         * M/D/1 (one loop or one helper doing the CPU part); 0 otherwise */
	double lag_p99_ms;      /* evented: loop lag p99 = wait_p99_ms when the loop itself does
	                         * the CPU work (no helpers), else 0: the queue moved to a helper */
	double line_cap_max_ms; /* blocking, max_line = K: no served order waits longer than
	                         * (K / c + 1) x service (M/D/c/K); 0 without a cap */
	double shed_share;      /* share of customers a bounded line must turn away when
	                         * rho > 1: 1 - bound / arrivals (0 when rho < 1) */
	double stall_p99_ms;    /* a stall (faint) of T in a window of w, open loop: the p99
	                         * is about T - w / 100 (the orders caught in it are T / w of
	                         * all); set when the step ran, from its window */
	double stall_share_pct; /* closed loop: the share of orders caught in the stall,
	                         * N / (X w) in %; under 1 the p99 hides the stall */
	double wait_mg1_ms;     /* evented, one loop doing a mixed menu's CPU work (mix = ...):
	                         * the M/G/1 mean wait, lambda E[S^2] / (2 (1 - rho)) */
	double slow_wait_ms;    /* blocking, s slow talkers on c cashiers cut off after a
	                         * header deadline D: an ordinary customer waits about s / c
	                         * deadlines for a cashier (lesson 6); set from the step */
};

void theory_for_scenario(const struct scenario *sc, enum arena_side side, struct theory_side *out);

/* The figures of a step that need its run: the stall's theory from the window length.
 * Call after theory_for_scenario, with the measured window in seconds. */
void theory_for_step(const struct lesson_step *st, enum arena_side side, double window_s, struct theory_side *t);

/* One line saying where a theory figure comes from, with the numbers:
 * "threads / service time = 4 / 0.050 s = 80.0/s". "" for a name it has no words for. */
void theory_explain(const struct lesson_step *st, const struct scenario *sc, const char *name, char *buf, size_t len);

struct step_result {
	bool ran;
	struct measured_side measured[SIDE_COUNT];
	struct theory_side theory[SIDE_COUNT];
	double predicted;       /* NAN when none */
	double free_cores;      /* machine.free_cores: cores other programs left to the step */
	double chosen;          /* a challenge's choice (NAN: none) */
	bool have_sc;           /* sc is the scenario that ran (the choice applied) */
	struct scenario sc;
	char skip_reason[200];  /* the step could not run here (needs = go): its claims are skipped */
	/* model.*: run when a check first names it, again when the window or the scenario
	 * it was run for changed (a step run again, another choice) */
	struct model_step model;
	double model_window_s;
	struct scenario model_sc;
};

/* The lookup context of one lesson run. */
struct lesson_ctx {
	const struct lesson *lesson;
	struct step_result *result;   /* lesson->n_steps of them */
	int current;                  /* the step whose checks are evaluated */
	bool validate;                /* only check that names exist (every one is 1) */
	bool *referenced;             /* validate: marks the steps named by id (or NULL) */
};

/* name without its "STEP." prefix, when it has one ("few.theory.blocking.x" ->
 * "theory.blocking.x"); name itself otherwise. */
const char *lesson_name_after_step(const char *name);

/* expr_lookup_fn for lesson_expr.h. */
int lesson_lookup(void *ctx, const char *name, double *out, char *err, size_t errlen);

/* Evaluate a predict_theory expression: only theory.* (and model.*) names are
 * accepted; a measured, scenario or predicted name is -EINVAL with the reason. */
int lesson_eval_theory(struct lesson_ctx *c, const char *text, double *out, char *err, size_t errlen);

/* Check a whole lesson without running it: every check and predict expression parses
 * and names only figures that exist and steps that come before. 0, or -EINVAL with
 * "PATH:LINE: reason" in err. */
int lesson_validate(const struct lesson *l, char *err, size_t errlen);

/* Steps a later check names by id (they must run under --check too). */
void lesson_referenced_steps(const struct lesson *l, bool referenced[LESSON_MAX_STEPS]);

/* The i-th measured figure's name and its offset in struct measured_side; NULL past
 * the last (lesson_record.c writes and reads them by name). */
const char *lesson_measured_field(size_t i, size_t *off);

/* The table of measured and theory field names, for lessons/README.md and --help. */
void lesson_print_names(FILE *out);

/* Every figure of a step that ran, one "name = value" per line (--check --verbose:
 * what a lesson writer tunes a scenario against). */
void lesson_print_figures(FILE *out, const struct step_result *r);

#endif
