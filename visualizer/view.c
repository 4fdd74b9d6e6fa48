/* view.c: the two restaurants side by side (see view.h).
 *
 * Each half is the counter scene (door, line, cashiers, kitchen, pickup) over the
 * figures (throughput, latency, errors, the process, Little's law); the two charts of
 * both halves share their scales (scale.h). Under the halves a banner row (the ratio
 * of the two p99s, or what is happening: a start, a frozen cashier), then the status
 * bar and the keys. A taller terminal gives the line and the charts more rows; --big
 * trades the scene for three figures a room can read (view_big.c). The verdicts are
 * the model's (verdict.h): the view colours them, it does not judge.
 */
#include "view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "fmt.h"
#include "legend.h"
#include "numclamp.h"
#include "picker.h"
#include "scale.h"
#include "verdict.h"
#include "view_big.h"
#include "view_outside.h"
#include "view_parts.h"
#include "viewkit.h"

#define MIN_COLS 76
#define MIN_ROWS 18        /* the normal layout's fixed rows + the banner and status bar */
#define MIN_ROWS_BIG 23
#define FIXED_ROWS 14      /* rows of a half in the normal layout at its smallest */
#define BOTTOM_ROWS 3      /* the banner, the status bar, the keys */

/* Where each part of a half was drawn (a row, -1: not drawn, and the columns its
 * figures use), for the explain overlay. */
struct spots {
	int row[PART_COUNT];
	int used[PART_COUNT];
};

void view_screen_open(struct view_opts *o)
{
	set_escdelay(25);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	view_setup(o);
}

void view_setup(struct view_opts *o)
{
	if (!o->color || !has_colors()) {
		o->color = false;
		return;
	}
	start_color();
	use_default_colors();
	init_pair(VA_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(VA_GOOD, COLOR_GREEN, -1);
	init_pair(VA_WARN, COLOR_YELLOW, -1);
	init_pair(VA_BAD, COLOR_RED, -1);
	init_pair(VA_DIM, COLOR_CYAN, -1);
	init_pair(VA_BAR, COLOR_BLACK, COLOR_WHITE);
	init_pair(VA_CUSTOMER, COLOR_MAGENTA, -1);
}

void view_min_size(const struct view_opts *o, int *rows, int *cols)
{
	*rows = o->big ? MIN_ROWS_BIG : MIN_ROWS;
	*cols = MIN_COLS;
}

#define A(h, a) half_attr((h), (a))

/* The counter scene; returns the next free row. */
static int draw_scene(const struct half *h, int y, int line_rows, const struct side_snapshot *ss, struct spots *sp)
{
	const struct glyphs *g = h->g;
	char outside[24], door[48]; /* the door with the backlog when the kernel said it */
	snprintf(outside, sizeof outside, "%s", g->none); /* no load generator watched (yet) */
	if (ss->loadgen_up)
		snprintf(outside, sizeof outside, "%lld", (long long)ss->outside);
	if (ss->door_kernel)
		snprintf(door, sizeof door, "%lld/%lld", (long long)ss->door, (long long)ss->door_max);
	else
		snprintf(door, sizeof door, "%lld", (long long)ss->door);
	sp->row[PART_OUTSIDE] = y;
	sp->used[PART_OUTSIDE] = vk_put(h->w, y++, h->x, h->width, A(h, VA_NORMAL), "outside %s  door %s  conns %lld", outside, door,
	       (long long)ss->conns_open);

	sp->row[PART_LINE] = y;
	int n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "line %-5lld ", (long long)ss->in_line);
	half_crowd(h, y, h->x + n, line_rows, ss->in_line, g->customer, A(h, VA_CUSTOMER));
	sp->used[PART_LINE] = n;
	y += line_rows;

	bool loop = ss->model[0] == 'e';
	sp->row[loop ? PART_LOOP : PART_CASHIERS] = y;
	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "%s ", loop ? "loop    " : "cashiers");
	uint32_t shown = ss->cashiers < SNAP_CASHIERS ? ss->cashiers : SNAP_CASHIERS;
	int room = h->width - n - 14;
	if ((int)shown > room)
		shown = room > 0 ? (uint32_t)room : 0;
	for (uint32_t i = 0; i < shown; i++) {
		uint8_t s = ss->cashier_state[i];
		enum vattr a = s == CASHIER_IDLE ? VA_DIM : s == CASHIER_FROZEN ? VA_BAD : VA_GOOD;
		vk_put(h->w, y, h->x + n + (int)i, 1, A(h, a), "%s", g->cashier[s < CASHIER_STATE_COUNT ? s : 0]);
	}
	int x = n + (int)shown;
	if (shown < ss->cashiers)
		x += vk_put(h->w, y, h->x + x, 6, A(h, VA_WARN), "+%u", ss->cashiers - shown);
	uint32_t busy = ss->cashiers - ss->cashier_by_state[CASHIER_IDLE];
	x += vk_put(h->w, y++, h->x + x, h->width - x, A(h, VA_NORMAL), " %u/%u busy", busy, ss->cashiers);
	sp->used[loop ? PART_LOOP : PART_CASHIERS] = x;

	sp->row[PART_KITCHEN] = y;
	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "kitchen %-4lld", (long long)ss->in_kitchen);
	sp->used[PART_KITCHEN] = n;
	if (ss->kitchen_reason[0]) { /* a kitchen that is down is news, not an error count */
		vk_put(h->w, y++, h->x + n, h->width - n, A(h, VA_BAD), "%s", ss->kitchen_reason);
		return y;
	}
	int half = (h->width - n) / 2;
	struct half k = *h;
	k.width = n + half; /* the crowd stops at the pickup counter */
	half_crowd(&k, y, h->x + n, 1, ss->in_kitchen, g->cooking, A(h, VA_WARN));
	vk_put(h->w, y++, h->x + n + half, h->width - n - half, A(h, VA_NORMAL), " pickup %lld",
	       (long long)ss->handing_over);
	return y;
}

static void draw_errors(const struct half *h, int y, const struct side_snapshot *ss)
{
	if (ss->errors_total == 0) {
		vk_put(h->w, y, h->x, h->width, A(h, VA_GOOD), "errors none");
		return;
	}
	int x = vk_put(h->w, y, h->x, h->width, A(h, VA_BAD), "errors");
	for (int e = 0; e < SERR_COUNT; e++)
		if (ss->server_errors[e])
			x += vk_put(h->w, y, h->x + x, h->width - x, A(h, VA_BAD), " %s %llu",
				    scoreboard_server_error_name(e), (unsigned long long)ss->server_errors[e]);
	for (int e = 0; e < LERR_COUNT; e++)
		if (ss->loadgen_errors[e])
			x += vk_put(h->w, y, h->x + x, h->width - x, A(h, VA_BAD), " client-%s %llu",
				    scoreboard_loadgen_error_name(e), (unsigned long long)ss->loadgen_errors[e]);
}

/* The process rows: ours read their model's figures, a black box its tree's. Before
 * the first tick there is no CPU share or lag to show: "—", not 0. */
static int draw_process(const struct half *h, int y, const struct side_snapshot *ss, struct spots *sp)
{
	char a[24], cpu[24];
	sp->row[PART_PROCESS] = y;
	if (ss->black_box) {
		view_outside_process(h->w, y++, h->x, h->width, ss, h->o);
		vk_put(h->w, y++, h->x, h->width, A(h, VA_DIM), "Little from the client: L = outside + in flight");
		return y;
	}
	bool warming = half_warming(ss);
	if (warming)
		snprintf(cpu, sizeof cpu, "%s", h->g->none);
	else
		snprintf(cpu, sizeof cpu, "%.0f%%", clamp_double(ss->cpu_pct, 0, 1e6));
	sp->used[PART_PROCESS] = vk_put(h->w, y++, h->x, h->width, A(h, VA_NORMAL), "threads %ld  rss %s  cpu %s", ss->threads,
	       fmt_kb(a, sizeof a, ss->rss_kb), cpu);
	if (ss->model[0] == 'e') {
		/* a frozen loop takes no lag samples: its lag is unknown, not zero */
		bool has_lag = !warming && (ss->loop_lag_count > 0 || ss->loop_lag_p99_ms > 0);
		bool frozen = half_frozen(ss);
		char busy[24];
		if (warming)
			snprintf(busy, sizeof busy, "%s", h->g->none);
		else
			snprintf(busy, sizeof busy, "%.0f%%", clamp_double(ss->loop_util_pct, 0, 100));
		sp->row[PART_LOOP_LAG] = y;
		sp->used[PART_LOOP_LAG] = vk_put(h->w, y++, h->x, h->width, A(h, frozen || ss->loop_lag_p99_ms > 10 ? VA_BAD : VA_NORMAL),
		       "loop lag p99 %s  loop busy %s%s", half_ms(h, a, sizeof a, has_lag && !frozen, ss->loop_lag_p99_ms),
		       busy, frozen ? "  (loop frozen)" : "");
	} else {
		char ctx[24], busy[24];
		snprintf(busy, sizeof busy, "%.0f%%", clamp_double(ss->loop_util_pct, 0, 100));
		vk_put(h->w, y++, h->x, h->width, A(h, ss->loop_util_pct > 95 ? VA_WARN : VA_NORMAL),
		       "cashiers busy %s  ctx switches %s/s", warming ? h->g->none : busy,
		       warming ? h->g->none : fmt_count(ctx, sizeof ctx, ss->ctx_switches_rps));
	}
	return y;
}

static enum vattr pace_attr(uint8_t pace)
{
	return pace == PACE_KEEPING_UP ? VA_GOOD : pace == PACE_FALLING_BEHIND ? VA_BAD : VA_NORMAL;
}

/* Little's law as the model judged it over its window, everyone inside counted. */
static int draw_little(const struct half *h, int y, const struct side_snapshot *ss)
{
	const struct glyphs *g = h->g;
	if (h->replay && ss->verdict_window_ticks == 0) { /* recordings keep the tick's L, no verdict */
		const char *f = ss->little_l >= 100 || ss->little_lw >= 100 ? "Little L=%.0f %sW=%.0f (server, recorded)"
									       : "Little L=%.1f %sW=%.1f (server, recorded)";
		return vk_put(h->w, y, h->x, h->width, A(h, VA_DIM), f, clamp_double(ss->little_l, 0, 1e12), g->lambda,
			      clamp_double(ss->little_lw, 0, 1e12));
	}
	if (ss->verdict_little == LITTLE_NO_DATA) {
		return vk_put(h->w, y, h->x, h->width, A(h, VA_DIM), "Little: not enough data yet (%u of %d s)",
			      ss->verdict_window_ticks, VERDICT_MIN_TICKS);
	}
	bool ok = ss->verdict_little == LITTLE_HOLDS;
	double l = clamp_double(ss->verdict_l, 0, 1e12), lw = clamp_double(ss->verdict_lw, 0, 1e12);
	const char *f = l >= 100 || lw >= 100 ? "Little L=%.0f %s %sW=%.0f" : "Little L=%.1f %s %sW=%.1f";
	int n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), f, l, ok ? "=" : g->bad, g->lambda, lw);
	n += vk_put(h->w, y, h->x + n, h->width - n, A(h, ok ? VA_GOOD : VA_WARN), " %s",
		    ok ? g->ok : verdict_little_name(ss->verdict_little));
	return n + vk_put(h->w, y, h->x + n, h->width - n, A(h, VA_DIM), " (%u s)", ss->verdict_window_ticks);
}

/* A dim note at the right end of row y ("last 60 s"), when it fits after `used`. */
static void right_note(const struct half *h, int y, int used, const char *note)
{
	int len = (int)strlen(note);
	if (used + 2 + len <= h->width)
		vk_put(h->w, y, h->x + h->width - len, len, A(h, VA_DIM), "%s", note);
}

static int draw_figures(const struct half *h, int y, int spark_h, const struct side_snapshot *ss,
			const struct shared_scales *sc, struct spots *sp)
{
	char a[24], b[24], c[24];
	bool warming = half_warming(ss);
	double arriving = ss->offered_rps > 0 || ss->loadgen_up ? ss->offered_rps : ss->arrival_rps;
	sp->row[PART_SERVED] = y;
	int n = vk_put(h->w, y, h->x, h->width, A(h, pace_attr(ss->verdict_pace)), "served %s",
		       warming ? h->g->none : fmt_rate(a, sizeof a, ss->throughput_rps));
	if (ss->loadgen_reason[0]) /* no arrivals to show: say why instead of the last rate */
		n += vk_put(h->w, y, h->x + n, h->width - n, A(h, VA_BAD), "  %s", ss->loadgen_reason);
	else
		n += vk_put(h->w, y, h->x + n, h->width - n, A(h, VA_NORMAL), "  arriving %s",
			    warming ? h->g->none : fmt_rate(b, sizeof b, arriving));
	right_note(h, y, n, "last 60 s");
	sp->used[PART_SERVED] = n;
	y++;
	struct chart ch = { h->w, y, h->x, h->width, spark_h, h->g, A(h, VA_GOOD), A(h, VA_DIM) };
	chart_rate(&ch, ss->history_rps, (int)ss->history_len, sc->rate_top, warming ? 0 : arriving);
	y += spark_h;

	bool has = scale_has_latency(ss);
	enum vattr speed = ss->verdict_speed == SPEED_SLOW ? VA_BAD : ss->verdict_speed == SPEED_FAST ? VA_GOOD : VA_NORMAL;
	sp->row[PART_LATENCY] = y;
	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "latency p50 %s ", half_ms(h, a, sizeof a, has, ss->p50_ms));
	n += vk_put(h->w, y, h->x + n, h->width - n, A(h, speed), "p99 %s", half_ms(h, b, sizeof b, has, ss->p99_ms));
	n += vk_put(h->w, y, h->x + n, h->width - n, A(h, VA_NORMAL), " max %s", half_ms(h, c, sizeof c, has, ss->max_ms));
	right_note(h, y, n, "p99, log");
	sp->used[PART_LATENCY] = n;
	y++;
	ch.y = y;
	ch.bar = A(h, speed == VA_BAD ? VA_BAD : VA_GOOD);
	chart_latency(&ch, ss->history_p99_ms, (int)ss->history_len);
	y += spark_h;

	draw_errors(h, y++, ss);
	y = draw_process(h, y, ss, sp);
	sp->row[PART_LITTLE] = y;
	sp->used[PART_LITTLE] = draw_little(h, y, ss);
	return y + 1;
}

/* The explain overlay: each part named at the right end of its row, in reverse. */
static void draw_explain(const struct half *h, const struct spots *sp)
{
	for (int p = 0; p < PART_COUNT; p++) {
		if (sp->row[p] < 0)
			continue;
		const char *t = legend_explain(p);
		int len = (int)strlen(t) + 2;
		if (len > h->width)
			len = h->width;
		/* after the row's figures when it fits there, else over them at the right */
		int x = sp->used[p] + 1 + len <= h->width ? sp->used[p] + 1 : h->width - len;
		vk_put(h->w, sp->row[p], h->x + x, len, A(h, VA_BAR), " %s ", t);
	}
}

static void draw_half_normal(const struct half *h, enum arena_side side, const struct side_snapshot *ss,
			     const struct shared_scales *sc)
{
	struct spots sp;
	for (int p = 0; p < PART_COUNT; p++)
		sp.row[p] = -1, sp.used[p] = 0;
	half_title(h, h->y, side, ss);
	if (!ss->present || !ss->server_up) {
		half_down(h, h->y, ss);
		return;
	}
	int spare = h->height - FIXED_ROWS;
	if (spare < 0)
		spare = 0;
	/* a quarter of the room to each chart (at most 8 more rows), the rest to the line */
	int spark_extra = spare / 4 < 8 ? spare / 4 : 8;
	int line_extra = spare - 2 * spark_extra < 20 ? spare - 2 * spark_extra : 20;
	int line_rows = 1 + line_extra, spark_h = 1 + spark_extra;
	int y = ss->black_box ? view_outside_scene(h->w, h->y + 1, h->x, h->width, line_rows, ss, h->o)
			      : draw_scene(h, h->y + 1, line_rows, ss, &sp);
	draw_figures(h, y + 1, spark_h, ss, sc, &sp);
	if (h->o->explain)
		draw_explain(h, &sp);
}

/* The row under the halves: what is happening, when something is (a cashier frozen
 * on purpose, a restaurant starting and not yet measured), else the ratio of the two
 * p99s when both halves have one. */
static void draw_banner(WINDOW *w, int y, int cols, const struct snapshot *s, const struct view_opts *o)
{
	char text[160] = "", frozen[96] = "";
	enum vattr a = VA_TITLE;
	static const char *const names[SIDE_COUNT] = { "blocking", "evented" };
	bool warming = false;
	int nfrozen = 0;
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct side_snapshot *ss = &s->side[i];
		if (!ss->present)
			continue;
		if (ss->server_up && half_frozen(ss)) {
			size_t n = strlen(frozen);
			snprintf(frozen + n, sizeof frozen - n, "%sthe %s %s", nfrozen ? " and " : "",
				 ss->restaurant[0] ? ss->restaurant : names[i], ss->model[0] == 'e' ? "loop" : "cashier");
			nfrozen++;
		}
		warming |= half_warming(ss) || s->ticks == 0;
	}
	if (nfrozen) {
		snprintf(text, sizeof text, "the chef faints: %s %s frozen, customers wait", frozen, nfrozen > 1 ? "are" : "is");
		a = VA_BAD;
	} else if (warming) {
		snprintf(text, sizeof text, "starting: the first figures come after a second of measuring");
		a = VA_WARN;
	} else {
		scale_ratio_banner(s, text, sizeof text);
	}
	if (!text[0])
		return;
	int len = (int)strlen(text) + 4;
	int x = cols > len ? (cols - len) / 2 : 0;
	vk_put(w, y, x, cols - x, viewkit_attr(o, a) | A_BOLD, "  %s  ", text);
}

static void draw_status(WINDOW *w, int rows, int cols, const struct view_status *st, const struct view_opts *o)
{
	char rate[24], elapsed[24];
	attr_t bar = viewkit_attr(o, VA_BAR);
	wattr_on(w, bar, NULL);
	mvwhline(w, rows - 2, 0, ' ', cols);
	wattr_off(w, bar, NULL);
	int secs = clamp_int(st->elapsed_s, 0, 99 * 3600); /* a recording may say NaN or 1e300 */
	snprintf(elapsed, sizeof elapsed, "%02d:%02d", secs / 60, secs % 60);
	int n = vk_put(w, rows - 2, 0, cols, bar, " %s | %s | %s | %s | cook %ums | work/order %uus | %s%s",
		       st->scenario ? st->scenario : "", st->mode ? st->mode : "live", elapsed,
		       fmt_rate(rate, sizeof rate, st->rate), st->cook_ms, st->work_us,
		       st->keepalive ? "keep-alive" : "no keep-alive", st->paused ? " | PAUSED" : "");
	if (st->message && st->message[0])
		vk_put(w, rows - 2, n, cols - n, bar | A_BOLD, " | %s", st->message);
	static const char wide[] = " +/- rate  [] cook  {} work/order  spc pause  k keep-alive  1-9 p presets  f faint"
				   "  r restart  e explain  ? help  q quit";
	vk_put(w, rows - 1, 0, cols, viewkit_attr(o, VA_DIM), "%s",
	       st->keys			 ? st->keys
	       : cols >= (int)sizeof wide - 1 ? wide
					 : " +/- rate  [] cook  {} work  spc pause  k keep-alive  1-9  f faint  r  e  ?  q quit");
}

static void draw_too_small(WINDOW *w, int rows, int cols, const struct view_opts *o)
{
	int need_r, need_c;
	view_min_size(o, &need_r, &need_c);
	int y = rows / 2 - 1 > 0 ? rows / 2 - 1 : 0;
	vk_put(w, y, 0, cols, A_BOLD, "Terminal too small: %dx%d", cols, rows);
	vk_put(w, y + 1, 0, cols, A_NORMAL, "the dashboard needs at least %dx%d", need_c, need_r);
	vk_put(w, y + 2, 0, cols, A_NORMAL, "resize the window, or q to quit");
}

/* The scales both halves share, from both halves' figures. */
static void shared_scales(const struct snapshot *s, struct shared_scales *sc)
{
	sc->rate_top = scale_rate_top(s);
	sc->p99_in_s = false;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (scale_has_latency(&s->side[i]) && s->side[i].p99_ms >= 1000)
			sc->p99_in_s = true;
}

void view_draw(WINDOW *w, const struct snapshot *s, const struct view_status *st, const struct view_opts *o)
{
	int rows, cols, need_r, need_c;
	getmaxyx(w, rows, cols);
	werase(w);
	view_min_size(o, &need_r, &need_c);
	if (rows < need_r || cols < need_c) {
		draw_too_small(w, rows, cols, o);
		wnoutrefresh(w);
		return;
	}
	int hw = (cols - 1) / 2, hh = rows - BOTTOM_ROWS;
	/* a replay's frame (attach sets a key line of its own too, so the mode says it) */
	bool replay = st->mode && strncmp(st->mode, "replay", 6) == 0;
	struct half halves[SIDE_COUNT] = {
		{ w, 0, 0, hw, hh, o, viewkit_glyphs(o), replay },
		{ w, 0, hw + 1, cols - hw - 1, hh, o, viewkit_glyphs(o), replay },
	};
	struct shared_scales sc;
	shared_scales(s, &sc);
	for (int r = 0; r < hh; r++)
		mvwaddstr(w, r, hw, viewkit_glyphs(o)->vline);
	for (int i = 0; i < SIDE_COUNT; i++) {
		if (st->restarting) { /* the old figures are no longer live: none is shown */
			half_title(&halves[i], 0, i, &s->side[i]);
			vk_put(w, 2, halves[i].x, halves[i].width, viewkit_attr(o, VA_WARN), "restarting...");
		} else if (o->big)
			view_big_half(&halves[i], i, &s->side[i], &sc);
		else
			draw_half_normal(&halves[i], i, &s->side[i], &sc);
	}
	if (st->restarting)
		vk_put(w, rows - 3, 0, cols, viewkit_attr(o, VA_WARN) | A_BOLD,
		       "  restarting: the servers stop (their lines drain) and start again; the clock starts with them");
	else
		draw_banner(w, rows - 3, cols, s, o);
	draw_status(w, rows, cols, st, o);
	if (st->help)
		legend_help(w, rows, cols, o, replay);
	picker_draw(w, st, o); /* the preset's story, the preset menu */
	wnoutrefresh(w);
}
