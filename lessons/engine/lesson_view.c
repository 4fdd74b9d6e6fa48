/* lesson_view.c: the two restaurants drawn narrow and stacked, for the column beside
 * the lesson pane when the terminal is too small for the dashboard's own view
 * (view_draw needs 76 columns). Draws a snapshot only, with the dashboard's glyphs and
 * colours (viewkit.h): nothing here reads a scoreboard or the clock.
 */
#include "lesson_view.h"

#include <stdio.h>
#include <string.h>

#include "../../visualizer/fmt.h"
#include "../../visualizer/viewkit.h"

/* A row of n glyphs, "+N" for those that do not fit. */
static void crowd(WINDOW *w, int y, int x, int width, int64_t n, const char *glyph, attr_t attr)
{
	if (n <= 0 || width < 6)
		return;
	int64_t shown = n <= width ? n : width - 7;
	wattron(w, attr);
	for (int64_t i = 0; i < shown; i++)
		mvwaddstr(w, y, x + (int)i, glyph);
	wattroff(w, attr);
	if (shown < n)
		vk_put(w, y, x + (int)shown, width - (int)shown, A_BOLD, " +%lld", (long long)(n - shown));
}

/* One restaurant in h rows from row y: title, the scene, figures. Returns rows used. */
static int draw_side(WINDOW *w, int y, int width, int h, enum arena_side side, const struct side_snapshot *ss,
		     const struct view_opts *o)
{
	const struct glyphs *g = viewkit_glyphs(o);
	char a[24], b[24], c[24];
	int row = y;
	if (!ss->present)
		return 0;
	if (side == SIDE_BLOCKING)
		vk_put(w, row++, 0, width, viewkit_attr(o, VA_TITLE), " BLOCKING  %u cashier threads%*s",
		       ss->threads_cfg, width, "");
	else
		vk_put(w, row++, 0, width, viewkit_attr(o, VA_TITLE), " EVENTED  %u loop%s, %u helpers%*s", ss->loops_cfg,
		       ss->loops_cfg == 1 ? "" : "s", ss->helpers_cfg, width, "");
	if (!ss->server_up) {
		vk_put(w, row++, 1, width - 1, viewkit_attr(o, VA_BAD), "down %s", ss->reason);
		return row - y;
	}
	if (row < y + h) {
		vk_put(w, row, 1, 11, A_NORMAL, "line %5lld", (long long)ss->in_line);
		crowd(w, row++, 12, width - 12, ss->in_line, g->customer, viewkit_attr(o, VA_CUSTOMER));
	}
	if (row < y + h) {
		int x = vk_put(w, row, 1, width - 1, A_NORMAL, "cashiers ") + 1;
		uint32_t n = ss->cashiers < SNAP_CASHIERS ? ss->cashiers : SNAP_CASHIERS;
		for (uint32_t i = 0; i < n && x < width - 16; i++, x++) {
			uint8_t s = ss->cashier_state[i];
			attr_t at = s == CASHIER_FROZEN ? viewkit_attr(o, VA_BAD) : s == CASHIER_IDLE ? viewkit_attr(o, VA_DIM)
											: A_BOLD;
			wattron(w, at);
			mvwaddstr(w, row, x, g->cashier[s < CASHIER_STATE_COUNT ? s : 0]);
			wattroff(w, at);
		}
		vk_put(w, row++, x + 1, width - x - 1, A_NORMAL, "kitchen %lld", (long long)ss->in_kitchen);
	}
	if (row < y + h)
		vk_put(w, row++, 1, width - 1, A_NORMAL, "served %s  offered %s", fmt_rate(a, sizeof a, ss->throughput_rps),
		       fmt_rate(b, sizeof b, ss->offered_rps));
	if (row < y + h)
		vk_put(w, row++, 1, width - 1, ss->p99_ms > 1000 ? viewkit_attr(o, VA_BAD) : A_NORMAL,
		       "p50 %s  p99 %s  max %s", fmt_ms(a, sizeof a, ss->p50_ms), fmt_ms(b, sizeof b, ss->p99_ms),
		       fmt_ms(c, sizeof c, ss->max_ms));
	if (row < y + h)
		vk_put(w, row++, 1, width - 1, A_NORMAL, "threads %ld  rss %s  cpu %.0f%%", ss->threads,
		       fmt_kb(a, sizeof a, ss->rss_kb), ss->cpu_pct);
	if (row < y + h && side == SIDE_EVENTED)
		vk_put(w, row++, 1, width - 1, ss->loop_lag_p99_ms > 10 ? viewkit_attr(o, VA_WARN) : A_NORMAL,
		       "loop lag p99 %s  busy %.0f%%", fmt_ms(a, sizeof a, ss->loop_lag_p99_ms), ss->loop_util_pct);
	if (row < y + h)
		vk_put(w, row++, 1, width - 1, viewkit_attr(o, VA_DIM), "L %.1f  %s W %.1f", ss->little_l, g->lambda,
		       ss->little_lw);
	return row - y;
}

void lesson_view_draw(WINDOW *w, const struct snapshot *s, const struct view_opts *o)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	werase(w);
	int y = 0, half = rows / 2;
	for (int i = 0; i < SIDE_COUNT; i++) {
		int h = s->side[i].present && s->side[1 - i].present ? half : rows;
		int used = draw_side(w, y, cols, h - 1, i, &s->side[i], o);
		if (used)
			y += used + 1;
	}
	if (!s->side[0].present && !s->side[1].present)
		vk_put(w, rows / 2, 1, cols - 1, viewkit_attr(o, VA_DIM), "no restaurant open yet");
	wnoutrefresh(w);
}
