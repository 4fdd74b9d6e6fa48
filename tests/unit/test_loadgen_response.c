/* test_loadgen_response.c: the response glue parses what nginx, Node.js and our
 * servers send: Content-Length, chunked and close-delimited bodies, split anywhere. */
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
