/* cpuwork.c: the cashier's calibrated CPU work (see cpuwork.h).
 *
 * The work is a chain of xorshift-multiply steps: each step needs the previous result,
 * so it cannot be vectorised, reordered or skipped, and it touches no memory, so it
 * costs the same under the sanitizers. Lesson 5 turns work_us up to show a CPU-bound
 * order stalling an event loop while the thread-per-request server shares the cores.
 */
#include "cpuwork.h"

#include <pthread.h>

#include "clock.h"

#define CALIBRATE_ITERATIONS (1u << 18)        /* one timed run: a few hundred us */
#define CALIBRATE_BUDGET_NS (30 * NS_PER_MS)   /* total calibration CPU time */
#define CALIBRATE_MIN_RUNS 5
#define CALIBRATE_MAX_RUNS 200

/* Written by cpuwork_calibrate, read by every cashier: relaxed atomics on a double. */
static double iterations_per_us;
static pthread_once_t calibrate_once = PTHREAD_ONCE_INIT;

/* The result of every call lands here, so the computation has an observable effect. */
static volatile uint64_t cpuwork_sink;

static uint64_t hash_chain(uint64_t x, uint64_t iterations)
{
	for (uint64_t i = 0; i < iterations; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		x *= 0x2545f4914f6cdd1dULL;
	}
	return x;
}

/* Run a fixed chain again and again for about 30 ms of thread CPU time and keep the
 * fastest run: interruptions (other threads, migrations, page faults) only ever make
 * a run slower, so the minimum is the closest to the CPU's real speed. */
void cpuwork_calibrate(void)
{
	uint64_t best_ns = UINT64_MAX, spent_ns = 0;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (int run = 0; run < CALIBRATE_MAX_RUNS; run++) {
		if (run >= CALIBRATE_MIN_RUNS && spent_ns >= CALIBRATE_BUDGET_NS)
			break;
		uint64_t t0 = clock_thread_cpu_ns();
		x = hash_chain(x, CALIBRATE_ITERATIONS);
		__atomic_store_n(&cpuwork_sink, x, __ATOMIC_RELAXED);
		uint64_t ns = clock_thread_cpu_ns() - t0;
		spent_ns += ns;
		if (ns > 0 && ns < best_ns)
			best_ns = ns;
	}
	if (best_ns == UINT64_MAX)
		best_ns = 1;
	double per_us = (double)CALIBRATE_ITERATIONS * 1000.0 / (double)best_ns;
	__atomic_store(&iterations_per_us, &per_us, __ATOMIC_RELEASE);
}

static void calibrate_once_fn(void)
{
	cpuwork_calibrate();
}

double cpuwork_iterations_per_us(void)
{
	double per_us;
	__atomic_load(&iterations_per_us, &per_us, __ATOMIC_ACQUIRE);
	if (per_us > 0)
		return per_us;
	/* a caller that forgot to calibrate gets it done once, on its first order */
	pthread_once(&calibrate_once, calibrate_once_fn);
	__atomic_load(&iterations_per_us, &per_us, __ATOMIC_ACQUIRE);
	return per_us;
}

/* Cost: work_us microseconds of this thread's CPU, within the calibration's accuracy. */
uint64_t cpuwork_do(uint32_t work_us)
{
	uint64_t iterations = (uint64_t)(cpuwork_iterations_per_us() * (double)work_us + 0.5);
	uint64_t x = hash_chain(0x9e3779b97f4a7c15ULL ^ work_us, iterations);
	__atomic_store_n(&cpuwork_sink, x, __ATOMIC_RELAXED);
	return x;
}
