/* hist.c: the log-linear latency histogram (see hist.h for the bucket layout).
 *
 * Every program records into it and the dashboard reads interval percentiles from the
 * difference of two snapshots; lesson 7 (how benchmarks lie) reads its percentiles.
 * Values at or above 2^32 us are clamped to 2^32 - 1 before anything else, so the sum
 * cannot overflow and max_us always lies inside the last bucket.
 */
#include "hist.h"

#include <math.h>
#include <string.h>

#define HIST_SUB_BITS 8                                /* log2(HIST_SUB_BUCKETS) */
#define HIST_MAX_VALUE ((UINT64_C(1) << HIST_MAX_POWER) - 1)

/* Relaxed atomics: the histogram may sit in shared memory read by other processes. */
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

_Static_assert(HIST_SUB_BUCKETS == (1 << HIST_SUB_BITS), "HIST_SUB_BITS out of step");
_Static_assert(HIST_BUCKETS == 3328, "bucket count changed: bump SCOREBOARD_VERSION");

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_us = UINT64_MAX;
}

static uint64_t clamp_value(uint64_t value_us)
{
	return value_us > HIST_MAX_VALUE ? HIST_MAX_VALUE : value_us;
}

/* Values below 256 are their own bucket. A value v in [2^p, 2^(p+1)), p >= 8, falls in
 * one of 128 buckets of width 2^(p-7): its top 8 bits select it (the leading 1 and
 * 7 more). Cost: one count-leading-zeros. */
size_t hist_bucket_index(uint64_t value_us)
{
	value_us = clamp_value(value_us);
	if (value_us < HIST_SUB_BUCKETS)
		return (size_t)value_us;
	unsigned power = 63 - (unsigned)__builtin_clzll(value_us);
	unsigned shift = power - (HIST_SUB_BITS - 1);
	size_t sub = (size_t)(value_us >> shift) - HIST_HALF;  /* 0..127 */
	return HIST_SUB_BUCKETS + (size_t)(power - HIST_SUB_BITS) * HIST_HALF + sub;
}

uint64_t hist_bucket_low(size_t index)
{
	if (index >= HIST_BUCKETS)
		index = HIST_BUCKETS - 1;
	if (index < HIST_SUB_BUCKETS)
		return index;
	size_t above = index - HIST_SUB_BUCKETS;
	unsigned power = HIST_SUB_BITS + (unsigned)(above / HIST_HALF);
	uint64_t sub = HIST_HALF + above % HIST_HALF;
	return sub << (power - (HIST_SUB_BITS - 1));
}

uint64_t hist_bucket_high(size_t index)
{
	if (index >= HIST_BUCKETS - 1)
		return HIST_MAX_VALUE;
	return hist_bucket_low(index + 1) - 1;
}

/* Single writer: plain read-modify-write, but through relaxed atomic loads and stores
 * (ordinary moves on x86) so a concurrent hist_snapshot is not a data race. */
void hist_record(struct hist *h, uint64_t value_us)
{
	uint64_t v = clamp_value(value_us);
	size_t i = hist_bucket_index(v);

	STORE(h->buckets[i], LOAD(h->buckets[i]) + 1);
	STORE(h->sum_us, LOAD(h->sum_us) + v);
	if (v < LOAD(h->min_us))
		STORE(h->min_us, v);
	if (v > LOAD(h->max_us))
		STORE(h->max_us, v);
	STORE(h->count, LOAD(h->count) + 1);
}

/* Many writers: fetch-and-add for the counters, compare-and-swap loops for min and
 * max (they retry only while another thread moves the extreme the same way). */
void hist_record_atomic(struct hist *h, uint64_t value_us)
{
	uint64_t v = clamp_value(value_us);
	size_t i = hist_bucket_index(v);

	__atomic_fetch_add(&h->buckets[i], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->sum_us, v, __ATOMIC_RELAXED);

	uint64_t cur = LOAD(h->min_us);
	while (v < cur && !__atomic_compare_exchange_n(&h->min_us, &cur, v, true,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	cur = LOAD(h->max_us);
	while (v > cur && !__atomic_compare_exchange_n(&h->max_us, &cur, v, true,
						       __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	__atomic_fetch_add(&h->count, 1, __ATOMIC_RELAXED);
}

/* 3332 relaxed loads: about 27 KiB read, a few microseconds. */
void hist_snapshot(struct hist *dst, const struct hist *src)
{
	dst->count = LOAD(src->count);
	dst->sum_us = LOAD(src->sum_us);
	dst->min_us = LOAD(src->min_us);
	dst->max_us = LOAD(src->max_us);
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] = LOAD(src->buckets[i]);
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	dst->count += src->count;
	dst->sum_us += src->sum_us;
	if (src->min_us < dst->min_us)
		dst->min_us = src->min_us;
	if (src->max_us > dst->max_us)
		dst->max_us = src->max_us;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
}

/* The count is the sum of the bucket differences, so percentiles of the result stay
 * consistent even when the snapshots were taken mid-record. min and max are the outer
 * bounds of the first and last non-empty buckets, tightened by newer's min and max
 * (every value of the interval lies between them). dst may alias newer or older. */
void hist_diff(struct hist *dst, const struct hist *newer, const struct hist *older)
{
	uint64_t sum = newer->sum_us > older->sum_us ? newer->sum_us - older->sum_us : 0;
	uint64_t newer_min = newer->min_us, newer_max = newer->max_us;
	uint64_t count = 0;
	size_t first = HIST_BUCKETS, last = 0;

	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		uint64_t n = newer->buckets[i], o = older->buckets[i];
		dst->buckets[i] = n > o ? n - o : 0;
		if (dst->buckets[i] == 0)
			continue;
		count += dst->buckets[i];
		if (first == HIST_BUCKETS)
			first = i;
		last = i;
	}
	dst->count = count;
	dst->sum_us = sum;
	if (count == 0) {
		dst->min_us = UINT64_MAX;
		dst->max_us = 0;
		dst->sum_us = 0;
		return;
	}
	dst->min_us = hist_bucket_low(first);
	if (newer_min != UINT64_MAX && newer_min > dst->min_us)
		dst->min_us = newer_min;
	dst->max_us = hist_bucket_high(last);
	if (newer_max < dst->max_us && newer_max >= dst->min_us)
		dst->max_us = newer_max;
}

/* Walks the buckets up to the one holding the rank: O(HIST_BUCKETS) at worst. The rank
 * is ceil(count * percentile / 100), at least 1, so percentile 100 is the maximum. */
uint64_t hist_percentile(const struct hist *h, double percentile)
{
	if (h->count == 0)
		return 0;
	if (!(percentile > 0.0))
		percentile = 0.0;
	if (percentile > 100.0)
		percentile = 100.0;

	uint64_t rank = (uint64_t)ceil((double)h->count * percentile / 100.0);
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;

	uint64_t seen = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t high = hist_bucket_high(i);
			return high < h->max_us ? high : h->max_us;
		}
	}
	return h->max_us;  /* buckets short of count: a snapshot taken mid-record */
}

double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum_us / (double)h->count : 0.0;
}

uint64_t hist_min(const struct hist *h)
{
	return h->count ? h->min_us : 0;
}
