/* record.c: the recording format (see record.h). One table of columns drives both the
 * writer and the parser, so a field added to the table round-trips by construction.
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"
#include "numclamp.h"

#define RECORD_MAGIC "# lunchrush recording v3"
#define RECORD_MAGIC_V2 "# lunchrush recording v2"   /* no verdict columns: replayed without verdicts */
#define RECORD_MAGIC_V1 "# lunchrush recording v1"   /* no sim_* columns either: still replayed */
#define LINE_MAX_BYTES 4096
#define REPLAY_TICKS_MAX 1000000   /* 11 days of one tick a second; 24 MB of index */
#define REPLAY_SCENARIOS_MAX 100000 /* scenario lines (a key pressed every 10 s for 11 days) */

enum col_type { COL_DOUBLE, COL_I64, COL_U32, COL_LONG, COL_BOOL, COL_U8 };

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

/* the model's second (struct side_predicted), after the errors column; all "-" when absent */
#define SIM(name, field, type) { "sim_" #name, type, offsetof(struct side_predicted, field) }
static const struct column sim_columns[] = {
	SIM(length_s, length_s, COL_DOUBLE),   SIM(arrived, arrived, COL_I64),
	SIM(served, served, COL_I64),          SIM(p50_ms, p50_ms, COL_DOUBLE),
	SIM(p99_ms, p99_ms, COL_DOUBLE),       SIM(max_ms, max_ms, COL_DOUBLE),
	SIM(mean_ms, mean_ms, COL_DOUBLE),     SIM(loop_lag_p99_ms, loop_lag_p99_ms, COL_DOUBLE),
	SIM(busy_pct, busy_pct, COL_DOUBLE),   SIM(line, line, COL_I64),
};
#define NSIM (sizeof sim_columns / sizeof sim_columns[0])
/* v3: the model's verdicts of the tick (verdict.h) and what they were judged from, after
 * the sim_* columns, so that a replay says what the live screen said (issue 18) */
static const struct column verdict_columns[] = {
	COL(verdict_little, COL_U8),      COL(verdict_pace, COL_U8),
	COL(verdict_speed, COL_U8),       COL(verdict_window_ticks, COL_U32),
	COL(verdict_l, COL_DOUBLE),       COL(verdict_lw, COL_DOUBLE),
	COL(in_flight, COL_I64),          COL(latency_count, COL_I64),
	COL(loop_lag_count, COL_I64),
};
#define NVERDICT (sizeof verdict_columns / sizeof verdict_columns[0])
#define FIELDS_V1 (NCOLS + 5)            /* t_s, side, model, the columns, states, errors */
#define FIELDS_V2 (FIELDS_V1 + NSIM)
#define FIELDS (FIELDS_V2 + NVERDICT)
/* uint64 totals are stored through the int64 column type: same size, never negative */
_Static_assert(sizeof(int64_t) == sizeof(uint64_t), "totals share the int64 column type");

static const char *const side_names[SIDE_COUNT] = { "blocking", "evented" };

static void write_header(FILE *out)
{
	fprintf(out, "t_s,side,model");
	for (size_t i = 0; i < NCOLS; i++)
		fprintf(out, ",%s", columns[i].name);
	fprintf(out, ",cashier_states,errors");
	for (size_t i = 0; i < NSIM; i++)
		fprintf(out, ",%s", sim_columns[i].name);
	for (size_t i = 0; i < NVERDICT; i++)
		fprintf(out, ",%s", verdict_columns[i].name);
	fputc('\n', out);
}

static void format_field(FILE *out, const struct column *c, const void *base)
{
	const char *p = (const char *)base + c->off;
	switch (c->type) {
	case COL_DOUBLE: fprintf(out, ",%.3f", *(const double *)p); break;
	case COL_I64: fprintf(out, ",%lld", (long long)*(const int64_t *)p); break;
	case COL_U32: fprintf(out, ",%u", *(const uint32_t *)p); break;
	case COL_LONG: fprintf(out, ",%ld", *(const long *)p); break;
	case COL_BOOL: fprintf(out, ",%d", *(const bool *)p ? 1 : 0); break;
	case COL_U8: fprintf(out, ",%u", *(const uint8_t *)p); break;
	}
}

void record_format_row(FILE *out, double t_s, enum arena_side side, const struct side_snapshot *ss)
{
	record_format_side(out, t_s, side, ss, NULL);
}

void record_format_side(FILE *out, double t_s, enum arena_side side, const struct side_snapshot *ss,
			const struct side_predicted *pred)
{
	/* a black box (issue 14) has no model: its restaurant's name stands in the column */
	const char *model = ss->black_box && ss->restaurant[0] ? ss->restaurant : ss->model[0] ? ss->model : "-";
	fprintf(out, "%.3f,%s,%s", t_s, side_names[side], model);
	for (size_t i = 0; i < NCOLS; i++)
		format_field(out, &columns[i], ss);
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
	for (size_t i = 0; i < NSIM; i++)
		if (pred && pred->present)
			format_field(out, &sim_columns[i], pred);
		else
			fputs(",-", out);
	for (size_t i = 0; i < NVERDICT; i++)
		format_field(out, &verdict_columns[i], ss);
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

static int parse_field(const struct column *c, const char *text, void *base)
{
	char *end;
	char *p = (char *)base + c->off;
	errno = 0;
	switch (c->type) {
	case COL_DOUBLE: *(double *)p = strtod(text, &end); break;
	case COL_I64: *(int64_t *)p = strtoll(text, &end, 10); break;
	case COL_U32: *(uint32_t *)p = (uint32_t)strtoul(text, &end, 10); break;
	case COL_LONG: *(long *)p = strtol(text, &end, 10); break;
	case COL_BOOL: *(bool *)p = strtol(text, &end, 10) != 0; break;
	case COL_U8: {
		unsigned long v = strtoul(text, &end, 10);
		if (v > UINT8_MAX)
			return -EINVAL;
		*(uint8_t *)p = (uint8_t)v;
		break;
	}
	default: return -EINVAL;
	}
	return end == text || *end || errno ? -EINVAL : 0;
}

int record_parse_row(const char *line, double *t_s, enum arena_side *side, struct side_snapshot *ss)
{
	return record_parse_side(line, t_s, side, ss, NULL);
}

/* The sim_* fields: all "-" (no model that second) or all numbers. */
static int parse_sim(char **fields, struct side_predicted *pred)
{
	size_t dashes = 0;
	for (size_t i = 0; i < NSIM; i++)
		dashes += strcmp(fields[i], "-") == 0;
	if (dashes == NSIM)
		return 0;
	for (size_t i = 0; i < NSIM; i++)
		if (parse_field(&sim_columns[i], fields[i], pred) < 0)
			return -EINVAL;
	pred->present = true;
	return 0;
}

int record_parse_side(const char *line, double *t_s, enum arena_side *side, struct side_snapshot *ss,
		      struct side_predicted *pred)
{
	char copy[LINE_MAX_BYTES];
	static struct side_predicted unwanted;
	if (!pred)
		pred = &unwanted;
	snprintf(copy, sizeof copy, "%s", line);
	copy[strcspn(copy, "\r\n")] = '\0';
	memset(ss, 0, sizeof *ss);
	memset(pred, 0, sizeof *pred);
	ss->present = true;
	char *fields[FIELDS + 1];
	size_t n = 0;
	for (char *p = copy; n < FIELDS + 1; n++) { /* strsep keeps empty fields */
		fields[n] = strsep(&p, ",");
		if (!fields[n])
			break;
	}
	if (n != FIELDS_V1 && n != FIELDS_V2 && n != FIELDS)
		return -EINVAL;
	if (n >= FIELDS_V2 && parse_sim(fields + FIELDS_V1, pred) < 0)
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
	int kind = restaurant_kind_named(ss->model);
	if (kind >= 0 && !restaurant_is_ours(kind)) { /* a peer's half: measured from outside */
		snprintf(ss->restaurant, sizeof ss->restaurant, "%s", ss->model);
		ss->model[0] = '\0';
		ss->black_box = true;
		ss->door_kernel = true; /* its door column is the kernel's reading */
	}
	for (size_t i = 0; i < NCOLS; i++)
		if (parse_field(&columns[i], fields[3 + i], ss) < 0)
			return -EINVAL;
	if (parse_states(fields[3 + NCOLS], ss) < 0 || parse_errors(fields[4 + NCOLS], ss) < 0)
		return -EINVAL;
	/* v1 and v2 rows have no verdicts: window 0 says so (the view shows the recorded L) */
	for (size_t i = 0; n == FIELDS && i < NVERDICT; i++)
		if (parse_field(&verdict_columns[i], fields[FIELDS_V2 + i], ss) < 0)
			return -EINVAL;
	return 0;
}

/* The recorder writes each tick whole: its rows are formatted in memory first and
 * written with write(2), and a write that fails or falls short is undone with
 * ftruncate back to the end of the last whole tick, so a recording that hits a full
 * disk ends on a whole row and still replays. After a failure nothing more is written. */
struct recorder {
	int fd;
	off_t whole;        /* bytes up to the end of the last whole tick */
	int failed;         /* the first error (negative errno), or 0 */
};

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Append what fill() prints, all of it or nothing (see above). */
static int append_whole(struct recorder *r, void (*fill)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	if (r->failed)
		return r->failed;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return r->failed = -ENOMEM;
	fill(mem, arg);
	if (fclose(mem) != 0) {
		free(buf);
		return r->failed = -ENOMEM;
	}
	int rc = write_all(r->fd, buf, len);
	free(buf);
	if (rc < 0) {
		if (ftruncate(r->fd, r->whole) == 0) /* a pipe or /dev/full cannot be cut back */
			lseek(r->fd, r->whole, SEEK_SET);
		return r->failed = rc;
	}
	r->whole += (off_t)len;
	return 0;
}

struct header_args {
	const char *scenario_line;
};

static void fill_header(FILE *out, const void *arg)
{
	const struct header_args *h = arg;
	fprintf(out, "%s\n# scenario: %s\n", RECORD_MAGIC, h->scenario_line ? h->scenario_line : "");
	write_header(out);
}

static void fill_tick(FILE *out, const void *arg)
{
	const struct snapshot *s = arg;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (s->side[i].present)
			record_format_side(out, s->elapsed_s, i, &s->side[i], &s->predicted[i]);
}

static void fill_scenario(FILE *out, const void *arg)
{
	const char *line = arg;
	fprintf(out, "# scenario: %.*s\n", (int)strcspn(line, "\r\n"), line); /* one line, always */
}

int recorder_scenario(struct recorder *r, const char *scenario_line)
{
	return append_whole(r, fill_scenario, scenario_line ? scenario_line : "");
}

struct recorder *recorder_open(const char *path, const char *scenario_line)
{
	struct recorder *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (r->fd < 0)
		goto out_free;
	struct header_args h = { scenario_line };
	int rc = append_whole(r, fill_header, &h);
	if (rc < 0) {
		close(r->fd);
		errno = -rc;
		goto out_free;
	}
	return r;

out_free:;
	int e = errno;
	free(r);
	errno = e;
	return NULL;
}

int recorder_write(struct recorder *r, const struct snapshot *s)
{
	return append_whole(r, fill_tick, s);
}

int recorder_close(struct recorder *r)
{
	if (!r)
		return 0;
	int rc = r->failed;
	if (close(r->fd) < 0 && rc == 0)
		rc = -errno;
	free(r);
	return rc;
}

/* A recording is not held in memory: replay_open reads it once to check every row and
 * note where each tick starts (8 bytes a tick), and replay_frame reads the rows of the
 * ticks it needs back from the file. Played in order, each frame costs one tick's rows;
 * a jump rebuilds the sparkline history from the MODEL_HISTORY ticks before it. */
struct replay_tick {
	off_t at;           /* file offset of the tick's first row */
	double clock_s;     /* added to its t_s: the run's clock restarted before it */
	uint32_t scenario;  /* index in scenarios */
};

struct replay {
	FILE *f;
	char (*scenarios)[256]; /* the first, then one per "# scenario:" line after it */
	size_t nscenarios, scenarios_cap;
	char warning[256];
	struct replay_tick *tick;
	off_t end;          /* end of the last whole row */
	size_t n, cap;
	/* the frame built last and the sparkline history up to it, for playing in order */
	size_t built;       /* index of the frame in ring, or SIZE_MAX */
	struct snapshot last;
	float ring_rps[SIDE_COUNT][MODEL_HISTORY], ring_p99[SIDE_COUNT][MODEL_HISTORY];
};

static int note_tick(struct replay *r, off_t at, double clock_s)
{
	if (r->n == REPLAY_TICKS_MAX)
		return -EFBIG;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct replay_tick *t = realloc(r->tick, cap * sizeof *t);
		if (!t)
			return -ENOMEM;
		r->tick = t;
		r->cap = cap;
	}
	struct replay_tick *t = &r->tick[r->n++];
	t->at = at;
	t->clock_s = clock_s;
	t->scenario = r->nscenarios ? (uint32_t)(r->nscenarios - 1) : 0;
	return 0;
}

/* A "# scenario: " line: the ticks after it run this scenario. */
static int note_scenario(struct replay *r, const char *line)
{
	if (r->nscenarios == REPLAY_SCENARIOS_MAX)
		return -EFBIG;
	if (r->nscenarios == r->scenarios_cap) {
		size_t cap = r->scenarios_cap ? r->scenarios_cap * 2 : 8;
		char (*t)[256] = realloc(r->scenarios, cap * sizeof *t);
		if (!t)
			return -ENOMEM;
		r->scenarios = t;
		r->scenarios_cap = cap;
	}
	snprintf(r->scenarios[r->nscenarios++], sizeof r->scenarios[0], "%.*s", (int)strcspn(line, "\r\n"), line);
	return 0;
}

/* The comment lines and the column names before the first row. */
static int read_preamble(struct replay *r, const char *path, char *line, int *lineno, char *err, size_t errlen)
{
	bool header = false;
	while (!header) {
		if (!fgets(line, LINE_MAX_BYTES, r->f))
			return 0;
		(*lineno)++;
		if (*lineno == 1 && strncmp(line, RECORD_MAGIC, strlen(RECORD_MAGIC)) != 0 &&
		    strncmp(line, RECORD_MAGIC_V2, strlen(RECORD_MAGIC_V2)) != 0 &&
		    strncmp(line, RECORD_MAGIC_V1, strlen(RECORD_MAGIC_V1)) != 0)
			return errmsg_fail(err, errlen, -EINVAL, "%s:1: not a lunchrush recording (no '%s')", path,
					   RECORD_MAGIC);
		if (strncmp(line, "# scenario: ", 12) == 0) {
			int rc = r->nscenarios ? 0 : note_scenario(r, line + 12); /* the first names the run */
			if (rc < 0)
				return errmsg_fail(err, errlen, rc, "%s:%d: out of memory", path, *lineno);
		} else if (line[0] != '#' && line[0] != '\n')
			header = true; /* the column names */
	}
	return 0;
}

/* Read every row once: checked, grouped into ticks (rows with the same t_s, one per
 * side), and the offset of each tick kept. A last row without its line end was cut
 * (the writer died or the disk filled): the ticks before it are played, with a warning. */
static int index_rows(struct replay *r, const char *path, char *err, size_t errlen)
{
	char line[LINE_MAX_BYTES];
	int lineno = 0;
	int rc = read_preamble(r, path, line, &lineno, err, errlen);
	if (rc < 0)
		return rc;
	if (r->nscenarios == 0 && (rc = note_scenario(r, "")) < 0)
		return errmsg_fail(err, errlen, rc, "%s: out of memory", path);
	double last_t = 0, clock_s = 0;
	bool seen[SIDE_COUNT] = { false, false };
	for (;;) {
		off_t at = ftello(r->f);
		if (!fgets(line, sizeof line, r->f))
			break;
		lineno++;
		size_t len = strlen(line);
		if (len == 0 || line[len - 1] != '\n') {
			if (feof(r->f)) {
				snprintf(r->warning, sizeof r->warning, "%s:%d: the last row is cut (%zu bytes without a "
					 "line end): replaying the %zu whole ticks before it", path, lineno, len, r->n);
				break;
			}
			return errmsg_fail(err, errlen, -EINVAL, "%s:%d: a line longer than %d bytes", path, lineno,
					   LINE_MAX_BYTES - 1);
		}
		if (strncmp(line, "# scenario: ", 12) == 0 && (rc = note_scenario(r, line + 12)) < 0)
			return errmsg_fail(err, errlen, rc, "%s:%d: %s", path, lineno,
					   rc == -EFBIG ? "more scenario lines than a replay takes (100,000)" : "out of memory");
		if (line[0] == '#' || line[0] == '\n') {
			r->end = ftello(r->f);
			continue;
		}
		double t;
		enum arena_side side;
		static struct side_snapshot ss;
		if (record_parse_row(line, &t, &side, &ss) < 0)
			return errmsg_fail(err, errlen, -EINVAL, "%s:%d: not a row of %zu (or %zu, %zu) columns in "
					   "the recording format", path, lineno, (size_t)FIELDS, (size_t)FIELDS_V2, (size_t)FIELDS_V1);
		if (r->n == 0 || t != last_t || seen[side]) {
			if (r->n && t < last_t) /* the run's clock restarted (a preset, r): ours runs on */
				clock_s += last_t;
			if ((rc = note_tick(r, at, clock_s)) < 0)
				return errmsg_fail(err, errlen, rc, "%s:%d: %s", path, lineno,
						   rc == -EFBIG ? "more ticks than a replay takes (1,000,000)" : "out of memory");
			seen[0] = seen[1] = false;
			last_t = t;
		}
		seen[side] = true;
		r->end = ftello(r->f);
	}
	if (ferror(r->f))
		return errmsg_fail(err, errlen, -EIO, "%s: read error: %s", path, strerror(errno));
	return 0;
}

struct replay *replay_open(const char *path, char *err, size_t errlen)
{
	struct replay *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	r->built = SIZE_MAX;
	r->f = fopen(path, "r");
	if (!r->f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out_fail;
	}
	if (index_rows(r, path, err, errlen) < 0)
		goto out_fail;
	if (r->n == 0) {
		snprintf(err, errlen, "%s: no rows recorded%s%s", path, r->warning[0] ? "; " : "", r->warning);
		goto out_fail;
	}
	return r;

out_fail:
	replay_free(r);
	return NULL;
}

void replay_free(struct replay *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->tick);
	free(r->scenarios);
	free(r);
}

size_t replay_frames(const struct replay *r)
{
	return r->n;
}

const char *replay_scenario(const struct replay *r)
{
	return r->scenarios[0];
}

size_t replay_frame_scenario_index(const struct replay *r, size_t i)
{
	return r->tick[i < r->n ? i : r->n - 1].scenario;
}

const char *replay_frame_scenario(const struct replay *r, size_t i)
{
	return r->scenarios[replay_frame_scenario_index(r, i)];
}

const char *replay_warning(const struct replay *r)
{
	return r->warning;
}

/* The rows of tick k into out (without history). A row that no longer parses (the
 * file changed since replay_open) ends the tick early: its figures stay zero. */
static void read_tick(struct replay *r, size_t k, struct snapshot *out)
{
	char line[LINE_MAX_BYTES];
	off_t stop = k + 1 < r->n ? r->tick[k + 1].at : r->end;
	memset(out, 0, sizeof *out);
	out->ticks = k + 1;
	if (fseeko(r->f, r->tick[k].at, SEEK_SET) < 0)
		return;
	while (ftello(r->f) < stop && fgets(line, sizeof line, r->f)) {
		double t;
		enum arena_side side;
		static struct side_snapshot ss;
		struct side_predicted pred;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (record_parse_side(line, &t, &side, &ss, &pred) < 0)
			break;
		out->elapsed_s = t + r->tick[k].clock_s;
		out->side[side] = ss;
		out->predicted[side] = pred;
	}
}

static void push_ring(struct replay *r, size_t k, const struct snapshot *s)
{
	for (int side = 0; side < SIDE_COUNT; side++) {
		r->ring_rps[side][k % MODEL_HISTORY] = (float)clamp_double(s->side[side].throughput_rps, 0, FLT_MAX);
		r->ring_p99[side][k % MODEL_HISTORY] = (float)clamp_double(s->side[side].p99_ms, 0, FLT_MAX);
	}
}

void replay_frame(struct replay *r, size_t i, struct snapshot *out)
{
	if (i >= r->n)
		i = r->n - 1;
	size_t first = i + 1 > MODEL_HISTORY ? i + 1 - MODEL_HISTORY : 0;
	size_t k = r->built != SIZE_MAX && r->built < i && r->built + 1 >= first ? r->built + 1 : first;
	if (r->built == i)
		k = i + 1; /* the same frame again: nothing to read */
	for (; k <= i; k++) {
		read_tick(r, k, &r->last);
		push_ring(r, k, &r->last);
	}
	r->built = i;
	*out = r->last;
	for (int s = 0; s < SIDE_COUNT; s++) {
		struct side_snapshot *ss = &out->side[s];
		ss->history_len = (uint32_t)(i + 1 - first);
		for (size_t h = first; h <= i; h++) {
			ss->history_rps[h - first] = r->ring_rps[s][h % MODEL_HISTORY];
			ss->history_p99_ms[h - first] = r->ring_p99[s][h % MODEL_HISTORY];
		}
	}
}
