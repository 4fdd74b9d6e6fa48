/* reqtext.c: the query in force and the request bytes (see reqtext.h).
 *
 * Parameter values are sent as given (the user percent-encodes if needed); anything
 * that would break the request line (space, control bytes, '#', '&' inside a value)
 * is refused when the parameter is added, so formatting never fails on content.
 */
#include "reqtext.h"

#include "errmsg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define fail errmsg_fail

static bool query_char_ok(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '#' && ch != '&';
}

int query_set(struct query *q, const char *key, size_t klen, const char *value, size_t vlen,
	      char *err, size_t errlen)
{
	if (klen == 0)
		return fail(err, errlen, -EINVAL, "empty parameter name");
	if (klen > QUERY_KEY_MAX)
		return fail(err, errlen, -EINVAL, "parameter name longer than %d characters", QUERY_KEY_MAX);
	if (value && vlen > QUERY_VALUE_MAX)
		return fail(err, errlen, -EINVAL, "value of %.*s longer than %d characters",
			    (int)klen, key, QUERY_VALUE_MAX);
	for (size_t i = 0; i < klen; i++)
		if (!query_char_ok((unsigned char)key[i]) || key[i] == '=')
			return fail(err, errlen, -EINVAL, "character 0x%02x not allowed in parameter name '%.*s'",
				    (unsigned char)key[i], (int)klen, key);
	for (size_t i = 0; value && i < vlen; i++)
		if (!query_char_ok((unsigned char)value[i]))
			return fail(err, errlen, -EINVAL, "character 0x%02x not allowed in the value of %.*s: "
				    "percent-encode it", (unsigned char)value[i], (int)klen, key);

	struct query_param *slot = NULL;
	for (size_t i = 0; i < q->n && !slot; i++)
		if (strlen(q->p[i].key) == klen && memcmp(q->p[i].key, key, klen) == 0)
			slot = &q->p[i];
	if (!slot) {
		if (q->n == QUERY_PARAMS_MAX)
			return fail(err, errlen, -E2BIG, "more than %d query parameters", QUERY_PARAMS_MAX);
		slot = &q->p[q->n++];
	}
	memcpy(slot->key, key, klen);
	slot->key[klen] = '\0';
	slot->has_value = value != NULL;
	if (value)
		memcpy(slot->value, value, vlen);
	slot->value[value ? vlen : 0] = '\0';
	return 0;
}

int query_add_string(struct query *q, const char *s, char *err, size_t errlen)
{
	while (*s) {
		size_t len = strcspn(s, "&");
		if (len > 0) {
			const char *eq = memchr(s, '=', len);
			size_t klen = eq ? (size_t)(eq - s) : len;
			int rc = query_set(q, s, klen, eq ? eq + 1 : NULL, eq ? len - klen - 1 : 0, err, errlen);
			if (rc)
				return rc;
		}
		s += len;
		if (*s == '&')
			s++;
	}
	return 0;
}

int query_take_uint(struct query *q, const char *key, uint32_t *out)
{
	*out = PARAM_ABSENT;
	for (size_t i = 0; i < q->n; i++) {
		if (strcmp(q->p[i].key, key) != 0)
			continue;
		const char *v = q->p[i].value;
		uint64_t n = 0;
		if (!q->p[i].has_value || !*v)
			return -EINVAL;
		for (; *v; v++) {
			if (*v < '0' || *v > '9')
				return -EINVAL;
			n = n * 10 + (uint64_t)(*v - '0');
			if (n >= PARAM_ABSENT)
				return -EINVAL;
		}
		*out = (uint32_t)n;
		memmove(&q->p[i], &q->p[i + 1], (q->n - i - 1) * sizeof q->p[0]);
		q->n--;
		return 0;
	}
	return 0;
}

/* Appends with bounds checking: pos may run past cap, which the caller reads as "too
 * long" at the end. */
static void put(char *buf, size_t cap, size_t *pos, const char *s)
{
	size_t len = strlen(s);
	if (*pos + len < cap)
		memcpy(buf + *pos, s, len);
	*pos += len;
}

static void put_sep(char *buf, size_t cap, size_t *pos, bool *first)
{
	put(buf, cap, pos, *first ? "?" : "&");
	*first = false;
}

size_t reqtext_format(char *buf, size_t cap, const struct url *u, const struct query *q,
		      uint32_t cook_ms, uint32_t work_us, bool keepalive)
{
	size_t pos = 0;
	bool first = true;
	char num[32];

	put(buf, cap, &pos, "GET ");
	put(buf, cap, &pos, u->path);
	for (size_t i = 0; i < q->n; i++) {
		put_sep(buf, cap, &pos, &first);
		put(buf, cap, &pos, q->p[i].key);
		if (q->p[i].has_value) {
			put(buf, cap, &pos, "=");
			put(buf, cap, &pos, q->p[i].value);
		}
	}
	if (cook_ms != PARAM_ABSENT) {
		put_sep(buf, cap, &pos, &first);
		snprintf(num, sizeof num, "cook_ms=%u", cook_ms);
		put(buf, cap, &pos, num);
	}
	if (work_us != PARAM_ABSENT) {
		put_sep(buf, cap, &pos, &first);
		snprintf(num, sizeof num, "work_us=%u", work_us);
		put(buf, cap, &pos, num);
	}
	put(buf, cap, &pos, " HTTP/1.1\r\nHost: ");
	put(buf, cap, &pos, u->authority);
	put(buf, cap, &pos, "\r\n");
	if (!keepalive)
		put(buf, cap, &pos, "Connection: close\r\n");
	put(buf, cap, &pos, "\r\n");
	if (pos >= cap)
		return 0;
	buf[pos] = '\0';
	return pos;
}

struct reqtext *reqtext_new(const struct url *u, const struct query *q, uint32_t cook_ms,
			    uint32_t work_us, bool keepalive, struct reqtext *older)
{
	char buf[REQTEXT_MAX];
	size_t len = reqtext_format(buf, sizeof buf, u, q, cook_ms, work_us, keepalive);
	if (len == 0)
		return NULL;
	struct reqtext *r = malloc(sizeof *r + len + 1);
	if (!r)
		return NULL;
	r->older = older;
	r->keepalive = keepalive;
	r->cook_ms = cook_ms;
	r->work_us = work_us;
	r->len = len;
	memcpy(r->bytes, buf, len + 1);
	return r;
}

void reqtext_free_all(struct reqtext *r)
{
	while (r) {
		struct reqtext *older = r->older;
		free(r);
		r = older;
	}
}
