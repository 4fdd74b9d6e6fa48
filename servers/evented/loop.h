/* loop.h: one event loop, one thread, one cashier (see loop.c).
 *
 * --loops N makes N of these, each with its own SO_REUSEPORT listener, like nginx
 * workers or Node's cluster. Everything a loop owns is touched by its thread only;
 * the main thread talks to it through two atomics and an ev_async (stop, freeze).
 */
#ifndef EVENTED_LOOP_H
#define EVENTED_LOOP_H

#include <ev.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpers.h"
#include "looplag.h"
#include "scoreboard.h"
#include "server_board.h"
#include "server_config.h"
#include "server_policy.h"

#define LOOP_READ_BUF 16384   /* one read buffer per loop, shared by its connections */
#define LOOP_HOUSEKEEPING_S 1.0 /* how often a loop looks at its memory */
#define LOOP_TRIM_STATES 512  /* order states freed since the peak before memory is given back */

struct kitchen_pool;
struct kitchen_timer;
struct order_state;
struct conn;

/* What all loops share; read-only while they run. */
struct evented {
	const struct server_config *cfg;
	struct server_board *board;
	struct helpers *helpers;          /* NULL with --helpers 0 */
};

struct loop {
	struct ev_loop *ev;
	const struct evented *srv;
	struct scoreboard_server *sb;     /* srv->board->sb */
	int index;                        /* 0 .. loops-1 */
	int slot;                         /* cashier slot on the scoreboard, -1: none */
	int listen_fd;                    /* -1 once closed */
	struct cashier_view cashier;
	pthread_t thread;
	bool thread_started;

	ev_io accept_w;
	ev_timer accept_pause;            /* descriptors ran out: wait before accepting again */
	ev_async wake;                    /* from the main thread: stop_req, freeze_ms */
	ev_timer drain_deadline;          /* bounds the shutdown */
	uint32_t freeze_ms;               /* atomic: a freeze asked for by the dashboard */
	uint32_t stop_req;                /* atomic: SIGINT/SIGTERM arrived */
	bool stopping;                    /* not accepting; closing once orders are done */
	uint64_t logged_ns;               /* last accept error message */

	struct looplag lag;
	struct helper_inbox inbox;        /* orders back from the helpers */
	struct kitchen_pool *kitchen;     /* --kitchen: tickets to bin/kitchen */
	struct kitchen_timer *oven;       /* otherwise: the built-in kitchen (a timerfd) */

	struct conn *conns;               /* open connections, a list */
	size_t nconns;
	struct order_state *spare;        /* recycled order states, a list */
	size_t nspare;
	size_t live_states;               /* order states in use now */
	size_t peak_states;               /* most in use since memory was last given back */
	ev_timer housekeeping;            /* gives memory back after a burst */
	char rbuf[LOOP_READ_BUF];
};

/* Set up loop index on listen_fd (taken over: closed by loop_destroy). 0 or -errno. */
int loop_init(struct loop *l, const struct evented *srv, int index, int listen_fd);

/* Run the loop on a new thread (signals SIGINT/SIGTERM blocked there). */
int loop_start(struct loop *l);

/* From another thread: stop accepting, finish the orders in hand, then return. */
void loop_request_stop(struct loop *l);

/* From another thread: block the loop for ms with its cashier slot FROZEN. */
void loop_request_freeze(struct loop *l, uint32_t ms);

void loop_join(struct loop *l);

/* After loop_join and helpers_free: close everything, free everything. */
void loop_destroy(struct loop *l);

/* A connection closed: when stopping and none is left, the loop returns. */
void loop_conn_closed(struct loop *l);

#endif
