/* arena.h: the processes of a live run: two restaurants, their load, maybe a kitchen.
 *
 * The arena starts bin/blocking and bin/evented (or any restaurant of restaurant.h:
 * Node.js, Go, nginx, a command, on a free port; a url: is only watched) on --port 0 (reading their "listening
 * on HOST:PORT" line), one bin/loadgen per server with the same open-loop schedule
 * (same --seed, same -R) and an optional bin/kitchen, each with a scoreboard name the
 * model (model.h) then opens. Children get a parent-death signal, so the dashboard
 * dying leaves nothing behind; a child that exits is marked down with the reason from
 * waitpid and the last line it wrote on stderr. The arena never reads a scoreboard:
 * processes here, numbers in the model.
 */
#ifndef LUNCHRUSH_ARENA_H
#define LUNCHRUSH_ARENA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "restaurant.h"
#include "scenario.h"
#include "scoreboard.h"

enum arena_side { SIDE_BLOCKING = 0, SIDE_EVENTED = 1, SIDE_COUNT = 2 };

#define ARENA_REASON_MAX 160
#define ARENA_PATH_MAX 512

struct arena_proc {
	pid_t pid;                           /* 0 when not running */
	bool up;                             /* started and not yet reaped */
	bool started;                        /* was started in this run */
	uint16_t port;                       /* from its listening line (servers, kitchen) */
	char board[SCOREBOARD_NAME_MAX + 1]; /* its --scoreboard name ("" for the kitchen) */
	char reason[ARENA_REASON_MAX];       /* why it is down: "exit 2: ...", "killed by SIGSEGV" */
	char err_path[ARENA_PATH_MAX];       /* its stderr, a file in the arena's folder */
	char out_path[ARENA_PATH_MAX];       /* loadgen stdout (its --json object) */
	/* servers only (issue 14: any server as a restaurant) */
	enum restaurant_kind kind;           /* which restaurant this half is */
	pid_t watch_pid;                     /* the process measured: pid, or a url:'s --pid (0) */
	pid_t pgid;                          /* a peer's process group, signalled whole (its workers), 0 */
	bool not_ours;                       /* url: watched, never started nor signalled */
	char target[ARENA_PATH_MAX];         /* the URL its load generator asks */
};

struct arena {
	char bin_dir[ARENA_PATH_MAX];        /* where bin/blocking etc. are */
	char dir[ARENA_PATH_MAX];            /* private temp folder: children's stderr, JSON */
	char tag[32];                        /* scoreboard prefix "dashPID-RANDOM" (12 random
						* hex digits: not guessable); boards TAG-blocking, TAG-evented,
						* TAG-blocking-load, TAG-evented-load */
	struct scenario sc;                  /* what is running */
	uint32_t duration_s;                 /* loadgen -d; 0 = an hour (interactive) */
	bool json;                           /* give the loadgens --json (headless summary) */
	struct arena_proc server[SIDE_COUNT];
	struct arena_proc loadgen[SIDE_COUNT];
	struct arena_proc kitchen;
	uint64_t started_ns;                 /* clock_now_ns at the last (re)start */
};

/* Prepare an arena (no process yet): bin_dir holds the binaries; makes the temp folder.
 * 0 or a negative errno. */
int arena_init(struct arena *a, const char *bin_dir);

/* Start everything the scenario asks for, servers first (waiting for their listening
 * line, at most a few seconds each), then the load generators. On failure what was
 * started is stopped again and err says what failed. 0 or a negative errno. */
int arena_start(struct arena *a, const struct scenario *sc, char *err, size_t errlen);

/* Stop every child (SIGTERM, then SIGKILL after timeout_ms) and reap it. */
void arena_stop(struct arena *a, int timeout_ms);

/* arena_stop, then arena_start with sc (or the scenario in force when NULL). */
int arena_restart(struct arena *a, const struct scenario *sc, char *err, size_t errlen);

/* Reap children that exited (non-blocking) and mark them down with the reason.
 * Returns how many changed state. Cheap: call it every loop iteration. */
int arena_poll(struct arena *a);

/* Wait up to timeout_ms for both load generators to finish on their own (headless
 * runs with a duration). true when they did. */
bool arena_wait_loadgens(struct arena *a, int timeout_ms);

/* Read a finished load generator's --json object (its stdout) into buf; the length,
 * or a negative errno (-ENOENT when it printed nothing). */
int arena_loadgen_json(const struct arena *a, enum arena_side side, char *buf, size_t cap);

/* Stop everything and remove the temp folder. */
void arena_destroy(struct arena *a);

const char *arena_side_name(enum arena_side side);

/* The folder of this executable (bin/ or bin/san-.../), where its sibling programs
 * are; "bin" when /proc/self/exe cannot be read. The default for --bin. */
void arena_default_bin_dir(char *buf, size_t len);  /* "blocking" / "evented" */

#endif
