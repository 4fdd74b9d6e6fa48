/* hdrdecode.h: a second decoder of HdrHistogram's interval logs, for the tests only.
 *
 * Written from the format's description (HdrHistogram's log format 1.3 and its V2
 * compressed encoding) apart from loadgen/hdrcodec.c, so that a test checks the
 * writer against another reading of the format, not against itself. It keeps the
 * counts as HdrHistogram does, by counts index, and says the layout it found.
 */
#ifndef LUNCHRUSH_HDRDECODE_H
#define LUNCHRUSH_HDRDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HDRD_COUNTS_MAX 8192

struct hdrd_hist {
	uint32_t cookie;             /* of the inner (uncompressed) encoding */
	uint32_t digits;             /* significant value digits */
	uint64_t lowest, highest;    /* trackable range */
	size_t ncounts;              /* counts present (up to the last non-zero) */
	uint64_t counts[HDRD_COUNTS_MAX];
	uint64_t total;
};

/* One base64 histogram (compressed V2) into h; 0 or -1. Adds to h->counts when add. */
int hdrd_decode(const char *b64, size_t len, struct hdrd_hist *h, bool add);

/* Every untagged (tag NULL) or tag-named interval line of an hlog file, summed into
 * h; their count in *lines, the largest Interval_Max in *max_ms, whether the
 * "#[Histogram log format version 1.3]" line was there. 0 or -1. */
int hdrd_read_log(const char *path, const char *tag, struct hdrd_hist *h, int *lines, double *max_ms,
		  bool *version_13);

/* HdrHistogram's highest equivalent value of counts index i, for sub-bucket count
 * 256 and unit 1 (the layout of 2 significant digits, lowest 1). */
uint64_t hdrd_highest_equivalent(size_t i);

/* The value at a percentile the way common/hist.c ranks (ceil(count * p / 100), at
 * least 1), capped at max: so that a test can compute "one histogram of every
 * sample" without the code under test. */
uint64_t hdrd_percentile(const struct hdrd_hist *h, double pct, uint64_t max);

#endif
