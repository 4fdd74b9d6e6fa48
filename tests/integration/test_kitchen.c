/* test_kitchen.c: bin/kitchen speaks the ticket protocol of common/kitchen_proto.h.
 *
 * Answers come when the cook time has passed, in finishing order, many tickets at once
 * on one connection; bad tickets get ERR and the connection stays; an over-long line
 * closes it; a client leaving with tickets in flight harms nobody; SIGTERM exits 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kitchen_proto.h"
#include "../lib/testlib.h"

#define IO_TIMEOUT_MS 5000

static struct child kitchen;

static int group_setup(void **state)
{
	(void)state;
	char *argv[] = { (char *)test_bin("kitchen"), "--port", "0", "--quiet", NULL };
	return child_start(&kitchen, argv, true, 10000);
}

static int group_teardown(void **state)
{
	(void)state;
	int status = child_stop(&kitchen, SIGTERM, 5000);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* A line reader over a socket, keeping what follows the line. */
struct reader {
	int fd;
	char buf[8192];
	size_t len;
};

/* One line without its '\n' into out; 0, or -1 on close or timeout. */
static int read_line(struct reader *r, char *out, size_t cap, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	for (;;) {
		char *nl = memchr(r->buf, '\n', r->len);
		if (nl) {
			size_t n = (size_t)(nl - r->buf);
			size_t c = n < cap - 1 ? n : cap - 1;
			memcpy(out, r->buf, c);
			out[c] = '\0';
			memmove(r->buf, nl + 1, r->len - n - 1);
			r->len -= n + 1;
			return 0;
		}
		int left = (int)(deadline - tc_now_ms());
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0 || r->len == sizeof(r->buf))
			return -1;
		ssize_t got = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
		if (got <= 0)
			return -1;
		r->len += (size_t)got;
	}
}

static void send_str(int fd, const char *s)
{
	assert_int_equal(tc_send_all(fd, s, strlen(s)), 0);
}

static void test_answers_in_finishing_order(void **state)
{
	struct reader r = { .fd = tc_connect(kitchen.port, IO_TIMEOUT_MS) };
	char line[128];
	(void)state;
	assert_true(r.fd >= 0);
	double t0 = tc_now_ms();
	send_str(r.fd, "COOK 150 1\nCOOK 30 2\n");
	assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
	double t2 = tc_now_ms() - t0;
	assert_string_equal(line, "DONE 2");
	assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
	double t1 = tc_now_ms() - t0;
	assert_string_equal(line, "DONE 1");
	print_message("COOK 150 answered after %.0f ms, COOK 30 after %.0f ms\n", t1, t2);
	assert_true(t2 >= 29 && t2 < 140);
	assert_true(t1 >= 149 && t1 < 1000);
	close(r.fd);
}

/* 500 tickets of 100 ms on one connection cook together, not one after another. */
static void test_many_tickets_in_parallel(void **state)
{
	static struct reader r;
	char line[128];
	static char burst[500 * 32];
	size_t len = 0;
	(void)state;
	r = (struct reader){ .fd = tc_connect(kitchen.port, IO_TIMEOUT_MS) };
	assert_true(r.fd >= 0);
	for (int i = 1; i <= 500; i++)
		len += kitchen_format_ticket(burst + len, sizeof(burst) - len, 100, (uint64_t)i);
	double t0 = tc_now_ms();
	assert_int_equal(tc_send_all(r.fd, burst, len), 0);
	static bool seen[501];
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < 500; i++) {
		uint64_t id = 0;
		assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
		assert_int_equal(kitchen_parse_answer(line, strlen(line), &id), 1);
		assert_true(id >= 1 && id <= 500 && !seen[id]);
		seen[id] = true;
	}
	double took = tc_now_ms() - t0;
	print_message("500 tickets of 100 ms on one connection: all answered after %.0f ms\n", took);
	assert_true(took >= 99);
	assert_true(took < 2000);
	close(r.fd);
}

static void test_bad_ticket_gets_err_and_the_line_stays(void **state)
{
	struct reader r = { .fd = tc_connect(kitchen.port, IO_TIMEOUT_MS) };
	char line[128];
	uint64_t id = 99;
	(void)state;
	assert_true(r.fd >= 0);
	send_str(r.fd, "FRY 10 7\n");
	assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
	print_message("FRY 10 7 -> %s\n", line);
	assert_int_equal(kitchen_parse_answer(line, strlen(line), &id), 0);
	assert_int_equal(id, 0);
	send_str(r.fd, "COOK 60001 8\n"); /* over the 60 s a ticket may ask */
	assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
	assert_int_equal(kitchen_parse_answer(line, strlen(line), &id), 0);
	send_str(r.fd, "COOK 5 9\r\n"); /* a telnet user's CRLF is fine */
	assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
	assert_string_equal(line, "DONE 9");
	close(r.fd);
}

static void test_long_line_closes_the_connection(void **state)
{
	struct reader r = { .fd = tc_connect(kitchen.port, IO_TIMEOUT_MS) };
	char junk[200];
	(void)state;
	assert_true(r.fd >= 0);
	memset(junk, 'x', sizeof(junk) - 1);
	junk[sizeof(junk) - 1] = '\0';
	send_str(r.fd, junk);
	assert_true(tc_wait_closed(r.fd, IO_TIMEOUT_MS));
	close(r.fd);
}

/* A client that leaves with tickets cooking: the kitchen drops them and serves on. */
static void test_client_leaving_mid_cook_harms_nobody(void **state)
{
	char line[128];
	(void)state;
	for (int i = 0; i < 20; i++) {
		int fd = tc_connect(kitchen.port, IO_TIMEOUT_MS);
		assert_true(fd >= 0);
		send_str(fd, "COOK 50 1\nCOOK 10 2\n");
		close(fd);
	}
	struct reader r = { .fd = tc_connect(kitchen.port, IO_TIMEOUT_MS) };
	assert_true(r.fd >= 0);
	send_str(r.fd, "COOK 100 42\n");
	assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
	assert_string_equal(line, "DONE 42");
	close(r.fd);
	assert_int_equal(kill(kitchen.pid, 0), 0);
}

/* --stoves 2: four tickets of 200 ms sent together cook two at a time, so the first two
 * are done after about 200 ms and the last two after about 400 ms (lesson 12); a client
 * that leaves while its tickets wait frees their place in the queue. */
static void test_stoves_cook_a_few_at_a_time(void **state)
{
	static struct child k2;
	static struct reader r;
	char line[128];
	double done_ms[4];
	(void)state;
	char *argv[] = { (char *)test_bin("kitchen"), "--port", "0", "--quiet", "--stoves", "2", NULL };
	assert_int_equal(child_start(&k2, argv, true, 10000), 0);
	int gone = tc_connect(k2.port, IO_TIMEOUT_MS); /* queues 3 tickets, then leaves */
	assert_true(gone >= 0);
	send_str(gone, "COOK 150 7\nCOOK 150 8\nCOOK 150 9\n");
	tc_sleep_ms(20);
	close(gone);
	r = (struct reader){ .fd = tc_connect(k2.port, IO_TIMEOUT_MS) };
	assert_true(r.fd >= 0);
	double t0 = tc_now_ms();
	send_str(r.fd, "COOK 200 1\nCOOK 200 2\nCOOK 200 3\nCOOK 200 4\n");
	for (int i = 0; i < 4; i++) {
		assert_int_equal(read_line(&r, line, sizeof(line), IO_TIMEOUT_MS), 0);
		done_ms[i] = tc_now_ms() - t0;
	}
	print_message("--stoves 2, four tickets of 200 ms: done after %.0f, %.0f, %.0f, %.0f ms\n", done_ms[0],
		      done_ms[1], done_ms[2], done_ms[3]);
	close(r.fd);
	int status = child_stop(&k2, SIGTERM, 5000);
	assert_true(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(done_ms[1] >= 195 && done_ms[1] < 380);  /* two stoves: two at once */
	assert_true(done_ms[2] >= 395 && done_ms[3] < 1500); /* the next two wait a turn */
}

static void test_help_and_bad_flag(void **state)
{
	static char out[8192], err[8192];
	(void)state;
	char *help[] = { (char *)test_bin("kitchen"), "--help", NULL };
	int status = child_run_capture(help, out, sizeof(out), err, sizeof(err), 5000);
	assert_true(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(out, "usage"));
	assert_non_null(strstr(out, "COOK <ms> <id>"));
	assert_non_null(strstr(out, "DONE <id>"));
	char *bad[] = { (char *)test_bin("kitchen"), "--port", "http", NULL };
	status = child_run_capture(bad, out, sizeof(out), err, sizeof(err), 5000);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, "--port"));
	assert_null(strstr(err, "usage")); /* one line and the way on, not the whole help */
	assert_non_null(strstr(err, "\ntry 'kitchen --help'\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_in_finishing_order),
		cmocka_unit_test(test_many_tickets_in_parallel),
		cmocka_unit_test(test_bad_ticket_gets_err_and_the_line_stays),
		cmocka_unit_test(test_long_line_closes_the_connection),
		cmocka_unit_test(test_client_leaving_mid_cook_harms_nobody),
		cmocka_unit_test(test_stoves_cook_a_few_at_a_time),
		cmocka_unit_test(test_help_and_bad_flag),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
