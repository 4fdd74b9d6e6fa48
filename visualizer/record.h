/* record.h: --record FILE writes one row per second per restaurant; --replay FILE
 * plays it back without any server, for a classroom without a machine to spare.
 *
 * The format is CSV a spreadsheet or gnuplot reads: comment lines starting with '#'
 * (the first says "# lunchrush recording v2", the second names the scenario), one
 * header line naming the columns, then per tick one row per side:
 *   t_s,side,up,offered_rps,arrival_rps,throughput_rps,...   (see record.c's table)
 * Rates and latencies keep three decimals; the errors column lists "kind=count"
 * pairs joined by ';'; cashier_states is one digit (enum cashier_state) per slot; the
 * sim_* columns at the end are the model's second beside it (issue 13), "-" where
 * there is none. Every scenario change while recording (a preset, r, a live change)
 * adds a "# scenario: ..." line before the next tick: replay names each frame's
 * scenario, and its clock runs on where the run's clock restarted. v1 recordings (no
 * sim_* columns, no scenario lines after the first) still replay, their model absent.
 * Replay rebuilds snapshots, sparkline history included, from the rows alone.
 */
#ifndef LUNCHRUSH_RECORD_H
#define LUNCHRUSH_RECORD_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

struct recorder;

/* Create FILE and write the header. NULL with errno set (ENOSPC on a full disk). */
struct recorder *recorder_open(const char *path, const char *scenario_line);
/* Append a "# scenario: LINE" line: the scenario changed (the next ticks run it).
 * Whole or not at all, as recorder_write. 0 or -errno. */
int recorder_scenario(struct recorder *r, const char *scenario_line);
/* Append the rows of one tick (both sides that are present), whole or not at all: a
 * failed or short write is cut back to the last whole tick, and every later call
 * returns the same error. 0 or -errno. */
int recorder_write(struct recorder *r, const struct snapshot *s);
/* Close; 0, the first write error, or close's. recorder_close(NULL) is 0. */
int recorder_close(struct recorder *r);

/* Write/read one side's row alone (what the functions above and below are made of). */
void record_format_row(FILE *out, double t_s, enum arena_side side, const struct side_snapshot *ss);
int record_parse_row(const char *line, double *t_s, enum arena_side *side, struct side_snapshot *ss);
/* The same with the model's columns (pred NULL: written "-", or not wanted). A row
 * without them (v1) parses with pred->present false. */
void record_format_side(FILE *out, double t_s, enum arena_side side, const struct side_snapshot *ss,
			const struct side_predicted *pred);
int record_parse_side(const char *line, double *t_s, enum arena_side *side, struct side_snapshot *ss,
		      struct side_predicted *pred);

struct replay;

/* Check a whole recording and index its ticks (the rows stay in the file: memory is 24
 * bytes a tick). NULL with a one-line reason in err ("FILE:LINE: ..."). A last row
 * cut short is left out, with replay_warning saying so. */
struct replay *replay_open(const char *path, char *err, size_t errlen);
void replay_free(struct replay *r);

size_t replay_frames(const struct replay *r);                 /* ticks recorded */
const char *replay_scenario(const struct replay *r);          /* the first scenario line */
const char *replay_frame_scenario(const struct replay *r, size_t i); /* tick i's scenario line */
size_t replay_frame_scenario_index(const struct replay *r, size_t i); /* 0 the first, +1 a change */
const char *replay_warning(const struct replay *r);           /* "" or what was left out */
/* The snapshot of tick i (0-based), with the sparkline history of the ticks before and
 * the model's figures when recorded; elapsed_s on the recording's clock (never back);
 * read from the file (in order: one tick's rows a call). */
void replay_frame(struct replay *r, size_t i, struct snapshot *out);

#endif
