/* viewkit.h: the drawing bricks of the view: glyph sets (UTF-8 or ASCII), colour or
 * monochrome attributes, text clipped to a width, sparklines and big digits. */
#ifndef LUNCHRUSH_VIEWKIT_H
#define LUNCHRUSH_VIEWKIT_H

#include <stdbool.h>

#include <curses.h>

#include "scoreboard.h"
#include "view.h"

enum vattr { VA_NORMAL = 0, VA_TITLE, VA_GOOD, VA_WARN, VA_BAD, VA_DIM, VA_BAR, VA_CUSTOMER, VA_COUNT };

struct glyphs {
	const char *customer;                        /* one person waiting */
	const char *cooking;                         /* one order in the kitchen */
	const char *cashier[CASHIER_STATE_COUNT];    /* a cashier slot by state */
	const char *spark[8];                        /* sparkline levels, low to high */
	const char *block;                           /* a big digit's pixel */
	const char *vline;                           /* between the halves */
	const char *ok, *bad;                        /* Little's law holds / does not */
	const char *lambda;
	const char *none;                            /* no data: never drawn as a zero */
	const char *mark;                            /* the arrival rate's line on a chart */
	const char *point;                           /* a big number's decimal point */
};

const struct glyphs *viewkit_glyphs(const struct view_opts *o);
attr_t viewkit_attr(const struct view_opts *o, enum vattr a);

/* printf into w at (y, x), clipped to maxw columns (UTF-8 aware: every glyph used is
 * one column wide). Returns the columns written. */
int vk_put(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Draw n values (the last ones that fit in width) as a sparkline of height rows,
 * scaled to the largest; values below zero count as zero. */
void vk_sparkline(WINDOW *w, int y, int x, int width, int height, const float *v, int n,
		  const struct glyphs *g, attr_t attr);

/* A frame of box-drawing lines (ASCII under --ascii) round the whole of w, h x wd. */
void vk_frame(WINDOW *w, int h, int wd, const struct view_opts *o);

/* Draw text of digits, '.', ':', '-', '/', 'm', 's' and spaces five rows high; other
 * characters are drawn small at the bottom row. Returns the columns used. */
int vk_bigtext(WINDOW *w, int y, int x, int maxw, const char *text, const struct glyphs *g, attr_t attr);

#endif
