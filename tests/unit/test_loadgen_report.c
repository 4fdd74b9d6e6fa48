/* test_loadgen_report.c: the load generator's outputs: the JSON object (parsed back
 * and checked key by key), the --series rows and the HdrHistogram percentile table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../loadgen/report.h"

/* ---- a minimal JSON reader: validates the text and flattens it into "a.b" = value ---- */

#define MAX_KEYS 128
struct flat {
	int n;
	char key[MAX_KEYS][64];
	char kind[MAX_KEYS];     /* 'n' number, 's' string, 'b' bool, 'z' null, 'o' object */
	double num[MAX_KEYS];
	char str[MAX_KEYS][128];
};

static const char *ws(const char *p)
{
	while (*p && isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *parse_string(const char *p, char *out, size_t cap)
{
	size_t n = 0;
	if (*p != '"')
		return NULL;
	for (p++; *p && *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\')
			p++;
		if (n + 1 < cap)
			out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static const char *parse_value(const char *p, struct flat *f, const char *path);

static const char *parse_object(const char *p, struct flat *f, const char *path)
{
	p = ws(p);
	if (*p++ != '{')
		return NULL;
	p = ws(p);
	if (*p == '}')
		return p + 1;
	for (;;) {
		char key[64], full[160];
		p = parse_string(ws(p), key, sizeof key);
		if (!p)
			return NULL;
		snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
		for (int i = 0; i < f->n; i++) /* no key twice in one object */
			if (strcmp(f->key[i], full) == 0)
				return NULL;
		p = ws(p);
		if (*p++ != ':')
			return NULL;
		p = parse_value(ws(p), f, full);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *parse_value(const char *p, struct flat *f, const char *path)
{
	if (f->n == MAX_KEYS)
		return NULL;
	int i = f->n++;
	if (strlen(path) >= sizeof f->key[i])
		return NULL;
	memcpy(f->key[i], path, strlen(path) + 1);
	if (*p == '{') {
		f->kind[i] = 'o';
		return parse_object(p, f, path);
	}
	if (*p == '"') {
		f->kind[i] = 's';
		return parse_string(p, f->str[i], sizeof f->str[i]);
	}
	if (strncmp(p, "true", 4) == 0 || strncmp(p, "false", 5) == 0) {
		f->kind[i] = 'b';
		f->num[i] = *p == 't';
		return p + (*p == 't' ? 4 : 5);
	}
	if (strncmp(p, "null", 4) == 0) {
		f->kind[i] = 'z';
		return p + 4;
	}
	char *end;
	f->num[i] = strtod(p, &end);
	if (end == p || !isfinite(f->num[i]))
		return NULL;
	f->kind[i] = 'n';
	return end;
}

static int find(const struct flat *f, const char *key, char kind)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0) {
			if (f->kind[i] != kind)
				fail_msg("key %s has kind %c, want %c", key, f->kind[i], kind);
			return i;
		}
	fail_msg("key %s missing from the JSON", key);
	return -1;
}

static double num(const struct flat *f, const char *key)
{
	return f->num[find(f, key, 'n')];
}

/* ---- fixtures ---- */

struct fixture {
	struct lg_stats stats;
	struct lg_report rep;
};

/* 1000 responses from 1 ms to 1000 ms, 12 of them 503s, 3 connect errors. */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	stats_init(&fx->stats);
	for (uint64_t i = 1; i <= 1000; i++) {
		hist_record(&fx->stats.latency, i * 1000);
		hist_record(&fx->stats.uncorrected, i * 100);
	}
	fx->stats.arrived = 1010;
	fx->stats.sent = 1005;
	fx->stats.completed = 1000;
	fx->stats.status_code[200] = 988;
	fx->stats.status_code[503] = 12;
	fx->stats.status_class[2] = 988;
	fx->stats.status_class[5] = 12;
	fx->stats.errors[LERR_STATUS] = 12;
	fx->stats.errors[LERR_CONNECT] = 3;
	fx->rep = (struct lg_report){
		.mode = LG_OPEN, .target = "http://127.0.0.1:8080/order?q=\"x\"", .threads = 2,
		.connections = 100, .rate = 101.5, .arrivals = ARRIVALS_POISSON, .seed = 7,
		.keepalive = true, .cook_ms = 50, .work_us = PARAM_ABSENT, .warmup_s = 1.0,
		.duration_s = 10.0, .stats = &fx->stats, .outstanding = 5, .waiting_max = 3,
		.conns_max = 40, .quiet_tail_s = -1,
	};
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* noinline: GCC otherwise mistakes the memstream's buffer for a dangling local */
__attribute__((noinline)) static char *render(void (*fn)(FILE *, const struct lg_report *), const struct lg_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, r);
	fclose(f);
	return buf;
}

static void check_latency(const struct flat *f, const char *obj, double max_ms)
{
	static const char *order[] = { "min", "p50", "p90", "p99", "p999", "max" };
	char key[64];
	double prev = 0;
	for (size_t i = 0; i < 6; i++) {
		snprintf(key, sizeof key, "%s.%s", obj, order[i]);
		double v = num(f, key);
		assert_true(v >= prev); /* percentiles never go down */
		prev = v;
	}
	snprintf(key, sizeof key, "%s.max", obj);
	assert_true(fabs(num(f, key) - max_ms) < 1e-9);
	snprintf(key, sizeof key, "%s.mean", obj);
	double mean = num(f, key);
	snprintf(key, sizeof key, "%s.min", obj);
	assert_true(mean >= num(f, key) && mean <= max_ms);
}

static void test_report_json_open_loop(void **state)
{
	struct fixture *fx = *state;
	struct flat f = { 0 };
	char *text = render(report_json, &fx->rep);
	print_message("%s", text);
	assert_non_null(parse_object(text, &f, ""));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(strchr(text, '\n') - text, strlen(text) - 1); /* one line */

	assert_string_equal(f.str[find(&f, "mode", 's')], "open");
	assert_string_equal(f.str[find(&f, "target", 's')], "http://127.0.0.1:8080/order?q=\"x\"");
	assert_true(num(&f, "connections") == 100);
	assert_true(fabs(num(&f, "rate") - 101.5) < 1e-9);
	assert_true(num(&f, "duration_s") == 10.0);
	assert_true(num(&f, "sent") == 1005);
	assert_true(num(&f, "requests") == 1000);
	assert_true(num(&f, "arrived") == 1010);
	assert_true(num(&f, "outstanding") == 5);
	assert_true(num(&f, "errors.connect") == 3);
	assert_true(num(&f, "errors.status") == 12);
	assert_true(num(&f, "errors.status_503") == 12);
	assert_true(num(&f, "errors.timeout") == 0);
	assert_true(num(&f, "errors.read") == 0);
	assert_true(num(&f, "errors.write") == 0);
	assert_true(num(&f, "errors.parse") == 0);
	assert_true(num(&f, "errors.emfile") == 0);
	assert_true(num(&f, "errors_total") == 15);
	assert_true(num(&f, "status.200") == 988);
	assert_true(fabs(num(&f, "throughput_rps") - 100.0) < 1e-9);
	assert_true(num(&f, "cook_ms") == 50);
	find(&f, "work_us", 'z');
	find(&f, "keepalive", 'b');
	check_latency(&f, "latency_ms", 1000.0);
	check_latency(&f, "uncorrected_latency_ms", 100.0);
	/* 1..1000 ms uniformly: p50 near 500 ms, p99 near 990 ms, within a bucket (<1 %) */
	assert_true(fabs(num(&f, "latency_ms.p50") - 500.0) < 5.0);
	assert_true(fabs(num(&f, "latency_ms.p99") - 990.0) < 10.0);
	assert_true(fabs(num(&f, "latency_ms.mean") - 500.5) < 0.01);
	free(text);
}

static void test_report_json_closed_loop(void **state)
{
	struct fixture *fx = *state;
	struct flat f = { 0 };
	fx->rep.mode = LG_CLOSED;
	char *text = render(report_json, &fx->rep);
	assert_non_null(parse_object(text, &f, ""));
	assert_string_equal(f.str[find(&f, "mode", 's')], "closed");
	assert_true(num(&f, "rate") == 0);
	check_latency(&f, "latency_ms", 1000.0);
	for (int i = 0; i < f.n; i++) /* the uncorrected figures are an open-loop idea */
		assert_null(strstr(f.key[i], "uncorrected"));
	free(text);
}

static void test_report_json_empty_run(void **state)
{
	struct fixture *fx = *state;
	struct flat f = { 0 };
	stats_init(&fx->stats);
	fx->rep.duration_s = 0;
	char *text = render(report_json, &fx->rep);
	assert_non_null(parse_object(text, &f, "")); /* no NaN, no inf, still valid */
	assert_true(num(&f, "latency_ms.max") == 0);
	assert_true(num(&f, "throughput_rps") == 0);
	free(text);
}

static void test_report_summary(void **state)
{
	struct fixture *fx = *state;
	char *text = render(report_summary, &fx->rep);
	print_message("%s", text);
	assert_non_null(strstr(text, "open-loop test @ http://127.0.0.1:8080/order"));
	assert_non_null(strstr(text, "from arrival"));
	assert_non_null(strstr(text, "from send"));
	assert_non_null(strstr(text, "p99.9"));
	assert_non_null(strstr(text, "1000 requests in 10.00s"));
	assert_non_null(strstr(text, "status_503 12"));
	assert_non_null(strstr(text, "Requests/sec:     100.00"));
	free(text);
}

/* Latencies carry no more decimals than the histogram resolves: its bucket is 1 us wide
 * below 256 us, then about 1/128 of the value (issue 18). */
static void test_report_format_ms_follows_the_resolution(void **state)
{
	static const struct { double us; const char *want; } cases[] = {
		{ 0, "0.000" },       { 123, "0.123" },    { 255, "0.255" }, /* exact: 1 us buckets */
		{ 300, "0.30" },      { 1234, "1.23" },    { 51200, "51" },  /* 2 us, 8 us, 256 us wide */
		{ 13400000, "13400" }, { 999, "1.00" },
	};
	char buf[32];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		report_format_ms(buf, sizeof buf, cases[i].us);
		print_message("%.0f us -> %s ms\n", cases[i].us, buf);
		assert_string_equal(buf, cases[i].want);
	}
	report_format_bytes(buf, sizeof buf, 2.5 * 1024 * 1024);
	assert_string_equal(buf, "2.50MB");
	report_format_bytes(buf, sizeof buf, 100);
	assert_string_equal(buf, "100.00B");
}

/* The summary gains wrk's stdev, bytes and Transfer/sec and its non-2xx line; the
 * JSON adds keys beside the old ones. */
static void test_report_summary_stdev_bytes_transfer(void **state)
{
	struct fixture *fx = *state;
	struct flat f = { 0 };
	fx->stats.bytes_read = 1000 * 150;
	char *text = render(report_summary, &fx->rep);
	assert_non_null(strstr(text, "     stdev "));
	assert_non_null(strstr(text, "1005 sent, 146.48KB read"));
	assert_non_null(strstr(text, "Non-2xx or 3xx responses: 12\n"));
	assert_non_null(strstr(text, "Transfer/sec:    14.65KB\n"));
	assert_null(strstr(text, "FAILED"));
	assert_null(strstr(text, " 500.500 ")); /* the mean of 1..1000 ms, at its resolution: 500 */
	free(text);
	text = render(report_json, &fx->rep);
	assert_non_null(parse_object(text, &f, ""));
	assert_true(num(&f, "bytes_read") == 150000);
	assert_true(num(&f, "transfer_bps") == 15000);
	assert_true(num(&f, "non_2xx_3xx") == 12);
	assert_true(num(&f, "latency_ms.stdev") > 280 && num(&f, "latency_ms.stdev") < 300);
	assert_true(num(&f, "latency_ms.p99") > 0); /* the old keys stay */
	free(text);
}

/* A run of all 404s does not read as a success: FAILED, and the caller exits 1. */
static void test_report_all_404_is_a_failure(void **state)
{
	struct fixture *fx = *state;
	fx->stats.status_code[200] = 0;
	fx->stats.status_code[503] = 0;
	fx->stats.status_code[404] = 1000;
	fx->stats.errors[LERR_STATUS] = 1000;
	assert_true(report_nothing_served(&fx->rep));
	char *text = render(report_summary, &fx->rep);
	assert_non_null(strstr(text, "FAILED: no order was served: all 1000 answers were error statuses"));
	assert_non_null(strstr(text, "Non-2xx or 3xx responses: 1000\n"));
	free(text);
	fx->stats.errors[LERR_STATUS] = 999; /* one good answer: served, not FAILED */
	assert_false(report_nothing_served(&fx->rep));
}

/* Every connect refused: the hint names where nothing listens. */
static void test_report_refused_hint(void **state)
{
	struct fixture *fx = *state;
	stats_init(&fx->stats);
	fx->stats.errors[LERR_CONNECT] = 50;
	fx->rep.addr_text = "127.0.0.1";
	fx->rep.port = 8081;
	char *text = render(report_summary, &fx->rep);
	assert_non_null(strstr(text, "FAILED: every connect failed: is anything listening on 127.0.0.1:8081?"));
	free(text);
}

/* After SIGTERM the customers add up: outstanding = answered late + unanswered. */
static void test_report_stopped_by_signal(void **state)
{
	struct fixture *fx = *state;
	fx->rep.stop_signal = 15;
	fx->stats.late = 2;
	fx->stats.unanswered = 3;
	char *text = render(report_summary, &fx->rep);
	assert_non_null(strstr(text, "stopped by SIGTERM after 10.00s: 5 customers were waiting or in flight then "
				     "(2 answered after the window, 3 unanswered"));
	assert_null(strstr(text, "--drain 0"));
	free(text);
}

/* The kinds the scoreboard has no slot for are named in the summary and the JSON, and
 * counted as errors; a bad status is not a good answer (issue 19, defects 2 and 11). */
static void test_report_client_error_kinds(void **state)
{
	struct fixture *fx = *state;
	struct flat f = { 0 };
	fx->stats.errors[LGERR_BAD_STATUS] = 4;
	fx->stats.status_code[101] = 1;
	fx->stats.status_code[0] = 2;
	fx->stats.errors[LGERR_EXPIRED] = 5;
	fx->stats.errors[LGERR_LINE_FULL] = 6;
	fx->stats.errors[LGERR_NOMEM] = 7;
	fx->stats.interim = 8;
	char *text = render(report_json, &fx->rep);
	assert_non_null(parse_object(text, &f, ""));
	assert_true(num(&f, "errors.bad_status") == 4);
	assert_true(num(&f, "errors.status_101") == 1);
	assert_true(num(&f, "errors.status_000") == 2);
	assert_true(num(&f, "errors.expired") == 5);
	assert_true(num(&f, "errors.line_full") == 6);
	assert_true(num(&f, "errors.nomem") == 7);
	assert_true(num(&f, "errors.connect") == 3); /* not where a failed allocation goes */
	assert_true(num(&f, "errors_total") == 15 + 4 + 5 + 6 + 7);
	assert_true(num(&f, "interim_1xx") == 8);
	free(text);
	text = render(report_summary, &fx->rep);
	print_message("%s", text);
	assert_non_null(strstr(text, "bad_status 4"));
	assert_non_null(strstr(text, "status_101 1"));
	assert_non_null(strstr(text, "expired 5"));
	assert_non_null(strstr(text, "line_full 6"));
	assert_non_null(strstr(text, "nomem 7"));
	assert_non_null(strstr(text, "8 interim 1xx answers skipped"));
	free(text);
	assert_int_equal(stats_ok(&fx->stats), 1000 - 12 - 4);
	assert_int_equal(lg_error_board_kind(LGERR_BAD_STATUS), LERR_STATUS);
	assert_int_equal(lg_error_board_kind(LGERR_EXPIRED), LERR_TIMEOUT);
	assert_int_equal(lg_error_board_kind(LERR_READ), LERR_READ);
}

/* The load generator's own lag and load: in the JSON (client_lag_ms, client_cpu_pct,
 * client_saturated) and the summary, with the warning when saturated (issue 17). */
static void test_report_client_watch(void **state)
{
	struct fixture *fx = *state;
	struct flat f = { 0 };
	struct hist lag;
	hist_init(&lag);
	for (int i = 0; i < 98; i++)
		hist_record(&lag, 20);
	hist_record(&lag, 30000);
	hist_record(&lag, 40000);
	fx->rep.client_lag = &lag;
	fx->rep.client_cpu_pct = 42.0;
	fx->rep.client_saturated = true;
	fx->stats.arrived = 500; /* 50/s of the 101.5 asked */
	char *text = render(report_json, &fx->rep);
	assert_non_null(parse_object(text, &f, ""));
	assert_true(fabs(num(&f, "client_lag_ms.p50") - 0.020) < 1e-9);
	assert_true(num(&f, "client_lag_ms.p99") >= 29.0);
	assert_true(fabs(num(&f, "client_lag_ms.max") - 40.0) < 1e-9);
	assert_true(num(&f, "client_lag_ms.count") == 100);
	assert_true(num(&f, "client_cpu_pct") == 42.0);
	find(&f, "client_saturated", 'b');
	assert_non_null(strstr(text, "\"client_saturated\":true"));
	free(text);
	text = render(report_summary, &fx->rep);
	print_message("%s", text);
	assert_non_null(strstr(text, "arrivals taken late by p50 0.020 ms"));
	assert_non_null(strstr(text, "busiest thread 42 % of a core"));
	assert_non_null(strstr(text, "the load generator itself was saturated"));
	assert_non_null(strstr(text, "fell behind its schedule: 50.0 arrivals/s taken of the 101.5 asked"));
	free(text);
	fx->rep.client_saturated = false;
	text = render(report_summary, &fx->rep);
	assert_null(strstr(text, "saturated"));
	free(text);
}

static void test_report_series(void **state)
{
	struct hist h;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	hist_init(&h);
	hist_record(&h, 150); /* below 256 us every value has its own bucket: exact figures */
	hist_record(&h, 250);
	FILE *f = open_memstream(&buf, &len);
	report_series_header(f);
	report_series_row(f, 1.0, 10, 8, 1, 4, &h);
	fclose(f);
	assert_string_equal(buf, "t,sent,completed,errors,outstanding,p50_ms,p99_ms,max_ms\n"
				 "1.000,10,8,1,4,0.150,0.250,0.250\n");
	free(buf);
}

/* HdrHistogram's table: a header, rows of value / percentile / count / 1/(1-p)
 * with both value and count non-decreasing, the 100 % row, and the footer. */
static void test_report_percentiles_format(void **state)
{
	struct fixture *fx = *state;
	char *buf = NULL, line[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_percentiles(f, &fx->stats.latency);
	fclose(f);

	FILE *in = fmemopen(buf, len, "r");
	assert_non_null(fgets(line, sizeof line, in));
	assert_string_equal(line, "       Value   Percentile   TotalCount 1/(1-Percentile)\n");
	assert_non_null(fgets(line, sizeof line, in));
	assert_string_equal(line, "\n");
	double v, p, inv, prev_v = -1, prev_p = -1;
	unsigned long long count, prev_count = 0;
	int rows = 0;
	char tail[32];
	while (fgets(line, sizeof line, in) && line[0] != '#') {
		int n = sscanf(line, "%lf %lf %llu %31s", &v, &p, &count, tail);
		assert_int_equal(n, 4);
		assert_true(v >= prev_v && p >= prev_p && count >= prev_count);
		if (p < 1.0) {
			inv = strtod(tail, NULL);
			assert_true(fabs(inv - 1.0 / (1.0 - p)) < 0.01 * inv + 0.01);
		} else {
			assert_string_equal(tail, "inf");
		}
		prev_v = v, prev_p = p, prev_count = count;
		rows++;
	}
	print_message("%d percentile rows, last %.3f ms at %f\n", rows, prev_v, prev_p);
	assert_true(rows > 30);
	assert_true(prev_p == 1.0 && prev_count == 1000 && fabs(prev_v - 1000.0) < 1e-9);
	double mean, sd, max;
	unsigned long long total;
	int buckets, sub;
	assert_int_equal(sscanf(line, "#[Mean    = %lf, StdDeviation   = %lf]", &mean, &sd), 2);
	assert_non_null(fgets(line, sizeof line, in));
	assert_int_equal(sscanf(line, "#[Max     = %lf, Total count    = %llu]", &max, &total), 2);
	assert_non_null(fgets(line, sizeof line, in));
	assert_int_equal(sscanf(line, "#[Buckets = %d, SubBuckets     = %d]", &buckets, &sub), 2);
	assert_true(fabs(mean - 500.5) < 0.01);
	assert_true(fabs(sd - 288.7) < 3.0);   /* uniform 1..1000: sd = 1000/sqrt(12) */
	assert_true(max == 1000.0 && total == 1000);
	assert_null(fgets(line, sizeof line, in));
	fclose(in);
	free(buf);
}

static void test_report_percentiles_empty(void **state)
{
	struct hist h;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	hist_init(&h);
	FILE *f = open_memstream(&buf, &len);
	report_percentiles(f, &h);
	fclose(f);
	assert_non_null(strstr(buf, "Total count    =            0]"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_json_open_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_json_closed_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_json_empty_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_client_error_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_client_watch, setup, teardown),
		cmocka_unit_test(test_report_format_ms_follows_the_resolution),
		cmocka_unit_test_setup_teardown(test_report_summary_stdev_bytes_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_all_404_is_a_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_refused_hint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_stopped_by_signal, setup, teardown),
		cmocka_unit_test(test_report_series),
		cmocka_unit_test_setup_teardown(test_report_percentiles_format, setup, teardown),
		cmocka_unit_test(test_report_percentiles_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
