/* test_loadgen_summary.c: what bin/loadgen tells a person (issue 18): a "running" banner
 * on stderr at once, a progress line once a second on a terminal (a pseudo-terminal
 * here), a run of all 404s reported as FAILED with exit 1, a hint when every connect is
 * refused, and after SIGTERM figures that add up (arrived = answered + errors +
 * outstanding, outstanding = answered late + unanswered).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testlib.h"

#define OUT_MAX 16384

static struct child server;

static int group_setup(void **state)
{
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("blocking"))
		return 0;
	char *argv[] = { (char *)test_bin("blocking"), "--port", "0", "--quiet", NULL };
	return child_start(&server, argv, true, 5000);
}

static int group_teardown(void **state)
{
	(void)state;
	if (server.pid > 0)
		child_stop(&server, SIGTERM, 5000);
	return 0;
}

/* A load generator with stdout on a pipe and stderr on err_fd's other end. */
struct lg {
	pid_t pid;
	int out_fd, err_fd;
};

static void lg_spawn(struct lg *l, char *const argv[], bool tty)
{
	int out[2], err[2] = { -1, -1 };
	assert_int_equal(pipe(out), 0);
	if (tty) { /* stderr on a pseudo-terminal: isatty(2) is true in the child */
		int m = posix_openpt(O_RDWR | O_NOCTTY);
		assert_true(m >= 0);
		assert_int_equal(grantpt(m), 0);
		assert_int_equal(unlockpt(m), 0);
		err[0] = m;
		err[1] = open(ptsname(m), O_RDWR | O_NOCTTY);
	} else {
		assert_int_equal(pipe(err), 0);
	}
	assert_true(err[1] >= 0);
	l->pid = fork();
	assert_true(l->pid >= 0);
	if (l->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	l->out_fd = out[0];
	l->err_fd = err[0];
}

/* Append what fd has within timeout_ms to buf until want appears (or it closes). */
static bool read_until(int fd, char *buf, size_t cap, const char *want, int timeout_ms)
{
	double end = tc_now_ms() + timeout_ms;
	size_t len = strlen(buf);
	while (!strstr(buf, want) && tc_now_ms() < end && len + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
	}
	return strstr(buf, want) != NULL;
}

static int lg_wait(struct lg *l, int timeout_ms)
{
	int st = 0;
	double end = tc_now_ms() + timeout_ms;
	while (waitpid(l->pid, &st, WNOHANG) == 0) {
		if (tc_now_ms() > end) {
			kill(l->pid, SIGKILL);
			waitpid(l->pid, &st, 0);
			break;
		}
		tc_sleep_ms(20);
	}
	close(l->out_fd);
	close(l->err_fd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double jnum(const char *json, const char *key)
{
	char pat[80];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(json, pat);
	if (!p)
		fail_msg("no key %s in %s", key, json);
	return strtod(p + strlen(pat), NULL);
}

static char *url(char *buf, size_t cap, uint16_t port, const char *target)
{
	snprintf(buf, cap, "http://127.0.0.1:%u%s", port, target);
	return buf;
}

/* The banner comes at once, long before the run's end; the progress line once a second
 * on a terminal, with elapsed, sent, completed, errors and the rate. */
static void test_loadgen_banner_and_progress_on_a_terminal(void **state)
{
	static char err[OUT_MAX];
	char u[96];
	struct lg l;
	(void)state;
	if (server.pid <= 0)
		skip();
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "2", "-d", "3s",
			 url(u, sizeof u, server.port, "/order?cook_ms=5"), NULL };
	err[0] = '\0';
	double t0 = tc_now_ms();
	lg_spawn(&l, argv, true);
	assert_true(read_until(l.err_fd, err, sizeof err, "(Ctrl-C stops it with a report)", 2000));
	print_message("banner after %.0f ms: %s", tc_now_ms() - t0, err);
	assert_non_null(strstr(err, "loadgen: running 3s closed-loop @ http://127.0.0.1:"));
	assert_true(read_until(l.err_fd, err, sizeof err, "/s\033[K", 2800));
	print_message("progress after %.0f ms\n", tc_now_ms() - t0);
	assert_non_null(strstr(err, "\r"));
	assert_non_null(strstr(err, " sent "));
	assert_non_null(strstr(err, " completed "));
	assert_non_null(strstr(err, " errors 0 "));
	assert_int_equal(lg_wait(&l, 10000), 0);
}

/* A pipe is no terminal: the banner, but no progress line to garble a log. */
static void test_loadgen_no_progress_into_a_pipe(void **state)
{
	static char out[OUT_MAX], err[OUT_MAX];
	char u[96];
	(void)state;
	if (server.pid <= 0)
		skip();
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "2", "-d", "1500ms",
			 url(u, sizeof u, server.port, "/order?cook_ms=5"), NULL };
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 10000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(err, "loadgen: running"));
	assert_null(strstr(err, "\r"));
	assert_non_null(strstr(out, "Transfer/sec:"));
	assert_non_null(strstr(out, "stdev"));
}

/* Every answer a 404: not a success. FAILED in the summary, the non-2xx line, exit 1. */
static void test_loadgen_all_404_fails(void **state)
{
	static char out[OUT_MAX], err[OUT_MAX];
	char u[96];
	(void)state;
	if (server.pid <= 0)
		skip();
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "2", "-d", "300ms",
			 url(u, sizeof u, server.port, "/no-such-page"), NULL };
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 10000);
	print_message("%s", out);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_non_null(strstr(out, "Non-2xx or 3xx responses: "));
	assert_non_null(strstr(out, "FAILED: no order was served: all "));
}

/* Nothing listens: the summary says where it looked. */
static void test_loadgen_refused_says_where(void **state)
{
	static char out[OUT_MAX], err[OUT_MAX];
	char u[96], want[96];
	uint16_t port;
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	int fd = tc_listen_loopback(-1, &port); /* bound, not listening: connects are refused */
	assert_true(fd >= 0);
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "2", "-d", "300ms", url(u, sizeof u, port, "/"), NULL };
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 10000);
	close(fd);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	snprintf(want, sizeof want, "is anything listening on 127.0.0.1:%u?", (unsigned)port);
	assert_non_null(strstr(out, want));
}

/* SIGTERM in the middle of an open loop beyond the 4 cashiers (20 orders/s of 200 ms): the report
 * comes, and every customer is somewhere in it. */
static void test_loadgen_sigterm_figures_add_up(void **state)
{
	static char out[OUT_MAX], err[OUT_MAX];
	char u[96];
	struct lg l;
	(void)state;
	if (server.pid <= 0)
		skip();
	char *argv[] = { (char *)test_bin("loadgen"), "-R", "40", "-d", "20s", "--json",
			 url(u, sizeof u, server.port, "/order?cook_ms=200"), NULL };
	out[0] = err[0] = '\0';
	lg_spawn(&l, argv, false);
	assert_true(read_until(l.err_fd, err, sizeof err, "report)", 3000));
	tc_sleep_ms(1500);
	kill(l.pid, SIGTERM);
	assert_true(read_until(l.out_fd, out, sizeof out, "}\n", 5000));
	assert_int_equal(lg_wait(&l, 5000), 0);
	double arrived = jnum(out, "arrived"), done = jnum(out, "requests"), errors = jnum(out, "errors_total");
	double outstanding = jnum(out, "outstanding"), late = jnum(out, "answered_late");
	double unanswered = jnum(out, "unanswered");
	print_message("arrived %.0f = answered %.0f + errors %.0f + outstanding %.0f; outstanding = late %.0f + "
		      "unanswered %.0f\n", arrived, done, errors, outstanding, late, unanswered);
	assert_true(jnum(out, "stopped_by_signal") == SIGTERM);
	assert_true(arrived > 10);
	assert_true(unanswered > 0 && done > 0);
	assert_true(arrived == done + errors + outstanding);
	assert_true(outstanding == late + unanswered);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loadgen_banner_and_progress_on_a_terminal),
		cmocka_unit_test(test_loadgen_no_progress_into_a_pipe),
		cmocka_unit_test(test_loadgen_all_404_fails),
		cmocka_unit_test(test_loadgen_refused_says_where),
		cmocka_unit_test(test_loadgen_sigterm_figures_add_up),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
