/* report.h: what bin/simulate prints: the headless dashboard's summary and per-second
 * table for both restaurants, and JSON whose objects carry the keys of the dashboard's
 * servers.* (the load generator's report plus line_max, threads_max, rss_max_kb,
 * loop_lag_p99_ms), with what only a model knows under "model".
 */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "calibration.h"
#include "sim.h"

/* One restaurant's run: its configuration and result (NULL result: not modelled). */
struct report_side {
	const struct sim_config *cfg;
	const struct sim_result *res;
};

/* One server's JSON object, as the dashboard writes servers.NAME. */
void report_json_side(FILE *out, const struct report_side *side, const struct calibration *cal);

/* {"scenario": ..., "duration_s": ..., "cores": ..., "calibration": ..., "model": {"blocking":
 * {...}, "evented": {...}}} */
void report_json(FILE *out, const char *scenario, const struct report_side sides[SIM_SERVER_COUNT],
		 const struct calibration *cal);

/* The per-second table (the headless dashboard's columns) and the summary. */
void report_seconds(FILE *out, const struct report_side sides[SIM_SERVER_COUNT]);
void report_text(FILE *out, const char *scenario, const struct report_side sides[SIM_SERVER_COUNT],
		 const struct calibration *cal);

/* "calibrated on MACHINE (FILE)" or "uncalibrated: ..." */
void report_calibration_line(FILE *out, const struct calibration *cal);

#endif
