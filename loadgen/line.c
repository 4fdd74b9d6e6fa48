/* line.c: the waiting line of the open loop (see line.h). */
#include "line.h"

#include <errno.h>
#include <stdlib.h>

int line_init(struct line *l, size_t cap, size_t max)
{
	l->head = l->len = 0;
	l->max = max ? max : 1;
	l->full_rc = -ENOSPC;
	l->cap = cap ? cap : 1;
	if (l->cap > l->max)
		l->cap = l->max;
	l->t = malloc(l->cap * sizeof *l->t);
	return l->t ? 0 : -ENOMEM;
}

void line_destroy(struct line *l)
{
	free(l->t);
	l->t = NULL;
	l->cap = l->head = l->len = 0;
}

/* Doubling (up to max) unrolls the ring into the new array, oldest first. */
int line_push(struct line *l, uint64_t t)
{
	if (l->len >= l->max)
		return l->full_rc;
	if (l->len == l->cap) {
		size_t cap = l->cap * 2 < l->max ? l->cap * 2 : l->max;
		uint64_t *grown = malloc(cap * sizeof *grown);
		if (!grown) {
			l->max = l->cap;
			l->full_rc = -ENOMEM;
			return -ENOMEM;
		}
		for (size_t i = 0; i < l->len; i++)
			grown[i] = l->t[(l->head + i) % l->cap];
		free(l->t);
		l->t = grown;
		l->cap = cap;
		l->head = 0;
	}
	l->t[(l->head + l->len) % l->cap] = t;
	l->len++;
	return 0;
}

uint64_t line_pop(struct line *l)
{
	uint64_t t = l->t[l->head];
	l->head = (l->head + 1) % l->cap;
	l->len--;
	return t;
}

uint64_t line_peek(const struct line *l)
{
	return l->t[l->head];
}
