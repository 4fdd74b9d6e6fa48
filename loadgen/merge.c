/* merge.c: `bin/loadgen merge` (see merge.h): read the files, then report.
 *
 * A host's throughput is its own figure (the end line of its hlog, or its --json);
 * for a log cut short it is the values logged over the intervals logged, and said so.
 * The fleet's throughput is the sum of the hosts' (they ran at the same time, which
 * --start-at arranges and the interval spread shows).
 */
#include "merge.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hlog.h"
#include "merge_out.h"

static const struct option options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "percentiles", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fputs("Usage: loadgen merge [options] FILE...\n"
	      "Merge several load generators' results into one: FILE is an --hlog interval log\n"
	      "or a --json output of `loadgen` (it embeds its histograms). Prints each host's row\n"
	      "and the fleet's: requests and throughput summed, latency percentiles of one\n"
	      "histogram holding every host's values, intervals aligned on absolute time (--hlog\n"
	      "files only). A missing, damaged or cut-short file is named on stderr and left out\n"
	      "(a cut-short hlog still gives the intervals it has).\n"
	      "      --json             one JSON object on stdout instead of the summary\n"
	      "      --percentiles FILE the fleet's latency distribution in HdrHistogram's format\n"
	      "  -h, --help  -V, --version\n"
	      "Exit status: 0 something merged, 1 nothing could be merged, 2 usage error.\n", out);
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *in = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	*len = 0;
	if (!in) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	for (;;) {
		if (*len + 65537 > cap) {
			char *t = realloc(text, cap = 2 * cap + 65537);
			if (!t) {
				snprintf(err, errlen, "out of memory");
				free(text);
				text = NULL;
				break;
			}
			text = t;
		}
		size_t got = fread(text + *len, 1, cap - *len - 1, in);
		*len += got;
		if (got == 0)
			break;
	}
	if (text && ferror(in)) {
		snprintf(err, errlen, "read error");
		free(text);
		text = NULL;
	}
	if (text)
		text[*len] = '\0';
	fclose(in);
	return text;
}

/* The value after "key": in our own --json (keys we write once each). */
static const char *json_find(const char *text, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(text, pat);
	return p ? p + strlen(pat) : NULL;
}

static bool json_number(const char *text, const char *key, double *out)
{
	const char *p = json_find(text, key);
	char *end;
	if (!p)
		return false;
	double v = strtod(p, &end);
	if (end == p || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* A --json output: its figures and its embedded histograms, as one entry each. */
static int read_json(struct merge_host *m, const char *text, size_t len, char *err, size_t errlen)
{
	struct hlog_file *f = &m->file;
	double req, dur, rps, start = 0, max_us = 0;
	char why[200];

	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len == 0 || text[len - 1] != '}') {
		snprintf(err, errlen, "truncated JSON (no closing brace): the run was cut short");
		return -EINVAL;
	}
	if (!json_number(text, "requests", &req) || !json_number(text, "duration_s", &dur) ||
	    !json_number(text, "throughput_rps", &rps)) {
		snprintf(err, errlen, "not a loadgen --json output (no requests, duration_s, throughput_rps)");
		return -EINVAL;
	}
	const char *hl = json_find(text, "hlog");
	if (!hl || !json_number(hl, "start_epoch_s", &start)) {
		snprintf(err, errlen, "no embedded histogram (\"hlog\"): written by a loadgen before issue 17?");
		return -EINVAL;
	}
	static const char *const keys[2][2] = { { "latency", "latency_max_us" },
						{ "uncorrected", "uncorrected_max_us" } };
	for (int i = 0; i < 2; i++) {
		const char *p = json_find(hl, keys[i][0]);
		if (!p)
			continue;
		const char *q = *p == '"' ? strchr(p + 1, '"') : NULL;
		if (!q || !json_number(hl, keys[i][1], &max_us)) {
			snprintf(err, errlen, "embedded histogram \"%s\" is damaged", keys[i][0]);
			return -EINVAL;
		}
		if (hlog_file_add(f, start, dur, (uint64_t)max_us, i == 1, p + 1, (size_t)(q - p - 1), why,
				  sizeof why)) {
			snprintf(err, errlen, "embedded histogram \"%s\": %s", keys[i][0], why);
			return -EINVAL;
		}
	}
	f->start_epoch_s = start;
	f->complete = f->has_summary = true;
	f->requests = (uint64_t)req;
	f->duration_s = dur;
	f->throughput_rps = rps;
	m->from_json = true;
	return 0;
}

/* The host's own figures, or for a cut-short log those of what it logged. */
static void host_figures(struct merge_host *m)
{
	struct hlog_file *f = &m->file;
	if (f->has_summary) {
		m->requests = f->requests;
		m->duration_s = f->duration_s;
		m->throughput_rps = f->throughput_rps;
		return;
	}
	double span = 0;
	for (size_t i = 0; i < f->n; i++)
		if (!f->entries[i].uncorrected)
			span += f->entries[i].length_s;
	m->requests = f->latency->count;
	m->duration_s = span;
	m->throughput_rps = span > 0 ? (double)f->latency->count / span : 0.0;
}

/* One file into m; false (with a warning said) when it is left out. */
static bool read_host(struct merge_host *m, struct merge_warnings *w)
{
	char err[320];
	size_t len;
	char *text = slurp(m->path, &len, err, sizeof err);
	int rc = -EINVAL;

	hlog_file_init(&m->file);
	if (text) {
		size_t skip = strspn(text, " \t\r\n");
		rc = text[skip] == '{' ? read_json(m, text, len, err, sizeof err)
				       : hlog_read_text(&m->file, text, len, err, sizeof err);
	}
	free(text);
	if (rc) {
		merge_warn(w, "%s: %s; left out", m->path, err);
		return false;
	}
	if (!m->file.complete) {
		size_t intervals = 0;
		for (size_t i = 0; i < m->file.n; i++)
			intervals += !m->file.entries[i].uncorrected;
		m->truncated = true;
		merge_warn(w, "%s: truncated: %s (the run was cut short); its %zu interval%s merged, its throughput "
			   "is its values over the time they cover", m->path,
			   m->file.cut_line ? "its last line is cut and no end line" : "no end line", intervals,
			   intervals == 1 ? " is" : "s are");
	}
	host_figures(m);
	return true;
}

int merge_main(int argc, char **argv)
{
	struct merge_opts o = { 0 };
	int opt, status = 1;

	optind = 1;
	opterr = 0;
	argv[0] = (char *)"loadgen merge";
	while ((opt = getopt_long(argc, argv, ":hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			cli_version("loadgen");
			return 0;
		case 'j':
			o.json = true;
			break;
		case 'p':
			o.percentiles_path = optarg;
			break;
		default:
			return cli_bad_option("loadgen merge", argv, opt);
		}
	}
	if (optind >= argc)
		return cli_usage_error("loadgen merge", "no FILE given");
	size_t n = (size_t)(argc - optind), used = 0;
	struct merge_host *hosts = calloc(n, sizeof *hosts);
	struct merge_warnings w = { 0 };
	if (!hosts) {
		fprintf(stderr, "loadgen merge: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		hosts[used].path = argv[optind + (int)i];
		if (read_host(&hosts[used], &w))
			used++;
		else
			hlog_file_destroy(&hosts[used].file);
	}
	o.files = n;
	if (used == 0)
		fprintf(stderr, "loadgen merge: none of the %zu file%s could be merged\n", n, n == 1 ? "" : "s");
	else
		status = merge_report(&o, hosts, used, &w) ? 1 : 0;
	for (size_t i = 0; i < used; i++)
		hlog_file_destroy(&hosts[i].file);
	merge_warnings_free(&w);
	free(hosts);
	return status;
}
