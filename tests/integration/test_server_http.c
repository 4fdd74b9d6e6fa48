/* test_server_http.c: every HTTP case of the order, against a real server over real
 * sockets. Runs against both servers: tests/run.sh sets LUNCHRUSH_SERVER=blocking, then
 * =evented, and the binary is test_bin(test_server_model()). Only flags both servers
 * take are used, and every expectation is the shared behaviour of issue 2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define IO_TIMEOUT_MS 5000

/* The server most cases share, started once for the group. */
static struct child shared;
static char shared_board[64];

/* A test's own server, for teardown to stop when an assertion ends the test early. */
static struct child *own;
static char own_board[64];

static int start_server(struct child *c, const char *board, const char *cook_ms)
{
	const char *bin = test_bin(test_server_model());
	char *argv[] = { (char *)bin, "--port", "0", "--scoreboard", (char *)board, "--cook-ms", (char *)cook_ms,
			 "--quiet", NULL };
	return child_start(c, argv, true, 10000);
}

/* c must be static: teardown may reach it after the test function is gone. */
static int start_own_server(struct child *c, const char *board)
{
	own = c;
	snprintf(own_board, sizeof own_board, "%s", board);
	return start_server(c, board, "20");
}

/* SIGTERM, and the wait status; a server that did not exit cleanly leaves its
 * scoreboard behind, so it is removed here. */
static int stop_own_server(struct child *c)
{
	int status = child_stop(c, SIGTERM, 8000);
	own = NULL;
	if (status != 0)
		scoreboard_remove(own_board);
	return status;
}

static int teardown(void **state)
{
	(void)state;
	if (own && own->pid > 0) {
		child_stop(own, SIGKILL, 2000);
		scoreboard_remove(own_board);
	}
	own = NULL;
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(shared_board, sizeof shared_board, "%s", test_scoreboard_name("t-http"));
	return start_server(&shared, shared_board, "20");
}

static int group_teardown(void **state)
{
	(void)state;
	return child_stop(&shared, SIGTERM, 8000) == 0 ? 0 : -1;
}

static struct scoreboard_server *board_open(const char *name, size_t *size)
{
	void *map = NULL;
	if (scoreboard_open(name, SCOREBOARD_SERVER, false, &map, size) != 0)
		return NULL;
	return map;
}

/* Wait until *gauge reads want, up to timeout_ms; returns the last value read. */
static int64_t wait_gauge(const int64_t *gauge, int64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	int64_t v;
	while ((v = SB_GET(*gauge)) != want && tc_now_ms() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return v;
}

/* The "kitchen X ms" figure of a 200 body. */
static double body_kitchen_ms(const struct tc_response *r)
{
	const char *k = strstr(r->body, "kitchen ");
	return k ? strtod(k + 8, NULL) : -1;
}

static void expect_order_body(const struct tc_response *r)
{
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, test_server_model()));
	assert_non_null(strstr(r->body, "order"));
	assert_non_null(strstr(r->body, "line"));
	assert_non_null(strstr(r->body, "counter"));
	assert_non_null(strstr(r->body, "kitchen"));
	assert_int_equal(r->content_length, (long)r->body_len);
}

static void test_get_root_is_an_order_with_defaults(void **state)
{
	struct tc_response r;
	(void)state;
	assert_int_equal(tc_request(shared.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, &r, IO_TIMEOUT_MS), 0);
	expect_order_body(&r);
	assert_non_null(strcasestr(r.head, "Content-Type: text/plain"));
	assert_true(r.keep_alive);
	assert_true(body_kitchen_ms(&r) >= 19.0); /* --cook-ms 20 */
}

static void test_get_order_with_params(void **state)
{
	struct tc_response r;
	(void)state;
	double t0 = tc_now_ms();
	assert_int_equal(tc_request(shared.port, "GET /order?cook_ms=80&work_us=500 HTTP/1.1\r\nHost: x\r\n\r\n",
				    false, &r, IO_TIMEOUT_MS), 0);
	double took = tc_now_ms() - t0;
	expect_order_body(&r);
	print_message("cook_ms=80: answered in %.1f ms, body says kitchen %.1f ms\n", took, body_kitchen_ms(&r));
	assert_true(body_kitchen_ms(&r) >= 79.0);
	assert_true(took >= 79.0);
}

static void test_head_has_no_body(void **state)
{
	struct tc_carry carry;
	struct tc_response r;
	(void)state;
	int fd = tc_connect(shared.port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	tc_carry_init(&carry);
	const char *head = "HEAD /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(tc_send_all(fd, head, strlen(head)), 0);
	assert_int_equal(tc_read_response(fd, &carry, true, &r), 0);
	assert_int_equal(r.status, 200);
	assert_true(r.content_length > 0);
	/* no body bytes may follow: the next response on the connection must start right here */
	assert_int_equal(tc_get(fd, &carry, "/order?cook_ms=0", &r), 0);
	expect_order_body(&r);
	assert_int_equal(carry.len, 0);
	close(fd);
}

static void test_keep_alive_by_default(void **state)
{
	struct tc_carry carry;
	struct tc_response r;
	(void)state;
	int fd = tc_connect(shared.port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	tc_carry_init(&carry);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(tc_get(fd, &carry, "/order?cook_ms=1", &r), 0);
		expect_order_body(&r);
		assert_true(r.keep_alive);
		assert_false(r.has_connection_hdr && strcmp(r.connection, "close") == 0);
	}
	close(fd);
}

static void test_connection_close_closes(void **state)
{
	struct tc_response r;
	(void)state;
	assert_int_equal(tc_request(shared.port, "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
				    false, &r, IO_TIMEOUT_MS), 0);
	expect_order_body(&r);
	assert_string_equal(r.connection, "close");
	assert_false(r.keep_alive);
	assert_true(r.closed);
}

static void test_http10_closes(void **state)
{
	struct tc_response r;
	(void)state;
	assert_int_equal(tc_request(shared.port, "GET /order?cook_ms=0 HTTP/1.0\r\n\r\n", false, &r, IO_TIMEOUT_MS), 0);
	expect_order_body(&r);
	assert_false(r.keep_alive);
	assert_true(r.closed);
}

static void test_http10_keep_alive_is_answered(void **state)
{
	struct tc_carry carry;
	struct tc_response r;
	(void)state;
	int fd = tc_connect(shared.port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	tc_carry_init(&carry);
	const char *req = "GET /order?cook_ms=0 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
	for (int i = 0; i < 2; i++) { /* the second order proves the connection stayed */
		assert_int_equal(tc_send_all(fd, req, strlen(req)), 0);
		assert_int_equal(tc_read_response(fd, &carry, false, &r), 0);
		expect_order_body(&r);
		assert_string_equal(r.connection, "keep-alive");
		assert_true(r.keep_alive);
	}
	close(fd);
}

/* Three requests in one write, the first the slowest: answers come in request order. */
static void test_pipelined_answered_in_order(void **state)
{
	struct tc_carry carry;
	struct tc_response r[3];
	(void)state;
	int fd = tc_connect(shared.port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	tc_carry_init(&carry);
	const char *reqs = "GET /order?cook_ms=200 HTTP/1.1\r\nHost: x\r\n\r\n"
			   "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n"
			   "GET /order?cook_ms=50 HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(tc_send_all(fd, reqs, strlen(reqs)), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tc_read_response(fd, &carry, false, &r[i]), 0);
		expect_order_body(&r[i]);
	}
	double k0 = body_kitchen_ms(&r[0]), k1 = body_kitchen_ms(&r[1]), k2 = body_kitchen_ms(&r[2]);
	print_message("pipelined kitchen times: %.1f, %.1f, %.1f ms\n", k0, k1, k2);
	assert_true(k0 >= 199.0);
	assert_true(k1 < 50.0);
	assert_true(k2 >= 49.0 && k2 < 199.0);
	close(fd);
}

/* An error response, then the server closes the connection. */
static void expect_error(const char *raw, int status, const char *in_body)
{
	struct tc_response r;
	assert_int_equal(tc_request(shared.port, raw, false, &r, IO_TIMEOUT_MS), 0);
	print_message("%d: %s", r.status, r.body);
	assert_int_equal(r.status, status);
	if (in_body)
		assert_non_null(strstr(r.body, in_body));
	assert_true(r.body_len > 0);
	assert_false(r.keep_alive);
	assert_true(r.closed);
}

static void test_404_other_paths(void **state)
{
	(void)state;
	expect_error("GET /menu HTTP/1.1\r\nHost: x\r\n\r\n", 404, NULL);
	expect_error("GET /order/extra?cook_ms=1 HTTP/1.1\r\nHost: x\r\n\r\n", 404, NULL);
}

static void test_405_other_methods(void **state)
{
	struct tc_response r;
	(void)state;
	expect_error("POST /order HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, NULL);
	expect_error("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", 405, NULL);
	assert_int_equal(tc_request(shared.port, "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", false, &r,
				    IO_TIMEOUT_MS), 0);
	assert_non_null(strcasestr(r.head, "Allow: GET, HEAD"));
}

static void test_400_bad_parameter_says_why(void **state)
{
	(void)state;
	expect_error("GET /order?cook_ms=abc HTTP/1.1\r\nHost: x\r\n\r\n", 400, "cook_ms");
	expect_error("GET /order?cook_ms=60001 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "cook_ms");
	expect_error("GET /order?work_us=1000001 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "work_us");
	expect_error("GET /order?cook_ms=-1 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "cook_ms");
	expect_error("GET /order?chef=me HTTP/1.1\r\nHost: x\r\n\r\n", 400, "parameter");
}

static void test_400_malformed_request(void **state)
{
	(void)state;
	expect_error("THIS IS NOT HTTP\r\n\r\n", 400, NULL);
	expect_error("GET / HTTP/1.1\r\nHost x\r\n\r\n", 400, NULL);
}

static void test_431_head_over_8k(void **state)
{
	(void)state;
	size_t big = 9000;
	char *raw = malloc(big + 64);
	assert_non_null(raw);
	int n = sprintf(raw, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(raw + n, 'a', big);
	strcpy(raw + n + big, "\r\n\r\n");
	expect_error(raw, 431, NULL);
	free(raw);
}

/* A bad customer is shown out; the ones already inside and new ones are still served. */
static void test_after_4xx_others_still_served(void **state)
{
	struct tc_carry carry;
	struct tc_response r;
	(void)state;
	int fd = tc_connect(shared.port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	tc_carry_init(&carry);
	assert_int_equal(tc_get(fd, &carry, "/order?cook_ms=0", &r), 0);
	expect_order_body(&r);
	expect_error("GET /order?cook_ms=x HTTP/1.1\r\nHost: x\r\n\r\n", 400, NULL);
	expect_error("BREW /coffee HTCPCP/1.0\r\n\r\n", 400, NULL);
	assert_int_equal(tc_get(fd, &carry, "/order?cook_ms=0", &r), 0);
	expect_order_body(&r);
	close(fd);
	assert_int_equal(tc_request(shared.port, "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n", false, &r,
				    IO_TIMEOUT_MS), 0);
	expect_order_body(&r);
}

/* A customer who walks out mid-order costs nothing lasting: others are served and
 * every connection is closed on the scoreboard. */
static void test_client_disconnects_mid_order(void **state)
{
	static struct child srv;
	struct tc_response r;
	size_t size;
	(void)state;
	const char *board = test_scoreboard_name("t-http-gone");
	assert_int_equal(start_own_server(&srv, board), 0);
	struct scoreboard_server *sb = board_open(board, &size);
	assert_non_null(sb);

	for (int i = 0; i < 3; i++) {
		int fd = tc_connect(srv.port, IO_TIMEOUT_MS);
		assert_true(fd >= 0);
		const char *req = "GET /order?cook_ms=300 HTTP/1.1\r\nHost: x\r\n\r\n";
		assert_int_equal(tc_send_all(fd, req, strlen(req)), 0);
		close(fd);
	}
	assert_int_equal(tc_request(srv.port, "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
				    false, &r, IO_TIMEOUT_MS), 0);
	expect_order_body(&r);
	int64_t open_now = wait_gauge(&sb->conns_open, 0, 3000);
	print_message("conns_open after the walk-outs: %lld (accepted %llu, closed %llu)\n", (long long)open_now,
		      (unsigned long long)SB_GET(sb->accepted), (unsigned long long)SB_GET(sb->closed));
	assert_int_equal(open_now, 0);
	assert_true(SB_GET(sb->accepted) >= 4);
	assert_int_equal(SB_GET(sb->accepted), SB_GET(sb->closed));
	scoreboard_unmap(sb, size);
	assert_int_equal(stop_own_server(&srv), 0);
}

/* The scoreboard is there while the server runs, names the model, and is removed by a
 * graceful SIGTERM, which exits 0. */
static void test_scoreboard_lives_with_the_server(void **state)
{
	static struct child srv;
	struct tc_response r;
	size_t size;
	void *map;
	(void)state;
	const char *board = test_scoreboard_name("t-http-sb");
	assert_int_equal(start_own_server(&srv, board), 0);
	struct scoreboard_server *sb = board_open(board, &size);
	assert_non_null(sb);
	assert_string_equal(sb->hdr.model, test_server_model());
	assert_int_equal(sb->hdr.pid, srv.pid);
	assert_int_equal(sb->port, srv.port);
	assert_int_equal(SB_GET(sb->hdr.alive), 1);
	assert_int_equal(tc_request(srv.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	double deadline = tc_now_ms() + 2000;
	while (SB_GET(sb->served) < 1 && tc_now_ms() < deadline)
		usleep(5000);
	assert_true(SB_GET(sb->served) >= 1);
	assert_true(SB_GET(sb->arrived) >= 1);
	assert_true(SB_GET(sb->latency.count) >= 1);
	scoreboard_unmap(sb, size);

	int status = stop_own_server(&srv);
	if (status != 0)
		print_error("server wait status %#x after SIGTERM\n", status);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(scoreboard_open(board, SCOREBOARD_SERVER, false, &map, &size), -ENOENT);
}

static void test_help_and_bad_flag(void **state)
{
	static char out[8192], err[8192];
	(void)state;
	const char *bin = test_bin(test_server_model());
	char *help[] = { (char *)bin, "--help", NULL };
	int status = child_run_capture(help, out, sizeof out, err, sizeof err, 5000);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_non_null(strstr(out, "usage"));
	assert_non_null(strstr(out, "--port"));

	char *bad[] = { (char *)bin, "--no-such-flag", NULL };
	status = child_run_capture(bad, out, sizeof out, err, sizeof err, 5000);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	char *nl = strchr(err, '\n');
	assert_non_null(nl);
	*nl = '\0'; /* the first line says why, naming the flag */
	print_message("bad flag: %s\n", err);
	assert_non_null(strstr(err, "--no-such-flag"));
	assert_non_null(strstr(nl + 1, "usage"));

	char *bad_value[] = { (char *)bin, "--cook-ms", "lots", NULL };
	status = child_run_capture(bad_value, out, sizeof out, err, sizeof err, 5000);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, "--cook-ms"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_root_is_an_order_with_defaults),
		cmocka_unit_test(test_get_order_with_params),
		cmocka_unit_test(test_head_has_no_body),
		cmocka_unit_test(test_keep_alive_by_default),
		cmocka_unit_test(test_connection_close_closes),
		cmocka_unit_test(test_http10_closes),
		cmocka_unit_test(test_http10_keep_alive_is_answered),
		cmocka_unit_test(test_pipelined_answered_in_order),
		cmocka_unit_test(test_404_other_paths),
		cmocka_unit_test(test_405_other_methods),
		cmocka_unit_test(test_400_bad_parameter_says_why),
		cmocka_unit_test(test_400_malformed_request),
		cmocka_unit_test(test_431_head_over_8k),
		cmocka_unit_test(test_after_4xx_others_still_served),
		cmocka_unit_test_teardown(test_client_disconnects_mid_order, teardown),
		cmocka_unit_test_teardown(test_scoreboard_lives_with_the_server, teardown),
		cmocka_unit_test(test_help_and_bad_flag),
	};
	fprintf(stderr, "server under test: %s\n", test_bin(test_server_model()));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
