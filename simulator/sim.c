/* sim.c: the clock of the model: the event loop, the gauges, the figures per second
 * and over the run (see sim.h). The customers are sim_client.c, the restaurants
 * sim_server.c.
 *
 * Three sources of events, earliest first: the arrival schedule (open loop), the
 * event heap (ticks, kitchen timers, retries, think times, idle timeouts) and the
 * cores (the next CPU burst to finish). Ties go to the cores, then the heap, then the
 * schedule, always in that order. Every gauge is integrated over time between events,
 * so the means are exact time averages, not samples.
 */
#include "sim_priv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_CAP0 64

const char *sim_server_name(enum sim_server s)
{
	return s == SIM_BLOCKING ? "blocking" : "evented";
}

void fifo_init(struct fifo *q)
{
	q->head = q->tail = NIL;
	q->len = 0;
}

void fifo_push(struct sim *s, struct fifo *q, uint32_t id)
{
	s->conns[id].next = NIL;
	if (q->tail != NIL)
		s->conns[q->tail].next = id;
	else
		q->head = id;
	q->tail = id;
	q->len++;
}

uint32_t fifo_pop(struct sim *s, struct fifo *q)
{
	uint32_t id = q->head;
	q->head = s->conns[id].next;
	if (q->head == NIL)
		q->tail = NIL;
	q->len--;
	return id;
}

void sim_push(struct sim *s, uint64_t at_ns, enum ev_kind kind, uint32_t id, uint32_t gen)
{
	if (heap_push(&s->events, at_ns, kind, id, gen) < 0)
		s->err = -ENOMEM;
}

/* A service time of the given mean: exactly it, or exponential (-ln(1-U) mean). */
uint64_t sim_draw(struct sim *s, uint64_t mean_ns, enum sim_dist dist)
{
	if (dist == SIM_DIST_FIXED || mean_ns == 0)
		return mean_ns;
	return (uint64_t)llround(-log1p(-prng_unit(&s->rng)) * (double)mean_ns);
}

void sim_gauge_add(struct sim *s, enum gauge g, int64_t delta)
{
	s->g[g] += delta;
	if (s->g[g] > s->max_sec[g])
		s->max_sec[g] = s->g[g];
	if (s->g[g] > s->max_run[g])
		s->max_run[g] = s->g[g];
}

/* Integrate the gauges from the last event to now. */
static void gauges_advance(struct sim *s, uint64_t now_ns)
{
	if (now_ns > s->gauge_ns) {
		uint64_t dt = now_ns - s->gauge_ns;
		for (int g = 0; g < G_COUNT; g++) {
			double a = (double)s->g[g] * (double)dt;
			s->area_run[g] += a;
			s->area_sec[g] += a;
		}
		s->in_server_area_ns += (uint64_t)s->g[G_IN_SERVER] * dt;
		s->gauge_ns = now_ns;
	}
	s->now_ns = now_ns;
}

void sim_order_left(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	uint64_t w = s->now_ns - c->in_ns;
	c->inside = false;
	sim_gauge_add(s, G_IN_SERVER, -1);
	s->res->sojourn_sum_ns += w;
	s->sec_sojourn_ns += (double)w;
	s->run_sojourn_ns += (double)w;
	s->sec_left++;
	s->run_left++;
}

void sim_answered(struct sim *s, uint32_t id, bool ok)
{
	uint64_t lat_ns = s->now_ns - s->conns[id].start_ns;
	if (!ok) {
		s->sec.shed++;
		return;
	}
	if (s->cfg->timeout_ns && lat_ns > s->cfg->timeout_ns) {
		s->sec.timeouts++;
		return;
	}
	s->sec.served++;
	uint64_t us = (lat_ns + 500) / 1000;
	hist_record(&s->res->latency, us);
	hist_record(&s->res->uncorrected, (s->now_ns - s->conns[id].in_ns + 500) / 1000);
	hist_record(s->sec_latency, us);
}

void sim_loop_waited(struct sim *s, uint64_t wait_ns)
{
	uint64_t us = (wait_ns + 500) / 1000;
	hist_record(&s->res->loop_wait, us);
	hist_record(s->sec_loop_wait, us);
}

/* The figures of a window from its counts, areas and histograms. */
static void window_close(struct sim *s, struct sim_window *w, const double *area, const int64_t *max,
			 const struct hist *lat, const struct hist *lag, double sojourn_ns, uint64_t left,
			 double cpu_ns, double length_ns)
{
	double T = length_ns > 0 ? length_ns : 1;
	w->length_s = length_ns / 1e9;
	w->in_server_mean = area[G_IN_SERVER] / T;
	w->line_mean = area[G_LINE] / T;
	w->kitchen_mean = area[G_KITCHEN] / T;
	w->cashiers_busy_mean = area[G_BUSY] / T;
	w->door_mean = area[G_DOOR] / T;
	w->outside_mean = area[G_OUTSIDE] / T;
	w->cpu_cores_mean = cpu_ns / T;
	w->in_server_w_s = left ? sojourn_ns / (double)left / 1e9 : 0;
	w->line_max = max[G_LINE];
	w->door_max = max[G_DOOR];
	w->outside_max = max[G_OUTSIDE];
	w->threads_max = max[G_THREADS];
	w->conns_max = max[G_CONNS];
	w->in_line_end = s->g[G_LINE];
	uint32_t servers = s->cfg->server == SIM_BLOCKING ? s->cfg->threads : s->cfg->loops;
	w->busy_pct = servers ? 100.0 * w->cashiers_busy_mean / servers : 0;
	w->latency_count = lat->count;
	w->min_ms = hist_min(lat) / 1e3;
	w->mean_ms = hist_mean(lat) / 1e3;
	w->p50_ms = hist_percentile(lat, 50) / 1e3;
	w->p90_ms = hist_percentile(lat, 90) / 1e3;
	w->p99_ms = hist_percentile(lat, 99) / 1e3;
	w->p999_ms = hist_percentile(lat, 99.9) / 1e3;
	w->max_ms = lat->count ? lat->max_us / 1e3 : 0;
	w->loop_lag_p99_ms = hist_percentile(lag, 99) / 1e3;
}

/* A second ends: keep its figures, add its counts to the run's, start the next. */
static void tick(struct sim *s, uint64_t end_ns)
{
	struct sim_result *r = s->res;
	struct sim_window *w = &s->sec;
	cpu_advance(s->cpu, end_ns);
	window_close(s, w, s->area_sec, s->max_sec, s->sec_latency, s->sec_loop_wait, s->sec_sojourn_ns,
		     s->sec_left, s->cpu->busy_core_ns[s->cls] - s->sec_cpu_ns0, (double)end_ns - w->start_s * 1e9);
	if (r->seconds == s->cap_seconds) {
		uint32_t cap = s->cap_seconds ? s->cap_seconds * 2 : SECONDS_CAP0;
		struct sim_window *grown = realloc(r->second, cap * sizeof *grown);
		if (!grown) {
			s->err = -ENOMEM;
			return;
		}
		r->second = grown;
		s->cap_seconds = cap;
	}
	r->second[r->seconds++] = *w;
	r->run.offered += w->offered;
	r->run.arrived += w->arrived;
	r->run.served += w->served;
	r->run.shed += w->shed;
	r->run.timeouts += w->timeouts;
	r->run.door_drops += w->door_drops;

	memset(w, 0, sizeof *w);
	w->start_s = end_ns / 1e9;
	memset(s->area_sec, 0, sizeof s->area_sec);
	for (int g = 0; g < G_COUNT; g++)
		s->max_sec[g] = s->g[g];
	hist_init(s->sec_latency);
	hist_init(s->sec_loop_wait);
	s->sec_sojourn_ns = 0;
	s->sec_left = 0;
	s->sec_cpu_ns0 = s->cpu->busy_core_ns[s->cls];
}

static void handle_event(struct sim *s, const struct heap_event *e)
{
	const struct sim_config *cfg = s->cfg;
	if (e->kind == EV_TICK) {
		tick(s, e->at_ns);
		if (e->at_ns + 1000000000ULL < cfg->duration_ns)
			sim_push(s, e->at_ns + 1000000000ULL, EV_TICK, 0, 0);
		return;
	}
	if (e->kind == EV_RATE) {
		for (uint32_t i = 0; i < s->n_sched; i++)
			schedule_set_rate(&s->sched[i], cfg->rate_changes[e->id].rate, e->at_ns);
		return;
	}
	if (e->id >= s->n_conns || s->conns[e->id].gen != e->gen)
		return;  /* about a connection since closed or reused */
	switch (e->kind) {
	case EV_RETRY:
		client_retry(s, e->id);
		break;
	case EV_COOK_DONE:
		server_cook_done(s, e->id);
		break;
	case EV_THINK_DONE:
		client_think_done(s, e->id);
		break;
	case EV_IDLE:
		server_idle(s, e->id);
		break;
	}
}

/* The schedule of the next arrival among loadgen's per-thread schedules. */
static int next_schedule(const struct sim *s, uint64_t *at_ns)
{
	int best = -1;
	*at_ns = UINT64_MAX;
	for (uint32_t i = 0; i < s->n_sched; i++) {
		uint64_t t = schedule_peek(&s->sched[i]);
		if (t < *at_ns) {
			*at_ns = t;
			best = (int)i;
		}
	}
	return best;
}

/* The next event of one restaurant's own sources (its heap, its schedule). */
static uint64_t own_next_ns(const struct sim *s, int *sched)
{
	uint64_t t_arr, t_heap = heap_peek_ns(&s->events);
	*sched = next_schedule(s, &t_arr);
	if (t_arr < t_heap)
		return t_arr;
	*sched = -1;
	return t_heap;
}

/* One event of restaurant s at t: the heap's first, else the next arrival. */
static void own_step(struct sim *s, uint64_t t, int sched)
{
	s->res->events++;
	if (sched < 0) {
		struct heap_event e;
		heap_pop(&s->events, &e);
		handle_event(s, &e);
	} else {
		client_arrival(s, schedule_next(&s->sched[sched]));
	}
	(void)t;
}

/* The main loop over n restaurants sharing one set of cores: the earliest of the
 * cores' next burst and each restaurant's own next event, until the duration. Ties:
 * the cores, then the restaurants in order. */
void sim_run_events(struct sim *ss, unsigned n, struct cpu *cpu, uint64_t end)
{
	for (;;) {
		bool failed = false;
		for (unsigned i = 0; i < n; i++)
			failed |= ss[i].err != 0;
		if (failed)
			break;
		uint64_t t = cpu_next_ns(cpu), t_own[SIM_SERVER_COUNT];
		int sched[SIM_SERVER_COUNT], who = -1;
		for (unsigned i = 0; i < n; i++) {
			t_own[i] = own_next_ns(&ss[i], &sched[i]);
			if (t_own[i] < t) {
				t = t_own[i];
				who = (int)i;
			}
		}
		if (t >= end)
			break;
		for (unsigned i = 0; i < n; i++)
			gauges_advance(&ss[i], t);
		uint64_t tag;
		unsigned cls;
		if (who < 0) {
			if (cpu_pop_done(cpu, t, &tag, &cls) == 0) {
				ss[cls].res->events++;
				server_cpu_done(&ss[cls], tag);
			}
		} else {
			own_step(&ss[who], t, sched[who]);
		}
	}
	for (unsigned i = 0; i < n; i++)
		gauges_advance(&ss[i], end);
}

void sim_free_state(struct sim *s)
{
	server_stop(s);
	heap_destroy(&s->events);
	free(s->conns);
	free(s->pool);
	free(s->outside);
	free(s->sec_latency);
	free(s->sec_loop_wait);
}

/* Orders still inside at the end count their time up to the end, so that the area
 * under the number inside equals the sum of the times inside, to the nanosecond. */
static void finish(struct sim *s)
{
	struct sim_result *r = s->res;
	for (uint32_t i = 0; i < s->n_conns; i++) {
		if (s->conns[i].in_use && s->conns[i].inside) {
			r->sojourn_sum_ns += s->cfg->duration_ns - s->conns[i].in_ns;
			r->still_inside++;
		}
	}
	r->area_ns = s->in_server_area_ns;
	if (s->sec.start_s * 1e9 < (double)s->cfg->duration_ns)
		tick(s, s->cfg->duration_ns);  /* the last, partial second */
	window_close(s, &r->run, s->area_run, s->max_run, &r->latency, &r->loop_wait, s->run_sojourn_ns,
		     s->run_left, s->cpu->busy_core_ns[s->cls], (double)s->cfg->duration_ns);
	r->run.start_s = 0;
}

/* One restaurant's state, up to its first events. 0 or -ENOMEM. */
int sim_open(struct sim *s, const struct sim_config *cfg, struct sim_result *out, struct cpu *cpu, unsigned cls)
{
	memset(out, 0, sizeof *out);
	hist_init(&out->latency);
	hist_init(&out->loop_wait);
	hist_init(&out->uncorrected);
	*s = (struct sim){ .cfg = cfg, .res = out, .free_conn = NIL, .cpu = cpu, .cls = cls };
	heap_init(&s->events);
	prng_seed(&s->rng, cfg->seed ^ 0x5be0cd19137e2179ULL);  /* apart from the arrivals' streams */
	s->sec_latency = malloc(sizeof *s->sec_latency);
	s->sec_loop_wait = malloc(sizeof *s->sec_loop_wait);
	if (!s->sec_latency || !s->sec_loop_wait)
		return -ENOMEM;
	hist_init(s->sec_latency);
	hist_init(s->sec_loop_wait);
	int rc = server_start(s);
	if (rc < 0)
		return rc;
	if (cfg->duration_ns > 1000000000ULL)
		sim_push(s, 1000000000ULL, EV_TICK, 0, 0);
	for (uint32_t i = 0; i < cfg->n_rate_changes; i++)
		sim_push(s, cfg->rate_changes[i].at_ns, EV_RATE, i, 0);
	rc = client_start(s);
	return rc < 0 ? rc : s->err;
}

int sim_run_shared(const struct sim_config *cfgs, struct sim_result *outs, unsigned n, char *err, size_t errlen)
{
	struct sim ss[SIM_SERVER_COUNT];
	struct cpu cpu;
	int rc = 0;
	unsigned opened = 0;
	if (n < 1 || n > SIM_SERVER_COUNT)
		return -EINVAL;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		rc = sim_config_check(&cfgs[i], err, errlen);
		if (rc == 0 && cfgs[i].duration_ns != cfgs[0].duration_ns) {
			snprintf(err, errlen, "restaurants sharing the cores must run for the same time");
			rc = -EINVAL;
		}
	}
	if (rc < 0)
		return rc;
	cpu_init(&cpu, cfgs[0].cores);
	for (; opened < n && rc == 0; opened++)
		rc = sim_open(&ss[opened], &cfgs[opened], &outs[opened], &cpu, opened);
	if (rc == 0)
		sim_run_events(ss, n, &cpu, cfgs[0].duration_ns);
	for (unsigned i = 0; i < n && rc == 0; i++)
		rc = ss[i].err;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		finish(&ss[i]);
		rc = ss[i].err;
	}
	for (unsigned i = 0; i < opened; i++)
		sim_free_state(&ss[i]);
	cpu_destroy(&cpu);
	if (rc < 0) {
		if (err && errlen && rc == -E2BIG)
			snprintf(err, errlen, "more than %u customers waiting outside for a connection: "
				 "shorten --duration or raise max_conns", SIM_OUTSIDE_MAX);
		else if (err && errlen)
			snprintf(err, errlen, "out of memory for the model");
		for (unsigned i = 0; i < n; i++)
			sim_result_free(&outs[i]);
	}
	return rc;
}

int sim_run(const struct sim_config *cfg, struct sim_result *out, char *err, size_t errlen)
{
	return sim_run_shared(cfg, out, 1, err, errlen);
}

void sim_result_free(struct sim_result *r)
{
	if (!r)
		return;
	free(r->second);
	r->second = NULL;
	r->seconds = 0;
}

int sim_config_check(const struct sim_config *cfg, char *err, size_t errlen)
{
	const char *why = NULL;
	if (!(cfg->rate >= 0 && cfg->rate <= SIM_RATE_MAX))
		why = "rate must be between 0 and 10000000 per second";
	else if (cfg->rate == 0 && cfg->connections == 0)
		why = "rate is 0 and connections is 0: no load";
	else if (cfg->connections > SIM_CONNECTIONS_MAX)
		why = "connections: at most 10000000";
	else if (cfg->server == SIM_EVENTED && cfg->loops == 0)
		why = "loops must be at least 1";
	else if (cfg->server == SIM_BLOCKING && cfg->threads == 0 && cfg->hold_connection)
		why = "hold_connection needs a crew (threads > 0)";
	else if (!(cfg->cores > 0))
		why = "cores must be more than 0";
	else if (cfg->duration_ns == 0)
		why = "duration must be more than 0";
	else if (cfg->n_rate_changes > SIM_RATE_CHANGES_MAX)
		why = "too many rate changes";
	for (uint32_t i = 0; !why && i < cfg->n_rate_changes; i++)
		if (!(cfg->rate_changes[i].rate >= 0 && cfg->rate_changes[i].rate <= SIM_RATE_MAX))
			why = "a rate change's rate must be between 0 and 10000000 per second";
	if (!why)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}
