/* report.h: what a run measured, for people and for programs.
 *
 * The summary is shaped like wrk's; --json is one object whose keys the dashboard,
 * the lessons and the benchmarks read (mode, connections, rate, duration_s, sent,
 * requests, errors, throughput_rps, latency_ms, and uncorrected_latency_ms in open
 * loop); --series is one CSV row per second; --percentiles is HdrHistogram's
 * percentile table, so its plotting tools read it. Every latency figure comes from
 * the project histogram (common/hist.h), in milliseconds.
 */
#ifndef LOADGEN_REPORT_H
#define LOADGEN_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "hist.h"
#include "stats.h"

struct lg_report {
	enum lg_mode mode;
	const char *target;
	uint32_t threads;
	uint32_t connections;      /* -c, or --max-conns in open loop */
	double rate;               /* asked, per second; 0 in closed loop */
	enum arrivals arrivals;
	uint64_t seed;
	bool keepalive;
	uint32_t cook_ms, work_us; /* in force at the end; PARAM_ABSENT: not sent */
	double warmup_s;
	double duration_s;         /* the measured part of the run */
	const struct lg_stats *stats; /* what happened after the warm-up, summed over threads */
	uint64_t outstanding;      /* waiting or in flight when the window ended */
	double drain_s;            /* --drain: how long those were awaited at most */
	int64_t waiting_max;       /* most customers waiting for a connection at once */
	int64_t conns_max;         /* most connections open at once */
	double quiet_tail_s;       /* time at the end without a good response; -1 if n/a */
	double start_epoch_s;      /* the measured window's start on the wall clock */
	/* the load generator watching itself (issue 17) */
	const struct hist *client_lag; /* open loop: how late each arrival was taken, us; NULL: n/a */
	double client_cpu_pct;     /* the busiest thread's CPU time, % of its wall time */
	double arrival_grid_us;    /* open loop: the widest grid arrivals were taken on (0: on time) */
	bool client_saturated;     /* lag p99 over LG_CLIENT_LAG_BOUND_MS (+ the slack), or a thread at LG_CLIENT_CPU_BOUND_PCT */
	int stop_signal;           /* the signal that stopped the run early (SIGTERM...), 0: none */
	const struct mix *mix;     /* --mix: the kinds, latency per kind in stats->kind_latency; NULL: none */
	const char *addr_text;     /* the resolved address and port, for the hint when every connect fails */
	uint16_t port;
};

/* A client whose timers fire 5 ms late cannot measure a p99 under 5 ms (issue 17's
 * target); a thread busy 95 % of its time has no room left to be on time. */
#define LG_CLIENT_LAG_BOUND_MS 5.0
#define LG_CLIENT_CPU_BOUND_PCT 95.0

/* The figures of one latency histogram in milliseconds. */
struct lg_latency {
	double min, mean, p50, p90, p99, p999, max;
};
void report_latency(const struct hist *h, struct lg_latency *out);

void report_summary(FILE *out, const struct lg_report *r);

/* What merge_out.c shares: ",\"key\":{min, mean, p50, p90, p99, p999, max, count,
 * stdev}" of a histogram in milliseconds. */
void report_json_latency(FILE *out, const char *key, const struct hist *h);

/* The run stopped serving anyone: every answer an error status, or every connect
 * failed. The summary says so plainly and the exit status is 1. */
bool report_nothing_served(const struct lg_report *r);
/* Its line ("FAILED: ..."), with the hint "is anything listening on ADDR:PORT?" when
 * every connect failed; nothing when something was served. */
void report_summary_failure(FILE *out, const struct lg_report *r);

/* A latency in ms with no more decimals than the histogram resolves at that value
 * (its bucket width: 1 us below 256 us, about 1/128 of the value above). */
void report_format_ms(char *buf, size_t cap, double value_us);

/* Bytes as wrk prints them: 512.00B, 1.21KB, 3.40MB, 1.02GB (powers of 1024). */
void report_format_bytes(char *buf, size_t cap, double bytes);

/* The line a terminal sees once a second: elapsed, sent, completed, errors, rate. */
void report_progress(FILE *out, double elapsed_s, uint64_t sent, uint64_t completed, uint64_t errors,
		     double rate_rps);
void report_json(FILE *out, const struct lg_report *r);

/* --series: the header, then one row per interval: counts within the interval,
 * outstanding customers now, and the latency of the responses that came in it. */
void report_series_header(FILE *out);
void report_series_row(FILE *out, double t_s, uint64_t sent, uint64_t completed, uint64_t errors,
		       int64_t outstanding, const struct hist *interval);

/* --percentiles: HdrHistogram's "classic" percentile distribution, values in ms,
 * 5 ticks per half distance (as wrk2 prints it). */
void report_percentiles(FILE *out, const struct hist *h);

#endif
