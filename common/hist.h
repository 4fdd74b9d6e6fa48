/* hist.h: the one latency histogram of lunchrush (servers, load generator, dashboard).
 *
 * Log-linear buckets in the manner of HdrHistogram: values below HIST_SUB_BUCKETS are
 * exact; above, each power of two is cut into HIST_SUB_BUCKETS/2 equal buckets, so a
 * bucket is never wider than 1/128 of its value (relative error under 1 %). Values are
 * in microseconds, from 1 us to 2^32 us (about 71 minutes); larger values land in the
 * last bucket. Fixed size, no allocation: it can live inside a shared-memory scoreboard.
 *
 * Counts only grow. An interval's distribution is the difference of two copies taken
 * at its ends (hist_diff), which is how the dashboard reads a server's last second.
 *
 * The layout is exactly HdrHistogram's for unit 1 us, 2 significant digits, lowest
 * discernible value 1 and highest trackable value 2^32 - 1 (25 buckets of 256
 * sub-buckets, 3328 counts, the same index), so loadgen/hdrcodec.c writes it to
 * HdrHistogram's interval logs and reads it back without rounding (issue 17).
 */
#ifndef LUNCHRUSH_HIST_H
#define LUNCHRUSH_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BUCKETS 256                    /* exact values below this */
#define HIST_HALF (HIST_SUB_BUCKETS / 2)        /* buckets per power of two above */
#define HIST_MAX_POWER 32                       /* top of range: 2^32 us */
#define HIST_BUCKETS (HIST_SUB_BUCKETS + (HIST_MAX_POWER - 8) * HIST_HALF) /* 3328 */

struct hist {
	uint64_t count;                  /* values recorded */
	uint64_t sum_us;                 /* sum of values, for the mean */
	uint64_t min_us;                 /* smallest value; UINT64_MAX when empty */
	uint64_t max_us;                 /* largest value; 0 when empty */
	uint64_t buckets[HIST_BUCKETS];  /* counts per bucket */
};

void hist_init(struct hist *h);

/* Record one value. hist_record is for a histogram with a single writer;
 * hist_record_atomic may be called from many threads at once (lock-free, relaxed
 * atomics: a concurrent reader may see count and buckets a few values apart). */
void hist_record(struct hist *h, uint64_t value_us);
void hist_record_atomic(struct hist *h, uint64_t value_us);

/* Copy a histogram another thread or process is writing, field by field with atomic
 * loads. The copy is consistent to within the values recorded while it was taken. */
void hist_snapshot(struct hist *dst, const struct hist *src);

void hist_merge(struct hist *dst, const struct hist *src);

/* dst = newer - older, bucket by bucket (clamped at zero); min and max are recomputed
 * from the buckets, so they are bucket bounds, not exact values. */
void hist_diff(struct hist *dst, const struct hist *newer, const struct hist *older);

/* Value at a percentile (0..100): the highest value equivalent to the bucket holding
 * that rank, capped by max_us. 0 for an empty histogram. */
uint64_t hist_percentile(const struct hist *h, double percentile);
double hist_mean(const struct hist *h);   /* 0 when empty */
uint64_t hist_min(const struct hist *h);  /* 0 when empty */

size_t hist_bucket_index(uint64_t value_us);
uint64_t hist_bucket_low(size_t index);   /* smallest value in the bucket */
uint64_t hist_bucket_high(size_t index);  /* largest value in the bucket */

#endif
