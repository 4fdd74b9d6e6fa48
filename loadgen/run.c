/* run.c: the coordinator of a load run (see run.h).
 *
 * The coordinator never touches a connection: workers own those. It only reads the
 * workers' statistics (relaxed loads of single-writer counters), passes control
 * changes through struct lg_shared and an ev_async wake-up, and writes the outputs.
 * Signals are blocked in every thread and taken here with sigtimedwait, which is also
 * the tick's sleep, so no handler runs in the middle of a worker's loop. SIGHUP (what
 * the kernel sends a stopped child whose terminal or parent went away) ends the run as
 * SIGTERM does: the report, then the scoreboard removed.
 *
 * Every write, flush and close of an output (--series, --percentiles, the summary or
 * --json on stdout) is checked: a failure is said once, naming the file, and the exit
 * status is 1 even when the load itself went well.
 */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "clock.h"
#include "hlog.h"
#include "report.h"
#include "startat.h"
#include "wake.h"
#include "worker.h"

#define TICK_NS (50 * NS_PER_MS)

struct run {
	const struct lg_config *cfg;
	struct lg_shared shared;
	struct lg_worker *workers;
	unsigned nworkers;           /* initialised */
	struct lg_board board;
	FILE *series;
	FILE *percentiles;
	uint64_t start_ns, measure_ns;
	struct lg_stats *snap;       /* scratch: one worker's copy */
	struct lg_stats *sum;        /* scratch: the sum over workers */
	struct lg_stats *series_prev;/* measured sum at the last series row */
	struct lg_gauges gauges;
	bool said_emfile, said_ports;
	struct hlog_writer *hlog;    /* --hlog, or NULL */
	uint64_t hlog_next_ns;       /* end of its current interval */
	double measure_epoch_s;      /* measure_ns on the wall clock */
	bool output_failed;          /* an output could not be written: exit 1 */
	struct hist client_lag;      /* the workers' arrival timer lag, summed at the end */
	int stop_signal;             /* the signal that stopped the run, 0: none */
	bool progress;               /* stderr is a terminal: a progress line once a second */
	uint64_t progress_next_ns;   /* when the next one is due */
	uint64_t progress_completed; /* completed at the last one, for the current rate */
	uint64_t progress_at_ns;
};

/* The signals that end a run early, with its report. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Once an output failed, say what, on which file and why (once per output), and keep
 * it from being written again. err_no: the errno of the failed call, 0 if unknown. */
static void output_failed(struct run *r, FILE **f, const char *what, const char *path, int err_no)
{
	fprintf(stderr, "loadgen: cannot write the %s %s: %s\n", what, path, strerror(err_no ? err_no : EIO));
	r->output_failed = true;
	if (f && *f && *f != stdout) {
		fclose(*f);
		*f = NULL;
	}
}

/* Flush f and check every write into it so far. 0, or -1 after output_failed. */
static int output_flush(struct run *r, FILE **f, const char *what, const char *path)
{
	errno = 0;
	if (fflush(*f) == 0 && !ferror(*f))
		return 0;
	output_failed(r, f, what, path, errno);
	return -1;
}

/* Flush and close f (the file is gone either way). 0 or -1 after output_failed. */
static int output_close(struct run *r, FILE **f, const char *what, const char *path)
{
	if (!*f)
		return 0;
	if (output_flush(r, f, what, path))
		return -1;
	int rc = fclose(*f);
	*f = NULL;
	if (rc != 0) {
		output_failed(r, NULL, what, path, errno);
		return -1;
	}
	return 0;
}

static void collect(struct run *r, bool measured)
{
	stats_init(r->sum);
	memset(&r->gauges, 0, sizeof r->gauges);
	for (unsigned i = 0; i < r->nworkers; i++) {
		struct lg_worker *w = &r->workers[i];
		struct lg_gauges g;
		stats_snapshot(r->snap, measured ? w->measured : w->all);
		stats_merge(r->sum, r->snap);
		gauges_snapshot(&g, &w->gauges);
		gauges_merge(&r->gauges, &g);
	}
}

static void wake_all(struct run *r)
{
	for (unsigned i = 0; i < r->nworkers; i++)
		worker_wake(&r->workers[i]);
}

static bool all_finished(struct run *r)
{
	for (unsigned i = 0; i < r->nworkers; i++)
		if (!worker_finished(&r->workers[i]))
			return false;
	return true;
}

/* Hints that only make sense said once, while the run goes on. */
static void say_hints(struct run *r)
{
	for (unsigned i = 0; i < r->nworkers; i++) {
		struct lg_worker *w = &r->workers[i];
		if (!r->said_emfile && __atomic_load_n(&w->emfile_seen, __ATOMIC_RELAXED)) {
			fprintf(stderr, "loadgen: out of file descriptors (EMFILE): raise `ulimit -n` "
				"or use fewer connections\n");
			r->said_emfile = true;
		}
		if (!r->said_ports && __atomic_load_n(&w->addrnotavail_seen, __ATOMIC_RELAXED)) {
			fprintf(stderr, "loadgen: out of local ports (EADDRNOTAVAIL): too many connections in "
				"TIME_WAIT; use --keepalive yes or a lower rate\n");
			r->said_ports = true;
		}
	}
}

static void control_tick(struct run *r)
{
	struct lg_control ctl;
	if (!board_poll_control(&r->board, &ctl))
		return;
	if (r->board.refused_rate_milli) {
		fprintf(stderr, "loadgen: the control slot asked for %.1f arrivals/s: refused, the rate is at most "
			"%.0f/s (as for --rate); %.1f/s stays in force\n", (double)r->board.refused_rate_milli / 1000.0,
			LG_RATE_MAX, (double)ctl.rate_milli / 1000.0);
		r->board.refused_rate_milli = 0;
	}
	pthread_mutex_lock(&r->shared.mu);
	r->shared.ctl = ctl;
	r->shared.seq++;
	pthread_mutex_unlock(&r->shared.mu);
	wake_all(r);
	board_in_force(&r->board, &ctl);
}

static void series_row(struct run *r, uint64_t now)
{
	struct hist interval;
	collect(r, true);
	hist_diff(&interval, &r->sum->latency, &r->series_prev->latency);
	uint64_t errors = stats_errors_total(r->sum) - stats_errors_total(r->series_prev);
	report_series_row(r->series, (double)(now - r->measure_ns) / 1e9, r->sum->sent - r->series_prev->sent,
			  r->sum->completed - r->series_prev->completed, errors,
			  r->gauges.waiting + r->gauges.in_flight, &interval);
	memcpy(r->series_prev, r->sum, sizeof *r->sum);
	output_flush(r, &r->series, "--series file", r->cfg->series_path);
}

/* The series' last part of a second (if it is worth a row), once the window is over
 * or the run stopped: the drain after the window is no part of the series. */
static void series_last_row(struct run *r, uint64_t next_row, uint64_t end)
{
	if (end > next_row - NS_PER_SEC + 100 * NS_PER_MS && end > r->measure_ns)
		series_row(r, end);
}

/* --hlog: one interval line (two in open loop) from the measured totals; it runs on
 * through the drain, and finish writes the rest, so the log holds every value the
 * report counts. */
static void hlog_tick(struct run *r, uint64_t end_ns)
{
	collect(r, true);
	int rc = hlog_interval(r->hlog, end_ns, &r->sum->latency, &r->sum->uncorrected);
	if (rc) {
		fprintf(stderr, "loadgen: cannot write the --hlog file %s: %s; no more intervals\n",
			r->cfg->hlog_path, strerror(-rc));
		hlog_free(r->hlog);
		r->hlog = NULL;
	}
}

/* One line, rewritten in place once a second on a terminal (as oha and htop do): the
 * figures since the start, warm-up included, and the rate over the last second. */
static void progress_tick(struct run *r, uint64_t now)
{
	collect(r, false);
	double dt = (double)(now - r->progress_at_ns) / 1e9;
	double rate = dt > 0 ? (double)(r->sum->completed - r->progress_completed) / dt : 0.0;
	report_progress(stderr, (double)(now - r->start_ns) / 1e9, r->sum->sent, r->sum->completed,
			stats_errors_total(r->sum), rate);
	r->progress_completed = r->sum->completed;
	r->progress_at_ns = now;
	r->progress_next_ns += NS_PER_SEC;
}

/* A duration as it was likely typed: 10s, 500ms, 1.5s. */
static void format_duration(char *buf, size_t cap, uint64_t ns)
{
	if (ns % NS_PER_SEC == 0)
		snprintf(buf, cap, "%llus", (unsigned long long)(ns / NS_PER_SEC));
	else if (ns % NS_PER_MS == 0 && ns < NS_PER_SEC)
		snprintf(buf, cap, "%llums", (unsigned long long)(ns / NS_PER_MS));
	else
		snprintf(buf, cap, "%.3fs", (double)ns / 1e9);
}

/* The banner at once on stderr, so that a run of ten seconds does not look hung. */
static void say_running(const struct run *r)
{
	const struct lg_config *cfg = r->cfg;
	char when[64] = "", warm[32];
	if (cfg->duration_ns)
		format_duration(when, sizeof when, cfg->duration_ns);
	if (cfg->requests)
		snprintf(when + strlen(when), sizeof when - strlen(when), "%s%llu requests", *when ? " or " : "",
			 (unsigned long long)cfg->requests);
	fprintf(stderr, "loadgen: running %s %s-loop @ %s: ", when, cfg->mode == LG_OPEN ? "open" : "closed",
		cfg->target);
	if (cfg->mode == LG_OPEN)
		fprintf(stderr, "%.1f arrivals/s, up to %u connections", cfg->rate, cfg->max_conns);
	else
		fprintf(stderr, "%u connections", cfg->connections);
	fprintf(stderr, ", %u thread%s", cfg->threads, cfg->threads == 1 ? "" : "s");
	if (cfg->warmup_ns) {
		format_duration(warm, sizeof warm, cfg->warmup_ns);
		fprintf(stderr, ", after a %s warm-up", warm);
	}
	fprintf(stderr, " (Ctrl-C stops it with a report)\n");
}

/* The tick loop: returns once every worker has finished. */
static void coordinate(struct run *r)
{
	sigset_t set;
	stop_signals(&set);
	uint64_t next_row = r->measure_ns + NS_PER_SEC;
	uint64_t window_end = r->cfg->duration_ns ? r->measure_ns + r->cfg->duration_ns : UINT64_MAX;
	bool series_done = false;

	while (!all_finished(r)) {
		uint64_t now = clock_now_ns();
		uint64_t wake_at = now + TICK_NS;
		if (r->series && next_row > now && next_row < wake_at)
			wake_at = next_row;
		if (r->hlog && r->hlog_next_ns > now && r->hlog_next_ns < wake_at)
			wake_at = r->hlog_next_ns;
		if (r->progress && r->progress_next_ns > now && r->progress_next_ns < wake_at)
			wake_at = r->progress_next_ns;
		uint64_t wait = wake_at - now;
		struct timespec ts = { .tv_sec = (time_t)(wait / NS_PER_SEC), .tv_nsec = (long)(wait % NS_PER_SEC) };
		int sig = sigtimedwait(&set, NULL, &ts);
		if (sig > 0) {
			if (!r->stop_signal)
				r->stop_signal = sig;
			__atomic_store_n(&r->shared.stop, 1, __ATOMIC_RELEASE);
			wake_all(r);
		}
		now = clock_now_ns();
		say_hints(r);
		if (r->board.sb) {
			control_tick(r);
			collect(r, false);
			board_publish(&r->board, r->sum, &r->gauges, now);
		}
		if (r->series && !series_done && now >= next_row && next_row <= window_end && !all_finished(r)) {
			series_row(r, next_row);
			next_row += NS_PER_SEC;
		}
		if (r->hlog && now >= r->hlog_next_ns && !all_finished(r)) {
			hlog_tick(r, r->hlog_next_ns);
			r->hlog_next_ns += r->cfg->hlog_interval_ns;
		}
		if (r->progress && now >= r->progress_next_ns && !all_finished(r))
			progress_tick(r, now);
		if (r->series && !series_done && now >= window_end && next_row > window_end) {
			series_last_row(r, next_row, window_end);
			series_done = true;
		}
	}
	if (r->progress)
		fputs("\r\033[K", stderr); /* the summary replaces the progress line */
	if (r->series && !series_done) {
		uint64_t end = 0;
		for (unsigned i = 0; i < r->nworkers; i++)
			if (r->workers[i].ended_ns > end)
				end = r->workers[i].ended_ns;
		series_last_row(r, next_row, end < window_end ? end : window_end);
	}
}

static void fill_report(struct run *r, struct lg_report *rep, uint64_t end_ns)
{
	const struct lg_config *cfg = r->cfg;
	memset(rep, 0, sizeof *rep);
	rep->mode = cfg->mode;
	rep->target = cfg->target;
	rep->threads = cfg->threads;
	rep->connections = cfg->mode == LG_OPEN ? cfg->max_conns : cfg->connections;
	rep->rate = cfg->rate;
	rep->arrivals = cfg->arrivals;
	rep->seed = cfg->seed;
	rep->keepalive = r->shared.ctl.keepalive;
	rep->cook_ms = r->shared.ctl.cook_ms;
	rep->work_us = r->shared.ctl.work_us;
	rep->warmup_s = (double)cfg->warmup_ns / 1e9;
	/* a thread that woke late still measured the scheduled window, no more */
	if (cfg->duration_ns && end_ns > r->measure_ns + cfg->duration_ns)
		end_ns = r->measure_ns + cfg->duration_ns;
	rep->duration_s = end_ns > r->measure_ns ? (double)(end_ns - r->measure_ns) / 1e9 : 0.0;
	rep->drain_s = (double)cfg->drain_ns / 1e9;
	rep->quiet_tail_s = -1.0;
	rep->start_epoch_s = r->measure_epoch_s;
	rep->stop_signal = r->stop_signal;
	rep->addr_text = cfg->addr_text;
	rep->mix = cfg->mix.n ? &cfg->mix : NULL;
	rep->port = cfg->url.port;
}

/* The load generator's own lateness (open loop) and the busiest thread's CPU share:
 * saturated when either passes its bound, so that its delay is not blamed on the
 * server. Read after join. */
static void watch_client(struct run *r, struct lg_report *rep)
{
	hist_init(&r->client_lag);
	for (unsigned i = 0; i < r->nworkers; i++) {
		const struct lg_worker *w = &r->workers[i];
		hist_merge(&r->client_lag, &w->lag);
		double pct = w->wall_ns ? 100.0 * (double)w->cpu_ns / (double)w->wall_ns : 0.0;
		if (pct > rep->client_cpu_pct)
			rep->client_cpu_pct = pct;
		if ((double)w->slack_max_ns / 1e3 > rep->arrival_grid_us)
			rep->arrival_grid_us = (double)w->slack_max_ns / 1e3;
	}
	if (r->cfg->mode == LG_OPEN)
		rep->client_lag = &r->client_lag;
	double lag_p99_ms = (double)hist_percentile(&r->client_lag, 99.0) / 1000.0;
	double bound_ms = LG_CLIENT_LAG_BOUND_MS + rep->arrival_grid_us / 1e3; /* the grid's own delay is no lag */
	rep->client_saturated = lag_p99_ms > bound_ms || rep->client_cpu_pct >= LG_CLIENT_CPU_BOUND_PCT;
}

/* Everything after the workers are joined: sums, the report, the percentile file. */
static int finish(struct run *r)
{
	struct lg_report rep;
	uint64_t end = 0, outstanding = 0, last_ok = 0;

	for (unsigned i = 0; i < r->nworkers; i++) {
		struct lg_worker *w = &r->workers[i];
		if (w->ended_ns > end)
			end = w->ended_ns;
		outstanding += w->outstanding_end;
		if (w->all->last_ok_ns > last_ok)
			last_ok = w->all->last_ok_ns;
	}
	if (r->board.sb) {
		collect(r, false);
		board_publish(&r->board, r->sum, &r->gauges, clock_now_ns());
		SB_SET(r->board.sb->finished, 1u);
	}
	collect(r, true);
	fill_report(r, &rep, end);
	rep.stats = r->sum;
	rep.outstanding = outstanding;
	rep.waiting_max = r->gauges.waiting_max;
	rep.conns_max = r->gauges.conns_max;
	uint64_t trouble = r->sum->errors[LERR_CONNECT] + r->sum->errors[LERR_READ] + r->sum->errors[LERR_TIMEOUT] +
			   r->sum->errors[LERR_WRITE];
	if (last_ok && trouble && end > last_ok)
		rep.quiet_tail_s = (double)(end - last_ok) / 1e9;
	watch_client(r, &rep);

	if (r->hlog) {
		uint64_t done = clock_now_ns();
		hlog_tick(r, done);
		double secs = rep.duration_s > 0 ? rep.duration_s : 1e-9;
		if (r->hlog && hlog_end(r->hlog, r->sum->completed, rep.duration_s, (double)r->sum->completed / secs)) {
			fprintf(stderr, "loadgen: cannot write the --hlog file %s\n", r->cfg->hlog_path);
			r->output_failed = true;
		}
	}
	FILE *out = stdout;
	if (r->cfg->json)
		report_json(out, &rep);
	else
		report_summary(out, &rep);
	output_flush(r, &out, r->cfg->json ? "--json output to" : "summary to", "stdout");
	if (r->cfg->json && rep.quiet_tail_s >= 1.0) /* the summary says it otherwise */
		fprintf(stderr, "loadgen: no good response in the last %.1fs: the server stopped answering\n",
			rep.quiet_tail_s);
	if (r->cfg->json && report_nothing_served(&rep)) /* and this */
		report_summary_failure(stderr, &rep);
	if (r->percentiles) {
		report_percentiles(r->percentiles, &r->sum->latency);
		output_close(r, &r->percentiles, "--percentiles file", r->cfg->percentiles_path);
	}
	output_close(r, &r->series, "--series file", r->cfg->series_path);
	say_hints(r);
	return report_nothing_served(&rep) || r->output_failed ? 1 : 0;
}

static FILE *open_output(const char *path, const char *what)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "loadgen: cannot write the %s file %s: %s\n", what, path, strerror(errno));
	return f;
}

static int setup(struct run *r, const struct lg_config *cfg)
{
	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	pthread_mutex_init(&r->shared.mu, NULL);
	r->shared.ctl = (struct lg_control){
		.rate_milli = cfg->mode == LG_OPEN ? (uint64_t)(cfg->rate * 1000.0 + 0.5) : 0,
		.cook_ms = cfg->cook_ms, .work_us = cfg->work_us,
		.paused = false, .keepalive = cfg->keepalive,
	};
	r->shared.wake_ns = cfg->mode != LG_OPEN ? 0 : wake_cost_ns();
	r->shared.poll_ns = cfg->mode != LG_OPEN ? 0 : cfg->poll_ns != LG_POLL_AUTO ? cfg->poll_ns : r->shared.wake_ns;
	r->snap = malloc(sizeof *r->snap);
	r->sum = malloc(sizeof *r->sum);
	r->series_prev = malloc(sizeof *r->series_prev);
	r->workers = calloc(cfg->threads, sizeof *r->workers);
	if (!r->snap || !r->sum || !r->series_prev || !r->workers) {
		fprintf(stderr, "loadgen: out of memory\n");
		return -ENOMEM;
	}
	stats_init(r->series_prev);
	if (cfg->series_path) {
		if (!(r->series = open_output(cfg->series_path, "--series")))
			return -EIO;
		report_series_header(r->series);
		if (output_flush(r, &r->series, "--series file", cfg->series_path))
			return -EIO;
	}
	if (cfg->percentiles_path && !(r->percentiles = open_output(cfg->percentiles_path, "--percentiles")))
		return -EIO;
	FILE *hlog_probe = cfg->hlog_path ? open_output(cfg->hlog_path, "--hlog") : NULL;
	if (cfg->hlog_path && !hlog_probe)
		return -EIO;  /* said now, not after a --start-at wait; start_hlog writes it */
	if (hlog_probe)
		fclose(hlog_probe);
	if (cfg->scoreboard_name) {
		int rc = board_open(&r->board, cfg->scoreboard_name, cfg, &r->shared.ctl);
		if (rc) {
			char why[256];
			scoreboard_explain(cfg->scoreboard_name, SCOREBOARD_LOADGEN, rc, why, sizeof why);
			fprintf(stderr, "loadgen: cannot create the scoreboard %s: %s\n", cfg->scoreboard_name, why);
			return rc;
		}
	}
	return 0;
}

/* The log's zero is the start of the measured window, on both clocks. */
static int start_hlog(struct run *r)
{
	const struct lg_config *cfg = r->cfg;
	char err[320], comment[200];
	snprintf(comment, sizeof comment, "[loadgen %s-loop, seed %llu, rate %.3f/s, interval %.3fs]",
		 cfg->mode == LG_OPEN ? "open" : "closed", (unsigned long long)cfg->seed, cfg->rate,
		 (double)cfg->hlog_interval_ns / 1e9);
	r->hlog = hlog_new(cfg->hlog_path, r->measure_ns, r->measure_epoch_s, cfg->mode == LG_OPEN, comment, err,
			   sizeof err);
	if (!r->hlog) {
		fprintf(stderr, "loadgen: %s\n", err);
		return -EIO;
	}
	r->hlog_next_ns = r->measure_ns + cfg->hlog_interval_ns;
	return 0;
}

static void teardown(struct run *r)
{
	for (unsigned i = 0; i < r->nworkers; i++)
		worker_destroy(&r->workers[i]);
	board_close(&r->board);
	hlog_free(r->hlog);
	if (r->series)
		fclose(r->series);
	if (r->percentiles)
		fclose(r->percentiles);
	free(r->workers);
	free(r->snap);
	free(r->sum);
	free(r->series_prev);
	pthread_mutex_destroy(&r->shared.mu);
}

int run_load(const struct lg_config *cfg)
{
	struct run r;
	int status = 1;
	sigset_t set, old;

	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old); /* workers inherit the mask */

	if (setup(&r, cfg))
		goto out_teardown;
	if (cfg->start_at_epoch_s > 0 && start_at_wait(cfg->start_at_epoch_s, &set)) {
		fprintf(stderr, "loadgen: stopped before the --start-at time\n");
		goto out_teardown;
	}
	say_running(&r);
	r.start_ns = clock_now_ns();
	r.measure_ns = r.start_ns + cfg->warmup_ns;
	r.progress = isatty(STDERR_FILENO) == 1;
	r.progress_next_ns = r.start_ns + NS_PER_SEC;
	r.progress_at_ns = r.start_ns;
	r.measure_epoch_s = start_at_now_s() + (double)cfg->warmup_ns / 1e9;
	if (cfg->hlog_path && start_hlog(&r))
		goto out_teardown;
	for (unsigned i = 0; i < cfg->threads; i++) {
		int rc = worker_init(&r.workers[i], cfg, &r.shared, i, r.start_ns);
		r.nworkers = i + 1;
		if (rc == 0)
			rc = worker_start(&r.workers[i]);
		if (rc) {
			fprintf(stderr, "loadgen: cannot start thread %u: %s\n", i, strerror(-rc));
			__atomic_store_n(&r.shared.stop, 1, __ATOMIC_RELEASE);
			wake_all(&r);
			for (unsigned j = 0; j < r.nworkers; j++)
				worker_join(&r.workers[j]);
			goto out_teardown;
		}
	}
	coordinate(&r);
	for (unsigned i = 0; i < r.nworkers; i++)
		worker_join(&r.workers[i]);
	status = finish(&r);

out_teardown:
	teardown(&r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return status;
}
