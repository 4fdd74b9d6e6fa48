/* hlog.c: the interval log writer and reader (see hlog.h for the format).
 *
 * The writer keeps the totals of the previous interval and writes the difference, so
 * the workers' histograms are never reset (as --series does). The reader keeps each
 * entry's base64 text (a few hundred bytes) rather than its 27 KB histogram, so an
 * hour of intervals stays small; merge decodes them again per aligned interval.
 */
#include "hlog.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "hdrcodec.h"

#define fail(err, errlen, ...) errmsg_fail((err), (errlen), -EINVAL, __VA_ARGS__)

struct hlog_writer {
	FILE *f;
	uint64_t start_mono_ns, last_ns;  /* the log's zero; the end of the last interval */
	bool uncorrected;                 /* open loop: write the uncorrected latency too */
	struct hist prev_latency;         /* totals at the end of the last interval */
	struct hist prev_uncorrected;
};

struct hlog_writer *hlog_new(const char *path, uint64_t start_mono_ns, double start_epoch_s, bool uncorrected,
			     const char *comment, char *err, size_t errlen)
{
	struct hlog_writer *w = calloc(1, sizeof *w);
	if (!w) {
		errmsg_fail(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	if (!(w->f = fopen(path, "w"))) {
		errmsg_fail(err, errlen, -errno, "cannot write the --hlog file %s: %s", path, strerror(errno));
		free(w);
		return NULL;
	}
	w->start_mono_ns = w->last_ns = start_mono_ns;
	w->uncorrected = uncorrected;
	hist_init(&w->prev_latency);
	hist_init(&w->prev_uncorrected);

	char date[64] = "";
	time_t t = (time_t)start_epoch_s;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &tm);
	if (comment)
		fprintf(w->f, "#%s\n", comment);
	fprintf(w->f, "#[Histogram log format version 1.3]\n");
	fprintf(w->f, "#[StartTime: %.3f (seconds since epoch), %s]\n", start_epoch_s, date);
	fprintf(w->f, "#[BaseTime: %.3f (seconds since epoch)]\n", start_epoch_s);
	fprintf(w->f, "#[Values in microseconds: %d significant digits, lowest %d, highest %llu; "
		"Interval_Max in milliseconds]\n", HDR_SIGNIFICANT_DIGITS, HDR_LOWEST_US,
		(unsigned long long)HDR_HIGHEST_US);
	fprintf(w->f, "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n");
	fflush(w->f);
	return w;
}

static int write_line(struct hlog_writer *w, const char *tag, double start_s, double length_s,
		      const struct hist *h)
{
	char *text = NULL;
	long n = hdrcodec_encode(h, &text);
	if (n < 0)
		return (int)n;
	fprintf(w->f, "%s%s%s%.3f,%.3f,%.3f,%s\n", tag ? "Tag=" : "", tag ? tag : "", tag ? "," : "", start_s,
		length_s, (double)(h->count ? h->max_us : 0) / 1000.0, text);
	free(text);
	return 0;
}

/* Two 27 KB differences and two deflates: well under a millisecond, once a second. */
int hlog_interval(struct hlog_writer *w, uint64_t end_mono_ns, const struct hist *latency,
		  const struct hist *uncorrected)
{
	static __thread struct hist diff;
	if (end_mono_ns < w->last_ns)
		end_mono_ns = w->last_ns;
	double start_s = (double)(w->last_ns - w->start_mono_ns) / 1e9;
	double length_s = (double)(end_mono_ns - w->last_ns) / 1e9;
	int rc;

	hist_diff(&diff, latency, &w->prev_latency);
	if ((rc = write_line(w, NULL, start_s, length_s, &diff)))
		return rc;
	w->prev_latency = *latency;
	if (w->uncorrected && uncorrected) {
		hist_diff(&diff, uncorrected, &w->prev_uncorrected);
		if ((rc = write_line(w, HLOG_TAG_UNCORRECTED, start_s, length_s, &diff)))
			return rc;
		w->prev_uncorrected = *uncorrected;
	}
	w->last_ns = end_mono_ns;
	return fflush(w->f) ? -errno : 0;
}

int hlog_end(struct hlog_writer *w, uint64_t requests, double duration_s, double throughput_rps)
{
	fprintf(w->f, "#[End: requests=%llu duration_s=%.3f throughput_rps=%.2f]\n", (unsigned long long)requests,
		duration_s, throughput_rps);
	return fflush(w->f) ? -errno : 0;
}

void hlog_free(struct hlog_writer *w)
{
	if (!w)
		return;
	fclose(w->f);
	free(w);
}

/* ---- reading ---- */

void hlog_file_init(struct hlog_file *f)
{
	memset(f, 0, sizeof *f);
	f->latency = malloc(sizeof *f->latency);
	f->uncorrected = malloc(sizeof *f->uncorrected);
	if (f->latency)
		hist_init(f->latency);
	if (f->uncorrected)
		hist_init(f->uncorrected);
}

void hlog_file_destroy(struct hlog_file *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->entries[i].text);
	free(f->entries);
	free(f->latency);
	free(f->uncorrected);
	memset(f, 0, sizeof *f);
}

int hlog_file_add(struct hlog_file *f, double start_epoch_s, double length_s, uint64_t max_us, bool uncorrected,
		  const char *text, size_t len, char *err, size_t errlen)
{
	static __thread struct hist h;
	int rc = hdrcodec_decode(text, len, &h, err, errlen);
	if (rc)
		return rc;
	if (!f->latency || !f->uncorrected)
		return errmsg_fail(err, errlen, -ENOMEM, "out of memory");
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct hlog_entry *e = realloc(f->entries, cap * sizeof *e);
		if (!e)
			return errmsg_fail(err, errlen, -ENOMEM, "out of memory");
		f->entries = e;
		f->cap = cap;
	}
	struct hlog_entry *e = &f->entries[f->n];
	if (!(e->text = strndup(text, len)))
		return errmsg_fail(err, errlen, -ENOMEM, "out of memory");
	f->n++;
	/* the logged max is exact; the decoded one is its bucket's top */
	if (h.count && max_us <= h.max_us && max_us >= hist_bucket_low(hist_bucket_index(h.max_us)))
		h.max_us = max_us;
	e->start_epoch_s = start_epoch_s;
	e->length_s = length_s;
	e->max_us = h.count ? h.max_us : 0;
	e->count = h.count;
	e->uncorrected = uncorrected;
	hist_merge(uncorrected ? f->uncorrected : f->latency, &h);
	return 0;
}

/* "#[Name: 12.5 ..." -> 12.5 when line starts with "#[Name:". */
static bool header_number(const char *line, const char *name, double *out)
{
	size_t n = strlen(name);
	if (strncmp(line, name, n) != 0)
		return false;
	char *end;
	double v = strtod(line + n, &end);
	if (end == line + n || !isfinite(v))
		return false;
	*out = v;
	return true;
}

static void read_end_line(struct hlog_file *f, const char *line)
{
	unsigned long long req;
	double d, t;
	if (sscanf(line, "#[End: requests=%llu duration_s=%lf throughput_rps=%lf]", &req, &d, &t) == 3) {
		f->complete = f->has_summary = true;
		f->requests = req;
		f->duration_s = d;
		f->throughput_rps = t;
	}
}

/* One interval line (no newline). */
static int read_interval(struct hlog_file *f, char *line, double base_s, char *err, size_t errlen)
{
	bool unc = false;
	if (strncmp(line, "Tag=", 4) == 0) {
		char *comma = strchr(line, ',');
		if (!comma)
			return fail(err, errlen, "a tag without its fields");
		*comma = '\0';
		unc = strcmp(line + 4, HLOG_TAG_UNCORRECTED) == 0;
		if (!unc)
			return 0;  /* a tag we do not write: not ours to merge */
		line = comma + 1;
	}
	double v[3];
	char *p = line, *end;
	for (int i = 0; i < 3; i++) {
		v[i] = strtod(p, &end);
		if (end == p || *end != ',' || !isfinite(v[i]) || v[i] < 0)
			return fail(err, errlen, "expected START,LENGTH,MAX,HISTOGRAM");
		p = end + 1;
	}
	size_t len = strlen(p);
	while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
		len--;
	return hlog_file_add(f, base_s + v[0], v[1], (uint64_t)llround(v[2] * 1000.0), unc, p, len, err, errlen);
}

int hlog_read_text(struct hlog_file *f, const char *text, size_t len, char *err, size_t errlen)
{
	double start = 0, base = -1;
	bool seen_version = false;
	size_t lineno = 0;
	char why[200];

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (!nl) {
			f->cut_line = true;  /* the writer was stopped inside this line */
			break;
		}
		char *line = strndup(text + pos, n);
		if (!line)
			return errmsg_fail(err, errlen, -ENOMEM, "out of memory");
		pos += n + 1;
		int rc = 0;
		if (strncmp(line, "#[Histogram log format version ", 31) == 0)
			seen_version = true;
		else if (header_number(line, "#[StartTime:", &start))
			;
		else if (header_number(line, "#[BaseTime:", &base))
			;
		else if (strncmp(line, "#[End:", 6) == 0)
			read_end_line(f, line);
		else if (line[0] != '#' && line[0] != '"' && line[0] != '\0' && line[0] != '\r') {
			if (!seen_version)
				rc = fail(err, errlen, "line %zu: not an HdrHistogram log (no format version line)", lineno);
			else if ((rc = read_interval(f, line, base >= 0 ? base : start, why, sizeof why)))
				rc = fail(err, errlen, "line %zu: %s", lineno, why);
		}
		free(line);
		if (rc)
			return rc;
	}
	if (!seen_version)
		return fail(err, errlen, "not an HdrHistogram log (no format version line)");
	f->start_epoch_s = base >= 0 ? base : start;
	return 0;
}

int hlog_read(struct hlog_file *f, const char *path, char *err, size_t errlen)
{
	FILE *in = fopen(path, "r");
	if (!in)
		return errmsg_fail(err, errlen, -errno, "cannot open: %s", strerror(errno));
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (len + 65536 + 1 > cap) {
			char *t = realloc(text, cap = 2 * cap + 65536 + 1);
			if (!t) {
				rc = errmsg_fail(err, errlen, -ENOMEM, "out of memory");
				goto out_free;
			}
			text = t;
		}
		size_t got = fread(text + len, 1, cap - len - 1, in);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(in)) {
		rc = errmsg_fail(err, errlen, -EIO, "read error");
		goto out_free;
	}
	rc = hlog_read_text(f, text, len, err, errlen);
out_free:
	free(text);
	fclose(in);
	return rc;
}
