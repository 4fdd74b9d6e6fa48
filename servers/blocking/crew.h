/* crew.h: who serves whom in the blocking server.
 *
 * --threads N: a fixed crew of N cashier threads, each taking the oldest customer in
 * line, serving one order (thread per request) or staying with them
 * (--hold-connection). --threads 0: a new detached thread for every connection, born
 * with it and gone with it.
 */
#ifndef BLOCKING_CREW_H
#define BLOCKING_CREW_H

#include <stdint.h>

#include "conn.h"

struct blocking_server;

/* Start cfg.threads cashier threads, each with its scoreboard slot. 0 or -errno (the
 * threads already started are left for crew_join). */
int crew_start(struct blocking_server *s);

/* After line_close: wait for the crew to finish the line and go home, until
 * deadline_ns. Returns how many are still at work. */
uint32_t crew_join(struct blocking_server *s, uint64_t deadline_ns);

/* --threads 0: a new detached thread serves c until it closes. 0, or -errno with c
 * untouched (the caller answers 503). */
int crew_solo_spawn(struct blocking_server *s, struct conn *c);

/* Wait until every connection thread has ended or deadline_ns; returns how many run. */
uint32_t crew_solo_wait(struct blocking_server *s, uint64_t deadline_ns);

#endif
