/* loop.h: one event loop, one thread, one cashier (see loop.c); its state is in
 * loop_state.h.
 */
#ifndef EVENTED_LOOP_H
#define EVENTED_LOOP_H

#include "loop_state.h"

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

#endif
