/* headless_replay.c: --replay FILE without a screen (into a pipe, or --headless): the
 * per-second table a live headless run prints, a line wherever the recording changes
 * scenario, then the summary in the same shape, the model's figures in brackets when
 * the recording has them (issues 13 and 18).
 *
 * A recording holds per-second figures, not the run's histograms: rates and counts
 * add up exactly over the seconds, maxima are exact, but a whole-run percentile cannot
 * be rebuilt from per-second ones, so those rows say "worst second" and show that.
 */
#include "headless.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* One side, over every frame where its server was up. */
struct replay_sums {
	unsigned frames, model_frames;
	double seconds;                          /* sum of the frames' lengths */
	double rate, offered, served, completed, errors; /* rate x seconds, then means or counts */
	double p50_worst, p99_worst, max_ms, lag_worst;
	double line_max, threads_max, rss_max, door_max;
	/* the model's second beside each frame */
	double m_seconds, m_arrived, m_served, m_p50_worst, m_p99_worst, m_max, m_lag_worst, m_line_max;
};

static double maxd(double a, double b)
{
	return a > b ? a : b;
}

static void add_frame(struct replay_sums *t, const struct side_snapshot *ss, const struct side_predicted *p,
		      double dt)
{
	if (!ss->present || !ss->server_up)
		return;
	t->frames++;
	t->seconds += dt;
	t->rate += ss->rate * dt;
	t->offered += (ss->offered_rps > 0 ? ss->offered_rps : ss->arrival_rps) * dt;
	t->served += ss->throughput_rps * dt;
	t->completed += ss->completed_rps * dt;
	t->errors += ss->error_rps * dt;
	t->p50_worst = maxd(t->p50_worst, ss->p50_ms);
	t->p99_worst = maxd(t->p99_worst, ss->p99_ms);
	t->max_ms = maxd(t->max_ms, ss->max_ms);
	t->lag_worst = maxd(t->lag_worst, ss->loop_lag_p99_ms);
	t->line_max = maxd(t->line_max, (double)ss->in_line);
	t->threads_max = maxd(t->threads_max, (double)ss->threads);
	t->rss_max = maxd(t->rss_max, (double)ss->rss_kb);
	t->door_max = maxd(t->door_max, (double)ss->door);
	if (!p->present || p->length_s <= 0)
		return;
	t->model_frames++;
	t->m_seconds += p->length_s;
	t->m_arrived += (double)p->arrived;
	t->m_served += (double)p->served;
	t->m_p50_worst = maxd(t->m_p50_worst, p->p50_ms);
	t->m_p99_worst = maxd(t->m_p99_worst, p->p99_ms);
	t->m_max = maxd(t->m_max, p->max_ms);
	t->m_lag_worst = maxd(t->m_lag_worst, p->loop_lag_p99_ms);
	t->m_line_max = maxd(t->m_line_max, (double)p->line);
}

/* A half's name: its restaurant, from the first frame where the side is present. */
static void side_name(const struct snapshot *s, int side, char *buf, size_t len)
{
	const struct side_snapshot *ss = &s->side[side];
	const char *n = ss->black_box && ss->restaurant[0] ? ss->restaurant : ss->model;
	snprintf(buf, len, "%s", n[0] ? n : arena_side_name(side));
}

static void summary(FILE *out, const char *scenario, size_t changes, double duration_s,
		    const struct replay_sums t[SIDE_COUNT], char names[SIDE_COUNT][40], bool evented[SIDE_COUNT])
{
	enum { WHOLE, RATE, MS };
	static const struct { const char *label; enum { MEAN, SUM, WORST } how; int kind; size_t off, moff; } rows[] = {
#define OFF(f) offsetof(struct replay_sums, f)
		{ "arrivals asked", MEAN, RATE, OFF(rate), 0 },
		{ "arrivals", MEAN, RATE, OFF(offered), OFF(m_arrived) },
		{ "throughput", MEAN, RATE, OFF(served), OFF(m_served) },
		{ "requests served", SUM, WHOLE, OFF(completed), OFF(m_served) },
		{ "p50 worst second", WORST, MS, OFF(p50_worst), OFF(m_p50_worst) },
		{ "p99 worst second", WORST, MS, OFF(p99_worst), OFF(m_p99_worst) },
		{ "latency max", WORST, MS, OFF(max_ms), OFF(m_max) },
		{ "line max", WORST, WHOLE, OFF(line_max), OFF(m_line_max) },
		{ "threads max", WORST, WHOLE, OFF(threads_max), 0 },
		{ "rss max KB", WORST, WHOLE, OFF(rss_max), 0 },
		{ "lag p99 worst s", WORST, MS, OFF(lag_worst), OFF(m_lag_worst) },
		{ "door max", WORST, WHOLE, OFF(door_max), 0 },
#undef OFF
	};
	fprintf(out, "\nsummary: ");
	headless_put_clean(out, scenario);
	if (changes)
		fprintf(out, " (and %zu scenario change%s after it)", changes, changes == 1 ? "" : "s");
	char hl[64], hr[64];
	snprintf(hl, sizeof hl, "%.39s (model)", names[0]);
	snprintf(hr, sizeof hr, "%.39s (model)", names[1]);
	fprintf(out, ", %.0f s replayed (model in brackets)\n%-18s %24s %24s\n", duration_s, "", hl, hr);
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		fprintf(out, "%-18s", rows[r].label);
		for (int i = 0; i < SIDE_COUNT; i++) {
			const struct replay_sums *s = &t[i];
			double v = *(const double *)((const char *)s + rows[r].off);
			double mv = rows[r].moff ? *(const double *)((const char *)s + rows[r].moff) : 0;
			if (rows[r].how == MEAN) {
				v = s->seconds > 0 ? v / s->seconds : 0;
				mv = s->m_seconds > 0 ? mv / s->m_seconds : 0;
			}
			bool mfound = rows[r].moff && s->model_frames > 0;
			bool lag = rows[r].off == offsetof(struct replay_sums, lag_worst);
			double tol = rows[r].off == offsetof(struct replay_sums, served) ? 0.05 : 0;
			headless_cell_pair(out, rows[r].kind, v, s->frames > 0, mv, mfound, lag && !evented[i], tol);
		}
		fputc('\n', out);
	}
	fprintf(out, "%-18s %14.0f %14.0f\n", "errors", t[0].errors, t[1].errors);
	if (t[0].frames && t[1].frames && t[1].p99_worst > 0)
		fprintf(out, "%s p99 / %s p99 = %.1f (worst seconds)\n", names[0], names[1],
			t[0].p99_worst / t[1].p99_worst);
	if (t[0].model_frames || t[1].model_frames)
		fprintf(out, "model: as recorded beside the run, second by second\n");
	else
		fprintf(out, "model: not in this recording (no sim_* columns: recorded before they were, or no model ran)\n");
}

int headless_replay(struct app *app)
{
	static struct snapshot s;
	static struct replay_sums t[SIDE_COUNT];
	char names[SIDE_COUNT][40];
	bool evented[SIDE_COUNT];
	size_t n = replay_frames(app->replay), scenario = 0;
	double prev_s = 0;
	memset(t, 0, sizeof t);
	replay_frame(app->replay, 0, &s);
	for (int i = 0; i < SIDE_COUNT; i++) {
		side_name(&s, i, names[i], sizeof names[i]);
		evented[i] = strcmp(names[i], "evented") == 0;
	}
	headless_table_header(stdout, names[0], names[1]);
	for (size_t i = 0; i < n && !app_stop; i++) {
		replay_frame(app->replay, i, &s);
		size_t k = replay_frame_scenario_index(app->replay, i);
		if (k != scenario) {
			fprintf(stdout, "%5s | scenario: ", "");
			headless_put_clean(stdout, replay_frame_scenario(app->replay, i));
			fputc('\n', stdout);
			scenario = k;
		}
		headless_row(stdout, &s);
		/* the frame's length: the clock since the one before (the first: since 0) */
		double dt = s.elapsed_s - prev_s;
		if (!(dt > 0 && dt < 10))
			dt = 1;
		prev_s = s.elapsed_s;
		for (int side = 0; side < SIDE_COUNT; side++)
			add_frame(&t[side], &s.side[side], &s.predicted[side], dt);
		if (ferror(stdout))
			break;
	}
	if (!ferror(stdout))
		summary(stdout, replay_scenario(app->replay), replay_frame_scenario_index(app->replay, n - 1), prev_s, t,
			names, evented);
	return headless_check_output(stdout, "stdout");
}
