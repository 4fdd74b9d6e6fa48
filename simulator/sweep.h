/* sweep.h: --sweep KEY=FROM:TO:STEP: both models at every value of one knob, a table
 * of throughput and p99 against it (the SEDA curve and the latency-versus-load curve
 * in one command), and a gnuplot PNG of the same with --plot FILE.
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stdio.h>

#include "setup.h"

#define SWEEP_POINTS_MAX 10000

struct sweep {
	char key[24];          /* rate, cores, threads, connections, work_us, cook_ms, loops, helpers, stoves */
	double from, to, step;
};

/* Parse "rate=20:2000:20". 0, or -EINVAL with the reason in err. */
int sweep_parse(struct sweep *sw, const char *spec, char *err, size_t errlen);

/* Run it: a table on out, and the PNG when plot_path is given (gnuplot). 0, or a
 * negative errno with the reason in err. */
int sweep_run(const struct sweep *sw, const struct scenario *sc, const struct sim_knobs *k,
	      const struct calibration *cal, const char *plot_path, FILE *out, char *err, size_t errlen);

#endif
