/* worker.c: the customers of one thread (see worker.h).
 *
 * Closed loop: each connection slot is a customer; after a response it orders again
 * at once (or after --think-ms); after a failed connect it backs off 10 ms so that a
 * dead server costs errors at a bounded rate, not a spinning core.
 * Open loop: arrivals come from the schedule through a timerfd armed to the
 * nanosecond (libev's own timers round to the millisecond), or, for a gap shorter than
 * what a wake-up costs this machine (wake.h), by polling the loop until its time (see
 * open_run). At rates where waking for each arrival would cost the core too much,
 * arrivals are taken on a grid (wake_grid_ns, or --arrival-slack-us): the loop sleeps
 * from cell to cell and reads the responses there, each timed by the kernel's receive
 * stamp (conn.h). An arrival takes an idle connection, else opens one (at most
 * OPENS_PER_MS, none while the loop is behind), else waits in line. A freed connection
 * goes to the first customer in line. Latency is always
 * taken from the customer's start, so a stalled server shows in full (no coordinated
 * omission); the uncorrected latency, from the actual send, is recorded beside it
 * for lesson 7.
 *
 * When the window (-d) ends, no new customer starts, but those still waiting are
 * awaited for up to --drain and their latency counted: without this, a server that
 * leaves customers unserved (at its door, in its line) for the whole window would
 * show only the quick answers it gave the others. Whoever still waits when the drain
 * ends is counted at its age then, a lower bound of its latency. Counts (requests,
 * throughput, status) stay those of the window.
 *
 * Bounds that hold at any rate: a customer waits in line at most --timeout (then it
 * expires, counted as such), the line holds at most LINE_MAX_TOTAL customers over all
 * threads (more are turned away, counted), and arrivals are taken in slices of at most
 * ARRIVAL_SLICE_NS between which the loop serves responses, timers and the stop.
 */
#include "worker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "wake.h"

#define RBUF_LEN 65536
#define LINE_CAP0 4096
#define LINE_MAX_TOTAL (1u << 20)      /* customers in line, all threads: 8 MiB */
#define ARRIVAL_BATCH 256              /* arrivals between two looks at the clock and stop */
#define ARRIVAL_SLICE_NS (2 * NS_PER_MS) /* then back to the loop for the rest */
#define END_SLICE_NS (100 * NS_PER_MS) /* the end's catch-up of arrivals due, at most */
#define BACKOFF_NS (10 * NS_PER_MS)   /* closed loop: after a failed connect */
/* Open loop: new connections a thread opens in one millisecond, at most. A connection
 * costs the client (and the server) several times a request, and a server that
 * stalls for a moment leaves every connection busy: a loop that opened one for every
 * arrival finding none idle would answer each hiccup with hundreds of connections,
 * whose opening and accepting make the next hiccup (measured: -R 50000 against
 * bin/evented, 1,000-3,000 connections and a p99 of 50-110 ms that belonged to the
 * storm). With the bound, and none opened while the loop is behind its schedule
 * (BEHIND_NS), the customers who find no connection wait in line, counted, for the
 * first one freed or opened: 16k connections a second is still more than any
 * server here accepts. */
#define OPENS_PER_MS 16
#define BEHIND_NS (1 * NS_PER_MS) /* past the grid's own delay */

/* Count into the live statistics and, for an event at time `when` after the
 * warm-up, the report's. Events are classed by when they happen (a response by its
 * arrival, an arrival by its scheduled time), as if the counters were reset when the
 * warm-up ends: classing by the customer's start instead would drop the responses of
 * the first moments and bias the throughput low by about L / duration. */
#define COUNT(w, when, field, n)                                               \
	do {                                                                   \
		STAT_ADD((w)->all->field, (n));                                \
		if ((w)->measured != (w)->all && (when) >= (w)->measure_ns)    \
			STAT_ADD((w)->measured->field, (n));                   \
	} while (0)

static void on_response(struct lg_conn *c, int status, bool reusable);
static void on_failure(struct lg_conn *c, enum loadgen_error kind, int err_no);
static void on_sent(struct lg_conn *c);
static void open_for_line(struct lg_worker *w, uint64_t now);
static void on_retry(struct lg_conn *c);
static void on_idle_closed(struct lg_conn *c);
static void on_pause_over(struct ev_loop *loop, ev_timer *t, int revents);
static void on_arrivals(struct ev_loop *loop, ev_io *io, int revents);
static void on_end(struct ev_loop *loop, ev_timer *t, int revents);
static void on_drain_over(struct ev_loop *loop, ev_timer *t, int revents);
static void on_sweep(struct ev_loop *loop, ev_timer *t, int revents);
static void on_wake(struct ev_loop *loop, ev_async *a, int revents);

static bool open_loop(const struct lg_worker *w)
{
	return w->cfg->mode == LG_OPEN;
}

static uint32_t share_u32(uint64_t total, unsigned threads, unsigned index)
{
	return (uint32_t)(total / threads + (index < total % threads ? 1 : 0));
}

/* ---- the waiting line (open loop) ---- */

/* 0, or -ENOSPC (the line is at its bound) or -ENOMEM. */
static int wait_in_line(struct lg_worker *w, uint64_t t)
{
	int rc = line_push(&w->line, t);
	if (rc)
		return rc;
	STAT_ADD(w->gauges.waiting, 1);
	if ((int64_t)w->line.len > w->gauges.waiting_max)
		STAT_SET(w->gauges.waiting_max, (int64_t)w->line.len);
	return 0;
}

static uint64_t next_in_line(struct lg_worker *w)
{
	STAT_ADD(w->gauges.waiting, -1);
	return line_pop(&w->line);
}

/* ---- free connections (open loop): idle ones first, then closed slots ---- */

static void push_free(struct lg_worker *w, struct lg_conn *c)
{
	if (c->state == CONN_IDLE) {
		c->pos = w->n_idle;
		w->idle[w->n_idle++] = c->slot;
	} else {
		c->pos = w->n_closed;
		w->closed[w->n_closed++] = c->slot;
	}
}

/* May a new connection be opened now: within this millisecond's OPENS_PER_MS, and
 * the loop not behind. Counts the one it allows. */
static bool may_open(struct lg_worker *w, uint64_t now)
{
	if (w->behind && !w->arrivals_done)
		return false;
	if (now / NS_PER_MS != w->open_ms) {
		w->open_ms = now / NS_PER_MS;
		w->opened = 0;
	}
	if (w->opened >= OPENS_PER_MS)
		return false;
	w->opened++;
	return true;
}

/* An idle connection, else a closed slot to open if may_open, else none (the
 * customer waits in line). */
static struct lg_conn *pop_free(struct lg_worker *w, uint64_t now)
{
	if (w->n_idle)
		return &w->conns[w->idle[--w->n_idle]];
	if (w->n_closed && may_open(w, now))
		return &w->conns[w->closed[--w->n_closed]];
	return NULL;
}

/* An idle connection closed under us moves to the closed stack: O(1), the last idle
 * slot takes its place. */
static void idle_to_closed(struct lg_worker *w, struct lg_conn *c)
{
	uint32_t last = w->idle[--w->n_idle];
	if (last != c->slot) {
		w->idle[c->pos] = last;
		w->conns[last].pos = c->pos;
	}
	push_free(w, c);
}

/* ---- bookkeeping ---- */

/* Customers waiting for a connection or on one. */
static uint64_t outstanding_now(struct lg_worker *w)
{
	return (uint64_t)(STAT_GET(w->gauges.waiting) + STAT_GET(w->gauges.in_flight));
}

static void stop_loop(struct lg_worker *w)
{
	w->stopping = true;
	ev_break(w->loop, EVBREAK_ALL);
}

/* A run bounded by -n ends once every customer of the quota is through. */
static void check_done(struct lg_worker *w)
{
	if (w->draining) {
		if (STAT_GET(w->gauges.in_flight) == 0 && w->line.len == 0)
			stop_loop(w);
		return;
	}
	if (w->quota == UINT64_MAX || w->started < w->quota)
		return;
	if (open_loop(w) && (!w->arrivals_done || w->line.len > 0))
		return;
	if (STAT_GET(w->gauges.in_flight) == 0)
		stop_loop(w);
}

/* An error of kind (enum loadgen_error or lg_error_extra) at now. A socket the kernel
 * had no memory for is the client's shortage, not the server refusing: nomem. */
static void count_error(struct lg_worker *w, uint64_t now, int kind, int err_no)
{
	if (kind == LERR_CONNECT && (err_no == ENOMEM || err_no == ENOBUFS))
		kind = LGERR_NOMEM;
	COUNT(w, now, errors[kind], 1);
	if (kind == LERR_EMFILE)
		STAT_SET(w->emfile_seen, 1);
	if (err_no == EADDRNOTAVAIL)
		STAT_SET(w->addrnotavail_seen, 1);
}

/* A customer on a connection failed: one fewer in flight. */
static void note_failure(struct lg_worker *w, uint64_t now, int kind, int err_no)
{
	count_error(w, now, kind, err_no);
	STAT_ADD(w->gauges.in_flight, -1);
}

static bool stop_asked(const struct lg_worker *w)
{
	return __atomic_load_n(&w->shared->stop, __ATOMIC_ACQUIRE) != 0;
}

static void note_conns_max(struct lg_worker *w)
{
	int64_t open = STAT_GET(w->gauges.conns_open);
	if (open > w->gauges.conns_max)
		STAT_SET(w->gauges.conns_max, open);
}

/* Put a customer on connection c. On an immediate failure the error is counted and
 * the connection is CLOSED; returns non-zero then. */
static int start_order(struct lg_worker *w, struct lg_conn *c, uint64_t t_start, uint64_t now)
{
	enum loadgen_error kind;
	const struct reqtext *req = w->req;
	c->kind = -1;
	if (w->cfg->mix.n) { /* the kind from the seed and the order's number, not the clock */
		c->kind = (int)mix_draw(&w->cfg->mix, w->cfg->seed, w->index, w->kinds_drawn++);
		req = w->kind_req[c->kind];
	}
	STAT_ADD(w->gauges.in_flight, 1);
	int rc = conn_start(c, req, t_start, now, w->cfg->timeout_ns, &kind);
	if (rc) {
		note_failure(w, now, kind, -rc);
		return rc;
	}
	note_conns_max(w);
	return 0;
}

/* ---- closed loop ---- */

static bool may_start(struct lg_worker *w)
{
	return !w->stopping && !w->draining && !w->ctl.paused && w->started < w->quota;
}

static void closed_begin(struct lg_worker *w, struct lg_conn *c, uint64_t now)
{
	if (!may_start(w)) {
		check_done(w);
		return;
	}
	w->started++;
	COUNT(w, now, arrived, 1);
	if (start_order(w, c, now, now)) {
		ev_timer_set(&c->pause, (double)BACKOFF_NS / 1e9, 0.0);
		ev_timer_start(w->loop, &c->pause);
	}
}

static void closed_next(struct lg_worker *w, struct lg_conn *c, uint64_t now, bool failed_connect)
{
	uint64_t wait = failed_connect ? BACKOFF_NS : w->cfg->think_ns;
	if (wait && may_start(w)) {
		ev_timer_set(&c->pause, (double)wait / 1e9, 0.0);
		ev_timer_start(w->loop, &c->pause);
		return;
	}
	closed_begin(w, c, now);
}

static void on_pause_over(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct lg_conn *c = t->data;
	(void)loop;
	(void)revents;
	closed_begin(c->env->owner, c, clock_now_ns());
}

/* ---- open loop ---- */

/* A customer who arrived at t has waited past --timeout by now. */
static bool expired(const struct lg_worker *w, uint64_t t, uint64_t now)
{
	return now >= t && now - t >= w->cfg->timeout_ns;
}

/* The customers at the front of the line who waited past --timeout leave it, each
 * counted as expired. The line is in arrival order, so the first still in time ends
 * it: O(1) per customer who leaves. */
static void expire_line(struct lg_worker *w, uint64_t now)
{
	while (w->line.len > 0 && expired(w, line_peek(&w->line), now)) {
		next_in_line(w);
		count_error(w, now, LGERR_EXPIRED, 0);
	}
}

/* Offer the free connection c to the line; if nobody takes it, it waits on a stack. */
static void open_offer(struct lg_worker *w, struct lg_conn *c, uint64_t now)
{
	expire_line(w, now);
	while (w->line.len > 0 && !w->stopping) {
		uint64_t t = next_in_line(w);
		if (start_order(w, c, t, now) == 0)
			return;
	}
	push_free(w, c);
}

/* A customer arrives at t (taken at now, later when the loop ran late): one who is
 * already past --timeout expires at once; otherwise a free connection, or the line,
 * or, with the line at its bound or out of memory, turned away. */
static void open_arrive(struct lg_worker *w, uint64_t t, uint64_t now)
{
	COUNT(w, t, arrived, 1);
	if (expired(w, t, now)) {
		count_error(w, now, LGERR_EXPIRED, 0);
		return;
	}
	struct lg_conn *c = pop_free(w, now);
	if (!c) {
		int rc = wait_in_line(w, t);
		if (rc)
			count_error(w, now, rc == -ENOSPC ? LGERR_LINE_FULL : LGERR_NOMEM, -rc);
		return;
	}
	if (start_order(w, c, t, now))
		push_free(w, c);
}

/* The grid the arrivals are taken on at this thread's rate now: the one asked for,
 * or by default the one of wake_grid_ns. */
static void set_grid(struct lg_worker *w)
{
	uint64_t asked = w->cfg->slack_ns;
	w->slack_ns = asked != LG_SLACK_AUTO ? asked : wake_grid_ns(w->sched.stopped ? 0.0 : w->sched.rate, w->shared->wake_ns);
	if (w->slack_ns > w->slack_max_ns)
		w->slack_max_ns = w->slack_ns;
}

/* When the next arrival is to be taken, or UINT64_MAX when none is to come. With
 * --arrival-slack-us the time is rounded up to the slack's grid (from the run's start),
 * so the arrivals of one grid cell are taken in one wakeup: fewer sleeps, fewer wakeups
 * of the server, each customer sent up to the slack late and its latency still taken
 * from its own time (the delay is counted, and shows in client_lag_ms). */
static uint64_t next_take_ns(const struct lg_worker *w)
{
	uint64_t next = schedule_peek(&w->sched);
	if (w->arrivals_done || w->stopping || w->ctl.paused || next == UINT64_MAX || w->start_ns + next >= w->end_ns)
		return UINT64_MAX;
	uint64_t slack = w->slack_ns;
	return w->start_ns + (slack ? (next + slack - 1) / slack * slack : next);
}

/* Arm the timerfd to at (UINT64_MAX: disarm it), unless it is armed so already: one
 * system call saved per sleep that follows a poll. Setting it also clears its
 * expiration count, so the callback never needs to read it. */
static void arm_timer(struct lg_worker *w, uint64_t at)
{
	uint64_t want = at == UINT64_MAX ? 0 : at;
	struct itimerspec its = { 0 };
	if (w->armed_ns == want)
		return;
	its.it_value.tv_sec = (time_t)(want / NS_PER_SEC);
	its.it_value.tv_nsec = (long)(want % NS_PER_SEC);
	timerfd_settime(w->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
	w->armed_ns = want;
}

/* The timer for the next arrival, or none when the loop will poll for it (see
 * open_run) or none is to come. */
static void arm_arrivals(struct lg_worker *w)
{
	uint64_t at = next_take_ns(w);
	if (at != UINT64_MAX && at <= clock_now_ns() + w->shared->poll_ns)
		at = UINT64_MAX; /* polled for: a timer would only fire after it was taken */
	arm_timer(w, at);
}

/* Every arrival due by now and before the window's end, late ones included (a loop
 * held up for 5 ms sends the 5 ms of customers at once, each measured from its own
 * time), until the clock passes slice_end: then the loop gets its turn (responses,
 * timers, a stop) and the rest are taken next time. A stop asked for is seen within
 * ARRIVAL_BATCH arrivals. Returns true when arrivals due are left. */
static bool take_arrivals(struct lg_worker *w, uint64_t now, uint64_t slice_end)
{
	unsigned n = 0;
	while (!w->arrivals_done && !w->stopping && !w->ctl.paused) {
		uint64_t next = schedule_peek(&w->sched);
		if (next == UINT64_MAX || w->start_ns + next > now)
			return false;
		if (w->start_ns + next >= w->end_ns) {
			w->arrivals_done = true;
			return false;
		}
		if (++n % ARRIVAL_BATCH == 0) {
			if (stop_asked(w)) {
				stop_loop(w);
				return false;
			}
			if (clock_now_ns() >= slice_end)
				return true;
		}
		schedule_next(&w->sched);
		w->started++;
		/* how late the loop came to this customer against the schedule (a wakeup's
		 * latency, or a loop busy elsewhere): the client's own delay, which its
		 * latency from arrival includes */
		if (now >= w->measure_ns)
			hist_record(&w->lag, (now - (w->start_ns + next)) / NS_PER_US);
		/* behind by the oldest arrival of this turn: the newest of a catch-up is
		 * nearly on time, and a loop that looked at it would open connections
		 * while it has a backlog */
		if (n == 1)
			w->behind = now - (w->start_ns + next) > w->slack_ns + BEHIND_NS; /* the grid's own delay is no lag */
		open_arrive(w, w->start_ns + next, now);
		if (w->started >= w->quota)
			w->arrivals_done = true;
	}
	return false;
}

/* The timerfd fired: the arrivals due. It is expired now, so it is set again (or
 * disarmed), which also clears its readiness. */
static void on_arrivals(struct ev_loop *loop, ev_io *io, int revents)
{
	struct lg_worker *w = io->data;
	uint64_t now = clock_now_ns();
	(void)loop;
	(void)revents;
	w->armed_ns = UINT64_MAX; /* expired: whatever is asked next differs */
	take_arrivals(w, now, now + ARRIVAL_SLICE_NS);
	arm_arrivals(w);
	check_done(w);
}

/* libev's turn ran callbacks: the loop was not idle (for the poll's accounting). */
static void invoke_pending(struct ev_loop *loop)
{
	struct lg_worker *w = ev_userdata(loop);
	if (ev_pending_count(loop))
		w->loop_busy = true;
	ev_invoke_pending(loop);
}

/* The open loop's own wait. A gap to the next arrival longer than a wake-up costs
 * (shared->poll_ns, measured: wake.h) is slept through, on the timerfd; a shorter one
 * is polled through, libev's turns without sleeping (responses read as they come),
 * and the arrival taken when its time comes: each customer is sent at its time, not
 * later, and the loop pays for a gap the least of what sleeping or polling costs.
 * After a slice of arrivals the loop always gets a turn, so a loop that is behind
 * still reads its responses. The time polled with nothing to do is counted apart
 * (polled_ns): it is the loop waiting, not working. */
static void open_run(struct lg_worker *w)
{
	while (!w->stopping) {
		uint64_t at = next_take_ns(w);
		uint64_t now = clock_now_ns();
		open_for_line(w, now);
		if (at != UINT64_MAX && w->slack_ns && at > now && at - now <= w->slack_ns) {
			/* on the grid: sleep to the next cell without waking for each response
			 * (their times are the kernel's receive stamps), read what came (which
			 * frees the connections of the cell before), then send the cell's
			 * arrivals */
			arm_timer(w, UINT64_MAX);
			struct timespec ts = { (time_t)(at / NS_PER_SEC), (long)(at % NS_PER_SEC) };
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
			ev_run(w->loop, EVRUN_NOWAIT);
			if (w->stopping)
				break;
			now = clock_now_ns();
			take_arrivals(w, now, now + ARRIVAL_SLICE_NS);
			check_done(w);
			continue;
		}
		if (at == UINT64_MAX || at > now + w->shared->poll_ns) {
			/* customers in line that may_open held back: look again next millisecond,
			 * even with no arrival or response to come (the drain, a dead server) */
			uint64_t wake = at, next_ms = (now / NS_PER_MS + 1) * NS_PER_MS;
			if (w->line.len > 0 && w->n_closed > 0 && next_ms < wake)
				wake = next_ms;
			arm_timer(w, wake);
			ev_run(w->loop, EVRUN_ONCE);
			continue;
		}
		w->loop_busy = false;
		ev_run(w->loop, EVRUN_NOWAIT);
		uint64_t after = clock_now_ns();
		if (!w->loop_busy)
			w->polled_ns += after - now;
		if (w->stopping)
			break;
		if (after >= at && next_take_ns(w) == at) {
			take_arrivals(w, after, after + ARRIVAL_SLICE_NS);
			check_done(w);
		}
	}
}

/* ---- what the connections report ---- */

static void next_for(struct lg_worker *w, struct lg_conn *c, uint64_t now, bool failed_connect)
{
	if (w->stopping)
		return;
	if (open_loop(w))
		open_offer(w, c, now);
	else
		closed_next(w, c, now, failed_connect);
	check_done(w);
}

/* A customer's latency, taken at `when`, into the live statistics and (after the
 * warm-up) the report's, as COUNT does; unc_us UINT64_MAX: never sent, so no
 * uncorrected latency. */
static void record_latency(struct lg_worker *w, uint64_t when, uint64_t lat_us, uint64_t unc_us, int kind)
{
	struct lg_stats *to[2] = { w->all, w->measured };
	int n = w->measured != w->all && when >= w->measure_ns ? 2 : 1;
	for (int i = 0; i < n; i++) {
		hist_record(&to[i]->latency, lat_us);
		if (unc_us != UINT64_MAX)
			hist_record(&to[i]->uncorrected, unc_us);
		if (kind >= 0)
			hist_record(&to[i]->kind_latency[kind], lat_us);
	}
}

static void on_response(struct lg_conn *c, int status, bool reusable)
{
	struct lg_worker *w = c->env->owner;
	uint64_t now = clock_now_ns();
	uint64_t at = conn_response_time(c, now); /* when it came, for a loop that reads late */
	(void)reusable;

	record_latency(w, at, (at - c->t_start_ns) / NS_PER_US, (at - c->t_send_ns) / NS_PER_US, c->kind);
	bool valid = response_status_valid(status);
	if (c->rp.interim)
		COUNT(w, at, interim, c->rp.interim);
	if (w->draining) {
		/* a customer of the window, answered after it: the counts stay the window's */
		COUNT(w, at, late, 1);
	} else {
		COUNT(w, at, completed, 1);
		COUNT(w, at, bytes_read, c->rbytes);
		unsigned cls = (unsigned)status / 100;
		COUNT(w, at, status_class[cls < 6 ? cls : 0], 1);
		if (status >= 0 && status < STATUS_CODE_MAX)
			COUNT(w, at, status_code[status], 1);
		if (!valid)
			COUNT(w, at, errors[LGERR_BAD_STATUS], 1);
		else if (status >= 400)
			COUNT(w, at, errors[LERR_STATUS], 1);
	}
	if (valid && status < 400)
		STAT_SET(w->all->last_ok_ns, at);
	STAT_ADD(w->gauges.in_flight, -1);
	next_for(w, c, now, false);
}

static void on_failure(struct lg_conn *c, enum loadgen_error kind, int err_no)
{
	struct lg_worker *w = c->env->owner;
	uint64_t now = clock_now_ns();
	note_failure(w, now, kind, err_no);
	next_for(w, c, now, kind == LERR_CONNECT || kind == LERR_EMFILE);
}

/* The customers in line that no freed connection took open new ones, as far as
 * may_open allows: at each turn of the open loop. */
static void open_for_line(struct lg_worker *w, uint64_t now)
{
	if (w->line.len == 0)
		return;
	expire_line(w, now);
	while (w->line.len > 0 && !w->stopping && w->n_closed && may_open(w, now)) {
		struct lg_conn *c = &w->conns[w->closed[--w->n_closed]];
		if (start_order(w, c, next_in_line(w), now))
			push_free(w, c);
	}
}

static void on_sent(struct lg_conn *c)
{
	struct lg_worker *w = c->env->owner;
	if (w->draining)
		return; /* sent_rps is the window's */
	COUNT(w, c->t_send_ns, sent, 1);
}

static void on_retry(struct lg_conn *c)
{
	struct lg_worker *w = c->env->owner;
	COUNT(w, c->t_send_ns, retried, 1);
}

static void on_idle_closed(struct lg_conn *c)
{
	struct lg_worker *w = c->env->owner;
	if (open_loop(w))
		idle_to_closed(w, c);
	/* closed loop: the customer is thinking or parked; the next order reconnects */
}

/* ---- timers and control ---- */

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* The thread's CPU time and wall time from its start to the window's end (or the
 * stop): the drain after the window, mostly waiting, would dilute a saturated window. */
static void take_cpu(struct lg_worker *w, uint64_t now)
{
	uint64_t cpu = thread_cpu_ns() - w->cpu0_ns;
	w->cpu_ns = cpu > w->polled_ns ? cpu - w->polled_ns : 0;
	w->wall_ns = now - w->wall0_ns;
}

/* libev runs the end timer before the arrivals callback of the same wakeup, so a
 * thread that woke late would lose the arrivals due before the end: they arrive here,
 * and the schedule stays whole. Then the drain begins, if anyone is left to await. */
static void on_end(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct lg_worker *w = t->data;
	uint64_t now = clock_now_ns();
	(void)revents;
	/* a loop so far behind that END_SLICE_NS does not catch up leaves the rest
	 * untaken: they never arrived, the arrival rate shows it and the summary says so */
	if (open_loop(w))
		take_arrivals(w, now, now + END_SLICE_NS);
	if (w->stopping)
		return;
	w->arrivals_done = true;
	w->window_over = true;
	take_cpu(w, now);
	w->outstanding_end = outstanding_now(w);
	if (w->cfg->drain_ns == 0 || w->outstanding_end == 0) {
		stop_loop(w);
		return;
	}
	w->draining = true;
	ev_timer_set(&w->drain_timer, (double)w->cfg->drain_ns / 1e9, 0.0);
	ev_timer_start(loop, &w->drain_timer);
}

/* Whoever still waits (on a connection or in line) is counted unanswered at its age, a
 * lower bound of its latency: at the drain's end, or when a signal stops the run (in
 * the window or in the drain), so that the customers of the window always add up:
 * outstanding = answered late + unanswered. Once. */
static void tally_unanswered(struct lg_worker *w, uint64_t now)
{
	if (w->tallied)
		return;
	w->tallied = true;
	for (uint32_t i = 0; i < w->nconns; i++) {
		struct lg_conn *c = &w->conns[i];
		if (!conn_busy(c))
			continue;
		bool sent = c->state != CONN_CONNECTING && c->t_send_ns >= c->t_start_ns;
		record_latency(w, now, (now - c->t_start_ns) / NS_PER_US,
			       sent ? (now - c->t_send_ns) / NS_PER_US : UINT64_MAX, c->kind);
		COUNT(w, now, unanswered, 1);
	}
	while (w->line.len > 0) {
		record_latency(w, now, (now - next_in_line(w)) / NS_PER_US, UINT64_MAX, -1); /* no kind yet */
		COUNT(w, now, unanswered, 1);
	}
}

/* The drain is over: whoever still waits is counted at its age, a lower bound. */
static void on_drain_over(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct lg_worker *w = t->data;
	(void)loop;
	(void)revents;
	tally_unanswered(w, clock_now_ns());
	stop_loop(w);
}

/* Timeouts by a sweep rather than a timer per request: no timer heap work on the
 * hot path; the cost is O(connections) every sweep interval. */
static void on_sweep(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct lg_worker *w = t->data;
	uint64_t now = clock_now_ns();
	(void)loop;
	(void)revents;
	expire_line(w, now);
	for (uint32_t i = 0; i < w->nconns && !w->stopping; i++) {
		struct lg_conn *c = &w->conns[i];
		if (conn_busy(c) && now >= c->deadline_ns) {
			conn_close(c);
			on_failure(c, LERR_TIMEOUT, 0);
		}
	}
	if (!w->stopping)
		check_done(w);
}

static void apply_control(struct lg_worker *w, const struct lg_control *n)
{
	uint64_t now = clock_now_ns();
	const struct lg_config *cfg = w->cfg;
	bool resumed = w->ctl.paused && !n->paused;

	if (n->cook_ms != w->ctl.cook_ms || n->work_us != w->ctl.work_us || n->keepalive != w->ctl.keepalive) {
		struct reqtext *r = reqtext_new(&cfg->url, &cfg->query, n->cook_ms, n->work_us, n->keepalive, w->req);
		if (r)
			w->req = r;
		for (unsigned k = 0; k < cfg->mix.n; k++) {
			r = mix_reqtext(&cfg->mix.kind[k], &cfg->url, &cfg->query, n->cook_ms, n->work_us, n->keepalive,
					w->kind_req[k]);
			if (r)
				w->kind_req[k] = r;
		}
	}
	bool rate_changed = n->rate_milli != w->ctl.rate_milli || n->paused != w->ctl.paused;
	w->ctl = *n;
	if (open_loop(w)) {
		if (rate_changed) {
			double rate = n->paused ? 0.0 : (double)n->rate_milli / 1000.0;
			schedule_set_rate(&w->sched, rate, now > w->start_ns ? now - w->start_ns : 0);
			set_grid(w);
			arm_arrivals(w);
		}
		return;
	}
	if (resumed)
		for (uint32_t i = 0; i < w->nconns; i++)
			if (!conn_busy(&w->conns[i]) && !ev_is_active(&w->conns[i].pause))
				closed_begin(w, &w->conns[i], now);
}

static void on_wake(struct ev_loop *loop, ev_async *a, int revents)
{
	struct lg_worker *w = a->data;
	struct lg_control n;
	bool changed = false;
	(void)loop;
	(void)revents;
	if (stop_asked(w)) {
		stop_loop(w);
		return;
	}
	pthread_mutex_lock(&w->shared->mu);
	if (w->shared->seq != w->ctl_seq) {
		w->ctl_seq = w->shared->seq;
		n = w->shared->ctl;
		changed = true;
	}
	pthread_mutex_unlock(&w->shared->mu);
	if (changed)
		apply_control(w, &n);
}

/* ---- the thread ---- */

static void *worker_main(void *arg)
{
	struct lg_worker *w = arg;
	uint64_t sweep_ns = w->cfg->timeout_ns / 10;

	ev_now_update(w->loop); /* the loop was made a while ago: relative timers start now */
	uint64_t now = clock_now_ns();
	w->cpu0_ns = thread_cpu_ns();
	w->wall0_ns = now;

	if (sweep_ns > 100 * NS_PER_MS)
		sweep_ns = 100 * NS_PER_MS;
	if (sweep_ns < NS_PER_MS)
		sweep_ns = NS_PER_MS;
	ev_timer_init(&w->sweep_timer, on_sweep, (double)sweep_ns / 1e9, (double)sweep_ns / 1e9);
	w->sweep_timer.data = w;
	ev_timer_start(w->loop, &w->sweep_timer);
	if (w->end_ns != UINT64_MAX) {
		ev_timer_init(&w->end_timer, on_end, w->end_ns > now ? (double)(w->end_ns - now) / 1e9 : 0.0, 0.0);
		w->end_timer.data = w;
		ev_timer_start(w->loop, &w->end_timer);
	}
	if (open_loop(w)) {
		ev_io_start(w->loop, &w->arrival_io);
		arm_arrivals(w);
	} else {
		for (uint32_t i = 0; i < w->nconns && !w->stopping; i++)
			closed_begin(w, &w->conns[i], clock_now_ns());
	}
	/* a stop or control change sent before the loop ran is taken now */
	on_wake(w->loop, &w->wake, 0);
	if (!w->stopping && open_loop(w))
		open_run(w);
	else if (!w->stopping)
		ev_run(w->loop, 0);

	w->ended_ns = clock_now_ns();
	if (!w->window_over)
		take_cpu(w, w->ended_ns);
	if (!w->window_over) /* stopped by a signal, or -n reached */
		w->outstanding_end = outstanding_now(w);
	if (stop_asked(w))
		tally_unanswered(w, w->ended_ns);
	for (uint32_t i = 0; i < w->nconns; i++) {
		conn_close(&w->conns[i]);
		ev_timer_stop(w->loop, &w->conns[i].pause);
	}
	ev_timer_stop(w->loop, &w->sweep_timer);
	ev_timer_stop(w->loop, &w->end_timer);
	ev_timer_stop(w->loop, &w->drain_timer);
	ev_io_stop(w->loop, &w->arrival_io);
	__atomic_store_n(&w->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

int worker_init(struct lg_worker *w, const struct lg_config *cfg, struct lg_shared *shared,
		unsigned index, uint64_t start_ns)
{
	memset(w, 0, sizeof *w);
	w->cfg = cfg;
	w->shared = shared;
	w->index = index;
	w->timerfd = -1;
	w->start_ns = start_ns;
	w->measure_ns = start_ns + cfg->warmup_ns;
	w->end_ns = w->measure_ns + (cfg->duration_ns ? cfg->duration_ns : LG_DURATION_MAX_NS);
	w->nconns = share_u32(cfg->mode == LG_OPEN ? cfg->max_conns : cfg->connections, cfg->threads, index);
	w->quota = cfg->requests ? share_u32(cfg->requests, cfg->threads, index) : UINT64_MAX;
	if (cfg->requests && w->quota == 0)
		w->arrivals_done = true;

	pthread_mutex_lock(&shared->mu);
	w->ctl = shared->ctl;
	w->ctl_seq = shared->seq;
	pthread_mutex_unlock(&shared->mu);

	w->loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
	if (w->loop) {
		ev_set_userdata(w->loop, w);
		ev_set_invoke_pending_cb(w->loop, invoke_pending);
	}
	w->conns = calloc(w->nconns, sizeof *w->conns);
	w->rbuf = malloc(RBUF_LEN);
	w->all = malloc(sizeof *w->all);
	w->measured = cfg->warmup_ns ? malloc(sizeof *w->measured) : w->all;
	w->req = reqtext_new(&cfg->url, &cfg->query, w->ctl.cook_ms, w->ctl.work_us, w->ctl.keepalive, NULL);
	bool kinds_ok = true;
	for (unsigned k = 0; k < cfg->mix.n; k++) {
		w->kind_req[k] = mix_reqtext(&cfg->mix.kind[k], &cfg->url, &cfg->query, w->ctl.cook_ms, w->ctl.work_us,
					     w->ctl.keepalive, NULL);
		kinds_ok = kinds_ok && w->kind_req[k];
	}
	if (!kinds_ok || !w->loop || !w->conns || !w->rbuf || !w->all || !w->measured || !w->req)
		return -ENOMEM;
	stats_init(w->all);
	hist_init(&w->lag);
	if (w->measured != w->all)
		stats_init(w->measured);

	w->env = (struct conn_env){
		.loop = w->loop, .addr = &cfg->addr, .addrlen = cfg->addrlen,
		.rbuf = w->rbuf, .rbuf_len = RBUF_LEN, .trickle_ns = cfg->trickle_ns, .rx_stamps = cfg->mode == LG_OPEN,
		.conns_open = &w->gauges.conns_open, .owner = w,
		.on_response = on_response, .on_failure = on_failure,
		.on_sent = on_sent, .on_retry = on_retry, .on_idle_closed = on_idle_closed,
	};
	for (uint32_t i = 0; i < w->nconns; i++) {
		conn_init(&w->conns[i], &w->env, i);
		ev_init(&w->conns[i].pause, on_pause_over);
		w->conns[i].pause.data = &w->conns[i];
	}
	ev_async_init(&w->wake, on_wake);
	w->wake.data = w;
	ev_async_start(w->loop, &w->wake);
	ev_init(&w->end_timer, on_end);
	w->end_timer.data = w;
	ev_init(&w->drain_timer, on_drain_over);
	w->drain_timer.data = w;

	if (cfg->mode == LG_OPEN) {
		w->idle = malloc(w->nconns * sizeof *w->idle);
		w->closed = malloc(w->nconns * sizeof *w->closed);
		w->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		size_t line_max = LINE_MAX_TOTAL / cfg->threads;
		if (!w->idle || !w->closed || line_init(&w->line, LINE_CAP0, line_max > LINE_CAP0 ? line_max : LINE_CAP0))
			return -ENOMEM;
		if (w->timerfd < 0)
			return -errno;
		/* connection slots are handed out from the bottom: slot 0 first */
		for (uint32_t i = w->nconns; i-- > 0;)
			push_free(w, &w->conns[i]);
		double rate = w->ctl.paused ? 0.0 : (double)w->ctl.rate_milli / 1000.0;
		schedule_init(&w->sched, cfg->arrivals, rate, cfg->threads, index, cfg->seed);
		set_grid(w);
		ev_io_init(&w->arrival_io, on_arrivals, w->timerfd, EV_READ);
		w->arrival_io.data = w;
	}
	return 0;
}

int worker_start(struct lg_worker *w)
{
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc)
		return -rc;
	w->thread_started = true;
	return 0;
}

void worker_wake(struct lg_worker *w)
{
	if (w->loop)
		ev_async_send(w->loop, &w->wake);
}

bool worker_finished(const struct lg_worker *w)
{
	return __atomic_load_n(&w->finished, __ATOMIC_ACQUIRE) != 0;
}

void worker_join(struct lg_worker *w)
{
	if (w->thread_started) {
		pthread_join(w->thread, NULL);
		w->thread_started = false;
	}
}

void worker_destroy(struct lg_worker *w)
{
	if (w->loop) {
		ev_async_stop(w->loop, &w->wake);
		ev_loop_destroy(w->loop);
		w->loop = NULL;
	}
	if (w->timerfd >= 0)
		close(w->timerfd);
	w->timerfd = -1;
	if (w->measured != w->all)
		free(w->measured);
	free(w->all);
	w->all = w->measured = NULL;
	reqtext_free_all(w->req);
	w->req = NULL;
	for (unsigned k = 0; k < MIX_KINDS_MAX; k++) {
		reqtext_free_all(w->kind_req[k]);
		w->kind_req[k] = NULL;
	}
	free(w->conns);
	free(w->rbuf);
	free(w->idle);
	free(w->closed);
	line_destroy(&w->line);
	w->conns = NULL;
	w->rbuf = NULL;
	w->idle = w->closed = NULL;
}
