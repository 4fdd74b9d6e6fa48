/* report.c: the summary, JSON, series rows and percentile table (see report.h). */
#include "report.h"
#include "jsonout.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "hdrcodec.h"
#include "scoreboard.h"

static double ms(uint64_t us)
{
	return (double)us / 1000.0;
}

void report_latency(const struct hist *h, struct lg_latency *out)
{
	out->min = ms(hist_min(h));
	out->mean = hist_mean(h) / 1000.0;
	out->p50 = ms(hist_percentile(h, 50.0));
	out->p90 = ms(hist_percentile(h, 90.0));
	out->p99 = ms(hist_percentile(h, 99.0));
	out->p999 = ms(hist_percentile(h, 99.9));
	out->max = ms(h->count ? h->max_us : 0);
}

static double stddev_us(const struct hist *h, double mean);

void report_format_ms(char *buf, size_t cap, double value_us)
{
	uint64_t v = value_us > 0 ? (uint64_t)value_us : 0;
	size_t i = hist_bucket_index(v);
	double width_ms = (double)(hist_bucket_high(i) - hist_bucket_low(i) + 1) / 1000.0;
	int decimals = (int)floor(-log10(width_ms) + 1e-9); /* a step of 10^-d ms no finer than the bucket */

	if (decimals < 0)
		decimals = 0;
	if (decimals > 3)
		decimals = 3;
	snprintf(buf, cap, "%.*f", decimals, value_us / 1000.0);
}

void report_format_bytes(char *buf, size_t cap, double bytes)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	int u = 0;
	while (bytes >= 1024.0 && u < 4) {
		bytes /= 1024.0;
		u++;
	}
	snprintf(buf, cap, "%.2f%s", bytes, unit[u]);
}

void report_progress(FILE *out, double elapsed_s, uint64_t sent, uint64_t completed, uint64_t errors,
		     double rate_rps)
{
	fprintf(out, "\r  %6.1fs  sent %llu  completed %llu  errors %llu  %.0f/s\033[K", elapsed_s,
		(unsigned long long)sent, (unsigned long long)completed, (unsigned long long)errors, rate_rps);
	fflush(out);
}

static uint64_t status_errors(const struct lg_stats *s)
{
	return s->errors[LERR_STATUS] + s->errors[LGERR_BAD_STATUS];
}

bool report_nothing_served(const struct lg_report *r)
{
	const struct lg_stats *s = r->stats;
	return stats_ok(s) == 0 && stats_errors_total(s) > 0;
}

static const char *mode_name(enum lg_mode m)
{
	return m == LG_OPEN ? "open" : "closed";
}

/* ---- the human summary ---- */

static void summary_latency_row(FILE *out, const char *label, const struct hist *h)
{
	struct lg_latency l;
	if (h->count == 0) {
		fprintf(out, "    %-13s no responses\n", label);
		return;
	}
	report_latency(h, &l);
	double mean_us = hist_mean(h);
	double v[8] = { l.min * 1000, mean_us, stddev_us(h, mean_us), l.p50 * 1000, l.p90 * 1000, l.p99 * 1000,
			l.p999 * 1000, l.max * 1000 };
	fprintf(out, "    %-13s", label);
	for (int i = 0; i < 8; i++) {
		char cell[32];
		report_format_ms(cell, sizeof cell, v[i]);
		fprintf(out, " %9s", cell);
	}
	fputc('\n', out);
}

static void summary_errors(FILE *out, const struct lg_stats *s)
{
	uint64_t total = stats_errors_total(s);
	if (total == 0) {
		fprintf(out, "  errors: none\n");
		return;
	}
	fprintf(out, "  errors: %llu:", (unsigned long long)total);
	for (int i = 0; i < LG_ERR_COUNT; i++)
		if (s->errors[i] && i != LERR_STATUS)
			fprintf(out, " %s %llu", lg_error_name(i), (unsigned long long)s->errors[i]);
	for (int code = 0; code < STATUS_CODE_MAX; code++)
		if (s->status_code[code] && (code < 200 || code >= 400))
			fprintf(out, " status_%03d %llu", code, (unsigned long long)s->status_code[code]);
	fprintf(out, "\n");
	if (status_errors(s))
		fprintf(out, "  Non-2xx or 3xx responses: %llu\n", (unsigned long long)status_errors(s));
	if (s->errors[LERR_EMFILE])
		fprintf(out, "  out of file descriptors: raise `ulimit -n` or use fewer connections\n");
	if (s->errors[LGERR_BAD_STATUS])
		fprintf(out, "  %llu answers with a bad final status (not 200..599: 000, 101 unasked, 999...)\n",
			(unsigned long long)s->errors[LGERR_BAD_STATUS]);
	if (s->errors[LGERR_EXPIRED])
		fprintf(out, "  %llu customers expired waiting for a connection (--timeout)\n",
			(unsigned long long)s->errors[LGERR_EXPIRED]);
	if (s->errors[LGERR_LINE_FULL] || s->errors[LGERR_NOMEM])
		fprintf(out, "  %llu customers turned away by the load generator itself: its waiting line was full "
			"(%llu) or out of memory (%llu)\n",
			(unsigned long long)(s->errors[LGERR_LINE_FULL] + s->errors[LGERR_NOMEM]),
			(unsigned long long)s->errors[LGERR_LINE_FULL], (unsigned long long)s->errors[LGERR_NOMEM]);
}

/* The load generator's own lateness and load, and a warning when they are in the
 * figures above. */
static void summary_client(FILE *out, const struct lg_report *r)
{
	fprintf(out, "  client:");
	if (r->client_lag && r->client_lag->count) {
		char p50[32], p99[32], max[32];
		report_format_ms(p50, sizeof p50, (double)hist_percentile(r->client_lag, 50.0));
		report_format_ms(p99, sizeof p99, (double)hist_percentile(r->client_lag, 99.0));
		report_format_ms(max, sizeof max, (double)r->client_lag->max_us);
		fprintf(out, " arrivals taken late by p50 %s ms, p99 %s ms, max %s ms;", p50, p99, max);
		if (r->arrival_grid_us > 0)
			fprintf(out, " on a %.0f us grid;", r->arrival_grid_us);
	}
	fprintf(out, " busiest thread %.0f %% of a core\n", r->client_cpu_pct);
	if (!r->client_saturated)
		return;
	fprintf(out, "  the load generator itself was saturated (arrivals over %.0f ms late at p99, or a thread "
		"at %.0f %% of its core): these latencies include its own delay; use more --threads or a "
		"lower rate\n", LG_CLIENT_LAG_BOUND_MS, LG_CLIENT_CPU_BOUND_PCT);
	double taken = r->duration_s > 0 ? (double)r->stats->arrived / r->duration_s : 0.0;
	if (r->mode == LG_OPEN && taken < 0.99 * r->rate) /* the end's catch-up is bounded (worker.c) */
		fprintf(out, "  it fell behind its schedule: %.1f arrivals/s taken of the %.1f asked\n", taken, r->rate);
}

/* A run stopped by a signal: its customers still add up, said as a sum. */
static void summary_stopped(FILE *out, const struct lg_report *r)
{
	const struct lg_stats *s = r->stats;
	const char *name = r->stop_signal == SIGINT ? "SIGINT" : r->stop_signal == SIGHUP ? "SIGHUP" : "SIGTERM";
	fprintf(out, "  stopped by %s after %.2fs: %llu customers were waiting or in flight then", name, r->duration_s,
		(unsigned long long)r->outstanding);
	if (r->outstanding)
		fprintf(out, " (%llu answered after the window, %llu unanswered: latency counted at their age, "
			"a lower bound)", (unsigned long long)s->late, (unsigned long long)s->unanswered);
	fputc('\n', out);
}

/* Nothing served: every connect failed (and where to look), or every answer was an
 * error status, so that a run of 404s cannot read as a success (exit status 1). */
void report_summary_failure(FILE *out, const struct lg_report *r)
{
	const struct lg_stats *s = r->stats;
	if (!report_nothing_served(r))
		return;
	if (s->completed == 0 && s->errors[LERR_CONNECT] > 0 && r->addr_text)
		fprintf(out, "  FAILED: every connect failed: is anything listening on %s%s%s:%u?\n",
			strchr(r->addr_text, ':') ? "[" : "", r->addr_text, strchr(r->addr_text, ':') ? "]" : "",
			(unsigned)r->port);
	else if (s->completed > 0 && status_errors(s) == s->completed)
		fprintf(out, "  FAILED: no order was served: all %llu answers were error statuses (4xx/5xx); "
			"check the URL's path and the server\n", (unsigned long long)s->completed);
	else
		fprintf(out, "  FAILED: no request got a good answer\n");
}

void report_summary(FILE *out, const struct lg_report *r)
{
	const struct lg_stats *s = r->stats;
	double secs = r->duration_s > 0 ? r->duration_s : 1e-9;

	fprintf(out, "Running %.2fs %s-loop test @ %s\n", r->duration_s, mode_name(r->mode), r->target);
	if (r->mode == LG_OPEN)
		fprintf(out, "  %u thread%s, %.1f arrivals/s (%s, seed %llu), up to %u connections, keep-alive %s\n",
			r->threads, r->threads == 1 ? "" : "s", r->rate,
			r->arrivals == ARRIVALS_EVEN ? "even" : "poisson", (unsigned long long)r->seed,
			r->connections, r->keepalive ? "on" : "off");
	else
		fprintf(out, "  %u thread%s and %u connections, keep-alive %s\n", r->threads,
			r->threads == 1 ? "" : "s", r->connections, r->keepalive ? "on" : "off");
	if (r->warmup_s > 0)
		fprintf(out, "  after a %.2fs warm-up (not counted)\n", r->warmup_s);
	fprintf(out, "  Latency (ms)        min      mean     stdev       p50       p90       p99     p99.9       max\n");
	if (r->mode == LG_OPEN) {
		summary_latency_row(out, "from arrival", &s->latency);
		summary_latency_row(out, "from send", &s->uncorrected);
	} else {
		summary_latency_row(out, "per request", &s->latency);
	}
	for (unsigned k = 0; r->mix && k < r->mix->n; k++) {
		char label[32];
		snprintf(label, sizeof label, "%.20s (%u%%)", r->mix->kind[k].name, r->mix->kind[k].share);
		summary_latency_row(out, label, &s->kind_latency[k]);
	}
	if (r->mode == LG_OPEN)
		fprintf(out, "  %llu arrived (%.1f/s), %llu sent, at most %lld waiting for a connection, "
			"%lld connections\n", (unsigned long long)s->arrived, (double)s->arrived / secs,
			(unsigned long long)s->sent, (long long)r->waiting_max, (long long)r->conns_max);
	char bytes[32];
	report_format_bytes(bytes, sizeof bytes, (double)s->bytes_read);
	fprintf(out, "  %llu requests in %.2fs, %llu sent, %s read\n", (unsigned long long)s->completed, r->duration_s,
		(unsigned long long)s->sent, bytes);
	summary_errors(out, s);
	if (s->interim)
		fprintf(out, "  %llu interim 1xx answers skipped (the final answer was counted)\n",
			(unsigned long long)s->interim);
	if (s->retried)
		fprintf(out, "  %llu requests resent on a new connection (the server closed a kept-alive one "
			"as they crossed)\n", (unsigned long long)s->retried);
	if (r->stop_signal)
		summary_stopped(out, r);
	else if (r->outstanding && r->drain_s > 0)
		fprintf(out, "  %llu customers still waiting when the window ended, awaited up to %.2fs: %llu answered "
			"then, %llu still waiting (latency counted at their age, a lower bound)\n",
			(unsigned long long)r->outstanding, r->drain_s, (unsigned long long)s->late,
			(unsigned long long)s->unanswered);
	else if (r->outstanding)
		fprintf(out, "  %llu customers still waiting or in flight at the end (not counted: --drain 0)\n",
			(unsigned long long)r->outstanding);
	if (r->quiet_tail_s >= 1.0)
		fprintf(out, "  no good response in the last %.1fs: the server stopped answering (died or stalled)\n",
			r->quiet_tail_s);
	summary_client(out, r);
	report_summary_failure(out, r);
	fprintf(out, "Requests/sec: %10.2f\n", (double)s->completed / secs);
	report_format_bytes(bytes, sizeof bytes, (double)s->bytes_read / secs);
	fprintf(out, "Transfer/sec: %10s\n", bytes);
}

/* ---- JSON ---- */

/* "key":{...} (key is ours or a --mix kind's parameters, which hold no '"' or '\\') */
static void json_latency_member(FILE *out, const char *key, const struct hist *h)
{
	struct lg_latency l;
	report_latency(h, &l);
	fprintf(out, "\"%s\":{\"min\":%.3f,\"mean\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
		"\"p999\":%.3f,\"max\":%.3f,\"count\":%llu,\"stdev\":%.3f}", key, l.min, l.mean, l.p50, l.p90, l.p99,
		l.p999, l.max, (unsigned long long)h->count, stddev_us(h, hist_mean(h)) / 1000.0);
}

void report_json_latency(FILE *out, const char *key, const struct hist *h)
{
	fputc(',', out);
	json_latency_member(out, key, h);
}

static void json_param(FILE *out, const char *key, uint32_t v)
{
	if (v == PARAM_ABSENT)
		fprintf(out, ",\"%s\":null", key);
	else
		fprintf(out, ",\"%s\":%u", key, v);
}

/* "hlog": the whole window's histograms as hdrcodec.h encodes them, with their exact
 * max, so that `loadgen merge` can merge --json outputs as exactly as --hlog files. */
static void report_json_hlog(FILE *out, const struct lg_report *r)
{
	const struct hist *h[2] = { &r->stats->latency, &r->stats->uncorrected };
	const char *key[2] = { "latency", "uncorrected" };
	fprintf(out, ",\"hlog\":{\"start_epoch_s\":%.3f", r->start_epoch_s);
	for (int i = 0; i < (r->mode == LG_OPEN ? 2 : 1); i++) {
		char *text = NULL;
		if (hdrcodec_encode(h[i], &text) < 0)
			continue;
		fprintf(out, ",\"%s\":\"%s\",\"%s_max_us\":%llu", key[i], text, key[i],
			(unsigned long long)(h[i]->count ? h[i]->max_us : 0));
		free(text);
	}
	fprintf(out, "}");
}

void report_json(FILE *out, const struct lg_report *r)
{
	const struct lg_stats *s = r->stats;
	double secs = r->duration_s > 0 ? r->duration_s : 1e-9;

	fprintf(out, "{\"mode\":\"%s\",\"target\":", mode_name(r->mode));
	json_put_string(out, r->target);
	fprintf(out, ",\"threads\":%u,\"connections\":%u,\"rate\":%.3f", r->threads, r->connections,
		r->mode == LG_OPEN ? r->rate : 0.0);
	if (r->mode == LG_OPEN)
		fprintf(out, ",\"arrivals\":\"%s\",\"seed\":%llu",
			r->arrivals == ARRIVALS_EVEN ? "even" : "poisson", (unsigned long long)r->seed);
	fprintf(out, ",\"keepalive\":%s", r->keepalive ? "true" : "false");
	json_param(out, "cook_ms", r->cook_ms);
	json_param(out, "work_us", r->work_us);
	fprintf(out, ",\"warmup_s\":%.3f,\"duration_s\":%.3f", r->warmup_s, r->duration_s);
	fprintf(out, ",\"arrived\":%llu,\"sent\":%llu,\"requests\":%llu,\"outstanding\":%llu",
		(unsigned long long)s->arrived, (unsigned long long)s->sent, (unsigned long long)s->completed,
		(unsigned long long)r->outstanding);
	fprintf(out, ",\"drain_s\":%.3f,\"answered_late\":%llu,\"unanswered\":%llu", r->drain_s,
		(unsigned long long)s->late, (unsigned long long)s->unanswered);
	fprintf(out, ",\"waiting_max\":%lld,\"conns_max\":%lld,\"retried\":%llu", (long long)r->waiting_max,
		(long long)r->conns_max, (unsigned long long)s->retried);
	fprintf(out, ",\"interim_1xx\":%llu", (unsigned long long)s->interim);

	fprintf(out, ",\"errors_total\":%llu,\"errors\":{", (unsigned long long)stats_errors_total(s));
	for (int i = 0; i < LG_ERR_COUNT; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", lg_error_name(i), (unsigned long long)s->errors[i]);
	for (int code = 0; code < STATUS_CODE_MAX; code++)
		if (s->status_code[code] && (code < 200 || code >= 400))
			fprintf(out, ",\"status_%03d\":%llu", code, (unsigned long long)s->status_code[code]);
	fprintf(out, "},\"status\":{");
	bool first = true;
	for (int code = 0; code < STATUS_CODE_MAX; code++) {
		if (!s->status_code[code])
			continue;
		fprintf(out, "%s\"%d\":%llu", first ? "" : ",", code, (unsigned long long)s->status_code[code]);
		first = false;
	}
	fprintf(out, "}");
	fprintf(out, ",\"throughput_rps\":%.2f,\"sent_rps\":%.2f", (double)s->completed / secs, (double)s->sent / secs);
	fprintf(out, ",\"bytes_read\":%llu,\"transfer_bps\":%.2f,\"non_2xx_3xx\":%llu",
		(unsigned long long)s->bytes_read, (double)s->bytes_read / secs, (unsigned long long)status_errors(s));
	fprintf(out, ",\"stopped_by_signal\":%d,\"nothing_served\":%s", r->stop_signal,
		report_nothing_served(r) ? "true" : "false");
	if (r->mode == LG_OPEN)
		fprintf(out, ",\"arrival_rps\":%.2f", (double)s->arrived / secs);
	report_json_latency(out, "latency_ms", &s->latency);
	if (r->mode == LG_OPEN)
		report_json_latency(out, "uncorrected_latency_ms", &s->uncorrected);
	if (r->mix) { /* keyed by the kind's parameters as given */
		fprintf(out, ",\"latency_ms_by_kind\":{");
		for (unsigned k = 0; k < r->mix->n; k++) {
			if (k)
				fputc(',', out);
			json_latency_member(out, r->mix->kind[k].name, &s->kind_latency[k]);
		}
		fprintf(out, "}");
	}
	report_json_hlog(out, r);
	fprintf(out, ",\"quiet_tail_s\":%.3f", r->quiet_tail_s > 0 ? r->quiet_tail_s : 0.0);
	if (r->client_lag) {
		const struct hist *h = r->client_lag;
		fprintf(out, ",\"client_lag_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"count\":%llu}",
			ms(hist_percentile(h, 50.0)), ms(hist_percentile(h, 99.0)), ms(h->count ? h->max_us : 0),
			(unsigned long long)h->count);
		fprintf(out, ",\"arrival_grid_us\":%.0f", r->arrival_grid_us);
	}
	fprintf(out, ",\"client_cpu_pct\":%.1f,\"client_saturated\":%s}\n", r->client_cpu_pct,
		r->client_saturated ? "true" : "false");
}

/* ---- --series ---- */

void report_series_header(FILE *out)
{
	fprintf(out, "t,sent,completed,errors,outstanding,p50_ms,p99_ms,max_ms\n");
}

void report_series_row(FILE *out, double t_s, uint64_t sent, uint64_t completed, uint64_t errors,
		       int64_t outstanding, const struct hist *interval)
{
	fprintf(out, "%.3f,%llu,%llu,%llu,%lld,%.3f,%.3f,%.3f\n", t_s, (unsigned long long)sent,
		(unsigned long long)completed, (unsigned long long)errors, (long long)outstanding,
		ms(hist_percentile(interval, 50.0)), ms(hist_percentile(interval, 99.0)),
		ms(interval->count ? interval->max_us : 0));
	fflush(out);
}

/* ---- --percentiles ---- */

static uint64_t bucket_value(const struct hist *h, size_t i)
{
	uint64_t high = hist_bucket_high(i);
	return high < h->max_us ? high : h->max_us;
}

static void percentile_row(FILE *out, const struct hist *h, size_t bucket, double pct, uint64_t count)
{
	double p = pct / 100.0;
	fprintf(out, "%12.3f %12f %12llu %12.2f\n", ms(bucket_value(h, bucket)), p, (unsigned long long)count,
		1.0 / (1.0 - p));
}

/* The next reporting level: the distance to 100 % is halved again and again, each
 * half cut into 5 ticks (HdrHistogram's percentile iterator). */
static double next_level(double pct)
{
	double half = pow(2.0, floor(log2(100.0 / (100.0 - pct))) + 1.0);
	return pct + 100.0 / (5.0 * half);
}

/* Standard deviation from the bucket midpoints, as HdrHistogram computes it. */
static double stddev_us(const struct hist *h, double mean)
{
	double acc = 0.0;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		double mid = ((double)hist_bucket_low(i) + (double)hist_bucket_high(i)) / 2.0;
		acc += (mid - mean) * (mid - mean) * (double)h->buckets[i];
	}
	return h->count ? sqrt(acc / (double)h->count) : 0.0;
}

void report_percentiles(FILE *out, const struct hist *h)
{
	fprintf(out, "%12s %12s %12s %12s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
	if (h->count) {
		double level = 0.0;
		uint64_t seen = 0;
		size_t last = 0;
		for (size_t i = 0; i < HIST_BUCKETS; i++) {
			if (!h->buckets[i])
				continue;
			seen += h->buckets[i];
			last = i;
			double pct = 100.0 * (double)seen / (double)h->count;
			if (seen >= h->count) { /* the last bucket gives one row, then the 100 % row */
				if (level <= pct)
					percentile_row(out, h, i, level, seen);
				break;
			}
			while (level <= pct) {
				percentile_row(out, h, i, level, seen);
				level = next_level(level);
			}
		}
		percentile_row(out, h, last, 100.0, h->count);
	}
	double mean = hist_mean(h);
	fprintf(out, "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", mean / 1000.0, stddev_us(h, mean) / 1000.0);
	fprintf(out, "#[Max     = %12.3f, Total count    = %12llu]\n", ms(h->count ? h->max_us : 0),
		(unsigned long long)h->count);
	fprintf(out, "#[Buckets = %12d, SubBuckets     = %12d]\n", HIST_MAX_POWER - 8 + 1, HIST_SUB_BUCKETS);
}
