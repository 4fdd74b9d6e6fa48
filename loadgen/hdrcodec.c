/* hdrcodec.c: HdrHistogram's compressed V2 encoding of struct hist (see hdrcodec.h).
 *
 * Written from the format's description: big-endian header, ZigZag LEB128 counts with
 * runs of zeros as negative words, zlib deflate, standard base64 with padding. The
 * decoder treats its input as hostile: every length is checked before it is used.
 */
#include "hdrcodec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "errmsg.h"

#define RAW_MAX (HDR_HEADER_BYTES + 9 * HIST_BUCKETS)  /* 9 bytes per word at most */
#define fail(err, errlen, ...) errmsg_fail((err), (errlen), -EINVAL, __VA_ARGS__)

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* ZigZag then LEB128: seven bits a byte, high bit = more; the ninth byte carries
 * eight bits (HdrHistogram's 64-bit variant). Returns the bytes written (1..9). */
static size_t put_zigzag(uint8_t *p, int64_t value)
{
	uint64_t v = ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
	size_t n = 0;
	while (n < 8 && v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* One word from p[0..len); bytes used, or 0 when the word runs past len. */
static size_t get_zigzag(const uint8_t *p, size_t len, int64_t *value)
{
	uint64_t v = 0;
	size_t n = 0;
	for (;;) {
		if (n >= len)
			return 0;
		uint8_t b = p[n];
		if (n == 8) {
			v |= (uint64_t)b << 56;
			n++;
			break;
		}
		v |= (uint64_t)(b & 0x7f) << (7 * n);
		n++;
		if (!(b & 0x80))
			break;
	}
	*value = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
	return n;
}

/* The uncompressed V2 encoding into raw (RAW_MAX bytes); its length. The counts stop
 * after the last non-zero one, as HdrHistogram's own encoder stops at the max. */
static size_t encode_raw(const struct hist *h, uint8_t *raw)
{
	size_t last = 0, pos = HDR_HEADER_BYTES;
	bool any = false;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		if (h->buckets[i]) {
			last = i;
			any = true;
		}
	for (size_t i = 0; any && i <= last;) {
		if (h->buckets[i]) {
			pos += put_zigzag(raw + pos, (int64_t)h->buckets[i++]);
			continue;
		}
		size_t zeros = 0;
		while (i <= last && h->buckets[i] == 0) {
			zeros++;
			i++;
		}
		pos += put_zigzag(raw + pos, zeros > 1 ? -(int64_t)zeros : 0);
	}
	put32(raw, HDR_V2_COOKIE);
	put32(raw + 4, (uint32_t)(pos - HDR_HEADER_BYTES));
	put32(raw + 8, 0);                          /* normalizing index offset */
	put32(raw + 12, HDR_SIGNIFICANT_DIGITS);
	put64(raw + 16, HDR_LOWEST_US);
	put64(raw + 24, HDR_HIGHEST_US);
	double ratio = 1.0;                         /* integer to double conversion ratio */
	uint64_t bits;
	memcpy(&bits, &ratio, sizeof bits);
	put64(raw + 32, bits);
	return pos;
}

static size_t base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = B64[v >> 18 & 63];
		out[o++] = B64[v >> 12 & 63];
		out[o++] = i + 1 < len ? B64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? B64[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

long hdrcodec_encode(const struct hist *h, char **text)
{
	long rc = -ENOMEM;
	uint8_t *raw = malloc(RAW_MAX);
	uLongf zlen = compressBound(RAW_MAX);
	uint8_t *packed = malloc(8 + zlen);
	char *out = NULL;

	if (!raw || !packed)
		goto out_free;
	size_t rawlen = encode_raw(h, raw);
	if (compress2(packed + 8, &zlen, raw, rawlen, Z_BEST_COMPRESSION) != Z_OK) {
		rc = -EIO;
		goto out_free;
	}
	put32(packed, HDR_V2_COMPRESSED_COOKIE);
	put32(packed + 4, (uint32_t)zlen);
	if (!(out = malloc((8 + zlen + 2) / 3 * 4 + 1)))
		goto out_free;
	rc = (long)base64_encode(packed, 8 + zlen, out);
	*text = out;
out_free:
	free(packed);
	free(raw);
	return rc;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(B64, c) : NULL;
	return p ? (int)(p - B64) : -1;
}

/* Standard base64 with padding into out (cap bytes); the bytes, or -1. */
static long base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	size_t o = 0;
	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			bool last_group = i + 4 == len;
			if (in[i + k] == '=' && last_group && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || (v[k] = b64_value(in[i + k])) < 0)
				return -1;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		if (o + 3 - (size_t)pad > cap)
			return -1;
		out[o++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)w;
	}
	return (long)o;
}

/* The counts of an uncompressed V2 encoding into h (already hist_init'ed). */
static int decode_counts(const uint8_t *raw, size_t rawlen, struct hist *h, char *err, size_t errlen)
{
	if (rawlen < HDR_HEADER_BYTES)
		return fail(err, errlen, "histogram header cut short (%zu bytes)", rawlen);
	if (get32(raw) != HDR_V2_COOKIE)
		return fail(err, errlen, "not a V2 histogram (cookie 0x%08x)", get32(raw));
	uint32_t payload = get32(raw + 4);
	if (payload > rawlen - HDR_HEADER_BYTES)
		return fail(err, errlen, "histogram payload of %u bytes, only %zu there", payload,
			    rawlen - HDR_HEADER_BYTES);
	if (get32(raw + 8) != 0)
		return fail(err, errlen, "a shifted histogram (normalizing offset %u) is not supported", get32(raw + 8));
	if (get32(raw + 12) != HDR_SIGNIFICANT_DIGITS || get64(raw + 16) != HDR_LOWEST_US)
		return fail(err, errlen, "histogram layout %u digits, lowest %llu: expected %d digits, lowest %d",
			    get32(raw + 12), (unsigned long long)get64(raw + 16), HDR_SIGNIFICANT_DIGITS, HDR_LOWEST_US);
	const uint8_t *p = raw + HDR_HEADER_BYTES;
	size_t left = payload, index = 0;
	while (left > 0) {
		int64_t word;
		size_t n = get_zigzag(p, left, &word);
		if (n == 0)
			return fail(err, errlen, "histogram counts cut inside a word");
		p += n;
		left -= n;
		uint64_t run = word < 0 ? (uint64_t)-(word + 1) + 1 : 1;
		if (run > HIST_BUCKETS || index + run > HIST_BUCKETS)
			return fail(err, errlen, "histogram counts past 2^%d us", HIST_MAX_POWER);
		if (word < 0) {
			index += run;
			continue;
		}
		if (h->count + (uint64_t)word < h->count)
			return fail(err, errlen, "histogram count overflows");
		h->buckets[index++] = (uint64_t)word;
		h->count += (uint64_t)word;
	}
	return 0;
}

/* min and max as the outer bounds of the non-empty buckets, sum from their middles. */
static void fill_extremes(struct hist *h)
{
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		uint64_t low = hist_bucket_low(i), high = hist_bucket_high(i);
		if (h->min_us == UINT64_MAX)
			h->min_us = low;
		h->max_us = high;
		h->sum_us += h->buckets[i] * (low + (high - low + 1) / 2);
	}
}

int hdrcodec_decode(const char *text, size_t len, struct hist *h, char *err, size_t errlen)
{
	int rc = -ENOMEM;
	size_t cap = len / 4 * 3 + 3;
	uint8_t *packed = malloc(cap), *raw = malloc(RAW_MAX);

	hist_init(h);
	if (!packed || !raw) {
		rc = errmsg_fail(err, errlen, -ENOMEM, "out of memory");
		goto out_free;
	}
	long plen = base64_decode(text, len, packed, cap);
	if (plen < 0) {
		rc = fail(err, errlen, "histogram is not base64");
		goto out_free;
	}
	if (plen < 8 || get32(packed) != HDR_V2_COMPRESSED_COOKIE) {
		rc = fail(err, errlen, "not a compressed V2 histogram (cookie 0x%08x)", plen >= 4 ? get32(packed) : 0);
		goto out_free;
	}
	uint32_t zlen = get32(packed + 4);
	if (zlen > (uint64_t)plen - 8) {
		rc = fail(err, errlen, "compressed histogram of %u bytes, only %ld there", zlen, plen - 8);
		goto out_free;
	}
	uLongf rawlen = RAW_MAX;
	int zrc = uncompress(raw, &rawlen, packed + 8, zlen);
	if (zrc != Z_OK) {
		rc = fail(err, errlen, "histogram does not inflate (zlib: %s)",
			  zrc == Z_BUF_ERROR ? "larger than any histogram of ours" : zError(zrc));
		goto out_free;
	}
	rc = decode_counts(raw, rawlen, h, err, errlen);
	if (rc) {
		hist_init(h);
		goto out_free;
	}
	fill_extremes(h);
out_free:
	free(raw);
	free(packed);
	return rc;
}
