/* view.h: draw a snapshot into an ncurses window. Nothing here reads a scoreboard,
 * a file or the clock: the same snapshot always draws the same screen, which is what
 * the view test checks and what makes replay free.
 */
#ifndef LUNCHRUSH_VIEW_H
#define LUNCHRUSH_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "model.h"

struct view_opts {
	bool ascii;   /* ASCII glyphs instead of UTF-8 (--ascii, or a non-UTF-8 locale) */
	bool big;     /* projector layout: fewer, larger figures (--big) */
	bool color;   /* colour pairs; false: bold/reverse/dim only */
	bool explain; /* the explain overlay: each part of the scene named in place (key e) */
};

struct picker;

/* The status bar and overlays: what is not a measurement of a restaurant. */
struct view_status {
	const char *scenario;    /* its name */
	const char *mode;        /* "live", "attach", "replay x4 paused", ... */
	const char *message;     /* feedback of the last key, or NULL */
	bool help;               /* draw the help box */
	double elapsed_s;
	double rate;             /* arrivals per second in force */
	uint32_t cook_ms, work_us;
	bool keepalive, paused;
	const char *keys;        /* the key line; NULL: the live keys */
	int preset;              /* the running preset: its story over the key line (picker.c); 0: none */
	const struct picker *picker; /* the preset menu (key p) when open, or NULL */
	bool restarting;         /* the restaurants are being stopped and started again:
	                          * no figure is drawn, only a banner that says so */
};

/* After initscr/newterm: set up colour pairs when the terminal has colours (o->color is
 * cleared when it has none). */
void view_setup(struct view_opts *o);

/* The terminal as the dashboard and the lessons use it: curses started, keys unbuffered
 * and unechoed, the arrow keys decoded (Esc after 25 ms), no cursor, then view_setup. */
void view_screen_open(struct view_opts *o);

/* The smallest window the layout is readable in. */
void view_min_size(const struct view_opts *o, int *rows, int *cols);

/* Draw everything into w (werase first, wnoutrefresh last; the caller does doupdate).
 * A window smaller than view_min_size gets a message saying the size needed. */
void view_draw(WINDOW *w, const struct snapshot *s, const struct view_status *st, const struct view_opts *o);

#endif
