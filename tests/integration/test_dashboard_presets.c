/* test_dashboard_presets.c: the preset menu in the real dashboard (a private tmux
 * server, 120x36; issue 18): a preset started with --preset says its name and story
 * on the screen; `p` opens the menu of the nine with their stories; a digit in it
 * restarts on that preset, whose name and story then show; Esc closes the menu and
 * the keys behind it are not taken meanwhile. Skips while tmux or the dashboard is
 * missing. Light load: the quiet morning (20/s), then the thread per connection. */
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

/* Wait until the screen shows `want` (10 s at most: a restart starts four processes);
 * the screen is left in buf. */
static bool wait_for(const char *want, char *buf, size_t cap)
{
	double t0 = tc_now_ms();
	do {
		tc_sh(buf, cap, "tmux -L %s capture-pane -p -t dash 2>/dev/null", sock);
		if (strstr(buf, want))
			return true;
		tc_sleep_ms(100);
	} while (tc_now_ms() - t0 < 10000);
	fprintf(stderr, "waited for '%s'; the screen:\n%s\n", want, buf);
	return false;
}

static void keys(const char *k)
{
	tc_sh(NULL, 0, "tmux -L %s send-keys -t dash %s", sock, k);
	tc_sleep_ms(200);
}

static void test_dashboard_preset_menu(void **state)
{
	(void)state;
	if (!test_bin_built("dashboard"))
		skip();
	if (tc_sh(NULL, 0, "command -v tmux >/dev/null") != 0) {
		print_message("skipped: tmux is not installed (make test installs it)\n");
		skip();
	}
	char dash[PATH_MAX], screen[32768], out[64];
	assert_non_null(realpath(test_bin("dashboard"), dash));
	snprintf(sock, sizeof sock, "lunchrush-presets-%d", (int)getpid());
	assert_int_equal(tc_sh(NULL, 0, "tmux -L %s -f /dev/null new-session -d -s dash -x 120 -y 36 '%s --preset 2' 2>&1",
			    sock, dash), 0);
	tc_sh(out, sizeof out, "tmux -L %s display -p -t dash '#{pane_pid}'", sock);
	pid_t dpid = atoi(out);
	assert_true(dpid > 0);

	/* --preset 2: its name in the status bar, its story on the key row */
	assert_true(wait_for("preset 2, quiet morning: 20 a second", screen, sizeof screen));
	assert_non_null(strstr(screen, " quiet morning | live |"));

	/* p: the menu, every preset with its story; '+' behind it changes nothing */
	keys("p");
	assert_true(wait_for("presets: each restarts both restaurants", screen, sizeof screen));
	assert_non_null(strstr(screen, "5  chef at the register"));
	assert_non_null(strstr(screen, "8  thread per connection"));
	assert_non_null(strstr(screen, "the handshake is most of the wait"));
	keys("+");
	keys("Escape");
	tc_sleep_ms(300);
	tc_sh(screen, sizeof screen, "tmux -L %s capture-pane -p -t dash", sock);
	assert_null(strstr(screen, "presets: each restarts"));
	assert_non_null(strstr(screen, "| 20.0/s |"));   /* the '+' went to the menu, not the load */

	/* p then 8: the thread per connection runs, and says so */
	keys("p");
	assert_true(wait_for("presets: each restarts", screen, sizeof screen));
	keys("8");
	assert_true(wait_for("preset 8, thread per connection: --threads 0", screen, sizeof screen));
	assert_true(wait_for(" thread per connection | live |", screen, sizeof screen));
	assert_null(strstr(screen, "presets: each restarts"));
	keys("q");
	assert_true(proc_wait_gone(dpid, 8000));
}

static int teardown(void **state)
{
	(void)state;
	if (sock[0])
		tc_sh(NULL, 0, "tmux -L %s kill-server 2>/dev/null", sock);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_dashboard_preset_menu, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
