/* mix.c: a mixed menu (see mix.h). */
#include "mix.h"

#include <stdio.h>
#include <string.h>

#include "order.h"

static int mix_fail(char *err, size_t errlen, const char *why, const char *at)
{
	snprintf(err, errlen, "--mix: %s%s%.*s%s", why, at ? " in '" : "", at ? 40 : 0, at ? at : "", at ? "'" : "");
	return -1;
}

/* One "K=V&K=V:SHARE" of len bytes into k. */
static int parse_kind(struct mix_kind *k, const char *s, size_t len, char *err, size_t errlen)
{
	char buf[MIX_NAME_MAX + 16];
	const char *colon = memrchr(s, ':', len);

	if (!colon || colon == s || (size_t)(colon - s) > MIX_NAME_MAX || len >= sizeof buf)
		return mix_fail(err, errlen, "each kind is PARAMS:SHARE, e.g. work_us=40000:5", s);
	uint32_t share;
	if (!order_parse_uint(colon + 1, len - (size_t)(colon - s) - 1, 100, &share) || share == 0)
		return mix_fail(err, errlen, "a share is a whole percent from 1 to 100", s);
	memset(k, 0, sizeof *k);
	k->share = share;
	k->cook_ms = k->work_us = PARAM_ABSENT;
	memcpy(k->name, s, (size_t)(colon - s));
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = '\0';
	if (query_add_string(&k->extra, buf, err, errlen) < 0)
		return -1;
	if (query_take_uint(&k->extra, "cook_ms", &k->cook_ms) < 0 || query_take_uint(&k->extra, "work_us", &k->work_us) < 0 ||
	    (k->cook_ms != PARAM_ABSENT && k->cook_ms > ORDER_COOK_MS_MAX) ||
	    (k->work_us != PARAM_ABSENT && k->work_us > ORDER_WORK_US_MAX))
		return mix_fail(err, errlen, "cook_ms is 0..60000 and work_us 0..1000000", s);
	return 0;
}

int mix_parse(struct mix *m, const char *spec, char *err, size_t errlen)
{
	unsigned total = 0;

	memset(m, 0, sizeof *m);
	for (const char *s = spec; *s;) {
		size_t len = strcspn(s, ",");
		if (m->n == MIX_KINDS_MAX)
			return mix_fail(err, errlen, "at most 8 kinds", NULL);
		if (len == 0 || parse_kind(&m->kind[m->n], s, len, err, errlen) < 0)
			return len == 0 ? mix_fail(err, errlen, "an empty kind", spec) : -1;
		total += m->kind[m->n++].share;
		s += len + (s[len] == ',');
	}
	if (total != 100) {
		snprintf(err, errlen, "--mix: the shares add up to %u, not 100", total);
		return -1;
	}
	return 0;
}

/* splitmix64's finaliser: every bit of the input reaches every bit of the output. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned mix_draw(const struct mix *m, uint64_t seed, uint64_t stream, uint64_t index)
{
	uint64_t r = mix64(mix64(seed ^ 0x6d69786d656e7573ULL) ^ mix64(stream + 1) ^ index) % 100;
	unsigned k = 0;

	for (unsigned cum = m->kind[0].share; k + 1 < m->n && r >= cum; cum += m->kind[++k].share)
		;
	return k;
}

struct reqtext *mix_reqtext(const struct mix_kind *k, const struct url *u, const struct query *q, uint32_t cook_ms,
			    uint32_t work_us, bool keepalive, struct reqtext *older)
{
	struct query with = *q;
	char err[64];

	for (size_t i = 0; i < k->extra.n; i++) {
		const struct query_param *p = &k->extra.p[i];
		if (query_set(&with, p->key, strlen(p->key), p->has_value ? p->value : NULL,
			      p->has_value ? strlen(p->value) : 0, err, sizeof err) < 0)
			return NULL;
	}
	return reqtext_new(u, &with, k->cook_ms != PARAM_ABSENT ? k->cook_ms : cook_ms,
			   k->work_us != PARAM_ABSENT ? k->work_us : work_us, keepalive, older);
}
