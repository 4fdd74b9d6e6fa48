/* test_dashboard_files.c: bin/dashboard against hostile files and a full disk, end to
 * end (issue 19, defects 4, 5, 9 and 15). A scenario whose name holds escape sequences
 * runs headless for 2 s with --record: the summary prints none of them raw. The
 * recording, its last row cut, still replays (with a warning). --replay, --json and
 * --record into /dev/full exit non-zero and say what could not be written. A scenario
 * file that passes --percentiles to the load generator is refused before anything
 * starts. Issue 18: --replay into a pipe prints the headless table and summary (and,
 * issue 13, the model recorded beside the run); a preset key pressed while recording
 * (in tmux) is a scenario line in the recording, which the replay names, its clock
 * running on. Skips with a message while a binary (or tmux) is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testlib.h"

static char dir[] = "/tmp/test_dashboard_files.XXXXXX";
static char scenario[128], recording[128];
static char out[256 * 1024], err[64 * 1024];

static bool have_binaries(void)
{
	return test_bin_built("dashboard") && test_bin_built("blocking") && test_bin_built("evented") &&
	       test_bin_built("loadgen");
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(scenario, sizeof scenario, "%s/hostile.ini", dir);
	snprintf(recording, sizeof recording, "%s/run.csv", dir);
	FILE *f = fopen(scenario, "w");
	if (!f)
		return -1;
	/* an OSC title change, a bell and a screen clear in the name; a short, light run */
	fprintf(f, "name = \x1b]0;owned\x07\x1b[2Jrush\nrate = 20\ncook_ms = 5\n");
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* sh -c "exec dashboard ARGS > STDOUT", stderr captured: the exit status. */
static int run_dashboard(const char *args, const char *stdout_to, int timeout_ms)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "exec '%s' %s%s%s", test_bin("dashboard"), args, stdout_to ? " >" : "",
		 stdout_to ? stdout_to : "");
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	out[0] = err[0] = '\0';
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, timeout_ms);
	print_message("$ %s\n  -> %s %d; stderr: %.300s\n", cmd, WIFEXITED(st) ? "exit" : "status",
		      WIFEXITED(st) ? WEXITSTATUS(st) : st, err);
	return st;
}

static void test_dashboard_summary_has_no_escapes(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	char args[512];
	snprintf(args, sizeof args, "--scenario '%s' --headless --duration 2s --record '%s'", scenario, recording);
	int st = run_dashboard(args, NULL, 30000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(out, "summary:"));
	assert_non_null(strstr(out, "rush"));
	for (const char *p = out; *p; p++)
		if (*p == '\x1b' || *p == '\a') {
			print_error("a control byte 0x%02x at offset %td of the summary\n", *p, p - out);
			fail();
		}
}

/* The recording of the test above into a pipe (no --headless): the table with its
 * heading, every row, the summary, and the model's figures that were recorded. */
static void test_dashboard_replay_into_a_pipe_has_table_and_summary(void **state)
{
	(void)state;
	if (!have_binaries() || access(recording, R_OK) != 0)
		skip();
	char args[512];
	snprintf(args, sizeof args, "--replay '%s'", recording);
	int st = run_dashboard(args, NULL, 10000);
	print_message("%s", out);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(out, "arrive  served"));   /* the heading */
	assert_non_null(strstr(out, "    1 |"));           /* the first row */
	assert_non_null(strstr(out, "\nsummary: "));
	const char *tput = strstr(out, "\nthroughput ");
	assert_non_null(tput);
	assert_null(strstr(out, "model: not in this recording"));
	/* the model's figure in brackets, a rate, not "(-)" */
	const char *bracket = strchr(tput, '(');
	assert_non_null(bracket);
	assert_true(bracket[1] >= '0' && bracket[1] <= '9');
}

/* The recording of the test above, its last row cut in half. */
static void test_dashboard_replays_a_cut_recording(void **state)
{
	(void)state;
	if (!have_binaries() || access(recording, R_OK) != 0)
		skip();
	FILE *f = fopen(recording, "a");
	assert_non_null(f);
	fputs("3.000,blocking,blocking,1,1,20.0", f);
	fclose(f);
	char args[512];
	snprintf(args, sizeof args, "--replay '%s' --headless", recording);
	int st = run_dashboard(args, NULL, 10000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(err, "the last row is cut"));
	assert_non_null(strchr(out, '|')); /* the whole rows, as a table */
}

static void test_dashboard_replay_into_dev_full(void **state)
{
	(void)state;
	if (!have_binaries() || access(recording, R_OK) != 0)
		skip();
	char args[512];
	snprintf(args, sizeof args, "--replay '%s' --headless", recording);
	int st = run_dashboard(args, "/dev/full", 10000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	assert_non_null(strstr(err, "cannot write"));
	assert_non_null(strstr(err, "No space left"));
}

static void test_dashboard_json_into_dev_full(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	char args[512];
	snprintf(args, sizeof args, "--scenario '%s' --headless --duration 1s --json", scenario);
	int st = run_dashboard(args, "/dev/full", 30000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	assert_non_null(strstr(err, "cannot write"));
}

static void test_dashboard_record_into_dev_full(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	char args[512];
	snprintf(args, sizeof args, "--scenario '%s' --headless --duration 1s --record /dev/full", scenario);
	int st = run_dashboard(args, NULL, 30000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) != 0);
	assert_non_null(strstr(err, "/dev/full"));
	assert_non_null(strstr(err, "No space left"));
}

/* Defect 5 at the binary: refused with the reason, exit 2, nothing started. */
static void test_dashboard_refuses_a_scenario_that_writes_files(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	char bad[160], args[512];
	snprintf(bad, sizeof bad, "%s/bad.ini", dir);
	FILE *f = fopen(bad, "w");
	assert_non_null(f);
	fprintf(f, "loadgen_args = --percentiles %s/victim\n", dir);
	fclose(f);
	snprintf(args, sizeof args, "--scenario '%s' --headless --duration 1s", bad);
	int st = run_dashboard(args, NULL, 10000);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	assert_non_null(strstr(err, "--percentiles"));
	char victim[160];
	snprintf(victim, sizeof victim, "%s/victim", dir);
	assert_int_not_equal(access(victim, F_OK), 0);
}

/* ---- a preset key while recording, in tmux ---- */

static char tmux_sock[64];

/* Rows recorded in path after its line holding `after` (NULL: from the start). */
static int rows_after(const char *path, const char *after)
{
	char line[4096];
	int n = 0;
	bool counting = after == NULL;
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof line, f)) {
		if (!counting && strstr(line, after))
			counting = true;
		else if (counting && line[0] >= '0' && line[0] <= '9' && strchr(line, '\n'))
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

static bool wait_rows(const char *path, const char *after, int want, int timeout_ms)
{
	double end = tc_now_ms() + timeout_ms;
	while (rows_after(path, after) < want && tc_now_ms() < end)
		tc_sleep_ms(100);
	return rows_after(path, after) >= want;
}

static void test_dashboard_preset_key_while_recording(void **state)
{
	(void)state;
	if (!have_binaries())
		skip();
	if (tc_sh(NULL, 0, "command -v tmux >/dev/null") != 0) {
		print_message("skipped: tmux is not installed (make test installs it)\n");
		skip();
	}
	char dash[PATH_MAX], rec[160];
	assert_non_null(realpath(test_bin("dashboard"), dash));
	snprintf(rec, sizeof rec, "%s/preset.csv", dir);
	snprintf(tmux_sock, sizeof tmux_sock, "lunchrush-tdf-%d", (int)getpid());
	/* preset 2 (20/s), then key 3 (80/s): two light runs */
	assert_int_equal(tc_sh(NULL, 0, "tmux -L %s -f /dev/null new-session -d -s rec -x 100 -y 30 '%s --preset 2 --record %s'",
			    tmux_sock, dash, rec), 0);
	assert_true(wait_rows(rec, NULL, 2 * 2, 10000)); /* two ticks, both sides */
	tc_sh(NULL, 0, "tmux -L %s send-keys -t rec 3", tmux_sock);
	bool more = wait_rows(rec, "# scenario: at capacity", 2 * 2, 10000);
	tc_sh(NULL, 0, "tmux -L %s send-keys -t rec q", tmux_sock);
	double end = tc_now_ms() + 5000;
	while (tc_sh(NULL, 0, "tmux -L %s has-session -t rec 2>/dev/null", tmux_sock) == 0 && tc_now_ms() < end)
		tc_sleep_ms(50);
	assert_true(more);

	char args[512];
	snprintf(args, sizeof args, "--replay '%s'", rec);
	int st = run_dashboard(args, NULL, 10000);
	print_message("%s", out);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_non_null(strstr(out, "summary: quiet morning"));
	assert_non_null(strstr(out, "| scenario: at capacity"));
	assert_non_null(strstr(out, "(and 1 scenario change after it)"));
	/* the rows' clock never goes back across the restart */
	double last = -1;
	int rows = 0;
	for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++) {
		double t;
		char bar;
		if (sscanf(p + 1, "%lf %c", &t, &bar) == 2 && bar == '|') {
			if (t < last)
				print_error("row at %.0f s after %.0f s\n", t, last);
			assert_true(t >= last);
			last = t;
			rows++;
		}
	}
	assert_true(rows >= 4);

	/* on the screen, played at x4: the status bar names the frame's scenario, and the
	 * title rows carry the recorded model's figures (wide enough for ghost.c to draw) */
	assert_int_equal(tc_sh(NULL, 0, "tmux -L %s -f /dev/null new-session -d -s play -x 160 -y 36 '%s --replay %s --speed 4'",
			    tmux_sock, dash, rec), 0);
	static char screen[32768];
	bool named = false, model = false;
	end = tc_now_ms() + 5000;
	while (!(named && model) && tc_now_ms() < end) {
		tc_sleep_ms(100);
		assert_true(tc_sh(screen, sizeof screen, "tmux -L %s capture-pane -p -t play 2>/dev/null", tmux_sock) >= 0);
		named = strstr(screen, " at capacity | replay") != NULL;
		model = strstr(screen, " model ") != NULL && strstr(screen, " model ") < strchr(screen, '\n');
	}
	if (!(named && model))
		print_error("%s\n", screen);
	assert_true(named);
	assert_true(model);
}

static int tmux_teardown(void **state)
{
	(void)state;
	if (tmux_sock[0])
		tc_sh(NULL, 0, "tmux -L %s kill-server 2>/dev/null", tmux_sock);
	tmux_sock[0] = '\0';
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dashboard_summary_has_no_escapes),
		cmocka_unit_test(test_dashboard_replay_into_a_pipe_has_table_and_summary),
		cmocka_unit_test(test_dashboard_replays_a_cut_recording),
		cmocka_unit_test(test_dashboard_replay_into_dev_full),
		cmocka_unit_test(test_dashboard_json_into_dev_full),
		cmocka_unit_test(test_dashboard_record_into_dev_full),
		cmocka_unit_test(test_dashboard_refuses_a_scenario_that_writes_files),
		cmocka_unit_test_teardown(test_dashboard_preset_key_while_recording, tmux_teardown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
