/* conn.h: a customer's connection to an evented loop (see conn.c): the socket side.
 * loop.c hands it accepted descriptors; serve.c decides each order and says what comes
 * next; this side reads, writes, times out and closes.
 */
#ifndef EVENTED_CONN_H
#define EVENTED_CONN_H

#include "loop_state.h"

/* A new connection accepted on loop l (fd non-blocking); over --max-conns: 503. */
void conn_accept(struct loop *l, int fd);

/* Shutdown: close connections without an order in hand; the rest close when answered.
 * The loop returns once none is left. */
void conn_drain(struct loop *l);

/* loop_destroy: close every connection and free every order state, whatever its phase. */
void conn_free_all(struct loop *l);

/* The loop's order_back (loop_state.h): an order that was away is back, next is an enum
 * serve_next. */
void conn_order_back(void *conn, int next);

#endif
