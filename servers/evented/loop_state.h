/* loop_state.h: what one event loop holds, shared by the loop's parts (loop.c wires
 * them; conn.c is the socket side, serve.c the order side). Data only: no part calls
 * another through this header.
 *
 * --loops N makes N of these, each with its own SO_REUSEPORT listener, like nginx
 * workers or Node's cluster. Everything a loop owns is touched by its thread only;
 * the main thread talks to it through two atomics and an ev_async (stop, freeze).
 */
#ifndef EVENTED_LOOP_STATE_H
#define EVENTED_LOOP_STATE_H

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

/* How serve.c hands an order that was away (kitchen, helper) back to its connection:
 * conn is the connection's opaque pointer, next an enum serve_next (serve.h). */
typedef void loop_order_back_fn(void *conn, int next);

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
	int stop_req;                     /* atomic: SIGINT/SIGTERM/SIGHUP arrived */
	bool stopping;                    /* not accepting; closing once orders are done */
	uint64_t logged_ns;               /* last accept error message */

	struct looplag lag;
	struct helper_inbox inbox;        /* orders back from the helpers */
	struct kitchen_pool *kitchen;     /* --kitchen: tickets to bin/kitchen */
	struct kitchen_timer *oven;       /* otherwise: the built-in kitchen (a timerfd) */

	loop_order_back_fn *order_back;   /* conn.c's: an order that was away has its answer */
	struct conn *conns;               /* open connections, a list */
	size_t nconns;
	struct order_state *spare;        /* recycled order states, a list */
	size_t nspare;
	size_t live_states;               /* order states in use now */
	size_t peak_states;               /* most in use since memory was last given back */
	ev_timer housekeeping;            /* gives memory back after a burst */
	char rbuf[LOOP_READ_BUF];
};

#endif
