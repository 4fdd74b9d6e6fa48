/* test_order.c: the order (common/order.c): which requests are orders, their parameters
 * and bounds, and the exact bytes of every response. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "order.h"

#define COOK_DEF 50
#define WORK_DEF 7

static struct request make_req(enum http_method method, const char *url, int minor, bool keep_alive)
{
	struct request r;

	memset(&r, 0, sizeof(r));
	r.method = method;
	r.http_major = 1;
	r.http_minor = (unsigned short)minor;
	r.keep_alive = keep_alive;
	snprintf(r.url, sizeof(r.url), "%s", url);
	r.url_len = strlen(r.url);
	return r;
}

/* Run order_from_request on GET url; returns the status, fills *o and *reason. */
static int order_get(const char *url, struct order *o, const char **reason)
{
	struct request r = make_req(HTTP_GET, url, 1, true);
	return order_from_request(&r, COOK_DEF, WORK_DEF, o, reason);
}

static void assert_bad(const char *url, const char *reason_part)
{
	struct order o;
	const char *reason = NULL;

	assert_int_equal(order_get(url, &o, &reason), 400);
	assert_non_null(reason);
	if (strstr(reason, reason_part) == NULL)
		fail_msg("%s: reason \"%s\" lacks \"%s\"", url, reason, reason_part);
}

static void test_order_from_request_root_defaults(void **state)
{
	(void)state;
	struct order o;
	const char *reason = "x";

	assert_int_equal(order_get("/", &o, &reason), 0);
	assert_null(reason);
	assert_int_equal(o.cook_ms, COOK_DEF);
	assert_int_equal(o.work_us, WORK_DEF);
	assert_false(o.head_only);
	assert_true(o.keep_alive);
	assert_false(o.http10);
}

static void test_order_from_request_order_params(void **state)
{
	(void)state;
	struct order o;
	const char *reason;

	assert_int_equal(order_get("/order?cook_ms=120&work_us=3000", &o, &reason), 0);
	assert_int_equal(o.cook_ms, 120);
	assert_int_equal(o.work_us, 3000);
	assert_int_equal(order_get("/order?work_us=1&cook_ms=0", &o, &reason), 0);
	assert_int_equal(o.cook_ms, 0);
	assert_int_equal(o.work_us, 1);
}

static void test_order_from_request_missing_key_default(void **state)
{
	(void)state;
	struct order o;
	const char *reason;

	assert_int_equal(order_get("/order?cook_ms=3", &o, &reason), 0);
	assert_int_equal(o.cook_ms, 3);
	assert_int_equal(o.work_us, WORK_DEF);
	assert_int_equal(order_get("/order?work_us=4", &o, &reason), 0);
	assert_int_equal(o.cook_ms, COOK_DEF);
	assert_int_equal(o.work_us, 4);
	assert_int_equal(order_get("/order", &o, &reason), 0);
	assert_int_equal(order_get("/order?", &o, &reason), 0);
	assert_int_equal(o.cook_ms, COOK_DEF);
	assert_int_equal(order_get("/?cook_ms=9&", &o, &reason), 0);
	assert_int_equal(o.cook_ms, 9);
}

static void test_order_from_request_absolute_form(void **state)
{
	(void)state;
	struct order o;
	const char *reason;

	assert_int_equal(order_get("http://127.0.0.1:8080/order?cook_ms=2", &o, &reason), 0);
	assert_int_equal(o.cook_ms, 2);
}

static void test_order_from_request_bounds(void **state)
{
	(void)state;
	struct order o;
	const char *reason;

	assert_int_equal(order_get("/order?cook_ms=60000&work_us=1000000", &o, &reason), 0);
	assert_int_equal(o.cook_ms, ORDER_COOK_MS_MAX);
	assert_int_equal(o.work_us, ORDER_WORK_US_MAX);
	assert_bad("/order?cook_ms=60001", "cook_ms must be a whole number from 0 to 60000");
	assert_bad("/order?work_us=1000001", "work_us must be a whole number from 0 to 1000000");
	assert_bad("/order?cook_ms=99999999999999999999999", "cook_ms");
}

static void test_order_from_request_bad_values(void **state)
{
	(void)state;
	const char *bad[] = { "-1", "+5", "1.5", "0x10", "5%20", "%205", "5a", "", "1e3", "%35" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char url[64];
		snprintf(url, sizeof(url), "/order?cook_ms=%s", bad[i]);
		assert_bad(url, "cook_ms must be a whole number from 0 to 60000");
		snprintf(url, sizeof(url), "/order?work_us=%s", bad[i]);
		assert_bad(url, "work_us must be a whole number from 0 to 1000000");
	}
	assert_bad("/order?cook_ms", "cook_ms");
}

static void test_order_from_request_unknown_key(void **state)
{
	(void)state;
	assert_bad("/order?cook=5", "unknown parameter");
	assert_bad("/order?cook_ms=5&size=large", "unknown parameter");
	assert_bad("/order?COOK_MS=5", "unknown parameter");
	assert_bad("/order?=5", "unknown parameter");
}

static void test_order_from_request_repeated_key(void **state)
{
	(void)state;
	assert_bad("/order?cook_ms=5&cook_ms=5", "cook_ms given more than once");
	assert_bad("/order?work_us=1&cook_ms=2&work_us=3", "work_us given more than once");
}

static void test_order_from_request_paths_404(void **state)
{
	(void)state;
	const char *paths[] = { "/orders", "/order/", "/favicon.ico", "/Order", "//", "/order/x?cook_ms=1" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct order o;
		const char *reason = NULL;
		assert_int_equal(order_get(paths[i], &o, &reason), 404);
		assert_non_null(reason);
	}
}

static void test_order_from_request_malformed_target_400(void **state)
{
	(void)state;
	struct order o;
	const char *reason = NULL;

	assert_int_equal(order_get("order", &o, &reason), 400);
	assert_non_null(reason);
}

static void test_order_from_request_methods(void **state)
{
	(void)state;
	enum http_method refused[] = { HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_OPTIONS, HTTP_PATCH };
	struct order o;
	const char *reason = NULL;

	struct request r = make_req(HTTP_HEAD, "/order?cook_ms=1", 1, true);
	assert_int_equal(order_from_request(&r, COOK_DEF, WORK_DEF, &o, &reason), 0);
	assert_true(o.head_only);
	assert_int_equal(o.cook_ms, 1);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		r = make_req(refused[i], "/order", 1, true);
		reason = NULL;
		assert_int_equal(order_from_request(&r, COOK_DEF, WORK_DEF, &o, &reason), 405);
		assert_non_null(reason);
	}
	/* the method is judged before the path */
	r = make_req(HTTP_POST, "/nowhere", 1, true);
	assert_int_equal(order_from_request(&r, COOK_DEF, WORK_DEF, &o, &reason), 405);
}

static void test_order_from_request_head_error_keeps_head_only(void **state)
{
	(void)state;
	struct request r = make_req(HTTP_HEAD, "/nowhere", 1, true);
	struct order o;
	const char *reason;

	assert_int_equal(order_from_request(&r, COOK_DEF, WORK_DEF, &o, &reason), 404);
	assert_true(o.head_only);
}

static void test_order_from_request_http10(void **state)
{
	(void)state;
	struct request r = make_req(HTTP_GET, "/", 0, true);
	struct order o;
	const char *reason;

	assert_int_equal(order_from_request(&r, COOK_DEF, WORK_DEF, &o, &reason), 0);
	assert_true(o.http10);
	assert_true(o.keep_alive);
}

static void test_order_parse_uint(void **state)
{
	(void)state;
	uint32_t v = 123;

	assert_true(order_parse_uint("0", 1, 10, &v));
	assert_int_equal(v, 0);
	assert_true(order_parse_uint("007", 3, 10, &v));
	assert_int_equal(v, 7);
	assert_true(order_parse_uint("4294967295", 10, UINT32_MAX, &v));
	assert_int_equal(v, UINT32_MAX);
	assert_false(order_parse_uint("4294967296", 10, UINT32_MAX, &v));
	assert_false(order_parse_uint("11", 2, 10, &v));
	assert_false(order_parse_uint("", 0, 10, &v));
	assert_false(order_parse_uint("1 ", 2, 10, &v));
	/* len is honoured: bytes past it are not read */
	assert_true(order_parse_uint("12xyz", 2, 100, &v));
	assert_int_equal(v, 12);
}

/* Split a response into head and body; checks Content-Length against the body. */
static const char *body_of(const char *resp, size_t len)
{
	const char *end = strstr(resp, "\r\n\r\n");
	assert_non_null(end);
	assert_true((size_t)(end + 4 - resp) <= len);
	return end + 4;
}

/* The body without its padding and newline (a static copy). */
static const char *trimmed(const char *body)
{
	static char out[ORDER_BODY_LEN + 1];
	size_t n = strlen(body);
	assert_true(n <= ORDER_BODY_LEN);
	memcpy(out, body, n + 1);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	return out;
}

static const struct order_times times = { .line_ns = 12345, .counter_ns = 1003000, .kitchen_ns = 50104400 };

/* Every order of a server has the same Content-Length, whatever its number and times
 * (ab counts a document whose length changes as a failure). */
static void test_order_format_response_fixed_length(void **state)
{
	(void)state;
	char a[RESPONSE_MAX], b[RESPONSE_MAX];
	struct order o = { .keep_alive = true };
	struct order_times slow = { .line_ns = 123456789012ULL, .counter_ns = 999999000, .kitchen_ns = 60000000000ULL };
	size_t na = order_format_response(a, sizeof(a), "blocking", 1, &o, &times);
	size_t nb = order_format_response(b, sizeof(b), "blocking", 123456789, &o, &slow);

	assert_true(na > 0);
	assert_int_equal(na, nb);
	assert_int_equal(strlen(body_of(a, na)), ORDER_BODY_LEN);
	assert_int_equal(a[na - 1], '\n');
}

static void test_order_format_response_keep_alive(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	struct order o = { .cook_ms = 50, .keep_alive = true };
	const char *want = "HTTP/1.1 200 OK\r\n"
			   "Content-Type: text/plain\r\n"
			   "Content-Length: 96\r\n"
			   "\r\n"
			   "evented order 42: line 0.012 ms, counter 1.003 ms, kitchen 50.104 ms"
			   "                           \n";
	size_t n = order_format_response(buf, sizeof(buf), "evented", 42, &o, &times);

	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n);
	assert_int_equal(strlen(body_of(buf, n)), ORDER_BODY_LEN);
}

/* Times are rounded to the microsecond and printed as ms with three decimals. */
static void test_order_format_response_rounding(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	struct order o = { .keep_alive = true };
	struct order_times t = { .line_ns = 499, .counter_ns = 999500, .kitchen_ns = 60000000000ULL };
	size_t n = order_format_response(buf, sizeof(buf), "x", 0, &o, &t);

	buf[n] = '\0';
	assert_string_equal(trimmed(body_of(buf, n)), "x order 0: line 0.000 ms, counter 1.000 ms, kitchen 60000.000 ms");
}

static void test_order_format_response_close(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	struct order o = { .keep_alive = false };
	size_t n = order_format_response(buf, sizeof(buf), "blocking", 1, &o, &times);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\r\nConnection: close\r\n"));
	assert_string_equal(trimmed(body_of(buf, n)), "blocking order 1: line 0.012 ms, counter 1.003 ms, kitchen 50.104 ms");
	/* HTTP/1.0 without keep-alive closes too */
	o.http10 = true;
	n = order_format_response(buf, sizeof(buf), "blocking", 1, &o, &times);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\r\nConnection: close\r\n"));
}

static void test_order_format_response_http10_keep_alive(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	struct order o = { .keep_alive = true, .http10 = true };
	size_t n = order_format_response(buf, sizeof(buf), "blocking", 2, &o, &times);

	buf[n] = '\0';
	assert_non_null(strstr(buf, "\r\nConnection: keep-alive\r\n"));
	assert_null(strstr(buf, "close"));
}

static void test_order_format_response_head(void **state)
{
	(void)state;
	char get[RESPONSE_MAX], head[RESPONSE_MAX];
	struct order o = { .keep_alive = true };
	size_t ng = order_format_response(get, sizeof(get), "evented", 42, &o, &times);

	o.head_only = true;
	size_t nh = order_format_response(head, sizeof(head), "evented", 42, &o, &times);
	/* same head, Content-Length included, no body */
	assert_int_equal(nh, (size_t)(body_of(get, ng) - get));
	assert_memory_equal(head, get, nh);
	assert_memory_equal(head + nh - 4, "\r\n\r\n", 4);
}

static void test_order_format_response_fits(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	struct order o = { .keep_alive = false, .http10 = true };
	struct order_times huge = { UINT64_MAX, UINT64_MAX, UINT64_MAX };
	size_t n = order_format_response(buf, sizeof(buf), "evented", UINT64_MAX, &o, &huge);

	assert_true(n > 0 && n < RESPONSE_MAX);
	/* too small a buffer is refused, not overrun */
	assert_int_equal(order_format_response(buf, 40, "evented", 1, &o, &times), 0);
}

static void test_order_format_error_every_status(void **state)
{
	(void)state;
	const struct {
		int status;
		const char *line;
	} cases[] = {
		{ 400, "HTTP/1.1 400 Bad Request\r\n" },
		{ 404, "HTTP/1.1 404 Not Found\r\n" },
		{ 405, "HTTP/1.1 405 Method Not Allowed\r\n" },
		{ 413, "HTTP/1.1 413 Content Too Large\r\n" },
		{ 414, "HTTP/1.1 414 URI Too Long\r\n" },
		{ 431, "HTTP/1.1 431 Request Header Fields Too Large\r\n" },
		{ 502, "HTTP/1.1 502 Bad Gateway\r\n" },
		{ 503, "HTTP/1.1 503 Service Unavailable\r\n" },
		{ 504, "HTTP/1.1 504 Gateway Timeout\r\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[RESPONSE_MAX + 1], want[128];
		size_t n = order_format_error(buf, RESPONSE_MAX, cases[i].status, "why it failed", false);

		assert_true(n > 0 && n < RESPONSE_MAX);
		buf[n] = '\0';
		assert_memory_equal(buf, cases[i].line, strlen(cases[i].line));
		assert_non_null(strstr(buf, "\r\nContent-Type: text/plain\r\n"));
		assert_non_null(strstr(buf, "\r\nContent-Length: 14\r\n"));
		assert_non_null(strstr(buf, "\r\nConnection: close\r\n"));
		assert_string_equal(body_of(buf, n), "why it failed\n");
		snprintf(want, sizeof(want), "%s", order_status_text(cases[i].status));
		assert_non_null(strstr(cases[i].line, want));
	}
}

static void test_order_format_error_405_allow(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	size_t n = order_format_error(buf, sizeof(buf), 405, "use GET", false);

	buf[n] = '\0';
	assert_non_null(strstr(buf, "\r\nAllow: GET, HEAD\r\n"));
}

static void test_order_format_error_head_only(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX];
	size_t n = order_format_error(buf, sizeof(buf), 404, "nothing here", true);

	buf[n] = '\0';
	assert_non_null(strstr(buf, "\r\nContent-Length: 13\r\n"));
	assert_memory_equal(buf + n - 4, "\r\n\r\n", 4);
}

static void test_order_format_error_reason_cut(void **state)
{
	(void)state;
	char buf[RESPONSE_MAX], long_reason[4000];
	size_t n;

	n = order_format_error(buf, sizeof(buf), 400, "one line\r\nX-Injected: yes", false);
	buf[n] = '\0';
	assert_null(strstr(buf, "X-Injected"));
	assert_string_equal(body_of(buf, n), "one line\n");

	memset(long_reason, 'r', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	n = order_format_error(buf, sizeof(buf), 400, long_reason, false);
	assert_true(n > 0 && n < RESPONSE_MAX);

	n = order_format_error(buf, sizeof(buf), 503, NULL, false);
	buf[n] = '\0';
	assert_string_equal(body_of(buf, n), "Service Unavailable\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_from_request_root_defaults),
		cmocka_unit_test(test_order_from_request_order_params),
		cmocka_unit_test(test_order_from_request_missing_key_default),
		cmocka_unit_test(test_order_from_request_absolute_form),
		cmocka_unit_test(test_order_from_request_bounds),
		cmocka_unit_test(test_order_from_request_bad_values),
		cmocka_unit_test(test_order_from_request_unknown_key),
		cmocka_unit_test(test_order_from_request_repeated_key),
		cmocka_unit_test(test_order_from_request_paths_404),
		cmocka_unit_test(test_order_from_request_malformed_target_400),
		cmocka_unit_test(test_order_from_request_methods),
		cmocka_unit_test(test_order_from_request_head_error_keeps_head_only),
		cmocka_unit_test(test_order_from_request_http10),
		cmocka_unit_test(test_order_parse_uint),
		cmocka_unit_test(test_order_format_response_keep_alive),
		cmocka_unit_test(test_order_format_response_fixed_length),
		cmocka_unit_test(test_order_format_response_rounding),
		cmocka_unit_test(test_order_format_response_close),
		cmocka_unit_test(test_order_format_response_http10_keep_alive),
		cmocka_unit_test(test_order_format_response_head),
		cmocka_unit_test(test_order_format_response_fits),
		cmocka_unit_test(test_order_format_error_every_status),
		cmocka_unit_test(test_order_format_error_405_allow),
		cmocka_unit_test(test_order_format_error_head_only),
		cmocka_unit_test(test_order_format_error_reason_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
