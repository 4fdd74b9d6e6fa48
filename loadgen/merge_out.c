/* merge_out.c: the fleet's row and the aligned intervals of `loadgen merge`.
 *
 * Intervals: the fleet's zero is the earliest host's first interval; each host's
 * interval goes to the slot nearest its own start on the wall clock, so hosts started
 * with the same --start-at land in the same slots, and each slot says how far apart
 * its hosts' starts were (spread_s). Cost: every interval is decoded once more.
 */
#include "merge_out.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdrcodec.h"
#include "report.h"

struct slot {
	double first_s, last_s;    /* earliest and latest start of its hosts' intervals */
	unsigned hosts;
	struct hist h;
};

void merge_warn(struct merge_warnings *w, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "loadgen merge: %s\n", line);
	char **lines = realloc(w->lines, (w->n + 1) * sizeof *lines);
	if (!lines)
		return;
	w->lines = lines;
	if ((w->lines[w->n] = strdup(line)))
		w->n++;
}

void merge_warnings_free(struct merge_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->lines[i]);
	free(w->lines);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_latency(FILE *out, const char *key, const struct hist *h)
{
	struct lg_latency l;
	report_latency(h, &l);
	fprintf(out, ",\"%s\":{\"min\":%.3f,\"mean\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
		"\"p999\":%.3f,\"max\":%.3f,\"count\":%llu}", key, l.min, l.mean, l.p50, l.p90, l.p99, l.p999,
		l.max, (unsigned long long)h->count);
}

/* The interval length of the logs: the most common corrected entry length (the last
 * interval of a run is shorter), 1 s when there is none. */
static double host_interval(const struct hlog_file *f)
{
	for (size_t k = 0; k < f->n; k++)
		if (!f->entries[k].uncorrected && f->entries[k].length_s > 0 && k + 2 < f->n)
			return f->entries[k].length_s;
	return 0;
}

/* The first hlog's interval; a host logging another one is named (its lines are
 * still put in the nearest slot, which then mixes lengths). */
static double interval_length(const struct merge_host *hosts, size_t n, struct merge_warnings *w)
{
	double len = 0;
	for (size_t i = 0; i < n; i++) {
		double mine = hosts[i].from_json ? 0 : host_interval(&hosts[i].file);
		if (mine <= 0)
			continue;
		if (len == 0)
			len = mine;
		else if (fabs(mine - len) > 0.01 * len)
			merge_warn(w, "%s: intervals of %.3fs, not %.3fs as the first: aligned on %.3fs", hosts[i].path,
				   mine, len, len);
	}
	return len > 0 ? len : 1.0;
}

/* Align the corrected intervals of every hlog host; *nslots slots (free them). */
static struct slot *align(const struct merge_host *hosts, size_t n, double *t0, double *len_s, size_t *nslots,
			  struct merge_warnings *w)
{
	double zero = INFINITY, len = interval_length(hosts, n, w);
	size_t count = 0;
	*nslots = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; !hosts[i].from_json && k < hosts[i].file.n; k++)
			if (hosts[i].file.entries[k].start_epoch_s < zero)
				zero = hosts[i].file.entries[k].start_epoch_s;
	if (!isfinite(zero))
		return NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; !hosts[i].from_json && k < hosts[i].file.n; k++) {
			size_t s = (size_t)llround((hosts[i].file.entries[k].start_epoch_s - zero) / len);
			if (s + 1 > count)
				count = s + 1;
		}
	if (count > 100000)
		count = 100000;  /* a day of seconds and more: the rest is not shown */
	struct slot *slots = calloc(count, sizeof *slots);
	if (!slots)
		return NULL;
	for (size_t s = 0; s < count; s++)
		hist_init(&slots[s].h);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; !hosts[i].from_json && k < hosts[i].file.n; k++) {
			const struct hlog_entry *e = &hosts[i].file.entries[k];
			size_t s = (size_t)llround((e->start_epoch_s - zero) / len);
			static struct hist h;
			if (e->uncorrected || s >= count || hdrcodec_decode(e->text, strlen(e->text), &h, NULL, 0))
				continue;
			if (h.count && e->max_us <= h.max_us)
				h.max_us = e->max_us;
			struct slot *sl = &slots[s];
			if (sl->hosts == 0 || e->start_epoch_s < sl->first_s)
				sl->first_s = e->start_epoch_s;
			if (sl->hosts == 0 || e->start_epoch_s > sl->last_s)
				sl->last_s = e->start_epoch_s;
			sl->hosts++;
			hist_merge(&sl->h, &h);
		}
	}
	*t0 = zero;
	*len_s = len;
	*nslots = count;
	return slots;
}

struct fleet {
	uint64_t requests;
	double duration_s, throughput_rps;
	struct hist latency, uncorrected;
};

static void sum_fleet(struct fleet *f, const struct merge_host *hosts, size_t n)
{
	memset(f, 0, sizeof *f);
	hist_init(&f->latency);
	hist_init(&f->uncorrected);
	for (size_t i = 0; i < n; i++) {
		f->requests += hosts[i].requests;
		f->throughput_rps += hosts[i].throughput_rps;
		if (hosts[i].duration_s > f->duration_s)
			f->duration_s = hosts[i].duration_s;
		hist_merge(&f->latency, hosts[i].file.latency);
		hist_merge(&f->uncorrected, hosts[i].file.uncorrected);
	}
}

static void print_row(FILE *out, const char *label, uint64_t requests, double duration_s, double rps,
		      const struct hist *h)
{
	struct lg_latency l;
	char cell[5][32];
	report_latency(h, &l);
	double v[5] = { l.p50, l.p90, l.p99, l.p999, l.max };
	for (int i = 0; i < 5; i++) /* no more decimals than the histogram resolves */
		report_format_ms(cell[i], sizeof cell[i], v[i] * 1000.0);
	fprintf(out, "  %-28.28s %10llu %8.3f %11.2f %9s %9s %9s %9s %9s\n", label, (unsigned long long)requests,
		duration_s, rps, cell[0], cell[1], cell[2], cell[3], cell[4]);
}

static void summary(FILE *out, const struct merge_opts *o, const struct merge_host *hosts, size_t n,
		    const struct fleet *f, const struct slot *slots, size_t nslots, double t0, double len)
{
	char label[300];
	fprintf(out, "Merged %zu of %zu files (latency in ms; intervals of %.3fs on absolute time)\n", n, o->files,
		len);
	fprintf(out, "  %-28s %10s %8s %11s %9s %9s %9s %9s %9s\n", "host", "requests", "secs", "req/s", "p50",
		"p90", "p99", "p99.9", "max");
	for (size_t i = 0; i < n; i++) {
		snprintf(label, sizeof label, "%s%s", hosts[i].path, hosts[i].truncated ? " (truncated)" : "");
		print_row(out, label, hosts[i].requests, hosts[i].duration_s, hosts[i].throughput_rps,
			  hosts[i].file.latency);
	}
	snprintf(label, sizeof label, "fleet (%zu host%s)", n, n == 1 ? "" : "s");
	print_row(out, label, f->requests, f->duration_s, f->throughput_rps, &f->latency);
	if (f->uncorrected.count)
		print_row(out, "fleet, uncorrected", f->uncorrected.count, f->duration_s, f->throughput_rps,
			  &f->uncorrected);
	if (nslots)
		fprintf(out, "  Intervals: %9s %5s %10s %9s %9s %9s %9s\n", "t_s", "hosts", "values", "p50", "p99",
			"max", "spread_s");
	for (size_t s = 0; s < nslots; s++) {
		char p50[32], p99[32], max[32];
		report_format_ms(p50, sizeof p50, (double)hist_percentile(&slots[s].h, 50.0));
		report_format_ms(p99, sizeof p99, (double)hist_percentile(&slots[s].h, 99.0));
		report_format_ms(max, sizeof max, (double)(slots[s].h.count ? slots[s].h.max_us : 0));
		fprintf(out, "             %9.3f %5u %10llu %9s %9s %9s %9.3f\n", (double)s * len, slots[s].hosts,
			(unsigned long long)slots[s].h.count, p50, p99, max, slots[s].last_s - slots[s].first_s);
	}
	(void)t0;
	fprintf(out, "Requests/sec: %10.2f\n", f->throughput_rps);
}

static void json_host(FILE *out, const struct merge_host *m)
{
	fprintf(out, "{\"file\":");
	json_string(out, m->path);
	fprintf(out, ",\"kind\":\"%s\",\"complete\":%s,\"intervals\":%zu,\"start_epoch_s\":%.3f", m->from_json ? "json" : "hlog",
		m->truncated ? "false" : "true", m->from_json ? (size_t)0 : m->file.n, m->file.start_epoch_s);
	fprintf(out, ",\"requests\":%llu,\"duration_s\":%.3f,\"throughput_rps\":%.2f", (unsigned long long)m->requests,
		m->duration_s, m->throughput_rps);
	json_latency(out, "latency_ms", m->file.latency);
	if (m->file.uncorrected->count)
		json_latency(out, "uncorrected_latency_ms", m->file.uncorrected);
	fprintf(out, "}");
}

static void json(FILE *out, const struct merge_opts *o, const struct merge_host *hosts, size_t n,
		 const struct fleet *f, const struct slot *slots, size_t nslots, double t0, double len,
		 const struct merge_warnings *w)
{
	fprintf(out, "{\"files\":%zu,\"merged_files\":%zu,\"hosts\":[", o->files, n);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		json_host(out, &hosts[i]);
	}
	fprintf(out, "],\"merged\":{\"hosts\":%zu,\"requests\":%llu,\"duration_s\":%.3f,\"throughput_rps\":%.2f", n,
		(unsigned long long)f->requests, f->duration_s, f->throughput_rps);
	json_latency(out, "latency_ms", &f->latency);
	if (f->uncorrected.count)
		json_latency(out, "uncorrected_latency_ms", &f->uncorrected);
	fprintf(out, "},\"interval_s\":%.3f,\"start_epoch_s\":%.3f,\"intervals\":[", len, nslots ? t0 : 0.0);
	for (size_t s = 0; s < nslots; s++)
		fprintf(out, "%s{\"t_s\":%.3f,\"hosts\":%u,\"count\":%llu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
			"\"spread_s\":%.3f}", s ? "," : "", (double)s * len, slots[s].hosts,
			(unsigned long long)slots[s].h.count, hist_percentile(&slots[s].h, 50.0) / 1000.0,
			hist_percentile(&slots[s].h, 99.0) / 1000.0, (slots[s].h.count ? slots[s].h.max_us : 0) / 1000.0,
			slots[s].last_s - slots[s].first_s);
	fprintf(out, "],\"warnings\":[");
	for (size_t i = 0; i < w->n; i++) {
		if (i)
			fputc(',', out);
		json_string(out, w->lines[i]);
	}
	fprintf(out, "]}\n");
}

int merge_report(const struct merge_opts *o, const struct merge_host *hosts, size_t n, struct merge_warnings *w)
{
	struct fleet *f = malloc(sizeof *f);
	double t0 = 0, len = 1.0;
	size_t nslots = 0;
	int rc = 0;
	if (!f)
		return -ENOMEM;
	sum_fleet(f, hosts, n);
	struct slot *slots = align(hosts, n, &t0, &len, &nslots, w);
	if (o->json)
		json(stdout, o, hosts, n, f, slots, nslots, t0, len, w);
	else
		summary(stdout, o, hosts, n, f, slots, nslots, t0, len);
	if (o->percentiles_path) {
		FILE *p = fopen(o->percentiles_path, "w");
		if (!p) {
			fprintf(stderr, "loadgen merge: cannot write the --percentiles file %s: %s\n", o->percentiles_path,
				strerror(errno));
			rc = -errno;
		} else {
			report_percentiles(p, &f->latency);
			fclose(p);
		}
	}
	free(slots);
	free(f);
	return rc;
}
