/* startat.c: parse, check and wait for --start-at (see startat.h). */
#include "startat.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"

/* "YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|+HH:MM|-HH:MM]", read as UTC unless offset. */
static int parse_iso(const char *s, double *epoch_s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *p = strptime(s, "%Y-%m-%d", &tm);
	if (!p || (*p != 'T' && *p != ' '))
		return -EINVAL;
	p = strptime(p + 1, "%H:%M:%S", &tm);
	if (!p)
		return -EINVAL;
	double frac = 0;
	if (*p == '.') {
		char *end;
		frac = strtod(p, &end);
		p = end;
	}
	long offset_s = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm, used = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &used) != 2 || used != 5 || hh > 23 || mm > 59)
			return -EINVAL;
		offset_s = (*p == '+' ? 1 : -1) * (hh * 3600L + mm * 60L);
		p += 6;
	}
	if (*p)
		return -EINVAL;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*epoch_s = (double)t - (double)offset_s + frac;
	return 0;
}

int start_at_parse(const char *s, double *epoch_s)
{
	if (!s || !*s)
		return -EINVAL;
	if (strspn(s, "0123456789.") == strlen(s)) {
		char *end;
		errno = 0;
		double v = strtod(s, &end);
		if (*end || errno || !isfinite(v) || v <= 0)
			return -EINVAL;
		*epoch_s = v;
		return 0;
	}
	return parse_iso(s, epoch_s);
}

int start_at_check(double epoch_s, double now_s, char *err, size_t errlen)
{
	double ahead = epoch_s - now_s;
	if (ahead > START_AT_AHEAD_MAX_S)
		return errmsg_fail(err, errlen, -ERANGE, "--start-at is %.0f s from now, more than the hour allowed: "
				   "is the time in seconds since the epoch, in UTC?", ahead);
	if (ahead < -START_AT_LATE_MAX_S)
		return errmsg_fail(err, errlen, -ERANGE, "--start-at was %.1f s ago: pick a time a few seconds "
				   "ahead, after every host has started (is this host's clock in sync?)", -ahead);
	return 0;
}

double start_at_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* sigtimedwait is the sleep, so SIGINT or SIGTERM during the wait ends it at once;
 * the wall clock is read again after every wake-up (it may be stepped meanwhile). */
int start_at_wait(double epoch_s, const sigset_t *set)
{
	for (;;) {
		double left = epoch_s - start_at_now_s();
		if (left <= 0)
			return 0;
		if (left > START_AT_AHEAD_MAX_S)
			left = START_AT_AHEAD_MAX_S;
		struct timespec ts = { .tv_sec = (time_t)left, .tv_nsec = (long)((left - floor(left)) * 1e9) };
		if (sigtimedwait(set, NULL, &ts) > 0)
			return -EINTR;
	}
}
