/* test_loadgen_schedule.c: the open-loop arrival schedule: even spacing, Poisson
 * statistics, reproducibility from the seed, and a global rate shared over threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../loadgen/schedule.h"

static void test_schedule_even_spacing(void **state)
{
	struct schedule s;
	(void)state;
	schedule_init(&s, ARRIVALS_EVEN, 1000.0, 1, 0, 7);
	uint64_t prev = schedule_next(&s);
	assert_int_equal(prev, 0);
	for (int i = 1; i < 10000; i++) {
		uint64_t t = schedule_next(&s);
		/* 1 ms apart; the double accumulator may round a nanosecond either way */
		assert_true(t - prev >= 999999 && t - prev <= 1000001);
		prev = t;
	}
	/* no drift: the 10000th arrival is at 9.999 s to the nanosecond */
	assert_true(prev >= 9999000000ULL - 1 && prev <= 9999000000ULL + 1);
}

/* Inter-arrival gaps of a Poisson stream are exponential: mean 1/rate and variance
 * 1/rate^2. With n = 200000 gaps the standard error of the mean is 0.22 % and that of
 * the variance about 0.63 %; the bounds below are over 4 standard errors wide. */
static void test_schedule_poisson_mean_and_variance(void **state)
{
	const int n = 200000;
	const double rate = 2000.0, mean_ns = 1e9 / rate;
	struct schedule s;
	double sum = 0, sumsq = 0;
	(void)state;
	schedule_init(&s, ARRIVALS_POISSON, rate, 1, 0, 12345);
	uint64_t prev = 0;
	for (int i = 0; i < n; i++) {
		uint64_t t = schedule_next(&s);
		double gap = (double)(t - prev);
		sum += gap;
		sumsq += gap * gap;
		prev = t;
	}
	double mean = sum / n, var = sumsq / n - mean * mean;
	print_message("poisson %g/s: mean gap %.1f us (want %.1f), variance ratio %.4f (want 1)\n", rate,
		      mean / 1e3, mean_ns / 1e3, var / (mean_ns * mean_ns));
	assert_true(fabs(mean / mean_ns - 1.0) < 0.01);
	assert_true(fabs(var / (mean_ns * mean_ns) - 1.0) < 0.03);
}

/* Memorylessness: about e^-1 of the gaps exceed the mean. A schedule that was
 * evenly spaced or uniform would fail this. */
static void test_schedule_poisson_is_exponential(void **state)
{
	struct schedule s;
	int over = 0, n = 100000;
	(void)state;
	schedule_init(&s, ARRIVALS_POISSON, 100.0, 1, 0, 99);
	uint64_t prev = 0;
	for (int i = 0; i < n; i++) {
		uint64_t t = schedule_next(&s);
		if (t - prev > 10000000ULL)
			over++;
		prev = t;
	}
	double frac = (double)over / n;
	print_message("fraction of gaps over the mean: %.4f (want %.4f)\n", frac, exp(-1.0));
	assert_true(fabs(frac - exp(-1.0)) < 0.01);
}

static void test_schedule_same_seed_same_schedule(void **state)
{
	struct schedule a, b, c;
	int differ = 0;
	(void)state;
	schedule_init(&a, ARRIVALS_POISSON, 500.0, 2, 1, 42);
	schedule_init(&b, ARRIVALS_POISSON, 500.0, 2, 1, 42);
	schedule_init(&c, ARRIVALS_POISSON, 500.0, 2, 1, 43);
	for (int i = 0; i < 5000; i++) {
		uint64_t ta = schedule_next(&a), tb = schedule_next(&b), tc = schedule_next(&c);
		assert_int_equal(ta, tb);
		differ += ta != tc;
	}
	assert_true(differ > 4900);
}

static void test_schedule_threads_have_distinct_streams(void **state)
{
	struct schedule a, b;
	int same = 0;
	(void)state;
	schedule_init(&a, ARRIVALS_POISSON, 1000.0, 2, 0, 42);
	schedule_init(&b, ARRIVALS_POISSON, 1000.0, 2, 1, 42);
	for (int i = 0; i < 1000; i++)
		same += schedule_next(&a) == schedule_next(&b);
	assert_true(same < 10);
}

static void test_schedule_share_sums_to_rate(void **state)
{
	(void)state;
	for (unsigned threads = 1; threads <= 16; threads++) {
		double sum = 0;
		for (unsigned i = 0; i < threads; i++) {
			struct schedule s;
			schedule_init(&s, ARRIVALS_POISSON, 20000.0, threads, i, 1);
			sum += s.rate;
		}
		assert_true(fabs(sum - 20000.0) < 1e-6);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Three threads of even arrivals at 3000/s in all: merged, they are one arrival
 * every 1/3000 s, as one thread at 3000/s would be. */
static void test_schedule_even_threads_interleave(void **state)
{
	enum { THREADS = 3, EACH = 2000 };
	static uint64_t all[THREADS * EACH];
	(void)state;
	for (unsigned i = 0; i < THREADS; i++) {
		struct schedule s;
		schedule_init(&s, ARRIVALS_EVEN, 3000.0, THREADS, i, 1);
		for (int k = 0; k < EACH; k++)
			all[i * EACH + k] = schedule_next(&s);
	}
	qsort(all, THREADS * EACH, sizeof all[0], cmp_u64);
	for (int k = 1; k < THREADS * EACH; k++) {
		uint64_t gap = all[k] - all[k - 1];
		assert_true(gap >= 333332 && gap <= 333335);
	}
}

/* Poisson over 4 threads: the arrivals of 10 s together number rate x 10 s, within
 * 4 standard deviations (sqrt of the mean for a Poisson count). */
static void test_schedule_poisson_threads_total_rate(void **state)
{
	const double rate = 1000.0, horizon = 10e9;
	uint64_t count = 0;
	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		struct schedule s;
		schedule_init(&s, ARRIVALS_POISSON, rate, 4, i, 2024);
		while (schedule_next(&s) < (uint64_t)horizon)
			count++;
	}
	print_message("4 threads, %g/s for 10 s: %llu arrivals (want 10000 +- 400)\n", rate,
		      (unsigned long long)count);
	assert_true(count > 9600 && count < 10400);
}

static void test_schedule_set_rate(void **state)
{
	struct schedule s;
	(void)state;
	schedule_init(&s, ARRIVALS_EVEN, 100.0, 1, 0, 1);
	assert_int_equal(schedule_next(&s), 0);
	assert_int_equal(schedule_peek(&s), 10000000ULL);

	schedule_set_rate(&s, 0.0, 5000000ULL);       /* paused: no arrival */
	assert_int_equal(schedule_peek(&s), UINT64_MAX);
	assert_int_equal(schedule_next(&s), UINT64_MAX);

	schedule_set_rate(&s, 1000.0, 50000000ULL);   /* resumes at 1000/s from 50 ms */
	assert_int_equal(schedule_next(&s), 50000000ULL);
	assert_int_equal(schedule_next(&s), 51000000ULL);

	schedule_set_rate(&s, 10.0, 60000000ULL);     /* even: restarts at now, new spacing */
	assert_int_equal(schedule_next(&s), 60000000ULL);
	assert_int_equal(schedule_next(&s), 160000000ULL);
}

static void test_prng_unit_range(void **state)
{
	struct prng r;
	double lo = 1, hi = 0, sum = 0;
	(void)state;
	prng_seed(&r, 0);
	for (int i = 0; i < 100000; i++) {
		double u = prng_unit(&r);
		assert_true(u >= 0.0 && u < 1.0);
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
		sum += u;
	}
	assert_true(lo < 0.001 && hi > 0.999);
	assert_true(fabs(sum / 100000 - 0.5) < 0.005);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedule_even_spacing),
		cmocka_unit_test(test_schedule_poisson_mean_and_variance),
		cmocka_unit_test(test_schedule_poisson_is_exponential),
		cmocka_unit_test(test_schedule_same_seed_same_schedule),
		cmocka_unit_test(test_schedule_threads_have_distinct_streams),
		cmocka_unit_test(test_schedule_share_sums_to_rate),
		cmocka_unit_test(test_schedule_even_threads_interleave),
		cmocka_unit_test(test_schedule_poisson_threads_total_rate),
		cmocka_unit_test(test_schedule_set_rate),
		cmocka_unit_test(test_prng_unit_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
