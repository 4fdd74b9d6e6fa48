/* cashier.h: the cashiers of the blocking server, threads that serve with blocking calls.
 *
 * A cashier takes a customer from the line, reads their order, does the CPU part,
 * waits for the kitchen and hands the response over, each step a blocking call; then
 * the customer goes back to the waiting room (thread per request), or stays at the
 * counter (--hold-connection). With --threads 0 a new thread is born for each
 * connection and dies with it.
 */
#ifndef BLOCKING_CASHIER_H
#define BLOCKING_CASHIER_H

#include <stdint.h>

#include "conn.h"

struct blocking_server;

/* Start cfg.threads cashier threads, each with its scoreboard slot. 0 or -errno (the
 * threads already started are left for cashier_crew_join). */
int cashier_crew_start(struct blocking_server *s);

/* After line_close: wait for the crew to finish the line and go home, until
 * deadline_ns. Returns how many are still at work. */
uint32_t cashier_crew_join(struct blocking_server *s, uint64_t deadline_ns);

/* --threads 0: a new detached thread serves c until it closes. 0, or -errno with c
 * untouched (the caller answers 503). */
int cashier_solo_spawn(struct blocking_server *s, struct conn *c);

/* Wait until every connection thread has ended or deadline_ns; returns how many run. */
uint32_t cashier_solo_wait(struct blocking_server *s, uint64_t deadline_ns);

#endif
