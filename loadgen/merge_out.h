/* merge_out.h: what `loadgen merge` read, and its summary, --json and --percentiles.
 *
 * merge.c fills one struct merge_host per file it could read; merge_out.c sums them
 * into the fleet's row and aligns their intervals on absolute time.
 */
#ifndef LOADGEN_MERGE_OUT_H
#define LOADGEN_MERGE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hlog.h"

struct merge_host {
	const char *path;
	struct hlog_file file;
	bool from_json;          /* a --json output: one histogram, no intervals */
	bool truncated;          /* an hlog without its end line */
	uint64_t requests;
	double duration_s;
	double throughput_rps;
};

struct merge_opts {
	bool json;
	const char *percentiles_path;
	size_t files;            /* given on the command line */
};

struct merge_warnings {
	char **lines;
	size_t n;
};

/* Say a warning on stderr ("loadgen merge: ...") and keep it for --json. */
void merge_warn(struct merge_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void merge_warnings_free(struct merge_warnings *w);

/* The report of n hosts. 0, or -errno when an output could not be written. */
int merge_report(const struct merge_opts *o, const struct merge_host *hosts, size_t n,
		 struct merge_warnings *w);

#endif
