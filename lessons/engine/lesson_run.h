/* lesson_run.h: run one lesson step for real: start its scenario in an arena, warm up,
 * measure a window (with slow talkers or a fainting chef when the step asks), and
 * hand back what was measured. Used the same way by the interactive lesson (which
 * draws at every tick) and by --check (which draws nothing). No ncurses.
 */
#ifndef LUNCHRUSH_LESSON_RUN_H
#define LUNCHRUSH_LESSON_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../../visualizer/arena.h"
#include "lesson_doc.h"
#include "lesson_measure.h"
#include "../../visualizer/model.h"

enum run_phase { PHASE_STARTING, PHASE_WARMUP, PHASE_MEASURING, PHASE_DONE };

/* Called about ten times a second while a step runs; return true to stop it early. */
typedef bool (*run_tick_fn)(void *ctx, const struct snapshot *s, enum run_phase phase, double left_s,
			    const char *event);

struct lesson_runner {
	struct arena arena;
	bool arena_ready;            /* arena_init done */
	bool running;                /* processes of the last step are up */
	struct model *model;
	struct measure *measure;
	pid_t slow[SIDE_COUNT];      /* the slow talkers' load generators, 0 when none */
	pid_t stopped;               /* a server stopped with SIGSTOP, to continue */
	int stop_timeout_ms;         /* SIGTERM to SIGKILL when a step ends */
	double free_cores;           /* cores other programs left free during the last window */
	char bin_dir[ARENA_PATH_MAX];
};

/* Prepare (no process yet). 0 or a negative errno with the reason in err. */
int lesson_runner_init(struct lesson_runner *r, const char *bin_dir, char *err, size_t errlen);

/* Run step st: check_mode picks its --check durations. Processes stay up afterwards
 * (the interactive lesson keeps showing them) until the next step or
 * lesson_runner_stop. 0 with out[] filled; -ECANCELED when tick asked to stop; another
 * negative errno with the reason in err. */
int lesson_runner_step(struct lesson_runner *r, const struct lesson_step *st, bool check_mode, run_tick_fn tick,
		       void *ctx, struct measured_side out[SIDE_COUNT], char *err, size_t errlen);

/* Keep the live figures moving between steps: reap children, update the model.
 * Returns the snapshot. */
const struct snapshot *lesson_runner_poll(struct lesson_runner *r);

/* True when step st cannot run on this build or machine (needs = go without the Go
 * toolchain, or without an arena that can start the Go restaurant), with the reason
 * in why: its claims are then skipped, never passed. */
bool lesson_step_unmet(const struct lesson_step *st, const char *bin_dir, char *why, size_t len);

/* Stop every process of the step. */
void lesson_runner_stop(struct lesson_runner *r);

/* Stop everything and free. */
void lesson_runner_destroy(struct lesson_runner *r);

#endif
