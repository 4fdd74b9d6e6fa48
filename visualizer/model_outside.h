/* model_outside.h: what can be measured of any restaurant without its help, part of
 * the model (no ncurses). For every half the door comes from the kernel (door.h), so
 * ours and the peers compare; for a black box (a server with no scoreboard: Node.js,
 * Go, nginx, a command, a URL) the half is also made of the load generator's
 * scoreboard (served = its 2xx, latency, outside, in flight, errors), the process tree
 * in /proc (threads, memory, CPU, context switches) and Little's law from the client
 * side: L = outside + in flight against the completion rate times the mean latency.
 */
#ifndef LUNCHRUSH_MODEL_OUTSIDE_H
#define LUNCHRUSH_MODEL_OUTSIDE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "door.h"
#include "model.h"
#include "scoreboard.h"

struct outside_state {
	/* what is watched (model_watch) */
	uint16_t port;             /* the listening port, 0 = unknown (then the scoreboard's) */
	pid_t pid;                 /* the server's process, 0 = unknown */
	char restaurant[16];       /* restaurant.h name */
	bool black_box;            /* no server scoreboard */
	/* readings */
	bool have_prev;
	uint64_t prev_at_ns, prev_2xx, prev_cpu_ns, prev_ctx;
	bool have_kernel_base;
	struct door_kernel kernel_base;   /* at the first reading: the run's counts start at 0 */
	double l_sum;                     /* outside + in flight, summed per update */
	uint32_t l_samples;
	uint64_t door_missing;            /* updates in a row that found no listener */
};

/* Forget the readings (a reset), keep what is watched. */
void outside_reset(struct outside_state *o);

/* Every update: the door from the kernel (on port, or fallback_port when 0), for every
 * half; for a black box also whether it is up (its process exists, or something
 * listens on its port) with the reason in why when not, and the Little's-law sample. */
void outside_gauges(struct outside_state *o, uint16_t fallback_port, const struct scoreboard_loadgen *lg,
		    struct side_snapshot *ss, struct side_maxima *max, char *why, size_t whylen);

/* Every tick of a black box (after the load generator's figures): served per second
 * from the 2xx count, the process tree, Little's law. */
void outside_tick(struct outside_state *o, const struct scoreboard_loadgen *lg, struct side_snapshot *ss,
		  uint64_t now_ns, struct side_maxima *max);

#endif
