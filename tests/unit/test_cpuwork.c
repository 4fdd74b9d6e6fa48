/* test_cpuwork.c: work_us=1000 costs about 1 ms of CPU, and cost scales with work_us. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "cpuwork.h"

#define RUNS 7

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Median thread CPU time of RUNS calls of cpuwork_do(work_us), in ns. The median
 * ignores the odd run slowed by another process sharing the core. */
static uint64_t median_cost_ns(uint32_t work_us)
{
	uint64_t ns[RUNS];
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = clock_thread_cpu_ns();
		cpuwork_do(work_us);
		ns[i] = clock_thread_cpu_ns() - t0;
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp_u64);
	return ns[RUNS / 2];
}

static int setup_calibrate(void **state)
{
	(void)state;
	uint64_t t0 = clock_thread_cpu_ns();
	cpuwork_calibrate();
	print_message("calibration: %.1f iterations/us, took %.1f ms of CPU\n",
		      cpuwork_iterations_per_us(), (double)(clock_thread_cpu_ns() - t0) / 1e6);
	return 0;
}

static void test_cpuwork_1000us_is_about_1ms(void **state)
{
	(void)state;
	assert_true(cpuwork_iterations_per_us() > 0);
	uint64_t ns = median_cost_ns(1000);
	print_message("cpuwork_do(1000): median %.3f ms of thread CPU\n", (double)ns / 1e6);
	assert_true(ns >= 500 * NS_PER_US);
	assert_true(ns <= 2000 * NS_PER_US);
}

static void test_cpuwork_scales_with_work(void **state)
{
	(void)state;
	uint64_t one = median_cost_ns(1000);
	uint64_t twenty = median_cost_ns(20000);
	double ratio = (double)twenty / (double)one;
	print_message("cpuwork_do(20000) / cpuwork_do(1000) = %.3f ms / %.3f ms = %.1f\n",
		      (double)twenty / 1e6, (double)one / 1e6, ratio);
	assert_true(ratio >= 12.0 && ratio <= 30.0);
}

static void test_cpuwork_zero_is_cheap(void **state)
{
	(void)state;
	uint64_t ns = median_cost_ns(0);
	print_message("cpuwork_do(0): median %llu ns\n", (unsigned long long)ns);
	assert_true(ns < 50 * NS_PER_US);
	/* the result depends on the work asked, so it was really computed */
	assert_true(cpuwork_do(10) != cpuwork_do(11));
}

static void *worker(void *arg)
{
	uint64_t *out = arg;
	for (int i = 0; i < 20; i++)
		*out = cpuwork_do(100);
	return NULL;
}

/* Cashiers call it from many threads at once (TSan checks the shared sink). */
static void test_cpuwork_threads(void **state)
{
	(void)state;
	pthread_t t[2];
	uint64_t out[2] = { 0, 0 };
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &out[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	/* same work, same hash, whichever thread */
	assert_int_equal(out[0], cpuwork_do(100));
	assert_int_equal(out[1], cpuwork_do(100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuwork_1000us_is_about_1ms),
		cmocka_unit_test(test_cpuwork_scales_with_work),
		cmocka_unit_test(test_cpuwork_zero_is_cheap),
		cmocka_unit_test(test_cpuwork_threads),
	};
	return cmocka_run_group_tests(tests, setup_calibrate, NULL);
}
