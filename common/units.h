/* units.h: the one parser of durations and the one of counts and rates, for every flag
 * of every program (issue 18), so that `-d 2m`, `--idle-ms 2s` and `--stoves 1k` mean the
 * same thing wherever they are typed.
 *
 *   durations: 250us, 500ms, 1.5s, 2m, 1h, or a bare number in the flag's own unit
 *              (seconds for -d, milliseconds for --idle-ms, microseconds for --work-us)
 *   counts:    20, 1k (1000), 20k, 1.5M, 2G: a whole number once scaled (1.5k yes, 1.5 no)
 *   rates:     as counts, but any positive real: 0.5, 1e4, 2.5k
 *
 * k is 1000, M a million, G a billion (no m: in a rate it would read as milli or minutes).
 * Each returns 0, -EINVAL for text that is not one, or -ERANGE outside [min, max].
 */
#ifndef LUNCHRUSH_UNITS_H
#define LUNCHRUSH_UNITS_H

#include <stdint.h>

#define UNITS_NS_PER_US 1000ULL
#define UNITS_NS_PER_MS 1000000ULL
#define UNITS_NS_PER_S 1000000000ULL

/* A duration into nanoseconds; a bare number is in bare_unit_ns (UNITS_NS_PER_S, ...).
 * Negative durations are -ERANGE; at most max_ns. */
int units_parse_duration_ns(const char *s, uint64_t bare_unit_ns, uint64_t max_ns, uint64_t *out_ns);

/* A duration in whole units of unit_ns (a flag named --x-ms takes unit_ns =
 * UNITS_NS_PER_MS): "2s" is 2000, "1.5ms" is refused (-EINVAL: not whole). */
int units_parse_duration_in(const char *s, uint64_t unit_ns, uint64_t min, uint64_t max, uint64_t *out);

/* A count within [min, max]: digits, an optional fraction, an optional k/K, M or G. */
int units_parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A rate per second within (0, max] (or [0, max] when allow_zero): as a count, but real. */
int units_parse_rate(const char *s, double max, int allow_zero, double *out);

#endif
