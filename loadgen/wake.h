/* wake.h: what one sleep and wake-up costs this machine, in CPU time of the sleeper.
 *
 * The open loop sleeps until its next arrival; a sleep that ends in a wake-up costs
 * the thread CPU time of its own (the switch to idle and back, the timer: about 2-5 us
 * on bare metal, 10-15 us in some virtual machines), often more than the request it
 * waits to send. Waiting by polling for a gap shorter than that cost is cheaper than
 * sleeping through it (the ski-rental rule, which is at most twice the best choice
 * made in hindsight); the schedule says in advance how long each gap is. Lesson 7.
 */
#ifndef LOADGEN_WAKE_H
#define LOADGEN_WAKE_H

#include <stdint.h>

#define WAKE_COST_MIN_NS 1000ULL    /* never poll for less: a sleep is that cheap at best */
#define WAKE_COST_MAX_NS 50000ULL   /* nor for more: a poll that long is a busy core */

/* The calling thread's CPU time per short sleep, measured over a few sleeps (about
 * 1 ms in all), within [WAKE_COST_MIN_NS, WAKE_COST_MAX_NS]. */
uint64_t wake_cost_ns(void);

/* The open loop's grid by default (--arrival-slack-us auto): none while waking for
 * every arrival costs less than a twentieth of the thread's core (rate x wake_ns < 0.05);
 * above that, arrivals are taken on a grid of WAKE_GRID_ARRIVALS mean gaps, at most
 * WAKE_GRID_MAX_NS, so that a wake-up is shared by about that many arrivals (and the
 * server's wake-up by as many requests). Each customer is sent up to the grid late,
 * its latency still taken from its own time. rate: this thread's arrivals per second. */
#define WAKE_GRID_ARRIVALS 5.0
#define WAKE_GRID_MAX_NS 250000ULL
#define WAKE_GRID_CORE_SHARE 0.05
uint64_t wake_grid_ns(double rate, uint64_t wake_ns);

#endif
