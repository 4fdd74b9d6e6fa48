/* hdrdecode.c: the tests' own HdrHistogram log decoder (see hdrdecode.h). */
#include "hdrdecode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64, bit by bit: an accumulator of sextets, a byte out whenever 8 bits are in. */
static long unbase64(const char *s, size_t len, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len && s[i] != '='; i++) {
		int v = sextet((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)n;
}

static uint64_t be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

int hdrd_decode(const char *b64, size_t len, struct hdrd_hist *h, bool add)
{
	static unsigned char packed[1 << 17], raw[1 << 17];
	long plen = unbase64(b64, len, packed, sizeof packed);
	if (!add)
		memset(h, 0, sizeof *h);
	if (plen < 8 || be(packed, 4) != 0x1c849314 || be(packed + 4, 4) + 8 > (uint64_t)plen)
		return -1;
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = packed + 8;
	z.avail_in = (uInt)be(packed + 4, 4);
	z.next_out = raw;
	z.avail_out = sizeof raw;
	int rc = inflate(&z, Z_FINISH);
	size_t rawlen = sizeof raw - z.avail_out;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || rawlen < 40)
		return -1;
	h->cookie = (uint32_t)be(raw, 4);
	h->digits = (uint32_t)be(raw + 12, 4);
	h->lowest = be(raw + 16, 8);
	h->highest = be(raw + 24, 8);
	size_t end = 40 + be(raw + 4, 4), pos = 40, index = 0;
	if (end > rawlen || be(raw + 8, 4) != 0)
		return -1;
	while (pos < end) {
		uint64_t u = 0;
		int shift = 0;
		unsigned char b;
		do {  /* LEB128; the ninth byte, if any, holds eight bits */
			if (pos >= end)
				return -1;
			b = raw[pos++];
			u |= (uint64_t)(shift == 56 ? b : (b & 0x7f)) << shift;
			shift += 7;
		} while ((b & 0x80) && shift < 63);
		int64_t v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
		if (v < 0) {
			index += (size_t)-v;
			continue;
		}
		if (index >= HDRD_COUNTS_MAX)
			return -1;
		h->counts[index++] += (uint64_t)v;
		h->total += (uint64_t)v;
	}
	if (index > h->ncounts)
		h->ncounts = index;
	return 0;
}

int hdrd_read_log(const char *path, const char *tag, struct hdrd_hist *h, int *lines, double *max_ms,
		  bool *version_13)
{
	FILE *f = fopen(path, "r");
	static char line[1 << 18];
	memset(h, 0, sizeof *h);
	*lines = 0;
	*max_ms = 0;
	*version_13 = false;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f)) {
		char *p = line, *nl = strchr(line, '\n');
		if (!nl)
			break;  /* a line cut short: not a whole interval */
		*nl = '\0';
		if (strcmp(line, "#[Histogram log format version 1.3]") == 0)
			*version_13 = true;
		if (line[0] == '#' || line[0] == '"' || line[0] == '\0')
			continue;
		if (strncmp(p, "Tag=", 4) == 0) {
			char *c = strchr(p, ',');
			if (!c)
				continue;
			*c = '\0';
			if (!tag || strcmp(p + 4, tag) != 0)
				continue;
			p = c + 1;
		} else if (tag) {
			continue;
		}
		double start, length, max;
		int used = 0;
		if (sscanf(p, "%lf,%lf,%lf,%n", &start, &length, &max, &used) != 3 || used == 0)
			continue;
		if (hdrd_decode(p + used, strlen(p + used), h, true) != 0) {
			fclose(f);
			return -1;
		}
		if (max > *max_ms)
			*max_ms = max;
		(*lines)++;
	}
	fclose(f);
	return 0;
}

uint64_t hdrd_highest_equivalent(size_t i)
{
	long bucket = (long)(i >> 7) - 1;
	uint64_t sub = (i & 127) + 128;
	if (bucket < 0) {
		sub -= 128;
		bucket = 0;
	}
	uint64_t value = sub << bucket;
	return value + (UINT64_C(1) << bucket) - 1;
}

uint64_t hdrd_percentile(const struct hdrd_hist *h, double pct, uint64_t max)
{
	if (h->total == 0)
		return 0;
	uint64_t rank = (uint64_t)ceil((double)h->total * pct / 100.0), seen = 0;
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < h->ncounts; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			uint64_t v = hdrd_highest_equivalent(i);
			return v < max ? v : max;
		}
	}
	return max;
}
