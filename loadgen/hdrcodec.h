/* hdrcodec.h: the project histogram as HdrHistogram's compressed V2 encoding, in base64.
 *
 * common/hist.h's layout is exactly HdrHistogram's for lowest discernible value 1,
 * 2 significant digits and highest trackable value 2^32 - 1, the unit being the
 * microsecond: sub-bucket count 256 (half 128), 25 buckets, 3328 counts, and our
 * bucket index i is HdrHistogram's counts index i. So a histogram crosses the format
 * with no rounding, and merging decoded histograms is exact (lesson 7, issue 17).
 *
 * The encoding: a 40-byte big-endian header (cookie 0x1c849313, payload length,
 * normalizing offset 0, significant digits, lowest, highest, conversion ratio 1.0),
 * then the counts as ZigZag LEB128 (a negative word is a run of that many zeros); the
 * whole wrapped in a second header (cookie 0x1c849314, length) and zlib's deflate.
 */
#ifndef LOADGEN_HDRCODEC_H
#define LOADGEN_HDRCODEC_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"

#define HDR_SIGNIFICANT_DIGITS 2
#define HDR_LOWEST_US 1
#define HDR_HIGHEST_US ((UINT64_C(1) << HIST_MAX_POWER) - 1)
#define HDR_V2_COOKIE 0x1c849313u             /* V2 base 0x1c849303 | word-size bits 0x10 */
#define HDR_V2_COMPRESSED_COOKIE 0x1c849314u  /* V2 compressed base 0x1c849304 | 0x10 */
#define HDR_HEADER_BYTES 40
#define HDR_TEXT_MAX 65536                    /* base64 of any encoding of 3328 counts */

/* h as base64 text (NUL-terminated) into a new buffer *text (free it). The length,
 * or -ENOMEM / -EIO (zlib failed). Cost: one deflate of at most 30 KB. */
long hdrcodec_encode(const struct hist *h, char **text);

/* base64 text of len bytes into *h: the counts, count, min and max as bucket bounds,
 * sum from the bucket middles (HdrHistogram's mean). 0, or -EINVAL with the reason in
 * err: a bad base64 character, a cookie, header or layout that is not ours, a stream
 * zlib refuses, counts past 2^32 us. Never reads past len. */
int hdrcodec_decode(const char *text, size_t len, struct hist *h, char *err, size_t errlen);

#endif
