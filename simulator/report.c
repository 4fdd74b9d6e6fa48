/* report.c: the model's summary, table and JSON (see report.h). The text summary has
 * the rows of the headless dashboard's, in the same order, so the two read alike. */
#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "../visualizer/fmt.h"

static double secs(const struct sim_config *cfg)
{
	return cfg->duration_ns / 1e9;
}

static void json_hist(FILE *out, const char *key, const struct hist *h)
{
	fprintf(out, ", \"%s\": {\"min\": %.3f, \"mean\": %.3f, \"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, "
		     "\"p999\": %.3f, \"max\": %.3f, \"count\": %" PRIu64 "}",
		key, hist_min(h) / 1e3, hist_mean(h) / 1e3, hist_percentile(h, 50) / 1e3, hist_percentile(h, 90) / 1e3,
		hist_percentile(h, 99) / 1e3, hist_percentile(h, 99.9) / 1e3, h->count ? h->max_us / 1e3 : 0.0, h->count);
}

static void json_latency(FILE *out, const struct sim_window *w)
{
	fprintf(out, "\"latency_ms\": {\"min\": %.3f, \"mean\": %.3f, \"p50\": %.3f, \"p90\": %.3f, "
		     "\"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f, \"count\": %" PRIu64 "}",
		w->min_ms, w->mean_ms, w->p50_ms, w->p90_ms, w->p99_ms, w->p999_ms, w->max_ms, w->latency_count);
}

void report_json_side(FILE *out, const struct report_side *side, const struct calibration *cal)
{
	const struct sim_config *cfg = side->cfg;
	const struct sim_result *r = side->res;
	const struct sim_window *w = &r->run;
	double T = secs(cfg);
	bool open = cfg->rate > 0;
	uint64_t answered = w->served + w->shed + w->timeouts;
	uint64_t started = open ? w->offered : w->arrived;
	fprintf(out, "{\"source\": \"model\", \"mode\": \"%s\", \"target\": \"model of %s\", \"threads\": %u"
		     ", \"connections\": %u, \"rate\": %.3f", open ? "open" : "closed", sim_server_name(cfg->server),
		cfg->loadgen_threads, open ? cfg->max_conns : cfg->connections, open ? cfg->rate : 0.0);
	if (open)
		fprintf(out, ", \"arrivals\": \"%s\", \"seed\": %" PRIu64, cfg->poisson ? "poisson" : "even", cfg->seed);
	uint64_t outstanding = started > answered ? started - answered : 0;
	fprintf(out, ", \"keepalive\": %s, \"cook_ms\": %.3f, \"work_us\": %.3f, \"warmup_s\": 0.000, \"duration_s\": %.3f",
		cfg->keepalive ? "true" : "false", cfg->cook_ns / 1e6, cfg->work_ns / 1e3, T);
	fprintf(out, ", \"arrived\": %" PRIu64 ", \"sent\": %" PRIu64 ", \"requests\": %" PRIu64 ", \"outstanding\": %" PRIu64,
		w->offered, w->arrived, answered, outstanding);
	fprintf(out, ", \"drain_s\": 0.000, \"answered_late\": 0, \"unanswered\": %" PRIu64 ", \"waiting_max\": %" PRId64
		     ", \"conns_max\": %" PRId64 ", \"retried\": %" PRIu64, outstanding, w->outside_max, w->conns_max, w->door_drops);
	fprintf(out, ", \"errors_total\": %" PRIu64 ", \"errors\": {\"timeout\": %" PRIu64 ", \"status\": %" PRIu64 "}",
		w->shed + w->timeouts, w->timeouts, w->shed);
	fprintf(out, ", \"status\": {\"200\": %" PRIu64 ", \"503\": %" PRIu64 "}", w->served, w->shed);
	fprintf(out, ", \"throughput_rps\": %.2f, \"sent_rps\": %.2f", answered / T, w->arrived / T);
	if (open)
		fprintf(out, ", \"arrival_rps\": %.2f", w->offered / T);
	fprintf(out, ", ");
	json_latency(out, w);
	if (open)
		json_hist(out, "uncorrected_latency_ms", &r->uncorrected);
	fprintf(out, ", \"quiet_tail_s\": 0.000");
	fprintf(out, ", \"line_max\": %" PRId64 ", \"threads_max\": %" PRId64 ", \"rss_max_kb\": null, \"loop_lag_p99_ms\": %.3f",
		w->line_max, w->threads_max, cfg->server == SIM_EVENTED ? w->loop_lag_p99_ms : 0.0);
	double sampled = 0;  /* the line read at each second's end, as the dashboard reads it */
	for (uint32_t i = 0; i < r->seconds; i++)
		sampled += (double)r->second[i].in_line_end / r->seconds;
	fprintf(out, ", \"model\": {\"line_sampled_mean\": %.3f, \"served\": %" PRIu64 ", \"served_rps\": %.2f, \"shed\": %" PRIu64
		     ", \"door_drops\": %" PRIu64 ", \"little_l\": %.3f, \"little_lambda\": %.3f, \"little_w_s\": %.6f"
		     ", \"little_lw\": %.3f, \"line_mean\": %.3f, \"kitchen_mean\": %.3f, \"busy_mean\": %.3f"
		     ", \"busy_pct\": %.2f, \"cpu_cores_mean\": %.3f, \"door_max\": %" PRId64 ", \"outside_max\": %" PRId64
		     ", \"conns_max\": %" PRId64 ", \"cores\": %g, \"overhead_order_us\": %.3f, \"overhead_conn_us\": %.3f"
		     ", \"calibrated\": %s, \"events\": %" PRIu64 "}}",
		sampled, w->served, w->served / T, w->shed, w->door_drops, w->in_server_mean, w->served / T, w->in_server_w_s,
		w->served / T * w->in_server_w_s, w->line_mean, w->kitchen_mean, w->cashiers_busy_mean, w->busy_pct,
		w->cpu_cores_mean, w->door_max, w->outside_max, w->conns_max, cfg->cores, cfg->overhead_order_ns / 1e3,
		cfg->overhead_conn_ns / 1e3, cal && cal->present ? "true" : "false", r->events);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", *s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void report_json(FILE *out, const char *scenario, const struct report_side sides[SIM_SERVER_COUNT],
		 const struct calibration *cal)
{
	const struct sim_config *any = sides[0].res ? sides[0].cfg : sides[1].cfg;
	fprintf(out, "{\"scenario\": ");
	json_string(out, scenario);
	fprintf(out, ", \"duration_s\": %.3f, \"cores\": %g, \"calibration\": ", secs(any), any->cores);
	if (cal && cal->present) {
		fprintf(out, "{\"file\": ");
		json_string(out, cal->path);
		fprintf(out, ", \"machine\": ");
		json_string(out, cal->machine);
		fprintf(out, "}");
	} else {
		fprintf(out, "null");
	}
	fprintf(out, ", \"model\": {");
	bool first = true;
	for (int i = 0; i < SIM_SERVER_COUNT; i++) {
		if (!sides[i].res)
			continue;
		fprintf(out, "%s\"%s\": ", first ? "" : ", ", sim_server_name(i));
		report_json_side(out, &sides[i], cal);
		first = false;
	}
	fprintf(out, "}}\n");
}

void report_calibration_line(FILE *out, const struct calibration *cal)
{
	if (cal && cal->present)
		fprintf(out, "calibrated: %s (%s): blocking %.1f us/order + %.1f us/connection, "
			     "evented %.1f + %.1f\n", cal->machine[0] ? cal->machine : "this machine", cal->path,
			cal->order_us[0], cal->conn_us[0], cal->order_us[1], cal->conn_us[1]);
	else
		fprintf(out, "uncalibrated: no per-order overhead of the real servers (run scripts/calibrate.sh)\n");
}

static void seconds_side(FILE *out, const struct report_side *sd, uint32_t i, bool lag)
{
	char a[24], b[24], c[24];
	if (!sd->res || i >= sd->res->seconds) {
		fprintf(out, " %-*s |", lag ? 53 : 44, "-");
		return;
	}
	const struct sim_window *w = &sd->res->second[i];
	double T = w->length_s > 0 ? w->length_s : 1;
	fprintf(out, " %7.1f %7.1f %5" PRId64 " %8s %8s", (sd->cfg->rate > 0 ? w->offered : w->arrived) / T,
		w->served / T, w->in_line_end, fmt_ms(a, sizeof a, w->p50_ms), fmt_ms(b, sizeof b, w->p99_ms));
	if (lag)
		fprintf(out, " %8s", fmt_ms(c, sizeof c, w->loop_lag_p99_ms));
	fprintf(out, " %4" PRIu64 " |", w->shed + w->timeouts);
}

void report_seconds(FILE *out, const struct report_side sides[SIM_SERVER_COUNT])
{
	fprintf(out, "%5s | %-44s | %-53s\n", "", "blocking (model)", "evented (model)");
	fprintf(out, "%5s | %7s %7s %5s %8s %8s %4s | %7s %7s %5s %8s %8s %8s %4s\n", "t", "arrive", "served", "line",
		"p50", "p99", "err", "arrive", "served", "line", "p50", "p99", "lag p99", "err");
	uint32_t n = 0;
	for (int s = 0; s < SIM_SERVER_COUNT; s++)
		if (sides[s].res && sides[s].res->seconds > n)
			n = sides[s].res->seconds;
	for (uint32_t i = 0; i < n; i++) {
		const struct sim_result *r = sides[0].res ? sides[0].res : sides[1].res;
		double t = i < r->seconds ? r->second[i].start_s + r->second[i].length_s : i + 1;
		fprintf(out, "%5.0f |", t);
		seconds_side(out, &sides[0], i, false);
		seconds_side(out, &sides[1], i, true);
		fputc('\n', out);
	}
}

enum kind { WHOLE, RATE, MS, LAG, REAL };

/* One figure of a window, by row. */
static double figure(const struct report_side *sd, int row, enum kind *kind)
{
	const struct sim_window *w = &sd->res->run;
	double T = secs(sd->cfg);
	uint64_t answered = w->served + w->shed + w->timeouts;
	switch (row) {
	case 0: *kind = RATE; return sd->cfg->rate;
	case 1: *kind = RATE; return (sd->cfg->rate > 0 ? w->offered : w->arrived) / T;
	case 2: *kind = RATE; return answered / T;
	case 3: *kind = WHOLE; return (double)answered;
	case 4: *kind = WHOLE; return (double)(w->offered > answered ? w->offered - answered : 0);
	case 5: *kind = MS; return w->p50_ms;
	case 6: *kind = MS; return w->p99_ms;
	case 7: *kind = MS; return w->max_ms;
	case 8: *kind = WHOLE; return (double)w->line_max;
	case 9: *kind = WHOLE; return (double)w->threads_max;
	case 10: *kind = LAG; return w->loop_lag_p99_ms;
	case 11: *kind = REAL; return w->line_mean;
	case 12: *kind = REAL; return w->kitchen_mean;
	case 13: *kind = REAL; return w->busy_pct;
	case 14: *kind = REAL; return w->cpu_cores_mean;
	case 15: *kind = REAL; return w->in_server_mean;
	case 16: *kind = REAL; return w->served / T * w->in_server_w_s;
	default: *kind = WHOLE; return (double)(w->shed + w->timeouts);
	}
}

void report_text(FILE *out, const char *scenario, const struct report_side sides[SIM_SERVER_COUNT],
		 const struct calibration *cal)
{
	static const char *labels[] = {
		"arrivals asked", "arrivals", "throughput", "requests served", "still waiting", "latency p50",
		"latency p99", "latency max", "line max", "threads max", "loop lag p99", "line mean",
		"kitchen mean", "busy %", "cores in use", "Little L", "lambda W", "errors",
	};
	const struct sim_config *any = sides[0].res ? sides[0].cfg : sides[1].cfg;
	fprintf(out, "\nsummary (model): %s, %.0f s, %g cores\n", scenario, secs(any), any->cores);
	report_calibration_line(out, cal);
	fprintf(out, "%-18s %14s %14s\n", "", "blocking", "evented");
	for (int row = 0; row < (int)(sizeof labels / sizeof labels[0]); row++) {
		fprintf(out, "%-18s", labels[row]);
		for (int i = 0; i < SIM_SERVER_COUNT; i++) {
			enum kind kind;
			char buf[24];
			double v = sides[i].res ? figure(&sides[i], row, &kind) : 0;
			if (!sides[i].res || (kind == LAG && i == SIM_BLOCKING) || (row == 0 && v <= 0))
				fprintf(out, " %14s", "-");
			else if (kind == MS || kind == LAG)
				fprintf(out, " %14s", fmt_ms(buf, sizeof buf, v));
			else if (kind == RATE)
				fprintf(out, " %14s", fmt_rate(buf, sizeof buf, v));
			else if (kind == REAL)
				fprintf(out, " %14.2f", v);
			else
				fprintf(out, " %14.0f", v);
		}
		fputc('\n', out);
	}
	if (sides[0].res && sides[1].res && sides[1].res->run.p99_ms > 0)
		fprintf(out, "blocking p99 / evented p99 = %.1f\n", sides[0].res->run.p99_ms / sides[1].res->run.p99_ms);
}
