/* test_loadgen_response.c: the response glue parses what nginx, Node.js and our
 * servers send: Content-Length, chunked and close-delimited bodies, split anywhere;
 * interim 1xx answers are skipped for the final one, and a 101, 000 or 999 ends the
 * response with that status and no reuse (issue 19, defects 1 and 11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../loadgen/response.h"

static const char CL[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello";
static const char CHUNKED[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
static const char CLOSE[] = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy";
static const char NO_LENGTH[] = "HTTP/1.0 200 OK\r\n\r\nbody until close";
static const char NO_CONTENT[] = "HTTP/1.1 204 No Content\r\n\r\n";

static void test_response_content_length(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, CL, strlen(CL), &used), RESPONSE_DONE);
	assert_int_equal(used, strlen(CL));
	assert_int_equal(p.status, 200);
	assert_true(p.keep_alive);
}

static void test_response_chunked(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, CHUNKED, strlen(CHUNKED), &used), RESPONSE_DONE);
	assert_int_equal(used, strlen(CHUNKED));
	assert_int_equal(p.status, 200);
	assert_true(p.keep_alive);
}

/* Every split point of a response, then one byte at a time. */
static void feed_split(const char *msg, int status)
{
	size_t len = strlen(msg);
	struct response_parser p;
	size_t used;
	for (size_t cut = 1; cut < len; cut++) {
		response_parser_init(&p);
		assert_int_equal(response_feed(&p, msg, cut, &used), RESPONSE_NEED_MORE);
		assert_int_equal(used, cut);
		assert_int_equal(response_feed(&p, msg + cut, len - cut, &used), RESPONSE_DONE);
		assert_int_equal(used, len - cut);
		assert_int_equal(p.status, status);
	}
	response_parser_init(&p);
	for (size_t i = 0; i + 1 < len; i++)
		assert_int_equal(response_feed(&p, msg + i, 1, &used), RESPONSE_NEED_MORE);
	assert_int_equal(response_feed(&p, msg + len - 1, 1, &used), RESPONSE_DONE);
	assert_int_equal(p.status, status);
}

static void test_response_split_anywhere(void **state)
{
	(void)state;
	feed_split(CL, 200);
	feed_split(CHUNKED, 200);
	feed_split(CLOSE, 503);
}

static void test_response_connection_close(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, CLOSE, strlen(CLOSE), &used), RESPONSE_DONE);
	assert_int_equal(p.status, 503);
	assert_false(p.keep_alive);
}

static void test_response_body_until_close(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, NO_LENGTH, strlen(NO_LENGTH), &used), RESPONSE_NEED_MORE);
	assert_int_equal(response_eof(&p), RESPONSE_DONE);
	assert_int_equal(p.status, 200);
	assert_false(p.keep_alive);
}

static void test_response_no_content(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, NO_CONTENT, strlen(NO_CONTENT), &used), RESPONSE_DONE);
	assert_int_equal(p.status, 204);
	assert_true(p.keep_alive);
}

/* The parser stops at the end of a response: stray bytes after it are not consumed. */
static void test_response_stops_at_end(void **state)
{
	char buf[512];
	struct response_parser p;
	size_t used;
	(void)state;
	snprintf(buf, sizeof buf, "%s%s", CL, CHUNKED);
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, buf, strlen(buf), &used), RESPONSE_DONE);
	assert_int_equal(used, strlen(CL));
	response_parser_init(&p); /* and the rest parses as the next response */
	assert_int_equal(response_feed(&p, buf + used, strlen(buf) - used, &used), RESPONSE_DONE);
	assert_int_equal(used, strlen(CHUNKED));
}

static void test_response_cut_short_or_never_begun(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_eof(&p), RESPONSE_BAD); /* closed before a byte */
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, CL, strlen(CL) - 2, &used), RESPONSE_NEED_MORE);
	assert_int_equal(response_eof(&p), RESPONSE_BAD); /* body cut short */
}

static void test_response_garbage(void **state)
{
	struct response_parser p;
	size_t used;
	static const char *bad[] = {
		"GET / HTTP/1.1\r\n\r\n",           /* a request, not a response */
		"HTTP/1.1 2OO OK\r\n\r\n",          /* letters in the status */
		"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"\x16\x03\x01\x02\x00",              /* a TLS hello */
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		response_parser_init(&p);
		assert_int_equal(response_feed(&p, bad[i], strlen(bad[i]), &used), RESPONSE_BAD);
	}
}

static const char EARLY_HINTS[] = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
				  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
static const char TWO_CONTINUES[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
				    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";

/* 103 then 200 in one read: the response is the 200, all bytes are its own (the old
 * parser stopped after the 103, status 103, and left the 200 as stray bytes). */
static void test_response_interim_skipped(void **state)
{
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, EARLY_HINTS, strlen(EARLY_HINTS), &used), RESPONSE_DONE);
	assert_int_equal(used, strlen(EARLY_HINTS));
	assert_int_equal(p.status, 200);
	assert_int_equal(p.interim, 1);
	assert_true(p.keep_alive);
	response_parser_init(&p);
	assert_int_equal(response_feed(&p, TWO_CONTINUES, strlen(TWO_CONTINUES), &used), RESPONSE_DONE);
	assert_int_equal(used, strlen(TWO_CONTINUES));
	assert_int_equal(p.status, 404);
	assert_int_equal(p.interim, 2);
	feed_split(EARLY_HINTS, 200);
	feed_split(TWO_CONTINUES, 404);
}

/* Only interim answers: never done, and a close after them is a response cut short. */
static void test_response_only_interim_never_done(void **state)
{
	static const char CONTINUE[] = "HTTP/1.1 100 Continue\r\n\r\n";
	struct response_parser p;
	size_t used;
	(void)state;
	response_parser_init(&p);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(response_feed(&p, CONTINUE, strlen(CONTINUE), &used), RESPONSE_NEED_MORE);
		assert_int_equal(used, strlen(CONTINUE));
	}
	assert_int_equal(p.interim, 50);
	assert_int_equal(response_eof(&p), RESPONSE_BAD);
}

/* 101 (never asked for), 000 and 999 end the response with that status, are not a
 * valid final status, and the connection is not kept. */
static void test_response_bad_status_not_kept(void **state)
{
	static const struct { const char *msg; int status; } cases[] = {
		{ "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 101 },
		{ "HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n", 101 },
		{ "HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok", 0 },
		{ "HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok", 999 },
	};
	struct response_parser p;
	size_t used;
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		response_parser_init(&p);
		assert_int_equal(response_feed(&p, cases[i].msg, strlen(cases[i].msg), &used), RESPONSE_DONE);
		assert_int_equal(p.status, cases[i].status);
		assert_false(response_status_valid(p.status));
		assert_false(p.keep_alive);
	}
	assert_true(response_status_valid(200));
	assert_true(response_status_valid(599));
	assert_false(response_status_valid(199));
	assert_false(response_status_valid(600));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response_content_length),
		cmocka_unit_test(test_response_chunked),
		cmocka_unit_test(test_response_split_anywhere),
		cmocka_unit_test(test_response_connection_close),
		cmocka_unit_test(test_response_body_until_close),
		cmocka_unit_test(test_response_no_content),
		cmocka_unit_test(test_response_stops_at_end),
		cmocka_unit_test(test_response_cut_short_or_never_begun),
		cmocka_unit_test(test_response_garbage),
		cmocka_unit_test(test_response_interim_skipped),
		cmocka_unit_test(test_response_only_interim_never_done),
		cmocka_unit_test(test_response_bad_status_not_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
