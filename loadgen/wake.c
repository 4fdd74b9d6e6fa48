/* wake.c: the CPU cost of a sleep and its wake-up, measured (see wake.h). */
#include "wake.h"

#include <time.h>

#include "clock.h"

#define WAKE_PROBES 16
#define WAKE_PROBE_NS (20 * NS_PER_US)

/* Sleeps of 20 us on the monotonic clock (as the open loop's timer sleeps), the
 * thread's CPU time over them divided by their number; the median of three rounds, so
 * that one round preempted or interrupted does not set the figure. */
uint64_t wake_cost_ns(void)
{
	uint64_t round_ns[3];
	for (int r = 0; r < 3; r++) {
		uint64_t cpu0 = clock_thread_cpu_ns();
		for (int i = 0; i < WAKE_PROBES; i++) {
			struct timespec ts = { 0, (long)WAKE_PROBE_NS };
			clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		}
		round_ns[r] = (clock_thread_cpu_ns() - cpu0) / WAKE_PROBES;
	}
	uint64_t a = round_ns[0], b = round_ns[1], c = round_ns[2];
	uint64_t med = a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
	if (med < WAKE_COST_MIN_NS)
		med = WAKE_COST_MIN_NS;
	if (med > WAKE_COST_MAX_NS)
		med = WAKE_COST_MAX_NS;
	return med;
}

uint64_t wake_grid_ns(double rate, uint64_t wake_ns)
{
	if (!(rate > 0.0) || rate * (double)wake_ns / 1e9 < WAKE_GRID_CORE_SHARE)
		return 0;
	double grid = WAKE_GRID_ARRIVALS / rate * 1e9;
	return grid < (double)WAKE_GRID_MAX_NS ? (uint64_t)grid : WAKE_GRID_MAX_NS;
}
