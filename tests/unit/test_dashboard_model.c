/* test_dashboard_model.c: the dashboard's model against synthetic scoreboards.
 *
 * The test plays the writer: it creates a server and a load generator scoreboard with
 * scoreboard_create, moves their counters, gauges and histograms as a running server
 * would, and calls model_update with its own clock, so every rate, interval percentile
 * and Little's-law figure has an exact expected value. Also the control slots.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "../../visualizer/control.h"
#include "hist.h"
#include "../../visualizer/model.h"
#include "../../visualizer/verdict.h"
#include "scoreboard.h"

struct fixture {
	char srv_name[64], lg_name[64];
	struct scoreboard_server *srv;
	struct scoreboard_loadgen *lg;
	struct model *m;
	uint64_t t0;
};

static int setup(void **state)
{
	static struct fixture f;
	static unsigned n;
	memset(&f, 0, sizeof f);
	snprintf(f.srv_name, sizeof f.srv_name, "tdm%d-%u-srv", (int)getpid(), n);
	snprintf(f.lg_name, sizeof f.lg_name, "tdm%d-%u-lg", (int)getpid(), n++);
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
	f.lg->rate_milli = 120000;
	f.lg->cook_ms = 50;
	f.lg->keepalive = 1;
	f.t0 = clock_now_ns();
	f.srv->hdr.heartbeat_ns = f.lg->hdr.heartbeat_ns = f.t0;
	f.m = model_new();
	assert_non_null(f.m);
	assert_int_equal(model_attach(f.m, SIDE_BLOCKING, f.srv_name, f.lg_name), 0);
	model_reset(f.m, f.t0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	model_free(f->m);
	scoreboard_unmap(f->srv, sizeof *f->srv);
	scoreboard_unmap(f->lg, sizeof *f->lg);
	scoreboard_remove(f->srv_name);
	scoreboard_remove(f->lg_name);
	return 0;
}

/* The writers' heartbeat at the test's clock, as a live writer keeps it. */
static void beat(struct fixture *f, uint64_t now)
{
	f->srv->hdr.heartbeat_ns = now;
	f->lg->hdr.heartbeat_ns = now;
}

static void assert_near(double got, double want, double tol, const char *what)
{
	if (fabs(got - want) > tol) {
		print_error("%s: got %.4f, want %.4f (+-%.4f)\n", what, got, want, tol);
		fail();
	}
}

static void test_model_first_update_is_baseline(void **state)
{
	struct fixture *f = *state;
	f->srv->arrived = 1000;
	f->srv->served = 900;
	assert_false(model_update(f->m, f->t0));
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	assert_true(ss->present);
	assert_true(ss->server_up);
	assert_true(ss->loadgen_up);
	assert_true(ss->throughput_rps == 0.0); /* totals before the first reading are not a rate */
	assert_int_equal(model_snapshot(f->m)->ticks, 0);
	assert_false(model_snapshot(f->m)->side[SIDE_EVENTED].present);
}

static void test_model_rates_from_counter_deltas(void **state)
{
	struct fixture *f = *state;
	f->srv->arrived = 500;
	f->srv->served = 400;
	f->lg->arrived = 510;
	f->lg->completed = 400;
	model_update(f->m, f->t0);

	f->srv->arrived += 120;
	f->srv->served += 80;
	f->srv->errors[SERR_UNAVAILABLE] += 3;
	f->lg->arrived += 120;
	f->lg->completed += 83;
	f->lg->errors[LERR_STATUS] += 3;
	uint64_t t1 = f->t0 + 500 * NS_PER_MS; /* not due yet: gauges only */
	beat(f, t1);
	assert_false(model_update(f->m, t1));
	uint64_t t2 = f->t0 + 2 * NS_PER_SEC; /* a tick of two seconds: rates are per second */
	beat(f, t2);
	assert_true(model_update(f->m, t2));
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	print_message("arrival %.1f/s served %.1f/s offered %.1f/s errors %.1f/s\n", ss->arrival_rps,
		      ss->throughput_rps, ss->offered_rps, ss->error_rps);
	assert_near(ss->arrival_rps, 60, 1e-9, "arrival_rps");
	assert_near(ss->throughput_rps, 40, 1e-9, "throughput_rps");
	assert_near(ss->offered_rps, 60, 1e-9, "offered_rps");
	assert_near(ss->completed_rps, 41.5, 1e-9, "completed_rps");
	assert_near(ss->error_rps, 1.5, 1e-9, "error_rps");
	assert_int_equal(ss->server_errors[SERR_UNAVAILABLE], 3);
	assert_int_equal(ss->loadgen_errors[LERR_STATUS], 3);
	assert_int_equal(ss->errors_total, 6);
	assert_int_equal(ss->history_len, 1);
	assert_near(ss->history_rps[0], 40, 1e-6, "history_rps");
	assert_near(ss->rate, 120, 1e-9, "rate in force");
	assert_int_equal(model_snapshot(f->m)->ticks, 1);

	/* a counter that does not move gives zero, not the total */
	uint64_t t3 = t2 + NS_PER_SEC;
	beat(f, t3);
	assert_true(model_update(f->m, t3));
	assert_true(ss->throughput_rps == 0.0);
	assert_int_equal(ss->history_len, 2);
}

/* Percentiles are of the interval: what was recorded before the tick does not count. */
static void test_model_interval_percentiles(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 10000; i++) {
		hist_record(&f->lg->latency, 1000);    /* 1 ms, before the interval */
		hist_record(&f->srv->latency, 1000);
	}
	model_update(f->m, f->t0);
	for (int i = 0; i < 98; i++) {
		hist_record(&f->lg->latency, 50000);   /* 50 ms */
		hist_record(&f->srv->latency, 40000);  /* 40 ms */
	}
	hist_record(&f->lg->latency, 400000);      /* 400 ms */
	hist_record(&f->lg->latency, 2000000);     /* 2 s */
	uint64_t t1 = f->t0 + NS_PER_SEC;
	beat(f, t1);
	assert_true(model_update(f->m, t1));
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	print_message("interval p50 %.2f p99 %.2f max %.2f ms (server p50 %.2f) over %llu\n", ss->p50_ms, ss->p99_ms,
		      ss->max_ms, ss->server_p50_ms, (unsigned long long)ss->latency_count);
	assert_int_equal(ss->latency_count, 100);
	assert_near(ss->p50_ms, 50, 0.5, "p50 (1 % buckets)");
	assert_near(ss->p99_ms, 400, 4, "p99");
	assert_near(ss->max_ms, 2000, 20, "max");
	assert_near(ss->server_p50_ms, 40, 0.4, "server p50");
}

/* A second load generator on the same side is summed with the first: rates, gauges,
 * the rate in force and one interval histogram of both (issue 17); a board that shows
 * up later starts a new baseline instead of counting its totals as one tick. */
static void test_model_sums_several_loadgens(void **state)
{
	struct fixture *f = *state;
	char name[2][64];
	struct scoreboard_loadgen *more[2];
	for (int k = 0; k < 2; k++)
		snprintf(name[k], sizeof name[k], "tdm%d-more%d", (int)getpid(), k);
	for (int k = 0; k < 1; k++) {  /* the third one's writer starts later */
		void *p;
		assert_int_equal(scoreboard_create(name[k], SCOREBOARD_LOADGEN, "loadgen", sizeof *more[k], &p), 0);
		more[k] = p;
		hist_init(&more[k]->latency);
		more[k]->hdr.heartbeat_ns = f->t0;
		more[k]->rate_milli = 30000;
	}
	assert_int_equal(model_attach_more_loadgen(f->m, SIDE_BLOCKING, name[0]), 0);
	assert_int_equal(model_attach_more_loadgen(f->m, SIDE_BLOCKING, name[1]), 0);
	assert_int_equal(model_attach_more_loadgen(f->m, SIDE_EVENTED, name[0]), -EINVAL); /* no first one there */
	f->lg->arrived = 100;
	more[0]->arrived = 7000;
	model_update(f->m, f->t0);

	f->lg->arrived += 120;
	f->lg->completed += 120;
	f->lg->waiting = 3;
	more[0]->arrived += 30;
	more[0]->completed += 30;
	more[0]->waiting = 2;
	more[0]->errors[LERR_TIMEOUT] = 4;
	for (int i = 0; i < 120; i++)
		hist_record(&f->lg->latency, 1000);    /* 1 ms from the first */
	for (int i = 0; i < 30; i++)
		hist_record(&more[0]->latency, 80000); /* 80 ms from the second */
	uint64_t t1 = f->t0 + NS_PER_SEC;
	beat(f, t1);
	more[0]->hdr.heartbeat_ns = t1;
	assert_true(model_update(f->m, t1));
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	print_message("two load generators: offered %.1f/s, completed %.1f/s, outside %lld, rate %.1f, p50 %.2f "
		      "p99 %.2f ms over %llu\n", ss->offered_rps, ss->completed_rps, (long long)ss->outside, ss->rate,
		      ss->p50_ms, ss->p99_ms, (unsigned long long)ss->latency_count);
	assert_near(ss->offered_rps, 150, 1e-9, "offered_rps summed");
	assert_near(ss->completed_rps, 150, 1e-9, "completed_rps summed");
	assert_int_equal(ss->outside, 5);
	assert_near(ss->rate, 150, 1e-9, "rate in force summed");
	assert_int_equal(ss->loadgen_errors[LERR_TIMEOUT], 4);
	assert_int_equal(ss->latency_count, 150);
	assert_near(ss->p50_ms, 1, 0.01, "p50 of both");  /* 120 of 150 at 1 ms */
	assert_near(ss->p99_ms, 80, 0.8, "p99 of both"); /* the second's 80 ms */

	/* the third board appears: that update is a baseline, the next a normal tick */
	void *p;
	assert_int_equal(scoreboard_create(name[1], SCOREBOARD_LOADGEN, "loadgen", sizeof *more[1], &p), 0);
	more[1] = p;
	hist_init(&more[1]->latency);
	more[1]->arrived = 1000000;
	uint64_t t2 = t1 + NS_PER_SEC;
	beat(f, t2);
	more[0]->hdr.heartbeat_ns = more[1]->hdr.heartbeat_ns = t2;
	model_update(f->m, t2);
	print_message("the update that maps the third board: offered %.1f/s (not its total as one tick)\n",
		      ss->offered_rps);
	assert_true(ss->offered_rps < 1000);
	f->lg->arrived += 10;
	more[0]->arrived += 10;
	more[1]->arrived += 10;
	uint64_t t3 = t2 + NS_PER_SEC;
	beat(f, t3);
	more[0]->hdr.heartbeat_ns = more[1]->hdr.heartbeat_ns = t3;
	assert_true(model_update(f->m, t3));
	print_message("three load generators after the baseline: offered %.1f/s\n", ss->offered_rps);
	assert_near(ss->offered_rps, 30, 1e-9, "offered_rps of three, no jump");
	for (int k = 0; k < 2; k++) {
		scoreboard_unmap(more[k], sizeof *more[k]);
		scoreboard_remove(name[k]);
	}
}

/* L measured (mean of the gauges over the tick) against lambda * W. */
static void test_model_littles_law(void **state)
{
	struct fixture *f = *state;
	model_update(f->m, f->t0);
	/* 80 orders served in the second, each 200 ms in the server: lambda W = 16 */
	for (int i = 0; i < 80; i++)
		hist_record(&f->srv->latency, 200000);
	f->srv->served += 80;
	static const int64_t lines[4] = { 8, 16, 12, 12 }; /* with 4 in the kitchen: 12 20 16 16 */
	for (int i = 0; i < 4; i++) {
		uint64_t t = f->t0 + (uint64_t)(i + 1) * 200 * NS_PER_MS;
		f->srv->in_line = lines[i];
		f->srv->in_kitchen = 4;
		beat(f, t);
		assert_false(model_update(f->m, t));
	}
	uint64_t t1 = f->t0 + NS_PER_SEC;
	f->srv->in_line = 12;
	beat(f, t1);
	assert_true(model_update(f->m, t1));
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	print_message("Little: L %.2f, lambda %.1f/s, W %.3f s, lambda W %.2f\n", ss->little_l, ss->little_lambda,
		      ss->little_w_s, ss->little_lw);
	assert_near(ss->little_l, 16, 1e-9, "L (mean of 12 20 16 16 16)");
	assert_near(ss->little_lambda, 80, 1e-9, "lambda");
	assert_near(ss->little_w_s, 0.2, 0.002, "W");
	assert_near(ss->little_lw, 16, 0.16, "lambda W");
	assert_int_equal(ss->in_line, 12);
	struct side_maxima mx;
	model_maxima(f->m, SIDE_BLOCKING, &mx);
	assert_int_equal(mx.line_max, 16);
}

/* The verdicts (verdict.h) land in the snapshot from model_update: "not enough data"
 * for the first seconds, then Little's law over everyone inside, the crowd waiting
 * outside in the load generator counted (issue 18: preset 9's green tick). */
static void run_seconds(struct fixture *f, int seconds, int first, int64_t outside0, int64_t outside_per_s,
			int64_t in_flight, int served, uint64_t latency_us, uint8_t *little)
{
	for (int k = first; k < first + seconds; k++) {
		for (int i = 1; i <= 5; i++) {
			uint64_t t = f->t0 + (uint64_t)k * NS_PER_SEC + (uint64_t)i * 200 * NS_PER_MS;
			f->lg->waiting = outside0 + outside_per_s * k;
			f->lg->in_flight = in_flight;
			beat(f, t);
			if (i == 5) {
				for (int n = 0; n < served; n++)
					hist_record(&f->lg->latency, latency_us);
				f->lg->arrived += (uint64_t)(served + outside_per_s);
				f->lg->completed += (uint64_t)served;
				f->srv->served += (uint64_t)served;
				f->srv->arrived += (uint64_t)served;
			}
			model_update(f->m, t);
		}
		little[k] = model_snapshot(f->m)->side[SIDE_BLOCKING].verdict_little;
	}
}

static void test_model_verdicts_count_outside(void **state)
{
	struct fixture *f = *state;
	uint8_t little[32] = { 0 };
	model_update(f->m, f->t0);
	/* 1000 a second into 320 served, 680 more outside every second, 6.2 s each */
	run_seconds(f, 12, 0, 11394, 680, 2000, 320, 6200000, little);
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	print_message("verdict %u: L %.0f lambda W %.0f over %u s, pace %u speed %u\n", ss->verdict_little, ss->verdict_l,
		      ss->verdict_lw, ss->verdict_window_ticks, ss->verdict_pace, ss->verdict_speed);
	for (int k = 0; k < 3; k++)
		assert_int_equal(little[k], LITTLE_NO_DATA);
	for (int k = 0; k < 12; k++)
		assert_int_not_equal(little[k], LITTLE_HOLDS);
	assert_int_equal(ss->verdict_little, LITTLE_GROWING);
	assert_true(ss->verdict_l > 11394);
	assert_int_equal(ss->verdict_pace, PACE_FALLING_BEHIND);
	assert_int_equal(ss->verdict_speed, SPEED_SLOW);
	assert_int_equal(ss->verdict_window_ticks, VERDICT_WINDOW_TICKS);
	/* a restaurant that keeps up: 6 inside, 120 a second of 50 ms each */
	model_reset(f->m, f->t0 + 20 * NS_PER_SEC);
	f->t0 += 20 * NS_PER_SEC;
	model_update(f->m, f->t0);
	run_seconds(f, 12, 0, 0, 0, 6, 120, 50000, little);
	ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	print_message("keeping up: verdict %u, L %.2f lambda W %.2f\n", ss->verdict_little, ss->verdict_l, ss->verdict_lw);
	assert_int_equal(little[0], LITTLE_NO_DATA); /* the reset starts the window again */
	assert_int_equal(ss->verdict_little, LITTLE_HOLDS);
	assert_int_equal(ss->verdict_speed, SPEED_FAST);
}

static void test_model_scene_and_utilisation(void **state)
{
	struct fixture *f = *state;
	uint64_t t0 = f->t0;
	/* two cashiers busy since t0, two idle */
	scoreboard_cashier_set(&f->srv->cashier[0], CASHIER_WAITING_KITCHEN, t0);
	scoreboard_cashier_set(&f->srv->cashier[1], CASHIER_TAKING_ORDER, t0);
	scoreboard_cashier_set(&f->srv->cashier[2], CASHIER_IDLE, t0);
	scoreboard_cashier_set(&f->srv->cashier[3], CASHIER_FROZEN, t0);
	f->srv->accept_queue = 7;
	f->lg->waiting = 5;
	model_update(f->m, t0);
	uint64_t t1 = t0 + NS_PER_SEC;
	beat(f, t1);
	assert_true(model_update(f->m, t1));
	const struct side_snapshot *ss = &model_snapshot(f->m)->side[SIDE_BLOCKING];
	assert_int_equal(ss->cashiers, 4);
	assert_int_equal(ss->cashier_state[0], CASHIER_WAITING_KITCHEN);
	assert_int_equal(ss->cashier_state[3], CASHIER_FROZEN);
	assert_int_equal(ss->cashier_by_state[CASHIER_IDLE], 1);
	assert_int_equal(ss->door, 7);
	assert_int_equal(ss->outside, 5);
	print_message("cashiers busy %.1f %%\n", ss->loop_util_pct);
	assert_near(ss->loop_util_pct, 75, 0.01, "3 of 4 slots busy the whole second");
	/* the process figures come from /proc of the writer (this test) */
	assert_int_equal(ss->pid, getpid());
	assert_true(ss->threads >= 1);
	assert_true(ss->rss_kb > 0);
}

static void test_model_writer_gone_is_down(void **state)
{
	struct fixture *f = *state;
	model_update(f->m, f->t0);
	assert_true(model_snapshot(f->m)->side[SIDE_BLOCKING].server_up);
	/* a heartbeat older than MODEL_STALE_NS: down, even though alive still says 1 */
	uint64_t later = f->t0 + MODEL_STALE_NS + NS_PER_SEC;
	f->lg->hdr.heartbeat_ns = later;
	model_update(f->m, later);
	assert_false(model_snapshot(f->m)->side[SIDE_BLOCKING].server_up);
	model_set_reason(f->m, SIDE_BLOCKING, "server exit 1: boom");
	assert_string_equal(model_snapshot(f->m)->side[SIDE_BLOCKING].reason, "server exit 1: boom");
	/* back: alive again with a fresh heartbeat */
	uint64_t again = later + 2 * NS_PER_SEC;
	beat(f, again);
	model_update(f->m, again);
	assert_true(model_snapshot(f->m)->side[SIDE_BLOCKING].server_up);
	f->srv->hdr.alive = 0;
	model_update(f->m, again + 1);
	assert_false(model_snapshot(f->m)->side[SIDE_BLOCKING].server_up);
}

static void test_control_load_slot(void **state)
{
	struct fixture *f = *state;
	struct load_ctl c;
	control_load_current(f->lg, &c); /* before any request: what is in force */
	assert_int_equal(c.rate_milli, 120000);
	assert_int_equal(c.cook_ms, 50);
	assert_true(c.keepalive);
	c.rate_milli = 130000;
	c.paused = true;
	assert_int_equal(control_load_apply(f->lg, &c), 0);
	assert_int_equal(f->lg->ctl_seq, 1);
	assert_int_equal(f->lg->ctl_rate_milli, 130000);
	assert_int_equal(f->lg->ctl_cook_ms, 50);
	assert_int_equal(f->lg->ctl_paused, 1);
	assert_int_equal(f->lg->ctl_keepalive, 1);
	/* the next change builds on the request, even before the loadgen applied it */
	struct load_ctl d;
	control_load_current(f->lg, &d);
	assert_int_equal(d.rate_milli, 130000);
	assert_true(d.paused);
	assert_int_equal(control_load_apply(NULL, &d), -ENODEV);

	assert_int_equal(control_freeze(f->srv, 2000, 1), 0);
	assert_int_equal(f->srv->ctl_freeze_ms, 2000);
	assert_int_equal(f->srv->ctl_cashier, 1);
	assert_int_equal(f->srv->ctl_seq, 1);
}

static void test_control_steps(void **state)
{
	(void)state;
	assert_true(control_step_rate(120, +1) == 130);
	assert_true(control_step_rate(120, -1) == 110);
	assert_true(control_step_rate(200, +1) == 250);
	assert_true(control_step_rate(200, -1) == 190);
	assert_true(control_step_rate(1, -1) == 0);
	assert_true(control_step_rate(0, -1) == 0);
	assert_true(control_step_rate(0, +1) == 1);
	assert_int_equal(control_step_cook_ms(50, +1), 60);
	assert_int_equal(control_step_cook_ms(50, -1), 40);
	assert_int_equal(control_step_cook_ms(0, -1), 0);
	assert_int_equal(control_step_work_us(0, +1), 100);
	assert_int_equal(control_step_work_us(1500, +1), 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_first_update_is_baseline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_rates_from_counter_deltas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_interval_percentiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_littles_law, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_verdicts_count_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_scene_and_utilisation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_writer_gone_is_down, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_load_slot, setup, teardown),
		cmocka_unit_test(test_control_steps),
		cmocka_unit_test_setup_teardown(test_model_sums_several_loadgens, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
