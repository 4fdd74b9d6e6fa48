/* lesson_model.h: what the model (simulator/) says of a lesson step, for model.* names.
 *
 *   [STEP.]model.SIDE.FIELD   the discrete-event model of the step's scenario, driven by
 *                             the same seed and arrivals, over the step's own measured
 *                             window (after its warm-up): issue 13's "the model says 80,
 *                             the machine says 78"
 *
 * The model runs when a check first names one of its figures (milliseconds of CPU),
 * so a lesson that never names model.* never runs it. It is the model, never a
 * measurement: predict_theory may name it.
 */
#ifndef LUNCHRUSH_LESSON_MODEL_H
#define LUNCHRUSH_LESSON_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../../visualizer/arena.h"
#include "lesson_doc.h"
#include "../../visualizer/scenario.h"

/* One restaurant as the model has it over the window. Means only: a window's counts and
 * areas are exact differences of two runs' totals (a percentile of the window would need
 * its own histogram). */
struct model_side {
	bool present;
	double window_s;        /* the simulated window, s */
	double offered_rps;     /* arrivals the schedule asked for, per second */
	double throughput_rps;  /* orders served within the client's timeout, per second */
	double shed_rps;        /* turned away with a 503, per second */
	double mean_ms;         /* latency mean, from the scheduled arrival */
	double line_mean;       /* customers waiting for a cashier (or the loop), mean */
	double in_system_mean;  /* L: orders inside the server, time average */
	double little_lw;       /* lambda W: throughput x mean time inside */
	double busy_pct;        /* cashiers (or loops) not idle, % */
	double cores_mean;      /* cores the server used, mean */
};

struct model_step {
	bool done;              /* run (or refused: err says why) */
	int rc;                 /* 0, or why there is no model */
	char err[200];
	struct model_side side[SIDE_COUNT];
};

/* Model step st under sc (the scenario that ran: a challenge's choice applied) over
 * [warmup, warmup + window_s). 0, or -ENOTSUP when the step has what the model leaves
 * out (slow talkers, a faint, a mixed menu, a peer, extra flags), -EINVAL or -ENOMEM,
 * with the reason in out->err. */
int lesson_model_run(const struct lesson_step *st, const struct scenario *sc, double window_s,
		     struct model_step *out);

/* FIELD of struct model_side by name: its offset, or -1. */
long lesson_model_field(const char *name, const char **doc);
/* The i-th field's name (NULL past the last), for lessons/README.md and --help. */
const char *lesson_model_field_at(size_t i, const char **doc);

#endif
