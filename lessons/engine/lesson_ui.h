/* lesson_ui.h: the interactive lessons (ncurses): the menu with progress marks
 * (lesson_menu.c), and a lesson's pane beside the live restaurants, advanced with Enter
 * (lesson_ui.c). */
#ifndef LUNCHRUSH_LESSON_UI_H
#define LUNCHRUSH_LESSON_UI_H

#include <stdbool.h>

#include "lesson_doc.h"

struct lesson_ui_opts {
	bool ascii, big, color;     /* as the dashboard's --ascii, --big, NO_COLOR */
	const char *bin_dir;        /* where the binaries are */
	const char *lessons_dir;    /* where the lessons are */
	const char *replay;         /* a lesson recording (lesson_record.h) shown instead of
	                             * running the restaurants; NULL: run them */
};

/* The menu: pick a lesson, run it, come back; q leaves. Returns the exit status. */
int lesson_ui_menu(const struct lesson_ui_opts *o);

/* One lesson from its first page to its last. Returns the exit status (130 after
 * SIGINT, SIGTERM or SIGHUP). */
int lesson_ui_lesson(const struct lesson_ui_opts *o, const struct lesson *l);

/* Whether the last lesson_ui_lesson ended on its closing page (Enter: back to the
 * menu), rather than with q or a signal. */
bool lesson_ui_last_finished(void);

/* Shared by the menu and the lesson (lesson_ui.c): the terminal opened once (signals
 * caught, colours set up), a key within wait_ms (ERR if none), and whether a signal
 * asked us to leave. */
struct view_opts;
void lesson_screen_open(struct view_opts *vo);
void lesson_screen_close(void);
int lesson_read_key(int wait_ms);
bool lesson_ui_stopped(void);
/* 128 + the signal that stopped it (130 for Ctrl-C, 143 for SIGTERM), as a shell says. */
int lesson_ui_stop_status(void);

#endif
