/* housekeeping.h: the blocking server's back office, a thread that ticks every 100 ms:
 * the scoreboard's heartbeat and accept queue, and freeze requests from the control
 * slot ("the chef faints", in lesson 7, "How benchmarks lie") passed on to the cashier they name. */
#ifndef BLOCKING_HOUSEKEEPING_H
#define BLOCKING_HOUSEKEEPING_H

#define HOUSEKEEPING_TICK_MS 100

struct blocking_server;
struct housekeeping;

int housekeeping_start(struct blocking_server *s, struct housekeeping **out);
void housekeeping_stop(struct housekeeping *h);   /* joins and frees; NULL is a no-op */

#endif
