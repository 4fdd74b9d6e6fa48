/* clock.c: monotonic time helpers (see clock.h). */
#define _POSIX_C_SOURCE 200809L
#include "clock.h"

#include <errno.h>
#include <time.h>

static uint64_t timespec_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NS_PER_SEC + (uint64_t)ts->tv_nsec;
}

uint64_t clock_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return timespec_ns(&ts);
}

uint64_t clock_thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return timespec_ns(&ts);
}

uint64_t clock_unix_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return timespec_ns(&ts) / NS_PER_MS;
}

void clock_sleep_unless(uint64_t ns, uint64_t slice_ns, const int *stop)
{
	uint64_t until = clock_now_ns() + ns;

	for (uint64_t now = clock_now_ns(); now < until && !__atomic_load_n(stop, __ATOMIC_ACQUIRE);
	     now = clock_now_ns())
		clock_sleep_ns(until - now < slice_ns ? until - now : slice_ns);
}

void clock_sleep_ns(uint64_t ns)
{
	struct timespec req = { .tv_sec = (time_t)(ns / NS_PER_SEC), .tv_nsec = (long)(ns % NS_PER_SEC) };
	struct timespec rem;

	if (ns == 0)
		return; /* a zero wait is no wait: nanosleep(0) still costs the timer slack (~50 us) */
	while (nanosleep(&req, &rem) != 0 && errno == EINTR)
		req = rem;
}
