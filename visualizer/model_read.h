/* model_read.h: the model's own readers of the scoreboards, for the model's other
 * files only (model_window.c). Not for the view, the lessons or the recorder: they get
 * numbers (model.h, model_window.h), never a reading of a board.
 *
 * The tick (model.c) and the whole-window figures (model_window.c) read the boards
 * with these same functions, so the dashboard and a lesson step cannot disagree on
 * what a counter, a histogram or a cashier's busy time is.
 */
#ifndef LUNCHRUSH_MODEL_READ_H
#define LUNCHRUSH_MODEL_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "hist.h"

/* model.h's, declared here so that this header does not include model.h: model.c
 * includes this one, and no two files include each other (STYLE.md 2b). */
struct model;
struct side_snapshot;

/* Counters and histograms of a server at one instant. */
struct srv_reading {
	uint64_t at_ns;
	uint64_t arrived, served, errors;
	uint64_t busy_ns;          /* summed over the cashier slots, current periods included */
	uint32_t cashiers;
	struct hist latency;
	struct hist loop_lag;
	uint64_t unavailable;      /* errors[SERR_UNAVAILABLE]: turned away with a 503 (shed) */
};

/* Counters and histograms of a side's load generators at one instant (the further
 * ones of model_attach_more_loadgen summed in). */
struct lg_reading {
	uint64_t at_ns;
	uint64_t arrived, completed, errors;
	struct hist latency;
	uint32_t more_mapped;      /* bit i: more[i] was summed in */
	uint64_t timeouts;         /* errors[LERR_TIMEOUT]: customers who gave up */
	struct hist uncorrected;   /* latency from the actual send (coordinated omission kept) */
};

/* One side's counters at one instant: what the boards mapped now said. */
struct model_reading {
	uint64_t at_ns;
	bool server;               /* the server's board was mapped and read into srv */
	bool loadgen;              /* the load generator's into lg */
	int32_t pid;               /* the server's process, from its board (0: none) */
	struct srv_reading srv;
	struct lg_reading lg;
};

/* Read every board the model has mapped for side now, as a tick does, each under its
 * own busguard. A board not mapped, or whose segment shrank during the read, leaves its
 * flag false; the other board's reading stands. 0, -EINVAL (bad side) or -EFAULT (a
 * segment shrank). Costs four histogram copies (about 110 KiB): at the ends of a
 * window, not ten times a second. */
int model_read_counters(struct model *m, enum arena_side side, uint64_t now_ns, struct model_reading *r);

/* The scene of one side now, as the update reads it: read_gauges' fields of ss (the
 * line, counter, kitchen, handing over, connections, the pid) when the server's board
 * is mapped (*server set), outside (every load generator) and in_flight (the first)
 * when the load generator's is (*loadgen set), each board under its own busguard as
 * above; ss is cleared first. 0, -EINVAL or -EFAULT. */
int model_read_scene(struct model *m, enum arena_side side, struct side_snapshot *ss, bool *server, bool *loadgen);

#endif
