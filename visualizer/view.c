/* view.c: the two restaurants side by side (see view.h).
 *
 * Each half is the counter scene (door, line, cashiers, kitchen, pickup) over the
 * figures (throughput, latency, errors, the process, Little's law); the bottom two rows
 * are the status bar and the keys. A taller terminal gives the line and the sparklines
 * more rows; --big trades the scene for three figures in 3x5 digits a room can read.
 */
#include "view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "numclamp.h"
#include "view_outside.h"
#include "viewkit.h"

#define MIN_COLS 76
#define MIN_ROWS 18        /* the normal layout's fixed rows + the status bar */
#define MIN_ROWS_BIG 22
#define FIXED_ROWS 14      /* rows of a half in the normal layout at its smallest */

struct half {
	WINDOW *w;
	int y, x, width, height;
	const struct view_opts *o;
	const struct glyphs *g;
};

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

static attr_t A(const struct half *h, enum vattr a)
{
	return viewkit_attr(h->o, a);
}

/* A row of n glyphs from x to the edge of the half, "+N" for those that do not fit;
 * rows > 1 continues below, aligned. */
static void draw_crowd(const struct half *h, int y, int x, int rows, int64_t n, const char *glyph, attr_t attr)
{
	int width = h->x + h->width - x;
	if (width < 6 || n <= 0)
		return;
	int64_t room = (int64_t)width * rows;
	int64_t shown = n <= room ? n : room - 6;  /* leave room for "+NNNNN" */
	if (shown < 0)
		shown = 0;
	wattr_on(h->w, attr, NULL);
	for (int64_t i = 0; i < shown; i++)
		mvwaddstr(h->w, y + (int)(i / width), x + (int)(i % width), glyph);
	wattr_off(h->w, attr, NULL);
	if (shown < n) {
		int64_t i = shown;
		vk_put(h->w, y + (int)(i / width), x + (int)(i % width), 6, A(h, VA_WARN), "+%lld",
		       (long long)(n - shown));
	}
}

static void draw_title(const struct half *h, int y, enum arena_side side, const struct side_snapshot *ss)
{
	char what[96];
	bool blocking = ss->model[0] ? ss->model[0] == 'b' : side == SIDE_BLOCKING;
	if (blocking && ss->threads_cfg == 0 && ss->server_up)
		snprintf(what, sizeof what, "a thread per customer");
	else if (blocking)
		snprintf(what, sizeof what, "%u cashiers (threads)", ss->threads_cfg);
	else
		snprintf(what, sizeof what, "%u loop%s, %u helpers", ss->loops_cfg, ss->loops_cfg == 1 ? "" : "s",
			 ss->helpers_cfg);
	const char *title = side == SIDE_BLOCKING ? "BLOCKING" : "EVENTED";
	int kind = restaurant_kind_named(ss->restaurant); /* any restaurant on either half */
	if (kind >= 0) {
		title = restaurant_title(kind);
		if (ss->black_box)
			snprintf(what, sizeof what, "%s", restaurant_about(kind));
	}
	wattr_on(h->w, A(h, VA_TITLE), NULL);
	mvwhline(h->w, y, h->x, ' ', h->width);
	wattr_off(h->w, A(h, VA_TITLE), NULL);
	int n = vk_put(h->w, y, h->x, h->width, A(h, VA_TITLE), " %s ", title);
	if (ss->server_up)
		vk_put(h->w, y, h->x + n, h->width - n, A(h, VA_TITLE), " %s", what);
}

/* A side that is down says why and how to bring it back, nothing else. */
static void draw_down(const struct half *h, int y, const struct side_snapshot *ss)
{
	if (!ss->present) {
		vk_put(h->w, y + 1, h->x, h->width, A(h, VA_DIM), "not part of this scenario");
		return;
	}
	vk_put(h->w, y + 1, h->x, h->width, A(h, VA_BAD), "DOWN");
	/* the model always says why; a recording keeps only that the side was down */
	const char *why = ss->reason[0] ? ss->reason : "the server was down (no reason recorded)";
	for (int r = 0; r < 3 && *why; r++) {
		int len = (int)strlen(why);
		vk_put(h->w, y + 2 + r, h->x, h->width, A(h, VA_NORMAL), "%.*s", h->width, why);
		why += len < h->width ? len : h->width;
	}
	vk_put(h->w, y + 6, h->x, h->width, A(h, VA_DIM), "r restarts the scenario");
}

/* The counter scene; returns the next free row. */
static int draw_scene(const struct half *h, int y, int line_rows, const struct side_snapshot *ss)
{
	const struct glyphs *g = h->g;
	char outside[24] = "-"; /* "-": no load generator watched (yet) */
	if (ss->loadgen_up)
		snprintf(outside, sizeof outside, "%lld", (long long)ss->outside);
	char door[48]; /* with the backlog when the kernel said it, as a peer's half shows it */
	if (ss->door_kernel)
		snprintf(door, sizeof door, "%lld/%lld", (long long)ss->door, (long long)ss->door_max);
	else
		snprintf(door, sizeof door, "%lld", (long long)ss->door);
	vk_put(h->w, y++, h->x, h->width, A(h, VA_NORMAL), "outside %s  door %s  conns %lld", outside, door,
	       (long long)ss->conns_open);

	int n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "line %-5lld ", (long long)ss->in_line);
	draw_crowd(h, y, h->x + n, line_rows, ss->in_line, g->customer, A(h, VA_CUSTOMER));
	y += line_rows;

	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "%s ", ss->model[0] == 'e' ? "loop    " : "cashiers");
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
	vk_put(h->w, y++, h->x + x, h->width - x, A(h, VA_NORMAL), " %u/%u busy", busy, ss->cashiers);

	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "kitchen %-4lld", (long long)ss->in_kitchen);
	if (ss->kitchen_reason[0]) { /* a kitchen that is down is news, not an error count */
		vk_put(h->w, y++, h->x + n, h->width - n, A(h, VA_BAD), "%s", ss->kitchen_reason);
		return y;
	}
	int half = (h->width - n) / 2;
	struct half k = *h;
	k.width = n + half; /* the crowd stops at the pickup counter */
	draw_crowd(&k, y, h->x + n, 1, ss->in_kitchen, g->cooking, A(h, VA_WARN));
	vk_put(h->w, y++, h->x + n + half, h->width - n - half, A(h, VA_NORMAL), " pickup %lld",
	       (long long)ss->handing_over);
	return y;
}

/* Little's law holds when L and lambda*W agree within 15 % (or half an order). */
static bool little_holds(const struct side_snapshot *ss)
{
	double big = ss->little_l > ss->little_lw ? ss->little_l : ss->little_lw;
	double tol = 0.15 * big > 0.5 ? 0.15 * big : 0.5;
	return fabs(ss->little_l - ss->little_lw) <= tol;
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

/* What a customer should wait when nobody queues: the cook time and the CPU work. */
static double service_ms(const struct side_snapshot *ss)
{
	uint32_t cook = ss->cook_ms != UINT32_MAX && (ss->cook_ms || ss->rate > 0) ? ss->cook_ms : ss->cook_ms_default;
	uint32_t work = ss->work_us != UINT32_MAX ? ss->work_us : ss->work_us_default;
	return cook + work / 1000.0;
}

/* The process rows: ours read their model's figures, a black box its tree's. */
static int draw_process(const struct half *h, int y, const struct side_snapshot *ss)
{
	char a[24];
	if (ss->black_box) {
		view_outside_process(h->w, y++, h->x, h->width, ss, h->o);
		vk_put(h->w, y++, h->x, h->width, A(h, VA_DIM), "Little from the client: L = outside + in flight");
		return y;
	}
	vk_put(h->w, y++, h->x, h->width, A(h, VA_NORMAL), "threads %ld  rss %s  cpu %.0f%%", ss->threads,
	       fmt_kb(a, sizeof a, ss->rss_kb), ss->cpu_pct);
	if (ss->model[0] == 'e')
		vk_put(h->w, y++, h->x, h->width, A(h, ss->loop_lag_p99_ms > 10 ? VA_BAD : VA_NORMAL),
		       "loop lag p99 %s  loop busy %.0f%%", fmt_ms(a, sizeof a, ss->loop_lag_p99_ms), ss->loop_util_pct);
	else
		vk_put(h->w, y++, h->x, h->width, A(h, ss->loop_util_pct > 95 ? VA_WARN : VA_NORMAL),
		       "cashiers busy %.0f%%  ctx switches %s/s", ss->loop_util_pct,
		       fmt_count(a, sizeof a, ss->ctx_switches_rps));
	return y;
}

static int draw_figures(const struct half *h, int y, int spark_h, const struct side_snapshot *ss)
{
	char a[24], b[24], c[24];
	double arriving = ss->offered_rps > 0 || ss->loadgen_up ? ss->offered_rps : ss->arrival_rps;
	bool keeping_up = ss->throughput_rps >= 0.9 * arriving;
	int n = vk_put(h->w, y, h->x, h->width, A(h, keeping_up ? VA_GOOD : VA_BAD), "served %s",
		       fmt_rate(a, sizeof a, ss->throughput_rps));
	if (ss->loadgen_reason[0]) /* no arrivals to show: say why instead of the last rate */
		vk_put(h->w, y++, h->x + n, h->width - n, A(h, VA_BAD), "  %s", ss->loadgen_reason);
	else
		vk_put(h->w, y++, h->x + n, h->width - n, A(h, VA_NORMAL), "  arriving %s",
		       fmt_rate(b, sizeof b, arriving));
	vk_sparkline(h->w, y, h->x, h->width, spark_h, ss->history_rps, (int)ss->history_len, h->g, A(h, VA_GOOD));
	y += spark_h;

	bool slow = ss->p99_ms > 2 * service_ms(ss) + 10;
	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "latency p50 %s ", fmt_ms(a, sizeof a, ss->p50_ms));
	n += vk_put(h->w, y, h->x + n, h->width - n, A(h, slow ? VA_BAD : VA_GOOD), "p99 %s",
		    fmt_ms(b, sizeof b, ss->p99_ms));
	vk_put(h->w, y++, h->x + n, h->width - n, A(h, VA_NORMAL), " max %s", fmt_ms(c, sizeof c, ss->max_ms));
	vk_sparkline(h->w, y, h->x, h->width, spark_h, ss->history_p99_ms, (int)ss->history_len, h->g,
		     A(h, slow ? VA_BAD : VA_GOOD));
	y += spark_h;

	draw_errors(h, y++, ss);
	y = draw_process(h, y, ss);

	bool ok = little_holds(ss);
	const char *f = ss->little_l >= 100 || ss->little_lw >= 100 ? "Little L=%.0f %s %sW=%.0f" : "Little L=%.1f %s %sW=%.1f";
	n = vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), f, ss->little_l, ok ? "=" : h->g->bad, h->g->lambda,
		   ss->little_lw);
	vk_put(h->w, y, h->x + n, h->width - n, A(h, ok ? VA_GOOD : VA_WARN), " %s",
	       ok ? h->g->ok : ss->little_l > ss->little_lw ? "line growing" : "draining");
	return y + 1;
}

static void draw_half_normal(const struct half *h, enum arena_side side, const struct side_snapshot *ss)
{
	draw_title(h, h->y, side, ss);
	if (!ss->present || !ss->server_up) {
		draw_down(h, h->y, ss);
		return;
	}
	int spare = h->height - FIXED_ROWS;
	if (spare < 0)
		spare = 0;
	/* a quarter of the room to each sparkline (at most 8 more rows), the rest to the line */
	int spark_extra = spare / 4 < 8 ? spare / 4 : 8;
	int line_extra = spare - 2 * spark_extra < 20 ? spare - 2 * spark_extra : 20;
	int line_rows = 1 + line_extra, spark_h = 1 + spark_extra;
	int y = ss->black_box ? view_outside_scene(h->w, h->y + 1, h->x, h->width, line_rows, ss, h->o)
			      : draw_scene(h, h->y + 1, line_rows, ss);
	draw_figures(h, y + 1, spark_h, ss);
}

/* The projector layout: three figures in big digits per side. */
static void draw_big_figure(const struct half *h, int y, const char *label, const char *value, const char *unit,
			    attr_t attr)
{
	vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "%s", label);
	int n = vk_bigtext(h->w, y + 1, h->x + 1, h->width - 6, value, h->g, attr);
	vk_put(h->w, y + 5, h->x + 1 + n, h->width - n - 1, attr, "%s", unit);
}

static void draw_half_big(const struct half *h, enum arena_side side, const struct side_snapshot *ss)
{
	draw_title(h, h->y, side, ss);
	if (!ss->present || !ss->server_up) {
		draw_down(h, h->y, ss);
		return;
	}
	char v[32], label[64], a[24], b[24];
	int y = h->y + 1;
	/* a black box shows no line: who waits is outside or at the door */
	int64_t waiting = clamp_add_i64(ss->black_box ? ss->outside : ss->in_line, ss->door);
	snprintf(v, sizeof v, "%lld", (long long)waiting);
	draw_big_figure(h, y, ss->black_box ? "waiting (outside + door)" : "waiting in line", v, "",
			A(h, waiting > 0 ? VA_WARN : VA_GOOD));
	y += 6;
	double arriving = ss->offered_rps > 0 ? ss->offered_rps : ss->arrival_rps;
	snprintf(v, sizeof v, "%.0f", clamp_double(ss->throughput_rps, 0, 1e12));
	snprintf(label, sizeof label, "served per second (arriving %s)", fmt_rate(a, sizeof a, arriving));
	draw_big_figure(h, y, label, v, "/s", A(h, ss->throughput_rps >= 0.9 * arriving ? VA_GOOD : VA_BAD));
	y += 6;
	double p99_ms = clamp_double(ss->p99_ms, 0, 1e12);
	bool seconds = p99_ms >= 1000;
	snprintf(v, sizeof v, seconds ? "%.1f" : "%.0f", seconds ? p99_ms / 1000 : p99_ms);
	bool slow = ss->p99_ms > 2 * service_ms(ss) + 10;
	draw_big_figure(h, y, "p99 latency", v, seconds ? "s" : "ms", A(h, slow ? VA_BAD : VA_GOOD));
	y += 6;
	vk_put(h->w, y, h->x, h->width, A(h, VA_NORMAL), "p50 %s  max %s  errors %llu", fmt_ms(a, sizeof a, ss->p50_ms),
	       fmt_ms(b, sizeof b, ss->max_ms), (unsigned long long)ss->errors_total);
	if (ss->loadgen_reason[0] || ss->kitchen_reason[0])
		vk_put(h->w, y + 1, h->x, h->width, A(h, VA_BAD), "%s",
		       ss->kitchen_reason[0] ? ss->kitchen_reason : ss->loadgen_reason);
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
	int n = vk_put(w, rows - 2, 0, cols, bar, " %s | %s | %s | %s | cook %ums | cpu %uus | %s%s",
		       st->scenario ? st->scenario : "", st->mode ? st->mode : "live", elapsed,
		       fmt_rate(rate, sizeof rate, st->rate), st->cook_ms, st->work_us,
		       st->keepalive ? "keep-alive" : "no keep-alive", st->paused ? " | PAUSED" : "");
	if (st->message && st->message[0])
		vk_put(w, rows - 2, n, cols - n, bar | A_BOLD, " | %s", st->message);
	vk_put(w, rows - 1, 0, cols, viewkit_attr(o, VA_DIM), "%s",
	       st->keys    ? st->keys
	       : cols >= 100 ? " +/- rate  [ ] cook  { } cpu  space pause  k keep-alive  1-9 presets  f the chef faints"
			     "  r restart  ? help  q quit"
			   : " +/- rate  [] cook  {} cpu  spc pause  k keep-alive  1-9  f faint  r  ? help  q");
}

/* The help box: the live keys, or a replay's (replay: its own key line is shown). */
static void draw_help(WINDOW *w, int rows, int cols, const struct view_opts *o, bool replay)
{
	static const char *const replay_lines[] = {
		"lunchrush dashboard: replay keys",
		"",
		"space  pause / resume the replay",
		"x      speed x1 / x4 (or 1 and 4)",
		". ->   one frame forward (pauses)",
		", <-   one frame back (pauses)",
		"r      rewind to the first frame",
		"?      this help        q  quit",
		"",
		"",  /* the legend, drawn with the glyphs in use */
		"every figure was measured live and recorded",
	};
	static const char *const live_lines[] = {
		"lunchrush dashboard: keys",
		"",
		"+ -    arrival rate up / down (both restaurants)",
		"[ ]    cook time (kitchen wait) down / up",
		"{ }    CPU work per order down / up",
		"space  pause / resume the arrivals",
		"k      keep-alive on / off",
		"1-9    preset scenarios (restarts the servers)",
		"f      the chef faints: freeze the event loop and",
		"       one blocking cashier for 2 s",
		"r      restart the scenario",
		"?      this help        q  quit",
		"",
		"",  /* the legend, drawn with the glyphs in use */
		"every figure is measured from the scoreboards",
	};
	const char *const *lines = replay ? replay_lines : live_lines;
	const struct glyphs *g = viewkit_glyphs(o);
	char legend[160];
	snprintf(legend, sizeof legend, "cashier: idle %s taking %s kitchen %s handing %s fainted %s",
		 g->cashier[CASHIER_IDLE], g->cashier[CASHIER_TAKING_ORDER], g->cashier[CASHIER_WAITING_KITCHEN],
		 g->cashier[CASHIER_HANDING_OVER], g->cashier[CASHIER_FROZEN]);
	int n = replay ? (int)(sizeof replay_lines / sizeof replay_lines[0])
		       : (int)(sizeof live_lines / sizeof live_lines[0]);
	int bw = 60 < cols - 2 ? 60 : cols - 2, bh = n + 2 < rows - 2 ? n + 2 : rows - 2;
	int y0 = (rows - bh) / 2, x0 = (cols - bw) / 2;
	WINDOW *frame = derwin(w, bh, bw, y0, x0);
	if (!frame)
		return;
	werase(frame);
	const char *hz = o->ascii ? "-" : "\u2500", *vt = o->ascii ? "|" : "\u2502";
	const char *corner[4] = { o->ascii ? "+" : "\u250c", o->ascii ? "+" : "\u2510", o->ascii ? "+" : "\u2514",
				  o->ascii ? "+" : "\u2518" };
	for (int x = 1; x < bw - 1; x++) {
		mvwaddstr(frame, 0, x, hz);
		mvwaddstr(frame, bh - 1, x, hz);
	}
	for (int y = 1; y < bh - 1; y++) {
		mvwaddstr(frame, y, 0, vt);
		mvwaddstr(frame, y, bw - 1, vt);
	}
	mvwaddstr(frame, 0, 0, corner[0]);
	mvwaddstr(frame, 0, bw - 1, corner[1]);
	mvwaddstr(frame, bh - 1, 0, corner[2]);
	mvwaddstr(frame, bh - 1, bw - 1, corner[3]);
	for (int i = 0; i < n && i + 1 < bh - 1; i++)
		vk_put(frame, i + 1, 2, bw - 4, i == 0 ? viewkit_attr(o, VA_TITLE) : A_NORMAL, "%s",
		       i == n - 2 ? legend : lines[i]);
	delwin(frame);
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
	int hw = (cols - 1) / 2;
	struct half halves[SIDE_COUNT] = {
		{ w, 0, 0, hw, rows - 2, o, viewkit_glyphs(o) },
		{ w, 0, hw + 1, cols - hw - 1, rows - 2, o, viewkit_glyphs(o) },
	};
	for (int r = 0; r < rows - 2; r++)
		mvwaddstr(w, r, hw, viewkit_glyphs(o)->vline);
	for (int i = 0; i < SIDE_COUNT; i++) {
		if (o->big)
			draw_half_big(&halves[i], i, &s->side[i]);
		else
			draw_half_normal(&halves[i], i, &s->side[i]);
	}
	draw_status(w, rows, cols, st, o);
	if (st->help)
		draw_help(w, rows, cols, o, st->mode && strncmp(st->mode, "replay", 6) == 0); /* attach sets keys too */
	wnoutrefresh(w);
}
