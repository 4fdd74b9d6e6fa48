/* record.h: --record FILE writes one row per second per restaurant; --replay FILE
 * plays it back without any server, for a classroom without a machine to spare.
 *
 * The format is CSV a spreadsheet or gnuplot reads: comment lines starting with '#'
 * (the first says "# lunchrush recording v1", the second names the scenario), one
 * header line naming the columns, then per tick one row per side:
 *   t_s,side,up,offered_rps,arrival_rps,throughput_rps,...   (see record.c's table)
 * Rates and latencies keep three decimals; the errors column lists "kind=count"
 * pairs joined by ';'; cashier_states is one digit (enum cashier_state) per slot.
 * Replay rebuilds snapshots, sparkline history included, from the rows alone.
 */
#ifndef LUNCHRUSH_RECORD_H
#define LUNCHRUSH_RECORD_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

struct recorder;

/* Create FILE and write the header. NULL with errno set. */
struct recorder *recorder_open(const char *path, const char *scenario_line);
/* Append the rows of one tick (both sides that are present), flushed. 0 or -errno. */
int recorder_write(struct recorder *r, const struct snapshot *s);
void recorder_close(struct recorder *r);

/* Write/read one side's row alone (what the functions above and below are made of). */
void record_format_row(FILE *out, double t_s, enum arena_side side, const struct side_snapshot *ss);
int record_parse_row(const char *line, double *t_s, enum arena_side *side, struct side_snapshot *ss);

struct replay;

/* Read a whole recording. NULL with a one-line reason in err ("FILE:LINE: ..."). */
struct replay *replay_open(const char *path, char *err, size_t errlen);
void replay_free(struct replay *r);

size_t replay_frames(const struct replay *r);                 /* ticks recorded */
const char *replay_scenario(const struct replay *r);          /* the scenario line */
/* The snapshot of tick i (0-based), with the sparkline history of the ticks before. */
void replay_frame(const struct replay *r, size_t i, struct snapshot *out);

#endif
