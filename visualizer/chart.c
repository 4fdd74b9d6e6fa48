/* chart.c: see chart.h. */
#include "chart.h"

#include "fmt.h"
#include "scale.h"

#define PLOT_MAX_COLS 512

/* The axis glyph on every row; labels right-aligned in the columns before it. */
static void draw_axis(const struct chart *c)
{
	for (int r = 0; r < c->rows; r++)
		vk_put(c->w, c->y + r, c->x + CHART_LABEL_COLS, 1, c->dim, "%s", c->g->vline);
}

static void label(const struct chart *c, int row_from_bottom, const char *text)
{
	vk_put(c->w, c->y + c->rows - 1 - row_from_bottom, c->x, CHART_LABEL_COLS, c->dim, "%*s",
	       CHART_LABEL_COLS - 1, text);
}

/* Bars of levels[col] eighths, -1: nothing recorded (blank). */
static void draw_bars(const struct chart *c, const int *levels, int cols)
{
	int x0 = c->x + CHART_LABEL_COLS + 1;
	wattr_on(c->w, c->bar, NULL);
	for (int col = 0; col < cols; col++)
		for (int r = 0; r < c->rows; r++) {
			int cell = levels[col] - r * 8;
			if (cell > 0)
				mvwaddstr(c->w, c->y + c->rows - 1 - r, x0 + col, c->g->spark[cell >= 8 ? 7 : cell - 1]);
		}
	wattr_off(c->w, c->bar, NULL);
}

static int plot_cols(const struct chart *c)
{
	int cols = c->width - CHART_LABEL_COLS - 1;
	return cols < PLOT_MAX_COLS ? cols : PLOT_MAX_COLS;
}

void chart_latency(const struct chart *c, const float *p99_ms, int n)
{
	int cols = plot_cols(c);
	if (cols <= 0 || c->rows <= 0)
		return;
	float v[PLOT_MAX_COLS];
	int levels[PLOT_MAX_COLS];
	scale_columns(p99_ms, n, cols, true, v);
	for (int i = 0; i < cols; i++)
		levels[i] = v[i] < 0 ? -1 : scale_log_eighths(v[i], c->rows * 8);
	draw_axis(c);
	if (c->rows == 1)
		label(c, 0, "log");
	else
		for (int d = 0; d <= SCALE_DECADES; d++) {
			int r = scale_decade_row(d, c->rows);
			if (r >= 0)
				label(c, r, scale_decade_label(d));
		}
	draw_bars(c, levels, cols);
}

void chart_rate(const struct chart *c, const float *rps, int n, double top, double arrival_rps)
{
	int cols = plot_cols(c);
	if (cols <= 0 || c->rows <= 0)
		return;
	float v[PLOT_MAX_COLS];
	int levels[PLOT_MAX_COLS];
	scale_columns(rps, n, cols, false, v);
	for (int i = 0; i < cols; i++)
		levels[i] = v[i] < 0 ? -1 : scale_lin_eighths(v[i], top, c->rows * 8);
	draw_axis(c);
	char t[24];
	label(c, c->rows - 1, fmt_count(t, sizeof t, top));
	if (c->rows > 1)
		label(c, 0, "0");
	/* the arrival rate: a dotted line in its row where the bars do not reach */
	int la = scale_lin_eighths(arrival_rps, top, c->rows * 8);
	if (la > 0) {
		int ra = (la - 1) / 8, x0 = c->x + CHART_LABEL_COLS + 1;
		for (int col = 0; col < cols; col++)
			if (levels[col] <= ra * 8)
				vk_put(c->w, c->y + c->rows - 1 - ra, x0 + col, 1, c->dim, "%s", c->g->mark);
		if (ra > 0 && ra < c->rows - 1)
			label(c, ra, "arr");
	}
	draw_bars(c, levels, cols);
}
