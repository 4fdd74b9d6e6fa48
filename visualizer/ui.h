/* ui.h: the interactive screen (ncurses) for the live, attach and replay modes. */
#ifndef LUNCHRUSH_UI_H
#define LUNCHRUSH_UI_H

#include "app.h"

/* Run until q, SIGINT, SIGTERM or SIGHUP; the terminal is restored on return. 0. */
int ui_run(struct app *app);

#endif
