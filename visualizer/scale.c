/* scale.c: see scale.h. Lesson 2 (the lunch rush) leans on these: two halves drawn to
 * their own scale made 13 s and 50 ms look alike (issue 18). */
#include "scale.h"

#include <math.h>
#include <stdio.h>

#include "numclamp.h"

int scale_log_eighths(double ms, int eighths)
{
	if (!(ms > 0) || eighths <= 0)
		return 0;
	double frac = (log10(ms) - log10(SCALE_LOG_MIN_MS)) / SCALE_DECADES;
	int level = clamp_int(frac * eighths + 0.5, 0, eighths);
	return level > 0 ? level : 1;
}

int scale_lin_eighths(double v, double top, int eighths)
{
	if (!(v > 0) || !(top > 0) || eighths <= 0)
		return 0;
	int level = clamp_int(v / top * eighths + 0.5, 0, eighths);
	return level > 0 ? level : 1;
}

/* The row of decade d's eighth, then the bottom and top decades claim their rows
 * before the middle one, the middle before the quarters. */
static int natural_row(int d, int rows)
{
	int r = d * rows / SCALE_DECADES;
	return r < rows ? r : rows - 1;
}

int scale_decade_row(int d, int rows)
{
	static const int order[SCALE_DECADES + 1] = { 0, SCALE_DECADES, SCALE_DECADES / 2, 1, SCALE_DECADES - 1 };
	if (d < 0 || d > SCALE_DECADES || rows <= 0)
		return -1;
	int row = natural_row(d, rows);
	for (int i = 0; i <= SCALE_DECADES && order[i] != d; i++)
		if (natural_row(order[i], rows) == row)
			return -1;
	return row;
}

const char *scale_decade_label(int d)
{
	static const char *const labels[SCALE_DECADES + 1] = { "1ms", "10ms", "100ms", "1s", "10s" };
	return d >= 0 && d <= SCALE_DECADES ? labels[d] : "";
}

static double positive(double x)
{
	return isfinite(x) && x > 0 ? x : 0;
}

double scale_rate_top(const struct snapshot *s)
{
	double top = 0;
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct side_snapshot *ss = &s->side[i];
		if (!ss->present)
			continue;
		double v[] = { ss->offered_rps, ss->throughput_rps, ss->arrival_rps, ss->rate };
		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			if (positive(v[k]) > top)
				top = positive(v[k]);
		for (uint32_t k = 0; k < ss->history_len && k < MODEL_HISTORY; k++)
			if (positive(ss->history_rps[k]) > top)
				top = positive(ss->history_rps[k]);
	}
	top = top * 1.1 < 1e12 ? top * 1.1 : 1e12;
	double p = 10;
	while (p < top) {
		if (2 * p >= top)
			return 2 * p;
		if (5 * p >= top)
			return 5 * p;
		p *= 10;
	}
	return p;
}

void scale_columns(const float *v, int n, int cols, bool largest, float *out)
{
	if (n > SCALE_SPAN_S)
		n = SCALE_SPAN_S;
	for (int c = 0; c < cols; c++) {
		/* the seconds ago this column covers: [lo, hi] */
		int lo = (cols - 1 - c) * SCALE_SPAN_S / cols;
		int hi = (cols - c) * SCALE_SPAN_S / cols - 1;
		if (hi < lo)
			hi = lo;
		double acc = 0;
		int seen = 0;
		for (int ago = lo; ago <= hi && ago < n; ago++) {
			double x = positive(v[n - 1 - ago]);
			acc = largest ? (x > acc ? x : acc) : acc + x;
			seen++;
		}
		out[c] = seen == 0 ? -1.0f : (float)(largest ? acc : acc / seen);
	}
}

bool scale_has_latency(const struct side_snapshot *ss)
{
	return ss->present && ss->server_up && (ss->latency_count > 0 || positive(ss->p99_ms) > 0);
}

static const char *side_name(const struct side_snapshot *ss, int i)
{
	if (ss->restaurant[0])
		return ss->restaurant;
	if (ss->model[0])
		return ss->model;
	return i == SIDE_BLOCKING ? "blocking" : "evented";
}

bool scale_ratio_banner(const struct snapshot *s, char *buf, size_t len)
{
	const struct side_snapshot *a = &s->side[SIDE_BLOCKING], *b = &s->side[SIDE_EVENTED];
	buf[0] = '\0';
	if (!scale_has_latency(a) || !scale_has_latency(b) || !(positive(a->p99_ms) > 0) || !(positive(b->p99_ms) > 0))
		return false;
	bool a_slower = a->p99_ms >= b->p99_ms;
	double r = a_slower ? a->p99_ms / b->p99_ms : b->p99_ms / a->p99_ms;
	r = clamp_double(r, 1, 1e9);
	const char *slow = a_slower ? side_name(a, SIDE_BLOCKING) : side_name(b, SIDE_EVENTED);
	const char *fast = a_slower ? side_name(b, SIDE_EVENTED) : side_name(a, SIDE_BLOCKING);
	snprintf(buf, len, r >= 10 ? "%s p99 = %.0f x %s" : "%s p99 = %.1f x %s", slow, r, fast);
	return true;
}
