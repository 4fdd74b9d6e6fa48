/* ghost.c: the model over the live screen (see ghost.h). It knows three things of
 * view.c's normal layout: the halves split at (cols - 1) / 2, the title on row 0, the
 * line on row 2 after the 11 columns of "line NNNNN ". */
#include "ghost.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "viewkit.h"

#define GHOST_LINE_X 11
#define GHOST_LINE_ROW 2

static bool gap(double measured, double model, double tol)
{
	return fabs(model - measured) > tol * fabs(measured) && fabs(model - measured) > 1.0;
}

static void ghost_half(WINDOW *w, int x, int width, const struct sim_window *mw, int64_t line,
		       const struct side_snapshot *ss, const struct view_opts *o)
{
	char rate[24], p99[24], text[96];
	double T = mw->length_s > 0 ? mw->length_s : 1;
	double served = mw->served / T;
	bool off = ss->server_up && ss->latency_count &&
		   (gap(ss->throughput_rps, served, 0.05) || gap(ss->p99_ms, mw->p99_ms, 0.25));
	snprintf(text, sizeof text, " model %s p99 %s line %lld%s ", fmt_rate(rate, sizeof rate, served),
		 fmt_ms(p99, sizeof p99, mw->p99_ms), (long long)line, off ? " !" : "");
	int len = (int)strlen(text);
	if (len < width - 30)  /* leave the title its room */
		vk_put(w, 0, x + width - len, len, viewkit_attr(o, off ? VA_WARN : VA_TITLE), "%s", text);
	if (o->big)
		return;
	int at = GHOST_LINE_X + (int)line;
	if (line > 0 && at < width - 1)
		vk_put(w, GHOST_LINE_ROW, x + at, 1, viewkit_attr(o, VA_DIM) | A_BOLD, "%s", o->ascii ? "|" : "\u2506");
}

void ghost_draw(WINDOW *w, const struct sim_ghost *g, const struct snapshot *s, const struct view_opts *o)
{
	int rows, cols, need_r, need_c;
	if (!g->shown)
		return;
	getmaxyx(w, rows, cols);
	view_min_size(o, &need_r, &need_c);
	if (rows < need_r || cols < need_c)
		return;
	int hw = (cols - 1) / 2;
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct sim_window *mw = sim_ghost_second(g, i);
		if (mw && s->side[i].present && !s->side[i].black_box) /* no model of a peer (issue 14) */
			ghost_half(w, i == 0 ? 0 : hw + 1, i == 0 ? hw : cols - hw - 1, mw, sim_ghost_line_now(g, i),
				   &s->side[i], o);
	}
	wnoutrefresh(w);
}
