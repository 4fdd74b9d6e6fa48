/* clock.h: monotonic time in the units the project counts in.
 * Every latency in lunchrush is measured with CLOCK_MONOTONIC, never the wall clock. */
#ifndef LUNCHRUSH_CLOCK_H
#define LUNCHRUSH_CLOCK_H

#include <stdint.h>

#define NS_PER_US 1000ULL
#define NS_PER_MS 1000000ULL
#define NS_PER_SEC 1000000000ULL

uint64_t clock_now_ns(void);         /* CLOCK_MONOTONIC */
uint64_t clock_thread_cpu_ns(void);  /* CPU time of the calling thread */
uint64_t clock_unix_ms(void);        /* wall clock, for labels only */
void clock_sleep_ns(uint64_t ns);    /* sleeps the whole time, across EINTR */

/* Sleep ns in slices of slice_ns, returning early once *stop (read atomically) is set:
 * a long sleep that a shutdown must still be able to cut short ("the chef faints"). */
void clock_sleep_unless(uint64_t ns, uint64_t slice_ns, const int *stop);

#endif
