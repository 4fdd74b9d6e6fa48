/* conn.h: a customer's connection to an evented loop (see conn.c). */
#ifndef EVENTED_CONN_H
#define EVENTED_CONN_H

#include "helpers.h"
#include "loop.h"

#define CONN_SPARE_MAX 64          /* order states kept for reuse per loop */

/* A new connection accepted on loop l (fd non-blocking); over --max-conns: 503. */
void conn_accept(struct loop *l, int fd);

/* Shutdown: close connections without an order in hand; the rest close when answered. */
void conn_drain(struct loop *l);

/* loop_destroy: close every connection and free every order state, whatever its phase. */
void conn_free_all(struct loop *l);

/* The helper inbox's callback: an order's CPU part is done (arg is the loop). */
void conn_helper_done(struct helper_job *job, void *arg);

/* The built-in kitchen's callback: the order of connection arg is cooked. */
void conn_cooked(void *arg);

#endif
