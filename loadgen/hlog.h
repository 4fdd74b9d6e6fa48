/* hlog.h: HdrHistogram's interval log (format 1.3), written by a run and read by merge.
 *
 * A file is a few "#[...]" header lines (format version, StartTime and BaseTime in
 * seconds since the epoch, the layout), the legend line, then one line per interval:
 * "[Tag=NAME,]START,LENGTH,MAX,HISTOGRAM" with START relative to BaseTime in seconds,
 * MAX in milliseconds and HISTOGRAM as hdrcodec.h encodes it. The corrected latency is
 * untagged; the uncorrected latency (open loop) is tagged "uncorrected". A run that
 * finishes appends "#[End: requests=N duration_s=X throughput_rps=Y]": a file without
 * it was cut short (killed), which merge says instead of guessing.
 */
#ifndef LOADGEN_HLOG_H
#define LOADGEN_HLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

#define HLOG_TAG_UNCORRECTED "uncorrected"

/* ---- writing ---- */

struct hlog_writer;

/* Create path and write the header. start_mono_ns (CLOCK_MONOTONIC) is the moment
 * start_epoch_s names on the wall clock; intervals are measured from it. comment goes
 * into a "#" line (may be NULL). NULL with the reason in err. */
struct hlog_writer *hlog_new(const char *path, uint64_t start_mono_ns, double start_epoch_s, bool uncorrected,
			     const char *comment, char *err, size_t errlen);

/* One interval ending at end_mono_ns: the difference between the totals given and
 * those of the previous call. An empty interval is written too, so that every host's
 * lines stay on the same clock. Flushed at once: a killed run keeps whole lines. */
int hlog_interval(struct hlog_writer *w, uint64_t end_mono_ns, const struct hist *latency,
		  const struct hist *uncorrected);

/* The end line; then the file is complete. */
int hlog_end(struct hlog_writer *w, uint64_t requests, double duration_s, double throughput_rps);

void hlog_free(struct hlog_writer *w);  /* closes the file; NULL is a no-op */

/* ---- reading ---- */

struct hlog_entry {
	double start_epoch_s;   /* absolute: BaseTime + START */
	double length_s;
	uint64_t max_us;        /* MAX, back in microseconds */
	uint64_t count;
	bool uncorrected;       /* tagged "uncorrected" */
	char *text;             /* the histogram's base64, for merging per interval */
};

struct hlog_file {
	double start_epoch_s;
	bool complete;               /* the end line was read */
	bool has_summary;            /* requests, duration_s and throughput_rps are known */
	uint64_t requests;
	double duration_s, throughput_rps;
	struct hlog_entry *entries;
	size_t n, cap;
	struct hist *latency;        /* sums of the entries */
	struct hist *uncorrected;
	bool cut_line;               /* the last line had no newline: dropped */
};

/* Read a whole file. 0 (f->complete says whether it ended properly), or -errno / -EINVAL
 * with the reason in err (cannot open, not an hlog, a line that does not decode,
 * naming the line). f must be destroyed either way. */
int hlog_read(struct hlog_file *f, const char *path, char *err, size_t errlen);
/* The same from text in memory (for tests and for JSON-embedded histograms). */
int hlog_read_text(struct hlog_file *f, const char *text, size_t len, char *err, size_t errlen);
/* Add one histogram (base64 text) as an entry. 0 or -EINVAL with the reason. */
int hlog_file_add(struct hlog_file *f, double start_epoch_s, double length_s, uint64_t max_us, bool uncorrected,
		  const char *text, size_t len, char *err, size_t errlen);
void hlog_file_init(struct hlog_file *f);
void hlog_file_destroy(struct hlog_file *f);

#endif
