/* acceptor.h: the door and the waiting room of the blocking server.
 *
 * One thread takes customers from the door (accept) and watches the waiting room:
 * new connections and keep-alive customers between orders, who hold no cashier while
 * they think about their next order. When a customer in the room speaks, they join
 * the line. It also closes connections politely after an error (lingering close).
 */
#ifndef BLOCKING_ACCEPTOR_H
#define BLOCKING_ACCEPTOR_H

#include "conn.h"

struct blocking_server;
struct acceptor;


/* spawn: with --threads 0, give a new connection a thread of its own (0 or a negative
 * errno); the acceptor does not know who serves. */
typedef int acceptor_spawn_fn(struct blocking_server *s, struct conn *c);
int acceptor_new(struct blocking_server *s, acceptor_spawn_fn *spawn, struct acceptor **out);
int acceptor_start(struct acceptor *a);

/* Stop accepting, close everyone in the waiting room, join the thread. Connections
 * handed in afterwards are closed at once. */
void acceptor_stop(struct acceptor *a);
void acceptor_free(struct acceptor *a);   /* NULL is a no-op */

/* A keep-alive customer between orders: wait in the room up to --idle-ms. */
void acceptor_wait_room(struct acceptor *a, struct conn *c);

/* An error response was written: shut our side, drain what the customer still sends
 * (so our close does not reset the connection before they read the answer), close. */
void acceptor_linger(struct acceptor *a, struct conn *c);

/* Answer status at once (503: turned away) without a cashier, then linger and close. */
void acceptor_refuse(struct acceptor *a, struct conn *c, int status, const char *reason);

#endif
