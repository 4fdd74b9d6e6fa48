/* test_dashboard_attach.c: bin/dashboard --attach on processes started by hand (issue
 * 18). An evented server and a load generator are started here; the dashboard attached
 * to them in tmux (a private server, 100x30):
 * 1. without --control, the changing keys (space, +, ], f) change nothing: the load
 *    generator's and the server's control slots are as found (ctl_seq untouched), and
 *    the screen says attach is read-only;
 * 2. with --control, space and + do reach the load generator, and after q, and after a
 *    SIGTERM, it is back to what it had in force (not paused, its own rate);
 * 3. headless, attached to a load generator paused before the watch: the summary is the
 *    interval watched (0 requests, 0/s), not the process's lifetime divided by 2 s.
 * Skips with a message while a binary or tmux is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define RATE_MILLI 100000ULL   /* the load generator's own -R 100 */

static struct child server, loadgen;
static char srv_name[80], lg_name[80], tmux_sock[64];
static bool started;

/* What the test reads of the load generator: its control slot and what it has in force. */
struct lg_state {
	uint64_t ctl_seq, rate_milli, completed;
	uint32_t paused, in_flight_zero;
};

static bool lg_read(struct lg_state *s)
{
	void *p;
	size_t size;
	if (scoreboard_open(lg_name, SCOREBOARD_LOADGEN, false, &p, &size) != 0)
		return false;
	const struct scoreboard_loadgen *b = p;
	s->ctl_seq = __atomic_load_n(&b->ctl_seq, __ATOMIC_ACQUIRE);
	s->rate_milli = SB_GET(b->rate_milli);
	s->paused = SB_GET(b->paused);
	s->completed = SB_GET(b->completed);
	s->in_flight_zero = SB_GET(b->in_flight) == 0;
	scoreboard_unmap(p, size);
	return true;
}

static uint64_t srv_ctl_seq(void)
{
	void *p;
	size_t size;
	if (scoreboard_open(srv_name, SCOREBOARD_SERVER, false, &p, &size) != 0)
		return UINT64_MAX;
	uint64_t seq = __atomic_load_n(&((const struct scoreboard_server *)p)->ctl_seq, __ATOMIC_ACQUIRE);
	scoreboard_unmap(p, size);
	return seq;
}

/* Poll until the load generator has this in force (paused, rate), up to timeout_ms. */
static bool lg_wait(uint32_t paused, uint64_t rate_milli, int timeout_ms)
{
	struct lg_state s = { 0 };
	double end = tc_now_ms() + timeout_ms;
	do {
		if (lg_read(&s) && s.paused == paused && s.rate_milli == rate_milli)
			return true;
		tc_sleep_ms(20);
	} while (tc_now_ms() < end);
	print_error("load generator: paused %u rate_milli %llu, want paused %u rate_milli %llu\n", s.paused,
		    (unsigned long long)s.rate_milli, paused, (unsigned long long)rate_milli);
	return false;
}

/* The test's own hand on the slot (as a teacher's second dashboard would): pause or not. */
static void lg_set_paused(bool paused)
{
	void *p;
	size_t size;
	assert_int_equal(scoreboard_open(lg_name, SCOREBOARD_LOADGEN, true, &p, &size), 0);
	struct scoreboard_loadgen *b = p;
	SB_SET(b->ctl_rate_milli, SB_GET(b->rate_milli));
	SB_SET(b->ctl_cook_ms, SB_GET(b->cook_ms));
	SB_SET(b->ctl_work_us, SB_GET(b->work_us));
	SB_SET(b->ctl_keepalive, SB_GET(b->keepalive));
	SB_SET(b->ctl_paused, paused ? 1u : 0u);
	__atomic_add_fetch(&b->ctl_seq, 1, __ATOMIC_RELEASE);
	scoreboard_unmap(p, size);
}

static int group_setup(void **state)
{
	(void)state;
	if (!test_bin_built("dashboard") || !test_bin_built("evented") || !test_bin_built("loadgen"))
		return 0; /* every test skips */
	snprintf(srv_name, sizeof srv_name, "%s", test_scoreboard_name("tda-srv"));
	snprintf(lg_name, sizeof lg_name, "%s", test_scoreboard_name("tda-lg"));
	char *const sv[] = { (char *)test_bin("evented"), "--port", "0", "--quiet", "--scoreboard", srv_name, NULL };
	if (child_start(&server, sv, true, 5000) != 0)
		return -1;
	char url[96];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/order?cook_ms=1", server.port);
	char *const lg[] = { (char *)test_bin("loadgen"), "-R", "100", "-d", "60s", "--max-conns", "20",
			     "--scoreboard", lg_name, url, NULL };
	if (child_start(&loadgen, lg, false, 0) != 0)
		return -1;
	struct lg_state s;
	double end = tc_now_ms() + 5000;
	while (!(lg_read(&s) && s.completed > 20) && tc_now_ms() < end)
		tc_sleep_ms(20);
	started = s.completed > 20;
	snprintf(tmux_sock, sizeof tmux_sock, "lunchrush-tda-%d", (int)getpid());
	return started ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (tmux_sock[0])
		tc_sh(NULL, 0, "tmux -L %s kill-server 2>/dev/null", tmux_sock);
	if (loadgen.pid > 0)
		child_stop(&loadgen, SIGTERM, 5000);
	if (server.pid > 0)
		child_stop(&server, SIGTERM, 3000);
	scoreboard_remove(lg_name);
	scoreboard_remove(srv_name);
	return 0;
}

static bool have_tmux(void)
{
	if (!started)
		return false;
	if (tc_sh(NULL, 0, "command -v tmux >/dev/null") != 0) {
		print_message("skipped: tmux is not installed (make test installs it)\n");
		return false;
	}
	return true;
}

/* The dashboard attached in tmux session `name` (extra: "" or " --control"); its pid,
 * once the screen shows both boards read. */
static pid_t attach_in_tmux(const char *name, const char *extra, char *screen, size_t cap)
{
	char dash[PATH_MAX], out[64];
	assert_non_null(realpath(test_bin("dashboard"), dash));
	assert_int_equal(tc_sh(NULL, 0, "tmux -L %s -f /dev/null new-session -d -s %s -x 100 -y 30 '%s --attach %s %s%s' 2>&1",
			    tmux_sock, name, dash, srv_name, lg_name, extra), 0);
	tc_sh(out, sizeof out, "tmux -L %s display -p -t %s '#{pane_pid}'", tmux_sock, name);
	pid_t pid = atoi(out);
	assert_true(pid > 0);
	double end = tc_now_ms() + 8000;
	bool drawn = false;
	while (!drawn && tc_now_ms() < end) {
		tc_sleep_ms(100);
		tc_sh(screen, cap, "tmux -L %s capture-pane -p -t %s 2>/dev/null", tmux_sock, name);
		drawn = strstr(screen, "attached") && strstr(screen, "EVENTED") && !strstr(screen, "outside -");
	}
	if (!drawn)
		print_error("not drawn:\n%s\n", screen);
	assert_true(drawn);
	return pid;
}

static void test_attach_keys_change_nothing_without_control(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	static char screen[16384];
	struct lg_state before, after;
	pid_t pid = attach_in_tmux("ro", "", screen, sizeof screen);
	assert_true(lg_read(&before));
	uint64_t srv_before = srv_ctl_seq();
	assert_non_null(strstr(screen, "read-only"));
	tc_sh(NULL, 0, "tmux -L %s send-keys -t ro ' ' + ] } k f", tmux_sock);
	double end = tc_now_ms() + 3000;
	bool said = false;
	while (!said && tc_now_ms() < end) {
		tc_sleep_ms(100);
		tc_sh(screen, sizeof screen, "tmux -L %s capture-pane -p -t ro 2>/dev/null", tmux_sock);
		said = strstr(screen, "the keys change nothing (--control allows changes)") != NULL;
	}
	if (!said)
		print_error("no word of --control on the screen:\n%s\n", screen);
	assert_true(said);
	tc_sh(NULL, 0, "tmux -L %s send-keys -t ro q", tmux_sock);
	assert_true(proc_wait_gone(pid, 5000));
	assert_true(lg_read(&after));
	print_message("load generator ctl_seq %llu -> %llu, paused %u, rate_milli %llu; server ctl_seq %llu -> %llu\n",
		      (unsigned long long)before.ctl_seq, (unsigned long long)after.ctl_seq, after.paused,
		      (unsigned long long)after.rate_milli, (unsigned long long)srv_before,
		      (unsigned long long)srv_ctl_seq());
	assert_int_equal(after.ctl_seq, before.ctl_seq);
	assert_int_equal(after.paused, 0);
	assert_int_equal(after.rate_milli, RATE_MILLI);
	assert_int_equal(srv_ctl_seq(), srv_before);
}

/* --control: the keys do change the load, and the end puts it back (q, then SIGTERM). */
static void test_attach_control_puts_the_load_back(void **state)
{
	(void)state;
	if (!have_tmux())
		skip();
	static char screen[16384];
	static const char *const session[2] = { "ctlq", "ctlterm" };
	for (int k = 0; k < 2; k++) {
		pid_t pid = attach_in_tmux(session[k], " --control", screen, sizeof screen);
		tc_sh(NULL, 0, "tmux -L %s send-keys -t %s ' ' +", tmux_sock, session[k]);
		assert_true(lg_wait(1, RATE_MILLI + 10000, 3000)); /* paused, 110/s: the keys took */
		if (k == 0)
			tc_sh(NULL, 0, "tmux -L %s send-keys -t %s q", tmux_sock, session[k]);
		else
			kill(pid, SIGTERM);
		assert_true(proc_wait_gone(pid, 5000));
		bool back = lg_wait(0, RATE_MILLI, 3000);
		print_message("after %s: the load generator is %s\n", k ? "SIGTERM" : "q",
			      back ? "back to 100/s, not paused" : "NOT as found");
		assert_true(back);
	}
}

/* Paused before the watch: nothing is served while watched, and the summary says so. */
static void test_attach_headless_summary_is_the_interval(void **state)
{
	(void)state;
	if (!started)
		skip();
	lg_set_paused(true);
	assert_true(lg_wait(1, RATE_MILLI, 3000));
	struct lg_state s, prev = { 0 };
	double end = tc_now_ms() + 5000; /* the last orders in flight come back */
	while (tc_now_ms() < end) {
		assert_true(lg_read(&s));
		if (s.in_flight_zero && s.completed == prev.completed)
			break;
		prev = s;
		tc_sleep_ms(200);
	}
	static char out[64 * 1024], err[16 * 1024];
	char *const argv[] = { (char *)test_bin("dashboard"), "--attach", srv_name, lg_name, "--headless", "--duration",
			       "2s", "--json", NULL };
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 15000);
	lg_set_paused(false);
	print_message("lifetime completed %llu; summary: %.600s\n", (unsigned long long)s.completed, out);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	const char *req = strstr(out, "\"requests\": ");
	const char *tput = strstr(out, "\"throughput_rps\": ");
	assert_non_null(req);
	assert_non_null(tput);
	assert_true(s.completed > 20);
	assert_int_equal(atol(req + strlen("\"requests\": ")), 0);
	assert_true(atof(tput + strlen("\"throughput_rps\": ")) == 0.0);
	assert_true(lg_wait(0, RATE_MILLI, 3000));
}

static void test_control_goes_with_attach(void **state)
{
	(void)state;
	if (!test_bin_built("dashboard"))
		skip();
	static char out[4096], err[4096];
	char *const argv[] = { (char *)test_bin("dashboard"), "--control", "--headless", NULL };
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 5000);
	print_message("dashboard --control: %s", err);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	assert_non_null(strstr(err, "--control goes with --attach"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_goes_with_attach),
		cmocka_unit_test(test_attach_keys_change_nothing_without_control),
		cmocka_unit_test(test_attach_control_puts_the_load_back),
		cmocka_unit_test(test_attach_headless_summary_is_the_interval),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
