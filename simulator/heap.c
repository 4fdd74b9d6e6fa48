/* heap.c: the binary min-heap of events (see heap.h). */
#include "heap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#define HEAP_CAP0 1024

void heap_init(struct heap *h)
{
	h->ev = NULL;
	h->len = h->cap = 0;
	h->next_seq = 0;
}

void heap_destroy(struct heap *h)
{
	free(h->ev);
	heap_init(h);
}

static bool earlier(const struct heap_event *a, const struct heap_event *b)
{
	return a->at_ns < b->at_ns || (a->at_ns == b->at_ns && a->seq < b->seq);
}

int heap_push(struct heap *h, uint64_t at_ns, uint32_t kind, uint32_t id, uint32_t gen)
{
	if (h->len == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : HEAP_CAP0;
		struct heap_event *grown = realloc(h->ev, cap * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		h->ev = grown;
		h->cap = cap;
	}
	struct heap_event e = { .at_ns = at_ns, .seq = h->next_seq++, .kind = kind, .id = id, .gen = gen };
	size_t i = h->len++;
	while (i > 0) {  /* sift up */
		size_t parent = (i - 1) / 2;
		if (!earlier(&e, &h->ev[parent]))
			break;
		h->ev[i] = h->ev[parent];
		i = parent;
	}
	h->ev[i] = e;
	return 0;
}

uint64_t heap_peek_ns(const struct heap *h)
{
	return h->len ? h->ev[0].at_ns : UINT64_MAX;
}

int heap_pop(struct heap *h, struct heap_event *out)
{
	if (!h->len)
		return -ENOENT;
	*out = h->ev[0];
	struct heap_event last = h->ev[--h->len];
	size_t i = 0, n = h->len;
	for (;;) {  /* sift the last element down from the root */
		size_t child = 2 * i + 1;
		if (child >= n)
			break;
		if (child + 1 < n && earlier(&h->ev[child + 1], &h->ev[child]))
			child++;
		if (!earlier(&h->ev[child], &last))
			break;
		h->ev[i] = h->ev[child];
		i = child;
	}
	if (n)
		h->ev[i] = last;
	return 0;
}
