/* keys.h: what a key does, as in htop: a handler changes the app (through the control
 * slots, the arena or the replay position) and returns flags; it never draws. */
#ifndef LUNCHRUSH_KEYS_H
#define LUNCHRUSH_KEYS_H

#include <stdint.h>

#include "app.h"

enum {
	KEYS_HANDLED = 1,  /* the key meant something */
	KEYS_REDRAW = 2,   /* the screen should be drawn again */
	KEYS_QUIT = 4,     /* leave the dashboard */
};

#define FREEZE_MS 2000   /* "the chef faints" for two seconds */

/* Handle one key (an ncurses key code). Returns KEYS_* flags. */
int keys_handle(struct app *app, int key, uint64_t now_ns);

#endif
