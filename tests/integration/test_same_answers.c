/* test_same_answers.c: both servers give byte-identical answers to the same bytes.
 *
 * The race is fair only if the two restaurants answer alike: for every bad, over-limit,
 * timed-out, shed and kitchen-down case the same request goes to bin/blocking and to
 * bin/evented (started with the same flags) and the raw answers must be equal, apart
 * from the model's name and the order number (both replaced before comparing). The
 * answers come from one order desk (common/order_desk.c); this test keeps it so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_fixture.h"

static struct server pair[2]; /* [0] blocking, [1] evented */
static const char *const models[2] = { "blocking", "evented" };

static void pair_start(const char *const *extra)
{
	for (int i = 0; i < 2; i++)
		server_start_model(&pair[i], models[i], NULL, extra);
	live = NULL; /* pair_teardown stops both */
}

static int pair_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++)
		if (pair[i].child.pid > 0)
			server_stop(&pair[i]);
	memset(pair, 0, sizeof(pair));
	return 0;
}

/* Everything the server sends on one connection after raw, until it closes (or
 * wait_ms passes with nothing new). NUL-terminated; its length. */
static size_t exchange(uint16_t port, const char *raw, size_t raw_len, char *out, size_t cap, int wait_ms)
{
	int fd = tc_connect(port, IO_TIMEOUT_MS);
	size_t got = 0;

	assert_true(fd >= 0);
	if (raw_len)
		assert_int_equal(tc_send_all(fd, raw, raw_len), 0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, wait_ms) <= 0)
			break;
		ssize_t n = recv(fd, out + got, cap - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == cap - 1)
			break;
	}
	close(fd);
	out[got] = '\0';
	return got;
}

/* The model's name becomes MODEL and "order N" becomes "order #"; the padding of the
 * body (spaces to a fixed length) is left alone, so the lengths are compared too. */
static void normalize(char *s)
{
	for (int m = 0; m < 2; m++) {
		size_t len = strlen(models[m]);
		for (char *p = strstr(s, models[m]); p; p = strstr(p, models[m])) {
			memcpy(p, "MODEL", 5);
			memmove(p + 5, p + len, strlen(p + len) + 1);
		}
	}
	for (char *p = strstr(s, "order "); p; p = strstr(p + 1, "order ")) {
		char *d = p + 6, *e = d;
		while (*e >= '0' && *e <= '9')
			e++;
		if (e > d) {
			*d = '#';
			memmove(d + 1, e, strlen(e) + 1);
		}
	}
}

/* Send raw to both servers; require equal answers; return the first status code. */
static int expect_same(const char *what, const char *raw, size_t raw_len, int wait_ms)
{
	static char got[2][16384];

	for (int i = 0; i < 2; i++) {
		exchange(pair[i].child.port, raw, raw_len, got[i], sizeof(got[i]), wait_ms);
		normalize(got[i]);
	}
	int status = 0;
	sscanf(got[0], "HTTP/1.%*d %d", &status);
	if (strcmp(got[0], got[1]) != 0) {
		fprintf(stderr, "%s: the answers differ\n--- blocking:\n%s\n--- evented:\n%s\n", what, got[0], got[1]);
		fail();
	}
	printf("same answer from both: %-34s -> %d (%zu bytes)\n", what, status, strlen(got[0]));
	return status;
}

#define SAME(what, raw, want) assert_int_equal(expect_same(what, raw, sizeof(raw) - 1, 3000), want)

static void test_bad_requests_get_the_same_answer(void **state)
{
	static char big_head[12000], long_target[10000];

	(void)state;
	pair_start(NULL);
	SAME("garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n", 400);
	SAME("a path that is not an order", "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404);
	SAME("HEAD of a path that is not one", "HEAD /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404);
	SAME("POST", "POST /order HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405);
	SAME("cook_ms out of range", "GET /order?cook_ms=99999999 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	SAME("a parameter that is not a number", "GET /order?work_us=ten HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	SAME("HTTP/9.9", "GET /order HTTP/9.9\r\nHost: x\r\n\r\n", 505);
	SAME("a body too large", "GET /order HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413);

	int n = snprintf(big_head, sizeof(big_head), "GET /order HTTP/1.1\r\nHost: x\r\nX-Pad: ");
	memset(big_head + n, 'a', 9000);
	memcpy(big_head + n + 9000, "\r\n\r\n", 5);
	assert_int_equal(expect_same("a head over 8 KiB", big_head, strlen(big_head), 3000), 431);

	n = snprintf(long_target, sizeof(long_target), "GET /order?x=");
	memset(long_target + n, 'b', 8500);
	memcpy(long_target + n + 8500, " HTTP/1.1\r\nHost: x\r\n\r\n", 23);
	int st = expect_same("a target over 8 KiB", long_target, strlen(long_target), 3000);
	assert_true(st == 414 || st == 431);

	/* a served order: the same head and body length (its times differ, so only the head) */
	static char ok[2][4096];
	for (int i = 0; i < 2; i++) {
		const char *raw = "GET /order?cook_ms=0&work_us=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
		exchange(pair[i].child.port, raw, strlen(raw), ok[i], sizeof(ok[i]), 3000);
		char *body = strstr(ok[i], "\r\n\r\n");
		assert_non_null(body);
		body[4] = '\0';
	}
	assert_string_equal(ok[0], ok[1]);
}

static void test_timed_out_head_gets_the_same_answer(void **state)
{
	static const char *const flags[] = { "--header-timeout-ms", "300", NULL };

	(void)state;
	pair_start(flags);
	/* half a head, then silence: each server gives up after 300 ms the same way */
	int st = expect_same("a head that stops half-way", "GET /order HTTP/1.1\r\nHost:", 26, 2500);
	printf("a head cut off: status %d (0: closed without an answer)\n", st);
}

static void test_shed_customer_gets_the_same_answer(void **state)
{
	static const char *const flags[] = { "--max-conns", "1", NULL };
	int hold[2];

	(void)state;
	pair_start(flags);
	for (int i = 0; i < 2; i++) { /* one customer holds the only place */
		struct tc_carry carry;
		struct tc_response r;
		tc_carry_init(&carry);
		hold[i] = tc_connect(pair[i].child.port, IO_TIMEOUT_MS);
		assert_int_equal(tc_get(hold[i], &carry, "/order?cook_ms=0", &r), 0);
		assert_int_equal(r.status, 200);
	}
	SAME("a customer over --max-conns", "GET /order HTTP/1.1\r\nHost: x\r\n\r\n", 503);
	for (int i = 0; i < 2; i++)
		close(hold[i]);
}

static void test_kitchen_down_gets_the_same_answer(void **state)
{
	uint16_t port;
	int fd = tc_listen_loopback(-1, &port); /* bound, never listening: connects are refused */
	char kitchen[32];

	(void)state;
	assert_true(fd >= 0);
	snprintf(kitchen, sizeof(kitchen), "127.0.0.1:%u", (unsigned)port);
	const char *const flags[] = { "--kitchen", kitchen, NULL };
	pair_start(flags);
	SAME("the kitchen refuses the ticket", "GET /order?cook_ms=5 HTTP/1.1\r\nHost: x\r\n\r\n", 502);
	close(fd);
}

static void test_kitchen_too_slow_gets_the_same_answer(void **state)
{
	uint16_t port;
	int fd = tc_listen_loopback(16, &port); /* listening, never accepting nor answering */
	char kitchen[32];

	(void)state;
	assert_true(fd >= 0);
	snprintf(kitchen, sizeof(kitchen), "127.0.0.1:%u", (unsigned)port);
	const char *const flags[] = { "--kitchen", kitchen, "--kitchen-timeout-ms", "200", NULL };
	pair_start(flags);
	SAME("the kitchen never answers", "GET /order?cook_ms=10 HTTP/1.1\r\nHost: x\r\n\r\n", 504);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_bad_requests_get_the_same_answer, pair_teardown),
		cmocka_unit_test_teardown(test_timed_out_head_gets_the_same_answer, pair_teardown),
		cmocka_unit_test_teardown(test_shed_customer_gets_the_same_answer, pair_teardown),
		cmocka_unit_test_teardown(test_kitchen_down_gets_the_same_answer, pair_teardown),
		cmocka_unit_test_teardown(test_kitchen_too_slow_gets_the_same_answer, pair_teardown),
	};
	fixture_filter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
