/* test_hist.c: the latency histogram against known distributions and exact answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "hist.h"

/* A struct hist is 27 KiB: keep them off small thread stacks. */
static struct hist h_a, h_b, h_c, h_d;

/* Fails unless |got - want| <= 1 % of want, printing both. */
static void assert_within_1pct(uint64_t got, uint64_t want, const char *what)
{
	double err = fabs((double)got - (double)want) / (double)want;
	if (err > 0.01) {
		print_error("%s: got %llu, want %llu (error %.3f %%)\n", what,
			    (unsigned long long)got, (unsigned long long)want, err * 100);
		fail();
	}
}

static void test_hist_empty(void **state)
{
	(void)state;
	hist_init(&h_a);
	assert_int_equal(h_a.count, 0);
	assert_int_equal(hist_percentile(&h_a, 50), 0);
	assert_int_equal(hist_percentile(&h_a, 100), 0);
	assert_true(hist_mean(&h_a) == 0.0);
	assert_int_equal(hist_min(&h_a), 0);
	assert_int_equal(h_a.max_us, 0);
}

static void test_hist_small_values_exact(void **state)
{
	(void)state;
	hist_init(&h_a);
	for (uint64_t v = 1; v <= 200; v++)
		hist_record(&h_a, v);
	assert_int_equal(h_a.count, 200);
	assert_int_equal(hist_min(&h_a), 1);
	assert_int_equal(h_a.max_us, 200);
	assert_true(fabs(hist_mean(&h_a) - 100.5) < 1e-9);
	assert_int_equal(hist_percentile(&h_a, 50), 100);
	assert_int_equal(hist_percentile(&h_a, 99), 198);
	assert_int_equal(hist_percentile(&h_a, 100), 200);
	assert_int_equal(hist_percentile(&h_a, 0), 1);
	for (uint64_t v = 0; v < HIST_SUB_BUCKETS; v++) {
		assert_int_equal(hist_bucket_index(v), v);
		assert_int_equal(hist_bucket_low(v), v);
		assert_int_equal(hist_bucket_high(v), v);
	}
}

static void test_hist_uniform_percentiles(void **state)
{
	(void)state;
	hist_init(&h_a);
	for (uint64_t v = 1; v <= 100000; v++)
		hist_record(&h_a, v);
	static const double pct[] = { 10, 25, 50, 75, 90, 99, 99.9 };
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		uint64_t want = (uint64_t)(pct[i] * 1000);
		uint64_t got = hist_percentile(&h_a, pct[i]);
		print_message("uniform 1..100000: p%g = %llu (exact %llu)\n", pct[i],
			      (unsigned long long)got, (unsigned long long)want);
		assert_within_1pct(got, want, "uniform percentile");
		assert_true(got >= want);  /* the bucket's highest value, never below */
	}
	assert_int_equal(hist_percentile(&h_a, 100), 100000);
	assert_true(fabs(hist_mean(&h_a) - 50000.5) < 1e-6);
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Exponential with mean 5 ms plus a 100 us floor, from a fixed seed: compare with the
 * exact percentiles of the sorted sample. */
static void test_hist_exponential_vs_sorted(void **state)
{
	(void)state;
	enum { N = 200000 };
	uint64_t *vals = malloc(N * sizeof(*vals));
	assert_non_null(vals);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	hist_init(&h_a);
	for (size_t i = 0; i < N; i++) {
		double u = (double)(xorshift64(&seed) >> 11) / 9007199254740992.0; /* [0,1) */
		vals[i] = 100 + (uint64_t)(-5000.0 * log(1.0 - u));
		hist_record(&h_a, vals[i]);
	}
	qsort(vals, N, sizeof(*vals), cmp_u64);

	static const double pct[] = { 1, 50, 90, 99, 99.9, 99.99, 100 };
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		size_t rank = (size_t)ceil(N * pct[i] / 100.0);
		uint64_t want = vals[rank - 1];
		uint64_t got = hist_percentile(&h_a, pct[i]);
		print_message("exponential: p%g = %llu (exact %llu)\n", pct[i],
			      (unsigned long long)got, (unsigned long long)want);
		assert_within_1pct(got, want, "exponential percentile");
	}
	assert_int_equal(hist_min(&h_a), vals[0]);
	assert_int_equal(h_a.max_us, vals[N - 1]);
	free(vals);
}

/* Every value from 1 us to 2^32 us lies in a bucket whose bounds are within 1 % of it,
 * and the buckets tile the range without gaps. Walks every bucket edge and probes
 * values inside the buckets. */
static void test_hist_relative_error_whole_range(void **state)
{
	(void)state;
	double worst = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		uint64_t lo = hist_bucket_low(i), hi = hist_bucket_high(i);
		assert_true(lo <= hi);
		if (i > 0)
			assert_int_equal(lo, hist_bucket_high(i - 1) + 1);
		assert_int_equal(hist_bucket_index(lo), i);
		assert_int_equal(hist_bucket_index(hi), i);
		assert_int_equal(hist_bucket_index(lo + (hi - lo) / 2), i);
		if (lo > 0) {
			double err = (double)(hi - lo) / (double)lo;
			if (err > worst)
				worst = err;
		}
	}
	assert_int_equal(hist_bucket_high(HIST_BUCKETS - 1), (UINT64_C(1) << 32) - 1);

	/* pseudo-random values over the whole range: the value reported for the bucket */
	uint64_t seed = 12345;
	for (int k = 0; k < 1000000; k++) {
		unsigned bits = 1 + (unsigned)(xorshift64(&seed) % 32);
		uint64_t v = 1 + (xorshift64(&seed) & ((UINT64_C(1) << bits) - 1));
		if (v >= (UINT64_C(1) << 32))
			v = (UINT64_C(1) << 32) - 1;
		uint64_t got = hist_bucket_high(hist_bucket_index(v));
		double err = ((double)got - (double)v) / (double)v;
		if (err > worst)
			worst = err;
		assert_true(got >= v && err <= 0.01);
		if (k % 1000 == 0) { /* and through a histogram's percentile */
			hist_init(&h_a);
			hist_record(&h_a, v);
			hist_record(&h_a, UINT64_C(1) << 32); /* lifts the cap by max */
			assert_int_equal(hist_percentile(&h_a, 50), got);
		}
	}
	print_message("worst relative error over 1 us .. 2^32 us: %.4f %%\n", worst * 100);
	assert_true(worst <= 0.01);
}

static void test_hist_clamps_huge_values(void **state)
{
	(void)state;
	hist_init(&h_a);
	hist_record(&h_a, UINT64_MAX);
	hist_record(&h_a, UINT64_C(1) << 40);
	hist_record_atomic(&h_a, UINT64_MAX);
	assert_int_equal(hist_bucket_index(UINT64_MAX), HIST_BUCKETS - 1);
	assert_int_equal(hist_bucket_index(UINT64_C(1) << 32), HIST_BUCKETS - 1);
	assert_int_equal(h_a.count, 3);
	assert_int_equal(h_a.buckets[HIST_BUCKETS - 1], 3);
	assert_int_equal(h_a.max_us, (UINT64_C(1) << 32) - 1);
	assert_int_equal(hist_percentile(&h_a, 50), (UINT64_C(1) << 32) - 1);
	/* the sum did not wrap */
	assert_true(fabs(hist_mean(&h_a) - (double)((UINT64_C(1) << 32) - 1)) < 1.0);
}

static void record_series(struct hist *h, uint64_t seed, int n, uint64_t scale)
{
	for (int i = 0; i < n; i++)
		hist_record(h, 1 + xorshift64(&seed) % scale);
}

static void assert_hist_equal(const struct hist *x, const struct hist *y)
{
	assert_int_equal(x->count, y->count);
	assert_int_equal(x->sum_us, y->sum_us);
	assert_int_equal(x->min_us, y->min_us);
	assert_int_equal(x->max_us, y->max_us);
	assert_memory_equal(x->buckets, y->buckets, sizeof(x->buckets));
}

static void test_hist_merge_equals_recording_both(void **state)
{
	(void)state;
	hist_init(&h_a);
	hist_init(&h_b);
	hist_init(&h_c);
	record_series(&h_a, 1, 5000, 1000);
	record_series(&h_b, 2, 7000, 5000000);
	record_series(&h_c, 1, 5000, 1000);
	record_series(&h_c, 2, 7000, 5000000);
	hist_merge(&h_a, &h_b);
	assert_hist_equal(&h_a, &h_c);

	hist_init(&h_d); /* merging an empty one changes nothing */
	hist_merge(&h_a, &h_d);
	assert_hist_equal(&h_a, &h_c);
}

static void test_hist_diff_is_the_interval(void **state)
{
	(void)state;
	hist_init(&h_a);   /* the live histogram */
	hist_init(&h_d);   /* only what was recorded between the snapshots */
	static struct hist s1, s2, d;

	record_series(&h_a, 7, 10000, 100000);
	hist_snapshot(&s1, &h_a);
	assert_hist_equal(&s1, &h_a);
	record_series(&h_a, 8, 3000, 400);
	record_series(&h_d, 8, 3000, 400);
	hist_snapshot(&s2, &h_a);

	hist_diff(&d, &s2, &s1);
	assert_int_equal(d.count, h_d.count);
	assert_int_equal(d.sum_us, h_d.sum_us);
	assert_memory_equal(d.buckets, h_d.buckets, sizeof(d.buckets));
	assert_int_equal(hist_bucket_index(d.min_us), hist_bucket_index(h_d.min_us));
	assert_true(d.min_us <= h_d.min_us);
	assert_int_equal(hist_bucket_index(d.max_us), hist_bucket_index(h_d.max_us));
	assert_true(d.max_us >= h_d.max_us);
	for (double p = 1; p <= 100; p += 1)
		assert_int_equal(hist_bucket_index(hist_percentile(&d, p)),
				 hist_bucket_index(hist_percentile(&h_d, p)));

	/* nothing in between: an empty interval */
	hist_diff(&d, &s2, &s2);
	assert_int_equal(d.count, 0);
	assert_int_equal(hist_percentile(&d, 99), 0);
	assert_int_equal(hist_min(&d), 0);

	/* older ahead of newer (a reset writer) clamps at zero instead of wrapping */
	hist_diff(&d, &s1, &s2);
	assert_int_equal(d.count, 0);
}

enum { THREADS = 4, PER_THREAD = 100000 };

static void *recorder(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	for (int i = 0; i < PER_THREAD; i++)
		hist_record_atomic(&h_b, 1 + xorshift64(&seed) % 1000000);
	return NULL;
}

static void test_hist_record_atomic_threads(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	hist_init(&h_b);
	hist_init(&h_c);
	for (uintptr_t i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, recorder, (void *)i), 0);
	/* read it while it is written, as the dashboard does */
	for (int k = 0; k < 20; k++)
		hist_snapshot(&h_a, &h_b);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);

	/* the same values recorded by one thread: every count and extreme must match */
	for (uintptr_t i = 0; i < THREADS; i++) {
		uint64_t seed = i * 0x9e3779b97f4a7c15ULL + 1;
		for (int j = 0; j < PER_THREAD; j++)
			hist_record(&h_c, 1 + xorshift64(&seed) % 1000000);
	}
	hist_snapshot(&h_a, &h_b);
	assert_int_equal(h_a.count, (uint64_t)THREADS * PER_THREAD);
	assert_hist_equal(&h_a, &h_c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_empty),
		cmocka_unit_test(test_hist_small_values_exact),
		cmocka_unit_test(test_hist_uniform_percentiles),
		cmocka_unit_test(test_hist_exponential_vs_sorted),
		cmocka_unit_test(test_hist_relative_error_whole_range),
		cmocka_unit_test(test_hist_clamps_huge_values),
		cmocka_unit_test(test_hist_merge_equals_recording_both),
		cmocka_unit_test(test_hist_diff_is_the_interval),
		cmocka_unit_test(test_hist_record_atomic_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
