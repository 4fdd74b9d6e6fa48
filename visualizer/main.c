/* main.c: bin/dashboard: two restaurants side by side, live, under the same lunch rush.
 *
 * Parses the flags and wires the modules: the arena starts the processes, the model
 * reads their scoreboards, the view draws, the keys steer; headless mode prints a
 * table instead, replay plays a recording back. --lesson and --check are handed to
 * the lessons (lesson.h) untouched.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "clock.h"
#include "headless.h"
#include "../lessons/engine/lesson.h"
#include "cli.h"
#include "peer.h"
#include "server_config.h"
#include "ui.h"
#include "units.h"

#define DEFAULT_HEADLESS_S 20

static void usage(FILE *out)
{
	const char *nginx = peer_nginx_can_cook()
		? "its orders\n                    cook (echo_sleep of libnginx-mod-http-echo, found here); work_us\n"
		  "                    is ignored (Debian package nginx-light)"
		: "trivial\n                    orders only: cook_ms and work_us ignored (libnginx-mod-http-echo\n"
		  "                    is not installed; with it, echo_sleep waits cook_ms)";
	fprintf(out,
		"usage: dashboard [options]            the lunch rush, live (both servers and their load)\n"
		"       dashboard --headless --duration 20s [--json]\n"
		"       dashboard --attach NAME... [--control]  watch processes started by hand\n"
		"       dashboard --replay FILE         play a recording back, no server needed\n"
		"       dashboard --lesson N [--check]  a guided lesson\n"
		"\n"
		"  --scenario FILE   key=value scenario (see visualizer/scenario.h)\n"
		"  --preset N        preset scenario 1-9 (keys 1-9 on the screen); ours against the\n"
		"                    peers: 10 blocking vs Node.js, 11 evented vs Node.js,\n"
		"                    12 Node.js vs Go, 13 evented vs nginx\n"
		"  --left R, --right R  the restaurant of each half (default blocking, evented):\n"
		"    blocking        ours: a pool of threads (--threads), one customer each\n"
		"    evented         ours: one libev event loop (--loops, --helpers)\n"
		"    node            Node.js http (peers/node/server.js): one loop; work_us a busy\n"
		"                    loop on it, cook_ms a setTimeout (Debian package nodejs)\n"
		"    go              Go net/http (peers/go/server.go, built into build/peers/):\n"
		"                    a goroutine per connection; GOMAXPROCS from the scenario's\n"
		"                    gomaxprocs (Debian package golang-go)\n"
		"    nginx           nginx, one worker, config in the run's temp folder; %s\n"
		"    cmd:'COMMAND {port}'  any server: {port} becomes a free port (command line only)\n"
		"    url:http://127.0.0.1:PORT/path  a server already running (never stopped);\n"
		"                    --pid PID adds its threads, memory and CPU\n"
		"                    peers are measured from outside: the load generator's figures,\n"
		"                    the kernel's accept queue (door), /proc of the process tree\n"
		"  --pid PID         the process of a url: restaurant (twice for two url: halves)\n"
		"  --gomaxprocs N    GOMAXPROCS of the Go restaurant (scenario key gomaxprocs)\n"
		"  --control         with --attach: the keys may change the load generators\n"
		"                    (without it attach is read-only); put back as found on quit\n"
		"  --record FILE     write one row per second per restaurant (CSV)\n"
		"  --speed 1|4       replay speed (x1, x4)\n"
		"  --headless        no screen: a per-second table and a summary\n"
		"  --duration D      headless run length (20s, 2m; default 20s)\n"
		"  --json            headless summary as JSON (the table goes to stderr)\n"
		"  --big             projector layout: fewer, larger figures\n"
		"  --ascii           ASCII glyphs instead of UTF-8\n"
		"  --mono            no colours\n"
		"  --bin DIR         where blocking, evented, loadgen are (default: beside dashboard)\n"
		"  -h, --help        this help;  -V, --version  the version\n"
		"\n"
		"keys: +/- rate  [ ] cook  { } work/order (CPU per order)  space pause  k keep-alive\n"
		"      1-9 presets  p the preset menu  f the chef faints  r restart  m the model\n"
		"      e explain the scene  ? help and the words on screen  q quit\n", nginx);
}

/* One line and the way on (common/cli.h); the whole help only on --help. */
#define usage_error(...) cli_usage_error("dashboard", __VA_ARGS__)

/* "20s", "2m", "500ms", "1h" or plain seconds (common/units.h); whole seconds, 1s to 1h. */
static int parse_duration_s(const char *s, uint32_t *out)
{
	uint64_t ns;
	if (units_parse_duration_ns(s, UNITS_NS_PER_S, 3600 * UNITS_NS_PER_S, &ns) || ns < UNITS_NS_PER_S)
		return -EINVAL;
	*out = (uint32_t)((ns + UNITS_NS_PER_S / 2) / UNITS_NS_PER_S);
	return 0;
}

static bool wants_lesson(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--check") == 0 || strcmp(argv[i], "--lesson") == 0 ||
		    strncmp(argv[i], "--lesson=", 9) == 0)
			return true;
	return false;
}

struct options {
	const char *scenario_file, *record, *replay, *bin;
	const char *half[2];          /* --left, --right */
	int32_t pid[2];               /* --pid, in the order given */
	int npid;
	uint32_t gomaxprocs;
	bool gomaxprocs_set;
	int preset, speed;
	bool headless, json, attach, control;
	uint32_t duration_s;
};

static int parse_options(int argc, char **argv, struct options *opt, struct app *app)
{
	enum { O_SCENARIO = 256, O_PRESET, O_RECORD, O_REPLAY, O_SPEED, O_HEADLESS, O_DURATION, O_JSON, O_BIG,
	       O_ASCII, O_MONO, O_BIN, O_ATTACH, O_VERSION, O_LEFT, O_RIGHT, O_PID, O_GOMAXPROCS, O_CONTROL };
	static const struct option longopts[] = {
		{ "scenario", required_argument, NULL, O_SCENARIO }, { "preset", required_argument, NULL, O_PRESET },
		{ "record", required_argument, NULL, O_RECORD },     { "replay", required_argument, NULL, O_REPLAY },
		{ "speed", required_argument, NULL, O_SPEED },       { "headless", no_argument, NULL, O_HEADLESS },
		{ "duration", required_argument, NULL, O_DURATION }, { "json", no_argument, NULL, O_JSON },
		{ "big", no_argument, NULL, O_BIG },                 { "ascii", no_argument, NULL, O_ASCII },
		{ "mono", no_argument, NULL, O_MONO },               { "bin", required_argument, NULL, O_BIN },
		{ "attach", no_argument, NULL, O_ATTACH },           { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },         { "left", required_argument, NULL, O_LEFT },
		{ "right", required_argument, NULL, O_RIGHT },       { "pid", required_argument, NULL, O_PID },
		{ "gomaxprocs", required_argument, NULL, O_GOMAXPROCS }, { "control", no_argument, NULL, O_CONTROL },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hVd:", longopts, NULL)) != -1) {
		switch (c) {
		case O_SCENARIO: opt->scenario_file = optarg; break;
		case O_PRESET:
			opt->preset = atoi(optarg);
			if (opt->preset < 1 || opt->preset > SCENARIO_PRESETS_ALL)
				return usage_error("--preset '%s': pick 1 to 13", optarg);
			break;
		case O_RECORD: opt->record = optarg; break;
		case O_REPLAY: opt->replay = optarg; break;
		case O_SPEED:
			opt->speed = atoi(optarg);
			if (opt->speed != 1 && opt->speed != 4)
				return usage_error("--speed '%s': 1 or 4", optarg);
			break;
		case O_HEADLESS: opt->headless = true; break;
		case 'd':
		case O_DURATION:
			if (parse_duration_s(optarg, &opt->duration_s) < 0)
				return usage_error("--duration '%s': a time from 1s to 1h, like 20s or 2m", optarg);
			break;
		case O_JSON: opt->json = true; break;
		case O_BIG: app->vopts.big = true; break;
		case O_ASCII: app->vopts.ascii = true; break;
		case O_MONO: app->vopts.color = false; break;
		case O_BIN: opt->bin = optarg; break;
		case O_ATTACH: opt->attach = true; break;
		case O_CONTROL: opt->control = app->control = true; break;
		case O_LEFT: opt->half[0] = optarg; break;
		case O_RIGHT: opt->half[1] = optarg; break;
		case O_PID: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v <= 0 || v > INT32_MAX || opt->npid == 2)
				return usage_error("--pid '%s': a process id (at most twice)", optarg);
			opt->pid[opt->npid++] = (int32_t)v;
			break;
		}
		case O_GOMAXPROCS: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 0 || v > 1024)
				return usage_error("--gomaxprocs '%s': 0 (Go's default) to 1024", optarg);
			opt->gomaxprocs = (uint32_t)v;
			opt->gomaxprocs_set = true;
			break;
		}
		case 'h': usage(stdout); return 1;
		case 'V':
		case O_VERSION: cli_version("dashboard"); return 1;
		default: return cli_bad_option("dashboard", argv, c);
		}
	}
	if (!opt->attach && optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (opt->attach && optind >= argc)
		return usage_error("%s: name at least one scoreboard", "--attach");
	if (opt->attach + (opt->replay != NULL) + (opt->scenario_file || opt->preset) > 1)
		return usage_error("%s: pick one of --attach, --replay, --scenario/--preset", "modes");
	if (opt->control && !opt->attach)
		return usage_error("%s goes with --attach (the processes the dashboard starts are its own)", "--control");
	if (opt->json && !opt->headless)
		return usage_error("%s goes with --headless", "--json");
	if ((opt->half[0] || opt->half[1] || opt->npid) && (opt->attach || opt->replay))
		return usage_error("%s: not with --attach or --replay", "--left/--right/--pid");
	return 0;
}

/* --left/--right/--pid/--gomaxprocs on top of the preset or scenario file; then what
 * each half needs (a peer's program, installed through scripts/deps.sh when missing,
 * the Go server built). 0, or 2 with what is missing said on stderr. */
static int setup_halves(struct app *app, const struct options *opt, const char *bin)
{
	char err[320];
	for (int i = 0; i < 2; i++)
		if (opt->half[i] && restaurant_parse(&app->sc.half[i], opt->half[i], err, sizeof err) < 0)
			return usage_error("%s", err);
	int used = 0;
	for (int i = 0; i < 2 && used < opt->npid; i++)
		if (app->sc.half[i].kind == REST_URL)
			app->sc.half[i].pid = opt->pid[used++];
	if (used < opt->npid)
		return usage_error("--pid %s: goes with a url: restaurant (--left or --right url:...)",
				   opt->npid ? "PID" : "");
	if (opt->gomaxprocs_set)
		app->sc.gomaxprocs = opt->gomaxprocs;
	bool on[2] = { app->sc.blocking, app->sc.evented };
	for (int i = 0; i < 2; i++)
		if (on[i] && peer_prepare(&app->sc.half[i], bin, getenv("LUNCHRUSH_NO_INSTALL") == NULL, err,
					  sizeof err) < 0) {
			fprintf(stderr, "dashboard: %s\n", err);
			return 2;
		}
	return 0;
}

/* --attach: each name is a server (its model says which side) or a load generator
 * (the side whose server port its URL names, else the first free side). Further load
 * generators of a side that has one are summed into it (model_attach_more_loadgen):
 * one server driven by several local generators, one per core. */
static int attach_boards(struct app *app, char **names, int n)
{
	const char *srv[SIDE_COUNT] = { NULL, NULL }, *lgn[SIDE_COUNT] = { NULL, NULL };
	uint32_t port[SIDE_COUNT] = { 0, 0 };
	char target[8][256];
	int nlg = 0;
	for (int i = 0; i < n; i++) {
		void *p;
		size_t size;
		int rc_srv = scoreboard_open(names[i], SCOREBOARD_SERVER, false, &p, &size), rc_lg = -ENOENT;
		if (rc_srv == 0) {
			const struct scoreboard_server *b = p;
			int side = strcmp(b->hdr.model, "evented") == 0 ? SIDE_EVENTED : SIDE_BLOCKING;
			srv[side] = names[i];
			port[side] = b->port;
			scoreboard_unmap(p, size);
		} else if ((rc_lg = scoreboard_open(names[i], SCOREBOARD_LOADGEN, false, &p, &size)) == 0) {
			if (nlg == 8)
				continue;
			snprintf(target[nlg], sizeof target[0], "%s", ((const struct scoreboard_loadgen *)p)->target);
			scoreboard_unmap(p, size);
			names[nlg++] = names[i]; /* keep the loadgen names at the front, in order */
		} else {
			char why[256]; /* missing, another version, another user's: say which */
			scoreboard_explain(names[i], SCOREBOARD_SERVER, rc_srv == -ENOENT ? rc_lg : rc_srv, why, sizeof why);
			if (rc_srv == -ENOENT && rc_lg == -ENOENT)
				fprintf(stderr, "dashboard: no scoreboard '%s' (start the program with --scoreboard %s)\n",
					names[i], names[i]);
			else
				fprintf(stderr, "dashboard: %s\n", why);
			return -ENOENT;
		}
	}
	const char *more[8];
	int more_side[8], nmore = 0;
	for (int i = 0; i < nlg; i++) {
		int side = -1, same_port = -1;
		for (int s = 0; s < SIDE_COUNT && same_port < 0; s++) {
			char pat[16];
			snprintf(pat, sizeof pat, ":%u/", port[s]);
			if (port[s] && strstr(target[i], pat))
				same_port = s;
		}
		if (same_port >= 0 && !lgn[same_port])
			side = same_port;
		for (int s = 0; s < SIDE_COUNT && side < 0 && same_port < 0; s++)
			if (!lgn[s])
				side = s;
		if (side >= 0) {
			lgn[side] = names[i];
			continue;
		}
		more[nmore] = names[i];
		more_side[nmore++] = same_port >= 0 ? same_port : 0;
	}
	for (int s = 0; s < SIDE_COUNT; s++)
		if (srv[s] || lgn[s])
			model_attach(app->model, s, srv[s], lgn[s]);
	for (int i = 0; i < nmore; i++)
		if (model_attach_more_loadgen(app->model, more_side[i], more[i]) != 0)
			fprintf(stderr, "dashboard: '%s' left out: at most %d load generators per side\n", more[i],
				MODEL_LOADGENS_MAX);
	model_reset(app->model, clock_now_ns());
	snprintf(app->sc.name, sizeof app->sc.name, "%d scoreboard%s", n, n == 1 ? "" : "s");
	return 0;
}

static int setup(struct app *app, struct options *opt, int argc, char **argv)
{
	char err[256], bin[PATH_MAX];
	if (opt->replay) {
		app->mode = APP_REPLAY;
		app->replay = replay_open(opt->replay, err, sizeof err);
		if (!app->replay) {
			fprintf(stderr, "dashboard: %s\n", err);
			return 1;
		}
		if (replay_warning(app->replay)[0])
			fprintf(stderr, "dashboard: warning: %s\n", replay_warning(app->replay));
		/* the recording names its scenario "NAME: figures"; the status bar shows NAME */
		const char *rs = replay_scenario(app->replay);
		int len = (int)strcspn(rs, ":");
		snprintf(app->sc.name, sizeof app->sc.name, "%.*s", len ? len : 6, len ? rs : "replay");
		return 0;
	}
	app->model = model_new();
	if (!app->model)
		return 1;
	if (opt->attach) {
		app->mode = APP_ATTACH;
		return attach_boards(app, argv + optind, argc - optind) < 0 ? 1 : 0;
	}
	if (opt->preset)
		scenario_preset(&app->sc, opt->preset);
	if (opt->scenario_file && scenario_parse_file(&app->sc, opt->scenario_file, err, sizeof err) < 0) {
		fprintf(stderr, "dashboard: %s\n", err);
		return 2;
	}
	app->preset = opt->preset;
	if (opt->bin)
		snprintf(bin, sizeof bin, "%s", opt->bin);
	else
		arena_default_bin_dir(bin, sizeof bin);
	int hrc = setup_halves(app, opt, bin);
	if (hrc)
		return hrc;
	app->arena = calloc(1, sizeof *app->arena);
	if (!app->arena || arena_init(app->arena, bin) < 0) {
		fprintf(stderr, "dashboard: cannot make a temp folder: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

/* Everything is released; a recording that could not be written (or closed) is the
 * run's failure, said here once with the file's name. Returns rc or 1. */
static int teardown(struct app *app, const char *record_path, int rc)
{
	app_restore_control(app); /* attached with --control: leave them as found */
	if (app->arena) {
		arena_destroy(app->arena);
		free(app->arena);
	}
	int rec = recorder_close(app->rec);
	app->rec = NULL;
	if (rec < 0) {
		fprintf(stderr, "dashboard: cannot write the recording %s: %s (it ends on the last whole row)\n",
			record_path, strerror(-rec));
		rc = rc ? rc : 1;
	}
	replay_free(app->replay);
	model_free(app->model);
	return rc;
}

int main(int argc, char **argv)
{
	if (wants_lesson(argc, argv)) { /* --check's report into a full disk is a failure too */
		int lrc = lesson_main(argc, argv);
		return headless_check_output(stdout, "stdout") ? (lrc ? lrc : 1) : lrc;
	}
	setlocale(LC_ALL, "");
	static struct app app;
	struct options opt = { .duration_s = 0, .speed = 1 };
	app.vopts.color = getenv("NO_COLOR") == NULL;
	app.vopts.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	scenario_defaults(&app.sc);
	int rc = parse_options(argc, argv, &opt, &app);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!opt.headless && !isatty(STDOUT_FILENO)) {
		if (opt.replay)
			fprintf(stderr, "dashboard: stdout is not a terminal: the replay as a table and a summary\n");
		else
			fprintf(stderr, "dashboard: stdout is not a terminal: running headless for %u s\n",
				opt.duration_s ? opt.duration_s : DEFAULT_HEADLESS_S);
		opt.headless = true;
	}
	app.replay_speed = opt.speed;
	app_signals();
	rc = setup(&app, &opt, argc, argv);
	if (rc)
		goto out;
	if (opt.record) {
		char line[256];
		if (app.mode == APP_ATTACH) /* not our scenario: the load in force is in the rows */
			snprintf(line, sizeof line, "%s: attached", app.sc.name);
		else
			scenario_summary(&app.sc, line, sizeof line);
		app.rec = recorder_open(opt.record, line);
		if (!app.rec) {
			fprintf(stderr, "dashboard: cannot write %s: %s\n", opt.record, strerror(errno));
			rc = 1;
			goto out;
		}
	}
	if (opt.headless && app.mode == APP_REPLAY) {
		rc = headless_replay(&app); /* the table and the summary, as headless mode */
	} else if (opt.headless) {
		rc = headless_run(&app, opt.duration_s ? opt.duration_s : DEFAULT_HEADLESS_S, opt.json);
	} else {
		if (app.mode == APP_LIVE && app_restart(&app, clock_now_ns()) < 0) {
			fprintf(stderr, "dashboard: %s\n", app.message);
			rc = 1;
			goto out;
		}
		rc = ui_run(&app);
	}
out:
	return teardown(&app, opt.record, rc);
}
