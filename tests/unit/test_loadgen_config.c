/* test_loadgen_config.c: flag values (durations, counts, rates), the query in force,
 * the request bytes, and the safety rules: loopback only, every run bounded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../loadgen/config.h"

/* config_parse_duration reads text as want_ns. */
static void expect_duration(const char *text, uint64_t want_ns)
{
	uint64_t ns;
	assert_int_equal(config_parse_duration(text, &ns), 0);
	assert_int_equal(ns, want_ns);
}

static void test_config_parse_duration(void **state)
{
	uint64_t ns;
	(void)state;
	expect_duration("10s", 10000000000ULL);
	expect_duration("500ms", 500000000ULL);
	expect_duration("2m", 120000000000ULL);
	expect_duration("1h", 3600000000000ULL);
	expect_duration("7", 7000000000ULL); /* plain seconds */
	expect_duration("1.5s", 1500000000ULL);
	expect_duration("250us", 250000ULL);
	expect_duration("0", 0);

	static const char *bad[] = { "", "s", "10x", "10 s", "ten", "1e400", "nan", "10sms" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(config_parse_duration(bad[i], &ns), -EINVAL);
	assert_int_not_equal(config_parse_duration("-5s", &ns), 0);
}

static void test_config_parse_numbers(void **state)
{
	uint64_t n;
	double r;
	bool b;
	enum arrivals a;
	(void)state;
	assert_int_equal(config_parse_count("100", 1000, &n), 0);
	assert_int_equal(n, 100);
	assert_int_not_equal(config_parse_count("0", 1000, &n), 0);
	assert_int_not_equal(config_parse_count("-1", 1000, &n), 0);
	assert_int_not_equal(config_parse_count("1001", 1000, &n), 0);
	assert_int_not_equal(config_parse_count("12abc", 1000, &n), 0);
	assert_int_equal(config_parse_rate("20000", &r), 0);
	assert_true(r == 20000.0);
	assert_int_equal(config_parse_rate("0.5", &r), 0);
	assert_int_not_equal(config_parse_rate("0", &r), 0);
	assert_int_not_equal(config_parse_rate("-10", &r), 0);
	assert_int_not_equal(config_parse_rate("inf", &r), 0);
	/* the shared suffixes of common/units.h (issue 18) */
	assert_int_equal(config_parse_count("1k", 1000, &n), 0);
	assert_int_equal(n, 1000);
	assert_int_not_equal(config_parse_count("1.5", 1000, &n), 0);
	assert_int_equal(config_parse_rate("20k", &r), 0);
	assert_true(r == 20000.0);
	assert_int_equal(config_parse_rate("1.5M", &r), 0);
	assert_true(r == 1500000.0);
	assert_int_equal(config_parse_bool("no", &b), 0);
	assert_false(b);
	assert_int_equal(config_parse_bool("YES", &b), 0);
	assert_true(b);
	assert_int_not_equal(config_parse_bool("maybe", &b), 0);
	assert_int_equal(config_parse_arrivals("even", &a), 0);
	assert_int_equal(a, ARRIVALS_EVEN);
	assert_int_not_equal(config_parse_arrivals("bursty", &a), 0);
}

/* Runs config_finish on a fresh configuration; returns its result, err filled. */
static int finish_with(struct lg_config *cfg, const char *url, char *err, size_t errlen)
{
	cfg->target = url;
	return config_finish(cfg, err, errlen);
}

static void test_config_query_and_request_text(void **state)
{
	struct lg_config cfg;
	char err[256] = "", buf[REQTEXT_MAX];
	(void)state;
	config_defaults(&cfg);
	cfg.params[cfg.nparams++] = "cook_ms=50";
	cfg.params[cfg.nparams++] = "a=2";   /* replaces the URL's a=1 */
	cfg.params[cfg.nparams++] = "tag=x";
	assert_int_equal(finish_with(&cfg, "http://127.0.0.1:8080/order?a=1&work_us=7&flag", err, sizeof err), 0);
	assert_int_equal(cfg.cook_ms, 50);
	assert_int_equal(cfg.work_us, 7);

	size_t len = reqtext_format(buf, sizeof buf, &cfg.url, &cfg.query, cfg.cook_ms, cfg.work_us, true);
	assert_string_equal(buf, "GET /order?a=2&flag&tag=x&cook_ms=50&work_us=7 HTTP/1.1\r\n"
				 "Host: 127.0.0.1:8080\r\n\r\n");
	assert_int_equal(len, strlen(buf));
	/* the control slot: another cook time, no CPU work, one connection per order */
	reqtext_format(buf, sizeof buf, &cfg.url, &cfg.query, 80, PARAM_ABSENT, false);
	assert_string_equal(buf, "GET /order?a=2&flag&tag=x&cook_ms=80 HTTP/1.1\r\n"
				 "Host: 127.0.0.1:8080\r\nConnection: close\r\n\r\n");
	assert_int_equal(reqtext_format(buf, 20, &cfg.url, &cfg.query, 80, 1, true), 0); /* too small */

	struct reqtext *r1 = reqtext_new(&cfg.url, &cfg.query, 1, 2, true, NULL);
	struct reqtext *r2 = reqtext_new(&cfg.url, &cfg.query, 3, 4, false, r1);
	assert_non_null(r2);
	assert_ptr_equal(r2->older, r1);
	assert_false(r2->keepalive);
	assert_int_equal(r2->len, strlen(r2->bytes));
	reqtext_free_all(r2);
}

static void test_config_bad_params(void **state)
{
	static const char *bad[] = { "noequals", "=v", "cook_ms=abc", "work_us=-1", "k=a b", "k=a&b", "cook_ms=4294967295" };
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lg_config cfg;
		char err[256] = "";
		config_defaults(&cfg);
		cfg.params[cfg.nparams++] = bad[i];
		assert_int_equal(finish_with(&cfg, "http://127.0.0.1:1/", err, sizeof err), -EINVAL);
		print_message("--param %-20s -> %s\n", bad[i], err);
	}
}

static void test_config_refuses_remote(void **state)
{
	struct lg_config cfg;
	char err[256] = "";
	(void)state;
	config_defaults(&cfg);
	assert_int_equal(finish_with(&cfg, "http://10.0.0.1:8080/", err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "--allow-remote"));
	config_defaults(&cfg);
	assert_int_equal(finish_with(&cfg, "http://[2001:db8::1]:8080/", err, sizeof err), -EINVAL);
	config_defaults(&cfg);
	cfg.allow_remote = true;
	assert_int_equal(finish_with(&cfg, "http://10.0.0.1:8080/", err, sizeof err), 0);
	config_defaults(&cfg);
	assert_int_equal(finish_with(&cfg, "http://127.9.8.7:8080/", err, sizeof err), 0);
	config_defaults(&cfg);
	assert_int_equal(finish_with(&cfg, "http://[::1]:8080/", err, sizeof err), 0);
	assert_int_equal(cfg.addr.ss_family, AF_INET6);
	config_defaults(&cfg);
	assert_int_equal(finish_with(&cfg, "http://localhost:8080/", err, sizeof err), 0);
}

static void expect_refused(void (*set)(struct lg_config *), const char *words)
{
	struct lg_config cfg;
	char err[256] = "";
	config_defaults(&cfg);
	set(&cfg);
	assert_int_equal(finish_with(&cfg, "http://127.0.0.1:1/", err, sizeof err), -EINVAL);
	print_message("%s\n", err);
	assert_non_null(strstr(err, words));
}

static void set_both_loops(struct lg_config *c) { c->set_rate = c->set_connections = true; c->rate = 10; }
static void set_think_open(struct lg_config *c) { c->set_rate = c->set_think = true; c->rate = 10; }
static void set_maxconns_closed(struct lg_config *c) { c->set_max_conns = true; }
static void set_zero_duration(struct lg_config *c) { c->set_duration = true; c->duration_ns = 0; }
static void set_long_duration(struct lg_config *c) { c->set_duration = true; c->duration_ns = LG_DURATION_MAX_NS + 1; }
static void set_threads_over_conns(struct lg_config *c) { c->threads = 4; c->connections = 2; }
static void set_zero_timeout(struct lg_config *c) { c->timeout_ns = 0; }
static void set_slack_closed(struct lg_config *c) { c->slack_ns = 1000; }
static void set_slack_huge(struct lg_config *c) { c->set_rate = true; c->rate = 10; c->slack_ns = LG_SLACK_MAX_NS + 1; }

static void test_config_cross_checks(void **state)
{
	(void)state;
	expect_refused(set_both_loops, "pick one");
	expect_refused(set_think_open, "--think-ms");
	expect_refused(set_maxconns_closed, "--max-conns");
	expect_refused(set_zero_duration, "more than zero");
	expect_refused(set_long_duration, "at most 1h");
	expect_refused(set_threads_over_conns, "at least one");
	expect_refused(set_zero_timeout, "--timeout");
	expect_refused(set_slack_closed, "--arrival-slack-us is for the open loop");
	expect_refused(set_slack_huge, "--arrival-slack-us is at most");
}

static void test_config_bounds(void **state)
{
	struct lg_config cfg;
	char err[256] = "";
	(void)state;
	config_defaults(&cfg);
	assert_int_equal(finish_with(&cfg, "http://127.0.0.1:1/", err, sizeof err), 0);
	assert_int_equal(cfg.duration_ns, LG_DURATION_DEFAULT_NS); /* no flag: 10 s */
	assert_int_equal(cfg.mode, LG_CLOSED);

	config_defaults(&cfg);
	cfg.requests = 100;                 /* -n alone: bounded by the count (and the hour) */
	assert_int_equal(finish_with(&cfg, "http://127.0.0.1:1/", err, sizeof err), 0);
	assert_int_equal(cfg.duration_ns, 0);

	config_defaults(&cfg);
	cfg.set_rate = true;
	cfg.rate = 100;
	assert_int_equal(finish_with(&cfg, "http://127.0.0.1:1/", err, sizeof err), 0);
	assert_int_equal(cfg.mode, LG_OPEN);
	assert_true(config_fit_fd_limit(&cfg, 1024));   /* default --max-conns lowered to fit */
	assert_true(cfg.max_conns < 1024 && cfg.max_conns > 900);
	cfg.set_max_conns = true;
	cfg.max_conns = 5000;
	assert_false(config_fit_fd_limit(&cfg, 1024));  /* explicit: kept, caller warns */
	assert_int_equal(cfg.max_conns, 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse_duration),
		cmocka_unit_test(test_config_parse_numbers),
		cmocka_unit_test(test_config_query_and_request_text),
		cmocka_unit_test(test_config_bad_params),
		cmocka_unit_test(test_config_refuses_remote),
		cmocka_unit_test(test_config_cross_checks),
		cmocka_unit_test(test_config_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
