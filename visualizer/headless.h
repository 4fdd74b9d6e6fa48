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

/* One row of the per-second table. */
void headless_row(FILE *out, const struct snapshot *s);

/* The number after "key" in JSON text, searched after the key `after` when not NULL. */
double headless_json_number(const char *json, const char *after, const char *key, bool *found);

#endif
