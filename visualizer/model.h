/* model.h: scoreboards in, a snapshot of numbers out. Never includes ncurses.
 *
 * The model maps the scoreboards of one server and its load generator per side
 * (blocking, evented), reads them without locks, and every tick (one second) turns the
 * difference of two readings into rates, interval percentiles (hist_diff) and the
 * Little's-law check; gauges (the line, the cashiers) are read at every update. Process
 * figures (threads, resident memory, CPU %) come from /proc/PID. The view draws a
 * snapshot, the recorder writes it, replay rebuilds it, the lessons read it: none of
 * them touch a scoreboard. Everything in a snapshot is measured; nothing is animated.
 */
#ifndef LUNCHRUSH_MODEL_H
#define LUNCHRUSH_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "scoreboard.h"

#define MODEL_TICK_NS 1000000000ULL   /* rates and percentiles are per second */
#define MODEL_HISTORY 60              /* seconds kept for the sparklines */
#define SNAP_CASHIERS 64              /* cashier slots copied one by one; more are counted */
#define MODEL_STALE_NS 2000000000ULL  /* a heartbeat older than this: the writer is down */

/* One restaurant, as measured. Rates and percentiles are over the last tick. */
struct side_snapshot {
	bool present;             /* this side is part of the run (or attached) */
	bool server_up;           /* scoreboard mapped, writer alive, heartbeat fresh */
	bool loadgen_up;
	char reason[160];         /* why the server is down, for the screen */
	char loadgen_reason[120]; /* why the load generator is not running ("" while it is):
	                           * its rates and latencies are then not shown at all */
	char kitchen_reason[120]; /* why the kitchen is down or not answering ("") */
	char model[16];           /* "blocking" / "evented" (from the scoreboard) */
	int32_t pid;              /* server pid */

	/* configuration (from the server scoreboard) */
	uint32_t threads_cfg, loops_cfg, helpers_cfg;
	uint32_t cook_ms_default, work_us_default;

	/* the scene now (gauges) */
	int64_t outside;          /* loadgen: arrived, waiting for a connection */
	int64_t door;             /* the listener's accept queue */
	int64_t door_max;         /* its limit */
	int64_t in_line;          /* waiting for a cashier */
	int64_t at_counter;       /* being taken (request, CPU part) */
	int64_t in_kitchen;       /* cooking */
	int64_t handing_over;     /* response being written */
	int64_t conns_open;
	uint32_t cashiers;        /* slots in use */
	uint8_t cashier_state[SNAP_CASHIERS];      /* enum cashier_state, first slots */
	uint32_t cashier_by_state[CASHIER_STATE_COUNT];

	/* the last tick */
	double offered_rps;       /* loadgen arrivals per second (the schedule) */
	double arrival_rps;       /* orders reaching the server */
	double throughput_rps;    /* orders served 200 */
	double completed_rps;     /* responses the loadgen read (any status) */
	double error_rps;         /* server + loadgen errors per second */
	double p50_ms, p99_ms, max_ms, mean_ms; /* loadgen latency (from the scheduled
						 * arrival in open loop) this tick */
	uint64_t latency_count;   /* responses in those percentiles */
	double server_p50_ms, server_p99_ms, server_mean_ms; /* inside the server */

	/* errors so far, by kind (totals) */
	uint64_t server_errors[SERR_COUNT];
	uint64_t loadgen_errors[LERR_COUNT];
	uint64_t errors_total;

	/* totals so far */
	uint64_t offered_total, served_total, completed_total;

	/* the process (from /proc/PID) */
	long threads;             /* Threads: */
	long rss_kb;              /* VmRSS */
	double cpu_pct;           /* utime+stime over the tick, % of one core */
	uint64_t ctx_switches;    /* voluntary + involuntary, all threads, total */
	double ctx_switches_rps;  /* the same per second over the tick */

	/* evented only (0 for blocking) */
	double loop_lag_p99_ms;   /* this tick */
	double loop_lag_max_ms;
	double loop_util_pct;     /* share of the tick the loops (evented) or the cashiers
	                           * (blocking) were not idle: utilisation rho, % */

	/* Little's law, L = lambda * W, on the server side over the tick */
	double little_l;          /* mean orders in the server (line+counter+kitchen+handing over) */
	double little_lambda;     /* orders served per second */
	double little_w_s;        /* mean time in the server of those orders, s */
	double little_lw;         /* lambda * W */

	/* the load in force (from the loadgen scoreboard) */
	double rate;              /* arrivals per second asked */
	uint32_t cook_ms, work_us;
	bool paused, keepalive, finished, open_loop;

	/* the last MODEL_HISTORY ticks, oldest first */
	uint32_t history_len;
	float history_rps[MODEL_HISTORY];
	float history_p99_ms[MODEL_HISTORY];

	/* measured from outside (model_outside.h), for every half: door and door_max above
	 * come from the kernel when door_kernel is set; a black box has only these, the
	 * load generator's figures and its process tree */
	char restaurant[16];      /* "blocking", "evented", "node", "go", "nginx", "cmd", "url" */
	bool black_box;           /* no scoreboard: line, cashiers and kitchen are unknown */
	bool door_kernel;         /* door (accept queue) and door_max (backlog) from sock_diag */
	int64_t in_flight;        /* loadgen: sent, response not yet read */
	uint64_t listen_overflows; /* kernel ListenOverflows since the start (whole machine) */
	uint64_t listen_drops;    /* kernel ListenDrops since the start (whole machine) */
	uint32_t processes;       /* processes summed (a black box's tree: nginx's workers) */

	/* the verdicts (verdict.h), judged by the model so that the screen, headless --json
	 * and the lessons say the same thing */
	uint8_t verdict_little;   /* enum verdict_little: Little's law for everyone inside */
	uint8_t verdict_pace;     /* enum verdict_pace: keeping up with the arrivals */
	uint8_t verdict_speed;    /* enum verdict_speed: p99 against the service time */
	uint32_t verdict_window_ticks; /* ticks the Little verdict was judged over */
	double verdict_l;         /* everyone inside (outside + in flight), window mean */
	double verdict_lw;        /* lambda * W over the window (their latencies / its length) */
	double service_ms;        /* what a customer waits when nobody queues */
	uint64_t loop_lag_count;  /* loop-lag samples this tick: 0 while the loop is frozen */
};

struct snapshot {
	uint64_t ticks;           /* ticks computed since the start (or the last reset) */
	double elapsed_s;         /* since the start */
	struct side_snapshot side[SIDE_COUNT];
	/* the model of each restaurant beside it (issue 13): its last simulated second, set
	 * by the live loops from sim_bridge.h before a tick is recorded and by replay from a
	 * recording's sim_* columns; the model (model.c) itself leaves it absent */
	struct side_predicted {
		bool present;             /* false: no model figure (a peer, attach, an old recording) */
		double length_s;          /* the simulated window, s */
		uint64_t arrived, served; /* orders in it */
		double p50_ms, p99_ms, max_ms, mean_ms;
		double loop_lag_p99_ms;   /* evented */
		double busy_pct;          /* cashiers or loops not idle, % */
		int64_t line;             /* the model's line at the time */
	} predicted[SIDE_COUNT];
};

struct model;

/* A model with nothing attached. NULL on allocation failure. model_free(NULL) is a no-op. */
struct model *model_new(void);
void model_free(struct model *m);

/* Watch these scoreboards for a side (loadgen may be NULL). They need not exist yet:
 * every update retries the ones not mapped, and re-maps one whose writer went away
 * (a restart). Resets the side's figures. 0 or -EINVAL for a bad name. */
int model_attach(struct model *m, enum arena_side side, const char *server_board, const char *loadgen_board);

/* What a side is and where to measure it from outside: its listening port (0: the one
 * its scoreboard names), its process (0: none known) and its restaurant.h name; a black
 * box has no server scoreboard. Kept across resets; model_attach clears it. */
void model_watch(struct model *m, enum arena_side side, int32_t pid, uint16_t port, const char *restaurant,
		 bool black_box);

/* Attach both sides to what the arena started, and reset the figures and the clock. */
void model_attach_arena(struct model *m, const struct arena *a, uint64_t now_ns);

/* One more load generator on a side that model_attach gave one already (several
 * local generators driving one server, e.g. one per core, issue 17): its arrivals,
 * completions, errors, waiting customers, rate and latency histogram are summed with
 * the first's. A board that appears or goes away starts a new baseline instead of a
 * jump in the rates. 0, -EINVAL (bad name, no first load generator) or -ENOSPC. */
#define MODEL_LOADGENS_MAX 8
int model_attach_more_loadgen(struct model *m, enum arena_side side, const char *loadgen_board);
/* The i-th further load generator's board (0-based), NULL when unmapped or past the end. */
struct scoreboard_loadgen *model_more_loadgen_board(struct model *m, enum arena_side side, unsigned i);

/* Read the gauges now; when a tick is due (MODEL_TICK_NS since the last), compute the
 * rates and percentiles over it. Returns true when a tick was computed. Costs a few
 * hundred microseconds: call it at most ten times a second. */
bool model_update(struct model *m, uint64_t now_ns);

/* Forget the history and the previous readings (after a restart), start the clock. */
void model_reset(struct model *m, uint64_t now_ns);

/* The reason a side is down, from the arena (waitpid), shown until it comes back; it
 * takes the place of what the model can tell from the scoreboard alone ("" clears it).
 * The same for the side's load generator and for the kitchen. */
void model_set_reason(struct model *m, enum arena_side side, const char *reason);
void model_set_loadgen_reason(struct model *m, enum arena_side side, const char *reason);
void model_set_kitchen_reason(struct model *m, enum arena_side side, const char *reason);

const struct snapshot *model_snapshot(const struct model *m);

/* The writable mappings, for the control slots (control.h); NULL when not mapped. */
struct scoreboard_server *model_server_board(struct model *m, enum arena_side side);
struct scoreboard_loadgen *model_loadgen_board(struct model *m, enum arena_side side);

/* Maxima seen since the last reset, for the headless summary. */
struct side_maxima {
	int64_t line_max;          /* the server line (in_line), longest seen */
	long threads_max;
	long rss_max_kb;
	double loop_lag_p99_ms;    /* loop lag p99 over the whole run */
	int64_t door_max;          /* the accept queue, longest seen (kernel) */
	int64_t door_backlog;      /* the listen backlog (kernel), last seen */
};
void model_maxima(const struct model *m, enum arena_side side, struct side_maxima *out);

#endif
