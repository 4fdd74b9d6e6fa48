/* setup.h: a dashboard scenario (visualizer/scenario.h) plus what only the model can
 * vary (cores, stoves, backlog, rates and connections beyond one machine) turned into
 * the model's configuration of each restaurant. bin/simulate and the dashboard's
 * bridge both build their models here, so both read a scenario the same way.
 */
#ifndef SIM_SETUP_H
#define SIM_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "calibration.h"
#include "sim.h"
#include "../visualizer/scenario.h"

struct sim_knobs {
	double cores;                  /* cores each server may use */
	double rate;                   /* open-loop rate; < 0: the scenario's */
	int64_t connections;           /* closed-loop customers; < 0: the scenario's */
	uint64_t think_ns;             /* closed loop */
	uint32_t stoves;               /* 0 = unlimited kitchen */
	uint32_t backlog;              /* the door (accept queue) */
	uint32_t max_line;             /* blocking: 503 beyond; 0 = no cap */
	enum sim_dist work_dist, cook_dist;
	uint64_t duration_ns;
	uint32_t n_rate_changes;
	struct sim_rate_change rate_changes[SIM_RATE_CHANGES_MAX];
};

/* Defaults: the machine's online cores, the scenario's load, NET_BACKLOG, 60 s. */
void sim_knobs_defaults(struct sim_knobs *k);

/* The model of one restaurant of sc. */
void sim_setup(struct sim_config *cfg, enum sim_server server, const struct scenario *sc,
	       const struct sim_knobs *k, const struct calibration *cal);

#endif
