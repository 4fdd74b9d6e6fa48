/* picker.h: the preset menu (key p): presets 1-9, each with its name and the one-line
 * story of what it shows (scenario.c's table), drawn as a box over the dashboard; and
 * the story line the key row shows while a preset runs. The menu only chooses: the
 * keys (keys.c) restart the scenario with the preset picked.
 */
#ifndef LUNCHRUSH_PICKER_H
#define LUNCHRUSH_PICKER_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "view.h"

struct picker {
	bool open;        /* the menu is on the screen */
	int selected;     /* 1..SCENARIO_PRESETS: the row Enter would run */
};

/* Open the menu with the running preset selected (0: the first). */
void picker_open(struct picker *p, int running);

/* A key while the menu is open: 1-9 or Enter picks a preset and closes the menu (the
 * preset is returned); Up/Down (j/k) move; Esc, p or q close it (0). Any other key is
 * taken and does nothing, so that no key reaches the dashboard behind the menu. */
int picker_key(struct picker *p, int key);

/* " preset 5, chef at the register: 10 ms of CPU ..." for the key row, or "" when n is
 * not a preset 1..SCENARIO_PRESETS_ALL. Returns buf. */
const char *picker_story_line(int n, char *buf, size_t len);

/* The overlay, after the dashboard is drawn into w: the menu when st->picker is set,
 * and the story of st->preset over the key row (the last) when it is set. */
void picker_draw(WINDOW *w, const struct view_status *st, const struct view_opts *o);

#endif
