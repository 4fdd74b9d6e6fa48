/* headless.h: the dashboard without a screen: a per-second table and a summary
 * (see headless.c for the JSON layout). */
#ifndef LUNCHRUSH_HEADLESS_H
#define LUNCHRUSH_HEADLESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"

/* Run app (live: start the arena with a duration; attach: watch) for duration_s and
 * print the table and the summary (JSON with json). Returns the exit status. */
int headless_run(struct app *app, uint32_t duration_s, bool json);

/* Flush out and check it for a write error: 0, or 1 after saying on stderr what
 * could not be written (what: "stdout"). */
int headless_check_output(FILE *out, const char *what);

/* The two heading lines of the per-second table, and one row of it. */
void headless_table_header(FILE *out, const char *left, const char *right);
void headless_row(FILE *out, const struct snapshot *s);

/* One cell of the summary: the measured figure, then the model's in brackets, '!'
 * beyond tol (a share; 0: never). kind 0 a whole number, 1 a rate, 2 milliseconds;
 * "-" where not found or blank. */
void headless_cell_pair(FILE *out, int kind, double v, bool found, double mv, bool mfound, bool blank, double tol);

/* Text from outside (a scenario or recording name) with control bytes as '?'. */
void headless_put_clean(FILE *out, const char *s);

/* --replay into a pipe or with --headless: the table of every frame (a line where the
 * scenario changes) and the summary, as a live headless run prints them
 * (headless_replay.c). Returns the exit status. */
int headless_replay(struct app *app);

/* The number after "key" in JSON text, searched after the key `after` when not NULL. */
double headless_json_number(const char *json, const char *after, const char *key, bool *found);

#endif
