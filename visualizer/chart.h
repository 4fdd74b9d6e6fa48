/* chart.h: the dashboard's two charts per half, drawn on the shared scales of scale.h:
 * latency (p99 per second) on the logarithmic axis with its decades labelled, and
 * throughput on the linear axis with the arrival rate marked; the last 60 s across
 * the width given, the newest second at the right.
 */
#ifndef LUNCHRUSH_CHART_H
#define LUNCHRUSH_CHART_H

#include <curses.h>

#include "viewkit.h"

#define CHART_LABEL_COLS 6   /* the axis labels ("100ms", "200/s"), then the axis */

struct chart {
	WINDOW *w;
	int y, x, width, rows;   /* the whole chart, labels included */
	const struct glyphs *g;
	attr_t bar, dim;
};

void chart_latency(const struct chart *c, const float *p99_ms, int n);
void chart_rate(const struct chart *c, const float *rps, int n, double top, double arrival_rps);

#endif
