/* test_dashboard_view.c: draw snapshots with ncurses on a pseudo-terminal and read
 * back what is on the window: both restaurants, the measured numbers, the line, the
 * too-small message, the projector layout, the ASCII fallback. The view only draws
 * what it is given, so a made-up snapshot gives an exact expected screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "../../visualizer/scale.h"
#include "../../visualizer/verdict.h"
#include "../../visualizer/view.h"

static SCREEN *screen;
static FILE *term_out, *term_in;
static int master_fd = -1;
static char text[64 * 1024];

/* A pseudo-terminal for newterm: posix_openpt, grantpt, unlockpt, ptsname (no -lutil). */
static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	master_fd = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master_fd >= 0);
	assert_int_equal(grantpt(master_fd), 0);
	assert_int_equal(unlockpt(master_fd), 0);
	const char *slave = ptsname(master_fd);
	assert_non_null(slave);
	term_out = fopen(slave, "w");
	term_in = fopen(slave, "r");
	assert_non_null(term_out);
	assert_non_null(term_in);
	/* nothing reads the master: ncurses' output only needs to go somewhere; keep it
	 * from filling the pty buffer by making the master non-blocking and draining it */
	fcntl(master_fd, F_SETFL, O_NONBLOCK);
	screen = newterm("xterm-256color", term_out, term_in);
	if (!screen)
		screen = newterm("vt100", term_out, term_in);
	assert_non_null(screen);
	set_term(screen);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(screen);
	fclose(term_out);
	fclose(term_in);
	close(master_fd);
	return 0;
}

static void drain(void)
{
	char buf[4096];
	while (read(master_fd, buf, sizeof buf) > 0)
		;
}

/* Everything on the window as UTF-8 text, one line per row. */
static const char *window_text(WINDOW *w)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	size_t used = 0;
	text[0] = '\0';
	for (int y = 0; y < rows; y++) {
		wchar_t line[512];
		int n = mvwinnwstr(w, y, 0, line, cols < 511 ? cols : 511);
		if (n < 0)
			n = 0;
		line[n] = L'\0';
		char mb[2048];
		size_t len = wcstombs(mb, line, sizeof mb - 1);
		if (len == (size_t)-1)
			len = 0;
		mb[len] = '\0';
		used += (size_t)snprintf(text + used, sizeof text - used, "%s\n", mb);
	}
	return text;
}

static void assert_on_screen(const char *screen_text, const char *part)
{
	if (!strstr(screen_text, part)) {
		print_error("'%s' is not on the screen\n", part);
		fputs(screen_text, stderr);
		fail();
	}
}

static void make_snapshot(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->elapsed_s = 15;
	s->ticks = 15;
	struct side_snapshot *b = &s->side[SIDE_BLOCKING], *e = &s->side[SIDE_EVENTED];
	b->present = e->present = true;
	b->server_up = e->server_up = b->loadgen_up = e->loadgen_up = true;
	snprintf(b->model, sizeof b->model, "blocking");
	snprintf(e->model, sizeof e->model, "evented");
	b->threads_cfg = 4;
	e->loops_cfg = 1;
	b->offered_rps = e->offered_rps = 120;
	b->throughput_rps = 79.6;
	e->throughput_rps = 119.8;
	b->p50_ms = 2100;
	b->p99_ms = 4800;
	b->max_ms = 5020;
	e->p50_ms = 51.2;
	e->p99_ms = 53.1;
	e->max_ms = 54;
	b->in_line = 312;
	b->cashiers = 4;
	for (int i = 0; i < 4; i++)
		b->cashier_state[i] = CASHIER_WAITING_KITCHEN;
	b->cashier_by_state[CASHIER_WAITING_KITCHEN] = 4;
	e->cashiers = 1;
	e->cashier_by_state[CASHIER_IDLE] = 1;
	b->in_kitchen = 4;
	e->in_kitchen = 6;
	b->threads = 7;
	e->threads = 2;
	b->rss_kb = 2100;
	e->rss_kb = 1900;
	e->loop_lag_p99_ms = 0.21;
	b->little_l = 316.4;
	b->little_lw = 80.0 * 2.1;
	e->little_l = 6.1;
	e->little_lw = 6.2;
	/* the model's verdicts (verdict.h), over its window */
	b->verdict_little = LITTLE_GROWING;
	b->verdict_l = 316.4;
	b->verdict_lw = 80.0 * 2.1;
	e->verdict_little = LITTLE_HOLDS;
	e->verdict_l = 6.1;
	e->verdict_lw = 6.2;
	b->verdict_window_ticks = e->verdict_window_ticks = 10;
	b->verdict_pace = PACE_FALLING_BEHIND;
	e->verdict_pace = PACE_KEEPING_UP;
	b->verdict_speed = SPEED_SLOW;
	e->verdict_speed = SPEED_FAST;
	b->latency_count = 80;
	e->latency_count = 120;
	e->loop_lag_count = 120;
	b->history_len = e->history_len = 15;
	for (int i = 0; i < 15; i++) {
		b->history_rps[i] = 80;
		e->history_rps[i] = 120;
		b->history_p99_ms[i] = 300.0f * (float)i;
		e->history_p99_ms[i] = 53;
	}
	b->loadgen_errors[LERR_TIMEOUT] = 3;
	b->errors_total = 3;
	b->rate = e->rate = 120;
	b->cook_ms = e->cook_ms = 50;
	b->keepalive = e->keepalive = true;
}

static struct view_status status(void)
{
	struct view_status st = {
		.scenario = "lunch rush", .mode = "live", .elapsed_s = 15, .rate = 120, .cook_ms = 50,
		.work_us = 0, .keepalive = true,
	};
	return st;
}

static const char *draw(int rows, int cols, const struct snapshot *s, struct view_status st, struct view_opts o)
{
	WINDOW *pad = newpad(rows, cols);
	assert_non_null(pad);
	view_setup(&o);
	view_draw(pad, s, &st, &o);
	const char *t = window_text(pad);
	delwin(pad);
	drain();
	return t;
}

static void test_view_both_restaurants_at_80x24(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct view_opts o = { .color = true };
	const char *t = draw(24, 80, &s, status(), o);
	fputs(t, stderr);
	assert_on_screen(t, "BLOCKING");
	assert_on_screen(t, "EVENTED");
	assert_on_screen(t, "4 cashiers");
	assert_on_screen(t, "line 312");
	assert_on_screen(t, "served 79.6/s");
	assert_on_screen(t, "served 119.8/s");
	assert_on_screen(t, "arriving 120.0/s");
	assert_on_screen(t, "p99 4.80s");
	assert_on_screen(t, "p99 53.1ms");
	assert_on_screen(t, "loop lag p99 0.21ms");
	assert_on_screen(t, "client-timeout 3");
	assert_on_screen(t, "errors none");
	assert_on_screen(t, "L=316");
	assert_on_screen(t, "line growing");
	assert_on_screen(t, "\u25cf\u25cf\u25cf");  /* customers in line */
	assert_on_screen(t, "+");                    /* 312 do not fit: the rest is a number */
	assert_on_screen(t, "lunch rush");
	assert_on_screen(t, "00:15");
	assert_on_screen(t, "q");
}

static void test_view_too_small(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct view_opts o = { .color = false };
	const char *t = draw(20, 60, &s, status(), o);
	fputs(t, stderr);
	assert_on_screen(t, "too small: 60x20");
	assert_on_screen(t, "needs at least 76x18");
	assert_null(strstr(t, "BLOCKING"));
}

static void test_view_ascii_has_no_utf8(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct view_opts o = { .ascii = true, .color = false };
	const char *t = draw(30, 100, &s, status(), o);
	for (const char *p = t; *p; p++)
		if ((unsigned char)*p >= 0x80) {
			print_error("non-ASCII byte 0x%02x in:\n%s\n", (unsigned char)*p, t);
			fail();
		}
	assert_on_screen(t, "ooo");   /* customers */
	assert_on_screen(t, "KKKK");  /* four cashiers waiting on the kitchen */
	assert_on_screen(t, "lamW=");
	/* the help with its legend, and the explain overlay, in ASCII too */
	struct view_status st = status();
	st.help = true;
	const char *screens[2] = { NULL, NULL };
	static char copy[64 * 1024];
	snprintf(copy, sizeof copy, "%s", draw(40, 130, &s, st, o));
	screens[0] = copy;
	struct view_opts ex = o;
	ex.explain = true;
	screens[1] = draw(36, 120, &s, status(), ex);
	for (int k = 0; k < 2; k++)
		for (const char *p = screens[k]; *p; p++)
			if ((unsigned char)*p >= 0x80) {
				print_error("non-ASCII byte 0x%02x in:\n%s\n", (unsigned char)*p, screens[k]);
				fail();
			}
	assert_on_screen(screens[0], "lamW      arrivals x time inside");
}

static void test_view_big_layout(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct view_opts o = { .big = true, .ascii = true, .color = true };
	const char *t = draw(24, 80, &s, status(), o);
	fputs(t, stderr);
	assert_on_screen(t, "waiting (outside + door + line)");
	assert_on_screen(t, "p99 latency");
	assert_on_screen(t, "###");           /* big digits */
	assert_on_screen(t, "ms");            /* evented p99 in ms */
	assert_null(strstr(t, "ctx switches")); /* fewer figures */
}

static void test_view_down_side_says_why(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	s.side[SIDE_EVENTED].server_up = false;
	snprintf(s.side[SIDE_EVENTED].reason, sizeof s.side[SIDE_EVENTED].reason, "server killed by SIGSEGV");
	struct view_opts o = { .color = true };
	struct view_status st = status();
	const char *t = draw(30, 100, &s, st, o);
	fputs(t, stderr);
	assert_on_screen(t, "DOWN");
	assert_on_screen(t, "killed by SIGSEGV");
	assert_on_screen(t, "BLOCKING");
	st.help = true;
	t = draw(30, 100, &s, st, o);
	assert_on_screen(t, "the chef faints"); /* the help box */
}

/* Issue 19, defect 14: NaN, infinity and INT64_MAX from a hostile recording or
 * scoreboard. Before the fix the clock read "-35791394:-08" (NaN cast to int, undefined
 * behaviour) and the big layout summed two INT64_MAX gauges (signed overflow, which
 * aborts the sanitizer build). */
static void test_view_hostile_numbers(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	s.elapsed_s = NAN;
	for (int i = 0; i < 15; i++) {
		s.side[SIDE_BLOCKING].history_rps[i] = i % 2 ? INFINITY : NAN;
		s.side[SIDE_BLOCKING].history_p99_ms[i] = INFINITY;
	}
	s.side[SIDE_EVENTED].in_line = INT64_MAX;
	s.side[SIDE_EVENTED].door = INT64_MAX;
	s.side[SIDE_EVENTED].p99_ms = INFINITY;
	s.side[SIDE_EVENTED].throughput_rps = NAN;
	struct view_status st = status();
	st.elapsed_s = NAN;
	const char *t = draw(24, 80, &s, st, (struct view_opts){ .color = true });
	fputs(t, stderr);
	assert_on_screen(t, "00:00");
	assert_null(strstr(t, "nan"));
	assert_null(strstr(t, "inf"));
	st.elapsed_s = 1e300;
	t = draw(36, 120, &s, st, (struct view_opts){ .big = true, .ascii = true });
	assert_on_screen(t, "waiting (outside"); /* the sum of the two saturates, not wraps */
	assert_null(strstr(t, "nan"));
	assert_null(strstr(t, "inf"));
}

/* Issue 19, defect 13: a killed load generator and a dead kitchen are said in words;
 * the last arrival rate is not left on the screen. */
static void test_view_says_what_stopped(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct side_snapshot *b = &s.side[SIDE_BLOCKING], *e = &s.side[SIDE_EVENTED];
	b->loadgen_up = false;
	b->offered_rps = 0;
	snprintf(b->loadgen_reason, sizeof b->loadgen_reason, "load generator killed by SIGKILL");
	snprintf(e->kitchen_reason, sizeof e->kitchen_reason, "kitchen down (exit 1): orders fail with 502");
	const char *t = draw(30, 120, &s, status(), (struct view_opts){ .color = true });
	fputs(t, stderr);
	assert_on_screen(t, "load generator killed by SIGKILL");
	assert_on_screen(t, "kitchen down (exit 1)");
	assert_on_screen(t, "arriving 120.0/s"); /* the evented half still has its load */
	assert_null(strstr(t, "arriving 0.0/s"));
	t = draw(36, 120, &s, status(), (struct view_opts){ .big = true });
	assert_on_screen(t, "load generator killed by SIGKILL");
	assert_on_screen(t, "kitchen down");
}

/* A peer (issue 14) on the right: what was measured from outside, and only that. */
static void test_view_black_box_half(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct side_snapshot *e = &s.side[SIDE_EVENTED];
	snprintf(e->restaurant, sizeof e->restaurant, "node");
	snprintf(e->model, sizeof e->model, "%s", "");
	e->black_box = true;
	e->door_kernel = true;
	e->door = 3;
	e->door_max = 4096;
	e->in_flight = 6;
	e->outside = 2;
	e->loadgen_up = true;
	e->pid = 1234;
	e->threads = 7;
	e->rss_kb = 52000;
	e->processes = 1;
	e->listen_overflows = 5;
	e->loop_lag_p99_ms = 0;
	struct view_opts o = { .color = true };
	const char *t = draw(30, 120, &s, status(), o);
	fputs(t, stderr);
	assert_on_screen(t, "BLOCKING");
	assert_on_screen(t, "NODE.JS");
	assert_on_screen(t, "outside 2  door 3/4096  in flight 6");
	s.side[SIDE_BLOCKING].door_kernel = true; /* ours: the same kernel reading, the same words */
	s.side[SIDE_BLOCKING].door = 5;
	s.side[SIDE_BLOCKING].door_max = 128;
	t = draw(30, 120, &s, status(), o);
	assert_on_screen(t, "door 5/128  conns");
	assert_on_screen(t, "inside 6");
	assert_on_screen(t, "no scoreboard");
	assert_on_screen(t, "listen overflows 5");
	assert_on_screen(t, "threads 7");
	assert_on_screen(t, "served 119.8/s");
	assert_null(strstr(t, "loop lag")); /* no loop seen inside a black box */
	struct view_opts big = { .color = true, .big = true };
	t = draw(30, 120, &s, status(), big);
	assert_on_screen(t, "waiting (outside + door)");
}

/* The row index (0-based) of the first line of t that contains part, or -1. */
static int row_of(const char *t, const char *part, int from)
{
	int row = 0;
	for (const char *line = t; *line; row++) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (row >= from) {
			char buf[2048];
			snprintf(buf, sizeof buf, "%.*s", (int)len, line);
			if (strstr(buf, part))
				return row;
		}
		if (!end)
			break;
		line = end + 1;
	}
	return -1;
}

/* Cells drawn (not blank) in rows [r0, r0 + n) and columns [c0, c1) of the pad. */
static int filled(WINDOW *w, int r0, int n, int c0, int c1)
{
	int count = 0;
	for (int r = r0; r < r0 + n; r++)
		for (int c = c0; c < c1; c++) {
			wchar_t ch[4] = { 0 };
			if (mvwinnwstr(w, r, c, ch, 1) > 0 && ch[0] != L' ')
				count++;
		}
	return count;
}

/* Issue 18: each half scaled its sparklines to its own largest value, so 13 s and
 * 50 ms drew bars of one height. On the shared axes a p99 100 times the other's
 * draws taller, and 80/s draws shorter than 120/s. */
static void test_view_shared_scales_draw_taller(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct side_snapshot *b = &s.side[SIDE_BLOCKING], *e = &s.side[SIDE_EVENTED];
	for (int i = 0; i < 15; i++) {
		b->history_p99_ms[i] = 530;
		e->history_p99_ms[i] = 5.3f;
	}
	b->p99_ms = 530;
	e->p99_ms = 5.3;
	struct view_opts o = { .color = false };
	view_setup(&o);
	WINDOW *pad = newpad(36, 120);
	assert_non_null(pad);
	struct view_status st = status();
	view_draw(pad, &s, &st, &o);
	const char *t = window_text(pad);
	fputs(t, stderr);
	int lat = row_of(t, "latency p50", 0), srv = row_of(t, "served", 0);
	int err = row_of(t, "errors", lat);
	assert_true(lat > 0 && srv > 0 && err > lat + 1);
	int rows = err - lat - 1; /* the chart's rows */
	/* the chart columns (after the axis labels) of each half */
	int lat_b = filled(pad, lat + 1, rows, 8, 59), lat_e = filled(pad, lat + 1, rows, 60 + 8, 120);
	int srv_b = filled(pad, srv + 1, rows, 8, 59), srv_e = filled(pad, srv + 1, rows, 60 + 8, 120);
	print_message("latency cells: blocking %d evented %d; throughput cells: blocking %d evented %d\n", lat_b,
		      lat_e, srv_b, srv_e);
	assert_true(lat_b > lat_e + 15); /* two decades more: half the height more, 15 columns */
	assert_true(srv_b < srv_e);
	/* the axes are labelled, the time span said */
	assert_on_screen(t, "10ms");
	assert_on_screen(t, "100ms");
	assert_on_screen(t, "  1s");
	assert_on_screen(t, " 10s");
	assert_on_screen(t, "1ms");
	assert_on_screen(t, "last 60 s");
	assert_on_screen(t, "arr"); /* the arrival rate marked on the throughput axis */
	assert_on_screen(t, "blocking p99 = 100 x evented");
	delwin(pad);
	drain();
	/* the pure scale: 100 times the latency is half the height on four decades */
	assert_int_equal(scale_log_eighths(530, 40) - scale_log_eighths(5.3, 40), 20);
	assert_int_equal(scale_log_eighths(0, 40), 0);
	assert_int_equal(scale_log_eighths(0.2, 40), 1);
	assert_int_equal(scale_log_eighths(1e9, 40), 40);
}

/* Issue 18: missing data was drawn as zero ("latency p50 0.00ms", "loop lag p99
 * 0.00ms" while the loop was frozen). No response: "—"; a frozen loop: "—" and the
 * banner; the first second after a start: "—" and the starting banner. */
static void test_view_no_data_is_a_dash(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct side_snapshot *b = &s.side[SIDE_BLOCKING], *e = &s.side[SIDE_EVENTED];
	e->p50_ms = e->p99_ms = e->max_ms = 0;
	e->latency_count = 0;
	e->loop_lag_p99_ms = 0;
	e->loop_lag_count = 0;
	e->cashier_state[0] = CASHIER_FROZEN;
	e->cashier_by_state[CASHIER_FROZEN] = 1;
	e->cashier_by_state[CASHIER_IDLE] = 0;
	e->verdict_little = LITTLE_NO_DATA;
	e->verdict_window_ticks = 2;
	const char *t = draw(36, 120, &s, status(), (struct view_opts){ .color = true });
	fputs(t, stderr);
	assert_on_screen(t, "latency p50 \u2014 p99 \u2014 max \u2014");
	assert_on_screen(t, "loop lag p99 \u2014");
	assert_on_screen(t, "loop frozen");
	assert_on_screen(t, "the chef faints: the evented loop is frozen");
	assert_on_screen(t, "not enough data");
	assert_null(strstr(t, "0.00ms"));
	assert_null(strstr(t, "x evented")); /* no ratio without both latencies */
	/* the first second of a start: nothing measured on either half */
	make_snapshot(&s);
	s.ticks = 0;
	b->history_len = e->history_len = 0;
	b->p50_ms = b->p99_ms = b->max_ms = 0;
	b->latency_count = 0;
	t = draw(36, 120, &s, status(), (struct view_opts){ .ascii = true });
	fputs(t, stderr);
	assert_on_screen(t, "starting:");
	assert_on_screen(t, "served -  arriving -");
	assert_on_screen(t, "latency p50 - p99 - max -");
	assert_on_screen(t, "cpu -");
	assert_null(strstr(t, "0.00ms"));
	/* while the restaurants restart, no figure of the old run stands as if live */
	make_snapshot(&s);
	struct view_status st = status();
	st.restarting = true;
	t = draw(36, 120, &s, st, (struct view_opts){ .color = true });
	fputs(t, stderr);
	assert_on_screen(t, "restarting: the servers stop");
	assert_null(strstr(t, "served"));
	assert_null(strstr(t, "line 312"));
}

/* Issue 18: the words on the screen explained: ? has a legend of each, e names each
 * part in place, and "cpu" means one thing ("work/order" is the CPU work per order). */
static void test_view_legend_and_explain(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	struct view_status st = status();
	st.work_us = 500;
	const char *t = draw(36, 120, &s, st, (struct view_opts){ .color = true });
	assert_on_screen(t, "work/order 500us");
	assert_null(strstr(t, "cpu 500us"));
	st.help = true;
	t = draw(40, 130, &s, st, (struct view_opts){ .color = true });
	fputs(t, stderr);
	static const char *const words[] = { "outside   customers waiting in the client for a connection",
					     "door      the accept backlog", "line ", "counter ", "kitchen   the I/O wait",
					     "pickup ", "loop lag ", "L         everyone inside", "\u03bbW ", "cpu ",
					     "conns ", "work/order " };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_on_screen(t, words[i]);
	st.help = false;
	t = draw(36, 120, &s, st, (struct view_opts){ .color = true, .explain = true });
	fputs(t, stderr);
	assert_on_screen(t, "door: accept backlog");
	assert_on_screen(t, "accepted, waiting for a cashier");
	assert_on_screen(t, "one loop serves every customer");
	assert_on_screen(t, "kitchen: I/O wait");
	assert_on_screen(t, "log axis shared by both");
	assert_on_screen(t, "loop lag: how late the loop wakes");
	assert_on_screen(t, "BLOCKING"); /* the scene is still there under the names */
}

/* Issue 18: --big drew "4.80 s" and "53 ms" with small units (the faster looked
 * worse), a point one block wide ("4.4" read "44"), and no line. Now both p99s are in
 * seconds, the unit as big as the digits, the point a glyph of its own with space
 * around, and everyone waiting (outside too) as dots below the figures. */
static void test_view_big_same_unit_and_dots(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	s.side[SIDE_BLOCKING].outside = 11394;
	WINDOW *pad = newpad(36, 120);
	assert_non_null(pad);
	struct view_opts o = { .big = true, .color = false };
	view_setup(&o);
	struct view_status st = status();
	view_draw(pad, &s, &st, &o);
	const char *t = window_text(pad);
	fputs(t, stderr);
	assert_on_screen(t, "waiting (outside + door + line)");
	int p99 = row_of(t, "p99 latency", 0);
	assert_true(p99 > 0);
	/* the big 'm' (the only glyph four blocks wide) in neither half: both in s */
	int m_rows = 0;
	char lines[5][2048];
	for (int r = 0; r < 5; r++) {
		wchar_t line[512];
		int k = mvwinnwstr(pad, p99 + 1 + r, 0, line, 120);
		line[k > 0 ? k : 0] = L'\0';
		wcstombs(lines[r], line, sizeof lines[r]);
		if (strstr(lines[r], "\u2588\u2588\u2588\u2588"))
			m_rows++;
	}
	assert_int_equal(m_rows, 0);
	assert_non_null(strstr(lines[4], "\u2584")); /* the decimal point, on the baseline */
	/* the line of dots below the figures, with the crowd outside counted: +N */
	int dots_row = row_of(t, "\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf\u25cf", p99 + 6);
	assert_true(dots_row > p99 + 5);
	assert_on_screen(t, "+10.9k"); /* 11,706 waiting: the dots that fit, then the rest */
	/* both under a second: both in ms, the big m drawn (in each half) */
	s.side[SIDE_BLOCKING].p99_ms = 530;
	view_draw(pad, &s, &st, &o);
	int m_cells = 0;
	for (int c = 0; c + 4 <= 120; c++)
		m_cells += filled(pad, p99 + 2, 1, c, c + 4) == 4;
	assert_true(m_cells >= 2);
	delwin(pad);
	drain();
}

/* A recording keeps the tick's server-side L and lambda*W but no verdict: a replayed
 * frame shows those figures as recorded, never a verdict nobody judged. */
static void test_view_replay_frame_has_no_verdict(void **state)
{
	(void)state;
	static struct snapshot s;
	make_snapshot(&s);
	for (int i = 0; i < SIDE_COUNT; i++) {
		s.side[i].verdict_little = LITTLE_NO_DATA;
		s.side[i].verdict_window_ticks = 0;
		s.side[i].latency_count = 0; /* not recorded either: the p99 says there were responses */
	}
	struct view_status st = status();
	st.keys = " space pause  q quit";
	st.mode = "replay x1 3/10";
	const char *t = draw(36, 120, &s, st, (struct view_opts){ .color = true });
	fputs(t, stderr);
	assert_on_screen(t, "Little L=316 λW=168 (server, recorded)");
	assert_on_screen(t, "(server, recorded)");
	assert_null(strstr(t, "not enough data"));
	assert_null(strstr(t, "line growing"));
	assert_on_screen(t, "p99 4.80s");       /* latencies drawn from the recorded p99 */
	assert_on_screen(t, "blocking p99 = 90 x evented");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_both_restaurants_at_80x24),
		cmocka_unit_test(test_view_too_small),
		cmocka_unit_test(test_view_ascii_has_no_utf8),
		cmocka_unit_test(test_view_big_layout),
		cmocka_unit_test(test_view_down_side_says_why),
		cmocka_unit_test(test_view_hostile_numbers),
		cmocka_unit_test(test_view_says_what_stopped),
		cmocka_unit_test(test_view_black_box_half),
		cmocka_unit_test(test_view_shared_scales_draw_taller),
		cmocka_unit_test(test_view_no_data_is_a_dash),
		cmocka_unit_test(test_view_legend_and_explain),
		cmocka_unit_test(test_view_big_same_unit_and_dots),
		cmocka_unit_test(test_view_replay_frame_has_no_verdict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
