/* lesson_menu.c: the lessons' menu (`make lesson`): every lesson with its progress
 * mark, the first one not done selected; Enter runs it in lesson_ui.c and comes back. */
#include "lesson_ui.h"

#include <curses.h>
#include <stdio.h>

#include "lesson_progress.h"
#include "lesson_vars.h"
#include "../../visualizer/view.h"
#include "../../visualizer/viewkit.h"

#define KEY_ENTER_CR 13
#define KEY_ESC 27

struct menu_item {
	char path[LESSON_PATH_MAX];
	char slug[64];
	char title[LESSON_TITLE_MAX];
	int number;
};

static int menu_load(const char *dir, struct menu_item *items, int max)
{
	static char paths[LESSON_MAX_FILES][LESSON_PATH_MAX];
	char err[300];
	int n = lesson_list_files(dir, paths, max < LESSON_MAX_FILES ? max : LESSON_MAX_FILES), k = 0;
	for (int i = 0; i < n; i++) {
		struct lesson *l = lesson_load(paths[i], err, sizeof err);
		if (!l)
			continue;
		snprintf(items[k].path, sizeof items[k].path, "%s", l->path);
		snprintf(items[k].slug, sizeof items[k].slug, "%s", l->slug);
		snprintf(items[k].title, sizeof items[k].title, "%s", l->title);
		items[k++].number = l->number;
		lesson_free(l);
	}
	return k;
}

static void menu_draw(const struct view_opts *vo, const struct menu_item *items, int n, int sel)
{
	char path[512];
	erase();
	int cols = COLS;
	vk_put(stdscr, 0, 0, cols, viewkit_attr(vo, VA_TITLE), " lunchrush lessons: predict, run, observe, explain%*s",
	       cols, "");
	for (int i = 0; i < n; i++) {
		attr_t a = i == sel ? A_REVERSE : A_NORMAL;
		vk_put(stdscr, 2 + i, 2, cols - 2, a, " %s %2d  %-50s ", progress_mark_text(progress_get(items[i].slug)),
		       items[i].number, items[i].title);
	}
	if (progress_path(path, sizeof path) < 0)
		snprintf(path, sizeof path, "(no HOME: progress is not kept)");
	vk_put(stdscr, n + 3, 2, cols - 2, viewkit_attr(vo, VA_DIM), "[x] done  [~] started, or finished with a prediction skipped.  Progress: %s", path);
	vk_put(stdscr, LINES - 1, 0, cols, A_REVERSE, " Up/Down choose   Enter start   q quit%*s", cols, "");
	refresh();
}

int lesson_ui_menu(const struct lesson_ui_opts *o)
{
	struct menu_item items[LESSON_MAX_FILES];
	char err[300];
	int n = menu_load(o->lessons_dir, items, LESSON_MAX_FILES), sel = 0, rc = 0;
	if (n == 0) {
		fprintf(stderr, "dashboard: no lessons in %s\n", o->lessons_dir);
		return 1;
	}
	struct view_opts vo = { .ascii = o->ascii, .big = o->big, .color = o->color };
	lesson_screen_open(&vo);
	for (int i = 0; i < n; i++) /* start on the first lesson not done */
		if (progress_get(items[i].slug) != MARK_DONE) {
			sel = i;
			break;
		}
	while (!lesson_ui_stopped()) {
		menu_draw(&vo, items, n, sel);
		int key = lesson_read_key(1000);
		if (key == 'q' || key == KEY_ESC)
			break;
		if ((key == KEY_UP || key == 'k') && sel > 0)
			sel--;
		if ((key == KEY_DOWN || key == 'j') && sel < n - 1)
			sel++;
		if (key >= '1' && key <= '9' && key - '1' < n)
			sel = key - '1';
		if (key != '\n' && key != KEY_ENTER_CR && key != KEY_ENTER)
			continue;
		struct lesson *l = lesson_load(items[sel].path, err, sizeof err);
		if (l && lesson_validate(l, err, sizeof err) == 0)
			rc = lesson_ui_lesson(o, l);
		lesson_free(l);
		if (rc > 128) /* stopped by a signal */
			break;
		if (sel < n - 1 && progress_get(items[sel].slug) == MARK_DONE)
			sel++;
	}
	lesson_screen_close();
	return lesson_ui_stopped() ? lesson_ui_stop_status() : 0;
}
