/* live.h: the model run alongside a live run, a step at a time: advanced to the
 * dashboard's clock once a tick, told of every change of the load (+/-, [ ], { },
 * pause, keep-alive) at the moment it is made, read one simulated second at a time.
 * The restaurants share one set of cores, as on the dashboard's machine.
 */
#ifndef SIM_LIVE_H
#define SIM_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

struct sim_live;

/* n (1 or 2) restaurants, from time 0 on (their duration_ns is ignored: a live run
 * has no end). NULL with the reason in err. sim_live_free(NULL) is a no-op. */
struct sim_live *sim_live_new(const struct sim_config *cfgs, unsigned n, char *err, size_t errlen);
void sim_live_free(struct sim_live *l);

/* Run the events up to t_ns (nothing when t_ns is not later than the last call). 0,
 * or -ENOMEM (the model stops). */
int sim_live_advance(struct sim_live *l, uint64_t t_ns);

/* From the current time on: a new rate (0 pauses the arrivals), order, keep-alive. */
void sim_live_set_rate(struct sim_live *l, double rate);
void sim_live_set_order(struct sim_live *l, uint64_t work_ns, uint64_t cook_ns);
void sim_live_set_keepalive(struct sim_live *l, bool keepalive);

/* The last whole simulated second of restaurant i (0..n-1), NULL before the first. */
const struct sim_window *sim_live_second(const struct sim_live *l, unsigned i);

uint64_t sim_live_now_ns(const struct sim_live *l);

/* Restaurant i's line now (a gauge, as the dashboard reads the real one), -1 if none. */
int64_t sim_live_line_now(const struct sim_live *l, unsigned i);

#endif
