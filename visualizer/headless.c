/* headless.c: --headless --duration 20s [--json]: the same run without a screen.
 *
 * A per-second table while it runs (on stdout, or stderr with --json), then a
 * side-by-side summary. The summary's figures are the load generators' own --json
 * objects, embedded as they are under servers.blocking and servers.evented, plus what
 * only the dashboard saw: line_max, threads_max, rss_max_kb, loop_lag_p99_ms. This is
 * what `make demo` prints when stdout is not a terminal, and what lesson checks read.
 */
#include "headless.h"
#include "jsonout.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "busguard.h"
#include "clock.h"
#include "fmt.h"
#include "sim_bridge.h"
#include "verdict.h"

#define JSON_MAX 16384
#define STEP_NS (100 * NS_PER_MS)

/* The JSON key and table heading of a half: its restaurant's name ("blocking",
 * "node"), with -left / -right when both halves are the same kind. */
static const char *half_key(const struct app *app, int side, char *buf, size_t len)
{
	enum restaurant_kind k = app->sc.half[side].kind, other = app->sc.half[!side].kind;
	if (k == other)
		snprintf(buf, len, "%s-%s", restaurant_name(k), side ? "right" : "left");
	else
		snprintf(buf, len, "%s", restaurant_name(k));
	return buf;
}

static void table_header(FILE *out, const struct app *app)
{
	char l[40], r[40];
	headless_table_header(out, half_key(app, 0, l, sizeof l), half_key(app, 1, r, sizeof r));
}

void headless_table_header(FILE *out, const char *left, const char *right)
{
	fprintf(out, "%5s | %-44s | %-53s\n", "", left, right);
	fprintf(out, "%5s | %7s %7s %5s %8s %8s %4s | %7s %7s %5s %8s %8s %8s %4s\n", "t", "arrive", "served", "line",
		"p50", "p99", "err", "arrive", "served", "line", "p50", "p99", "lag p99", "err");
}

static void table_side(FILE *out, const struct side_snapshot *ss, bool lag)
{
	char a[24], b[24], c[24];
	if (!ss->present || !ss->server_up) { /* the reason, cut to the column */
		int w = lag ? 53 : 44;
		char down[200];
		snprintf(down, sizeof down, "down: %s", ss->reason[0] ? ss->reason : "no reason known");
		fprintf(out, " %-*.*s |", w, w, ss->present ? down : "-");
		return;
	}
	char line[24] = "-"; /* a black box has no line we can see */
	if (!ss->black_box)
		snprintf(line, sizeof line, "%lld", (long long)ss->in_line);
	/* no answer this second (or no lag sample: a frozen loop) is "-", never 0.00ms; a
	 * recording from before the counts were kept has only the figures to go by */
	bool no_latency = ss->latency_count == 0 && ss->p99_ms == 0;
	bool no_lag = ss->black_box || (ss->loop_lag_count == 0 && ss->loop_lag_p99_ms == 0);
	fprintf(out, " %7.1f %7.1f %5s %8s %8s", ss->offered_rps > 0 ? ss->offered_rps : ss->arrival_rps,
		ss->throughput_rps, line, no_latency ? "-" : fmt_ms(a, sizeof a, ss->p50_ms),
		no_latency ? "-" : fmt_ms(b, sizeof b, ss->p99_ms));
	if (lag)
		fprintf(out, " %8s", no_lag ? "-" : fmt_ms(c, sizeof c, ss->loop_lag_p99_ms));
	fprintf(out, " %4llu |", (unsigned long long)ss->errors_total);
}

void headless_row(FILE *out, const struct snapshot *s)
{
	fprintf(out, "%5.0f |", s->elapsed_s);
	table_side(out, &s->side[SIDE_BLOCKING], false);
	table_side(out, &s->side[SIDE_EVENTED], true);
	fputc('\n', out);
}

/* The first member named key, depth first (our loadgen's keys are unique within
 * each nested object). */
static const cJSON *json_find(const cJSON *obj, const char *key)
{
	const cJSON *hit = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (hit)
		return hit;
	const cJSON *child;
	cJSON_ArrayForEach(child, obj)
		if (cJSON_IsObject(child) && (hit = json_find(child, key)) != NULL)
			return hit;
	return NULL;
}

/* The number under key, inside the object `after` when given, read with libcjson. */
double headless_json_number(const char *json, const char *after, const char *key, bool *found)
{
	*found = false;
	cJSON *root = cJSON_Parse(json);
	if (!root)
		return 0;
	const cJSON *from = after ? json_find(root, after) : root;
	const cJSON *item = from ? json_find(from, key) : NULL;
	double v = 0;
	if (cJSON_IsNumber(item)) {
		v = item->valuedouble;
		*found = true;
	}
	cJSON_Delete(root);
	return v;
}

/* When a load generator left no JSON (killed, or attach mode), the same keys from its
 * scoreboard, marked with "source": "scoreboard"; several attached to one side are
 * summed (counts, rates, connections, one histogram), "loadgens" says how many.
 * Attached, the load generators ran before the dashboard came: their counters and
 * histograms are taken at the start of the watch (lg_base) and the summary is the
 * difference, the figures of the interval watched, not of the process's whole life. */
struct board_copy {
	const struct scoreboard_loadgen *from;
	struct scoreboard_loadgen *to;
};

static void copy_board(void *ctx)
{
	struct board_copy *c = ctx;
	memcpy(c->to, c->from, sizeof *c->to);
}

struct lg_sum {
	bool taken;
	uint64_t completed, sent, errors[LERR_COUNT];
	double rate;
	unsigned connections, n;
	bool open_loop;
	struct hist h;            /* latency, every board merged */
};

/* The side's load generators summed now. False when the first board is not mapped or
 * faults (copied under busguard: a segment truncated now ends the copy, not the run). */
static bool lg_sum_now(struct model *m, enum arena_side side, struct lg_sum *out)
{
	static struct scoreboard_loadgen copy;
	static struct hist more_h;
	const struct scoreboard_loadgen *board = model_loadgen_board(m, side), *lg = &copy;
	struct board_copy c = { board, &copy };
	if (!board || busguard_run(copy_board, &c) < 0)
		return false;
	hist_snapshot(&out->h, &lg->latency);
	out->completed = SB_GET(lg->completed);
	out->sent = SB_GET(lg->sent);
	out->rate = SB_GET(lg->rate_milli) / 1000.0;
	out->connections = lg->connections;
	out->open_loop = lg->open_loop;
	out->n = 1;
	for (int e = 0; e < LERR_COUNT; e++)
		out->errors[e] = SB_GET(lg->errors[e]);
	const struct scoreboard_loadgen *x;
	for (unsigned i = 0; i < MODEL_LOADGENS_MAX; i++) {
		if (!(x = model_more_loadgen_board(m, side, i)))
			continue;
		hist_snapshot(&more_h, &x->latency);
		hist_merge(&out->h, &more_h);
		out->completed += SB_GET(x->completed);
		out->sent += SB_GET(x->sent);
		out->rate += SB_GET(x->rate_milli) / 1000.0;
		out->connections += x->connections;
		for (int e = 0; e < LERR_COUNT; e++)
			out->errors[e] += SB_GET(x->errors[e]);
		out->n++;
	}
	out->taken = true;
	return true;
}

/* The start of the watch, per side (attach mode): taken once, when the side's first
 * load generator is first mapped. */
static struct lg_sum lg_base[SIDE_COUNT];
/* the errors so far (server and client) at the first second computed, attach mode */
static uint64_t errors_base[SIDE_COUNT];
static bool errors_base_taken[SIDE_COUNT];

static void lg_base_take(struct model *m)
{
	for (int i = 0; i < SIDE_COUNT; i++)
		if (!lg_base[i].taken)
			lg_sum_now(m, i, &lg_base[i]);
}

static uint64_t since(uint64_t now, uint64_t base)
{
	return now > base ? now - base : 0;
}

static void json_from_board(FILE *out, struct model *m, enum arena_side side, double duration_s)
{
	static struct lg_sum now;
	static struct hist h;
	if (!lg_sum_now(m, side, &now)) {
		fprintf(out, "{\"source\": \"none\"");
		return;
	}
	const struct lg_sum *base = lg_base[side].taken ? &lg_base[side] : NULL;
	uint64_t completed = base ? since(now.completed, base->completed) : now.completed;
	uint64_t sent = base ? since(now.sent, base->sent) : now.sent;
	if (base)
		hist_diff(&h, &now.h, &base->h);
	else
		h = now.h;
	fprintf(out, "{\"source\": \"scoreboard\", \"interval\": %s, \"loadgens\": %u, \"mode\": \"%s\", "
		     "\"connections\": %u, \"rate\": %.3f, \"duration_s\": %.3f, \"sent\": %llu, \"requests\": %llu, "
		     "\"errors\": {", base ? "true" : "false", now.n, now.open_loop ? "open" : "closed", now.connections,
		now.rate, duration_s, (unsigned long long)sent, (unsigned long long)completed);
	for (int e = 0; e < LERR_COUNT; e++)
		fprintf(out, "%s\"%s\": %llu", e ? ", " : "", scoreboard_loadgen_error_name(e),
			(unsigned long long)(base ? since(now.errors[e], base->errors[e]) : now.errors[e]));
	fprintf(out, "}, \"throughput_rps\": %.3f, \"latency_ms\": {\"min\": %.3f, \"mean\": %.3f, \"p50\": %.3f, "
		     "\"p90\": %.3f, \"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f}",
		duration_s > 0 ? completed / duration_s : 0, hist_min(&h) / 1e3, hist_mean(&h) / 1e3,
		hist_percentile(&h, 50) / 1e3, hist_percentile(&h, 90) / 1e3, hist_percentile(&h, 99) / 1e3,
		hist_percentile(&h, 99.9) / 1e3, h.count ? h.max_us / 1e3 : 0.0);
}

/* What was measured from outside (model_outside.h), for every half: the restaurant,
 * the door from the kernel, the process tree; written with libcjson. */
static void json_outside(FILE *out, struct app *app, enum arena_side side, const struct side_maxima *mx)
{
	const struct side_snapshot *ss = &model_snapshot(app->model)->side[side];
	char spec[RESTAURANT_ARG_MAX + 8];
	restaurant_spec(&app->sc.half[side], spec, sizeof spec);
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return;
	cJSON_AddStringToObject(o, "restaurant", spec);
	cJSON_AddStringToObject(o, "half", side ? "right" : "left");
	cJSON_AddBoolToObject(o, "black_box", ss->black_box);
	cJSON_AddNumberToObject(o, "served", (double)ss->served_total);
	cJSON_AddBoolToObject(o, "door_kernel", ss->door_kernel);
	cJSON_AddNumberToObject(o, "door_max", (double)mx->door_max);
	cJSON_AddNumberToObject(o, "door_backlog", (double)mx->door_backlog);
	cJSON_AddNumberToObject(o, "listen_overflows", (double)ss->listen_overflows);
	cJSON_AddNumberToObject(o, "listen_drops", (double)ss->listen_drops);
	cJSON_AddNumberToObject(o, "processes", ss->processes);
	cJSON_AddNumberToObject(o, "ctx_switches", (double)ss->ctx_switches);
	cJSON *v = cJSON_AddObjectToObject(o, "verdicts"); /* the model's, as the screen shows them */
	if (v) {
		cJSON_AddStringToObject(v, "little", verdict_little_name(ss->verdict_little));
		cJSON_AddNumberToObject(v, "little_l", ss->verdict_l);
		cJSON_AddNumberToObject(v, "little_lw", ss->verdict_lw);
		cJSON_AddNumberToObject(v, "window_s", ss->verdict_window_ticks);
		cJSON_AddStringToObject(v, "pace", verdict_pace_name(ss->verdict_pace));
		cJSON_AddStringToObject(v, "speed", verdict_speed_name(ss->verdict_speed));
	}
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text)
		return;
	size_t n = strlen(text);
	if (n > 2) /* the members only: they join the object being written */
		fprintf(out, ", %.*s", (int)(n - 2), text + 1);
	cJSON_free(text);
}

/* One server's object: the loadgen's JSON without its closing brace, then ours. */
static void json_side(FILE *out, struct app *app, enum arena_side side, double duration_s)
{
	static char buf[JSON_MAX];
	int n = app->arena ? arena_loadgen_json(app->arena, side, buf, sizeof buf) : -ENOENT;
	if (n > 0) {
		buf[n - 1] = '\0'; /* drop the final '}' */
		while (n > 1 && (buf[n - 2] == ' ' || buf[n - 2] == '\n'))
			buf[--n - 1] = '\0';
		fputs(buf, out);
	} else {
		json_from_board(out, app->model, side, duration_s);
	}
	struct side_maxima mx;
	model_maxima(app->model, side, &mx);
	fprintf(out, ", \"line_max\": %lld, \"threads_max\": %ld, \"rss_max_kb\": %ld, \"loop_lag_p99_ms\": %.3f",
		(long long)mx.line_max, mx.threads_max, mx.rss_max_kb, mx.loop_lag_p99_ms);
	json_outside(out, app, side, &mx);
	fputc('}', out);
}

static void summary_json(FILE *out, struct app *app, double duration_s, const struct sim_bridge *sim)
{
	fprintf(out, "{\"scenario\": ");
	json_put_string(out, app->sc.name);
	fprintf(out, ", \"duration_s\": %.3f, \"servers\": {", duration_s);
	bool first = true;
	for (int i = 0; i < SIDE_COUNT; i++) {
		if (!model_snapshot(app->model)->side[i].present)
			continue;
		char key[40];
		fprintf(out, "%s\"%s\": ", first ? "" : ", ", half_key(app, i, key, sizeof key));
		json_side(out, app, i, duration_s);
		first = false;
	}
	fprintf(out, "}, \"model\": ");
	sim_bridge_json(sim, out);  /* the same keys as servers.*, predicted */
	fprintf(out, "}\n");
}

/* The model's figure beside the measured one: "80.0/s" then "(79.9/s)". The gap is
 * flagged with '!' beyond the tolerance: 5 % on throughput, 25 % on p99. */
void headless_cell_pair(FILE *out, int kind, double v, bool found, double mv, bool mfound, bool blank, double tol)
{
	char buf[24], mbuf[24], cell[32];
	char *(*f)(char *, size_t, double) = kind == 1 ? fmt_rate : kind == 2 ? fmt_ms : NULL;
	if (!found || blank)
		snprintf(buf, sizeof buf, "-");
	else if (f)
		f(buf, sizeof buf, v);
	else
		snprintf(buf, sizeof buf, "%.0f", v);
	if (!mfound || blank)
		snprintf(mbuf, sizeof mbuf, "-");
	else if (f)
		f(mbuf, sizeof mbuf, mv);
	else
		snprintf(mbuf, sizeof mbuf, "%.0f", mv);
	bool gap = found && mfound && !blank && tol > 0 && fabs(mv - v) > tol * fabs(v) && fabs(mv - v) > 1e-3;
	snprintf(cell, sizeof cell, "(%s)%s", mbuf, gap ? "!" : "");
	fprintf(out, " %11s %-12s", buf, cell);
}

/* Text from outside (a scenario or recording name) on a terminal: control characters,
 * the start of every escape sequence, print as '?'. */
void headless_put_clean(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* The human summary reads the same objects back, so both say the same numbers. */
static void summary_text(FILE *out, struct app *app, double duration_s, const struct sim_bridge *sim)
{
	char *json[SIDE_COUNT] = { NULL, NULL }, *mjson[SIDE_COUNT] = { NULL, NULL };
	for (int i = 0; i < SIDE_COUNT; i++) {
		size_t len = 0;
		FILE *mem = open_memstream(&json[i], &len);
		if (!mem)
			return;
		if (model_snapshot(app->model)->side[i].present)
			json_side(mem, app, i, duration_s);
		fclose(mem);
		mem = open_memstream(&mjson[i], &len);
		if (!mem)
			return;
		sim_bridge_side_json(sim, i, mem);
		fclose(mem);
	}
	enum kind { WHOLE, RATE, MS, LAG };
	static const struct { const char *label, *after, *key; enum kind kind; } rows[] = {
		{ "arrivals asked", NULL, "rate", RATE },        { "arrivals", NULL, "arrival_rps", RATE },
		{ "throughput", NULL, "throughput_rps", RATE },  { "requests served", NULL, "requests", WHOLE },
		{ "still waiting", NULL, "outstanding", WHOLE },
		{ "latency p50", "latency_ms", "p50", MS },      { "latency p99", "latency_ms", "p99", MS },
		{ "latency max", "latency_ms", "max", MS },      { "line max", NULL, "line_max", WHOLE },
		{ "threads max", NULL, "threads_max", WHOLE },   { "rss max KB", NULL, "rss_max_kb", WHOLE },
		{ "loop lag p99", NULL, "loop_lag_p99_ms", LAG },
		{ "door max", NULL, "door_max", WHOLE },      /* the kernel's accept queue */
	};
	fprintf(out, "\nsummary: ");
	headless_put_clean(out, app->sc.name);
	char kl[40], kr[40], hl[56], hr[56];
	snprintf(hl, sizeof hl, "%s (model)", half_key(app, 0, kl, sizeof kl));
	snprintf(hr, sizeof hr, "%s (model)", half_key(app, 1, kr, sizeof kr));
	fprintf(out, ", %.0f s (model in brackets)\n%-18s %24s %24s\n", duration_s, "", hl, hr);
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		fprintf(out, "%-18s", rows[r].label);
		for (int i = 0; i < SIDE_COUNT; i++) {
			bool found = false, mfound = false;
			double v = json[i] ? headless_json_number(json[i], rows[r].after, rows[r].key, &found) : 0;
			double mv = mjson[i] ? headless_json_number(mjson[i], rows[r].after, rows[r].key, &mfound) : 0;
			int kind = rows[r].kind == RATE ? 1 : rows[r].kind == MS || rows[r].kind == LAG ? 2 : 0;
			double tol = strcmp(rows[r].key, "throughput_rps") == 0 ? 0.05
				     : strcmp(rows[r].key, "p99") == 0 ? 0.25 : 0;
			/* a peer (issue 14): no model of it, and its line is not seen */
			bool ours = restaurant_is_ours(app->sc.half[i].kind);
			bool unseen = !ours && strcmp(rows[r].key, "line_max") == 0;
			headless_cell_pair(out, kind, v, found && !unseen, mv, mfound && ours,
				  rows[r].kind == LAG && app->sc.half[i].kind != REST_EVENTED, tol);
		}
		fputc('\n', out);
	}
	bool f1, f2;
	uint64_t errs[SIDE_COUNT];
	for (int i = 0; i < SIDE_COUNT; i++) /* attached: since the first second watched */
		errs[i] = since(model_snapshot(app->model)->side[i].errors_total, errors_base[i]);
	fprintf(out, "%-18s %14llu %14llu\n", "errors", (unsigned long long)errs[0], (unsigned long long)errs[1]);
	double p99b = json[0] ? headless_json_number(json[0], "latency_ms", "p99", &f1) : 0;
	double p99e = json[1] ? headless_json_number(json[1], "latency_ms", "p99", &f2) : 0;
	if (json[0] && json[1] && f1 && f2 && p99e > 0)
		fprintf(out, "%s p99 / %s p99 = %.1f\n", kl, kr, p99b / p99e);
	sim_bridge_note(sim, out);
	free(json[0]);
	free(json[1]);
	free(mjson[0]);
	free(mjson[1]);
}

int headless_check_output(FILE *out, const char *what)
{
	if (fflush(out) == 0 && !ferror(out))
		return 0;
	int e = errno ? errno : EIO;
	fprintf(stderr, "dashboard: cannot write the output to %s: %s\n", what, strerror(e));
	return 1;
}

/* --record: the live model beside the run, second by second, as on the screen (the
 * summary's model is sim_bridge_run over the whole run, independent of it). */
static struct sim_ghost ghost;

int headless_run(struct app *app, uint32_t duration_s, bool json)
{
	int rc = 0;
	FILE *table = json ? stderr : stdout;
	char err[256];
	if (app->mode == APP_LIVE) {
		app->arena->duration_s = duration_s;
		app->arena->json = true;
		if (arena_start(app->arena, &app->sc, err, sizeof err) < 0) {
			fprintf(stderr, "dashboard: %s\n", err);
			return 1;
		}
		model_attach_arena(app->model, app->arena, clock_now_ns());
	}
	table_header(table, app);
	sim_ghost_init(&ghost);
	uint64_t start = clock_now_ns();
	/* the load generators end on their own after the duration (with --drain 0; their
	 * closing is bounded by their timeout); attach mode just watches for the duration */
	uint64_t limit = start + (uint64_t)duration_s * NS_PER_SEC +
			 (app->mode == APP_LIVE ? (uint64_t)app->sc.timeout_ms * NS_PER_MS + 5 * NS_PER_SEC : 0);
	while (!app_stop) {
		uint64_t now = clock_now_ns();
		if (app->arena && arena_poll(app->arena))
			app_sync_reasons(app);
		bool tick = model_update(app->model, now);
		if (app->mode == APP_ATTACH)
			lg_base_take(app->model);
		for (int i = 0; tick && app->mode == APP_ATTACH && i < SIDE_COUNT; i++)
			if (!errors_base_taken[i] && model_snapshot(app->model)->side[i].server_up) {
				errors_base[i] = model_snapshot(app->model)->side[i].errors_total;
				errors_base_taken[i] = true;
			}
		if (tick) {
			headless_row(table, model_snapshot(app->model));
			if (fflush(table) != 0 || ferror(table)) {
				rc = headless_check_output(table, json ? "stderr" : "stdout");
				break;
			}
			if (app->mode == APP_LIVE && app->rec) /* the model's second, recorded beside */
				sim_ghost_update(&ghost, &app->sc, model_snapshot(app->model));
			if (app_record_tick(app, app->mode == APP_LIVE && app->rec ? &ghost : NULL) < 0) {
				rc = 1; /* main says what failed, when it closes the recording */
				break;
			}
		}
		if (app->arena && !app->arena->loadgen[0].up && !app->arena->loadgen[1].up)
			break;
		if (now >= limit)
			break;
		clock_sleep_ns(STEP_NS);
	}
	sim_ghost_destroy(&ghost);
	if (app->arena)
		arena_wait_loadgens(app->arena, app_stop ? 0 : 2000);
	double ran = (clock_now_ns() - start) / 1e9;
	double measured = app->mode == APP_LIVE ? duration_s : ran;
	static struct sim_bridge sim;  /* two histograms per side: not on the stack */
	if (app->mode != APP_LIVE)
		snprintf(sim.err, sizeof sim.err, "attached: the scenario of the processes is not known");
	else if (sim_bridge_run(&sim, &app->sc, measured) < 0)
		fprintf(stderr, "dashboard: the model did not run: %s\n", sim.err);
	if (json)
		summary_json(stdout, app, measured, &sim);
	else
		summary_text(stdout, app, measured, &sim);
	sim_bridge_free(&sim);
	if (headless_check_output(stdout, "stdout") != 0)
		rc = 1;
	if (rc)
		return rc;
	return app_stop ? 128 + app_stop : 0; /* as a shell reports a signal's end */
}
