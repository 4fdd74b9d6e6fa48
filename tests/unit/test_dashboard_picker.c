/* test_dashboard_picker.c: the preset menu (key p) and the running preset's story
 * (issue 18): the keys that move, pick and close it; the menu drawn over the dashboard
 * with every preset's name and story; the story on the key row while a preset runs,
 * and not otherwise. Drawn with ncurses on a pseudo-terminal, as test_dashboard_view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "../../visualizer/picker.h"
#include "../../visualizer/scenario.h"
#include "../../visualizer/view.h"

static SCREEN *screen;
static FILE *term_out, *term_in;
static int master_fd = -1;
static char text[64 * 1024];

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	master_fd = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master_fd >= 0);
	assert_int_equal(grantpt(master_fd), 0);
	assert_int_equal(unlockpt(master_fd), 0);
	const char *slave = ptsname(master_fd);
	assert_non_null(slave);
	term_out = fopen(slave, "w");
	term_in = fopen(slave, "r");
	assert_non_null(term_out);
	assert_non_null(term_in);
	fcntl(master_fd, F_SETFL, O_NONBLOCK); /* nothing reads the master: drained below */
	screen = newterm("xterm-256color", term_out, term_in);
	if (!screen)
		screen = newterm("vt100", term_out, term_in);
	assert_non_null(screen);
	set_term(screen);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(screen);
	fclose(term_out);
	fclose(term_in);
	close(master_fd);
	return 0;
}

static void drain(void)
{
	char buf[4096];
	while (read(master_fd, buf, sizeof buf) > 0)
		;
}

static const char *window_text(WINDOW *w)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	size_t used = 0;
	text[0] = '\0';
	for (int y = 0; y < rows; y++) {
		wchar_t line[512];
		int n = mvwinnwstr(w, y, 0, line, cols < 511 ? cols : 511);
		line[n > 0 ? n : 0] = L'\0';
		char mb[2048];
		size_t len = wcstombs(mb, line, sizeof mb - 1);
		mb[len == (size_t)-1 ? 0 : len] = '\0';
		used += (size_t)snprintf(text + used, sizeof text - used, "%s\n", mb);
	}
	return text;
}

/* Row y of the last window_text. */
static const char *row_of(const char *t, int y, char *buf, size_t cap)
{
	for (int i = 0; i < y && t; i++) {
		t = strchr(t, '\n');
		t = t ? t + 1 : NULL;
	}
	const char *end = t ? strchr(t, '\n') : NULL;
	snprintf(buf, cap, "%.*s", t && end ? (int)(end - t) : 0, t ? t : "");
	return buf;
}

static void assert_on_screen(const char *t, const char *part)
{
	if (!strstr(t, part)) {
		print_error("'%s' is not on the screen\n", part);
		fputs(t, stderr);
		fail();
	}
}

static const char *draw_opts(int rows, int cols, struct view_status st, struct view_opts o)
{
	struct snapshot s;
	memset(&s, 0, sizeof s);
	WINDOW *pad = newpad(rows, cols);
	assert_non_null(pad);
	view_setup(&o);
	view_draw(pad, &s, &st, &o);
	const char *t = window_text(pad);
	delwin(pad);
	drain();
	return t;
}

static const char *draw(int rows, int cols, struct view_status st)
{
	return draw_opts(rows, cols, st, (struct view_opts){ .color = true });
}

static void test_picker_keys(void **state)
{
	(void)state;
	struct picker p = { 0 };
	picker_open(&p, 0);
	assert_true(p.open);
	assert_int_equal(p.selected, 1);
	assert_int_equal(picker_key(&p, KEY_UP), 0); /* wraps round */
	assert_int_equal(p.selected, SCENARIO_PRESETS);
	assert_int_equal(picker_key(&p, KEY_DOWN), 0);
	assert_int_equal(picker_key(&p, 'j'), 0);
	assert_int_equal(picker_key(&p, 'j'), 0);
	assert_int_equal(p.selected, 3);
	assert_int_equal(picker_key(&p, '+'), 0); /* taken, nothing happens: still open */
	assert_true(p.open);
	assert_int_equal(picker_key(&p, '\n'), 3);
	assert_false(p.open);
	picker_open(&p, 7); /* the running preset is selected */
	assert_int_equal(p.selected, 7);
	assert_int_equal(picker_key(&p, '5'), 5);
	assert_false(p.open);
	picker_open(&p, 2);
	assert_int_equal(picker_key(&p, 27), 0); /* Esc closes without a choice */
	assert_false(p.open);
	picker_open(&p, 2);
	assert_int_equal(picker_key(&p, 'p'), 0);
	assert_false(p.open);
	char line[200];
	assert_string_equal(picker_story_line(0, line, sizeof line), "");
	assert_string_equal(picker_story_line(SCENARIO_PRESETS_ALL + 1, line, sizeof line), "");
	picker_story_line(8, line, sizeof line);
	assert_non_null(strstr(line, "thread per connection"));
}

/* Open: every preset's name and story in the box, the selected one among them. */
static void test_picker_menu_drawn(void **state)
{
	(void)state;
	struct picker p;
	picker_open(&p, 5);
	struct view_status st = { .scenario = "lunch rush", .mode = "live", .rate = 120, .cook_ms = 50,
				  .keepalive = true, .picker = &p };
	const char *t = draw(36, 120, st);
	assert_on_screen(t, "presets: each restarts both restaurants");
	for (int n = 1; n <= SCENARIO_PRESETS; n++) {
		char want[80];
		snprintf(want, sizeof want, "%d  %s", n, scenario_preset_name(n));
		assert_on_screen(t, want);
		snprintf(want, sizeof want, "%.60s", scenario_preset_story(n));
		assert_on_screen(t, want);
	}
	assert_on_screen(t, "Esc or p: close");
	/* at the smallest screen each preset still has its row, its story cut to fit */
	t = draw(18, 76, st);
	for (int n = 1; n <= SCENARIO_PRESETS; n++)
		assert_on_screen(t, scenario_preset_name(n));
	/* --ascii: the box and the stories in plain ASCII */
	t = draw_opts(36, 120, st, (struct view_opts){ .ascii = true });
	assert_on_screen(t, "+----");
	for (const char *c = t; *c; c++)
		assert_true((unsigned char)*c < 0x80);
	/* closed: no box */
	st.picker = NULL;
	t = draw(36, 120, st);
	assert_null(strstr(t, "presets: each restarts"));
}

/* A preset running: its name and story on the key row; none running: the keys. */
static void test_picker_story_on_key_row(void **state)
{
	(void)state;
	struct view_status st = { .scenario = "chef at the register", .mode = "live", .rate = 120, .cook_ms = 50,
				  .work_us = 10000, .keepalive = true, .preset = 5 };
	char row[1024];
	const char *t = draw(36, 120, st);
	row_of(t, 35, row, sizeof row);
	print_message("key row: %s\n", row);
	assert_non_null(strstr(row, "preset 5, chef at the register: "));
	assert_non_null(strstr(row, scenario_preset_story(5)));
	assert_non_null(strstr(row, "p presets"));
	st.preset = 0;
	t = draw(36, 120, st);
	row_of(t, 35, row, sizeof row);
	assert_null(strstr(row, "preset 5"));
	assert_non_null(strstr(row, "+/- rate"));
	st.preset = 5; /* a replay's own key line wins */
	st.keys = " space pause";
	t = draw(36, 120, st);
	row_of(t, 35, row, sizeof row);
	assert_null(strstr(row, "preset 5"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_picker_keys),
		cmocka_unit_test(test_picker_menu_drawn),
		cmocka_unit_test(test_picker_story_on_key_row),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
