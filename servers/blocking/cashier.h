/* cashier.h: one cashier of the blocking server, serving with blocking calls.
 *
 * A cashier reads a customer's order, does the CPU part, waits for the kitchen and
 * hands the response over, each step a blocking call on that one customer. Which
 * customer it serves next, and whether it is a crew member or a thread born for one
 * connection, is crew.c's business.
 */
#ifndef BLOCKING_CASHIER_H
#define BLOCKING_CASHIER_H

#include <pthread.h>
#include <stdint.h>

#include "conn.h"
#include "order.h"
#include "scoreboard.h"

struct blocking_server;
struct kitchen_client;

struct cashier {
	struct blocking_server *srv;
	int slot;                        /* scoreboard slot; -1 when only counted */
	struct scoreboard_cashier *sc;   /* the slot, NULL when -1 */
	struct kitchen_client *kitchen;  /* --kitchen: this cashier's connection, else NULL */
	struct conn *first;              /* --threads 0: the connection it was born for */
	pthread_t thread;
	char out[RESPONSE_MAX];          /* the response being handed over */
	uint64_t done_ns;                /* when its last order was handed over (one clock
	                                    read serves that order's end and the next wait) */
};

enum served {
	SERVED_KEEP = 0,  /* answered; the connection stays open for the next order */
	SERVED_DONE,      /* the connection is closed or lingering: no longer ours */
};

/* A new cashier takes its slot (-1: only counted) and counts itself alive. */
void cashier_hello(struct cashier *c, int slot);
/* ... and leaves: slot idle, kitchen connection closed, no longer alive. */
void cashier_goodbye(struct cashier *c);

/* Show the cashier's state on the scoreboard (its slot, if it has one), as of now_ns
 * (a clock read the caller has just made: the order's steps share theirs). */
void cashier_set_state(struct cashier *c, enum cashier_state st, uint64_t now_ns);

/* "The chef faints": serve a freeze asked for this cashier's slot, if any. True when
 * it froze (then the clock has moved). */
bool cashier_freeze_if_asked(struct cashier *c);

/* One order on conn, which entered the line (or reached the counter) at entered_ns
 * after line_ns in line; the cashier takes it at now_ns. SERVED_KEEP hands conn back
 * for its next order. */
enum served cashier_serve_order(struct cashier *c, struct conn *conn, uint64_t entered_ns, uint64_t line_ns,
				uint64_t now_ns);

/* Stay with conn, order after order, until the customer leaves or idles out or the
 * server stops (--hold-connection, --threads 0). conn is closed on return. */
void cashier_serve_connection(struct cashier *c, struct conn *conn);

/* Thread per request: after an order the customer goes back to the waiting room, or to
 * the end of the line when their next request is already buffered. */
void cashier_send_back(struct cashier *c, struct conn *conn);

#endif
