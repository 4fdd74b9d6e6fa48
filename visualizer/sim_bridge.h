/* sim_bridge.h: the model of both restaurants (simulator/) run on the dashboard's own
 * scenario, so the headless summary can print a predicted figure beside each measured
 * one and the JSON can carry model.blocking and model.evented with the keys of
 * servers.*. The model is fed the same seed, rate, arrivals, cook_ms, work_us,
 * threads, loops and helpers as the real processes; the real servers' own CPU per
 * order comes from scripts/calibrate.sh (uncalibrated: 0, and the summary says so).
 */
#ifndef LUNCHRUSH_SIM_BRIDGE_H
#define LUNCHRUSH_SIM_BRIDGE_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "scenario.h"
#include "../simulator/calibration.h"
#include "../simulator/sim.h"

struct sim_bridge {
	bool ran[SIDE_COUNT];                  /* this side was modelled */
	struct calibration cal;
	struct sim_config cfg[SIDE_COUNT];
	struct sim_result res[SIDE_COUNT];
	char err[256];                         /* why a side is missing */
};

/* Model the sides sc runs for duration_s simulated seconds on this machine's cores.
 * 0, or a negative errno with the reason in b->err (the summary goes on without it).
 * Costs milliseconds for the presets. */
int sim_bridge_run(struct sim_bridge *b, const struct scenario *sc, double duration_s);
void sim_bridge_free(struct sim_bridge *b);

/* One side's object, the keys of servers.NAME; false (nothing written) when not modelled. */
bool sim_bridge_side_json(const struct sim_bridge *b, enum arena_side side, FILE *out);

/* {"blocking": {...}, "evented": {...}, "calibrated": true|false} */
void sim_bridge_json(const struct sim_bridge *b, FILE *out);

/* "model: calibrated ..." or "model: uncalibrated ..." */
void sim_bridge_note(const struct sim_bridge *b, FILE *out);

/* ---- live: the model beside a live run, second by second ---- */

struct sim_live;
struct snapshot;

struct sim_ghost {
	struct sim_live *live;                 /* NULL until the first update, or after a failure */
	struct scenario sc;                    /* what it models */
	int restaurant[SIDE_COUNT];            /* the side's index in the live model, -1 */
	double rate;                           /* the load last applied: the snapshot's */
	uint32_t cook_ms, work_us;
	bool keepalive, paused;
	double elapsed_s;                      /* the run's clock at the last update */
	bool shown;                            /* key m */
	bool replayed;                         /* the figures below, from a recording */
	bool have[SIDE_COUNT];
	struct sim_window window[SIDE_COUNT];  /* replayed: the recorded second */
	int64_t line[SIDE_COUNT];
	struct calibration cal;
	char err[160];
};

void sim_ghost_init(struct sim_ghost *g);
void sim_ghost_destroy(struct sim_ghost *g);

/* Once per update of the screen loop: (re)start the model when the scenario changed or
 * the run restarted, apply the load in force (rate, pause, cook, cpu, keep-alive, as
 * the snapshot reads them from the load generators), then run the model up to the
 * run's clock. Costs what the simulated interval costs: microseconds for the presets. */
void sim_ghost_update(struct sim_ghost *g, const struct scenario *sc, const struct snapshot *s);

/* The model's last whole second for a side, NULL when not modelled (yet). */
const struct sim_window *sim_ghost_second(const struct sim_ghost *g, enum arena_side side);

/* The model's line now, -1 when not modelled. */
int64_t sim_ghost_line_now(const struct sim_ghost *g, enum arena_side side);

/* The model's last second of each side into s->predicted (absent where not modelled):
 * what --record writes beside the measured tick. */
void sim_ghost_predicted(const struct sim_ghost *g, struct snapshot *s);

/* Replay: the ghost shows the recorded s->predicted (sim_ghost_second and
 * sim_ghost_line_now answer from it), no model is run. */
void sim_ghost_from_snapshot(struct sim_ghost *g, const struct snapshot *s);

#endif
