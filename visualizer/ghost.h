/* ghost.h: the model's figures drawn over the live screen (key m toggles them): in
 * each half's title row "model 79.9/s p99 1.80s line 218" (the last simulated second;
 * the line as it is now), a '!' when the measured figure is further off than the tolerance (5 % throughput, 25 % p99), and a
 * dim marker on the line row where the model's line ends. Drawn after view_draw, so
 * the view itself stays a function of the snapshot alone.
 */
#ifndef LUNCHRUSH_GHOST_H
#define LUNCHRUSH_GHOST_H

#include <curses.h>

#include "model.h"
#include "sim_bridge.h"
#include "view.h"

void ghost_draw(WINDOW *w, const struct sim_ghost *g, const struct snapshot *s, const struct view_opts *o);

#endif
