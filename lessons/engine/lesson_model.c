/* lesson_model.c: the model of a lesson step (see lesson_model.h). sim_bridge runs both
 * restaurants on one set of cores, as on the machine; the step's measured window is
 * the difference of a run to its end and a run to its warm-up. */
#include "lesson_model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../visualizer/restaurant.h"
#include "../../visualizer/sim_bridge.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What the model leaves out (simulator/README.md), or NULL. */
static const char *not_modelled(const struct lesson_step *st, const struct scenario *sc)
{
	if (st->slow_talkers)
		return "the model has no slow talkers";
	if (st->faint != FAINT_NONE)
		return "the model has no faint (a frozen cashier)";
	if (sc->mix[0])
		return "the model has one kind of order, not a mixed menu";
	if (sc->blocking_args[0] || sc->evented_args[0] || sc->loadgen_args[0])
		return "the model does not take the step's extra flags";
	for (int i = 0; i < 2; i++)
		if ((i == 0 ? sc->blocking : sc->evented) && !restaurant_is_ours(sc->half[i].kind))
			return "the model is of our two restaurants, not of a peer";
	return NULL;
}

/* The run's totals up to its end: counts, and areas and sums from which the means of
 * a window are differences. The model is deterministic, so the first T1 seconds of a
 * run of T2 are the run of T1: the window [T1, T2) is the difference of the two. */
struct totals {
	double t, served, offered, shed, lat_n, lat_sum, line, inside, busy, cores, sojourn, left;
};

static void totals_of(const struct sim_window *w, struct totals *o)
{
	o->t = w->length_s;
	o->served = (double)w->served;
	o->offered = (double)w->offered;
	o->shed = (double)w->shed;
	o->lat_n = (double)w->latency_count;
	o->lat_sum = w->mean_ms * (double)w->latency_count;
	o->line = w->line_mean * w->length_s;
	o->inside = w->in_server_mean * w->length_s;
	o->busy = w->busy_pct * w->length_s;
	o->cores = w->cpu_cores_mean * w->length_s;
	/* in_server_w_s is the mean over the orders that left the server in the window */
	o->left = (double)w->served + (double)w->shed + (double)w->timeouts;
	o->sojourn = w->in_server_w_s * o->left;
}

static void window_of(const struct totals *a, const struct totals *b, struct model_side *out)
{
	double t = b->t - a->t;
	out->present = t > 0;
	out->window_s = t;
	if (t <= 0)
		return;
	double lat_n = b->lat_n - a->lat_n, left = b->left - a->left;
	out->offered_rps = (b->offered - a->offered) / t;
	out->throughput_rps = (b->served - a->served) / t;
	out->shed_rps = (b->shed - a->shed) / t;
	out->mean_ms = lat_n > 0 ? (b->lat_sum - a->lat_sum) / lat_n : NAN;
	out->line_mean = (b->line - a->line) / t;
	out->in_system_mean = (b->inside - a->inside) / t;
	out->busy_pct = (b->busy - a->busy) / t;
	out->cores_mean = (b->cores - a->cores) / t;
	out->little_lw = left > 0 ? out->throughput_rps * (b->sojourn - a->sojourn) / left : 0;
}

int lesson_model_run(const struct lesson_step *st, const struct scenario *sc, double window_s,
		     struct model_step *out)
{
	memset(out, 0, sizeof *out);
	out->done = true;
	const char *why = not_modelled(st, sc);
	if (why) {
		snprintf(out->err, sizeof out->err, "%s", why);
		return out->rc = -ENOTSUP;
	}
	if (!(window_s > 0)) {
		snprintf(out->err, sizeof out->err, "the step measured no window");
		return out->rc = -EINVAL;
	}
	double warm_s = st->warmup_s > 0 ? st->warmup_s : 0;
	struct sim_bridge upto_end, upto_warm;
	memset(&upto_warm, 0, sizeof upto_warm);
	int rc = sim_bridge_run(&upto_end, sc, warm_s + window_s);
	if (rc == 0 && warm_s > 0)
		rc = sim_bridge_run(&upto_warm, sc, warm_s);
	if (rc < 0) {
		snprintf(out->err, sizeof out->err, "the model did not run: %.170s",
			 upto_end.err[0] ? upto_end.err : upto_warm.err);
	} else {
		for (int s = 0; s < SIDE_COUNT; s++) {
			if (!upto_end.ran[s])
				continue;
			struct totals a = { 0 }, b;
			if (upto_warm.ran[s])
				totals_of(&upto_warm.res[s].run, &a);
			totals_of(&upto_end.res[s].run, &b);
			window_of(&a, &b, &out->side[s]);
		}
	}
	sim_bridge_free(&upto_end);
	sim_bridge_free(&upto_warm);
	return out->rc = rc < 0 ? rc : 0;
}

#define F(f, doc) { #f, offsetof(struct model_side, f), doc }
static const struct {
	const char *name;
	size_t off;
	const char *doc;
} fields[] = {
	F(offered_rps, "arrivals the schedule asked for, per second"),
	F(throughput_rps, "orders served, per second"),
	F(shed_rps, "turned away with a 503, per second"),
	F(mean_ms, "latency mean, from the scheduled arrival"),
	F(line_mean, "customers waiting for a cashier (or the loop), mean"),
	F(in_system_mean, "L: orders inside the server, mean"),
	F(little_lw, "lambda W: throughput x mean time inside"),
	F(busy_pct, "cashiers (or loops) not idle, % of the time"),
	F(cores_mean, "cores the server used, mean"),
	F(window_s, "the modelled window, s"),
};
#undef F

long lesson_model_field(const char *name, const char **doc)
{
	for (size_t i = 0; i < COUNT(fields); i++)
		if (strcmp(fields[i].name, name) == 0) {
			if (doc)
				*doc = fields[i].doc;
			return (long)fields[i].off;
		}
	return -1;
}

const char *lesson_model_field_at(size_t i, const char **doc)
{
	if (i >= COUNT(fields))
		return NULL;
	if (doc)
		*doc = fields[i].doc;
	return fields[i].name;
}
