/* live.c: the model a step at a time (see live.h). The configurations are copies the
 * live model owns, so a change of the order or of keep-alive is a change of a field
 * the restaurants read at their next order; a change of rate moves every schedule
 * from now on, as bin/loadgen's control slot does. */
#include "live.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim_priv.h"

#define LIVE_FOREVER_NS (UINT64_MAX / 4)   /* ticks keep coming: a live run has no end */

struct sim_live {
	unsigned n;
	uint64_t now_ns;
	struct cpu cpu;
	struct sim_config cfg[SIM_SERVER_COUNT];
	struct sim_result res[SIM_SERVER_COUNT];
	struct sim ss[SIM_SERVER_COUNT];
	unsigned opened;
	bool failed;
};

struct sim_live *sim_live_new(const struct sim_config *cfgs, unsigned n, char *err, size_t errlen)
{
	if (n < 1 || n > SIM_SERVER_COUNT) {
		snprintf(err, errlen, "a live model has 1 or 2 restaurants");
		return NULL;
	}
	struct sim_live *l = calloc(1, sizeof *l);
	if (!l) {
		snprintf(err, errlen, "out of memory for the live model");
		return NULL;
	}
	l->n = n;
	for (unsigned i = 0; i < n; i++) {
		l->cfg[i] = cfgs[i];
		l->cfg[i].duration_ns = LIVE_FOREVER_NS;
		if (sim_config_check(&l->cfg[i], err, errlen) < 0)
			goto out_free;
	}
	cpu_init(&l->cpu, l->cfg[0].cores);
	for (; l->opened < n; l->opened++) {
		if (sim_open(&l->ss[l->opened], &l->cfg[l->opened], &l->res[l->opened], &l->cpu, l->opened) < 0) {
			l->opened++;
			snprintf(err, errlen, "out of memory for the live model");
			goto out_free;
		}
	}
	return l;

out_free:
	sim_live_free(l);
	return NULL;
}

void sim_live_free(struct sim_live *l)
{
	if (!l)
		return;
	for (unsigned i = 0; i < l->opened; i++) {
		sim_free_state(&l->ss[i]);
		sim_result_free(&l->res[i]);
	}
	cpu_destroy(&l->cpu);
	free(l);
}

int sim_live_advance(struct sim_live *l, uint64_t t_ns)
{
	if (l->failed)
		return -ENOMEM;
	if (t_ns <= l->now_ns)
		return 0;
	sim_run_events(l->ss, l->n, &l->cpu, t_ns);
	l->now_ns = t_ns;
	for (unsigned i = 0; i < l->n; i++)
		if (l->ss[i].err)
			l->failed = true;
	return l->failed ? -ENOMEM : 0;
}

void sim_live_set_rate(struct sim_live *l, double rate)
{
	for (unsigned i = 0; i < l->n; i++) {
		struct sim *s = &l->ss[i];
		l->cfg[i].rate = rate > 0 ? rate : 0;
		for (uint32_t k = 0; k < s->n_sched; k++)
			schedule_set_rate(&s->sched[k], l->cfg[i].rate, l->now_ns);
	}
}

void sim_live_set_order(struct sim_live *l, uint64_t work_ns, uint64_t cook_ns)
{
	for (unsigned i = 0; i < l->n; i++) {
		l->cfg[i].work_ns = work_ns;
		l->cfg[i].cook_ns = cook_ns;
	}
}

void sim_live_set_keepalive(struct sim_live *l, bool keepalive)
{
	for (unsigned i = 0; i < l->n; i++)
		l->cfg[i].keepalive = keepalive;
}

const struct sim_window *sim_live_second(const struct sim_live *l, unsigned i)
{
	if (i >= l->n || l->res[i].seconds == 0)
		return NULL;
	return &l->res[i].second[l->res[i].seconds - 1];
}

uint64_t sim_live_now_ns(const struct sim_live *l)
{
	return l->now_ns;
}

int64_t sim_live_line_now(const struct sim_live *l, unsigned i)
{
	return i < l->n ? l->ss[i].g[G_LINE] : -1;
}
