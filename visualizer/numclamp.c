/* numclamp.c: see numclamp.h. The comparisons come before any conversion: a NaN fails
 * every one of them, so it never reaches a cast. */
#include "numclamp.h"

int clamp_int(double v, int lo, int hi)
{
	if (!(v > lo)) /* NaN lands here too */
		return lo;
	if (v >= hi)
		return hi;
	return (int)v;
}

double clamp_double(double v, double lo, double hi)
{
	if (!(v > lo))
		return lo;
	return v < hi ? v : hi;
}

int64_t clamp_add_i64(int64_t a, int64_t b)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : INT64_MIN;
	return r;
}
