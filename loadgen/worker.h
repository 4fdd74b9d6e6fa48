/* worker.h: one thread of the load generator, with its own libev loop.
 *
 * A worker owns its connections and its customers: in a closed loop each connection
 * is one customer who orders again once served (after --think-ms); in an open loop
 * customers arrive on this thread's share of the schedule, take a free connection or
 * open one (up to this thread's share of --max-conns) or wait in line, and their
 * latency runs from their scheduled arrival. Workers share nothing with each other;
 * the coordinator (run.c) reads their statistics and passes control changes in.
 */
#ifndef LOADGEN_WORKER_H
#define LOADGEN_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <ev.h>

#include "config.h"
#include "conn.h"
#include "line.h"
#include "reqtext.h"
#include "schedule.h"
#include "stats.h"

/* What the dashboard can change while the load runs (the control slot). */
struct lg_control {
	uint64_t rate_milli;       /* open loop: arrivals per second x 1000, all threads */
	uint32_t cook_ms;          /* PARAM_ABSENT: leave the parameter out */
	uint32_t work_us;
	bool paused;               /* no new customers */
	bool keepalive;
};

/* The coordinator's side: the control in force and the stop request. */
struct lg_shared {
	pthread_mutex_t mu;
	struct lg_control ctl;     /* under mu */
	uint64_t seq;              /* under mu: bumped with every change */
	int stop;                  /* atomic: stop now (SIGINT, SIGTERM, SIGHUP) */
	uint64_t wake_ns;          /* set before the workers start: what a wake-up costs (wake.h) */
	uint64_t poll_ns;          /* set before the workers start: the open loop polls for a
	                              gap up to this long rather than sleep (wake.h) */
};

struct lg_worker {
	/* set by worker_init, read-only afterwards */
	const struct lg_config *cfg;
	struct lg_shared *shared;
	unsigned index;
	struct ev_loop *loop;
	pthread_t thread;
	bool thread_started;
	uint64_t start_ns;         /* the run's start (monotonic): schedule time 0 */
	uint64_t measure_ns;       /* warm-up over: events from here on are measured */
	uint64_t end_ns;           /* no customer arrives from here on */
	uint32_t nconns;           /* this thread's share of -c or --max-conns */
	uint64_t quota;            /* customers this thread may start (-n share); UINT64_MAX: none */

	/* the thread's own */
	struct conn_env env;
	struct lg_conn *conns;
	uint32_t *idle, *closed;   /* open loop: stacks of free connections (slot numbers) */
	uint32_t n_idle, n_closed;
	struct line line;          /* open loop: customers waiting for a connection */
	struct schedule sched;
	int timerfd;               /* open loop: the next arrival, to the nanosecond */
	uint64_t armed_ns;         /* what timerfd is armed to; 0: disarmed */
	uint64_t polled_ns;        /* open loop: time spent polling with nothing to do */
	uint64_t open_ms;          /* open loop: the millisecond `opened` counts in */
	uint32_t opened;           /* connections opened in it (OPENS_PER_MS) */
	bool behind;               /* open loop: the last arrival was taken late (BEHIND_NS) */
	uint64_t slack_ns;         /* open loop: the grid arrivals are taken on now (0: none) */
	uint64_t slack_max_ns;     /* the widest it was, for the report */
	bool loop_busy;            /* a callback ran in the loop's last turn */
	ev_io arrival_io;
	ev_timer end_timer;
	ev_timer drain_timer;      /* the end of the wait after the window (--drain) */
	ev_timer sweep_timer;      /* timeouts */
	ev_async wake;             /* control changed, or stop */
	struct reqtext *req;       /* the request in force; older ones chained behind it */
	struct reqtext *kind_req[MIX_KINDS_MAX]; /* --mix: each kind's request in force, chained alike */
	uint64_t kinds_drawn;      /* --mix: orders given a kind so far (the draw's index) */
	struct lg_control ctl;     /* in force in this thread */
	uint64_t ctl_seq;
	uint64_t started;          /* customers started (for the quota) */
	bool arrivals_done;
	bool window_over;          /* the end timer has run: outstanding_end is taken */
	bool draining;             /* after the window: awaiting its customers, no new ones */
	bool tallied;              /* those still waiting are counted unanswered (drain over or stop) */
	bool stopping;
	char *rbuf;

	/* read by the coordinator (relaxed atomics) */
	struct lg_stats *all;      /* everything, for the live scoreboard */
	struct lg_stats *measured; /* events after the warm-up; == all without one */
	struct lg_gauges gauges;
	int finished;              /* 1 once the thread is done */
	int emfile_seen;           /* 1 once a connect ran out of descriptors */
	int addrnotavail_seen;     /* 1 once the local ports ran out */
	uint64_t outstanding_end;  /* waiting + in flight when the window ended (or the run stopped) */
	uint64_t ended_ns;

	/* the load generator watching itself; read after join */
	struct hist lag;           /* open loop: how late each arrival was taken, us, after the warm-up */
	uint64_t cpu0_ns, wall0_ns;/* at the thread's start */
	uint64_t cpu_ns;           /* its CPU time (CLOCK_THREAD_CPUTIME_ID) to the window's end */
	uint64_t wall_ns;          /* and the wall time over the same span */
};

/* Prepare worker index of cfg->threads (in the coordinator's thread): its loop,
 * connections, schedule and first request text. 0 or a negative errno. */
int worker_init(struct lg_worker *w, const struct lg_config *cfg, struct lg_shared *shared,
		unsigned index, uint64_t start_ns);

int worker_start(struct lg_worker *w);       /* the thread; 0 or a negative errno */
void worker_wake(struct lg_worker *w);       /* look at shared: control or stop */
bool worker_finished(const struct lg_worker *w);
void worker_join(struct lg_worker *w);
void worker_destroy(struct lg_worker *w);    /* after join, or if never started */

#endif
