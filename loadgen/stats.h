/* stats.h: what one worker thread counts, and how the counts are summed.
 *
 * Each worker writes its own struct lg_stats with no lock (single writer, relaxed
 * atomic stores, as hist_record does); the coordinator copies them with relaxed loads
 * (stats_snapshot) and sums the copies (stats_merge) for the scoreboard, the series
 * and the final report. Nothing here is reset: intervals are differences.
 */
#ifndef LOADGEN_STATS_H
#define LOADGEN_STATS_H

#include <stdint.h>

#include "hist.h"
#include "scoreboard.h"

#define STATUS_CODE_MAX 600  /* codes 100..599 are counted one by one */

/* The load generator's error kinds: the scoreboard's (enum loadgen_error, whose
 * layout the dashboard and its recordings read) and, after them, kinds only the
 * summary and --json name. On the scoreboard each of these is folded into the nearest
 * kind there (lg_error_board_kind), so the dashboard still counts it as an error. */
enum lg_error_extra {
	LGERR_BAD_STATUS = LERR_COUNT, /* a final status outside 200..599 (000, 101, 999) */
	LGERR_EXPIRED,                 /* waited in line for a connection past --timeout */
	LGERR_LINE_FULL,               /* turned away: the waiting line was at its bound */
	LGERR_NOMEM,                   /* no memory to put the customer in line */
	LG_ERR_COUNT
};

/* "connect", ..., "bad_status", "expired", "line_full", "nomem". */
const char *lg_error_name(int kind);
/* The scoreboard's kind that counts kind: itself, or the nearest one. */
enum loadgen_error lg_error_board_kind(int kind);

/* Single-writer counter bump that a concurrent reader may load: a relaxed load and
 * store, a plain add on x86 (no lock prefix on the hot path). */
#define STAT_ADD(field, n) __atomic_store_n(&(field), __atomic_load_n(&(field), __ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define STAT_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define STAT_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

struct lg_stats {
	uint64_t arrived;                  /* customers whose start has come */
	uint64_t sent;                     /* requests written in full */
	uint64_t completed;                /* responses read, any status */
	uint64_t errors[LG_ERR_COUNT];     /* by kind; LERR_STATUS counts status 400..599 */
	uint64_t retried;                  /* resent: a kept-alive connection closed under them */
	uint64_t status_class[6];          /* [2] = 2xx ... [5] = 5xx; [0]/[1] other */
	uint64_t status_code[STATUS_CODE_MAX];
	uint64_t late;                     /* answered in the wait after the window (--drain) */
	uint64_t unanswered;               /* still waiting when that wait ended: at their age */
	uint64_t interim;                  /* 1xx interim answers skipped before a final one */
	uint64_t bytes_read;               /* bytes of the completed responses, head and body */
	uint64_t last_ok_ns;               /* when the last response < 400 came (monotonic) */
	struct hist latency;               /* from the customer's start (scheduled arrival) */
	struct hist uncorrected;           /* from the actual send */
};

/* The state now of one worker (gauges) and its peaks. */
struct lg_gauges {
	int64_t waiting;                   /* arrived, no connection free yet */
	int64_t in_flight;                 /* on a connection: connecting, sending, awaiting */
	int64_t conns_open;
	int64_t waiting_max;
	int64_t conns_max;
};

void stats_init(struct lg_stats *s);
/* dst = a copy of src, which another thread may be writing. */
void stats_snapshot(struct lg_stats *dst, const struct lg_stats *src);
void stats_merge(struct lg_stats *dst, const struct lg_stats *src);
uint64_t stats_errors_total(const struct lg_stats *s);
/* Responses with a good final status: 200..399. */
uint64_t stats_ok(const struct lg_stats *s);

void gauges_snapshot(struct lg_gauges *dst, const struct lg_gauges *src);
void gauges_merge(struct lg_gauges *dst, const struct lg_gauges *src);

#endif
