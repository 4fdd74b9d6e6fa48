/* server_fixture.h: what the tests of a real server share: start a server (the model
 * under test, LUNCHRUSH_SERVER, or a named one) on port 0 with its own scoreboard
 * mapped, stop it, and wait on the scoreboard's gauges and counters instead of
 * sleeping. Included by the test_server_*.c files, test_blocking.c and test_evented.c
 * after <cmocka.h>; everything here is static inline, so a file that does not use a
 * helper does not warn about it.
 */
#ifndef LUNCHRUSH_SERVER_FIXTURE_H
#define LUNCHRUSH_SERVER_FIXTURE_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define IO_TIMEOUT_MS 5000
#define DRAIN_BOUND_MS 5000 /* both servers give the orders in hand 5 s after SIGTERM */

/* ---- the server under test ---- */

struct server {
	struct child child;
	struct scoreboard_server *sb;
	size_t size;
	char board[64];
};

/* The running test's server, for teardown when an assertion ends the test early. */
static struct server *live;

/* Start bin/MODEL on port 0, quiet, with its own scoreboard mapped read-write into
 * s->sb (the tests that freeze a cashier write its control slot) and the given extra
 * flags (NULL-terminated, or NULL); behind wrapper (such as prlimit) when not NULL.
 * s must be static: teardown may reach it after the test function is gone. */
static inline void server_start_model(struct server *s, const char *model, const char *const *wrapper,
				      const char *const *extra)
{
	char *argv[32];
	int n = 0;
	void *map;

	memset(s, 0, sizeof(*s));
	snprintf(s->board, sizeof(s->board), "%s", test_scoreboard_name("t-server"));
	for (; wrapper && *wrapper && n < 8; wrapper++)
		argv[n++] = (char *)*wrapper;
	argv[n++] = (char *)test_bin(model);
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--quiet";
	argv[n++] = "--scoreboard";
	argv[n++] = s->board;
	for (; extra && *extra && n < 31; extra++)
		argv[n++] = (char *)*extra;
	argv[n] = NULL;
	assert_int_equal(child_start(&s->child, argv, true, 10000), 0);
	live = s;
	assert_int_equal(scoreboard_open(s->board, SCOREBOARD_SERVER, true, &map, &s->size), 0);
	s->sb = map;
}

/* Start the model under test (LUNCHRUSH_SERVER); see server_start_model. */
static inline void server_start(struct server *s, const char *const *extra)
{
	server_start_model(s, test_server_model(), NULL, extra);
}

/* SIGTERM; the wait status (-1 when it had to be killed). */
static inline int server_stop(struct server *s)
{
	if (s->sb)
		scoreboard_unmap(s->sb, s->size);
	s->sb = NULL;
	int status = child_stop(&s->child, SIGTERM, DRAIN_BOUND_MS + 3000);
	if (status != 0)
		scoreboard_remove(s->board);
	live = NULL;
	return status;
}

static inline int teardown(void **state)
{
	(void)state;
	if (live) {
		if (live->sb)
			scoreboard_unmap(live->sb, live->size);
		live->sb = NULL;
		if (live->child.pid > 0)
			child_stop(&live->child, SIGKILL, 2000);
		scoreboard_remove(live->board);
	}
	live = NULL;
	return 0;
}

/* Wait until *gauge reads want, up to timeout_ms; the last value read. */
static inline int64_t wait_gauge(const int64_t *gauge, int64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	int64_t v;
	while ((v = SB_GET(*gauge)) != want && tc_now_ms() < deadline)
		tc_sleep_ms(5);
	return v;
}

/* Wait until *counter reaches at least want, up to timeout_ms; the last value read. */
static inline uint64_t wait_counter(const uint64_t *counter, uint64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	uint64_t v;
	while ((v = SB_GET(*counter)) < want && tc_now_ms() < deadline)
		tc_sleep_ms(5);
	return v;
}

/* Every order gauge back at zero and every accepted connection closed: nothing held. */
static inline void expect_all_freed(struct server *s, int64_t conns_left, int timeout_ms)
{
	struct scoreboard_server *sb = s->sb;
	assert_int_equal(wait_gauge(&sb->conns_open, conns_left, timeout_ms), conns_left);
	assert_int_equal(wait_gauge(&sb->at_counter, 0, timeout_ms), 0);
	assert_int_equal(wait_gauge(&sb->in_kitchen, 0, timeout_ms), 0);
	assert_int_equal(wait_gauge(&sb->handing_over, 0, timeout_ms), 0);
	assert_int_equal(wait_gauge(&sb->in_line, 0, timeout_ms), 0);
}

/* A new connection to port (asserted), with carry emptied for its responses. */
static inline int client_connect(uint16_t port, struct tc_carry *carry)
{
	int fd = tc_connect(port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	tc_carry_init(carry);
	return fd;
}

/* One order (cook_ms=0) on the open connection fd, answered 200; i names the
 * connection in the message when it is not answered. */
static inline void expect_served(int fd, int i)
{
	struct tc_carry carry;
	struct tc_response r;
	tc_carry_init(&carry);
	int rc = tc_get(fd, &carry, "/order?cook_ms=0", &r);
	if (rc != 0)
		print_error("connection %d: no response (%s)\n", i, strerror(errno));
	assert_int_equal(rc, 0);
	assert_int_equal(r.status, 200);
}

/* Open n keep-alive connections to port and have one order served on each; their fds
 * in fds. */
static inline void open_served(uint16_t port, int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		fds[i] = tc_connect(port, IO_TIMEOUT_MS);
		assert_true(fds[i] >= 0);
		expect_served(fds[i], i);
	}
}

/* The dashboard's "chef faints": freeze cashier (or loop) 0 for ms through the control
 * slot, and return once the scoreboard shows it frozen. */
static inline void freeze_cashier0(struct server *s, int ms)
{
	struct scoreboard_server *sb = s->sb;
	SB_SET(sb->ctl_freeze_ms, ms);
	SB_SET(sb->ctl_cashier, 0);
	__atomic_fetch_add(&sb->ctl_seq, 1, __ATOMIC_RELEASE);
	double deadline = tc_now_ms() + 2000;
	while (SB_GET(sb->cashier[0].state) != CASHIER_FROZEN && tc_now_ms() < deadline)
		tc_sleep_ms(2);
	assert_int_equal(SB_GET(sb->cashier[0].state), CASHIER_FROZEN);
}

static inline bool is_blocking(void)
{
	return strcmp(test_server_model(), "blocking") == 0;
}

static const char ORDER0[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n";
static const char ORDER0_CLOSE[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/* TEST_ONLY=pattern (cmocka's wildcards) runs only the matching tests: a reproduction
 * of one case without the rest. */
static inline void fixture_filter(void)
{
	const char *only = getenv("TEST_ONLY");
	if (only && *only)
		cmocka_set_test_filter(only);
}

#endif
