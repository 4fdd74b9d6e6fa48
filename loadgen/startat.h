/* startat.h: --start-at, so that loadgen processes on several hosts start their
 * schedules in the same second (issue 17). The wall clock is used only to wait for
 * the start; every latency is still measured on CLOCK_MONOTONIC.
 */
#ifndef LOADGEN_STARTAT_H
#define LOADGEN_STARTAT_H

#include <signal.h>
#include <stddef.h>

#define START_AT_AHEAD_MAX_S 3600.0  /* a start further away than an hour is a mistake */
#define START_AT_LATE_MAX_S 1.0      /* a start this far past still runs, at once */

/* Seconds since the epoch ("1764870000", "1764870000.5") or an ISO 8601 time in UTC
 * ("2026-12-04T20:30:00Z", "2026-12-04 20:30:00", "+HH:MM" offsets too). 0 or -EINVAL. */
int start_at_parse(const char *s, double *epoch_s);

/* Is epoch_s a start we accept now (now_s, wall clock)? 0, or -ERANGE with a reason
 * in err that says how far ahead or behind it is. */
int start_at_check(double epoch_s, double now_s, char *err, size_t errlen);

/* The wall clock now, in seconds since the epoch. */
double start_at_now_s(void);

/* Sleep until epoch_s on the wall clock, waking for the signals in set (which the
 * caller keeps blocked). 0 at the start, -EINTR when one of them came first. */
int start_at_wait(double epoch_s, const sigset_t *set);

#endif
