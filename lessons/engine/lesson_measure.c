/* lesson_measure.c: whole-window figures for a lesson step (see lesson_measure.h).
 * Counters and histograms are read twice, at the ends of the window; gauges are
 * sampled and averaged; the growth of the line is the least-squares slope of its
 * samples, which a single noisy reading at the end would not give.
 */
#include "lesson_measure.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../visualizer/busguard.h"
#include "hist.h"
#include "../../visualizer/procstat.h"
#include "scoreboard.h"

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

static double slope_of(const struct slope *s)
{
	double d = s->n * s->stt - s->st * s->st;
	return s->n >= 3 && d > 0 ? (s->n * s->sty - s->st * s->sy) / d : 0;
}

/* Counters of one side at one end of the window. The histograms are big (27 KiB
 * each), so a struct measure lives on the heap. */
struct reading {
	bool srv, lg;
	uint64_t at_ns;
	uint64_t served, arrived, srv_errors, busy_ns, shed;
	uint64_t lg_timeouts, listen_overflows;
	uint32_t cashiers;
	uint64_t lg_arrived, lg_completed, lg_errors;
	struct procstat ps;
	bool have_ps;
	struct hist latency, loop_lag, lg_latency, lg_uncorrected;
};

struct side_acc {
	struct reading start;
	struct slope line_slope, backlog_slope;
	double line_sum, line_max, line_last, in_sys_sum, backlog_sum, backlog_last;
	double samples, lg_samples;
	double conns_max, threads_max, rss_max, rss_last;
	bool process;              /* a black box's process was sampled */
};

struct measure {
	uint64_t begin_ns;
	struct side_acc side[SIDE_COUNT];
	struct reading end;
	struct hist scratch;
};

struct measure *measure_new(void)
{
	return calloc(1, sizeof(struct measure));
}

void measure_free(struct measure *ms)
{
	free(ms);
}

static uint64_t sum_u64(const uint64_t *v, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += SB_GET(v[i]);
	return s;
}

/* Busy time of every cashier slot, the current busy period included (as model.c). */
static uint64_t busy_ns(const struct scoreboard_server *b, uint64_t now_ns, uint32_t *slots)
{
	uint32_t n = SB_GET(b->cashiers);
	if (n > SCOREBOARD_MAX_CASHIERS)
		n = SCOREBOARD_MAX_CASHIERS;
	uint64_t busy = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct scoreboard_cashier *c = &b->cashier[i];
		uint64_t since = SB_GET(c->state_since_ns);
		busy += SB_GET(c->busy_ns);
		if (SB_GET(c->state) != CASHIER_IDLE && since && now_ns > since)
			busy += now_ns - since;
	}
	*slots = n;
	return busy;
}

static uint64_t status_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	return p ? strtoull(p + strlen(name), NULL, 10) : 0;
}

/* Context switches of every live thread of pid: /proc/PID/status counts only the main
 * thread's, which for a thread-per-request server is almost none of them. Reads one
 * small file per thread, so it is called at the ends of the window only. */
static uint64_t ctx_switches_all_threads(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	uint64_t sum = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/status", (int)pid, e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		sum += status_field(buf, "\nvoluntary_ctxt_switches:") + status_field(buf, "\nnonvoluntary_ctxt_switches:");
	}
	closedir(d);
	return sum;
}

/* TcpExt ListenOverflows from /proc/net/netstat: a header line of names, then a line
 * of values. Machine-wide (every listener of this network namespace). 0 when absent. */
static uint64_t listen_overflows(void)
{
	char buf[8192];
	int fd = open("/proc/net/netstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *names = strstr(buf, "TcpExt:");
	char *values = names ? strstr(names + 1, "TcpExt:") : NULL;
	if (!values)
		return 0;
	int col = -1, i = 0;
	for (char *p = names; p < values && *p != '\n'; p++)
		if (*p == ' ') {
			i++;
			if (strncmp(p + 1, "ListenOverflows ", 16) == 0)
				col = i;
		}
	if (col < 0)
		return 0;
	char *p = values;
	for (i = 0; i < col && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
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

static void read_side_now(struct model *m, enum arena_side side, uint64_t now_ns, struct reading *r)
{
	r->listen_overflows = listen_overflows();
	const struct scoreboard_server *b = model_server_board(m, side);
	const struct scoreboard_loadgen *lg = model_loadgen_board(m, side);
	r->at_ns = now_ns;
	r->srv = b != NULL;
	r->lg = lg != NULL;
	if (b) {
		r->served = SB_GET(b->served);
		r->arrived = SB_GET(b->arrived);
		r->srv_errors = sum_u64(b->errors, SERR_COUNT);
		r->shed = SB_GET(b->errors[SERR_UNAVAILABLE]);
		r->busy_ns = busy_ns(b, now_ns, &r->cashiers);
		hist_snapshot(&r->latency, &b->latency);
		hist_snapshot(&r->loop_lag, &b->loop_lag);
		r->have_ps = procstat_read(SB_GET(b->hdr.pid), &r->ps) == 0;
		if (r->have_ps)
			r->ps.ctx_switches = ctx_switches_all_threads(SB_GET(b->hdr.pid));
	}
	if (lg) {
		r->lg_arrived = SB_GET(lg->arrived);
		r->lg_completed = SB_GET(lg->completed);
		r->lg_errors = sum_u64(lg->errors, LERR_COUNT);
		r->lg_timeouts = SB_GET(lg->errors[LERR_TIMEOUT]);
		hist_snapshot(&r->lg_latency, &lg->latency);
		hist_snapshot(&r->lg_uncorrected, &lg->uncorrected);
	}
}

struct read_call {
	struct model *m;
	enum arena_side side;
	uint64_t now_ns;
	struct reading *r;
};

static void read_call(void *ctx)
{
	struct read_call *c = ctx;
	read_side_now(c->m, c->side, c->now_ns, c->r);
}

/* Under busguard (busguard.h): a segment truncated under the mapping reads as none. */
static void read_side(struct model *m, enum arena_side side, uint64_t now_ns, struct reading *r)
{
	struct read_call c = { m, side, now_ns, r };
	if (busguard_run(read_call, &c) < 0) {
		memset(r, 0, sizeof *r);
		r->at_ns = now_ns;
	}
}

void measure_begin(struct measure *ms, struct model *m, uint64_t now_ns)
{
	ms->begin_ns = now_ns;
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct side_acc *a = &ms->side[i];
		memset(a, 0, sizeof *a);
		read_side(m, i, now_ns, &a->start);
	}
}

struct sample_call {
	int32_t peer_pid;          /* a black box's process (no board), else 0 */
	struct side_acc *a;
	const struct scoreboard_server *b;
	const struct scoreboard_loadgen *lg;
	double t;
};

static void sample_side(void *ctx)
{
	struct sample_call *c = ctx;
	struct side_acc *a = c->a;
	const struct scoreboard_server *b = c->b;
	const struct scoreboard_loadgen *lg = c->lg;
	double t = c->t;
	if (b) {
		double line = (double)SB_GET(b->in_line);
		/* in double: hostile gauges near INT64_MAX must not overflow a signed sum */
		double in_sys = line + (double)SB_GET(b->at_counter) + (double)SB_GET(b->in_kitchen) +
				(double)SB_GET(b->handing_over);
		a->samples++;
		a->line_sum += line;
		a->line_last = line;
		a->line_max = fmax(a->line_max, line);
		a->in_sys_sum += in_sys;
		a->conns_max = fmax(a->conns_max, (double)SB_GET(b->conns_open));
		slope_add(&a->line_slope, t, line);
		struct procstat ps;
		if (procstat_read(SB_GET(b->hdr.pid), &ps) == 0) {
			a->threads_max = fmax(a->threads_max, (double)ps.threads);
			a->rss_max = fmax(a->rss_max, (double)ps.rss_kb);
			a->rss_last = (double)ps.rss_kb;
		}
	}
	struct procstat pps;
	if (!b && c->peer_pid > 0 && procstat_read(c->peer_pid, &pps) == 0) {
		a->process = true;
		a->threads_max = fmax(a->threads_max, (double)pps.threads);
		a->rss_max = fmax(a->rss_max, (double)pps.rss_kb);
		a->rss_last = (double)pps.rss_kb;
	}
	if (lg) {
		double backlog = (double)SB_GET(lg->waiting) + (double)SB_GET(lg->in_flight);
		a->lg_samples++;
		a->backlog_sum += backlog;
		a->backlog_last = backlog;
		slope_add(&a->backlog_slope, t, backlog);
	}
}

/* Each side under busguard: a sample of a truncated segment is skipped, not fatal. */
void measure_sample(struct measure *ms, struct model *m, uint64_t now_ns)
{
	double t = (now_ns - ms->begin_ns) / 1e9;
	const struct snapshot *snap = model_snapshot(m);
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct side_snapshot *ss = &snap->side[i];
		struct sample_call c = { ss->black_box ? ss->pid : 0, &ms->side[i], model_server_board(m, i),
					 model_loadgen_board(m, i), t };
		busguard_run(sample_side, &c);
	}
}

static double ms_of(uint64_t us)
{
	return us / 1000.0;
}

static double per_s(uint64_t newer, uint64_t older, double dt)
{
	return newer > older && dt > 0 ? (double)(newer - older) / dt : 0;
}

/* The load generator's half: latency over the window, the backlog and its growth. */
static void end_loadgen(struct measure *ms, const struct side_acc *a, const struct reading *e,
			struct measured_side *o)
{
	const struct reading *s = &a->start;
	double dt = o->window_s;
	o->loadgen = true;
	o->offered_rps = per_s(e->lg_arrived, s->lg_arrived, dt);
	o->completed_rps = per_s(e->lg_completed, s->lg_completed, dt);
	o->loadgen_errors = e->lg_errors > s->lg_errors ? (double)(e->lg_errors - s->lg_errors) : 0;
	hist_diff(&ms->scratch, &e->lg_latency, &s->lg_latency);
	o->p50_ms = ms_of(hist_percentile(&ms->scratch, 50));
	o->p90_ms = ms_of(hist_percentile(&ms->scratch, 90));
	o->p99_ms = ms_of(hist_percentile(&ms->scratch, 99));
	o->max_ms = ms_of(ms->scratch.count ? ms->scratch.max_us : 0);
	o->mean_ms = hist_mean(&ms->scratch) / 1000.0;
	hist_diff(&ms->scratch, &e->lg_uncorrected, &s->lg_uncorrected);
	o->uncorrected_p50_ms = ms_of(hist_percentile(&ms->scratch, 50));
	o->uncorrected_p99_ms = ms_of(hist_percentile(&ms->scratch, 99));
	o->uncorrected_max_ms = ms_of(ms->scratch.count ? ms->scratch.max_us : 0);
	o->uncorrected_mean_ms = hist_mean(&ms->scratch) / 1000.0;
	hist_diff(&ms->scratch, &e->lg_latency, &s->lg_latency);
	o->near_1s_pct = share_between(&ms->scratch, 850000, 1600000);
	o->near_3s_pct = share_between(&ms->scratch, 2850000, 3600000);
	o->timeout_rps = per_s(e->lg_timeouts, s->lg_timeouts, dt);
	o->backlog_mean = a->lg_samples ? a->backlog_sum / a->lg_samples : 0;
	o->backlog_end = a->backlog_last;
	o->backlog_growth_rps = slope_of(&a->backlog_slope);
}

/* The server's half: throughput, time inside, the line, Little's law, /proc. */
static void end_server(struct measure *ms, const struct side_acc *a, const struct reading *e,
		       struct measured_side *o)
{
	const struct reading *s = &a->start;
	double dt = o->window_s;
	o->server = true;
	o->throughput_rps = per_s(e->served, s->served, dt);
	o->arrival_rps = per_s(e->arrived, s->arrived, dt);
	o->server_errors = e->srv_errors > s->srv_errors ? (double)(e->srv_errors - s->srv_errors) : 0;
	o->shed_rps = per_s(e->shed, s->shed, dt);
	o->listen_overflows = e->listen_overflows > s->listen_overflows ?
		(double)(e->listen_overflows - s->listen_overflows) : 0;
	hist_diff(&ms->scratch, &e->latency, &s->latency);
	o->server_mean_ms = hist_mean(&ms->scratch) / 1000.0;
	o->server_p99_ms = ms_of(hist_percentile(&ms->scratch, 99));
	hist_diff(&ms->scratch, &e->loop_lag, &s->loop_lag);
	o->loop_lag_p99_ms = ms_of(hist_percentile(&ms->scratch, 99));
	o->loop_lag_max_ms = ms_of(ms->scratch.count ? ms->scratch.max_us : 0);
	uint32_t slots = e->cashiers ? e->cashiers : 1;
	o->busy_pct = e->busy_ns > s->busy_ns ? 100.0 * (double)(e->busy_ns - s->busy_ns) / (dt * 1e9 * slots) : 0;
	o->line_mean = a->samples ? a->line_sum / a->samples : 0;
	o->line_max = a->line_max;
	o->line_end = a->line_last;
	o->line_growth_rps = slope_of(&a->line_slope);
	o->in_system_mean = a->samples ? a->in_sys_sum / a->samples : 0;
	o->little_lw = o->throughput_rps * o->server_mean_ms / 1000.0;
	o->conns_max = a->conns_max;
	o->threads_max = a->threads_max;
	o->rss_max_kb = a->rss_max;
	o->rss_end_kb = a->rss_last;
	if (s->have_ps && e->have_ps) {
		double served = (double)(e->served - s->served);
		double ctx = (double)(e->ps.ctx_switches - s->ps.ctx_switches);
		o->cpu_pct = 100.0 * (double)(e->ps.cpu_ns - s->ps.cpu_ns) / (dt * 1e9);
		o->ctx_per_s = ctx / dt;
		o->ctx_per_order = served > 0 ? ctx / served : 0;
		o->cpu_ms_per_order = served > 0 ? (double)(e->ps.cpu_ns - s->ps.cpu_ns) / 1e6 / served : 0;
	}
}

void measure_end(struct measure *ms, struct model *m, uint64_t now_ns, struct measured_side out[SIDE_COUNT])
{
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct side_acc *a = &ms->side[i];
		struct measured_side *o = &out[i];
		memset(o, 0, sizeof *o);
		o->window_s = (now_ns - ms->begin_ns) / 1e9;
		read_side(m, i, now_ns, &ms->end);
		if (a->start.lg && ms->end.lg)
			end_loadgen(ms, a, &ms->end, o);
		if (a->start.srv && ms->end.srv)
			end_server(ms, a, &ms->end, o);
		else if (a->process) { /* a peer: only what /proc says of its process */
			o->process = true;
			o->threads_max = a->threads_max;
			o->rss_max_kb = a->rss_max;
			o->rss_end_kb = a->rss_last;
		}
		if (o->server && o->loadgen && o->throughput_rps > o->completed_rps)
			o->late_served_rps = o->throughput_rps - o->completed_rps;
		if (o->window_s > 0)
			o->error_rps = (o->server_errors + o->loadgen_errors) / o->window_s;
	}
}
