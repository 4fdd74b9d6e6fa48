/* view_parts.h: the pieces both layouts of a half draw (the normal one in view.c, the
 * projector one in view_big.c): the half's frame, its title, a side that is down, a
 * crowd of glyphs, and figures that say "no data" instead of zero.
 */
#ifndef LUNCHRUSH_VIEW_PARTS_H
#define LUNCHRUSH_VIEW_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "model.h"
#include "viewkit.h"

struct half {
	WINDOW *w;
	int y, x, width, height;
	const struct view_opts *o;
	const struct glyphs *g;
	bool replay;             /* a recording's frame: what it did not keep is said so */
};

/* What both halves share: the throughput axis's top, the unit of the big p99. */
struct shared_scales {
	double rate_top;         /* scale_rate_top */
	bool p99_in_s;           /* --big: both p99s in seconds (the larger is >= 1 s) */
};

attr_t half_attr(const struct half *h, enum vattr a);

/* A row of n glyphs from x to the edge of the half, "+N" for those that do not fit;
 * rows > 1 continues below, aligned. */
void half_crowd(const struct half *h, int y, int x, int rows, int64_t n, const char *glyph, attr_t attr);

void half_title(const struct half *h, int y, enum arena_side side, const struct side_snapshot *ss);

/* A side that is down says why and how to bring it back, nothing else. */
void half_down(const struct half *h, int y, const struct side_snapshot *ss);

/* fmt_ms, or the glyph for no data when there is none (has is false). */
char *half_ms(const struct half *h, char *buf, size_t len, bool has, double ms);

/* The customers waiting anywhere: outside (in the client), at the door (the accept
 * queue) and in the line, summed without overflow. */
int64_t half_waiting(const struct side_snapshot *ss);

/* Nothing measured yet on this side: the first tick after a start or a restart. */
bool half_warming(const struct side_snapshot *ss);

/* Its loop or a cashier is frozen on purpose ("the chef faints"). */
bool half_frozen(const struct side_snapshot *ss);

#endif
