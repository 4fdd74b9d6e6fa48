/* board.h: the load generator's scoreboard, /dev/shm/lunchrush.NAME (--scoreboard).
 *
 * The dashboard reads it live (arrived, waiting for a connection, in flight,
 * completed, latency histograms) and writes its control slot to change the rate and
 * the order parameters of the running load. Only the coordinator thread touches the
 * board: it publishes the sum of the workers' statistics and polls the control slot
 * every tick (50 ms), well inside the heartbeat's 200 ms.
 */
#ifndef LOADGEN_BOARD_H
#define LOADGEN_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "scoreboard.h"
#include "stats.h"
#include "worker.h"

struct lg_board {
	struct scoreboard_loadgen *sb;  /* the mapping; NULL when not open */
	size_t size;
	char name[SCOREBOARD_NAME_MAX + 1];
	uint64_t ctl_seq_seen;
	uint64_t refused_rate_milli; /* the last rate refused from the control slot; 0: none */
};

/* Create the segment and write the configuration and the control in force.
 * 0 or a negative errno. */
int board_open(struct lg_board *b, const char *name, const struct lg_config *cfg,
	       const struct lg_control *in_force);

/* Counters, gauges, histograms and the heartbeat, from the workers' sums. */
void board_publish(struct lg_board *b, const struct lg_stats *all, const struct lg_gauges *g, uint64_t now_ns);

/* True when the dashboard asked for a change (ctl_seq moved); *ctl gets every ctl_*
 * field. The slot is checked as the flags are: a rate above LG_RATE_MAX is refused
 * (the rate in force is kept, and refused_rate_milli says what was asked); a rate of
 * 0 stops the arrivals, as pausing does. */
bool board_poll_control(struct lg_board *b, struct lg_control *ctl);

/* What is in force now (after a change was passed to the workers). */
void board_in_force(struct lg_board *b, const struct lg_control *ctl);

/* finished = 1, alive = 0, then unmap and remove the segment. Safe when never opened. */
void board_close(struct lg_board *b);

#endif
