/* conn_priv.h: the connection and order state shared by conn.c (the socket side:
 * reading, writing, timeouts, closing) and serve.c (the order side: counter, kitchen,
 * response). Nothing outside these two files sees inside a connection.
 */
#ifndef EVENTED_CONN_PRIV_H
#define EVENTED_CONN_PRIV_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "kitchen_timer.h"
#include "order.h"
#include "order_desk.h"
#include "request.h"

/* Where a connection is; the loop's state machine. */
enum conn_phase {
	CONN_IDLE = 0,  /* between requests (keep-alive) or before the first: no order state */
	CONN_READING,   /* a request has begun: reading the rest of it */
	CONN_COUNTER,   /* request read; its CPU part runs on a helper thread */
	CONN_KITCHEN,   /* waiting for the kitchen (the loop's timerfd, or bin/kitchen) */
	CONN_WRITING,   /* the response did not fit the socket at once: waiting to write */
	CONN_LINGER,    /* answered with close: half-closed, reading until the client's FIN */
};

/* One order in progress. Allocated when its first byte is read and recycled when its
 * response is written, so an idle keep-alive connection holds none (2 KiB of parser). */
struct order_state {
	struct helper_job job;        /* first: a finished helper job is its order */
	struct order_state *spare;    /* the loop's list of spares */
	struct conn *conn;
	struct request_parser parser;
	struct order order;
	int status;                   /* 200, or the error being answered */
	uint64_t arrived_ns;          /* first byte read */
	uint64_t taken_ns;            /* the loop began on it (later when pipelined behind another) */
	uint64_t counter_done_ns;     /* request read and CPU part done */
	uint64_t kitchen_ns;          /* time waited on the kitchen */
	uint64_t ticket;              /* bin/kitchen ticket in flight; 0: none */
	bool head_timer;              /* the header timeout is armed for this request */
	size_t resp_len, resp_off;
	char resp[RESPONSE_MAX];
};

struct conn {
	ev_io io;                     /* read or write, as the phase needs */
	ev_timer timer;               /* the phase's timeout (idle, header, send, bin/kitchen) */
	struct loop *loop;
	struct conn *prev, *next;     /* the loop's list */
	struct order_state *os;       /* NULL while idle */
	char *pending;                /* pipelined bytes read past the current request */
	uint32_t pending_len, pending_off;
	uint64_t pending_ns;          /* when they were read */
	ev_tstamp deadline;           /* when the phase times out (ev_now base); 0: never */
	ev_tstamp timer_at;           /* when the armed timer fires (<= deadline) */
	uint32_t linger_bytes;
	uint32_t oven_pos;            /* place in the built-in kitchen, KITCHEN_TIMER_NONE */
	int fd;
	uint8_t phase;                /* enum conn_phase */
	uint8_t gauge;                /* enum order_stage: the gauge its order is counted in */
	uint8_t watching;             /* EV_READ, EV_WRITE or 0 */
	bool counted;                 /* holds a place in conns_open */
};

/* conn.c */
void conn_watch(struct conn *c, int events);
void conn_deadline(struct conn *c, double after_s);
void conn_set_gauge(struct conn *c, enum order_stage st);
int conn_send(struct conn *c);     /* 0, or -1 when the connection was closed */
int conn_linger(struct conn *c);   /* 0, or -1 when the connection was closed */
void conn_resume(struct conn *c);
void conn_close(struct conn *c);

/* serve.c */
int serve_arrive(struct conn *c, uint64_t arrived_ns, uint64_t taken_ns);
int serve_request(struct conn *c);
int serve_reject(struct conn *c);
int serve_fail(struct conn *c, int status, const char *reason);
void serve_kitchen_timeout(struct conn *c); /* bin/kitchen too slow: 504 */
int serve_sent(struct conn *c);
void serve_state_put(struct loop *l, struct order_state *os);
void serve_spares_free(struct loop *l);

#endif
