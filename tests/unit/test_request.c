/* test_request.c: the HTTP request glue (common/request.c): whole, pipelined and split
 * requests, keep-alive rules, bodies, and every way a request is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "request.h"

static struct request_parser *parser_new(void)
{
	struct request_parser *p = malloc(sizeof(*p));
	assert_non_null(p);
	request_parser_init(p);
	return p;
}

/* Feed all of s at once; expect the status and return *consumed. */
static size_t feed_str(struct request_parser *p, const char *s, enum request_status want)
{
	size_t consumed = 99999;
	enum request_status st = request_feed(p, s, strlen(s), &consumed);
	assert_int_equal(st, want);
	assert_true(consumed <= strlen(s));
	return consumed;
}

static void test_request_feed_get(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	const char *r = "GET /order?cook_ms=5 HTTP/1.1\r\nHost: x\r\n\r\n";

	assert_false(request_started(p));
	assert_int_equal(feed_str(p, r, REQUEST_DONE), strlen(r));
	assert_true(request_started(p));
	assert_int_equal(p->req.method, HTTP_GET);
	assert_string_equal(p->req.url, "/order?cook_ms=5");
	assert_int_equal(p->req.url_len, strlen("/order?cook_ms=5"));
	assert_int_equal(p->req.http_major, 1);
	assert_int_equal(p->req.http_minor, 1);
	assert_true(p->req.keep_alive);
	free(p);
}

static void test_request_feed_head(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", REQUEST_DONE);
	assert_int_equal(p->req.method, HTTP_HEAD);
	assert_string_equal(p->req.url, "/");
	free(p);
}

static void test_request_feed_post_is_parsed(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	/* the glue parses any method; refusing it (405) is the order's job */
	feed_str(p, "DELETE /order HTTP/1.1\r\nHost: x\r\n\r\n", REQUEST_DONE);
	assert_int_equal(p->req.method, HTTP_DELETE);
	free(p);
}

static void test_request_feed_pipelined(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	const char *buf = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
			  "HEAD /bb HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
			  "GET /ccc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	const char *urls[] = { "/a", "/bb", "/ccc" };
	size_t off = 0, len = strlen(buf);

	for (int i = 0; i < 3; i++) {
		size_t consumed;
		assert_int_equal(request_feed(p, buf + off, len - off, &consumed), REQUEST_DONE);
		assert_string_equal(p->req.url, urls[i]);
		assert_int_equal(p->req.keep_alive, i < 2);
		off += consumed;
		if (i < 2) {
			/* the next request starts right where this one ended */
			assert_memory_equal(buf + off, i == 0 ? "HEAD" : "GET /ccc", i == 0 ? 4 : 8);
		}
		request_parser_next(p);
	}
	assert_int_equal(off, len);
	free(p);
}

static void test_request_feed_done_stays_done(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	const char *two = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t consumed, half = strlen(two) / 2;

	assert_int_equal(request_feed(p, two, strlen(two), &consumed), REQUEST_DONE);
	assert_int_equal(consumed, half);
	/* without request_parser_next nothing more is taken */
	assert_int_equal(request_feed(p, two + half, half, &consumed), REQUEST_DONE);
	assert_int_equal(consumed, 0);
	assert_string_equal(p->req.url, "/1");
	free(p);
}

/* Split one request in two at every byte boundary, then feed it one byte at a time. */
static void test_request_feed_split_everywhere(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	const char *r = "GET /order?cook_ms=7&work_us=9 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			"User-Agent: test\r\nContent-Length: 3\r\n\r\nabc";
	size_t len = strlen(r), consumed;

	for (size_t cut = 0; cut <= len; cut++) {
		request_parser_init(p);
		enum request_status st = request_feed(p, r, cut, &consumed);
		if (cut < len) {
			assert_int_equal(st, REQUEST_NEED_MORE);
			assert_int_equal(consumed, cut);
			assert_int_equal(request_feed(p, r + cut, len - cut, &consumed), REQUEST_DONE);
			assert_int_equal(consumed, len - cut);
		} else {
			assert_int_equal(st, REQUEST_DONE);
		}
		assert_string_equal(p->req.url, "/order?cook_ms=7&work_us=9");
		assert_true(p->req.keep_alive);
	}
	request_parser_init(p);
	for (size_t i = 0; i < len; i++) {
		enum request_status st = request_feed(p, r + i, 1, &consumed);
		assert_int_equal(consumed, 1);
		assert_int_equal(st, i + 1 < len ? REQUEST_NEED_MORE : REQUEST_DONE);
	}
	assert_string_equal(p->req.url, "/order?cook_ms=7&work_us=9");
	free(p);
}

static void test_request_feed_malformed_400(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "GET / HTTP/1.1 extra\r\n\r\n", REQUEST_BAD);
	assert_int_equal(p->req.status, 400);
	assert_non_null(p->req.reason);
	assert_true(strlen(p->req.reason) > 0);
	assert_false(p->req.keep_alive);
	/* once bad, always bad */
	feed_str(p, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", REQUEST_BAD);
	free(p);
}

static void test_request_feed_garbage_400(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", REQUEST_BAD);
	assert_int_equal(p->req.status, 400);
	free(p);
}

/* http-parser reads any one-digit version; only 1.x is an order. */
static void test_request_feed_http_version_505(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "GET /order HTTP/9.9\r\nHost: x\r\n\r\n", REQUEST_BAD);
	assert_int_equal(p->req.status, 505);
	free(p);
	p = parser_new();
	feed_str(p, "GET /order HTTP/1.0\r\n\r\n", REQUEST_DONE);
	free(p);
}

/* A head that never ends: refused after 8 KiB, whether it comes whole or in pieces. */
static void test_request_feed_head_too_big_431(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	size_t len = REQUEST_HEAD_MAX * 2, consumed;
	char *big = malloc(len);
	const char *line = "GET / HTTP/1.1\r\nHost: 12345678\r\n"; /* 32 bytes: the pad lines align */

	assert_non_null(big);
	memcpy(big, line, strlen(line));
	for (size_t i = strlen(line); i < len; i += 16)
		memcpy(big + i, "X-Pad: 12345678\n", 16);
	assert_int_equal(request_feed(p, big, len, &consumed), REQUEST_BAD);
	assert_int_equal(p->req.status, 431);
	assert_true(consumed <= REQUEST_HEAD_MAX);

	request_parser_init(p);
	enum request_status st = REQUEST_NEED_MORE;
	size_t off = 0;
	while (st == REQUEST_NEED_MORE && off < len) {
		st = request_feed(p, big + off, 100, &consumed);
		off += 100;
	}
	assert_int_equal(st, REQUEST_BAD);
	assert_int_equal(p->req.status, 431);
	assert_true(off <= REQUEST_HEAD_MAX + 100);
	free(big);
	free(p);
}

/* A head of exactly REQUEST_HEAD_MAX bytes is still served. */
static void test_request_feed_head_at_limit(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	char *r = malloc(REQUEST_HEAD_MAX + 1);
	const char *start = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ";
	size_t n = strlen(start);

	assert_non_null(r);
	memcpy(r, start, n);
	memset(r + n, 'a', REQUEST_HEAD_MAX - n - 4);
	memcpy(r + REQUEST_HEAD_MAX - 4, "\r\n\r\n", 4);
	r[REQUEST_HEAD_MAX] = '\0';
	assert_int_equal(feed_str(p, r, REQUEST_DONE), REQUEST_HEAD_MAX);

	request_parser_init(p);
	memmove(r + n + 1, r + n, REQUEST_HEAD_MAX - n); /* one byte more */
	r[n] = 'a';
	size_t consumed;
	assert_int_equal(request_feed(p, r, REQUEST_HEAD_MAX + 1, &consumed), REQUEST_BAD);
	assert_int_equal(p->req.status, 431);
	free(r);
	free(p);
}

static void test_request_feed_url_too_long_414(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	char r[REQUEST_URL_MAX + 64];

	snprintf(r, sizeof(r), "GET /");
	memset(r + 5, 'a', REQUEST_URL_MAX);
	strcpy(r + 5 + REQUEST_URL_MAX, " HTTP/1.1\r\nHost: x\r\n\r\n");
	feed_str(p, r, REQUEST_BAD);
	assert_int_equal(p->req.status, 414);

	/* exactly REQUEST_URL_MAX is fine */
	request_parser_init(p);
	strcpy(r + 4 + REQUEST_URL_MAX, " HTTP/1.1\r\nHost: x\r\n\r\n");
	feed_str(p, r, REQUEST_DONE);
	assert_int_equal(p->req.url_len, REQUEST_URL_MAX);
	free(p);
}

static void test_request_feed_url_too_long_split_414(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	char chunk[600];
	size_t consumed;
	enum request_status st;

	memset(chunk, 'b', sizeof(chunk));
	assert_int_equal(request_feed(p, "GET /", 5, &consumed), REQUEST_NEED_MORE);
	for (int i = 0; i < 4; i++) {
		st = request_feed(p, chunk, sizeof(chunk), &consumed);
		if (st == REQUEST_BAD)
			break;
	}
	assert_int_equal(st, REQUEST_BAD);
	assert_int_equal(p->req.status, 414);
	free(p);
}

static void test_request_feed_http10_close(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "GET / HTTP/1.0\r\n\r\n", REQUEST_DONE);
	assert_int_equal(p->req.http_major, 1);
	assert_int_equal(p->req.http_minor, 0);
	assert_false(p->req.keep_alive);
	free(p);
}

static void test_request_feed_http10_keep_alive(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", REQUEST_DONE);
	assert_int_equal(p->req.http_minor, 0);
	assert_true(p->req.keep_alive);
	free(p);
}

static void test_request_feed_connection_close(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", REQUEST_DONE);
	assert_false(p->req.keep_alive);
	free(p);
}

static void test_request_feed_body_skipped(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	const char *buf = "POST /order HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"
			  "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t first = strlen(buf) - strlen("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");

	assert_int_equal(feed_str(p, buf, REQUEST_DONE), first);
	assert_int_equal(p->req.method, HTTP_POST);
	request_parser_next(p);
	feed_str(p, buf + first, REQUEST_DONE);
	assert_string_equal(p->req.url, "/next");
	free(p);
}

static void test_request_feed_chunked_body(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	const char *buf = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
			  "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
			  "GET /after HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t first = strlen(buf) - strlen("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");

	assert_int_equal(feed_str(p, buf, REQUEST_DONE), first);
	assert_int_equal(p->body_bytes, 11);
	request_parser_next(p);
	feed_str(p, buf + first, REQUEST_DONE);
	assert_string_equal(p->req.url, "/after");
	free(p);
}

static void test_request_feed_body_too_big_413(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 65537\r\n\r\n", REQUEST_BAD);
	assert_int_equal(p->req.status, 413);
	free(p);
}

static void test_request_feed_chunked_too_big_413(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	char chunk[4096 + 16];
	size_t consumed;
	enum request_status st;

	feed_str(p, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", REQUEST_NEED_MORE);
	memcpy(chunk, "1000\r\n", 6);
	memset(chunk + 6, 'z', 4096);
	memcpy(chunk + 6 + 4096, "\r\n", 2);
	for (int i = 0; i < 20; i++) {
		st = request_feed(p, chunk, 6 + 4096 + 2, &consumed);
		if (st != REQUEST_NEED_MORE)
			break;
	}
	assert_int_equal(st, REQUEST_BAD);
	assert_int_equal(p->req.status, 413);
	free(p);
}

static void test_request_feed_empty_input(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	size_t consumed = 7;

	assert_int_equal(request_feed(p, "", 0, &consumed), REQUEST_NEED_MORE);
	assert_int_equal(consumed, 0);
	assert_false(request_started(p));
	free(p);
}

static void test_request_parser_next_resets(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();

	feed_str(p, "GET /first HTTP/1.1\r\nHost: x\r\n\r\n", REQUEST_DONE);
	request_parser_next(p);
	assert_false(request_started(p));
	assert_int_equal(p->req.url_len, 0);
	feed_str(p, "GET /s", REQUEST_NEED_MORE);
	assert_true(request_started(p));
	feed_str(p, "econd HTTP/1.1\r\nHost: x\r\n\r\n", REQUEST_DONE);
	assert_string_equal(p->req.url, "/second");
	/* after a request that asked to close, and after a bad one, the parser is usable again */
	request_parser_next(p);
	feed_str(p, "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", REQUEST_DONE);
	request_parser_next(p);
	feed_str(p, "BAD REQUEST\r\n\r\n", REQUEST_BAD);
	request_parser_next(p);
	assert_int_equal(p->req.status, 0);
	assert_null(p->req.reason);
	feed_str(p, "GET /third HTTP/1.1\r\nHost: x\r\n\r\n", REQUEST_DONE);
	assert_string_equal(p->req.url, "/third");
	assert_true(p->req.keep_alive);
	free(p);
}

/* RFC 9112 5.1: no whitespace between a field name and its colon (http-parser takes
 * "Content-Length : 5" and honours it: a smuggling building block behind a proxy). */
static void test_request_feed_space_before_colon_400(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	feed_str(p, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", REQUEST_BAD);
	assert_int_equal(p->req.status, 400);
	assert_non_null(strstr(p->req.reason, "colon"));
	request_parser_init(p);
	feed_str(p, "GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", REQUEST_BAD);
	assert_int_equal(p->req.status, 400);
	free(p);
}

/* RFC 9112 3.2: an HTTP/1.1 request has exactly one Host; HTTP/1.0 may have none. */
static void test_request_feed_http11_needs_one_host(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	feed_str(p, "GET / HTTP/1.1\r\n\r\n", REQUEST_BAD);
	assert_int_equal(p->req.status, 400);
	assert_non_null(strstr(p->req.reason, "Host"));
	request_parser_init(p);
	feed_str(p, "GET / HTTP/1.1\r\nHost: a\r\nhOsT: b\r\n\r\n", REQUEST_BAD);
	assert_int_equal(p->req.status, 400);
	request_parser_init(p);
	feed_str(p, "GET / HTTP/1.0\r\n\r\n", REQUEST_DONE);
	request_parser_init(p);
	/* a name split across two reads is still one Host */
	feed_str(p, "GET / HTTP/1.1\r\nHo", REQUEST_NEED_MORE);
	feed_str(p, "st: x\r\n\r\n", REQUEST_DONE);
	free(p);
}

/* Expect: 100-continue with a body: the client waits before sending it, so the request
 * is whole at the end of its head (the final answer goes at once), and closes. */
static void test_request_feed_expect_continue_done_at_head(void **state)
{
	(void)state;
	struct request_parser *p = parser_new();
	feed_str(p, "GET /order HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n",
		 REQUEST_DONE);
	assert_false(p->req.keep_alive);
	request_parser_init(p);
	/* without a body there is nothing to wait for: an ordinary keep-alive request */
	feed_str(p, "GET /order HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n", REQUEST_DONE);
	assert_true(p->req.keep_alive);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_feed_get),
		cmocka_unit_test(test_request_feed_head),
		cmocka_unit_test(test_request_feed_post_is_parsed),
		cmocka_unit_test(test_request_feed_pipelined),
		cmocka_unit_test(test_request_feed_done_stays_done),
		cmocka_unit_test(test_request_feed_split_everywhere),
		cmocka_unit_test(test_request_feed_malformed_400),
		cmocka_unit_test(test_request_feed_garbage_400),
		cmocka_unit_test(test_request_feed_http_version_505),
		cmocka_unit_test(test_request_feed_head_too_big_431),
		cmocka_unit_test(test_request_feed_space_before_colon_400),
		cmocka_unit_test(test_request_feed_http11_needs_one_host),
		cmocka_unit_test(test_request_feed_expect_continue_done_at_head),
		cmocka_unit_test(test_request_feed_head_at_limit),
		cmocka_unit_test(test_request_feed_url_too_long_414),
		cmocka_unit_test(test_request_feed_url_too_long_split_414),
		cmocka_unit_test(test_request_feed_http10_close),
		cmocka_unit_test(test_request_feed_http10_keep_alive),
		cmocka_unit_test(test_request_feed_connection_close),
		cmocka_unit_test(test_request_feed_body_skipped),
		cmocka_unit_test(test_request_feed_chunked_body),
		cmocka_unit_test(test_request_feed_body_too_big_413),
		cmocka_unit_test(test_request_feed_chunked_too_big_413),
		cmocka_unit_test(test_request_feed_empty_input),
		cmocka_unit_test(test_request_parser_next_resets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
