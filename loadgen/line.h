/* line.h: the open-loop customers waiting for a free connection, first come first
 * served. Only their scheduled arrival times are kept: latency runs from them.
 * A ring that doubles when full, up to a bound given at init, so it allocates only
 * when the line reaches a length it never had (lesson 2's long line costs 8 bytes a
 * customer) and never holds more than its bound, whatever the rate.
 */
#ifndef LOADGEN_LINE_H
#define LOADGEN_LINE_H

#include <stddef.h>
#include <stdint.h>

struct line {
	uint64_t *t;    /* arrival times, a ring */
	size_t cap, head, len;
	size_t max;     /* customers at most: a push beyond is refused */
	int full_rc;    /* what such a push returns: -ENOSPC, or -ENOMEM once growing failed */
};

/* cap slots to begin with, max at most (cap is lowered to max). 0 or -ENOMEM. */
int line_init(struct line *l, size_t cap, size_t max);
void line_destroy(struct line *l);
/* 0, -ENOSPC (max customers wait already) or -ENOMEM; the line is unchanged on error.
 * A growth that found no memory lowers max to what the line has, so that a line under
 * a memory limit costs one failed allocation, not one per arrival. */
int line_push(struct line *l, uint64_t t);
uint64_t line_pop(struct line *l);               /* the oldest; the line must not be empty */
uint64_t line_peek(const struct line *l);        /* the oldest, left in line; not empty */

#endif
