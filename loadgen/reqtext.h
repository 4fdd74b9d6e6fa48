/* reqtext.h: the exact bytes every customer sends, formatted once.
 *
 * The query in force is the URL's own query plus every --param, with cook_ms and
 * work_us kept apart as numbers because the dashboard changes them live through the
 * control slot. Whenever one of them (or keep-alive) changes, a worker formats a new
 * request text; the hot path only ever copies a pointer to it.
 */
#ifndef LOADGEN_REQTEXT_H
#define LOADGEN_REQTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "url.h"

#define QUERY_PARAMS_MAX 32
#define QUERY_KEY_MAX 64
#define QUERY_VALUE_MAX 256
#define REQTEXT_MAX 4096      /* bytes of a whole request */
#define PARAM_ABSENT UINT32_MAX /* cook_ms / work_us: leave the parameter out */

struct query_param {
	char key[QUERY_KEY_MAX + 1];
	char value[QUERY_VALUE_MAX + 1];
	bool has_value;           /* "k=v" rather than a bare "k" */
};

struct query {
	size_t n;
	struct query_param p[QUERY_PARAMS_MAX];
};

/* Add key[=value], replacing an earlier parameter of the same key (later wins, so
 * --param overrides the URL). value NULL for a bare key. 0 or -EINVAL / -E2BIG with a
 * reason in err. */
int query_set(struct query *q, const char *key, size_t klen, const char *value, size_t vlen,
	      char *err, size_t errlen);

/* "a=1&b=2" (the URL's query) or "k=v" (one --param), added with query_set. */
int query_add_string(struct query *q, const char *s, char *err, size_t errlen);

/* Remove key and return its value as a number in *out (PARAM_ABSENT when absent).
 * -EINVAL when present but not a decimal below PARAM_ABSENT. */
int query_take_uint(struct query *q, const char *key, uint32_t *out);

/* The request text: "GET path?query HTTP/1.1\r\nHost: ...\r\n[Connection: close\r\n]\r\n".
 * Retired texts stay allocated (chained by older) until reqtext_free_all, because a
 * connection may still be sending one when the control slot replaces it. */
struct reqtext {
	struct reqtext *older;    /* the text this one replaced */
	bool keepalive;           /* false: "Connection: close", one connection per order */
	uint32_t cook_ms, work_us;/* in force when formatted (PARAM_ABSENT: not sent) */
	size_t len;
	char bytes[];
};

/* Format into buf; returns the length, or 0 when it does not fit in cap. */
size_t reqtext_format(char *buf, size_t cap, const struct url *u, const struct query *q,
		      uint32_t cook_ms, uint32_t work_us, bool keepalive);

/* A new text, chained in front of older (which may be NULL). NULL when out of memory
 * or too long. */
struct reqtext *reqtext_new(const struct url *u, const struct query *q, uint32_t cook_ms,
			    uint32_t work_us, bool keepalive, struct reqtext *older);

/* Free r and every text it replaced. NULL is fine. */
void reqtext_free_all(struct reqtext *r);

#endif
