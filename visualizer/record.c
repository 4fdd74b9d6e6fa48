/* record.c: the recording format (see record.h). One table of columns drives both the
 * writer and the parser, so a field added to the table round-trips by construction.
 */
#include "record.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_MAGIC "# lunchrush recording v1"
#define LINE_MAX_BYTES 4096

enum col_type { COL_DOUBLE, COL_I64, COL_U32, COL_LONG, COL_BOOL };

/* columns after t_s and side: name, type, where in struct side_snapshot */
#define COL(name, type) { #name, type, offsetof(struct side_snapshot, name) }
static const struct column {
	const char *name;
	enum col_type type;
	size_t off;
} columns[] = {
	COL(server_up, COL_BOOL),        COL(loadgen_up, COL_BOOL),
	COL(offered_rps, COL_DOUBLE),    COL(arrival_rps, COL_DOUBLE),
	COL(throughput_rps, COL_DOUBLE), COL(completed_rps, COL_DOUBLE),
	COL(error_rps, COL_DOUBLE),      COL(p50_ms, COL_DOUBLE),
	COL(p99_ms, COL_DOUBLE),         COL(max_ms, COL_DOUBLE),
	COL(mean_ms, COL_DOUBLE),        COL(server_p50_ms, COL_DOUBLE),
	COL(server_p99_ms, COL_DOUBLE),  COL(server_mean_ms, COL_DOUBLE),
	COL(outside, COL_I64),           COL(door, COL_I64),
	COL(door_max, COL_I64),          COL(in_line, COL_I64),
	COL(at_counter, COL_I64),        COL(in_kitchen, COL_I64),
	COL(handing_over, COL_I64),      COL(conns_open, COL_I64),
	COL(cashiers, COL_U32),          COL(errors_total, COL_I64),
	COL(offered_total, COL_I64),     COL(served_total, COL_I64),
	COL(completed_total, COL_I64),   COL(threads, COL_LONG),
	COL(rss_kb, COL_LONG),           COL(cpu_pct, COL_DOUBLE),
	COL(loop_lag_p99_ms, COL_DOUBLE), COL(loop_lag_max_ms, COL_DOUBLE),
	COL(loop_util_pct, COL_DOUBLE),  COL(little_l, COL_DOUBLE),
	COL(little_lambda, COL_DOUBLE),  COL(little_w_s, COL_DOUBLE),
	COL(little_lw, COL_DOUBLE),      COL(rate, COL_DOUBLE),
	COL(cook_ms, COL_U32),           COL(work_us, COL_U32),
	COL(paused, COL_BOOL),           COL(keepalive, COL_BOOL),
	COL(open_loop, COL_BOOL),        COL(threads_cfg, COL_U32),
	COL(loops_cfg, COL_U32),         COL(helpers_cfg, COL_U32),
	COL(ctx_switches_rps, COL_DOUBLE),
};
#define NCOLS (sizeof columns / sizeof columns[0])
/* uint64 totals are stored through the int64 column type: same size, never negative */
_Static_assert(sizeof(int64_t) == sizeof(uint64_t), "totals share the int64 column type");

static const char *const side_names[SIDE_COUNT] = { "blocking", "evented" };

static void write_header(FILE *out)
{
	fprintf(out, "t_s,side,model");
	for (size_t i = 0; i < NCOLS; i++)
		fprintf(out, ",%s", columns[i].name);
	fprintf(out, ",cashier_states,errors\n");
}

void record_format_row(FILE *out, double t_s, enum arena_side side, const struct side_snapshot *ss)
{
	fprintf(out, "%.3f,%s,%s", t_s, side_names[side], ss->model[0] ? ss->model : "-");
	for (size_t i = 0; i < NCOLS; i++) {
		const char *p = (const char *)ss + columns[i].off;
		switch (columns[i].type) {
		case COL_DOUBLE: fprintf(out, ",%.3f", *(const double *)p); break;
		case COL_I64: fprintf(out, ",%lld", (long long)*(const int64_t *)p); break;
		case COL_U32: fprintf(out, ",%u", *(const uint32_t *)p); break;
		case COL_LONG: fprintf(out, ",%ld", *(const long *)p); break;
		case COL_BOOL: fprintf(out, ",%d", *(const bool *)p ? 1 : 0); break;
		}
	}
	fputc(',', out);
	uint32_t n = ss->cashiers < SNAP_CASHIERS ? ss->cashiers : SNAP_CASHIERS;
	for (uint32_t i = 0; i < n; i++)
		fputc('0' + (ss->cashier_state[i] % 10), out);
	if (n == 0)
		fputc('-', out);
	fputc(',', out);
	int any = 0;
	for (int e = 0; e < SERR_COUNT; e++)
		if (ss->server_errors[e])
			fprintf(out, "%sserver.%s=%llu", any++ ? ";" : "", scoreboard_server_error_name(e),
				(unsigned long long)ss->server_errors[e]);
	for (int e = 0; e < LERR_COUNT; e++)
		if (ss->loadgen_errors[e])
			fprintf(out, "%sclient.%s=%llu", any++ ? ";" : "", scoreboard_loadgen_error_name(e),
				(unsigned long long)ss->loadgen_errors[e]);
	if (!any)
		fputc('-', out);
	fputc('\n', out);
}

static int parse_errors(const char *text, struct side_snapshot *ss)
{
	if (strcmp(text, "-") == 0)
		return 0;
	char copy[LINE_MAX_BYTES];
	snprintf(copy, sizeof copy, "%s", text);
	char *save = NULL;
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(t, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		unsigned long long v = strtoull(eq + 1, NULL, 10);
		bool found = false;
		for (int e = 0; e < SERR_COUNT && !found; e++)
			if (strncmp(t, "server.", 7) == 0 && strcmp(t + 7, scoreboard_server_error_name(e)) == 0)
				ss->server_errors[e] = v, found = true;
		for (int e = 0; e < LERR_COUNT && !found; e++)
			if (strncmp(t, "client.", 7) == 0 && strcmp(t + 7, scoreboard_loadgen_error_name(e)) == 0)
				ss->loadgen_errors[e] = v, found = true;
		if (!found)
			return -EINVAL;
	}
	return 0;
}

static int parse_states(const char *text, struct side_snapshot *ss)
{
	memset(ss->cashier_by_state, 0, sizeof ss->cashier_by_state);
	if (strcmp(text, "-") == 0)
		return 0;
	size_t n = strlen(text);
	if (n > SNAP_CASHIERS)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int s = text[i] - '0';
		if (s < 0 || s >= CASHIER_STATE_COUNT)
			return -EINVAL;
		ss->cashier_state[i] = (uint8_t)s;
		ss->cashier_by_state[s]++;
	}
	/* slots beyond the first SNAP_CASHIERS were not recorded one by one: count them idle */
	if (ss->cashiers > n)
		ss->cashier_by_state[CASHIER_IDLE] += ss->cashiers - (uint32_t)n;
	return 0;
}

static int parse_field(const struct column *c, const char *text, struct side_snapshot *ss)
{
	char *end;
	char *p = (char *)ss + c->off;
	errno = 0;
	switch (c->type) {
	case COL_DOUBLE: *(double *)p = strtod(text, &end); break;
	case COL_I64: *(int64_t *)p = strtoll(text, &end, 10); break;
	case COL_U32: *(uint32_t *)p = (uint32_t)strtoul(text, &end, 10); break;
	case COL_LONG: *(long *)p = strtol(text, &end, 10); break;
	case COL_BOOL: *(bool *)p = strtol(text, &end, 10) != 0; break;
	default: return -EINVAL;
	}
	return end == text || *end || errno ? -EINVAL : 0;
}

int record_parse_row(const char *line, double *t_s, enum arena_side *side, struct side_snapshot *ss)
{
	char copy[LINE_MAX_BYTES];
	snprintf(copy, sizeof copy, "%s", line);
	copy[strcspn(copy, "\r\n")] = '\0';
	memset(ss, 0, sizeof *ss);
	ss->present = true;
	char *fields[NCOLS + 5];
	size_t n = 0;
	for (char *p = copy; n < NCOLS + 5; n++) { /* strsep keeps empty fields */
		fields[n] = strsep(&p, ",");
		if (!fields[n])
			break;
	}
	if (n != NCOLS + 5)
		return -EINVAL;
	char *end;
	*t_s = strtod(fields[0], &end);
	if (end == fields[0] || *end)
		return -EINVAL;
	if (strcmp(fields[1], "blocking") == 0)
		*side = SIDE_BLOCKING;
	else if (strcmp(fields[1], "evented") == 0)
		*side = SIDE_EVENTED;
	else
		return -EINVAL;
	snprintf(ss->model, sizeof ss->model, "%.15s", strcmp(fields[2], "-") ? fields[2] : "");
	for (size_t i = 0; i < NCOLS; i++)
		if (parse_field(&columns[i], fields[3 + i], ss) < 0)
			return -EINVAL;
	if (parse_states(fields[3 + NCOLS], ss) < 0 || parse_errors(fields[4 + NCOLS], ss) < 0)
		return -EINVAL;
	return 0;
}

struct recorder {
	FILE *f;
};

struct recorder *recorder_open(const char *path, const char *scenario_line)
{
	struct recorder *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->f = fopen(path, "w");
	if (!r->f) {
		int e = errno;
		free(r);
		errno = e;
		return NULL;
	}
	fprintf(r->f, "%s\n# scenario: %s\n", RECORD_MAGIC, scenario_line ? scenario_line : "");
	write_header(r->f);
	fflush(r->f);
	return r;
}

int recorder_write(struct recorder *r, const struct snapshot *s)
{
	for (int i = 0; i < SIDE_COUNT; i++)
		if (s->side[i].present)
			record_format_row(r->f, s->elapsed_s, i, &s->side[i]);
	return fflush(r->f) == 0 ? 0 : -errno;
}

void recorder_close(struct recorder *r)
{
	if (!r)
		return;
	fclose(r->f);
	free(r);
}

/* A recording in memory: one snapshot per tick (rows with the same t_s). */
struct replay {
	char scenario[256];
	struct snapshot *frames;
	size_t n, cap;
};

static int add_row(struct replay *r, double t, enum arena_side side, const struct side_snapshot *ss)
{
	bool same_tick = r->n > 0 && r->frames[r->n - 1].elapsed_s == t && !r->frames[r->n - 1].side[side].present;
	if (!same_tick) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 64;
			struct snapshot *f = realloc(r->frames, cap * sizeof *f);
			if (!f)
				return -ENOMEM;
			r->frames = f;
			r->cap = cap;
		}
		memset(&r->frames[r->n], 0, sizeof r->frames[0]);
		r->frames[r->n].elapsed_s = t;
		r->frames[r->n].ticks = r->n + 1;
		r->n++;
	}
	r->frames[r->n - 1].side[side] = *ss;
	return 0;
}

struct replay *replay_open(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct replay *r = calloc(1, sizeof *r);
	char line[LINE_MAX_BYTES];
	int lineno = 0;
	bool header = false;
	if (!r)
		goto out_nomem;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (lineno == 1 && strncmp(line, RECORD_MAGIC, strlen(RECORD_MAGIC)) != 0) {
			snprintf(err, errlen, "%s:1: not a lunchrush recording (no '%s')", path, RECORD_MAGIC);
			goto out_fail;
		}
		if (strncmp(line, "# scenario: ", 12) == 0) {
			snprintf(r->scenario, sizeof r->scenario, "%.*s", (int)strcspn(line + 12, "\n"), line + 12);
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!header) {
			header = true; /* the column names */
			continue;
		}
		double t;
		enum arena_side side;
		struct side_snapshot ss;
		if (record_parse_row(line, &t, &side, &ss) < 0) {
			snprintf(err, errlen, "%s:%d: not a row of %zu columns in the recording format", path, lineno,
				 NCOLS + 5);
			goto out_fail;
		}
		if (add_row(r, t, side, &ss) < 0)
			goto out_nomem;
	}
	if (r->n == 0) {
		snprintf(err, errlen, "%s: no rows recorded", path);
		goto out_fail;
	}
	fclose(f);
	return r;

out_nomem:
	snprintf(err, errlen, "%s: out of memory", path);
out_fail:
	replay_free(r);
	fclose(f);
	return NULL;
}

void replay_free(struct replay *r)
{
	if (!r)
		return;
	free(r->frames);
	free(r);
}

size_t replay_frames(const struct replay *r)
{
	return r->n;
}

const char *replay_scenario(const struct replay *r)
{
	return r->scenario;
}

void replay_frame(const struct replay *r, size_t i, struct snapshot *out)
{
	if (i >= r->n)
		i = r->n - 1;
	*out = r->frames[i];
	size_t first = i + 1 > MODEL_HISTORY ? i + 1 - MODEL_HISTORY : 0;
	for (int s = 0; s < SIDE_COUNT; s++) {
		struct side_snapshot *ss = &out->side[s];
		ss->history_len = (uint32_t)(i + 1 - first);
		for (size_t k = first; k <= i; k++) {
			ss->history_rps[k - first] = (float)r->frames[k].side[s].throughput_rps;
			ss->history_p99_ms[k - first] = (float)r->frames[k].side[s].p99_ms;
		}
	}
}
