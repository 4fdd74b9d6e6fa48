/* lesson_measure.h: what a lesson step measured, over its whole window.
 *
 * The model (model.h) gives figures per one-second tick for the screen; a lesson's claim
 * wants the figure over the whole measured window (eight seconds of p99, not the last
 * second's). The model measures that window too (visualizer/model_window.h: counters
 * and histograms at both ends, gauges sampled about ten times a second, /proc for the
 * server process), with the readers its tick uses; this names the figures the lessons
 * check (lesson_vars.c has the table of names). One reader of the boards, not two.
 * No ncurses.
 */
#ifndef LUNCHRUSH_LESSON_MEASURE_H
#define LUNCHRUSH_LESSON_MEASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../visualizer/arena.h"
#include "../../visualizer/model.h"

/* Every figure is a double so that the checks can name it (lesson_vars.c has the
 * table of names). Rates per second over the window, latencies in ms. */
struct measured_side {
	bool server;               /* the server's scoreboard was read over the window */
	bool loadgen;              /* the load generator's too */
	bool process;              /* a black box's process (a peer: no scoreboard) was read
	                            * from /proc: threads_max, rss_max_kb, rss_end_kb only */
	double window_s;           /* how long was measured */
	/* the load (loadgen) */
	double offered_rps;        /* customers whose arrival came */
	double completed_rps;      /* responses read, any status */
	double p50_ms, p90_ms, p99_ms, max_ms, mean_ms;   /* from the scheduled arrival (open loop) */
	double uncorrected_p50_ms, uncorrected_p99_ms, uncorrected_max_ms, uncorrected_mean_ms;
	double backlog_mean;       /* waiting for a connection + in flight, sampled */
	double backlog_end;
	double backlog_growth_rps; /* least-squares slope of the backlog over the window */
	double loadgen_errors;     /* over the window */
	/* the server */
	double throughput_rps;     /* orders served 200 */
	double arrival_rps;        /* orders that reached the server */
	double server_errors;      /* over the window */
	double error_rps;          /* server + loadgen errors per second */
	double server_mean_ms, server_p99_ms;  /* inside the server */
	double line_mean, line_max, line_end;   /* customers waiting for a cashier */
	double line_growth_rps;    /* slope of the line */
	double in_system_mean;     /* L: line + counter + kitchen + handing over, sampled */
	double little_lw;          /* lambda W: throughput * server mean time */
	double conns_max;
	double loop_lag_p99_ms, loop_lag_max_ms;  /* evented: how late its 10 ms timer fired */
	double busy_pct;           /* share of time the cashiers (or loops) were not idle */
	/* the process (/proc) */
	double threads_max;
	double rss_max_kb, rss_end_kb;
	double cpu_pct;            /* utime + stime over the window, % of one core */
	double ctx_per_s;          /* context switches per second */
	double ctx_per_order;      /* context switches per order served */
	double cpu_ms_per_order;   /* server CPU time per order served: what work_us really costs here */
	/* added for lessons 9-14 */
	double shed_rps;           /* server: turned away at once with a 503 (errors[SERR_UNAVAILABLE]) */
	double timeout_rps;        /* loadgen: customers who gave up (--timeout) */
	double late_served_rps;    /* server orders served minus loadgen responses, when positive:
	                            * work done for customers who had already left */
	double near_1s_pct;        /* loadgen: % of latencies in 0.85-1.6 s (one SYN retry) */
	double near_3s_pct;        /* loadgen: % of latencies in 2.85-3.6 s (two SYN retries) */
	double listen_overflows;   /* the kernel's ListenOverflows over the window (the whole
	                            * machine, /proc/net/netstat): connections the door refused */
};

struct measure;

struct measure *measure_new(void);
void measure_free(struct measure *ms);

/* Start the window now: read counters and histograms of every side whose boards the
 * model has mapped. */
void measure_begin(struct measure *ms, struct model *m, uint64_t now_ns);

/* Sample the gauges (call about ten times a second during the window). */
void measure_sample(struct measure *ms, struct model *m, uint64_t now_ns);

/* End the window and compute out[side] for both sides. */
void measure_end(struct measure *ms, struct model *m, uint64_t now_ns, struct measured_side out[SIDE_COUNT]);

#endif
