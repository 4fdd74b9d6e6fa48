/* cpu.c: processor sharing over the cores by virtual time (see cpu.h). */
#include "cpu.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define CPU_CAP0 64

void cpu_init(struct cpu *c, double cores)
{
	c->cores = cores > 0 ? cores : 1;
	c->v = 0;
	c->last_ns = 0;
	c->seq = 0;
	c->b = NULL;
	c->n = c->cap = 0;
	for (int k = 0; k < CPU_CLASSES; k++) {
		c->n_cls[k] = 0;
		c->busy_core_ns[k] = 0;
	}
}

void cpu_destroy(struct cpu *c)
{
	free(c->b);
	c->b = NULL;
	c->n = c->cap = 0;
}

/* Share of a core each runnable burst gets. */
static double rate(const struct cpu *c)
{
	return c->n <= c->cores ? 1.0 : c->cores / (double)c->n;
}

void cpu_advance(struct cpu *c, uint64_t now_ns)
{
	if (now_ns <= c->last_ns)
		return;
	double dt = (double)(now_ns - c->last_ns);
	if (c->n) {
		double r = rate(c);
		c->v += r * dt;
		for (int k = 0; k < CPU_CLASSES; k++)
			c->busy_core_ns[k] += (double)c->n_cls[k] * r * dt;
	}
	c->last_ns = now_ns;
}

static bool before(const struct cpu_burst *a, const struct cpu_burst *b)
{
	return a->finish_v < b->finish_v || (a->finish_v == b->finish_v && a->seq < b->seq);
}

int cpu_add(struct cpu *c, uint64_t now_ns, uint64_t work_ns, uint64_t tag, unsigned cls)
{
	if (cls >= CPU_CLASSES)
		return -EINVAL;
	cpu_advance(c, now_ns);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : CPU_CAP0;
		struct cpu_burst *grown = realloc(c->b, cap * sizeof *grown);
		if (!grown)
			return -ENOMEM;
		c->b = grown;
		c->cap = cap;
	}
	struct cpu_burst nb = { .finish_v = c->v + (double)work_ns, .seq = c->seq++, .tag = tag, .cls = cls };
	size_t i = c->n++;
	c->n_cls[cls]++;
	while (i > 0 && before(&nb, &c->b[(i - 1) / 2])) {
		c->b[i] = c->b[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	c->b[i] = nb;
	return 0;
}

uint64_t cpu_next_ns(const struct cpu *c)
{
	if (!c->n)
		return UINT64_MAX;
	double left = c->b[0].finish_v - c->v;
	if (left <= 0)
		return c->last_ns;
	return c->last_ns + (uint64_t)ceil(left / rate(c));
}

int cpu_pop_done(struct cpu *c, uint64_t now_ns, uint64_t *tag, unsigned *cls)
{
	cpu_advance(c, now_ns);
	/* half a nanosecond of slack for the rounding of cpu_next_ns */
	if (!c->n || c->b[0].finish_v > c->v + 0.5 * rate(c))
		return -ENOENT;
	*tag = c->b[0].tag;
	*cls = c->b[0].cls;
	c->n_cls[c->b[0].cls]--;
	struct cpu_burst last = c->b[--c->n];
	size_t i = 0;
	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= c->n)
			break;
		if (k + 1 < c->n && before(&c->b[k + 1], &c->b[k]))
			k++;
		if (!before(&c->b[k], &last))
			break;
		c->b[i] = c->b[k];
		i = k;
	}
	if (c->n)
		c->b[i] = last;
	return 0;
}
