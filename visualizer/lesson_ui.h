/* lesson_ui.h: the interactive lessons (ncurses): the menu with progress marks, and a
 * lesson's pane beside the live restaurants, advanced with Enter. */
#ifndef LUNCHRUSH_LESSON_UI_H
#define LUNCHRUSH_LESSON_UI_H

#include <stdbool.h>

#include "lesson_doc.h"

struct lesson_ui_opts {
	bool ascii, big, color;     /* as the dashboard's --ascii, --big, NO_COLOR */
	const char *bin_dir;        /* where the binaries are */
	const char *lessons_dir;    /* where the lessons are */
};

/* The menu: pick a lesson, run it, come back; q leaves. Returns the exit status. */
int lesson_ui_menu(const struct lesson_ui_opts *o);

/* One lesson from its first page to its last. Returns the exit status. */
int lesson_ui_lesson(const struct lesson_ui_opts *o, const struct lesson *l);

#endif
