/* serve.h: the order side of the evented server: an order's state and its steps.
 *
 * Each step returns what the connection should do next (enum serve_next) instead of
 * doing it: serve.c never touches a socket or a connection, conn.c never decides an
 * order. An order that goes away (to a helper thread or the kitchen) comes back through
 * the loop's order_back callback with the next step.
 */
#ifndef EVENTED_SERVE_H
#define EVENTED_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpers.h"
#include "loop_state.h"
#include "order.h"
#include "order_desk.h"
#include "request.h"

#define SERVE_SPARE_MAX 64 /* order states kept for reuse per loop */

/* What the connection does next with its order. */
enum serve_next {
	SERVE_ANSWER = 0, /* the answer is in os->resp: write it */
	SERVE_HELPER,     /* the CPU part is on a helper thread: wait, reading paused */
	SERVE_KITCHEN,    /* waiting on the kitchen, reading paused; bounded by os->away_s (0: no bound) */
	SERVE_CLOSE,      /* nothing can be answered (no memory): close */
};

/* One order in progress. Allocated when its first byte is read and recycled when its
 * response is written, so an idle keep-alive connection holds none (2 KiB of parser). */
struct order_state {
	struct helper_job job;        /* first: a finished helper job is its order */
	struct order_state *spare;    /* the loop's list of spares */
	void *conn;                   /* its connection, opaque here: handed to order_back */
	struct loop *loop;            /* the loop it is served on (for the kitchen's callbacks) */
	struct request_parser parser;
	struct order order;
	int status;                   /* 200, or the error being answered */
	uint8_t stage;                /* enum order_stage: the gauge it is counted in */
	uint64_t arrived_ns;          /* first byte read */
	uint64_t taken_ns;            /* the loop began on it (later when pipelined behind another) */
	uint64_t counter_done_ns;     /* request read and CPU part done */
	uint64_t kitchen_ns;          /* time waited on the kitchen */
	uint64_t ticket;              /* bin/kitchen ticket in flight; 0: none */
	uint32_t oven_pos;            /* place in the built-in kitchen, KITCHEN_TIMER_NONE */
	double away_s;                /* SERVE_KITCHEN: how long it may take (bin/kitchen's bound) */
	bool head_timer;              /* the header timeout is armed for this request */
	size_t resp_len, resp_off;
	char resp[RESPONSE_MAX];
};

/* The first byte of a request: a fresh order state, counted arrived and at the counter.
 * A pipelined request was read while the one before it was served: taken_ns > arrived_ns
 * is its line. NULL when out of memory (counted). */
struct order_state *serve_arrive(struct loop *l, void *conn, uint64_t arrived_ns, uint64_t taken_ns);

/* A whole request: decide the order and start it. */
enum serve_next serve_request(struct loop *l, struct order_state *os);

/* A request the glue refused: its 4xx. */
enum serve_next serve_reject(struct loop *l, struct order_state *os);

/* bin/kitchen did not answer within its bound: 504. */
enum serve_next serve_kitchen_timeout(struct loop *l, struct order_state *os);

/* The order's gauge on the scoreboard (handing over, or none). */
void serve_stage(struct loop *l, struct order_state *os, enum order_stage st);

/* The answer is out: count the order and recycle its state. True when the connection
 * stays open for the next order (a 200 with keep-alive, and not stopping). */
bool serve_sent(struct loop *l, struct order_state *os);

/* The connection goes with its order unfinished: cancel what is away, recycle. */
void serve_state_put(struct loop *l, struct order_state *os);
void serve_spares_free(struct loop *l);

/* Callbacks loop.c wires: the built-in kitchen's (arg is the order) and the helper
 * inbox's (arg is the loop). */
void serve_cooked(void *arg);
void serve_helper_done(struct helper_job *job, void *arg);

#endif
