/* test_dashboard.c: bin/dashboard end to end, with the real servers and load generator.
 *
 * 1. Headless, 10 s of the default lunch rush: the evented restaurant keeps up with the
 *    arrivals (throughput within 10 %) while the blocking p99 is more than 5 times the
 *    evented p99. The figures are printed.
 * 2. In tmux (a private server, fixed 100x30): both halves drawn, '+' raises rate_milli
 *    on the load generators' scoreboards, 'q' exits and every child is gone.
 * 3. The dashboard killed outright (SIGKILL): its children follow (parent-death signal).
 * Each part skips with a message while a binary (or tmux) is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define MAX_KIDS 16

static bool have_binaries(void)
{
	return test_bin_built("dashboard") && test_bin_built("blocking") && test_bin_built("evented") &&
	       test_bin_built("loadgen");
}

/* The number after "key" in json, searched from `from`. */
static double json_num(const char *from, const char *key, bool *found)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *p = strstr(from, pat);
	*found = false;
	if (!p)
		return 0;
	p += strlen(pat);
	while (*p == ' ' || *p == ':')
		p++;
	char *end;
	double v = strtod(p, &end);
	*found = end != p;
	return v;
}

static double must_num(const char *from, const char *key)
{
	bool found;
	double v = json_num(from, key, &found);
	if (!found) {
		print_error("no \"%s\" in %.400s\n", key, from);
		fail();
	}
	return v;
}

static void test_dashboard_headless_lunch_rush(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	static char out[256 * 1024];
	char *argv[] = { (char *)test_bin("dashboard"), "--headless", "--duration", "10s", "--json", NULL };
	struct child c;
	double t0 = tc_now_ms();
	assert_int_equal(child_start(&c, argv, false, 0), 0);
	child_read_all(&c, out, sizeof out, 40000);
	int status = child_stop(&c, SIGTERM, 5000);
	print_message("headless run took %.1f s, exit status %d\n", (tc_now_ms() - t0) / 1000,
		      WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	const char *blocking = strstr(out, "\"blocking\":");
	const char *evented = strstr(out, "\"evented\":");
	if (!blocking || !evented || evented < blocking) {
		print_error("not the JSON summary: %.500s\n", out);
		fail();
	}
	/* blocking's keys are searched in the text before "evented" */
	static char bpart[128 * 1024];
	size_t blen = (size_t)(evented - blocking);
	memcpy(bpart, blocking, blen < sizeof bpart ? blen : sizeof bpart - 1);
	bpart[blen < sizeof bpart ? blen : sizeof bpart - 1] = '\0';

	double e_rps = must_num(evented, "throughput_rps"), b_rps = must_num(bpart, "throughput_rps");
	bool found;
	double e_arr = json_num(evented, "arrival_rps", &found);
	if (!found)
		e_arr = must_num(evented, "rate");
	double b_p99 = must_num(strstr(bpart, "\"latency_ms\""), "p99");
	double e_p99 = must_num(strstr(evented, "\"latency_ms\""), "p99");
	double line_max = must_num(bpart, "line_max");
	print_message("blocking: %.1f/s, p99 %.1f ms, line max %.0f | evented: %.1f/s of %.1f/s arriving, "
		      "p99 %.1f ms | p99 ratio %.1f\n", b_rps, b_p99, line_max, e_rps, e_arr, e_p99,
		      e_p99 > 0 ? b_p99 / e_p99 : 0);
	assert_true(e_rps >= 0.9 * e_arr && e_rps <= 1.1 * e_arr);
	assert_true(e_p99 > 0);
	assert_true(b_p99 > 5 * e_p99);
	assert_true(line_max > 50);      /* the blocking line grew */
	must_num(bpart, "threads_max");
	must_num(evented, "loop_lag_p99_ms");
	must_num(evented, "rss_max_kb");
	/* the model's verdicts under each side (verdict.h, issue 15/18): the blocking line
	 * grows; the evented half, which keeps up with a line of 0, never says so */
	const char *bv = strstr(bpart, "\"verdicts\""), *ev = strstr(evented, "\"verdicts\"");
	assert_non_null(bv);
	assert_non_null(ev);
	print_message("verdicts: blocking %.120s | evented %.120s\n", bv, ev);
	assert_non_null(strstr(bv, "\"little\":\"line growing\""));
	assert_null(strstr(ev, "\"little\":\"line growing\""));
	assert_non_null(strstr(bv, "\"pace\":\"falling behind\""));

	/* the model of the same scenario beside it, with the keys of servers.* (issue 13):
	 * both are bound by the same 4 cashiers of 50 ms, so they agree on throughput */
	const char *model = strstr(out, "\"model\": {\"blocking\": ");
	assert_non_null(model);
	const char *model_ev = strstr(model, "\"evented\": ");
	assert_non_null(model_ev);
	double mb_rps = must_num(model, "throughput_rps"), me_rps = must_num(model_ev, "throughput_rps");
	print_message("model: blocking %.1f/s, evented %.1f/s (measured %.1f, %.1f)\n", mb_rps, me_rps, b_rps, e_rps);
	assert_true(mb_rps > 0.9 * b_rps && mb_rps < 1.1 * b_rps);
	assert_true(me_rps > 0.9 * e_rps && me_rps < 1.1 * e_rps);
	must_num(strstr(model, "\"latency_ms\""), "p99");
	must_num(model, "line_max");
}

/* ---- tmux ---- */

static char tmux_sock[64];

static void capture(char *buf, size_t cap)
{
	tc_sh(buf, cap, "tmux -L %s capture-pane -p -t dash 2>/dev/null", tmux_sock);
}

static uint64_t board_rate_milli(const char *name)
{
	void *p;
	size_t size;
	if (scoreboard_open(name, SCOREBOARD_LOADGEN, false, &p, &size) != 0)
		return 0;
	uint64_t r = SB_GET(((struct scoreboard_loadgen *)p)->rate_milli);
	scoreboard_unmap(p, size);
	return r;
}

/* The dashboard's scoreboards are "dashPID-RANDOM-SUFFIX" (the random part keeps other
 * users from squatting them): the one of dashboard pid with this suffix, from /dev/shm. */
static bool find_board(char *out, size_t cap, pid_t pid, const char *suffix)
{
	char prefix[48];
	snprintf(prefix, sizeof prefix, "lunchrush.dash%d-", (int)pid);
	DIR *d = opendir("/dev/shm");
	bool found = false;
	for (struct dirent *e; d && !found && (e = readdir(d)) != NULL;) {
		size_t n = strlen(e->d_name), k = strlen(suffix);
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && n > k && strcmp(e->d_name + n - k, suffix) == 0) {
			snprintf(out, cap, "%s", e->d_name + strlen("lunchrush."));
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

static void test_dashboard_tmux_keys_and_quit(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	if (tc_sh(NULL, 0, "command -v tmux") != 0) {
		print_message("skipped: tmux is not installed (make test installs it)\n");
		skip();
	}
	char dash[PATH_MAX], screen[16384], out[256];
	assert_non_null(realpath(test_bin("dashboard"), dash));
	snprintf(tmux_sock, sizeof tmux_sock, "lunchrush-test-%d", (int)getpid());
	assert_int_equal(tc_sh(NULL, 0, "tmux -L %s -f /dev/null new-session -d -s dash -x 100 -y 30 '%s' 2>&1", tmux_sock,
			    dash), 0);
	tc_sh(out, sizeof out, "tmux -L %s display -p -t dash '#{pane_pid}'", tmux_sock);
	pid_t dpid = atoi(out);
	assert_true(dpid > 0);

	/* both halves, with figures, within a few seconds */
	double t0 = tc_now_ms();
	bool drawn = false;
	while (!drawn && tc_now_ms() - t0 < 10000) {
		usleep(200000);
		capture(screen, sizeof screen);
		/* "outside —" ("-" in ASCII) until the dashboard has mapped a load generator's
		 * scoreboard */
		drawn = strstr(screen, "BLOCKING") && strstr(screen, "EVENTED") && strstr(screen, "served") &&
			strstr(screen, "4 cashiers") && strstr(screen, "1 loop") && !strstr(screen, "outside -") &&
			!strstr(screen, "outside \u2014");
	}
	print_message("both restaurants drawn after %.1f s\n", (tc_now_ms() - t0) / 1000);
	if (!drawn)
		fprintf(stderr, "%s\n", screen);
	assert_true(drawn);

	pid_t kids[MAX_KIDS];
	int nkids = proc_children(dpid, kids, MAX_KIDS);
	print_message("dashboard %d has %d children\n", (int)dpid, nkids);
	assert_true(nkids >= 4); /* two servers, two load generators */

	/* '+' reaches both load generators through their control slots */
	char lg_b[80], lg_e[80];
	assert_true(find_board(lg_b, sizeof lg_b, dpid, "-blocking-load"));
	assert_true(find_board(lg_e, sizeof lg_e, dpid, "-evented-load"));
	uint64_t before = board_rate_milli(lg_b);
	assert_int_equal(before, 120000);
	tc_sh(NULL, 0, "tmux -L %s send-keys -t dash +", tmux_sock);
	t0 = tc_now_ms();
	while ((board_rate_milli(lg_b) == before || board_rate_milli(lg_e) == before) && tc_now_ms() - t0 < 3000)
		usleep(50000);
	print_message("rate_milli %llu -> %llu (blocking), %llu (evented)\n", (unsigned long long)before,
		      (unsigned long long)board_rate_milli(lg_b), (unsigned long long)board_rate_milli(lg_e));
	assert_int_equal(board_rate_milli(lg_b), 130000);
	assert_int_equal(board_rate_milli(lg_e), 130000);
	usleep(300000);
	capture(screen, sizeof screen);
	assert_non_null(strstr(screen, "130.0/s"));

	/* 'q': the dashboard and every child it started are gone */
	tc_sh(NULL, 0, "tmux -L %s send-keys -t dash q", tmux_sock);
	assert_true(proc_wait_gone(dpid, 8000));
	for (int i = 0; i < nkids; i++) {
		if (!proc_wait_gone(kids[i], 2000))
			print_error("child %d is still there after q\n", (int)kids[i]);
		assert_true(proc_gone(kids[i]));
	}
}

/* Whatever happened in the test, the private tmux server goes (and with its pane the
 * dashboard gets SIGHUP, which stops its children). */
static int tmux_teardown(void **state)
{
	(void)state;
	if (tmux_sock[0])
		tc_sh(NULL, 0, "tmux -L %s kill-server 2>/dev/null", tmux_sock);
	tmux_sock[0] = '\0';
	return 0;
}

static void test_dashboard_killed_takes_children(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	char *argv[] = { (char *)test_bin("dashboard"), "--headless", "--duration", "30s", NULL };
	struct child c;
	/* a dashboard killed outright cannot remove its temp folder: give it one of ours */
	char tmp[] = "/tmp/test_dashboard.XXXXXX";
	assert_non_null(mkdtemp(tmp));
	assert_int_equal(child_start_in_tmpdir(&c, argv, tmp), 0);
	pid_t kids[MAX_KIDS];
	double t0 = tc_now_ms();
	int n = proc_wait_children(c.pid, kids, MAX_KIDS, 4, 5000);
	print_message("%d children after %.1f s; SIGKILL to the dashboard\n", n, (tc_now_ms() - t0) / 1000);
	assert_true(n >= 4);
	child_stop(&c, SIGKILL, 2000);
	for (int i = 0; i < n; i++)
		assert_true(proc_wait_gone(kids[i], 8000));
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	tc_sh(NULL, 0, "%s", cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dashboard_headless_lunch_rush),
		cmocka_unit_test_teardown(test_dashboard_tmux_keys_and_quit, tmux_teardown),
		cmocka_unit_test(test_dashboard_killed_takes_children),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
