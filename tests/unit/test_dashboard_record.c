/* test_dashboard_record.c: a recording read back gives the snapshots that were
 * written (to the format's three decimals), the sparkline history included; files
 * that are not recordings are refused with the line that is wrong. A scenario change
 * while recording is a new scenario line that replay follows, its clock running on
 * (issue 18); the model's second round-trips beside the measured one, and a v1
 * recording without it replays with the model absent (issue 13). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../visualizer/headless.h"
#include "../../visualizer/record.h"

static struct snapshot written[3];

static void fill(struct snapshot *s, int tick)
{
	memset(s, 0, sizeof *s);
	s->elapsed_s = tick + 1.0;
	s->ticks = (uint64_t)tick + 1;
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct side_snapshot *ss = &s->side[i];
		ss->present = true;
		ss->server_up = true;
		ss->loadgen_up = i == 0 || tick < 2;
		snprintf(ss->model, sizeof ss->model, "%s", i ? "evented" : "blocking");
		ss->offered_rps = 120.125;
		ss->throughput_rps = i ? 119.5 : 80.25 + tick;
		ss->p50_ms = i ? 51.2 : 1500.5 * (tick + 1);
		ss->p99_ms = i ? 55.125 : 4800.75;
		ss->max_ms = 5000;
		ss->in_line = i ? 0 : 40 * (tick + 1);
		ss->door = 3;
		ss->outside = 2;
		ss->in_kitchen = i ? 6 : 4;
		ss->cashiers = i ? 1 : 4;
		for (uint32_t c = 0; c < ss->cashiers; c++)
			ss->cashier_state[c] = (uint8_t)((c + (uint32_t)tick) % CASHIER_STATE_COUNT);
		ss->threads = i ? 2 : 6;
		ss->rss_kb = 2048 + tick;
		ss->cpu_pct = 3.5;
		ss->loop_lag_p99_ms = i ? 0.25 : 0;
		ss->loop_util_pct = i ? 12.5 : 100;
		ss->little_l = 16.5;
		ss->little_lw = 16.25;
		ss->rate = 120;
		ss->cook_ms = 50;
		ss->keepalive = true;
		ss->open_loop = true;
		ss->threads_cfg = i ? 0 : 4;
		ss->loops_cfg = i ? 1 : 0;
		ss->server_errors[SERR_UNAVAILABLE] = (uint64_t)tick;
		ss->loadgen_errors[LERR_TIMEOUT] = i ? 0 : 7;
		ss->errors_total = ss->server_errors[SERR_UNAVAILABLE] + ss->loadgen_errors[LERR_TIMEOUT];
	}
}

static void assert_near(double got, double want, const char *what)
{
	if (fabs(got - want) > 0.0005) {
		print_error("%s: got %.4f, want %.4f\n", what, got, want);
		fail();
	}
}

static void test_record_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/test_dashboard_record.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct recorder *r = recorder_open(path, "lunch rush: 120/s, cook 50 ms");
	assert_non_null(r);
	for (int t = 0; t < 3; t++) {
		fill(&written[t], t);
		assert_int_equal(recorder_write(r, &written[t]), 0);
	}
	recorder_close(r);

	char err[256] = "";
	struct replay *rp = replay_open(path, err, sizeof err);
	if (!rp)
		print_error("replay_open: %s\n", err);
	assert_non_null(rp);
	unlink(path);
	assert_int_equal(replay_frames(rp), 3);
	assert_string_equal(replay_scenario(rp), "lunch rush: 120/s, cook 50 ms");
	static struct snapshot got;
	for (size_t t = 0; t < 3; t++) {
		replay_frame(rp, t, &got);
		assert_near(got.elapsed_s, written[t].elapsed_s, "elapsed");
		for (int i = 0; i < SIDE_COUNT; i++) {
			const struct side_snapshot *a = &written[t].side[i], *b = &got.side[i];
			assert_true(b->present);
			assert_string_equal(a->model, b->model);
			assert_int_equal(a->loadgen_up, b->loadgen_up);
			assert_near(b->offered_rps, a->offered_rps, "offered");
			assert_near(b->throughput_rps, a->throughput_rps, "throughput");
			assert_near(b->p50_ms, a->p50_ms, "p50");
			assert_near(b->p99_ms, a->p99_ms, "p99");
			assert_near(b->loop_lag_p99_ms, a->loop_lag_p99_ms, "loop lag");
			assert_near(b->little_l, a->little_l, "L");
			assert_near(b->little_lw, a->little_lw, "lambda W");
			assert_int_equal(b->in_line, a->in_line);
			assert_int_equal(b->door, a->door);
			assert_int_equal(b->outside, a->outside);
			assert_int_equal(b->rss_kb, a->rss_kb);
			assert_int_equal(b->threads, a->threads);
			assert_int_equal(b->cashiers, a->cashiers);
			assert_memory_equal(b->cashier_state, a->cashier_state, a->cashiers);
			assert_int_equal(b->server_errors[SERR_UNAVAILABLE], a->server_errors[SERR_UNAVAILABLE]);
			assert_int_equal(b->loadgen_errors[LERR_TIMEOUT], a->loadgen_errors[LERR_TIMEOUT]);
			assert_int_equal(b->errors_total, a->errors_total);
			assert_int_equal(b->keepalive, a->keepalive);
			assert_int_equal(b->threads_cfg, a->threads_cfg);
			/* the sparkline history is rebuilt from the rows before */
			assert_int_equal(b->history_len, t + 1);
			for (size_t k = 0; k <= t; k++)
				assert_near(b->history_rps[k], written[k].side[i].throughput_rps, "history");
		}
	}
	replay_free(rp);
}

static void test_record_row_alone(void **state)
{
	(void)state;
	fill(&written[0], 1);
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	record_format_row(mem, 12.5, SIDE_EVENTED, &written[0].side[SIDE_EVENTED]);
	fclose(mem);
	print_message("row: %s", text);
	double t;
	enum arena_side side;
	static struct side_snapshot ss;
	assert_int_equal(record_parse_row(text, &t, &side, &ss), 0);
	assert_near(t, 12.5, "t");
	assert_int_equal(side, SIDE_EVENTED);
	assert_near(ss.loop_util_pct, 12.5, "util");
	free(text);
	assert_int_equal(record_parse_row("1.0,blocking,blocking,1,2,3\n", &t, &side, &ss), -EINVAL);
	assert_int_equal(record_parse_row("", &t, &side, &ss), -EINVAL);
}

/* A peer's half (issue 14) keeps its name and stays a black box through a recording. */
static void test_record_black_box_half(void **state)
{
	(void)state;
	fill(&written[0], 1);
	struct side_snapshot *in = &written[0].side[SIDE_EVENTED];
	in->black_box = true;
	snprintf(in->restaurant, sizeof in->restaurant, "go");
	in->model[0] = '\0';
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	record_format_row(mem, 3, SIDE_EVENTED, in);
	fclose(mem);
	double t;
	enum arena_side side;
	static struct side_snapshot ss;
	assert_int_equal(record_parse_row(text, &t, &side, &ss), 0);
	free(text);
	assert_true(ss.black_box);
	assert_string_equal(ss.restaurant, "go");
	assert_string_equal(ss.model, "");
	assert_int_equal(ss.door, in->door);
}

static void test_record_refuses_other_files(void **state)
{
	(void)state;
	char path[] = "/tmp/test_dashboard_record.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "t,sent,completed\n1,2,3\n");
	fclose(f);
	char err[256] = "";
	assert_null(replay_open(path, err, sizeof err));
	print_message("error: %s\n", err);
	assert_non_null(strstr(err, ":1:"));

	/* a recording with a damaged row: the line number says where */
	f = fopen(path, "w");
	fprintf(f, "# lunchrush recording v1\n# scenario: x\nt_s,side\n1.000,blocking,broken\n");
	fclose(f);
	assert_null(replay_open(path, err, sizeof err));
	print_message("error: %s\n", err);
	assert_non_null(strstr(err, ":4:"));

	/* only a header: nothing to play */
	f = fopen(path, "w");
	fprintf(f, "# lunchrush recording v1\n# scenario: x\nt_s,side\n");
	fclose(f);
	assert_null(replay_open(path, err, sizeof err));
	assert_non_null(strstr(err, "no rows"));
	unlink(path);
	assert_null(replay_open("/nonexistent/rec.csv", err, sizeof err));
}

static void temp_path(char *path, size_t len)
{
	snprintf(path, len, "/tmp/test_dashboard_record.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

static struct replay *must_open(const char *path)
{
	char err[256] = "";
	struct replay *rp = replay_open(path, err, sizeof err);
	if (!rp)
		print_error("replay_open: %s\n", err);
	assert_non_null(rp);
	return rp;
}

/* A preset pressed after three ticks: the run's clock restarts at 1 s under the new
 * scenario. Replay names each frame's scenario and its clock never goes back. */
static void test_record_scenario_change_is_followed(void **state)
{
	(void)state;
	char path[64];
	temp_path(path, sizeof path);
	struct recorder *r = recorder_open(path, "lunch rush: 120/s, cook 50 ms");
	assert_non_null(r);
	static struct snapshot s;
	for (int t = 0; t < 3; t++) {
		fill(&s, t);
		assert_int_equal(recorder_write(r, &s), 0);
	}
	assert_int_equal(recorder_scenario(r, "slow kitchen: 120/s, cook 200 ms"), 0);
	for (int t = 0; t < 2; t++) {
		fill(&s, t); /* 1 s, 2 s again: the clock restarted with the preset */
		assert_int_equal(recorder_write(r, &s), 0);
	}
	assert_int_equal(recorder_close(r), 0);
	struct replay *rp = must_open(path);
	unlink(path);
	assert_int_equal(replay_frames(rp), 5);
	assert_string_equal(replay_scenario(rp), "lunch rush: 120/s, cook 50 ms");
	static const char *const want[5] = { "lunch rush", "lunch rush", "lunch rush", "slow kitchen", "slow kitchen" };
	double last = 0;
	for (size_t i = 0; i < 5; i++) {
		replay_frame(rp, i, &s);
		const char *name = replay_frame_scenario(rp, i);
		print_message("frame %zu: %.1f s, %s\n", i, s.elapsed_s, name);
		assert_int_equal(strncmp(name, want[i], strlen(want[i])), 0);
		assert_int_equal(replay_frame_scenario_index(rp, i), i < 3 ? 0 : 1);
		assert_true(s.elapsed_s > last);
		last = s.elapsed_s;
	}
	assert_near(last, 5.0, "the clock ran on"); /* 1, 2, 3, then 3 + 1, 3 + 2 */
	replay_free(rp);
}

/* The model's second beside the measured one, present on one side and not the other. */
static void test_record_model_round_trip(void **state)
{
	(void)state;
	char path[64];
	temp_path(path, sizeof path);
	struct recorder *r = recorder_open(path, "lunch rush: 120/s");
	assert_non_null(r);
	static struct snapshot s, got;
	fill(&s, 0);
	s.predicted[SIDE_BLOCKING] = (struct side_predicted){ .present = true, .length_s = 1, .arrived = 121,
		.served = 80, .p50_ms = 1500.25, .p99_ms = 4700.5, .max_ms = 4800, .mean_ms = 1600.125,
		.busy_pct = 100, .line = 41 };
	assert_int_equal(recorder_write(r, &s), 0);
	assert_int_equal(recorder_close(r), 0);
	struct replay *rp = must_open(path);
	unlink(path);
	replay_frame(rp, 0, &got);
	const struct side_predicted *a = &s.predicted[SIDE_BLOCKING], *b = &got.predicted[SIDE_BLOCKING];
	assert_true(b->present);
	assert_near(b->length_s, a->length_s, "length");
	assert_int_equal(b->arrived, a->arrived);
	assert_int_equal(b->served, a->served);
	assert_near(b->p50_ms, a->p50_ms, "model p50");
	assert_near(b->p99_ms, a->p99_ms, "model p99");
	assert_near(b->mean_ms, a->mean_ms, "model mean");
	assert_near(b->busy_pct, a->busy_pct, "model busy");
	assert_int_equal(b->line, a->line);
	assert_false(got.predicted[SIDE_EVENTED].present); /* "-": absent, not zero */
	assert_near(got.side[SIDE_BLOCKING].p99_ms, s.side[SIDE_BLOCKING].p99_ms, "measured p99");
	replay_free(rp);
}

/* A v1 recording (before the sim_* columns) still replays, its model absent. */
static void test_record_v1_replays_without_model(void **state)
{
	(void)state;
	char path[64];
	temp_path(path, sizeof path);
	static struct snapshot s, got;
	fill(&s, 0);
	char *row = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&row, &len);
	record_format_row(mem, 1.0, SIDE_BLOCKING, &s.side[SIDE_BLOCKING]);
	fclose(mem);
	char *sim = strstr(row, ",-,-,-,-,-,-,-,-,-,-,"); /* the sim_* columns, written "-", then v3's */
	assert_non_null(sim);
	strcpy(sim, "\n");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# lunchrush recording v1\n# scenario: old: 120/s\nt_s,side,model\n%s", row);
	fclose(f);
	free(row);
	struct replay *rp = must_open(path);
	unlink(path);
	assert_int_equal(replay_frames(rp), 1);
	replay_frame(rp, 0, &got);
	assert_false(got.predicted[SIDE_BLOCKING].present);
	assert_near(got.side[SIDE_BLOCKING].p99_ms, s.side[SIDE_BLOCKING].p99_ms, "p99");
	assert_string_equal(replay_frame_scenario(rp, 0), "old: 120/s");
	replay_free(rp);
}

/* v3 (issue 18): the model's verdicts are recorded, so a replay says what the live
 * screen said; a v2 row (without them) replays with no verdict, not a made-up one. */
static void test_record_verdicts_round_trip(void **state)
{
	(void)state;
	char path[64];
	temp_path(path, sizeof path);
	struct recorder *r = recorder_open(path, "lunch rush: 120/s");
	assert_non_null(r);
	static struct snapshot s, got;
	fill(&s, 0);
	struct side_snapshot *b = &s.side[SIDE_BLOCKING];
	b->verdict_little = 2;
	b->verdict_pace = 2;
	b->verdict_speed = 1;
	b->verdict_window_ticks = 10;
	b->verdict_l = 741.5;
	b->verdict_lw = 467.25;
	b->in_flight = 4;
	b->latency_count = 80;
	b->loop_lag_count = 0;
	assert_int_equal(recorder_write(r, &s), 0);
	assert_int_equal(recorder_close(r), 0);
	struct replay *rp = must_open(path);
	replay_frame(rp, 0, &got);
	const struct side_snapshot *g = &got.side[SIDE_BLOCKING];
	assert_int_equal(g->verdict_little, 2);
	assert_int_equal(g->verdict_pace, 2);
	assert_int_equal(g->verdict_speed, 1);
	assert_int_equal(g->verdict_window_ticks, 10);
	assert_near(g->verdict_l, 741.5, "L");
	assert_near(g->verdict_lw, 467.25, "lambda W");
	assert_int_equal(g->in_flight, 4);
	assert_int_equal(g->latency_count, 80);
	replay_free(rp);

	/* the same row as v2 wrote it: without the last nine columns */
	char *row = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&row, &len);
	record_format_row(mem, 1.0, SIDE_BLOCKING, b);
	fclose(mem);
	for (int i = 0; i < 9; i++)
		*strrchr(row, ',') = '\0';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# lunchrush recording v2\n# scenario: old: 120/s\nt_s,side,model\n%s\n", row);
	fclose(f);
	free(row);
	rp = must_open(path);
	unlink(path);
	replay_frame(rp, 0, &got);
	assert_int_equal(got.side[SIDE_BLOCKING].verdict_window_ticks, 0);
	assert_int_equal(got.side[SIDE_BLOCKING].verdict_little, 0);
	assert_near(got.side[SIDE_BLOCKING].p99_ms, b->p99_ms, "p99");
	replay_free(rp);
}

/* The headless table (and a replay into a pipe) says "-" for a second without an answer
 * or without a loop-lag sample (a frozen loop), never "0.00ms" (issue 18). */
static void test_headless_row_no_data_is_a_dash(void **state)
{
	(void)state;
	static struct snapshot s;
	fill(&s, 0);
	for (int i = 0; i < SIDE_COUNT; i++) {
		s.side[i].server_up = true;
		s.side[i].black_box = false;
		s.side[i].latency_count = 0;
		s.side[i].p50_ms = s.side[i].p99_ms = 0;
		s.side[i].loop_lag_count = 0;
		s.side[i].loop_lag_p99_ms = 0;
	}
	char *row = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&row, &len);
	headless_row(mem, &s);
	fclose(mem);
	print_message("%s", row);
	assert_null(strstr(row, "0.00ms"));
	assert_non_null(strstr(row, "       -        - "));
	free(row);
	s.side[SIDE_EVENTED].latency_count = 3;
	s.side[SIDE_EVENTED].p50_ms = 50.2;
	s.side[SIDE_EVENTED].p99_ms = 51.5;
	s.side[SIDE_EVENTED].loop_lag_count = 100;
	s.side[SIDE_EVENTED].loop_lag_p99_ms = 0.004;
	mem = open_memstream(&row, &len);
	headless_row(mem, &s);
	fclose(mem);
	assert_non_null(strstr(row, "51.5ms"));
	assert_non_null(strstr(row, "0.00ms")); /* a lag measured as next to nothing is a figure */
	free(row);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_row_alone),
		cmocka_unit_test(test_record_refuses_other_files),
		cmocka_unit_test(test_record_black_box_half),
		cmocka_unit_test(test_record_scenario_change_is_followed),
		cmocka_unit_test(test_record_model_round_trip),
		cmocka_unit_test(test_record_v1_replays_without_model),
		cmocka_unit_test(test_record_verdicts_round_trip),
		cmocka_unit_test(test_headless_row_no_data_is_a_dash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
