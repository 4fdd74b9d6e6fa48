/* model_window.c: whole-window figures (see model_window.h). The boards are read by
 * model.c's own readers (model_read.h), /proc by procstat.c and door.c: nothing here
 * touches a scoreboard. Counters and histograms are read at the two ends; gauges are
 * sampled and averaged; the growth of the line is the least-squares slope of its
 * samples, which a single noisy reading at the end would not give.
 */
#include "model_window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "door.h"
#include "model_read.h"
#include "procstat.h"

/* Sums for a least-squares line y = a + b t. */
struct slope {
	double n, st, sy, stt, sty;
};

static void slope_add(struct slope *s, double t, double y)
{
	s->n++;
	s->st += t;
	s->sy += y;
	s->stt += t * t;
	s->sty += t * y;
}

/* b of the line; 0 with fewer than three samples or all at one instant. */
static double slope_of(const struct slope *s)
{
	double d = s->n * s->stt - s->st * s->st;
	return s->n >= 3 && d > 0 ? (s->n * s->sty - s->st * s->sy) / d : 0;
}

/* One side's start and what its samples added up to. */
struct window_acc {
	struct model_reading start;
	bool have_ps;              /* ps read at the start (the server's process) */
	struct procstat ps;
	struct slope line_slope, backlog_slope;
	double line_sum, line_max, line_last, in_sys_sum, backlog_sum, backlog_last;
	double samples, lg_samples;
	double conns_max, threads_max, rss_max, rss_last;
	bool process;              /* a black box's process was sampled */
};

/* The readings hold four histograms each (about 110 KiB): on the heap. */
struct model_window {
	uint64_t begin_ns;
	uint64_t overflows_start;
	struct window_acc side[SIDE_COUNT];
	struct model_reading end;
};

struct model_window *model_window_new(void)
{
	return calloc(1, sizeof(struct model_window));
}

void model_window_free(struct model_window *w)
{
	free(w);
}

/* The kernel's ListenOverflows now, 0 when /proc/net/netstat cannot be read. */
static uint64_t listen_overflows_now(void)
{
	struct door_kernel k;
	return door_kernel_read(&k) == 0 ? k.listen_overflows : 0;
}

/* The server's process at one end of the window (CPU time and context switches). */
static bool read_process(const struct model_reading *r, struct procstat *ps)
{
	return r->server && procstat_read(r->pid, ps) == 0;
}

void model_window_begin(struct model_window *w, struct model *m, uint64_t now_ns)
{
	w->begin_ns = now_ns;
	w->overflows_start = listen_overflows_now();
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct window_acc *a = &w->side[i];
		memset(a, 0, sizeof *a);
		model_read_counters(m, i, now_ns, &a->start);
		a->have_ps = read_process(&a->start, &a->ps);
	}
}

/* A process's threads and memory, sampled; false when /proc has no such process. */
static bool sample_process(struct window_acc *a, pid_t pid)
{
	struct procstat ps;
	if (procstat_read(pid, &ps) != 0)
		return false;
	a->threads_max = fmax(a->threads_max, (double)ps.threads);
	a->rss_max = fmax(a->rss_max, (double)ps.rss_kb);
	a->rss_last = (double)ps.rss_kb;
	return true;
}

/* One sample of a side's scene (ss, of the boards read: server, loadgen). */
static void sample_side(struct window_acc *a, const struct side_snapshot *ss, bool server, bool loadgen,
			int32_t peer_pid, double t)
{
	if (server) {
		double line = (double)ss->in_line;
		/* in double: hostile gauges near INT64_MAX must not overflow a signed sum */
		double in_sys = line + (double)ss->at_counter + (double)ss->in_kitchen + (double)ss->handing_over;
		a->samples++;
		a->line_sum += line;
		a->line_last = line;
		a->line_max = fmax(a->line_max, line);
		a->in_sys_sum += in_sys;
		a->conns_max = fmax(a->conns_max, (double)ss->conns_open);
		slope_add(&a->line_slope, t, line);
		sample_process(a, ss->pid);
	} else if (peer_pid > 0 && sample_process(a, peer_pid)) {
		a->process = true;
	}
	if (loadgen) {
		double backlog = (double)ss->outside + (double)ss->in_flight;
		a->lg_samples++;
		a->backlog_sum += backlog;
		a->backlog_last = backlog;
		slope_add(&a->backlog_slope, t, backlog);
	}
}

/* A black box has no board: its process is the one the model watches (model_watch). */
void model_window_sample(struct model_window *w, struct model *m, uint64_t now_ns)
{
	double t = (now_ns - w->begin_ns) / 1e9;
	const struct snapshot *snap = model_snapshot(m);
	struct side_snapshot scene;
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct side_snapshot *ss = &snap->side[i];
		bool server, loadgen;
		model_read_scene(m, i, &scene, &server, &loadgen); /* a board that shrank is left out */
		sample_side(&w->side[i], &scene, server, loadgen, ss->black_box ? ss->pid : 0, t);
	}
}

static uint64_t delta(uint64_t newer, uint64_t older)
{
	return newer > older ? newer - older : 0;
}

/* The load generators' half: counts, latency over the window, the backlog. */
static void end_loadgen(const struct window_acc *a, const struct lg_reading *e, struct window_side *o)
{
	const struct lg_reading *s = &a->start.lg;
	o->loadgen = true;
	o->offered = delta(e->arrived, s->arrived);
	o->completed = delta(e->completed, s->completed);
	o->loadgen_errors = delta(e->errors, s->errors);
	o->timeouts = delta(e->timeouts, s->timeouts);
	hist_diff(&o->latency, &e->latency, &s->latency);
	hist_diff(&o->uncorrected, &e->uncorrected, &s->uncorrected);
	o->backlog_mean = a->lg_samples ? a->backlog_sum / a->lg_samples : 0;
	o->backlog_end = a->backlog_last;
	o->backlog_growth_rps = slope_of(&a->backlog_slope);
}

/* The server's half: counts, time inside, busy time, the line, its process. */
static void end_server(const struct window_acc *a, const struct model_reading *end, struct window_side *o)
{
	const struct srv_reading *s = &a->start.srv, *e = &end->srv;
	double dt = o->window_s;
	o->server = true;
	o->served = delta(e->served, s->served);
	o->arrived = delta(e->arrived, s->arrived);
	o->server_errors = delta(e->errors, s->errors);
	o->shed = delta(e->unavailable, s->unavailable);
	hist_diff(&o->server_latency, &e->latency, &s->latency);
	hist_diff(&o->loop_lag, &e->loop_lag, &s->loop_lag);
	uint32_t slots = e->cashiers ? e->cashiers : 1;
	o->busy_pct = e->busy_ns > s->busy_ns && dt > 0 ?
		100.0 * (double)(e->busy_ns - s->busy_ns) / (dt * 1e9 * slots) : 0;
	o->line_mean = a->samples ? a->line_sum / a->samples : 0;
	o->line_max = a->line_max;
	o->line_end = a->line_last;
	o->line_growth_rps = slope_of(&a->line_slope);
	o->in_system_mean = a->samples ? a->in_sys_sum / a->samples : 0;
	o->conns_max = a->conns_max;
	struct procstat ps;
	if (a->have_ps && read_process(end, &ps)) {
		o->have_cpu = true;
		o->cpu_ns = delta(ps.cpu_ns, a->ps.cpu_ns);
		o->ctx_switches = delta(ps.ctx_switches, a->ps.ctx_switches);
	}
}

void model_window_end(struct model_window *w, struct model *m, uint64_t now_ns, struct window_figures *out)
{
	uint64_t overflows = delta(listen_overflows_now(), w->overflows_start);
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct window_acc *a = &w->side[i];
		struct window_side *o = &out->side[i];
		memset(o, 0, sizeof *o);
		o->window_s = (now_ns - w->begin_ns) / 1e9;
		o->listen_overflows = overflows;
		model_read_counters(m, i, now_ns, &w->end);
		if (a->start.loadgen && w->end.loadgen)
			end_loadgen(a, &w->end.lg, o);
		if (a->start.server && w->end.server)
			end_server(a, &w->end, o);
		else
			o->process = a->process; /* a peer: only what /proc says of its process */
		if (o->server || o->process) {
			o->threads_max = a->threads_max;
			o->rss_max_kb = a->rss_max;
			o->rss_end_kb = a->rss_last;
		}
	}
}
