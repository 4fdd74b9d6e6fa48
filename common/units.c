/* units.c: durations, counts and rates as people type them (see units.h).
 *
 * Counts are parsed with integers, not strtod, so that a 64-bit seed or a count of
 * 2^53 + 1 is exact; a fraction is only allowed when the suffix makes it whole.
 */
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The multiplier of a count suffix, or 0 when s is not one ("" is 1). */
static uint64_t count_suffix(const char *s)
{
	if (*s == '\0')
		return 1;
	if (s[1] != '\0')
		return 0;
	switch (*s) {
	case 'k': case 'K': return 1000ULL;
	case 'M': return 1000000ULL;
	case 'G': return 1000000000ULL;
	default: return 0;
	}
}

int units_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, frac_div = 1, mult;
	const char *p = s;

	if (!s || *p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (frac_div >= 1000000000ULL)
				return -EINVAL; /* more digits than any suffix can make whole */
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_div *= 10;
		}
	}
	mult = count_suffix(p);
	if (mult == 0)
		return -EINVAL;
	if ((frac * mult) % frac_div != 0)
		return -EINVAL; /* "1.5" or "1.0005k": not a whole count */
	if (whole > UINT64_MAX / mult)
		return -ERANGE;
	uint64_t v = whole * mult, add = frac * mult / frac_div;
	if (v > UINT64_MAX - add)
		return -ERANGE;
	v += add;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int units_parse_rate(const char *s, double max, int allow_zero, double *out)
{
	char *end;
	double v, mult;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		return -EINVAL;
	mult = (double)count_suffix(end);
	if (mult == 0)
		return -EINVAL;
	v *= mult;
	if ((v == 0 && !allow_zero) || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int units_parse_duration_ns(const char *s, uint64_t bare_unit_ns, uint64_t max_ns, uint64_t *out_ns)
{
	static const struct { const char *suffix; double ns; } units[] = {
		{ "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
	};
	char *end;
	double v, unit = (double)bare_unit_ns;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || strchr("0123456789.-+", *s) == NULL || strpbrk(s, "xXpPeE"))
		return -EINVAL; /* no hex, no "inf", no exponent: 1e3s reads as a typo */
	if (*end) {
		size_t i, n = sizeof units / sizeof units[0];
		for (i = 0; i < n && strcmp(end, units[i].suffix) != 0; i++)
			;
		if (i == n)
			return -EINVAL;
		unit = units[i].ns;
	}
	double total = v * unit;
	if (total < 0 || total > (double)max_ns || total > 1.8e19)
		return -ERANGE;
	*out_ns = (uint64_t)llround(total);
	return 0;
}

int units_parse_duration_in(const char *s, uint64_t unit_ns, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t ns;
	double cap = (double)max * (double)unit_ns;
	int rc = units_parse_duration_ns(s, unit_ns, cap > 1.8e19 ? UINT64_MAX : max * unit_ns, &ns);

	if (rc)
		return rc;
	if (ns % unit_ns)
		return -EINVAL;
	if (ns / unit_ns < min)
		return -ERANGE;
	*out = ns / unit_ns;
	return 0;
}
