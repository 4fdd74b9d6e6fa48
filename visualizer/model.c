/* model.c: scoreboards in, snapshot out (see model.h). No ncurses here.
 *
 * Every update reads the gauges (the scene); every tick it also copies the counters
 * and histograms and subtracts the copy of the previous tick: rates are deltas over
 * the measured interval, percentiles come from hist_diff of the two copies. Nothing
 * on a scoreboard is ever reset, so a second reader (a test, a lesson) sees the same.
 */
#include "model.h"

#include <errno.h>
#include <float.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "busguard.h"
#include "clock.h"
#include "hist.h"
#include "model_outside.h"
#include "model_read.h"
#include "model_words.h"
#include "numclamp.h"
#include "procstat.h"
#include "verdict.h"

#define MODEL_RETRY_NS (200 * NS_PER_MS)

/* struct srv_reading and struct lg_reading: model_read.h (model_window.c reads with them too) */

/* A further load generator summed into a side (model_attach_more_loadgen). */
struct more_lg {
	char name[SCOREBOARD_NAME_MAX + 1];
	struct scoreboard_loadgen *lg;
	size_t size;
	uint64_t retry_ns;
};

struct side_state {
	char srv_name[SCOREBOARD_NAME_MAX + 1];   /* "" when not watched */
	char lg_name[SCOREBOARD_NAME_MAX + 1];
	struct scoreboard_server *srv;
	size_t srv_size;
	struct scoreboard_loadgen *lg;
	size_t lg_size;
	int srv_fd, lg_fd;                        /* kept open to fstat each update; -1 */
	uint64_t srv_retry_ns, lg_retry_ns;       /* next time to try mapping again */
	char srv_why[160], lg_why[120];           /* what the model saw: why not up */
	char arena_srv_why[160], arena_lg_why[120], arena_kitchen_why[120]; /* from waitpid */
	char kitchen_why[120];                    /* 502s from a remote kitchen, this tick */
	uint64_t kitchen_down_prev;               /* SERR_KITCHEN_DOWN + 1 at the last tick, 0 */

	bool have_srv_prev, have_lg_prev;
	struct srv_reading srv_prev, srv_now;
	struct lg_reading lg_prev, lg_now;
	uint64_t cpu_prev_ns, cpu_prev_at, ctx_prev;
	bool have_cpu_prev;

	double l_sum;                             /* orders in the server, summed per update */
	uint32_t l_samples;

	struct side_maxima max;
	bool have_lag_start;
	struct hist lag_start;                    /* loop lag at the first reading of the run */
	struct hist scratch;

	float ring_rps[MODEL_HISTORY], ring_p99[MODEL_HISTORY];
	uint32_t ring_next, ring_len;

	struct more_lg more[MODEL_LOADGENS_MAX - 1];
	unsigned nmore;

	struct outside_state out;                 /* the door from the kernel; a black box */
	struct verdict_state verdict;             /* Little, keeping up, slow (verdict.h) */
};

struct model {
	uint64_t start_ns, last_tick_ns;
	bool started;
	struct side_state s[SIDE_COUNT];
	struct snapshot snap;
};

struct model *model_new(void)
{
	struct model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	for (int i = 0; i < SIDE_COUNT; i++)
		m->s[i].srv_fd = m->s[i].lg_fd = -1;
	return m;
}

static void unmap_server(struct side_state *st)
{
	scoreboard_unmap(st->srv, st->srv_size);
	if (st->srv_fd >= 0)
		close(st->srv_fd);
	st->srv_fd = -1;
	st->srv = NULL;
	st->srv_size = 0;
	st->have_srv_prev = false;
	st->have_cpu_prev = false;
}

static void unmap_loadgen(struct side_state *st)
{
	scoreboard_unmap(st->lg, st->lg_size);
	if (st->lg_fd >= 0)
		close(st->lg_fd);
	st->lg_fd = -1;
	st->lg = NULL;
	st->lg_size = 0;
	st->have_lg_prev = false;
}

static void unmap_more(struct side_state *st)
{
	for (unsigned i = 0; i < st->nmore; i++) {
		scoreboard_unmap(st->more[i].lg, st->more[i].size);
		st->more[i].lg = NULL;
		st->more[i].size = 0;
	}
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (int i = 0; i < SIDE_COUNT; i++) {
		unmap_server(&m->s[i]);
		unmap_loadgen(&m->s[i]);
		unmap_more(&m->s[i]);
	}
	free(m);
}

static void reset_side(struct side_state *st, struct side_snapshot *ss)
{
	st->have_srv_prev = st->have_lg_prev = st->have_cpu_prev = false;
	st->l_sum = 0;
	st->l_samples = 0;
	memset(&st->max, 0, sizeof st->max);
	st->have_lag_start = false;
	st->ring_next = st->ring_len = 0;
	st->srv_retry_ns = st->lg_retry_ns = 0;
	st->srv_why[0] = st->lg_why[0] = st->kitchen_why[0] = '\0';
	st->kitchen_down_prev = 0;
	bool present = st->srv_name[0] || st->lg_name[0];
	outside_reset(&st->out);
	verdict_init(&st->verdict);
	memset(ss, 0, sizeof *ss);
	ss->present = present;
}

void model_reset(struct model *m, uint64_t now_ns)
{
	m->start_ns = m->last_tick_ns = now_ns;
	m->started = true;
	for (int i = 0; i < SIDE_COUNT; i++)
		reset_side(&m->s[i], &m->snap.side[i]);
	m->snap.ticks = 0;
	m->snap.elapsed_s = 0;
}

int model_attach(struct model *m, enum arena_side side, const char *server_board, const char *loadgen_board)
{
	if ((unsigned)side >= SIDE_COUNT)
		return -EINVAL;
	if ((server_board && !scoreboard_name_valid(server_board)) ||
	    (loadgen_board && !scoreboard_name_valid(loadgen_board)))
		return -EINVAL;
	struct side_state *st = &m->s[side];
	unmap_server(st);
	unmap_loadgen(st);
	unmap_more(st);
	st->nmore = 0;
	snprintf(st->srv_name, sizeof st->srv_name, "%s", server_board ? server_board : "");
	snprintf(st->lg_name, sizeof st->lg_name, "%s", loadgen_board ? loadgen_board : "");
	st->arena_srv_why[0] = st->arena_lg_why[0] = st->arena_kitchen_why[0] = '\0';
	memset(&st->out, 0, sizeof st->out);
	reset_side(st, &m->snap.side[side]);
	return 0;
}

void model_watch(struct model *m, enum arena_side side, int32_t pid, uint16_t port, const char *restaurant,
		 bool black_box)
{
	if ((unsigned)side >= SIDE_COUNT)
		return;
	struct outside_state *o = &m->s[side].out;
	o->pid = pid;
	o->port = port;
	o->black_box = black_box;
	snprintf(o->restaurant, sizeof o->restaurant, "%s", restaurant ? restaurant : "");
}

void model_attach_arena(struct model *m, const struct arena *a, uint64_t now_ns)
{
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct arena_proc *s = &a->server[i], *l = &a->loadgen[i];
		bool ours = restaurant_is_ours(s->kind);
		model_attach(m, i, s->started && ours ? s->board : NULL, l->started ? l->board : NULL);
		if (s->started || s->not_ours)
			model_watch(m, i, s->watch_pid, s->port, restaurant_name(s->kind), !ours);
	}
	model_reset(m, now_ns);
}

int model_attach_more_loadgen(struct model *m, enum arena_side side, const char *loadgen_board)
{
	if ((unsigned)side >= SIDE_COUNT || !loadgen_board || !scoreboard_name_valid(loadgen_board))
		return -EINVAL;
	struct side_state *st = &m->s[side];
	if (!st->lg_name[0])
		return -EINVAL;
	if (st->nmore == MODEL_LOADGENS_MAX - 1)
		return -ENOSPC;
	struct more_lg *x = &st->more[st->nmore++];
	memset(x, 0, sizeof *x);
	snprintf(x->name, sizeof x->name, "%s", loadgen_board);
	st->have_lg_prev = false;
	return 0;
}

struct scoreboard_loadgen *model_more_loadgen_board(struct model *m, enum arena_side side, unsigned i)
{
	if ((unsigned)side >= SIDE_COUNT || i >= m->s[side].nmore)
		return NULL;
	return m->s[side].more[i].lg;
}

void model_set_reason(struct model *m, enum arena_side side, const char *reason)
{
	if ((unsigned)side >= SIDE_COUNT)
		return;
	snprintf(m->s[side].arena_srv_why, sizeof m->s[side].arena_srv_why, "%s", reason ? reason : "");
	if (reason && reason[0]) /* shown at once, even before the next update */
		snprintf(m->snap.side[side].reason, sizeof m->snap.side[side].reason, "%s", reason);
}

void model_set_loadgen_reason(struct model *m, enum arena_side side, const char *reason)
{
	if ((unsigned)side < SIDE_COUNT)
		snprintf(m->s[side].arena_lg_why, sizeof m->s[side].arena_lg_why, "%s", reason ? reason : "");
}

void model_set_kitchen_reason(struct model *m, enum arena_side side, const char *reason)
{
	if ((unsigned)side < SIDE_COUNT)
		snprintf(m->s[side].arena_kitchen_why, sizeof m->s[side].arena_kitchen_why, "%s", reason ? reason : "");
}

const struct snapshot *model_snapshot(const struct model *m)
{
	return &m->snap;
}

struct scoreboard_server *model_server_board(struct model *m, enum arena_side side)
{
	return (unsigned)side < SIDE_COUNT ? m->s[side].srv : NULL;
}

struct scoreboard_loadgen *model_loadgen_board(struct model *m, enum arena_side side)
{
	return (unsigned)side < SIDE_COUNT ? m->s[side].lg : NULL;
}

void model_maxima(const struct model *m, enum arena_side side, struct side_maxima *out)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)side < SIDE_COUNT)
		*out = m->s[side].max;
}

/* A writer is live while it says so, its heartbeat is recent and its process exists
 * (a crashed writer never clears alive; its heartbeat would take MODEL_STALE_NS to go
 * stale, kill(pid, 0) knows as soon as it is reaped). */
static bool writer_live(const struct scoreboard_header *h, uint64_t now_ns)
{
	if (!SB_GET(h->alive))
		return false;
	pid_t pid = (pid_t)SB_GET(h->pid);
	if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	uint64_t beat = SB_GET(h->heartbeat_ns);
	return beat + MODEL_STALE_NS >= now_ns;
}

/* A mapped segment that shrank below its mapping: SIGBUS on the next read past the
 * end. One fstat each; an unmapped board is retried (and refused with a reason). */
static void check_sizes(struct side_state *st)
{
	if (st->srv && scoreboard_fd_check(st->srv_fd, st->srv_size) < 0) {
		snprintf(st->srv_why, sizeof st->srv_why, "scoreboard %s shrank under the dashboard (truncated by a "
			 "crash or by another program): no longer read", st->srv_name);
		unmap_server(st);
	}
	if (st->lg && scoreboard_fd_check(st->lg_fd, st->lg_size) < 0) {
		snprintf(st->lg_why, sizeof st->lg_why, "scoreboard %s shrank (truncated): no longer read",
			 st->lg_name);
		unmap_loadgen(st);
	}
}

/* The further load generators, mapped and dropped by the same rules as the first. */
static void refresh_more(struct side_state *st, uint64_t now_ns)
{
	for (unsigned i = 0; i < st->nmore; i++) {
		struct more_lg *x = &st->more[i];
		if (x->lg && !writer_live(&x->lg->hdr, now_ns) && now_ns >= x->retry_ns && !SB_GET(x->lg->finished)) {
			scoreboard_unmap(x->lg, x->size);
			x->lg = NULL;
		}
		if (!x->lg && now_ns >= x->retry_ns) {
			void *p;
			if (scoreboard_open(x->name, SCOREBOARD_LOADGEN, true, &p, &x->size) == 0)
				x->lg = p;
			x->retry_ns = now_ns + MODEL_RETRY_NS;
		}
	}
}

/* Map the boards not mapped yet, and drop ones whose writer went away, so that a
 * restarted server (same name, new segment) is picked up. A failed shm_open costs a
 * few microseconds, so retrying five times a second is cheap and keys work at once.
 * A board that cannot be opened leaves its reason in srv_why / lg_why. */
static void refresh_maps(struct side_state *st, uint64_t now_ns)
{
	check_sizes(st);
	if (st->srv && !writer_live(&st->srv->hdr, now_ns) && now_ns >= st->srv_retry_ns)
		unmap_server(st);
	if (st->lg && !writer_live(&st->lg->hdr, now_ns) && now_ns >= st->lg_retry_ns &&
	    !SB_GET(st->lg->finished))
		unmap_loadgen(st);
	if (!st->srv && st->srv_name[0] && now_ns >= st->srv_retry_ns) {
		void *p;
		int rc = scoreboard_open_fd(st->srv_name, SCOREBOARD_SERVER, true, &p, &st->srv_size, &st->srv_fd);
		if (rc == 0)
			st->srv = p;
		else if (!(rc == -EPROTO && strstr(st->srv_why, "shrank")))
			scoreboard_explain(st->srv_name, SCOREBOARD_SERVER, rc, st->srv_why, sizeof st->srv_why);
		st->srv_retry_ns = now_ns + MODEL_RETRY_NS;
	}
	if (!st->lg && st->lg_name[0] && now_ns >= st->lg_retry_ns) {
		void *p;
		int rc = scoreboard_open_fd(st->lg_name, SCOREBOARD_LOADGEN, true, &p, &st->lg_size, &st->lg_fd);
		if (rc == 0)
			st->lg = p;
		else if (!(rc == -EPROTO && strstr(st->lg_why, "shrank")))
			scoreboard_explain(st->lg_name, SCOREBOARD_LOADGEN, rc, st->lg_why, sizeof st->lg_why);
		st->lg_retry_ns = now_ns + MODEL_RETRY_NS;
	}
	if (st->srv && writer_live(&st->srv->hdr, now_ns))
		st->srv_why[0] = '\0';
	else if (st->srv)
		model_words_not_live(&st->srv->hdr, "server", now_ns, st->srv_why, sizeof st->srv_why);
	if (st->lg && (writer_live(&st->lg->hdr, now_ns) || SB_GET(st->lg->finished)))
		st->lg_why[0] = '\0';
	else if (st->lg)
		model_words_not_live(&st->lg->hdr, "load generator", now_ns, st->lg_why, sizeof st->lg_why);
	refresh_more(st, now_ns);
}

static uint64_t sum_u64(const uint64_t *v, size_t n)
{
	uint64_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += SB_GET(v[i]);
	return s;
}

/* The scene now: gauges and cashier slots. */
static void read_gauges(const struct scoreboard_server *b, struct side_snapshot *ss)
{
	snprintf(ss->model, sizeof ss->model, "%.15s", b->hdr.model);
	ss->pid = SB_GET(b->hdr.pid);
	ss->threads_cfg = b->threads_cfg;
	ss->loops_cfg = b->loops_cfg;
	ss->helpers_cfg = b->helpers_cfg;
	ss->cook_ms_default = b->cook_ms_default;
	ss->work_us_default = b->work_us_default;
	ss->door = SB_GET(b->accept_queue);
	ss->door_max = SB_GET(b->accept_queue_max);
	ss->in_line = SB_GET(b->in_line);
	ss->at_counter = SB_GET(b->at_counter);
	ss->in_kitchen = SB_GET(b->in_kitchen);
	ss->handing_over = SB_GET(b->handing_over);
	ss->conns_open = SB_GET(b->conns_open);
	uint32_t n = SB_GET(b->cashiers);
	if (n > SCOREBOARD_MAX_CASHIERS)
		n = SCOREBOARD_MAX_CASHIERS;
	ss->cashiers = n;
	memset(ss->cashier_by_state, 0, sizeof ss->cashier_by_state);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t s = SB_GET(b->cashier[i].state);
		if (s >= CASHIER_STATE_COUNT)
			s = CASHIER_IDLE;
		ss->cashier_by_state[s]++;
		if (i < SNAP_CASHIERS)
			ss->cashier_state[i] = (uint8_t)s;
	}
	for (int e = 0; e < SERR_COUNT; e++)
		ss->server_errors[e] = SB_GET(b->errors[e]);
	ss->served_total = SB_GET(b->served);
}

static void read_server(const struct scoreboard_server *b, uint64_t now_ns, struct srv_reading *r)
{
	r->at_ns = now_ns;
	r->arrived = SB_GET(b->arrived);
	r->served = SB_GET(b->served);
	r->errors = sum_u64(b->errors, SERR_COUNT);
	uint32_t n = SB_GET(b->cashiers);
	if (n > SCOREBOARD_MAX_CASHIERS)
		n = SCOREBOARD_MAX_CASHIERS;
	r->cashiers = n;
	r->busy_ns = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct scoreboard_cashier *c = &b->cashier[i];
		uint64_t since = SB_GET(c->state_since_ns);
		r->busy_ns += SB_GET(c->busy_ns);
		if (SB_GET(c->state) != CASHIER_IDLE && since && now_ns > since)
			r->busy_ns += now_ns - since;
	}
	hist_snapshot(&r->latency, &b->latency);
	hist_snapshot(&r->loop_lag, &b->loop_lag);
	r->unavailable = SB_GET(b->errors[SERR_UNAVAILABLE]);
}

static void read_loadgen_gauges(const struct scoreboard_loadgen *b, struct side_snapshot *ss)
{
	ss->outside = SB_GET(b->waiting);
	ss->rate = SB_GET(b->rate_milli) / 1000.0;
	ss->cook_ms = SB_GET(b->cook_ms);
	ss->work_us = SB_GET(b->work_us);
	ss->paused = SB_GET(b->paused) != 0;
	ss->keepalive = SB_GET(b->keepalive) != 0;
	ss->finished = SB_GET(b->finished) != 0;
	ss->open_loop = b->open_loop != 0;
	for (int e = 0; e < LERR_COUNT; e++)
		ss->loadgen_errors[e] = SB_GET(b->errors[e]);
	ss->offered_total = SB_GET(b->arrived);
	ss->completed_total = SB_GET(b->completed);
}

static void read_loadgen(const struct scoreboard_loadgen *b, uint64_t now_ns, struct lg_reading *r)
{
	r->at_ns = now_ns;
	r->arrived = SB_GET(b->arrived);
	r->completed = SB_GET(b->completed);
	r->errors = sum_u64(b->errors, LERR_COUNT);
	hist_snapshot(&r->latency, &b->latency);
	r->timeouts = SB_GET(b->errors[LERR_TIMEOUT]);
	hist_snapshot(&r->uncorrected, &b->uncorrected);
}

/* The further load generators' gauges and totals on top of the first's. The rate in
 * force is the sum of the rates; the other settings are the first's. */
static void add_more_gauges(const struct side_state *st, struct side_snapshot *ss)
{
	for (unsigned i = 0; i < st->nmore; i++) {
		const struct scoreboard_loadgen *b = st->more[i].lg;
		if (!b)
			continue;
		ss->outside += SB_GET(b->waiting);
		ss->rate += SB_GET(b->rate_milli) / 1000.0;
		for (int e = 0; e < LERR_COUNT; e++)
			ss->loadgen_errors[e] += SB_GET(b->errors[e]);
		ss->offered_total += SB_GET(b->arrived);
		ss->completed_total += SB_GET(b->completed);
	}
}

/* Their counters and histograms summed into r (hist_merge: the layouts are one). */
static void add_more_readings(struct side_state *st, struct lg_reading *r)
{
	r->more_mapped = 0;
	for (unsigned i = 0; i < st->nmore; i++) {
		const struct scoreboard_loadgen *b = st->more[i].lg;
		if (!b)
			continue;
		r->more_mapped |= 1u << i;
		r->arrived += SB_GET(b->arrived);
		r->completed += SB_GET(b->completed);
		r->errors += sum_u64(b->errors, LERR_COUNT);
		hist_snapshot(&st->scratch, &b->latency);
		hist_merge(&r->latency, &st->scratch);
		r->timeouts += SB_GET(b->errors[LERR_TIMEOUT]);
		hist_snapshot(&st->scratch, &b->uncorrected);
		hist_merge(&r->uncorrected, &st->scratch);
	}
}

static double us_to_ms(uint64_t us)
{
	return us / 1000.0;
}

static double rate(uint64_t newer, uint64_t older, double dt_s)
{
	return newer > older && dt_s > 0 ? (double)(newer - older) / dt_s : 0.0;
}

/* Rates, percentiles, utilisation and Little's law over the tick from srv_prev. */
static void tick_server(struct side_state *st, struct side_snapshot *ss)
{
	const struct srv_reading *a = &st->srv_prev, *b = &st->srv_now;
	double dt = (b->at_ns - a->at_ns) / 1e9;
	ss->arrival_rps = rate(b->arrived, a->arrived, dt);
	ss->throughput_rps = rate(b->served, a->served, dt);
	double srv_err_rps = rate(b->errors, a->errors, dt);
	if (!st->lg)
		ss->error_rps = srv_err_rps;

	hist_diff(&st->scratch, &b->latency, &a->latency);
	ss->server_p50_ms = us_to_ms(hist_percentile(&st->scratch, 50));
	ss->server_p99_ms = us_to_ms(hist_percentile(&st->scratch, 99));
	ss->server_mean_ms = hist_mean(&st->scratch) / 1000.0;
	if (!st->lg) { /* no load generator watched: the server's own view of latency */
		ss->p50_ms = ss->server_p50_ms;
		ss->p99_ms = ss->server_p99_ms;
		ss->max_ms = us_to_ms(st->scratch.count ? st->scratch.max_us : 0);
		ss->mean_ms = ss->server_mean_ms;
		ss->latency_count = st->scratch.count;
	}

	ss->little_l = st->l_samples ? st->l_sum / st->l_samples : 0;
	ss->little_lambda = ss->throughput_rps;
	ss->little_w_s = ss->server_mean_ms / 1000.0;
	ss->little_lw = ss->little_lambda * ss->little_w_s;

	uint32_t slots = b->cashiers ? b->cashiers : 1;
	double busy = b->busy_ns > a->busy_ns ? (double)(b->busy_ns - a->busy_ns) : 0;
	ss->loop_util_pct = dt > 0 ? 100.0 * busy / (dt * 1e9 * slots) : 0;
	if (ss->loop_util_pct > 100)
		ss->loop_util_pct = 100;

	hist_diff(&st->scratch, &b->loop_lag, &a->loop_lag);
	ss->loop_lag_p99_ms = us_to_ms(hist_percentile(&st->scratch, 99));
	ss->loop_lag_max_ms = us_to_ms(st->scratch.count ? st->scratch.max_us : 0);
	ss->loop_lag_count = st->scratch.count;
}

static void tick_loadgen(struct side_state *st, struct side_snapshot *ss)
{
	const struct lg_reading *a = &st->lg_prev, *b = &st->lg_now;
	double dt = (b->at_ns - a->at_ns) / 1e9;
	ss->offered_rps = rate(b->arrived, a->arrived, dt);
	ss->completed_rps = rate(b->completed, a->completed, dt);
	ss->error_rps = rate(b->errors, a->errors, dt);
	hist_diff(&st->scratch, &b->latency, &a->latency);
	ss->p50_ms = us_to_ms(hist_percentile(&st->scratch, 50));
	ss->p99_ms = us_to_ms(hist_percentile(&st->scratch, 99));
	ss->max_ms = us_to_ms(st->scratch.count ? st->scratch.max_us : 0);
	ss->mean_ms = hist_mean(&st->scratch) / 1000.0;
	ss->latency_count = st->scratch.count;
}

static void tick_process(struct side_state *st, struct side_snapshot *ss, uint64_t now_ns)
{
	struct procstat ps;
	if (ss->pid <= 0 || procstat_read(ss->pid, &ps) != 0) {
		st->have_cpu_prev = false;
		return;
	}
	ss->threads = ps.threads;
	ss->rss_kb = ps.rss_kb;
	ss->ctx_switches = ps.ctx_switches;
	if (st->have_cpu_prev && now_ns > st->cpu_prev_at && ps.cpu_ns >= st->cpu_prev_ns) {
		double dt_ns = (double)(now_ns - st->cpu_prev_at);
		ss->cpu_pct = 100.0 * (double)(ps.cpu_ns - st->cpu_prev_ns) / dt_ns;
		ss->ctx_switches_rps = ps.ctx_switches >= st->ctx_prev ? (ps.ctx_switches - st->ctx_prev) * 1e9 / dt_ns : 0;
	}
	st->ctx_prev = ps.ctx_switches;
	st->cpu_prev_ns = ps.cpu_ns;
	st->cpu_prev_at = now_ns;
	st->have_cpu_prev = true;
	if (ps.threads > st->max.threads_max)
		st->max.threads_max = ps.threads;
	if (ps.rss_kb > st->max.rss_max_kb)
		st->max.rss_max_kb = ps.rss_kb;
}

static void push_history(struct side_state *st, struct side_snapshot *ss)
{
	st->ring_rps[st->ring_next] = (float)clamp_double(ss->throughput_rps, 0, FLT_MAX);
	st->ring_p99[st->ring_next] = (float)clamp_double(ss->p99_ms, 0, FLT_MAX);
	st->ring_next = (st->ring_next + 1) % MODEL_HISTORY;
	if (st->ring_len < MODEL_HISTORY)
		st->ring_len++;
	ss->history_len = st->ring_len;
	uint32_t first = (st->ring_next + MODEL_HISTORY - st->ring_len) % MODEL_HISTORY;
	for (uint32_t i = 0; i < st->ring_len; i++) {
		ss->history_rps[i] = st->ring_rps[(first + i) % MODEL_HISTORY];
		ss->history_p99_ms[i] = st->ring_p99[(first + i) % MODEL_HISTORY];
	}
}

/* The words on the screen: what the arena knows (waitpid: the exit status and the
 * child's last line) comes first, what the scoreboards say otherwise. A load generator
 * that is not running has no rates or latencies: the last ones are cleared, not kept. */
static void compose_reasons(struct side_state *st, struct side_snapshot *ss)
{
	const char *srv = st->arena_srv_why[0] ? st->arena_srv_why : st->srv_why;
	snprintf(ss->reason, sizeof ss->reason, "%s", ss->server_up ? "" : srv);
	ss->loadgen_reason[0] = '\0';
	if (st->lg_name[0] && !ss->loadgen_up) {
		if (st->arena_lg_why[0])
			snprintf(ss->loadgen_reason, sizeof ss->loadgen_reason, "load generator %s", st->arena_lg_why);
		else
			snprintf(ss->loadgen_reason, sizeof ss->loadgen_reason, "%s",
				 st->lg_why[0] ? st->lg_why : "the load generator is not running");
		ss->offered_rps = ss->completed_rps = 0;
		ss->outside = 0;
		if (st->srv_name[0] == '\0' || !ss->server_up)
			ss->p50_ms = ss->p99_ms = ss->max_ms = ss->mean_ms = 0, ss->latency_count = 0;
	}
	const char *k = st->arena_kitchen_why[0] ? st->arena_kitchen_why : st->kitchen_why;
	snprintf(ss->kitchen_reason, sizeof ss->kitchen_reason, "%s", k);
}

/* One side: gauges every call, figures when the tick is due. A board seen for the
 * first time is read at once as the baseline, so its first tick is a full one. Returns
 * true when figures were computed. */
static bool update_side_reads(struct side_state *st, struct side_snapshot *ss, uint64_t now_ns, bool tick)
{
	bool computed = false;
	ss->server_up = st->srv && writer_live(&st->srv->hdr, now_ns);
	ss->loadgen_up = st->lg && (writer_live(&st->lg->hdr, now_ns) || SB_GET(st->lg->finished));
	if (ss->server_up) {
		read_gauges(st->srv, ss);
		/* summed in double: four hostile gauges near INT64_MAX must not overflow */
		st->l_sum += (double)ss->in_line + (double)ss->at_counter + (double)ss->in_kitchen +
			     (double)ss->handing_over;
		st->l_samples++;
		if (ss->in_line > st->max.line_max)
			st->max.line_max = ss->in_line;
	}
	if (st->lg) {
		read_loadgen_gauges(st->lg, ss);
		add_more_gauges(st, ss);
	}

	if (ss->server_up && (tick || !st->have_srv_prev)) {
		read_server(st->srv, now_ns, &st->srv_now);
		if (!st->have_lag_start) {
			st->lag_start = st->srv_now.loop_lag;
			st->have_lag_start = true;
		}
		if (st->have_srv_prev) {
			tick_server(st, ss);
			computed = true;
		}
		hist_diff(&st->scratch, &st->srv_now.loop_lag, &st->lag_start);
		st->max.loop_lag_p99_ms = us_to_ms(hist_percentile(&st->scratch, 99));
		st->srv_prev = st->srv_now;
		st->have_srv_prev = true;
		st->l_sum = 0;
		st->l_samples = 0;
		model_words_kitchen(ss->server_errors[SERR_KITCHEN_DOWN], &st->kitchen_down_prev, st->kitchen_why,
				    sizeof st->kitchen_why);
		tick_process(st, ss, now_ns);
	}
	outside_gauges(&st->out, st->srv ? (uint16_t)st->srv->port : 0, st->lg, ss, &st->max, st->srv_why,
		       sizeof st->srv_why);
	if (st->lg && (tick || !st->have_lg_prev)) {
		read_loadgen(st->lg, now_ns, &st->lg_now);
		add_more_readings(st, &st->lg_now);
		if (st->have_lg_prev && st->lg_now.more_mapped == st->lg_prev.more_mapped) {
			tick_loadgen(st, ss);
			computed = true;
		}
		outside_tick(&st->out, st->lg, ss, now_ns, &st->max); /* the first: its baseline */
		st->lg_prev = st->lg_now;
		st->have_lg_prev = true;
	}
	return computed;
}

struct side_call {
	struct side_state *st;
	struct side_snapshot *ss;
	uint64_t now_ns;
	bool tick, computed;
};

static void side_call(void *ctx)
{
	struct side_call *c = ctx;
	c->computed = update_side_reads(c->st, c->ss, c->now_ns, c->tick);
}

/* The reads run under busguard: a segment truncated between check_sizes and a read
 * ends the read with SIGBUS, caught; both boards of the side are then dropped and
 * retried (the retry says what is wrong with them). */
static bool update_side(struct side_state *st, struct side_snapshot *ss, uint64_t now_ns, bool tick)
{
	refresh_maps(st, now_ns);
	struct side_call c = { st, ss, now_ns, tick, false };
	if (busguard_run(side_call, &c) < 0) {
		snprintf(st->srv_why, sizeof st->srv_why, "scoreboard %s or %s shrank while it was read (truncated): "
			 "no longer read", st->srv_name, st->lg_name[0] ? st->lg_name : "-");
		snprintf(st->lg_why, sizeof st->lg_why, "%s", "its scoreboard shrank while it was read (truncated)");
		unmap_server(st);
		unmap_loadgen(st);
		ss->server_up = ss->loadgen_up = false;
		c.computed = false;
	}
	compose_reasons(st, ss);
	verdict_model_sample(&st->verdict, ss, now_ns);
	if (!c.computed)
		return false;
	ss->errors_total = 0;
	for (int e = 0; e < SERR_COUNT; e++)
		ss->errors_total += ss->server_errors[e];
	for (int e = 0; e < LERR_COUNT; e++)
		ss->errors_total += ss->loadgen_errors[e];
	push_history(st, ss);
	verdict_model_tick(&st->verdict, ss, now_ns);
	return true;
}

bool model_update(struct model *m, uint64_t now_ns)
{
	if (!m->started)
		model_reset(m, now_ns);
	bool tick = now_ns - m->last_tick_ns >= MODEL_TICK_NS;
	if (tick)
		m->last_tick_ns = now_ns;
	bool computed = false;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (m->s[i].srv_name[0] || m->s[i].lg_name[0])
			computed |= update_side(&m->s[i], &m->snap.side[i], now_ns, tick);
	m->snap.elapsed_s = (now_ns - m->start_ns) / 1e9;
	if (computed)
		m->snap.ticks++;
	return computed;
}

/* ---- the same readers for a whole window (model_read.h, model_window.c) ---- */

struct window_read_call {
	struct side_state *st;
	uint64_t now_ns;
	struct model_reading *r;   /* model_read_counters, or */
	struct side_snapshot *ss;  /* model_read_scene, */
	bool *server, *loadgen;    /* ... and what it read */
};

static void server_counters_call(void *ctx)
{
	struct window_read_call *c = ctx;
	read_server(c->st->srv, c->now_ns, &c->r->srv);
	c->r->pid = SB_GET(c->st->srv->hdr.pid);
	c->r->server = true;
}

static void loadgen_counters_call(void *ctx)
{
	struct window_read_call *c = ctx;
	read_loadgen(c->st->lg, c->now_ns, &c->r->lg);
	add_more_readings(c->st, &c->r->lg);
	c->r->loadgen = true;
}

/* Whatever is mapped now, its writer live or not: a lesson's window reads a board to its
 * end even while its writer is frozen (lesson 7's fainting chef). Each board under its
 * own guard: a server's segment that shrank does not take the load generator's half. */
int model_read_counters(struct model *m, enum arena_side side, uint64_t now_ns, struct model_reading *r)
{
	if ((unsigned)side >= SIDE_COUNT)
		return -EINVAL;
	r->at_ns = now_ns;
	r->server = r->loadgen = false;
	r->pid = 0;
	struct window_read_call c = { &m->s[side], now_ns, r, NULL, NULL, NULL };
	int rc = 0;
	if (c.st->srv && busguard_run(server_counters_call, &c) < 0) {
		r->server = false;
		r->pid = 0;
		rc = -EFAULT;
	}
	if (c.st->lg && busguard_run(loadgen_counters_call, &c) < 0) {
		r->loadgen = false;
		rc = -EFAULT;
	}
	return rc;
}

static void server_scene_call(void *ctx)
{
	struct window_read_call *c = ctx;
	read_gauges(c->st->srv, c->ss);
	*c->server = true;
}

static void loadgen_scene_call(void *ctx)
{
	struct window_read_call *c = ctx;
	read_loadgen_gauges(c->st->lg, c->ss);
	add_more_gauges(c->st, c->ss);
	c->ss->in_flight = SB_GET(c->st->lg->in_flight); /* as outside_gauges reads it */
	*c->loadgen = true;
}

int model_read_scene(struct model *m, enum arena_side side, struct side_snapshot *ss, bool *server, bool *loadgen)
{
	memset(ss, 0, sizeof *ss);
	*server = *loadgen = false;
	if ((unsigned)side >= SIDE_COUNT)
		return -EINVAL;
	struct window_read_call c = { &m->s[side], 0, NULL, ss, server, loadgen };
	int rc = 0;
	if (c.st->srv && busguard_run(server_scene_call, &c) < 0) {
		*server = false;
		rc = -EFAULT;
	}
	if (c.st->lg && busguard_run(loadgen_scene_call, &c) < 0) {
		*loadgen = false;
		rc = -EFAULT;
	}
	return rc;
}
