/* test_dashboard_lesson_ui.c: a lesson in its terminal (a private tmux server, 120x36),
 * run from a recording (--replay) so that no restaurant runs and the test is quick.
 * Issue 15's and 18's learner checks: the step's heading reads as a sentence; Enter on an empty prediction does not run the step; Esc
 * skips it explicitly, and a lesson with a skipped prediction stays started (the
 * closing page says so); `?` shows the glossary; the end's Enter goes to the menu even
 * when the lesson was started on its own (make lesson N=7); a lesson whose predictions
 * were made is marked done. Skips with a message while tmux or the dashboard is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testlib.h"

static char sock[64];
static char dir[] = "/tmp/lunchrush-lesson-ui-XXXXXX";

/* Wait until the screen shows `want` (5 s at most); the screen is left in buf. */
static bool wait_for(const char *want, char *buf, size_t cap)
{
	double t0 = tc_now_ms();
	do {
		tc_sh(buf, cap, "tmux -L %s capture-pane -p -J -t les 2>/dev/null", sock);
		if (strstr(buf, want))
			return true;
		tc_sleep_ms(100);
	} while (tc_now_ms() - t0 < 5000);
	fprintf(stderr, "waited for '%s'; the screen:\n%s\n", want, buf);
	return false;
}

static void keys(const char *k)
{
	tc_sh(NULL, 0, "tmux -L %s send-keys -t les %s", sock, k);
	tc_sleep_ms(150);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void start(const char *dash)
{
	assert_int_equal(tc_sh(NULL, 0, "tmux -L %s -f /dev/null new-session -d -s les -x 120 -y 36 "
				     "'XDG_STATE_HOME=%s %s --lesson %s/01-t.md --lessons %s --replay %s/t.rec' 2>&1",
			    sock, dir, dash, dir, dir, dir), 0);
}

static void test_lesson_ui_predictions(void **state)
{
	(void)state;
	if (!test_bin_built("dashboard"))
		skip();
	if (tc_sh(NULL, 0, "command -v tmux >/dev/null") != 0) {
		print_message("skipped: tmux is not installed (make test installs it)\n");
		skip();
	}
	char dash[PATH_MAX], path[PATH_MAX + 64], screen[32768];
	assert_non_null(realpath(test_bin("dashboard"), dash));
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof sock, "lunchrush-lesson-%d", (int)getpid());
	snprintf(path, sizeof path, "%s/01-t.md", dir);
	write_file(path, "# A test lesson\n\nIntro.\n\n```lesson\ntitle = four cashiers\nrate = 120\nevented = no\n"
			 "predict = \"How many orders a second?\"\npredict_measured = measured.blocking.throughput_rps\n"
			 "predict_theory = theory.blocking.bound_rps\ntypical_guess = 120\n"
			 "hint = 120 = you counted arrivals\nclaim = about 80\n"
			 "check = measured.blocking.throughput_rps within 15% of theory.blocking.bound_rps\n```\n\n"
			 "## Try this next\n\nMore.\n\n## Where the idea comes from\n\nHere.\n");
	snprintf(path, sizeof path, "%s/t.rec", dir);
	write_file(path, "lunchrush-lesson-recording 1\nlesson 01-t\nrecorded 2026-12-04 20:00 UTC\n"
			 "durations check\nstep 1 free_cores 2\nstep 1 side blocking 1 1 0 4\n"
			 "step 1 measured blocking throughput_rps 79.5\n");

	/* 1: an empty Enter waits; Esc skips; the lesson stays started */
	start(dash);
	assert_true(wait_for("Enter: make your prediction", screen, sizeof screen));
	assert_non_null(strstr(screen, "Replayed from"));
	/* the heading is a sentence whose parts add up (1.5 s + 8 s), and the status bar
	 * names the step once: its title, then "lesson 1, step 1 of 1" */
	assert_non_null(strstr(screen, "> Step 1 of 1: four cashiers. It runs"));
	/* each number tied to its unit (a no-break space): the wrap never splits "9.5 s" */
	assert_non_null(strstr(screen, "9.5\u00a0s: 1.5\u00a0s to warm up, then 8\u00a0s"));
	assert_non_null(strstr(screen, "four cashiers | lesson 1, step 1 of 1 |"));
	assert_null(strstr(screen, "lesson 1: four cashiers"));
	keys("Enter");
	assert_true(wait_for("Your prediction:", screen, sizeof screen));
	keys("Enter");
	assert_true(wait_for("Type a number first", screen, sizeof screen));
	assert_null(strstr(screen, "What happened"));
	keys("Escape");
	assert_true(wait_for("Step 1 of 1: four cashiers. What happened", screen, sizeof screen));
	keys("Enter");
	assert_true(wait_for("You skipped 1 prediction", screen, sizeof screen));
	keys("Enter");
	assert_true(wait_for("lunchrush lessons", screen, sizeof screen)); /* back to the menu */
	assert_non_null(strstr(screen, "[~]"));
	keys("q");
	tc_sleep_ms(300);
	snprintf(path, sizeof path, "%s/lunchrush/progress", dir);
	char progress[512] = "";
	tc_sh(progress, sizeof progress, "cat %s", path);
	print_message("progress after a skipped prediction: %s", progress);
	assert_non_null(strstr(progress, "01-t started"));

	/* 2: a number runs the step, its hint shows, ? shows the glossary, and it is done */
	tc_sh(NULL, 0, "tmux -L %s kill-server 2>/dev/null", sock);
	start(dash);
	assert_true(wait_for("Enter: make your prediction", screen, sizeof screen));
	keys("Enter");
	keys("1 2 0 Enter");
	assert_true(wait_for("Step 1 of 1: four cashiers. What happened", screen, sizeof screen));
	assert_true(wait_for("you counted arrivals", screen, sizeof screen));
	keys("?");
	assert_true(wait_for("The words of the lessons", screen, sizeof screen));
	assert_non_null(strstr(screen, "door:"));
	keys("x");
	assert_true(wait_for("Step 1 of 1: four cashiers. What happened", screen, sizeof screen));
	keys("Enter");
	assert_true(wait_for("End of the lesson", screen, sizeof screen));
	assert_null(strstr(screen, "You skipped"));
	keys("Enter");
	assert_true(wait_for("lunchrush lessons", screen, sizeof screen));
	keys("q");
	tc_sleep_ms(300);
	tc_sh(progress, sizeof progress, "cat %s", path);
	print_message("progress after a made prediction: %s", progress);
	assert_non_null(strstr(progress, "01-t done"));
}

static int teardown(void **state)
{
	(void)state;
	if (sock[0])
		tc_sh(NULL, 0, "tmux -L %s kill-server 2>/dev/null", sock);
	if (strstr(dir, "XXXXXX") == NULL)
		tc_sh(NULL, 0, "rm -rf '%s'", dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lesson_ui_predictions, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
