/* sweep.c: one knob swept, both models at each value (see sweep.h). The PNG is
 * gnuplot's pngcairo (or png) terminal fed by a pipe: throughput on the left axis,
 * p99 on a log right axis. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const sweep_keys[] = {
	"rate", "cores", "threads", "connections", "work_us", "cook_ms", "loops", "helpers", "stoves",
};

int sweep_parse(struct sweep *sw, const char *spec, char *err, size_t errlen)
{
	memset(sw, 0, sizeof *sw);
	const char *eq = strchr(spec, '=');
	size_t klen = eq ? (size_t)(eq - spec) : 0;
	bool known = false;
	for (size_t i = 0; eq && i < sizeof sweep_keys / sizeof sweep_keys[0]; i++)
		known |= strlen(sweep_keys[i]) == klen && strncmp(spec, sweep_keys[i], klen) == 0;
	if (!known) {
		snprintf(err, errlen, "--sweep '%s': KEY=FROM:TO:STEP with KEY one of rate, cores, threads, "
			 "connections, work_us, cook_ms, loops, helpers, stoves", spec);
		return -EINVAL;
	}
	memcpy(sw->key, spec, klen);
	char *end;
	sw->from = strtod(eq + 1, &end);
	if (*end == ':')
		sw->to = strtod(end + 1, &end);
	if (*end == ':')
		sw->step = strtod(end + 1, &end);
	if (*end || !(sw->step > 0) || !(sw->to >= sw->from) || !(sw->from >= 0) ||
	    (sw->to - sw->from) / sw->step + 1 > SWEEP_POINTS_MAX) {
		snprintf(err, errlen, "--sweep '%s': FROM:TO:STEP with 0 <= FROM <= TO, STEP > 0, at most %d points",
			 spec, SWEEP_POINTS_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Set the swept knob to v. */
static void apply(const struct sweep *sw, double v, struct scenario *sc, struct sim_knobs *k)
{
	uint32_t u = (uint32_t)llround(v);
	if (strcmp(sw->key, "rate") == 0)
		k->rate = v;
	else if (strcmp(sw->key, "cores") == 0)
		k->cores = v;
	else if (strcmp(sw->key, "threads") == 0)
		sc->threads = u;
	else if (strcmp(sw->key, "connections") == 0)
		k->connections = u, k->rate = 0;
	else if (strcmp(sw->key, "work_us") == 0)
		sc->work_us = u;
	else if (strcmp(sw->key, "cook_ms") == 0)
		sc->cook_ms = u;
	else if (strcmp(sw->key, "loops") == 0)
		sc->loops = u ? u : 1;
	else if (strcmp(sw->key, "helpers") == 0)
		sc->helpers = u;
	else
		k->stoves = u;
}

static FILE *plot_open(const char *path, const struct sweep *sw, const char *name)
{
	FILE *gp = popen("gnuplot", "w");
	if (!gp)
		return NULL;
	fprintf(gp, "set terminal pngcairo size 1000,600 noenhanced\n");
	fprintf(gp, "set output '%s'\n", path);
	fprintf(gp, "set title 'lunchrush model: %s, sweep of %s'\n", name, sw->key);
	fprintf(gp, "set xlabel '%s'\nset ylabel 'served per second'\nset y2label 'p99 latency (ms, log)'\n", sw->key);
	fprintf(gp, "set y2tics\nset logscale y2\nset key top left\nset grid\n");
	fprintf(gp, "plot '-' using 1:2 with lines lw 2 title 'blocking served/s', "
		    "'-' using 1:3 with lines lw 2 title 'evented served/s', "
		    "'-' using 1:4 axes x1y2 with lines dt 2 title 'blocking p99', "
		    "'-' using 1:5 axes x1y2 with lines dt 2 title 'evented p99'\n");
	return gp;
}

int sweep_run(const struct sweep *sw, const struct scenario *sc0, const struct sim_knobs *k0,
	      const struct calibration *cal, const char *plot_path, FILE *out, char *err, size_t errlen)
{
	size_t n = (size_t)floor((sw->to - sw->from) / sw->step + 1e-9) + 1;
	double *rows = malloc(n * 5 * sizeof *rows);
	if (!rows)
		return -ENOMEM;
	int rc = 0;
	fprintf(out, "# sweep of %s: %s, %.0f s per point, %g cores%s\n", sw->key, sc0->name, k0->duration_ns / 1e9,
		k0->cores, cal && cal->present ? "" : ", uncalibrated");
	fprintf(out, "# rps: answered within the client's timeout (%u ms), per second of the run\n", sc0->timeout_ms);
	fprintf(out, "%12s %14s %14s %14s %14s\n", sw->key, "blocking_rps", "evented_rps", "blocking_p99_ms",
		"evented_p99_ms");
	for (size_t i = 0; i < n && rc == 0; i++) {
		double v = sw->from + (double)i * sw->step;
		struct scenario sc = *sc0;
		struct sim_knobs k = *k0;
		apply(sw, v, &sc, &k);
		rows[i * 5] = v;
		for (int s = 0; s < SIM_SERVER_COUNT && rc == 0; s++) {
			struct sim_config cfg;
			struct sim_result r;
			sim_setup(&cfg, s, &sc, &k, cal);
			rc = sim_run(&cfg, &r, err, errlen);
			if (rc < 0)
				break;
			rows[i * 5 + 1 + s] = r.run.served / (cfg.duration_ns / 1e9);
			rows[i * 5 + 3 + s] = r.run.p99_ms;
			sim_result_free(&r);
		}
		if (rc == 0)
			fprintf(out, "%12g %14.2f %14.2f %14.3f %14.3f\n", v, rows[i * 5 + 1], rows[i * 5 + 2],
				rows[i * 5 + 3], rows[i * 5 + 4]);
	}
	if (rc == 0 && plot_path) {
		FILE *gp = plot_open(plot_path, sw, sc0->name);
		if (!gp) {
			snprintf(err, errlen, "--plot: cannot run gnuplot (apt-get install gnuplot-nox)");
			rc = -ENOENT;
		} else {
			for (int series = 0; series < 4; series++) {
				for (size_t i = 0; i < n; i++)
					fprintf(gp, "%g %g %g %g %g\n", rows[i * 5], rows[i * 5 + 1], rows[i * 5 + 2],
						rows[i * 5 + 3] > 0 ? rows[i * 5 + 3] : 1e-3,
						rows[i * 5 + 4] > 0 ? rows[i * 5 + 4] : 1e-3);
				fprintf(gp, "e\n");
			}
			if (pclose(gp) != 0) {
				snprintf(err, errlen, "--plot %s: gnuplot failed", plot_path);
				rc = -EIO;
			}
		}
	}
	free(rows);
	return rc;
}
