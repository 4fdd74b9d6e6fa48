/* fmt.c: see fmt.h. Three significant figures are what a projector shows well. */
#include "fmt.h"

#include <stdio.h>

char *fmt_ms(char *buf, size_t len, double ms)
{
	if (!(ms >= 0)) /* negative, or NaN from a hostile recording */
		ms = 0;
	if (ms > 1e12) /* and infinity: 30 years are enough */
		ms = 1e12;
	if (ms < 1)
		snprintf(buf, len, "%.2fms", ms);
	else if (ms < 100)
		snprintf(buf, len, "%.1fms", ms);
	else if (ms < 1000)
		snprintf(buf, len, "%.0fms", ms);
	else if (ms < 100000)
		snprintf(buf, len, "%.2fs", ms / 1000);
	else
		snprintf(buf, len, "%.0fs", ms / 1000);
	return buf;
}

char *fmt_rate(char *buf, size_t len, double per_s)
{
	if (!(per_s >= 0))
		per_s = 0;
	if (per_s > 1e12)
		per_s = 1e12;
	if (per_s < 1000)
		snprintf(buf, len, "%.1f/s", per_s);
	else
		snprintf(buf, len, "%.0f/s", per_s);
	return buf;
}

char *fmt_kb(char *buf, size_t len, long kb)
{
	if (kb < 1000)
		snprintf(buf, len, "%ldKB", kb < 0 ? 0 : kb);
	else if (kb < 1000000)
		snprintf(buf, len, "%.1fMB", kb / 1024.0);
	else
		snprintf(buf, len, "%.2fGB", kb / (1024.0 * 1024.0));
	return buf;
}

char *fmt_count(char *buf, size_t len, double n)
{
	if (!(n >= 0))
		n = 0;
	if (n > 1e15)
		n = 1e15;
	if (n < 10000)
		snprintf(buf, len, "%.0f", n);
	else if (n < 1e6)
		snprintf(buf, len, "%.1fk", n / 1e3);
	else
		snprintf(buf, len, "%.1fM", n / 1e6);
	return buf;
}
