/* model_window.h: the model's figures over a whole window, for the lessons. No ncurses.
 *
 * The snapshot (model.h) is per one-second tick, for the screen; a lesson's claim wants
 * the figure over its whole measured window (eight seconds of p99, not the last
 * second's). A window reads the same boards with the same readers as the tick
 * (model_read.h): counters and histograms at its two ends (differences, never resets),
 * gauges sampled about ten times a second, and /proc (procstat.h, door.h) for the
 * process and the kernel's listen overflows. The lessons (lessons/engine/
 * lesson_measure.c) name the figures; they never touch a scoreboard or /proc.
 */
#ifndef LUNCHRUSH_MODEL_WINDOW_H
#define LUNCHRUSH_MODEL_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "model.h"

/* One side over the window. Counts are differences between the window's ends (0 when
 * a counter went back: a restarted writer); histograms are the window's distribution
 * (hist_diff of the two ends). A struct with four histograms: about 110 KiB. */
struct window_side {
	bool server;               /* the server's board was read at both ends */
	bool loadgen;              /* the load generator's too */
	bool process;              /* a black box's process (no board) was sampled from /proc */
	double window_s;           /* from begin to end */

	/* the load generators (every one of the side, summed) */
	uint64_t offered;          /* customers whose arrival came */
	uint64_t completed;        /* responses read, any status */
	uint64_t loadgen_errors;   /* every kind */
	uint64_t timeouts;         /* LERR_TIMEOUT: gave up (--timeout) */
	struct hist latency;       /* from the scheduled arrival in open loop */
	struct hist uncorrected;   /* from the actual send */
	double backlog_mean;       /* outside + in flight, mean of the samples */
	double backlog_end;        /* ... at the last sample */
	double backlog_growth_rps; /* least-squares slope of the samples, customers/s */

	/* the server */
	uint64_t served;           /* orders served 200 */
	uint64_t arrived;          /* orders that reached it */
	uint64_t server_errors;    /* every kind */
	uint64_t shed;             /* SERR_UNAVAILABLE: turned away with a 503 */
	struct hist server_latency; /* time inside the server */
	struct hist loop_lag;      /* evented: how late its 10 ms timer fired */
	double busy_pct;           /* share of the window the cashier slots (or loops) were not
	                            * idle, % (not clamped: a slot count that changed shows) */
	double line_mean, line_max, line_end; /* in_line over the samples */
	double line_growth_rps;    /* least-squares slope of in_line, customers/s */
	double in_system_mean;     /* line + counter + kitchen + handing over, mean of samples */
	double conns_max;          /* conns_open, largest sample */

	/* the process (/proc): the server's from its board, or a black box's */
	double threads_max;        /* largest sample */
	double rss_max_kb, rss_end_kb; /* largest and last sample */
	bool have_cpu;             /* cpu_ns and ctx_switches were read at both ends */
	uint64_t cpu_ns;           /* utime + stime over the window */
	uint64_t ctx_switches;     /* every thread's, over the window */

	/* the kernel */
	uint64_t listen_overflows; /* TcpExt ListenOverflows over the window (the whole machine) */
};

struct window_figures {
	struct window_side side[SIDE_COUNT];
};

struct model_window;

/* A window with nothing measured; NULL on allocation failure. model_window_free(NULL)
 * is a no-op. One window may be begun again and again. */
struct model_window *model_window_new(void);
void model_window_free(struct model_window *w);

/* Start the window at now: read the counters, histograms and /proc of every side whose
 * boards m has mapped. Costs a few hundred microseconds. */
void model_window_begin(struct model_window *w, struct model *m, uint64_t now_ns);

/* Sample the gauges and the process (call about ten times a second in the window). A
 * board that shrank under the read is skipped for this sample. */
void model_window_sample(struct model_window *w, struct model *m, uint64_t now_ns);

/* End the window at now and give both sides' figures. */
void model_window_end(struct model_window *w, struct model *m, uint64_t now_ns, struct window_figures *out);

#endif
