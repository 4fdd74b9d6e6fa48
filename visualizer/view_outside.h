/* view_outside.h: the scene of a black-box half (a server with no scoreboard: Node.js,
 * Go, nginx, a command, a URL), drawn from a snapshot like the rest of the view: the
 * customers outside and in flight (the load generator's), the door (the kernel's
 * accept queue), what cannot be seen inside, and the kernel's listen counters.
 */
#ifndef LUNCHRUSH_VIEW_OUTSIDE_H
#define LUNCHRUSH_VIEW_OUTSIDE_H

#include <curses.h>

#include "model.h"
#include "view.h"

/* Draw from row y in the columns x .. x + width - 1, giving the crowd line_rows rows.
 * Returns the next free row. */
int view_outside_scene(WINDOW *w, int y, int x, int width, int line_rows, const struct side_snapshot *ss,
		       const struct view_opts *o);

/* The process line of a black box: its tree's threads, memory, CPU, context switches. */
void view_outside_process(WINDOW *w, int y, int x, int width, const struct side_snapshot *ss,
			  const struct view_opts *o);

#endif
