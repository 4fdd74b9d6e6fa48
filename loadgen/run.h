/* run.h: one load run from start to report: the coordinator.
 *
 * Starts the workers, then every 50 ms (the tick) sums their statistics for the
 * scoreboard, polls the control slot, writes the --series row when a second is
 * complete, and watches for SIGINT, SIGTERM and SIGHUP (which end the run early, with a
 * report).
 * At the end it joins the workers and writes the summary or the JSON and the
 * percentile file.
 */
#ifndef LOADGEN_RUN_H
#define LOADGEN_RUN_H

#include "config.h"

/* Run cfg (already checked by config_finish). Returns the exit status: 0 when the
 * run completed, 1 when every request failed, the run could not start or an output
 * (--series, --percentiles, stdout) could not be written. */
int run_load(const struct lg_config *cfg);

#endif
