/* test_dashboard_window.c: the model's whole-window figures (visualizer/model_window.h)
 * and the lesson figures named from them (lessons/engine/lesson_measure.h).
 *
 * As in test_dashboard_model.c the test plays the writer of a server and a load
 * generator scoreboard and drives the clock, so every count, percentile, mean and
 * least-squares slope of a window has an exact expected value. The server board's
 * pid is the test's own, so /proc is read for real. Also the machine's busy time from
 * /proc/stat (procstat.h), which a lesson step counts its free cores from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "hist.h"
#include "../../lessons/engine/lesson_measure.h"
#include "../../visualizer/model.h"
#include "../../visualizer/model_window.h"
#include "../../visualizer/procstat.h"
#include "scoreboard.h"

struct fixture {
	char srv_name[64], lg_name[64], more_name[64];
	struct scoreboard_server *srv;
	struct scoreboard_loadgen *lg, *more;
	struct model *m;
	struct model_window *w;
	struct window_figures *fig;  /* eight histograms: on the heap */
	uint64_t t0;
};

static int setup(void **state)
{
	static struct fixture f;
	static unsigned n;
	memset(&f, 0, sizeof f);
	snprintf(f.srv_name, sizeof f.srv_name, "tdw%d-%u-srv", (int)getpid(), n);
	snprintf(f.lg_name, sizeof f.lg_name, "tdw%d-%u-lg", (int)getpid(), n);
	snprintf(f.more_name, sizeof f.more_name, "tdw%d-%u-more", (int)getpid(), n++);
	void *p;
	assert_int_equal(scoreboard_create(f.srv_name, SCOREBOARD_SERVER, "blocking", sizeof *f.srv, &p), 0);
	f.srv = p;
	assert_int_equal(scoreboard_create(f.lg_name, SCOREBOARD_LOADGEN, "loadgen", sizeof *f.lg, &p), 0);
	f.lg = p;
	hist_init(&f.srv->latency);
	hist_init(&f.srv->loop_lag);
	hist_init(&f.lg->latency);
	hist_init(&f.lg->uncorrected);
	f.srv->threads_cfg = 4;
	f.srv->cashiers = 4;
	f.lg->open_loop = 1;
	f.t0 = clock_now_ns();
	f.srv->hdr.heartbeat_ns = f.lg->hdr.heartbeat_ns = f.t0;
	f.m = model_new();
	f.w = model_window_new();
	f.fig = calloc(1, sizeof *f.fig);
	assert_non_null(f.m);
	assert_non_null(f.w);
	assert_non_null(f.fig);
	assert_int_equal(model_attach(f.m, SIDE_BLOCKING, f.srv_name, f.lg_name), 0);
	model_reset(f.m, f.t0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	free(f->fig);
	model_window_free(f->w);
	model_free(f->m);
	scoreboard_unmap(f->srv, sizeof *f->srv);
	scoreboard_unmap(f->lg, sizeof *f->lg);
	scoreboard_unmap(f->more, sizeof *f->more);
	scoreboard_remove(f->srv_name);
	scoreboard_remove(f->lg_name);
	scoreboard_remove(f->more_name);
	return 0;
}

static void beat(struct fixture *f, uint64_t now)
{
	if (f->srv)
		f->srv->hdr.heartbeat_ns = now;
	f->lg->hdr.heartbeat_ns = now;
	if (f->more)
		f->more->hdr.heartbeat_ns = now;
}

/* The model maps the boards on its first update, as the lesson runner's loop does. */
static void update(struct fixture *f, uint64_t now)
{
	beat(f, now);
	model_update(f->m, now);
}

static void assert_near(double got, double want, double tol, const char *what)
{
	if (fabs(got - want) > tol) {
		print_error("%s: got %.4f, want %.4f (+-%.4f)\n", what, got, want, tol);
		fail();
	}
}

static const struct window_side *blocking(const struct fixture *f)
{
	return &f->fig->side[SIDE_BLOCKING];
}

/* Counts are the differences between the window's two ends, whatever came before. */
static void test_window_counts_are_differences(void **state)
{
	struct fixture *f = *state;
	f->srv->arrived = 5000;
	f->srv->served = 4000;
	f->srv->errors[SERR_UNAVAILABLE] = 70;
	f->lg->arrived = 5100;
	f->lg->completed = 4000;
	f->lg->errors[LERR_TIMEOUT] = 9;
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	f->srv->arrived += 120;
	f->srv->served += 80;
	f->srv->errors[SERR_UNAVAILABLE] += 3;
	f->srv->errors[SERR_BAD_REQUEST] += 2;
	f->lg->arrived += 121;
	f->lg->completed += 83;
	f->lg->errors[LERR_TIMEOUT] += 4;
	f->lg->errors[LERR_STATUS] += 3;
	uint64_t t1 = f->t0 + 2 * NS_PER_SEC;
	update(f, t1);
	model_window_end(f->w, f->m, t1, f->fig);
	const struct window_side *w = blocking(f);
	print_message("window %.3f s: served %llu arrived %llu shed %llu errors %llu | offered %llu completed %llu "
		      "timeouts %llu errors %llu\n", w->window_s, (unsigned long long)w->served,
		      (unsigned long long)w->arrived, (unsigned long long)w->shed, (unsigned long long)w->server_errors,
		      (unsigned long long)w->offered, (unsigned long long)w->completed,
		      (unsigned long long)w->timeouts, (unsigned long long)w->loadgen_errors);
	assert_true(w->server);
	assert_true(w->loadgen);
	assert_near(w->window_s, 2.0, 1e-9, "window_s");
	assert_int_equal(w->served, 80);
	assert_int_equal(w->arrived, 120);
	assert_int_equal(w->shed, 3);
	assert_int_equal(w->server_errors, 5);
	assert_int_equal(w->offered, 121);
	assert_int_equal(w->completed, 83);
	assert_int_equal(w->timeouts, 4);
	assert_int_equal(w->loadgen_errors, 7);
	/* the side nobody attached has nothing */
	assert_false(f->fig->side[SIDE_EVENTED].server);
	assert_false(f->fig->side[SIDE_EVENTED].loadgen);
	assert_false(f->fig->side[SIDE_EVENTED].process);
}

/* The histograms are the window's only: a slow past does not leak into its p99. */
static void test_window_histograms_are_the_window_only(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 1000; i++) {
		hist_record(&f->lg->latency, 500000);     /* 500 ms before the window */
		hist_record(&f->lg->uncorrected, 400000);
		hist_record(&f->srv->latency, 300000);
		hist_record(&f->srv->loop_lag, 200000);
	}
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	for (int i = 0; i < 100; i++) {
		hist_record(&f->lg->latency, i < 90 ? 10000 : 1000000); /* 10 % near 1 s */
		hist_record(&f->lg->uncorrected, 10000);
		hist_record(&f->srv->latency, 5000);
		hist_record(&f->srv->loop_lag, 12000);
	}
	uint64_t t1 = f->t0 + NS_PER_SEC;
	update(f, t1);
	model_window_end(f->w, f->m, t1, f->fig);
	const struct window_side *w = blocking(f);
	print_message("window: latency n %llu p50 %llu us max %llu us; uncorrected p99 %llu us; server p99 %llu us; "
		      "lag p99 %llu us\n", (unsigned long long)w->latency.count,
		      (unsigned long long)hist_percentile(&w->latency, 50), (unsigned long long)w->latency.max_us,
		      (unsigned long long)hist_percentile(&w->uncorrected, 99),
		      (unsigned long long)hist_percentile(&w->server_latency, 99),
		      (unsigned long long)hist_percentile(&w->loop_lag, 99));
	assert_int_equal(w->latency.count, 100);
	assert_int_equal(w->uncorrected.count, 100);
	assert_int_equal(w->server_latency.count, 100);
	assert_int_equal(w->loop_lag.count, 100);
	assert_near((double)hist_percentile(&w->latency, 50), 10000, 100, "latency p50");
	assert_near((double)hist_percentile(&w->latency, 99), 1000000, 10000, "latency p99");
	assert_near((double)hist_percentile(&w->uncorrected, 99), 10000, 100, "uncorrected p99");
	assert_near((double)hist_percentile(&w->server_latency, 99), 5000, 50, "server p99");
	assert_near(hist_mean(&w->server_latency), 5000, 50, "server mean");
	assert_near((double)hist_percentile(&w->loop_lag, 99), 12000, 120, "loop lag p99");
}

/* Gauges sampled along the window: means, maxima, the last sample, and the line's
 * growth as the least-squares slope (exact for samples on a straight line). */
static void test_window_samples_and_growth(void **state)
{
	struct fixture *f = *state;
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	for (int k = 0; k <= 10; k++) {
		uint64_t t = f->t0 + (uint64_t)k * 100 * NS_PER_MS;
		f->srv->in_line = 5 + k;                         /* grows 10 per second */
		f->srv->at_counter = 4;
		f->srv->in_kitchen = 3;
		f->srv->handing_over = 1;
		f->srv->conns_open = k == 4 ? 40 : 10;
		f->lg->waiting = 2 * k;                          /* 20 per second */
		f->lg->in_flight = 6;
		update(f, t);
		model_window_sample(f->w, f->m, t);
	}
	uint64_t t1 = f->t0 + NS_PER_SEC;
	update(f, t1);
	model_window_end(f->w, f->m, t1, f->fig);
	const struct window_side *w = blocking(f);
	print_message("line mean %.2f max %.0f end %.0f growth %.3f/s; in system %.2f; conns max %.0f; backlog mean "
		      "%.2f end %.0f growth %.3f/s\n", w->line_mean, w->line_max, w->line_end, w->line_growth_rps,
		      w->in_system_mean, w->conns_max, w->backlog_mean, w->backlog_end, w->backlog_growth_rps);
	assert_near(w->line_mean, 10, 1e-9, "line mean");    /* 5..15 */
	assert_near(w->line_max, 15, 1e-9, "line max");
	assert_near(w->line_end, 15, 1e-9, "line end");
	assert_near(w->line_growth_rps, 10, 1e-6, "line growth");
	assert_near(w->in_system_mean, 18, 1e-9, "in system mean"); /* 10 + 4 + 3 + 1 */
	assert_near(w->conns_max, 40, 1e-9, "conns max");
	assert_near(w->backlog_mean, 16, 1e-9, "backlog mean"); /* 0..20, + 6 */
	assert_near(w->backlog_end, 26, 1e-9, "backlog end");
	assert_near(w->backlog_growth_rps, 20, 1e-6, "backlog growth");
}

/* Busy time: the slots' busy_ns plus each busy slot's current period, over the slots
 * and the window (the tick's definition, loop_util_pct). */
static void test_window_busy_share(void **state)
{
	struct fixture *f = *state;
	update(f, f->t0);
	for (int i = 0; i < 4; i++)
		f->srv->cashier[i].busy_ns = 1000 * NS_PER_MS;
	model_window_begin(f->w, f->m, f->t0);
	uint64_t t1 = f->t0 + 2 * NS_PER_SEC;
	f->srv->cashier[0].busy_ns += 2000 * NS_PER_MS; /* busy all the window */
	f->srv->cashier[1].busy_ns += 1000 * NS_PER_MS; /* half */
	f->srv->cashier[2].state = CASHIER_TAKING_ORDER;    /* busy for the last 400 ms, not done */
	f->srv->cashier[2].state_since_ns = t1 - 400 * NS_PER_MS;
	update(f, t1);
	model_window_end(f->w, f->m, t1, f->fig);
	print_message("busy %.2f %%\n", blocking(f)->busy_pct);
	/* (2000 + 1000 + 400 + 0) ms of 4 x 2000 ms */
	assert_near(blocking(f)->busy_pct, 42.5, 1e-6, "busy_pct");
}

static double process_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The server board's pid is this test: its threads, memory and CPU time come from
 * /proc, CPU time as the difference between the window's ends. */
static void test_window_process_from_proc(void **state)
{
	struct fixture *f = *state;
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	model_window_sample(f->w, f->m, f->t0);
	double c0 = process_cpu_ns();
	volatile double x = 0;
	while (process_cpu_ns() - c0 < 60e6) /* 60 ms of CPU: /proc counts in 10 ms ticks */
		x += sqrt(x + 1);
	uint64_t t1 = clock_now_ns();
	update(f, t1);
	model_window_end(f->w, f->m, t1, f->fig);
	const struct window_side *w = blocking(f);
	print_message("threads max %.0f, rss max %.0f KiB end %.0f KiB, cpu %.1f ms, ctx %llu\n", w->threads_max,
		      w->rss_max_kb, w->rss_end_kb, w->cpu_ns / 1e6, (unsigned long long)w->ctx_switches);
	assert_true(w->have_cpu);
	assert_true(w->threads_max >= 1);
	assert_true(w->rss_max_kb > 0);
	assert_true(w->rss_end_kb > 0);
	assert_true(w->cpu_ns >= 30 * NS_PER_MS);  /* 60 ms burnt, less two 10 ms ticks of rounding */
}

/* A further load generator's counts, timeouts and both histograms are summed in, as
 * the tick sums them (model_attach_more_loadgen). */
static void test_window_sums_more_loadgens(void **state)
{
	struct fixture *f = *state;
	void *p;
	assert_int_equal(scoreboard_create(f->more_name, SCOREBOARD_LOADGEN, "loadgen", sizeof *f->more, &p), 0);
	f->more = p;
	hist_init(&f->more->latency);
	hist_init(&f->more->uncorrected);
	assert_int_equal(model_attach_more_loadgen(f->m, SIDE_BLOCKING, f->more_name), 0);
	f->more->arrived = 900;
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	f->lg->arrived += 100;
	f->more->arrived += 50;
	f->more->completed += 50;
	f->more->errors[LERR_TIMEOUT] += 5;
	f->more->waiting = 7;
	for (int i = 0; i < 50; i++) {
		hist_record(&f->more->latency, 80000);
		hist_record(&f->more->uncorrected, 70000);
	}
	for (int i = 0; i < 100; i++) {
		hist_record(&f->lg->latency, 1000);
		hist_record(&f->lg->uncorrected, 1000);
	}
	uint64_t t1 = f->t0 + NS_PER_SEC;
	update(f, t1);
	model_window_sample(f->w, f->m, t1);
	model_window_end(f->w, f->m, t1, f->fig);
	const struct window_side *w = blocking(f);
	print_message("two load generators: offered %llu timeouts %llu latency n %llu uncorrected n %llu p99 %llu us "
		      "backlog end %.0f\n", (unsigned long long)w->offered, (unsigned long long)w->timeouts,
		      (unsigned long long)w->latency.count, (unsigned long long)w->uncorrected.count,
		      (unsigned long long)hist_percentile(&w->uncorrected, 99), w->backlog_end);
	assert_int_equal(w->offered, 150);
	assert_int_equal(w->timeouts, 5);
	assert_int_equal(w->latency.count, 150);
	assert_int_equal(w->uncorrected.count, 150);
	assert_near((double)hist_percentile(&w->uncorrected, 99), 70000, 700, "uncorrected p99 of both");
	assert_near(w->backlog_end, 7, 1e-9, "waiting of both");
}

static int shm_fd(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "/lunchrush.%s", name);
	int fd = shm_open(path, O_RDWR, 0);
	assert_true(fd >= 0);
	return fd;
}

/* The server's segment shrinks to one page in the window: the samples skip it, the end
 * finds no server (no figures, no crash), the load generator's half stands. */
static void test_window_survives_truncated_segment(void **state)
{
	struct fixture *f = *state;
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	scoreboard_unmap(f->srv, sizeof *f->srv);
	f->srv = NULL;
	int fd = shm_fd(f->srv_name);
	assert_int_equal(ftruncate(fd, 4096), 0);
	close(fd);
	f->lg->arrived += 10;
	uint64_t t1 = f->t0 + 100 * NS_PER_MS;
	model_window_sample(f->w, f->m, t1);  /* the model has not noticed yet: a SIGBUS, caught */
	model_window_end(f->w, f->m, t1, f->fig);
	const struct window_side *w = blocking(f);
	print_message("after truncation: server %d loadgen %d offered %llu\n", w->server, w->loadgen,
		      (unsigned long long)w->offered);
	assert_false(w->server);
	assert_true(w->loadgen);
	assert_int_equal(w->offered, 10);
}

/* Over one tick the window and the tick read the same: the snapshot's throughput,
 * percentiles and utilisation equal the window's (one reader, one definition). */
static void test_window_agrees_with_tick(void **state)
{
	struct fixture *f = *state;
	update(f, f->t0);
	model_window_begin(f->w, f->m, f->t0);
	f->srv->served += 250;
	f->lg->arrived += 260;
	f->lg->completed += 250;
	f->srv->cashier[0].busy_ns += 700 * NS_PER_MS;
	for (int i = 0; i < 250; i++) {
		hist_record(&f->srv->latency, 2000 + 37 * (uint64_t)i);
		hist_record(&f->lg->latency, 3000 + 91 * (uint64_t)i);
	}
	uint64_t t1 = f->t0 + NS_PER_SEC;
	beat(f, t1);
	assert_true(model_update(f->m, t1));
	model_window_end(f->w, f->m, t1, f->fig);
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	const struct window_side *w = blocking(f);
	double win_p99_ms = hist_percentile(&w->latency, 99) / 1000.0;
	double win_srv_mean_ms = hist_mean(&w->server_latency) / 1000.0;
	print_message("tick: %.1f/s p99 %.3f ms server mean %.3f ms util %.2f %% | window: %.1f/s p99 %.3f ms "
		      "server mean %.3f ms busy %.2f %%\n", ss->throughput_rps, ss->p99_ms, ss->server_mean_ms,
		      ss->loop_util_pct, w->served / w->window_s, win_p99_ms, win_srv_mean_ms, w->busy_pct);
	assert_near(w->served / w->window_s, ss->throughput_rps, 1e-9, "throughput");
	assert_near(w->offered / w->window_s, ss->offered_rps, 1e-9, "offered");
	assert_near(win_p99_ms, ss->p99_ms, 1e-9, "p99");
	assert_near(win_srv_mean_ms, ss->server_mean_ms, 1e-9, "server mean");
	assert_near(w->busy_pct, ss->loop_util_pct, 1e-9, "busy");
}

/* lesson_measure names the window's figures: rates per second, percentiles in ms,
 * Little's lambda W, late service, errors per second, the share near a SYN retry. */
static void test_measure_names_the_window(void **state)
{
	struct fixture *f = *state;
	struct measure *ms = measure_new();
	struct measured_side out[SIDE_COUNT];
	assert_non_null(ms);
	update(f, f->t0);
	measure_begin(ms, f->m, f->t0);
	f->srv->served += 400;
	f->srv->arrived += 410;
	f->srv->errors[SERR_UNAVAILABLE] += 10;
	f->lg->arrived += 420;
	f->lg->completed += 380;
	f->lg->errors[LERR_TIMEOUT] += 6;
	for (int i = 0; i < 400; i++)
		hist_record(&f->srv->latency, 25000);         /* 25 ms inside */
	for (int i = 0; i < 380; i++)
		hist_record(&f->lg->latency, i < 19 ? 1000000 : 30000); /* 5 % near 1 s */
	for (int k = 0; k < 5; k++) {
		f->srv->in_line = 3;
		uint64_t t = f->t0 + (uint64_t)k * 500 * NS_PER_MS;
		update(f, t);
		measure_sample(ms, f->m, t);
	}
	uint64_t t1 = f->t0 + 2 * NS_PER_SEC;
	update(f, t1);
	measure_end(ms, f->m, t1, out);
	const struct measured_side *o = &out[SIDE_BLOCKING];
	print_message("throughput %.1f/s completed %.1f/s late %.1f/s shed %.1f/s timeouts %.1f/s errors %.1f/s; "
		      "server mean %.2f ms, lambda W %.3f; p50 %.2f ms; near 1 s %.2f %%; line mean %.1f\n",
		      o->throughput_rps, o->completed_rps, o->late_served_rps, o->shed_rps, o->timeout_rps,
		      o->error_rps, o->server_mean_ms, o->little_lw, o->p50_ms, o->near_1s_pct, o->line_mean);
	assert_true(o->server && o->loadgen && !o->process);
	assert_near(o->throughput_rps, 200, 1e-9, "throughput_rps");
	assert_near(o->arrival_rps, 205, 1e-9, "arrival_rps");
	assert_near(o->offered_rps, 210, 1e-9, "offered_rps");
	assert_near(o->completed_rps, 190, 1e-9, "completed_rps");
	assert_near(o->late_served_rps, 10, 1e-9, "late_served_rps");
	assert_near(o->shed_rps, 5, 1e-9, "shed_rps");
	assert_near(o->timeout_rps, 3, 1e-9, "timeout_rps");
	assert_near(o->error_rps, 8, 1e-9, "error_rps");     /* (10 + 6) / 2 s */
	assert_near(o->server_mean_ms, 25, 0.25, "server_mean_ms");
	assert_near(o->little_lw, 200 * 0.025, 0.05, "little_lw");
	assert_near(o->p50_ms, 30, 0.3, "p50_ms");
	assert_near(o->near_1s_pct, 5, 1e-9, "near_1s_pct");
	assert_near(o->near_3s_pct, 0, 1e-9, "near_3s_pct");
	assert_near(o->line_mean, 3, 1e-9, "line_mean");
	assert_true(o->cpu_pct >= 0);
	measure_free(ms);
}

/* The machine's busy time counts user, nice, system and steal, not idle, iowait, irq or
 * softirq (lesson_run.c's free cores); a text that is not /proc/stat is refused. */
static void test_procstat_machine_busy(void **state)
{
	(void)state;
	uint64_t ns;
	long hz = sysconf(_SC_CLK_TCK);
	assert_int_equal(procstat_parse_machine_busy("cpu  100 20 30 5000 40 6 7 8 0 0\ncpu0 1 2 3 4\n", &ns), 0);
	print_message("busy %llu ns at %ld ticks a second\n", (unsigned long long)ns, hz);
	assert_int_equal(ns, (100 + 20 + 30 + 8) * (1000000000ULL / (uint64_t)hz));
	assert_int_equal(procstat_parse_machine_busy("cpu  1 2 3 4 5\n", &ns), 0); /* an old kernel: no steal */
	assert_int_equal(ns, 6 * (1000000000ULL / (uint64_t)hz));
	assert_int_equal(procstat_parse_machine_busy("intr 1 2 3\n", &ns), -EPROTO);
	assert_int_equal(procstat_parse_machine_busy("cpu 1 2\n", &ns), -EPROTO);
	uint64_t a, b;
	assert_int_equal(procstat_machine_busy(&a), 0);
	assert_int_equal(procstat_machine_busy(&b), 0);
	assert_true(b >= a); /* only grows */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_window_counts_are_differences, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_histograms_are_the_window_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_samples_and_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_busy_share, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_process_from_proc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_sums_more_loadgens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_survives_truncated_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_agrees_with_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measure_names_the_window, setup, teardown),
		cmocka_unit_test(test_procstat_machine_busy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
