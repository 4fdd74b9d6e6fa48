/* sim_bridge.c: the model beside the measurement (see sim_bridge.h). Only the headless
 * summary calls it today; the screen could draw the same figures as a ghost. */
#include "sim_bridge.h"

#include <errno.h>
#include <string.h>

#include "../simulator/report.h"
#include "../simulator/setup.h"

_Static_assert((int)SIDE_BLOCKING == (int)SIM_BLOCKING && (int)SIDE_EVENTED == (int)SIM_EVENTED,
	       "the dashboard's sides and the model's servers are numbered alike");

int sim_bridge_run(struct sim_bridge *b, const struct scenario *sc, double duration_s)
{
	char path[512];
	memset(b, 0, sizeof *b);
	calibration_default_path(path, sizeof path);
	int rc = calibration_read(&b->cal, path, b->err, sizeof b->err);
	if (rc == -EINVAL)
		return rc;  /* a broken calibration file is named, not silently ignored */
	struct sim_knobs k;
	sim_knobs_defaults(&k);
	k.duration_ns = (uint64_t)(duration_s * 1e9);
	if (k.duration_ns == 0)
		return -EINVAL;
	/* both restaurants run at once on this machine's cores, so they are modelled
	 * together on one set of cores: each one's CPU slows the other's */
	struct sim_config cfg[SIDE_COUNT];
	struct sim_result res[SIDE_COUNT];
	int which[SIDE_COUNT];
	unsigned n = 0;
	for (int s = 0; s < SIDE_COUNT; s++) {
		sim_setup(&b->cfg[s], (enum sim_server)s, sc, &k, &b->cal);
		if (s == SIDE_BLOCKING ? sc->blocking : sc->evented) {
			cfg[n] = b->cfg[s];
			which[n++] = s;
		}
	}
	if (n == 0)
		return 0;
	rc = sim_run_shared(cfg, res, n, b->err, sizeof b->err);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		b->res[which[i]] = res[i];
		b->ran[which[i]] = true;
	}
	return 0;
}

void sim_bridge_free(struct sim_bridge *b)
{
	if (!b)
		return;
	for (int s = 0; s < SIDE_COUNT; s++)
		if (b->ran[s])
			sim_result_free(&b->res[s]);
	memset(b->ran, 0, sizeof b->ran);
}

bool sim_bridge_side_json(const struct sim_bridge *b, enum arena_side side, FILE *out)
{
	if (!b->ran[side])
		return false;
	struct report_side rs = { &b->cfg[side], &b->res[side] };
	report_json_side(out, &rs, &b->cal);
	return true;
}

void sim_bridge_json(const struct sim_bridge *b, FILE *out)
{
	fputc('{', out);
	for (int s = 0; s < SIDE_COUNT; s++) {
		if (!b->ran[s])
			continue;
		fprintf(out, "\"%s\": ", arena_side_name(s));
		sim_bridge_side_json(b, s, out);
		fprintf(out, ", ");
	}
	fprintf(out, "\"calibrated\": %s}", b->cal.present ? "true" : "false");
}

void sim_bridge_note(const struct sim_bridge *b, FILE *out)
{
	fprintf(out, "model: ");
	if (!b->ran[0] && !b->ran[1] && b->err[0])
		fprintf(out, "not run: %s\n", b->err);
	else
		report_calibration_line(out, &b->cal);
}
