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

#include <sys/wait.h>
#include <unistd.h>

#include "server_fixture.h"

/* The server most cases share, started once for the group. */
static struct child shared;
static char shared_board[64];

/* The extra flags of a test's own server: --cook-ms 20, as the shared one. */
static const char *const COOK_20[] = { "--cook-ms", "20", NULL };

static int group_setup(void **state)
{
	(void)state;
	snprintf(shared_board, sizeof shared_board, "%s", test_scoreboard_name("t-http"));
	char *argv[] = { (char *)test_bin(test_server_model()), "--port", "0", "--scoreboard", shared_board,
			 "--cook-ms", "20", "--quiet", NULL };
	return child_start(&shared, argv, true, 10000);
}

static int group_teardown(void **state)
{
	(void)state;
	return child_stop(&shared, SIGTERM, 8000) == 0 ? 0 : -1;
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
	int fd = client_connect(shared.port, &carry);
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
	int fd = client_connect(shared.port, &carry);
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
	int fd = client_connect(shared.port, &carry);
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
	int fd = client_connect(shared.port, &carry);
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
	expect_error("GET / HTTP/1.1\r\nHost: x\r\nHost x\r\n\r\n", 400, NULL);
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
	int fd = client_connect(shared.port, &carry);
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
	static struct server s;
	struct tc_response r;
	(void)state;
	server_start(&s, COOK_20);
	struct scoreboard_server *sb = s.sb;

	for (int i = 0; i < 3; i++) {
		int fd = tc_connect(s.child.port, IO_TIMEOUT_MS);
		assert_true(fd >= 0);
		const char *req = "GET /order?cook_ms=300 HTTP/1.1\r\nHost: x\r\n\r\n";
		assert_int_equal(tc_send_all(fd, req, strlen(req)), 0);
		close(fd);
	}
	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	expect_order_body(&r);
	int64_t open_now = wait_gauge(&sb->conns_open, 0, 3000);
	print_message("conns_open after the walk-outs: %lld (accepted %llu, closed %llu)\n", (long long)open_now,
		      (unsigned long long)SB_GET(sb->accepted), (unsigned long long)SB_GET(sb->closed));
	assert_int_equal(open_now, 0);
	assert_true(SB_GET(sb->accepted) >= 4);
	assert_int_equal(SB_GET(sb->accepted), SB_GET(sb->closed));
	assert_int_equal(server_stop(&s), 0);
}

/* The scoreboard is there while the server runs, names the model, and is removed by a
 * graceful SIGTERM, which exits 0. */
static void test_scoreboard_lives_with_the_server(void **state)
{
	static struct server s;
	struct tc_response r;
	size_t size;
	void *map;
	(void)state;
	server_start(&s, COOK_20);
	struct scoreboard_server *sb = s.sb;
	assert_string_equal(sb->hdr.model, test_server_model());
	assert_int_equal(sb->hdr.pid, s.child.pid);
	assert_int_equal(sb->port, s.child.port);
	assert_int_equal(SB_GET(sb->hdr.alive), 1);
	assert_int_equal(tc_request(s.child.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	assert_true(wait_counter(&sb->served, 1, 2000) >= 1);
	assert_true(SB_GET(sb->arrived) >= 1);
	assert_true(SB_GET(sb->latency.count) >= 1);

	int status = server_stop(&s);
	if (status != 0)
		print_error("server wait status %#x after SIGTERM\n", status);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(scoreboard_open(s.board, SCOREBOARD_SERVER, false, &map, &size), -ENOENT);
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
	assert_non_null(strstr(err, "unknown option '--no-such-flag'"));
	assert_null(strstr(nl + 1, "usage")); /* the whole help only on --help */
	char want[64];
	snprintf(want, sizeof want, "try '%s --help'\n", test_server_model());
	assert_string_equal(nl + 1, want);

	char *bad_value[] = { (char *)bin, "--cook-ms", "lots", NULL };
	status = child_run_capture(bad_value, out, sizeof out, err, sizeof err, 5000);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, "--cook-ms"));
}

/* Expect: 100-continue with a body (curl sends it for bodies over 1 KiB): the client
 * waits for us; the final answer comes at once, with a close (issue 19, defect 10). */
static void test_expect_continue_is_answered_at_once(void **state)
{
	struct tc_response r;
	(void)state;
	double t0 = tc_now_ms();
	assert_int_equal(tc_request(shared.port,
				    "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
				    "Content-Length: 5\r\n\r\n",
				    false, &r, 2000), 0);
	double took = tc_now_ms() - t0;
	printf("Expect: 100-continue answered %d in %.1f ms\n", r.status, took);
	assert_int_equal(r.status, 200);
	assert_false(r.keep_alive);
	assert_true(took < 1000);
}

static void test_400_header_leniency(void **state)
{
	(void)state;
	expect_error("GET /order HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", 400, "colon");
	expect_error("GET /order HTTP/1.1\r\n\r\n", 400, "Host");
	expect_error("GET /order HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host");
}

/* A server started by hand says which scoreboard to attach to (issue 18). */
static void test_scoreboard_name_is_printed(void **state)
{
	static char out[4096], err[4096];
	(void)state;
	char *argv[] = { "/usr/bin/timeout", "-s", "TERM", "0.5", (char *)test_bin(test_server_model()), "--port", "0",
			 "--scoreboard", (char *)test_scoreboard_name("t-says"), NULL };
	child_run_capture(argv, out, sizeof out, err, sizeof err, 5000);
	print_message("stderr: %s", err);
	assert_non_null(strstr(err, "scoreboard t-says-"));
	assert_non_null(strstr(err, "--attach t-says-"));
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
		cmocka_unit_test(test_expect_continue_is_answered_at_once),
		cmocka_unit_test(test_400_header_leniency),
		cmocka_unit_test(test_scoreboard_name_is_printed),
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
