/* scenario.c: the built-in lunch rush, the presets behind keys 1-9, and key=value
 * files read with libinih (see scenario.h for the format). Pure data: no process is
 * started here. Lessons 1-14 describe each of their steps as a scenario.
 */
#include "scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "errmsg.h"
#include "textfile.h"

/* The defaults: 4 cashiers that each need cook_ms = 50 ms per order serve at most
 * 4 / 0.05 = 80 orders/s; 120 Poisson arrivals/s overload them by half, so the
 * blocking line grows by ~40 customers a second while one event loop keeps up. */
void scenario_defaults(struct scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	snprintf(sc->name, sizeof sc->name, "lunch rush");
	sc->rate = 120;
	sc->connections = 16;
	sc->poisson = true;
	sc->seed = 42;
	sc->cook_ms = 50;
	sc->work_us = 0;
	sc->keepalive = true;
	sc->max_conns = 2000;
	sc->timeout_ms = 30000;
	sc->loadgen_threads = 1;
	sc->blocking = true;
	sc->threads = 4;
	sc->evented = true;
	sc->loops = 1;
	sc->helpers = 0;
	sc->idle_ms = 60000; /* idle keep-alive connections of a Poisson burst stay open */
	sc->half[0].kind = REST_BLOCKING;
	sc->half[1].kind = REST_EVENTED;
}

/* Presets, one row each, applied on top of the defaults; the story is the one line the
 * picker (picker.c) and the key row show while the preset runs. Each shows its point
 * within 20 s on a 2-core machine (bin/dashboard --headless --preset N --duration 20s):
 * 5: 120 x 10 ms is 1.2 cores of CPU, more than the loop's one core; 16 cashiers (266/s
 *    for the cook time) use both cores. Measured on a quiet machine: blocking 122/s p99
 *    143 ms; evented 37.5/s, 1,703 customers waiting and a loop lag p99 of 5 s after 20 s
 *    (with other work on the machine: 17/s). The model (simulator/) gives the loop a fair
 *    share of the cores, 62/s: the real loop gets less (scripts/fidelity.sh shows the gap).
 * 7: cook 0, so a walk-in's handshake is the order: p50 0.18 and 0.16 ms, against 0.08
 *    and 0.06 ms with keep-alive (k), and twice the load generator's CPU (16 % vs 7.5 %).
 * 8: --threads 0 is a thread per connection (servers/blocking/crew.c), not per request:
 *    the lunch rush with no line, 20 threads for 17 connections.
 * columns: name, rate/s, cook ms, work us, blocking threads, evented helpers, keep-alive,
 * story */
static const struct preset {
	const char *name;
	double rate;
	uint32_t cook_ms;
	uint32_t work_us;
	uint32_t threads;
	uint32_t helpers;
	bool keepalive;
	const char *story;
} presets[SCENARIO_PRESETS] = {
	{ "lunch rush",          120, 50,     0,  4, 0, true,
	  "4 cashiers serve at most 80 a second; 120 arrive: the blocking line grows" },
	{ "quiet morning",        20, 50,     0,  4, 0, true,
	  "20 a second: nobody waits, each order takes its cook time" },
	{ "at capacity",          80, 50,     0,  4, 0, true,
	  "80 a second, all that 4 cashiers can serve: the line comes and goes" },
	{ "more cashiers",       120, 50,     0, 16, 0, true,
	  "16 cashiers serve up to 320 a second: the blocking line is gone" },
	{ "chef at the register",120, 50, 10000, 16, 0, true,
	  "10 ms of CPU per order: the one loop falls behind, 16 threads keep up" },
	{ "kitchen helpers",     120, 50,  5000,  4, 2, true,
	  "5 ms of CPU per order on 2 helper threads: the loop stays on time" },
	{ "walk-ins (no keep-alive)", 2000, 0, 0, 4, 0, false,
	  "a new connection per trivial order: the handshake is most of the wait" },
	{ "thread per connection", 120, 50,   0,  0, 0, true,
	  "--threads 0: a cashier thread for each connection, so nobody waits in line" },
	{ "big rush",           1000, 50,     0, 16, 0, true,
	  "1,000 a second: 16 cashiers serve 320, the one loop serves them all" },
};

/* Presets 10.. (--preset only, no key): ours against the peers, and the peers against
 * each other, under the same lunch rush. columns: the preset's row as above, then the
 * left and right restaurants (restaurant.h names).
 * 10: the seed's own claim (one event loop keeps up where four threads cannot);
 * 11, 12: two event loops, then the loop against goroutines, with 0.2 ms of CPU each;
 * 13: trivial orders (nginx cooks only with the echo module: see dashboard --help). */
static const struct peer_preset {
	struct preset p;
	const char *left, *right;
} peer_presets[SCENARIO_PRESETS_ALL - SCENARIO_PRESETS] = {
	{ { "blocking vs Node.js", 120, 50,   0, 4, 0, true,
	    "the lunch rush: four threads against Node's one loop" }, "blocking", "node" },
	{ { "evented vs Node.js",  500, 50, 200, 4, 0, true,
	    "500 a second, 0.2 ms of CPU each: our loop against Node's" }, "evented", "node" },
	{ { "Node.js vs Go",       500, 50, 200, 4, 0, true,
	    "500 a second, 0.2 ms of CPU each: one loop against goroutines" }, "node", "go" },
	{ { "evented vs nginx",   1000,  0,   0, 4, 0, true,
	    "1,000 trivial orders a second: our loop against nginx's" }, "evented", "nginx" },
};

static const struct preset *preset_row(int n)
{
	if (n > SCENARIO_PRESETS && n <= SCENARIO_PRESETS_ALL)
		return &peer_presets[n - 1 - SCENARIO_PRESETS].p;
	return n >= 1 && n <= SCENARIO_PRESETS ? &presets[n - 1] : NULL;
}

int scenario_preset(struct scenario *sc, int n)
{
	if (n < 1 || n > SCENARIO_PRESETS_ALL)
		return -EINVAL;
	const struct peer_preset *pp = n > SCENARIO_PRESETS ? &peer_presets[n - 1 - SCENARIO_PRESETS] : NULL;
	const struct preset *p = pp ? &pp->p : &presets[n - 1];
	scenario_defaults(sc);
	snprintf(sc->name, sizeof sc->name, "%s", p->name);
	sc->rate = p->rate;
	sc->cook_ms = p->cook_ms;
	sc->work_us = p->work_us;
	sc->threads = p->threads;
	sc->helpers = p->helpers;
	sc->keepalive = p->keepalive;
	if (pp) {
		restaurant_parse(&sc->half[0], pp->left, NULL, 0);
		restaurant_parse(&sc->half[1], pp->right, NULL, 0);
	}
	return 0;
}

const char *scenario_preset_name(int n)
{
	const struct preset *p = preset_row(n);
	return p ? p->name : NULL;
}

const char *scenario_preset_story(int n)
{
	const struct preset *p = preset_row(n);
	return p ? p->story : NULL;
}

/* The preset a scenario is named after (a recording or a file may keep a preset's
 * name), 0 when none. */
int scenario_preset_named(const char *name)
{
	for (int n = 1; name && n <= SCENARIO_PRESETS_ALL; n++)
		if (strcmp(preset_row(n)->name, name) == 0)
			return n;
	return 0;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, b);
	return rc;
}

static int parse_u32(const char *key, const char *v, uint32_t max, uint32_t *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || x > max)
		return fail(err, errlen, -EINVAL, "%s: '%s' is not a whole number in range", key, v);
	*out = (uint32_t)x;
	return 0;
}

static int parse_bool(const char *key, const char *v, bool *out, char *err, size_t errlen)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return fail(err, errlen, -EINVAL, "%s: '%s' is not yes or no", key, v);
}

static int parse_text(const char *key, const char *v, char *dst, size_t cap, char *err, size_t errlen)
{
	if (strlen(v) >= cap)
		return fail(err, errlen, -EINVAL, "%s: '%s' is too long", key, v);
	snprintf(dst, cap, "%s", v);
	return 0;
}

/* A name is shown on the screen, in the summary and in recordings: a control
 * character (an escape sequence would drive the terminal) becomes '?'. */
static int parse_name(const char *v, char *dst, size_t cap, char *err, size_t errlen)
{
	int rc = parse_text("name", v, dst, cap, err, errlen);
	for (char *p = dst; rc == 0 && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return rc;
}

/* The flags a scenario file or a lesson may add to a child, each with one value that
 * is a number with an optional unit ("500", "1s", "1.5"): limits and timings only.
 * Nothing that widens what a server listens on (--host, --port), writes a file
 * (--percentiles, --series), names a segment (--scoreboard), points elsewhere
 * (--kitchen, --allow-remote) or changes what the dashboard reads (--json). */
static const struct extra_flag {
	const char *flag;
	bool server, loadgen;                /* which children accept it */
} extra_flags[] = {
	{ "--max-conns", true, false },         { "--idle-ms", true, false },
	{ "--header-timeout-ms", true, false }, { "--send-timeout-ms", true, false },
	{ "--kitchen-timeout-ms", true, false },
	{ "--think-ms", false, true },          { "--warmup", false, true },
	{ "--trickle-ms", false, true },        { "--requests", false, true },
};

static bool extra_value_ok(const char *v)
{
	if (!(*v >= '0' && *v <= '9'))
		return false;
	for (; *v; v++)
		if (!((*v >= '0' && *v <= '9') || *v == '.' || (*v >= 'a' && *v <= 'z')))
			return false;
	return true;
}

/* Check KEY's "--flag value ..." against extra_flags; at most SCENARIO_EXTRA_ARGS_MAX
 * words. 0, or -EINVAL naming the word refused. */
static int check_extra_args(const char *key, const char *v, char *err, size_t errlen)
{
	bool loadgen = strcmp(key, "loadgen_args") == 0;
	char copy[SCENARIO_ARGS_MAX];
	snprintf(copy, sizeof copy, "%s", v);
	char *save = NULL;
	int words = 0;
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (++words > SCENARIO_EXTRA_ARGS_MAX)
			return errmsg_fail(err, errlen, -EINVAL, "%s: more than %d words (%d flags with their values)",
					   key, SCENARIO_EXTRA_ARGS_MAX, SCENARIO_EXTRA_ARGS_MAX / 2);
		const struct extra_flag *f = NULL;
		for (size_t i = 0; i < sizeof extra_flags / sizeof extra_flags[0] && !f; i++)
			if (strcmp(t, extra_flags[i].flag) == 0 && (loadgen ? extra_flags[i].loadgen : extra_flags[i].server))
				f = &extra_flags[i];
		if (!f)
			return errmsg_fail(err, errlen, -EINVAL, "%s: '%.40s' is not allowed here (only limits and "
					   "timings, as '--flag number'; see scenario.h)", key, t);
		char *value = strtok_r(NULL, " \t", &save);
		words++;
		if (!value || !extra_value_ok(value))
			return errmsg_fail(err, errlen, -EINVAL, "%s: %s needs a number (like 500 or 1s), not '%.40s'", key,
					   t, value ? value : "nothing");
	}
	return 0;
}

/* left = / right = in a file or a lesson: any restaurant but a command (a file that
 * ran a shell command would be a script; only --left/--right on the command line do).
 * The pid set before (right_pid) stays. */
static int set_half(struct scenario *sc, int i, const char *v, char *err, size_t errlen)
{
	struct restaurant r;
	int rc = restaurant_parse(&r, v, err, errlen);
	if (rc < 0)
		return rc;
	if (r.kind == REST_CMD)
		return errmsg_fail(err, errlen, -EINVAL, "%s: cmd: is taken from the command line only "
				   "(--%s 'cmd:...'), never from a file", i ? "right" : "left", i ? "right" : "left");
	r.pid = sc->half[i].pid;
	sc->half[i] = r;
	return 0;
}

/* Numbers the flags of our binaries accept, with units in the key names. */
int scenario_set(struct scenario *sc, const char *key, const char *v, char *err, size_t errlen)
{
	if (strcmp(key, "name") == 0)
		return parse_name(v, sc->name, sizeof sc->name, err, errlen);
	if (strcmp(key, "rate") == 0) {
		char *end;
		double r = strtod(v, &end);
		if (end == v || *end || !(r >= 0 && r <= SCENARIO_RATE_MAX))
			return fail(err, errlen, -EINVAL, "%s: '%s' is not a rate between 0 and 100000 per second", key, v);
		sc->rate = r;
		return 0;
	}
	if (strcmp(key, "arrivals") == 0) {
		if (strcmp(v, "poisson") != 0 && strcmp(v, "even") != 0)
			return fail(err, errlen, -EINVAL, "%s: '%s' is not poisson or even", key, v);
		sc->poisson = strcmp(v, "poisson") == 0;
		return 0;
	}
	if (strcmp(key, "seed") == 0) {
		char *end;
		errno = 0;
		unsigned long long s = strtoull(v, &end, 10);
		if (errno || end == v || *end || *v == '-')
			return fail(err, errlen, -EINVAL, "%s: '%s' is not a whole number", key, v);
		sc->seed = s;
		return 0;
	}
	if (strcmp(key, "left") == 0 || strcmp(key, "right") == 0)
		return set_half(sc, key[0] == 'r', v, err, errlen);
	if (strcmp(key, "left_pid") == 0 || strcmp(key, "right_pid") == 0) {
		uint32_t pid;
		int rc = parse_u32(key, v, INT32_MAX, &pid, err, errlen);
		if (rc == 0)
			sc->half[key[0] == 'r'].pid = (int32_t)pid;
		return rc;
	}
	static const struct { const char *key; size_t off; uint32_t max; } nums[] = {
		{ "connections", offsetof(struct scenario, connections), 100000 },
		{ "cook_ms", offsetof(struct scenario, cook_ms), 60000 },
		{ "work_us", offsetof(struct scenario, work_us), 1000000 },
		{ "max_conns", offsetof(struct scenario, max_conns), 1000000 },
		{ "timeout_ms", offsetof(struct scenario, timeout_ms), 3600000 },
		{ "loadgen_threads", offsetof(struct scenario, loadgen_threads), 64 },
		{ "threads", offsetof(struct scenario, threads), 100000 },
		{ "loops", offsetof(struct scenario, loops), 64 },
		{ "helpers", offsetof(struct scenario, helpers), 256 },
		{ "idle_ms", offsetof(struct scenario, idle_ms), 3600000 },
		{ "max_line", offsetof(struct scenario, max_line), 1000000 },
		{ "backlog", offsetof(struct scenario, backlog), 65535 },
		{ "stoves", offsetof(struct scenario, stoves), 100000 },
		{ "gomaxprocs", offsetof(struct scenario, gomaxprocs), 1024 },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (strcmp(key, nums[i].key) == 0)
			return parse_u32(key, v, nums[i].max, (uint32_t *)((char *)sc + nums[i].off), err, errlen);
	static const struct { const char *key; size_t off; } bools[] = {
		{ "keepalive", offsetof(struct scenario, keepalive) },
		{ "blocking", offsetof(struct scenario, blocking) },
		{ "evented", offsetof(struct scenario, evented) },
		{ "hold_connection", offsetof(struct scenario, hold_connection) },
		{ "kitchen", offsetof(struct scenario, kitchen) },
	};
	for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
		if (strcmp(key, bools[i].key) == 0)
			return parse_bool(key, v, (bool *)((char *)sc + bools[i].off), err, errlen);
	if (strcmp(key, "mix") == 0) {
		/* KEY=NUMBER[&KEY=NUMBER]:SHARE[,...]: letters, digits and = & : , _ only, so the
		 * word stays one argument and names nothing but order parameters */
		for (const char *p = v; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("=&:,_", *p)))
				return fail(err, errlen, -EINVAL, "%s: '%s' is not kinds like work_us=40000:5,work_us=0:95", key, v);
		return parse_text(key, v, sc->mix, sizeof sc->mix, err, errlen);
	}
	static const struct { const char *key; size_t off; } texts[] = {
		{ "blocking_args", offsetof(struct scenario, blocking_args) },
		{ "evented_args", offsetof(struct scenario, evented_args) },
		{ "loadgen_args", offsetof(struct scenario, loadgen_args) },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (strcmp(key, texts[i].key) == 0) {
			if (strlen(v) >= SCENARIO_ARGS_MAX)
				return fail(err, errlen, -EINVAL, "%s: '%s' is too long", key, v);
			int rc = check_extra_args(key, v, err, errlen);
			return rc < 0 ? rc : parse_text(key, v, (char *)sc + texts[i].off, SCENARIO_ARGS_MAX, err, errlen);
		}
	return fail(err, errlen, -ENOENT, "unknown key '%s'%s", key, " (see scenario.h for the keys)");
}

/* libinih calls this once per key; the first error is kept, later ones ignored. */
struct parse_ctx {
	struct scenario *sc;
	char err[200];
	bool failed;
};

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *ctx = user;
	if (section[0] && strcmp(section, "scenario") != 0) {
		if (!ctx->failed)
			snprintf(ctx->err, sizeof ctx->err, "unknown section [%s] (only [scenario])", section);
		ctx->failed = true;
		return 0;
	}
	char err[200];
	if (scenario_set(ctx->sc, name, value, err, sizeof err) == 0)
		return 1;
	if (!ctx->failed)
		snprintf(ctx->err, sizeof ctx->err, "%s", err);
	ctx->failed = true;
	return 0;
}

/* ini_parse* return 0, -1 (file not opened), -2 (memory) or the first bad line. */
static int finish(struct parse_ctx *ctx, int rc, const char *where, char *err, size_t errlen)
{
	if (rc == 0)
		return scenario_check(ctx->sc, err, errlen);
	if (rc == -1) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", where, strerror(errno ? errno : ENOENT));
		return -ENOENT;
	}
	if (rc < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", where);
		return -ENOMEM;
	}
	if (err && errlen)
		snprintf(err, errlen, "%s:%d: %s", where, rc,
			 ctx->failed ? ctx->err : "not a key = value line");
	return -EINVAL;
}

int scenario_parse_string(struct scenario *sc, const char *text, char *err, size_t errlen)
{
	struct parse_ctx ctx = { .sc = sc };
	return finish(&ctx, ini_parse_string(text, on_key, &ctx), "scenario", err, errlen);
}

/* Read whole first, at most SCENARIO_FILE_MAX bytes: libinih's own reader would read
 * /dev/zero for ever (a line of NUL bytes is an empty line). */
int scenario_parse_file(struct scenario *sc, const char *path, char *err, size_t errlen)
{
	struct parse_ctx ctx = { .sc = sc };
	size_t len;
	int rc;
	char *text = textfile_read_capped(path, SCENARIO_FILE_MAX, &len, &rc);
	if (!text) {
		if (rc == -EFBIG)
			return errmsg_fail(err, errlen, rc, "%s: larger than %d KiB: not a scenario file", path,
					   SCENARIO_FILE_MAX / 1024);
		if (rc == -EILSEQ)
			return errmsg_fail(err, errlen, -EINVAL, "%s: holds NUL bytes: not a scenario (text) file", path);
		return errmsg_fail(err, errlen, rc == -ENOENT ? -ENOENT : rc, "%s: cannot open: %s", path, strerror(-rc));
	}
	rc = finish(&ctx, ini_parse_string(text, on_key, &ctx), path, err, errlen);
	free(text);
	return rc;
}

int scenario_check(const struct scenario *sc, char *err, size_t errlen)
{
	const char *why = NULL;
	if (!sc->blocking && !sc->evented)
		why = "blocking and evented are both off: nothing to show";
	else if (sc->rate <= 0 && sc->connections == 0)
		why = "rate is 0 and connections is 0: no load (set one of them)";
	else if (sc->loops == 0)
		why = "loops must be at least 1";
	else if (sc->loadgen_threads == 0)
		why = "loadgen_threads must be at least 1";
	if (!why)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

void scenario_write(const struct scenario *sc, FILE *out)
{
	fprintf(out, "# lunchrush scenario (bin/dashboard --scenario FILE)\n");
	fprintf(out, "name = %s\nrate = %g\nconnections = %u\narrivals = %s\nseed = %" PRIu64 "\n",
		sc->name, sc->rate, sc->connections, sc->poisson ? "poisson" : "even", sc->seed);
	fprintf(out, "cook_ms = %u\nwork_us = %u\nkeepalive = %s\nmax_conns = %u\ntimeout_ms = %u\n",
		sc->cook_ms, sc->work_us, sc->keepalive ? "yes" : "no", sc->max_conns, sc->timeout_ms);
	fprintf(out, "loadgen_threads = %u\nblocking = %s\nthreads = %u\nhold_connection = %s\n",
		sc->loadgen_threads, sc->blocking ? "yes" : "no", sc->threads,
		sc->hold_connection ? "yes" : "no");
	fprintf(out, "evented = %s\nloops = %u\nhelpers = %u\nkitchen = %s\nidle_ms = %u\n",
		sc->evented ? "yes" : "no", sc->loops, sc->helpers, sc->kitchen ? "yes" : "no", sc->idle_ms);
	if (sc->blocking_args[0])
		fprintf(out, "blocking_args = %s\n", sc->blocking_args);
	if (sc->evented_args[0])
		fprintf(out, "evented_args = %s\n", sc->evented_args);
	if (sc->loadgen_args[0])
		fprintf(out, "loadgen_args = %s\n", sc->loadgen_args);
	if (sc->max_line)
		fprintf(out, "max_line = %u\n", sc->max_line);
	if (sc->backlog)
		fprintf(out, "backlog = %u\n", sc->backlog);
	if (sc->stoves)
		fprintf(out, "stoves = %u\n", sc->stoves);
	if (sc->mix[0])
		fprintf(out, "mix = %s\n", sc->mix);
	for (int i = 0; i < 2; i++) {
		char spec[RESTAURANT_ARG_MAX + 8];
		restaurant_spec(&sc->half[i], spec, sizeof spec);
		if (sc->half[i].kind == REST_CMD) /* a file never runs a command: kept as a note */
			fprintf(out, "# %s = %s (give it with --%s)\n", i ? "right" : "left", spec, i ? "right" : "left");
		else if (sc->half[i].kind != (i ? REST_EVENTED : REST_BLOCKING))
			fprintf(out, "%s = %s\n", i ? "right" : "left", spec);
		if (sc->half[i].pid)
			fprintf(out, "%s_pid = %d\n", i ? "right" : "left", (int)sc->half[i].pid);
	}
	if (sc->gomaxprocs)
		fprintf(out, "gomaxprocs = %u\n", sc->gomaxprocs);
}

void scenario_summary(const struct scenario *sc, char *buf, size_t len)
{
	char load[48];
	if (sc->rate > 0)
		snprintf(load, sizeof load, "%g/s", sc->rate);
	else
		snprintf(load, sizeof load, "%u clients", sc->connections);
	char halves[48] = "";
	if (sc->half[0].kind != REST_BLOCKING || sc->half[1].kind != REST_EVENTED)
		snprintf(halves, sizeof halves, ", %s vs %s", restaurant_name(sc->half[0].kind),
			 restaurant_name(sc->half[1].kind));
	snprintf(buf, len, "%s: %s, cook %u ms, cpu %u us, %u cashiers%s%s", sc->name, load, sc->cook_ms,
		 sc->work_us, sc->threads, sc->keepalive ? "" : ", no keep-alive", halves);
}
