/* main.c: bin/simulate, the model of both restaurants without the machine: options in,
 * modules wired (setup.c, sim.c, report.c, sweep.c). Scales no classroom machine
 * reaches: 16 cores, a million customers a second, a million connections.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibration.h"
#include "cli.h"
#include "report.h"
#include "server_config.h"
#include "setup.h"
#include "sim.h"
#include "sweep.h"
#include "units.h"

#define SETS_MAX 32

struct options {
	const char *scenario_file;
	int preset;
	const char *sets[SETS_MAX];
	int n_sets;
	struct sim_knobs knobs;
	bool seed_set;
	uint64_t seed;
	bool json, seconds, shared;
	const char *sweep, *plot, *calibration;
	int only;                  /* -1 both, else enum sim_server */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: simulate [options]   the model of both restaurants, faster than real time\n"
		"  -s, --scenario FILE     a dashboard scenario (key = value; see visualizer/scenario.h)\n"
		"  -p, --preset N          preset 1-9 (the dashboard's keys 1-9); default: the lunch rush\n"
		"      --set KEY=VALUE     one scenario key (threads=16, keepalive=no, ...); repeatable\n"
		"  -d, --duration D        simulated time: 60s (default), 500ms, 10m\n"
		"      --cores N           cores each server may use (default: this machine's)\n"
		"      --seed S            the arrival schedule's seed (default: the scenario's)\n"
		"  -R, --rate R            open loop, arrivals per second (up to 10000000)\n"
		"      --rate-at T=R       from simulated time T (10s) on, rate R; repeatable\n"
		"  -c, --connections N     closed loop: N customers (up to 10000000)\n"
		"      --think-ms MS       closed loop: pause between a customer's orders\n"
		"      --stoves N          kitchen: N orders cooking at once, the rest queue (0 = unlimited)\n"
		"      --backlog N         the door: accept queue length (default: the servers' listen backlog)\n"
		"      --max-line N        blocking: answer 503 beyond N waiting (0 = no cap)\n"
		"      --exp               exponential work and cook times of the same means (for theory)\n"
		"      --only NAME         model only blocking or evented\n"
		"      --shared-cores      both restaurants on one set of --cores, as the dashboard runs\n"
		"                          them on one machine (default: each has its own)\n"
		"      --calibration FILE  per-order CPU of the real servers (default build/calibration;\n"
		"                          made by scripts/calibrate.sh; without it: uncalibrated, 0 us)\n"
		"      --seconds           the per-second table before the summary\n"
		"      --json              the summary as JSON: model.blocking, model.evented\n"
		"      --sweep KEY=A:B:S   a table of throughput and p99 vs KEY from A to B by S\n"
		"                          (rate, cores, threads, connections, work_us, cook_ms, loops,\n"
		"                          helpers, stoves)\n"
		"      --plot FILE         with --sweep: a gnuplot PNG of the table\n"
		"  -h, --help              this help\n"
		"  -V, --version           the version\n"
		"Times take a unit: 500ms, 1.5s, 2m (a bare number is in the flag's unit);\n"
		"counts and rates take k, M and G: -c 1k, -R 20k.\n");
}

#define bad(...) cli_usage_error("simulate", __VA_ARGS__)

static int parse_num(const char *s, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= max))
		return -EINVAL;
	*out = v;
	return 0;
}

/* "60s", "500ms", "2m", "1h", or plain seconds (common/units.h); above 0, at most a week. */
static int parse_duration_ns(const char *s, uint64_t *out)
{
	uint64_t ns;
	if (units_parse_duration_ns(s, UNITS_NS_PER_S, 7ULL * 86400 * UNITS_NS_PER_S, &ns) || ns == 0)
		return -EINVAL;
	*out = ns;
	return 0;
}

static int parse_rate_at(struct sim_knobs *k, const char *arg)
{
	char when[32];
	const char *eq = strchr(arg, '=');
	if (!eq || (size_t)(eq - arg) >= sizeof when || k->n_rate_changes >= SIM_RATE_CHANGES_MAX)
		return -EINVAL;
	memcpy(when, arg, (size_t)(eq - arg));
	when[eq - arg] = '\0';
	struct sim_rate_change *rc = &k->rate_changes[k->n_rate_changes];
	if (parse_duration_ns(when, &rc->at_ns) < 0 || units_parse_rate(eq + 1, SIM_RATE_MAX, 1, &rc->rate) < 0)
		return -EINVAL;
	k->n_rate_changes++;
	return 0;
}

enum { OPT_CORES = 256, OPT_SEED, OPT_RATE_AT, OPT_THINK, OPT_STOVES, OPT_BACKLOG, OPT_MAX_LINE, OPT_EXP,
       OPT_ONLY, OPT_CALIBRATION, OPT_SECONDS, OPT_JSON, OPT_SWEEP, OPT_PLOT, OPT_SET, OPT_SHARED };

static const struct option long_opts[] = {
	{ "scenario", required_argument, NULL, 's' },   { "preset", required_argument, NULL, 'p' },
	{ "set", required_argument, NULL, OPT_SET },      { "duration", required_argument, NULL, 'd' },
	{ "cores", required_argument, NULL, OPT_CORES },  { "seed", required_argument, NULL, OPT_SEED },
	{ "rate", required_argument, NULL, 'R' },         { "rate-at", required_argument, NULL, OPT_RATE_AT },
	{ "connections", required_argument, NULL, 'c' },  { "think-ms", required_argument, NULL, OPT_THINK },
	{ "stoves", required_argument, NULL, OPT_STOVES }, { "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE }, { "exp", no_argument, NULL, OPT_EXP },
	{ "only", required_argument, NULL, OPT_ONLY },    { "calibration", required_argument, NULL, OPT_CALIBRATION },
	{ "seconds", no_argument, NULL, OPT_SECONDS },    { "json", no_argument, NULL, OPT_JSON },
	{ "sweep", required_argument, NULL, OPT_SWEEP },  { "plot", required_argument, NULL, OPT_PLOT },
	{ "shared-cores", no_argument, NULL, OPT_SHARED }, { "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* What a numeric option takes, for its refusal. */
static const char *value_kind(int opt)
{
	switch (opt) {
	case OPT_CORES: return "a number";
	case 'R': return "a rate such as 500 or 20k";
	case OPT_THINK: return "a time such as 20 (ms), 20ms or 1s, in ms";
	default: return "a count such as 100 or 1k";
	}
}

/* One numeric option's value by its kind (common/units.h): --cores is real, -R a rate,
 * --think-ms a time (into ns), the rest counts. */
static int parse_value(int opt, const char *arg, double max, double *v)
{
	uint64_t n;
	switch (opt) {
	case OPT_CORES:
		return parse_num(arg, max, v);
	case 'R':
		return units_parse_rate(arg, max, 1, v);
	case OPT_THINK:
		if (units_parse_duration_ns(arg, UNITS_NS_PER_MS, (uint64_t)(max * 1e6), &n))
			return -EINVAL;
		*v = (double)n;
		return 0;
	default:
		if (units_parse_count(arg, 0, max >= 1.8e19 ? UINT64_MAX : (uint64_t)max, &n))
			return -EINVAL;
		*v = (double)n;
		return 0;
	}
}

/* The options that are numbers: where they go and their range. */
static int number_opt(struct options *o, int opt, const char *arg)
{
	double v;
	static const struct { int opt; const char *name; double max; } nums[] = {
		{ OPT_CORES, "--cores", 4096 },         { 'R', "--rate", SIM_RATE_MAX },
		{ 'c', "--connections", SIM_CONNECTIONS_MAX }, { OPT_THINK, "--think-ms", 3600000 },
		{ OPT_STOVES, "--stoves", 1e7 },        { OPT_BACKLOG, "--backlog", 1e7 },
		{ OPT_MAX_LINE, "--max-line", 1e9 },    { 'p', "--preset", 9 },
		{ OPT_SEED, "--seed", 1.8e19 },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (nums[i].opt != opt)
			continue;
		if (parse_value(opt, arg, nums[i].max, &v) < 0 || (opt == OPT_CORES && v <= 0) || (opt == 'p' && v < 1))
			return bad("%s '%.40s': must be %s, from %s to %g", nums[i].name, arg, value_kind(opt),
				   opt == OPT_CORES ? "above 0" : opt == 'p' ? "1" : "0", nums[i].max);
		switch (opt) {
		case OPT_CORES: o->knobs.cores = v; break;
		case 'R': o->knobs.rate = v; break;
		case 'c': o->knobs.connections = (int64_t)v; o->knobs.rate = 0; break;
		case OPT_THINK: o->knobs.think_ns = (uint64_t)v; break;
		case OPT_STOVES: o->knobs.stoves = (uint32_t)v; break;
		case OPT_BACKLOG: o->knobs.backlog = (uint32_t)v; break;
		case OPT_MAX_LINE: o->knobs.max_line = (uint32_t)v; break;
		case 'p': o->preset = (int)v; break;
		case OPT_SEED: o->seed_set = true; units_parse_count(arg, 0, UINT64_MAX, &o->seed); break;
		}
		return 0;
	}
	return -1;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":s:p:d:R:c:hV", long_opts, NULL)) != -1) {
		int rc = number_opt(o, opt, optarg);
		if (rc >= 0) {
			if (rc)
				return rc;
			continue;
		}
		switch (opt) {
		case 's': o->scenario_file = optarg; break;
		case OPT_SET:
			if (o->n_sets == SETS_MAX || !strchr(optarg, '='))
				return bad("--set '%s': KEY=VALUE (at most 32 of them)", optarg);
			o->sets[o->n_sets++] = optarg;
			break;
		case 'd':
			if (parse_duration_ns(optarg, &o->knobs.duration_ns) < 0)
				return bad("--duration '%s': a time such as 60s, 500ms or 10m (at most a week)", optarg);
			break;
		case OPT_RATE_AT:
			if (parse_rate_at(&o->knobs, optarg) < 0)
				return bad("--rate-at '%s': TIME=RATE such as 10s=200 (at most 64 of them)", optarg);
			break;
		case OPT_EXP: o->knobs.work_dist = o->knobs.cook_dist = SIM_DIST_EXP; break;
		case OPT_ONLY:
			if (strcmp(optarg, "blocking") && strcmp(optarg, "evented"))
				return bad("--only '%s': blocking or evented", optarg);
			o->only = strcmp(optarg, "blocking") == 0 ? SIM_BLOCKING : SIM_EVENTED;
			break;
		case OPT_CALIBRATION: o->calibration = optarg; break;
		case OPT_SECONDS: o->seconds = true; break;
		case OPT_SHARED: o->shared = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_SWEEP: o->sweep = optarg; break;
		case OPT_PLOT: o->plot = optarg; break;
		case 'h': usage(stdout); return 1;
		case 'V': cli_version("simulate"); return 1;
		default: return cli_bad_option("simulate", argv, opt);
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (o->plot && !o->sweep)
		return bad("%s: --plot goes with --sweep", o->plot);
	if (o->scenario_file && o->preset)
		return bad("%s: --scenario and --preset: pick one", o->scenario_file);
	return 0;
}

/* The scenario: defaults, a preset or a file, then every --set. */
static int load_scenario(const struct options *o, struct scenario *sc)
{
	char err[256];
	scenario_defaults(sc);
	if (o->preset)
		scenario_preset(sc, o->preset);
	if (o->scenario_file && scenario_parse_file(sc, o->scenario_file, err, sizeof err) < 0)
		return bad("%s", err);
	for (int i = 0; i < o->n_sets; i++) {
		char key[64];
		const char *eq = strchr(o->sets[i], '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - o->sets[i]), o->sets[i]);
		if (scenario_set(sc, key, eq + 1, err, sizeof err) < 0)
			return bad("--set: %s", err);
	}
	if (o->seed_set)
		sc->seed = o->seed;
	return 0;
}

static int run_models(const struct options *o, const struct scenario *sc, const struct calibration *cal)
{
	struct sim_config cfg[SIM_SERVER_COUNT];
	struct sim_result res[SIM_SERVER_COUNT];
	struct report_side sides[SIM_SERVER_COUNT] = { { 0 } };
	int rc = 0, n = 0, which[SIM_SERVER_COUNT];
	struct sim_config run_cfg[SIM_SERVER_COUNT];
	struct sim_result run_res[SIM_SERVER_COUNT];
	for (int s = 0; s < SIM_SERVER_COUNT; s++) {
		bool want = o->only < 0 ? (s == SIM_BLOCKING ? sc->blocking : sc->evented) : o->only == s;
		sides[s].cfg = &cfg[s];
		sim_setup(&cfg[s], s, sc, &o->knobs, cal);
		if (want)
			which[n++] = s;
	}
	char err[256];
	for (int i = 0; i < n; i++)  /* a configuration that cannot run is a usage error */
		if (sim_config_check(&cfg[which[i]], err, sizeof err) < 0)
			return bad("%s", err);
	/* shared: the restaurants run together on one set of cores; else one at a time */
	for (int i = 0; i < n && rc == 0; i += o->shared ? n : 1) {
		int k = o->shared ? n : 1;
		for (int j = 0; j < k; j++)
			run_cfg[j] = cfg[which[i + j]];
		if (sim_run_shared(run_cfg, run_res, (unsigned)k, err, sizeof err) < 0) {
			fprintf(stderr, "simulate: %s model: %s\n", sim_server_name(which[i]), err);
			rc = 1;
			break;
		}
		for (int j = 0; j < k; j++) {
			res[which[i + j]] = run_res[j];
			sides[which[i + j]].res = &res[which[i + j]];
		}
	}
	if (rc == 0 && (sides[0].res || sides[1].res)) {
		if (o->seconds)
			report_seconds(o->json ? stderr : stdout, sides);
		if (o->json)
			report_json(stdout, sc->name, sides, cal);
		else
			report_text(stdout, sc->name, sides, cal);
	}
	for (int s = 0; s < SIM_SERVER_COUNT; s++)
		if (sides[s].res)
			sim_result_free(&res[s]);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o = { .only = -1 };
	sim_knobs_defaults(&o.knobs);
	int rc = parse_args(&o, argc, argv);
	if (rc)
		return rc == 1 ? 0 : rc;
	struct scenario sc;
	rc = load_scenario(&o, &sc);
	if (rc)
		return rc;

	char path[512], err[300];
	struct sweep sw;
	if (o.sweep && sweep_parse(&sw, o.sweep, err, sizeof err) < 0) /* every flag checked before any note */
		return bad("%s", err);
	struct calibration cal;
	if (o.calibration)
		snprintf(path, sizeof path, "%s", o.calibration);
	else
		calibration_default_path(path, sizeof path);
	rc = calibration_read(&cal, path, err, sizeof err);
	if (rc == -EINVAL || (rc == -ENOENT && o.calibration)) {
		fprintf(stderr, "simulate: %s\n", rc == -EINVAL ? err : "calibration file not found");
		if (rc == -ENOENT)
			fprintf(stderr, "simulate: %s: run scripts/calibrate.sh to make it\n", path);
		return 1;
	}
	if (!cal.present && !o.json)
		fprintf(stderr, "simulate: uncalibrated (no %s): the real servers' own CPU per order is taken "
				"as 0; run scripts/calibrate.sh\n", path);

	if (o.sweep) {
		rc = sweep_run(&sw, &sc, &o.knobs, &cal, o.plot, stdout, err, sizeof err);
		if (rc < 0) {
			fprintf(stderr, "simulate: %s\n", err);
			return 1;
		}
		return 0;
	}
	return run_models(&o, &sc, &cal);
}
