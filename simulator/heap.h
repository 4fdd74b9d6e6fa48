/* heap.h: the simulator's event queue, a binary min-heap of timed events.
 *
 * Events are ordered by time, then by the order they were pushed (a sequence number),
 * so two events at the same nanosecond always run in the same order: that tie-break
 * is what makes a simulated run the same bit for bit from one run to the next.
 * Push and pop cost O(log n); the array doubles when full.
 */
#ifndef SIM_HEAP_H
#define SIM_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_event {
	uint64_t at_ns;   /* when it happens, ns after the start */
	uint64_t seq;     /* push order: the tie-break */
	uint32_t kind;    /* what happens (the caller's enum) */
	uint32_t id;      /* on what (a connection, a customer) */
	uint32_t gen;     /* the id's generation when pushed: stale events are skipped */
};

struct heap {
	struct heap_event *ev;
	size_t len, cap;
	uint64_t next_seq;
};

void heap_init(struct heap *h);
void heap_destroy(struct heap *h);

/* 0 or -ENOMEM. */
int heap_push(struct heap *h, uint64_t at_ns, uint32_t kind, uint32_t id, uint32_t gen);

/* The earliest event's time, UINT64_MAX when empty. */
uint64_t heap_peek_ns(const struct heap *h);

/* Remove the earliest event into *out. 0, or -ENOENT when empty. */
int heap_pop(struct heap *h, struct heap_event *out);

#endif
