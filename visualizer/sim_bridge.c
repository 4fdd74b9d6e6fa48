/* sim_bridge.c: the model beside the measurement (see sim_bridge.h). Only the headless
 * summary calls it today; the screen could draw the same figures as a ghost. */
#include "sim_bridge.h"

#include <errno.h>
#include <string.h>

#include "model.h"
#include "../simulator/live.h"
#include "../simulator/report.h"
#include "../simulator/setup.h"

_Static_assert((int)SIDE_BLOCKING == (int)SIM_BLOCKING && (int)SIDE_EVENTED == (int)SIM_EVENTED,
	       "the dashboard's sides and the model's servers are numbered alike");

int sim_bridge_run(struct sim_bridge *b, const struct scenario *sc, double duration_s)
{
	char path[512];
	memset(b, 0, sizeof *b);
	calibration_default_path(path, sizeof path);
	int rc = calibration_read(&b->cal, path, b->err, sizeof b->err);
	if (rc == -EINVAL)
		return rc;  /* a broken calibration file is named, not silently ignored */
	struct sim_knobs k;
	sim_knobs_defaults(&k);
	k.duration_ns = (uint64_t)(duration_s * 1e9);
	if (k.duration_ns == 0)
		return -EINVAL;
	/* the limits lessons 10, 12 and 13 set (0: the binaries' defaults, as the model's) */
	k.max_line = sc->max_line;
	if (sc->backlog)
		k.backlog = sc->backlog;
	if (sc->kitchen)
		k.stoves = sc->stoves;
	/* both restaurants run at once on this machine's cores, so they are modelled
	 * together on one set of cores: each one's CPU slows the other's */
	struct sim_config cfg[SIDE_COUNT];
	struct sim_result res[SIDE_COUNT];
	int which[SIDE_COUNT];
	unsigned n = 0;
	for (int s = 0; s < SIDE_COUNT; s++) {
		sim_setup(&b->cfg[s], (enum sim_server)s, sc, &k, &b->cal);
		if (s == SIDE_BLOCKING ? sc->blocking : sc->evented) {
			cfg[n] = b->cfg[s];
			which[n++] = s;
		}
	}
	if (n == 0)
		return 0;
	rc = sim_run_shared(cfg, res, n, b->err, sizeof b->err);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		b->res[which[i]] = res[i];
		b->ran[which[i]] = true;
	}
	return 0;
}

void sim_bridge_free(struct sim_bridge *b)
{
	if (!b)
		return;
	for (int s = 0; s < SIDE_COUNT; s++)
		if (b->ran[s])
			sim_result_free(&b->res[s]);
	memset(b->ran, 0, sizeof b->ran);
}

bool sim_bridge_side_json(const struct sim_bridge *b, enum arena_side side, FILE *out)
{
	if (!b->ran[side])
		return false;
	struct report_side rs = { &b->cfg[side], &b->res[side] };
	report_json_side(out, &rs, &b->cal);
	return true;
}

void sim_bridge_json(const struct sim_bridge *b, FILE *out)
{
	fputc('{', out);
	for (int s = 0; s < SIDE_COUNT; s++) {
		if (!b->ran[s])
			continue;
		fprintf(out, "\"%s\": ", arena_side_name(s));
		sim_bridge_side_json(b, s, out);
		fprintf(out, ", ");
	}
	fprintf(out, "\"calibrated\": %s}", b->cal.present ? "true" : "false");
}

void sim_bridge_note(const struct sim_bridge *b, FILE *out)
{
	fprintf(out, "model: ");
	if (!b->ran[0] && !b->ran[1] && b->err[0])
		fprintf(out, "not run: %s\n", b->err);
	else
		report_calibration_line(out, &b->cal);
}

/* ---- live ---- */

void sim_ghost_init(struct sim_ghost *g)
{
	memset(g, 0, sizeof *g);
	g->shown = true;
	char path[512];
	calibration_default_path(path, sizeof path);
	if (calibration_read(&g->cal, path, g->err, sizeof g->err) < 0)
		memset(&g->cal, 0, sizeof g->cal);  /* absent or broken: uncalibrated */
}

void sim_ghost_destroy(struct sim_ghost *g)
{
	sim_live_free(g->live);
	g->live = NULL;
}

/* The same run, apart from the live knobs (+/-, [ ], { }, k change app->sc as they
 * change the load): those are applied to the running model, not a restart. */
static bool same_scenario(const struct scenario *a, const struct scenario *b)
{
	struct scenario x, y;
	memcpy(&x, a, sizeof x);
	memcpy(&y, b, sizeof y);
	x.rate = y.rate = 0;
	x.cook_ms = y.cook_ms = 0;
	x.work_us = y.work_us = 0;
	x.keepalive = y.keepalive = false;
	return memcmp(&x, &y, sizeof x) == 0;
}

static void ghost_start(struct sim_ghost *g, const struct scenario *sc)
{
	struct sim_knobs k;
	struct sim_config cfg[SIDE_COUNT];
	unsigned n = 0;
	sim_live_free(g->live);
	g->live = NULL;
	g->sc = *sc;
	sim_knobs_defaults(&k);
	for (int s = 0; s < SIDE_COUNT; s++) {
		g->restaurant[s] = -1;
		if (!(s == SIDE_BLOCKING ? sc->blocking : sc->evented))
			continue;
		sim_setup(&cfg[n], (enum sim_server)s, sc, &k, &g->cal);
		g->restaurant[s] = (int)n++;
	}
	g->rate = sc->rate;
	g->cook_ms = sc->cook_ms;
	g->work_us = sc->work_us;
	g->keepalive = sc->keepalive;
	g->paused = false;
	g->elapsed_s = 0;
	if (n)
		g->live = sim_live_new(cfg, n, g->err, sizeof g->err);
}

/* The load in force on the first side that has a load generator up. */
static const struct side_snapshot *load_side(const struct snapshot *s)
{
	for (int i = 0; i < SIDE_COUNT; i++)
		if (s->side[i].present && s->side[i].loadgen_up)
			return &s->side[i];
	return NULL;
}

void sim_ghost_update(struct sim_ghost *g, const struct scenario *sc, const struct snapshot *s)
{
	if (!g->live || !same_scenario(&g->sc, sc) || s->elapsed_s + 0.5 < g->elapsed_s)
		ghost_start(g, sc);
	if (!g->live)
		return;
	uint64_t now = (uint64_t)(s->elapsed_s * 1e9);
	if (sim_live_advance(g->live, now) < 0) {
		snprintf(g->err, sizeof g->err, "the model ran out of memory");
		sim_live_free(g->live);
		g->live = NULL;
		return;
	}
	g->elapsed_s = s->elapsed_s;
	const struct side_snapshot *ls = load_side(s);
	if (!ls || sc->rate <= 0)
		return;  /* closed loop: nothing to steer */
	if (ls->rate != g->rate || ls->paused != g->paused) {
		sim_live_set_rate(g->live, ls->paused ? 0 : ls->rate);
		g->rate = ls->rate;
		g->paused = ls->paused;
	}
	if (ls->cook_ms != g->cook_ms || ls->work_us != g->work_us) {
		sim_live_set_order(g->live, (uint64_t)ls->work_us * 1000, (uint64_t)ls->cook_ms * 1000000);
		g->cook_ms = ls->cook_ms;
		g->work_us = ls->work_us;
	}
	if (ls->keepalive != g->keepalive) {
		sim_live_set_keepalive(g->live, ls->keepalive);
		g->keepalive = ls->keepalive;
	}
}

const struct sim_window *sim_ghost_second(const struct sim_ghost *g, enum arena_side side)
{
	if (g->replayed)
		return g->have[side] ? &g->window[side] : NULL;
	if (!g->live || g->restaurant[side] < 0)
		return NULL;
	return sim_live_second(g->live, (unsigned)g->restaurant[side]);
}

int64_t sim_ghost_line_now(const struct sim_ghost *g, enum arena_side side)
{
	if (g->replayed)
		return g->have[side] ? g->line[side] : -1;
	if (!g->live || g->restaurant[side] < 0)
		return -1;
	return sim_live_line_now(g->live, (unsigned)g->restaurant[side]);
}

void sim_ghost_predicted(const struct sim_ghost *g, struct snapshot *s)
{
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct side_predicted *p = &s->predicted[i];
		const struct sim_window *w = sim_ghost_second(g, i);
		memset(p, 0, sizeof *p);
		if (!w)
			continue;
		*p = (struct side_predicted){
			.present = true, .length_s = w->length_s, .arrived = w->arrived, .served = w->served,
			.p50_ms = w->p50_ms, .p99_ms = w->p99_ms, .max_ms = w->max_ms, .mean_ms = w->mean_ms,
			.loop_lag_p99_ms = w->loop_lag_p99_ms, .busy_pct = w->busy_pct,
			.line = sim_ghost_line_now(g, i),
		};
	}
}

void sim_ghost_from_snapshot(struct sim_ghost *g, const struct snapshot *s)
{
	g->replayed = true;
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct side_predicted *p = &s->predicted[i];
		struct sim_window *w = &g->window[i];
		g->have[i] = p->present;
		memset(w, 0, sizeof *w);
		w->length_s = p->length_s;
		w->arrived = p->arrived;
		w->served = p->served;
		w->latency_count = p->served;
		w->p50_ms = p->p50_ms;
		w->p99_ms = p->p99_ms;
		w->max_ms = p->max_ms;
		w->mean_ms = p->mean_ms;
		w->loop_lag_p99_ms = p->loop_lag_p99_ms;
		w->busy_pct = p->busy_pct;
		g->line[i] = p->line;
	}
}
