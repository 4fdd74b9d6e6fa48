/* verdict.h: the judgements the screen, headless mode and the lessons share (issue 15,
 * issue 18): does Little's law hold for everyone in the restaurant, is it keeping up,
 * is it slow. Computed by the model from its snapshots, never by the view, so that a
 * verdict on the screen is one a test, a lesson or a --json reader can check. No ncurses.
 *
 * Little's law is judged over a sliding window (VERDICT_WINDOW_TICKS seconds) with
 * hysteresis, because one second of a queue is noise: L is everyone the load generator
 * holds (outside, waiting for a connection, plus in flight: the door, the line, the
 * counter, the kitchen, the pickup), lambda*W is the sum of their latencies over the
 * window divided by its length. Too few ticks or orders give VERDICT_NO_DATA.
 */
#ifndef LUNCHRUSH_VERDICT_H
#define LUNCHRUSH_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#define VERDICT_WINDOW_TICKS 10   /* seconds Little's law is judged over */
#define VERDICT_MIN_TICKS 5       /* fewer ticks in the window: not enough data */
#define VERDICT_MIN_ORDERS 20     /* fewer completed orders in the window: the same */
#define VERDICT_PACE_TICKS 3      /* seconds "keeping up" is judged over */
#define VERDICT_HOLD_TICKS 3      /* a new verdict must stand this many ticks to show */

enum verdict_little {
	LITTLE_NO_DATA = 0,  /* too few ticks or orders in the window: say so, do not guess */
	LITTLE_HOLDS,        /* L and lambda*W agree within the noise */
	LITTLE_GROWING,      /* more inside than the completions account for: a line builds */
	LITTLE_DRAINING,     /* fewer inside: a line empties */
};

enum verdict_pace {
	PACE_NO_DATA = 0,    /* no arrivals measured (yet) */
	PACE_KEEPING_UP,     /* served at least 90 % of the arrivals over the last seconds */
	PACE_FALLING_BEHIND,
};

enum verdict_speed {
	SPEED_NO_DATA = 0,   /* no response this tick */
	SPEED_FAST,          /* p99 within twice the service time plus 10 ms */
	SPEED_SLOW,
};

/* One tick of a side, as the verdict keeps it. */
struct verdict_tick {
	double dt_s;          /* length of the tick */
	double l_mean;        /* everyone inside, mean over the tick's samples */
	double latency_sum_s; /* sum of the latencies of the orders completed in the tick */
	double completed;     /* orders completed in the tick (with a latency) */
	double offered, served;
};

/* The state a side keeps between ticks (embedded in the model, verdict_init'ed). */
struct verdict_state {
	double l_sum;                 /* samples of everyone inside since the last tick */
	uint32_t l_samples;
	struct verdict_tick ring[VERDICT_WINDOW_TICKS];
	uint32_t next, len;
	enum verdict_little shown;    /* what the screen says now */
	enum verdict_little pending;  /* what the window says, waiting out the hold */
	uint32_t pending_ticks;
	uint64_t last_ns;             /* the last tick (or the first sample), for its length */
};

/* What a side's snapshot needs to be judged: a subset of struct side_snapshot, so the
 * verdict can be tested without a model (model.c fills it from the snapshot). */
struct verdict_input {
	bool has_loadgen;          /* its figures are the customers' own */
	int64_t outside, in_flight; /* the load generator's: waiting for a connection, sent */
	int64_t door, in_server;   /* without a load generator: the accept queue, the server */
	double offered_rps, throughput_rps, completed_rps;
	double mean_ms, p99_ms;
	uint64_t latency_count;
	double service_ms;         /* what a customer waits when nobody queues */
};

/* What the verdict says, written into the snapshot. */
struct verdict_out {
	uint8_t little;            /* enum verdict_little */
	uint8_t pace;              /* enum verdict_pace */
	uint8_t speed;             /* enum verdict_speed */
	uint32_t window_ticks;     /* ticks the Little verdict was judged over */
	double l;                  /* everyone inside, mean over the window */
	double lw;                 /* lambda * W over the window */
};

void verdict_init(struct verdict_state *v);

/* One reading of the gauges (every model update): everyone inside now. */
void verdict_sample(struct verdict_state *v, const struct verdict_input *in);

/* One tick of dt_s seconds: push it into the window and judge. */
void verdict_tick(struct verdict_state *v, const struct verdict_input *in, double dt_s, struct verdict_out *out);

/* What a customer should wait when nobody queues: the cook time and the CPU work (the
 * load generator's settings in force, else the server's defaults). */
double verdict_service_ms(uint32_t cook_ms, uint32_t work_us, double rate, uint32_t cook_ms_default,
			  uint32_t work_us_default);

/* The model's side: the same three calls on a snapshot (model.c calls them; a lesson
 * or a test that builds snapshots by hand can too). verdict_model_tick writes the
 * verdict_* fields and service_ms of ss; now_ns gives the tick's length. */
struct side_snapshot;
void verdict_model_sample(struct verdict_state *v, const struct side_snapshot *ss, uint64_t now_ns);
void verdict_model_tick(struct verdict_state *v, struct side_snapshot *ss, uint64_t now_ns);

/* The words for a verdict: "holds", "line growing", "draining", "not enough data". */
const char *verdict_little_name(enum verdict_little v);
const char *verdict_pace_name(enum verdict_pace v);
const char *verdict_speed_name(enum verdict_speed v);

#endif
