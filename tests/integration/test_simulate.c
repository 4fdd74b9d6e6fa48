/* test_simulate.c: bin/simulate from the outside: help, version and bad flags (one
 * line, exit 2), the JSON keys of the dashboard's servers.* under model.blocking and
 * model.evented, the same bytes from the same seed in two processes, the sweep table
 * and its PNG, and a calibration file read (or refused, named). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testlib.h"

#define OUT_CAP (256 * 1024)

static char out[OUT_CAP], err[OUT_CAP], out2[OUT_CAP];

/* Run bin/simulate with args (NULL-terminated); its exit code, or -1 on a signal. */
static int simulate(char *o, const char *first, ...)
{
	char *argv[32];
	int n = 0;
	argv[n++] = (char *)test_bin("simulate");
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	int st = child_run_capture(argv, o, OUT_CAP, err, sizeof err, 60000);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double num_after(const char *text, const char *after, const char *key)
{
	char pat[80];
	const char *p = after ? strstr(text, after) : text;
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	p = p ? strstr(p, pat) : NULL;
	if (!p) {
		print_error("no %s after %s in: %.400s\n", key, after ? after : "the start", text);
		fail();
	}
	return strtod(p + strlen(pat), NULL);
}

static int setup(void **state)
{
	(void)state;
	return test_bin_built("simulate") ? 0 : -1;
}

static void test_simulate_help_version(void **state)
{
	(void)state;
	assert_int_equal(simulate(out, "--help", NULL), 0);
	assert_non_null(strstr(out, "usage: simulate"));
	assert_non_null(strstr(out, "--sweep"));
	assert_int_equal(simulate(out, "-V", NULL), 0);
	assert_non_null(strstr(out, "lunchrush simulate "));
}

static void test_simulate_bad_flags(void **state)
{
	(void)state;
	static const char *const bad[][3] = {
		{ "--bogus", NULL, NULL },        { "--preset", "10", NULL },   { "--cores", "0", NULL },
		{ "--sweep", "nope=1:2:1", NULL }, { "--plot", "x.png", NULL },  { "--duration", "abc", NULL },
		{ "--scenario", "/nonexistent/scenario.ini", NULL }, { "--set", "threads=many", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = simulate(out, bad[i][0], bad[i][1], bad[i][2], NULL);
		print_message("    simulate %s %s -> %d: %s", bad[i][0], bad[i][1] ? bad[i][1] : "", rc, err);
		assert_int_equal(rc, 2);
		assert_non_null(strstr(err, "try 'simulate --help'"));
		assert_ptr_equal(strchr(err, '\n'), strstr(err, "\ntry"));  /* one line, then the hint */
	}
}

/* The lunch rush: 4 cashiers of 50 ms are bound at 80/s, the loop keeps up with 120/s. */
static void test_simulate_preset_json(void **state)
{
	(void)state;
	assert_int_equal(simulate(out, "--preset", "1", "--json", "--duration", "20s", "--cores", "2", NULL), 0);
	const char *m = strstr(out, "\"model\": {");
	assert_non_null(m);
	static const char *const keys[] = { "throughput_rps", "arrival_rps", "requests", "outstanding", "line_max",
					    "threads_max", "rss_max_kb", "loop_lag_p99_ms", "latency_ms" };
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		char pat[64];
		snprintf(pat, sizeof pat, "\"%s\": ", keys[k]);
		const char *b = strstr(m, "\"blocking\": {"), *e = strstr(m, "\"evented\": {");
		assert_non_null(b);
		assert_non_null(e);
		assert_non_null(strstr(b, pat));
		assert_non_null(strstr(e, pat));
	}
	double b_rps = num_after(out, "\"blocking\": {", "throughput_rps");
	double e_rps = num_after(out, "\"evented\": {", "throughput_rps");
	double e_arr = num_after(out, "\"evented\": {", "arrival_rps");
	double b_p99 = num_after(strstr(out, "\"blocking\": {"), "\"latency_ms\"", "p99");
	double e_p99 = num_after(strstr(out, "\"evented\": {"), "\"latency_ms\"", "p99");
	print_message("    model: blocking %.1f/s p99 %.0f ms, evented %.1f/s of %.1f/s p99 %.1f ms\n", b_rps, b_p99,
		      e_rps, e_arr, e_p99);
	assert_true(b_rps > 76 && b_rps <= 80.5);
	assert_true(e_rps > 0.97 * e_arr && e_rps < 1.03 * e_arr);
	assert_true(e_p99 >= 50 && e_p99 < 60);
	assert_true(b_p99 > 20 * e_p99);
}

static void test_simulate_same_seed_same_bytes(void **state)
{
	(void)state;
	assert_int_equal(simulate(out, "--preset", "5", "--json", "--duration", "10s", "--cores", "2", NULL), 0);
	assert_int_equal(simulate(out2, "--preset", "5", "--json", "--duration", "10s", "--cores", "2", NULL), 0);
	assert_true(strlen(out) > 1000);
	assert_string_equal(out, out2);
	assert_int_equal(simulate(out2, "--preset", "5", "--json", "--duration", "10s", "--cores", "2", "--seed", "43",
				  NULL), 0);
	assert_string_not_equal(out, out2);
}

/* The SEDA curve: the blocking crew flattens at its bound of 80/s, the loop follows. */
static void test_simulate_sweep_plot(void **state)
{
	(void)state;
	char png[64];
	snprintf(png, sizeof png, "/tmp/test-simulate-%d.png", (int)getpid());
	bool plot = system("command -v gnuplot >/dev/null 2>&1") == 0;
	int rc = plot ? simulate(out, "--sweep", "rate=20:200:60", "--duration", "10s", "--cores", "2", "--plot", png, NULL)
		      : simulate(out, "--sweep", "rate=20:200:60", "--duration", "10s", "--cores", "2", NULL);
	print_message("%s", out);
	assert_int_equal(rc, 0);
	double v[4][5];
	const char *p = strstr(out, "evented_p99_ms\n");
	assert_non_null(p);
	p += strlen("evented_p99_ms\n");
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sscanf(p, "%lf %lf %lf %lf %lf", &v[i][0], &v[i][1], &v[i][2], &v[i][3], &v[i][4]), 5);
		p = strchr(p, '\n') + 1;
	}
	assert_true(v[0][0] == 20 && v[3][0] == 200);
	assert_true(v[3][1] < 82 && v[3][1] > 70);       /* the cashiers' bound */
	assert_true(v[3][2] > 180);                       /* the loop keeps up */
	assert_true(v[3][3] > 10 * v[0][3]);              /* blocking p99 explodes past the bound */
	if (plot) {
		FILE *f = fopen(png, "rb");
		assert_non_null(f);
		unsigned char magic[4] = { 0 };
		assert_int_equal(fread(magic, 1, 4, f), 4);
		fclose(f);
		unlink(png);
		assert_memory_equal(magic, "\x89PNG", 4);
	} else {
		print_message("    gnuplot missing: the PNG is not checked\n");
	}
}

/* A calibration file's figures become the model's overhead; a bad one is named. */
static void test_simulate_calibration_file(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/tmp/test-simulate-cal-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# test\nmachine = test box\nblocking_order_us = 25\nblocking_conn_us = 30\n"
		   "evented_order_us = 400\nevented_conn_us = 10\n");
	fclose(f);
	assert_int_equal(simulate(out, "--json", "--duration", "10s", "--cores", "1", "--calibration", path, NULL), 0);
	assert_true(num_after(out, "\"evented\": {", "overhead_order_us") == 400);
	/* 400 us on one loop is a bound of 2,500/s: far above 120/s, but the loop is busy
	 * about 120 * 400 us = 4.8 % of the time */
	double busy = num_after(out, "\"evented\": {", "busy_pct");
	print_message("    evented loop busy %.2f %% at 400 us per order\n", busy);
	assert_true(busy > 4.0 && busy < 5.6);
	assert_non_null(strstr(out, "\"machine\": \"test box\""));

	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "blocking_order_us = lots\n");
	fclose(f);
	assert_int_equal(simulate(out, "--calibration", path, NULL), 1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":1:"));
	unlink(path);
	assert_int_equal(simulate(out, "--calibration", path, NULL), 1);  /* gone: named too */
	assert_non_null(strstr(err, "scripts/calibrate.sh"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_simulate_help_version, setup),
		cmocka_unit_test_setup(test_simulate_bad_flags, setup),
		cmocka_unit_test_setup(test_simulate_preset_json, setup),
		cmocka_unit_test_setup(test_simulate_same_seed_same_bytes, setup),
		cmocka_unit_test_setup(test_simulate_sweep_plot, setup),
		cmocka_unit_test_setup(test_simulate_calibration_file, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
