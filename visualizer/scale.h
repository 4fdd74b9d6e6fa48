/* scale.h: the numbers behind the dashboard's charts (issue 18), apart from the drawing
 * so a test can check them: one logarithmic latency axis shared by both halves (1 ms
 * at the bottom, 10 s at the top, a decade a quarter of the height), one linear
 * throughput axis with a round top shared by both halves, and the last 60 s spread
 * over the width of a half. No ncurses.
 */
#ifndef LUNCHRUSH_SCALE_H
#define LUNCHRUSH_SCALE_H

#include <stdbool.h>

#include "model.h"

#define SCALE_LOG_MIN_MS 1.0      /* the bottom of the latency axis */
#define SCALE_DECADES 4           /* 1 ms, 10 ms, 100 ms, 1 s, 10 s */
#define SCALE_SPAN_S MODEL_HISTORY /* the time axis: the last 60 s */

/* The height of a bar, in eighths of a row, out of `eighths`: 0 for no value (NaN,
 * zero, negative), at least 1 for any value above zero, `eighths` at and above the top. */
int scale_log_eighths(double ms, int eighths);
int scale_lin_eighths(double v, double top, int eighths);

/* The row (0 = the bottom one, of `rows`) where decade d (0: 1 ms .. 4: 10 s) is
 * labelled, or -1 when a more important label has that row: the bottom and the top
 * decades first, then the middle, then the rest. */
int scale_decade_row(int d, int rows);
const char *scale_decade_label(int d);   /* "1ms" .. "10s" */

/* A round top (1, 2 or 5 times a power of ten) at or above every rate of both halves,
 * their arrival rates included, with a tenth of room; at least 10/s. */
double scale_rate_top(const struct snapshot *s);

/* The value of each of `cols` columns covering the last SCALE_SPAN_S seconds of v (n
 * values, one a second, oldest first; the newest at the right edge): the largest
 * (latency) or the mean (throughput) of the seconds a column covers; -1 for a column
 * with no second recorded yet. */
void scale_columns(const float *v, int n, int cols, bool largest, float *out);

/* The ratio banner: "blocking p99 = 134 x evented" into buf when both halves have
 * latencies this tick; false (and buf "") otherwise. */
bool scale_ratio_banner(const struct snapshot *s, char *buf, size_t len);

/* A half has latencies this tick (a recording keeps no count: its p99 is the sign). */
bool scale_has_latency(const struct side_snapshot *ss);

#endif
