/* line.h: the open-loop customers waiting for a free connection, first come first
 * served. Only their scheduled arrival times are kept: latency runs from them.
 * A ring that doubles when full, so it allocates only when the line reaches a length
 * it never had (lesson 2's long line costs 8 bytes a customer).
 */
#ifndef LOADGEN_LINE_H
#define LOADGEN_LINE_H

#include <stddef.h>
#include <stdint.h>

struct line {
	uint64_t *t;    /* arrival times, a ring */
	size_t cap, head, len;
};

int line_init(struct line *l, size_t cap);       /* 0 or -ENOMEM */
void line_destroy(struct line *l);
int line_push(struct line *l, uint64_t t);       /* 0 or -ENOMEM (the line is unchanged) */
uint64_t line_pop(struct line *l);               /* the oldest; the line must not be empty */

#endif
