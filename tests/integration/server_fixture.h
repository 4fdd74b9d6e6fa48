/* server_fixture.h: what the hostile-client and limit tests share: start the model
 * under test (LUNCHRUSH_SERVER) on port 0 with its own scoreboard mapped, stop it, and
 * wait on the scoreboard's gauges and counters instead of sleeping. Included by
 * test_server_hostile.c and test_server_limits.c after <cmocka.h>; everything here is
 * static inline, so a file that does not use a helper does not warn about it.
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

/* Start the model under test on port 0 with its own scoreboard, mapped into s->sb.
 * s must be static: teardown may reach it after the test function is gone. */
static inline void server_start(struct server *s, const char *const *extra)
{
	char *argv[32];
	int n = 0;
	void *map;

	memset(s, 0, sizeof(*s));
	snprintf(s->board, sizeof(s->board), "%s", test_scoreboard_name("t-hostile"));
	argv[n++] = (char *)test_bin(test_server_model());
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
	assert_int_equal(scoreboard_open(s->board, SCOREBOARD_SERVER, false, &map, &s->size), 0);
	s->sb = map;
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

static inline void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Wait until *gauge reads want, up to timeout_ms; the last value read. */
static inline int64_t wait_gauge(const int64_t *gauge, int64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	int64_t v;
	while ((v = SB_GET(*gauge)) != want && tc_now_ms() < deadline)
		sleep_ms(5);
	return v;
}

/* Wait until *counter reaches at least want, up to timeout_ms; the last value read. */
static inline uint64_t wait_counter(const uint64_t *counter, uint64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	uint64_t v;
	while ((v = SB_GET(*counter)) < want && tc_now_ms() < deadline)
		sleep_ms(5);
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
