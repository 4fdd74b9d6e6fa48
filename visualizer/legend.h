/* legend.h: the words on the dashboard explained (issue 18): the help box (? key), with
 * the keys and a legend of every word on the screen, and the texts of the explain
 * overlay (e key), which view.c draws beside the part each one names.
 */
#ifndef LUNCHRUSH_LEGEND_H
#define LUNCHRUSH_LEGEND_H

#include <stdbool.h>

#include <curses.h>

#include "view.h"

/* The parts of a half the explain overlay names. */
enum legend_part {
	PART_OUTSIDE,    /* the outside / door / conns row */
	PART_LINE,
	PART_CASHIERS,   /* or the loop */
	PART_LOOP,
	PART_KITCHEN,
	PART_SERVED,     /* the throughput chart */
	PART_LATENCY,    /* the latency chart */
	PART_PROCESS,
	PART_LOOP_LAG,
	PART_LITTLE,
	PART_COUNT,
};

/* The short text for a part, as the overlay shows it in place. */
const char *legend_explain(enum legend_part p);

/* The legend's lines: "word   what it means", one a word, NULL-terminated. */
extern const char *const legend_words[];

/* The help box: the live keys (or a replay's) and the legend, centred in w. */
void legend_help(WINDOW *w, int rows, int cols, const struct view_opts *o, bool replay);

#endif
