/* mix.h: a mixed menu (--mix): several kinds of order in fixed shares.
 *
 * --mix 'work_us=40000:5,work_us=0:95' sends 5 % of the orders with work_us=40000 and
 * 95 % with work_us=0 (lesson 11: when threads win). A kind is the query parameters it
 * sets (cook_ms and work_us override the ones in force, others are added) and its share
 * in percent; the shares add up to 100. Which kind an order is comes from the seed and
 * the order's number, never from the clock, so two load generators with the same --seed
 * send the same sequence of kinds to both restaurants.
 */
#ifndef LOADGEN_MIX_H
#define LOADGEN_MIX_H

#include <stddef.h>
#include <stdint.h>

#include "reqtext.h"

#define MIX_KINDS_MAX 8
#define MIX_NAME_MAX 95

struct mix_kind {
	char name[MIX_NAME_MAX + 1]; /* its parameters as given: "work_us=40000" (the JSON key) */
	struct query extra;          /* parameters other than cook_ms and work_us */
	uint32_t cook_ms, work_us;   /* PARAM_ABSENT: the one in force */
	unsigned share;              /* percent */
};

struct mix {
	unsigned n;                  /* 0: no mix, one kind of order */
	struct mix_kind kind[MIX_KINDS_MAX];
};

/* Parse SPEC ("K=V[&K=V...]:SHARE,..."); 0, or -1 with a one-line reason in err. */
int mix_parse(struct mix *m, const char *spec, char *err, size_t errlen);

/* The kind of order number `index` of stream `stream` (a thread), from seed: the same
 * three numbers always give the same kind, in the shares asked. */
unsigned mix_draw(const struct mix *m, uint64_t seed, uint64_t stream, uint64_t index);

/* The request text of kind k: the URL's query with the kind's parameters, cook_ms and
 * work_us in force unless the kind sets them. NULL when out of memory or too long. */
struct reqtext *mix_reqtext(const struct mix_kind *k, const struct url *u, const struct query *q, uint32_t cook_ms,
			    uint32_t work_us, bool keepalive, struct reqtext *older);

#endif
