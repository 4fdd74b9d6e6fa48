/* lesson_measure.c: whole-window figures for a lesson step (see lesson_measure.h).
 * The model measures the window (visualizer/model_window.h: counts, the window's
 * histograms, sampled gauges and their least-squares growth, busy time, /proc); this
 * file only names the figures the lessons check: rates, percentiles in ms, shares,
 * Little's lambda W. It reads no scoreboard and no /proc of its own.
 */
#include "lesson_measure.h"

#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "../../visualizer/model_window.h"

struct measure {
	struct model_window *w;
	struct window_figures fig; /* four histograms per side: on the heap with the rest */
};

struct measure *measure_new(void)
{
	struct measure *ms = calloc(1, sizeof *ms);
	if (!ms)
		return NULL;
	ms->w = model_window_new();
	if (!ms->w) {
		free(ms);
		return NULL;
	}
	return ms;
}

void measure_free(struct measure *ms)
{
	if (!ms)
		return;
	model_window_free(ms->w);
	free(ms);
}

/* Share (%) of a histogram's values between lo_us and hi_us (by bucket). */
static double share_between(const struct hist *h, uint64_t lo_us, uint64_t hi_us)
{
	if (!h->count)
		return 0;
	uint64_t n = 0;
	for (size_t i = hist_bucket_index(lo_us); i < HIST_BUCKETS && hist_bucket_low(i) <= hi_us; i++)
		n += h->buckets[i];
	return 100.0 * (double)n / (double)h->count;
}

void measure_begin(struct measure *ms, struct model *m, uint64_t now_ns)
{
	model_window_begin(ms->w, m, now_ns);
}

void measure_sample(struct measure *ms, struct model *m, uint64_t now_ns)
{
	model_window_sample(ms->w, m, now_ns);
}

static double ms_of(uint64_t us)
{
	return us / 1000.0;
}

static double max_ms(const struct hist *h)
{
	return ms_of(h->count ? h->max_us : 0);
}

static double per_s(uint64_t n, double dt)
{
	return dt > 0 ? (double)n / dt : 0;
}

/* The load generator's half: latency over the window, the backlog and its growth. */
static void end_loadgen(const struct window_side *w, struct measured_side *o)
{
	double dt = o->window_s;
	o->loadgen = true;
	o->offered_rps = per_s(w->offered, dt);
	o->completed_rps = per_s(w->completed, dt);
	o->loadgen_errors = (double)w->loadgen_errors;
	o->p50_ms = ms_of(hist_percentile(&w->latency, 50));
	o->p90_ms = ms_of(hist_percentile(&w->latency, 90));
	o->p99_ms = ms_of(hist_percentile(&w->latency, 99));
	o->max_ms = max_ms(&w->latency);
	o->mean_ms = hist_mean(&w->latency) / 1000.0;
	o->uncorrected_p50_ms = ms_of(hist_percentile(&w->uncorrected, 50));
	o->uncorrected_p99_ms = ms_of(hist_percentile(&w->uncorrected, 99));
	o->uncorrected_max_ms = max_ms(&w->uncorrected);
	o->uncorrected_mean_ms = hist_mean(&w->uncorrected) / 1000.0;
	o->near_1s_pct = share_between(&w->latency, 850000, 1600000);
	o->near_3s_pct = share_between(&w->latency, 2850000, 3600000);
	o->timeout_rps = per_s(w->timeouts, dt);
	o->backlog_mean = w->backlog_mean;
	o->backlog_end = w->backlog_end;
	o->backlog_growth_rps = w->backlog_growth_rps;
}

/* The server's half: throughput, time inside, the line, Little's law, the process. */
static void end_server(const struct window_side *w, struct measured_side *o)
{
	double dt = o->window_s;
	o->server = true;
	o->throughput_rps = per_s(w->served, dt);
	o->arrival_rps = per_s(w->arrived, dt);
	o->server_errors = (double)w->server_errors;
	o->shed_rps = per_s(w->shed, dt);
	o->listen_overflows = (double)w->listen_overflows;
	o->server_mean_ms = hist_mean(&w->server_latency) / 1000.0;
	o->server_p99_ms = ms_of(hist_percentile(&w->server_latency, 99));
	o->loop_lag_p99_ms = ms_of(hist_percentile(&w->loop_lag, 99));
	o->loop_lag_max_ms = max_ms(&w->loop_lag);
	o->busy_pct = w->busy_pct;
	o->line_mean = w->line_mean;
	o->line_max = w->line_max;
	o->line_end = w->line_end;
	o->line_growth_rps = w->line_growth_rps;
	o->in_system_mean = w->in_system_mean;
	o->little_lw = o->throughput_rps * o->server_mean_ms / 1000.0;
	o->conns_max = w->conns_max;
	o->threads_max = w->threads_max;
	o->rss_max_kb = w->rss_max_kb;
	o->rss_end_kb = w->rss_end_kb;
	if (w->have_cpu && dt > 0) {
		double served = (double)w->served, ctx = (double)w->ctx_switches;
		o->cpu_pct = 100.0 * (double)w->cpu_ns / (dt * 1e9);
		o->ctx_per_s = ctx / dt;
		o->ctx_per_order = served > 0 ? ctx / served : 0;
		o->cpu_ms_per_order = served > 0 ? (double)w->cpu_ns / 1e6 / served : 0;
	}
}

void measure_end(struct measure *ms, struct model *m, uint64_t now_ns, struct measured_side out[SIDE_COUNT])
{
	model_window_end(ms->w, m, now_ns, &ms->fig);
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct window_side *w = &ms->fig.side[i];
		struct measured_side *o = &out[i];
		memset(o, 0, sizeof *o);
		o->window_s = w->window_s;
		if (w->loadgen)
			end_loadgen(w, o);
		if (w->server)
			end_server(w, o);
		else if (w->process) { /* a peer: only what /proc says of its process */
			o->process = true;
			o->threads_max = w->threads_max;
			o->rss_max_kb = w->rss_max_kb;
			o->rss_end_kb = w->rss_end_kb;
		}
		if (o->server && o->loadgen && o->throughput_rps > o->completed_rps)
			o->late_served_rps = o->throughput_rps - o->completed_rps;
		if (o->window_s > 0)
			o->error_rps = (o->server_errors + o->loadgen_errors) / o->window_s;
	}
}
