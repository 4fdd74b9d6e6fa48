/* sim_server.c: the two restaurants of the model (see sim.h).
 *
 * Blocking: the acceptor takes every connection from the door at once (it never does
 * anything else); an order joins the FIFO line; a free cashier takes it, runs its CPU
 * part (work_us plus the server's own overhead) on the shared cores, sleeps on the
 * kitchen, answers, and takes the next. --threads 0: a thread per connection, no line.
 * --hold-connection: a cashier keeps its keep-alive customer until the connection ends.
 * Evented: each loop is one thread with a FIFO of jobs (accept, read, a helper's job
 * back, respond); a job's CPU runs to completion and everything behind it waits, which
 * is the loop's lag. The kitchen is a timer: the loop serves others meanwhile. With
 * helpers, work_us runs on a pool of helper threads instead of the loop.
 */
#include "sim_priv.h"

#include <errno.h>
#include <stdlib.h>

static bool blocking(const struct sim *s)
{
	return s->cfg->server == SIM_BLOCKING;
}

int server_start(struct sim *s)
{
	const struct sim_config *cfg = s->cfg;
	fifo_init(&s->line);
	fifo_init(&s->helper_q);
	fifo_init(&s->kitchen_q);
	if (blocking(s)) {
		s->free_cashiers = malloc(((size_t)cfg->threads + 1) * sizeof *s->free_cashiers);
		if (!s->free_cashiers)
			return -ENOMEM;
		for (uint32_t i = 0; i < cfg->threads; i++)  /* cashier 0 on top */
			s->free_cashiers[i] = cfg->threads - 1 - i;
		s->n_free_cashiers = cfg->threads;
		sim_gauge_add(s, G_THREADS, cfg->threads);
		return 0;
	}
	s->loops = calloc(cfg->loops, sizeof *s->loops);
	if (!s->loops)
		return -ENOMEM;
	for (uint32_t i = 0; i < cfg->loops; i++) {
		fifo_init(&s->loops[i].jobs);
		fifo_init(&s->loops[i].urgent);
		s->loops[i].running = NIL;
	}
	s->helpers_free = cfg->helpers;
	sim_gauge_add(s, G_THREADS, cfg->loops + cfg->helpers);
	return 0;
}

void server_stop(struct sim *s)
{
	free(s->free_cashiers);
	free(s->loops);
	s->free_cashiers = NULL;
	s->loops = NULL;
}

static void cpu_run(struct sim *s, uint64_t work_ns, uint64_t tag)
{
	if (cpu_add(s->cpu, s->now_ns, work_ns, tag, s->cls) < 0)
		s->err = -ENOMEM;
}

/* ---- the kitchen: unlimited, or N stoves and a FIFO for the rest ---- */

static void cook_start(struct sim *s, uint32_t id)
{
	if (s->cfg->stoves)
		s->stoves_busy++;
	sim_push(s, s->now_ns + sim_draw(s, s->cfg->cook_ns, s->cfg->cook_dist), EV_COOK_DONE, id, s->conns[id].gen);
}

static void after_kitchen(struct sim *s, uint32_t id);

/* No wait asked (cook_ms = 0): the answer goes at once, no stove, no timer. */
static void kitchen_enter(struct sim *s, uint32_t id)
{
	if (s->cfg->cook_ns == 0) {
		after_kitchen(s, id);
		return;
	}
	sim_gauge_add(s, G_KITCHEN, 1);
	if (!s->cfg->stoves || s->stoves_busy < s->cfg->stoves)
		cook_start(s, id);
	else
		fifo_push(s, &s->kitchen_q, id);
}

/* ---- the event loops ---- */

static void loop_enqueue(struct sim *s, uint32_t id, enum loop_job job)
{
	struct sconn *c = &s->conns[id];
	c->job = (uint8_t)job;
	c->queued_ns = s->now_ns;
	if (job == JOB_READ)
		sim_gauge_add(s, G_LINE, 1);
	struct sim_loop *L = &s->loops[c->loop];
	fifo_push(s, job == JOB_ACCEPT || job == JOB_READ ? &L->jobs : &L->urgent, id);
}

static uint64_t job_cost_ns(struct sim *s, const struct sconn *c)
{
	const struct sim_config *cfg = s->cfg;
	switch (c->job) {
	case JOB_ACCEPT:
		return cfg->overhead_conn_ns;
	case JOB_READ:
		return cfg->overhead_order_ns / 2 + (cfg->helpers ? 0 : sim_draw(s, cfg->work_ns, cfg->work_dist));
	case JOB_RESPOND:
		return cfg->overhead_order_ns - cfg->overhead_order_ns / 2;
	default:
		return 0;
	}
}

static void helper_kick(struct sim *s)
{
	while (s->helpers_free && s->helper_q.len) {
		uint32_t id = fifo_pop(s, &s->helper_q);
		s->helpers_free--;
		cpu_run(s, sim_draw(s, s->cfg->work_ns, s->cfg->work_dist), TAG_HELPER | id);
	}
}

static void respond(struct sim *s, uint32_t id);

/* A job of loop l is done (its CPU spent): what it leads to. */
static void loop_job_done(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	switch (c->job) {
	case JOB_ACCEPT:
		c->accepted = true;
		sim_gauge_add(s, G_CONNS, 1);
		if (c->ordering)
			server_request(s, id);
		break;
	case JOB_READ:
		if (s->cfg->helpers && s->cfg->work_ns) {
			fifo_push(s, &s->helper_q, id);
			helper_kick(s);
		} else {
			kitchen_enter(s, id);
		}
		break;
	case JOB_BACK:
		kitchen_enter(s, id);
		break;
	case JOB_RESPOND:
		respond(s, id);
		break;
	}
}

/* Run loop l's next jobs until one needs the CPU (or none is left): orders in hand
 * first, then new customers. Jobs that cost nothing are done at once, in order, as a
 * loop iteration would. */
static void loop_kick(struct sim *s, uint32_t l)
{
	struct sim_loop *L = &s->loops[l];
	while (L->running == NIL && (L->urgent.len || L->jobs.len)) {
		uint32_t id = fifo_pop(s, L->urgent.len ? &L->urgent : &L->jobs);
		struct sconn *c = &s->conns[id];
		sim_loop_waited(s, s->now_ns - c->queued_ns);
		if (c->job == JOB_ACCEPT) {
			L->door--;
			sim_gauge_add(s, G_DOOR, -1);
		} else if (c->job == JOB_READ) {
			sim_gauge_add(s, G_LINE, -1);
		}
		uint64_t cost = job_cost_ns(s, c);
		if (cost) {
			L->running = id;
			sim_gauge_add(s, G_BUSY, 1);
			cpu_run(s, cost, TAG_LOOP | l);
			return;
		}
		loop_job_done(s, id);
	}
}

/* ---- the blocking crew ---- */

static void start_order(struct sim *s, uint32_t id, int32_t cashier)
{
	struct sconn *c = &s->conns[id];
	const struct sim_config *cfg = s->cfg;
	c->cashier = cashier;
	if (cfg->hold_connection && cashier >= 0)
		c->holder = cashier;
	sim_gauge_add(s, G_BUSY, 1);
	uint64_t cost = sim_draw(s, cfg->work_ns, cfg->work_dist) + cfg->overhead_order_ns +
			(c->fresh ? cfg->overhead_conn_ns : 0);
	c->fresh = false;
	if (cost)
		cpu_run(s, cost, TAG_THREAD | id);
	else
		kitchen_enter(s, id);
}

static void dispatch(struct sim *s)
{
	while (s->n_free_cashiers && s->line.len) {
		uint32_t id = fifo_pop(s, &s->line);
		sim_gauge_add(s, G_LINE, -1);
		start_order(s, id, (int32_t)s->free_cashiers[--s->n_free_cashiers]);
	}
}

static void cashier_free(struct sim *s, int32_t cashier)
{
	if (cashier >= 0)
		s->free_cashiers[s->n_free_cashiers++] = (uint32_t)cashier;
}

/* ---- the door and the orders ---- */

bool server_door_full(struct sim *s, uint32_t id)
{
	/* the blocking acceptor drains the door as fast as it fills */
	return !blocking(s) && s->loops[s->conns[id].loop].door >= s->cfg->backlog;
}

void server_connect(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	if (blocking(s)) {
		c->accepted = true;
		sim_gauge_add(s, G_CONNS, 1);
		if (s->cfg->threads == 0)
			sim_gauge_add(s, G_THREADS, 1);
		if (c->ordering)
			server_request(s, id);
		return;
	}
	s->loops[c->loop].door++;
	sim_gauge_add(s, G_DOOR, 1);
	loop_enqueue(s, id, JOB_ACCEPT);
	loop_kick(s, c->loop);
}

void server_request(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	const struct sim_config *cfg = s->cfg;
	s->sec.arrived++;
	c->inside = true;
	c->in_ns = s->now_ns;
	sim_gauge_add(s, G_IN_SERVER, 1);
	if (!blocking(s)) {
		loop_enqueue(s, id, JOB_READ);
		loop_kick(s, c->loop);
	} else if (cfg->threads == 0) {
		start_order(s, id, -1);
	} else if (c->holder >= 0) {
		start_order(s, id, c->holder);
	} else if (cfg->max_line && s->line.len >= cfg->max_line) {
		sim_order_left(s, id);  /* a 503 at once, and the connection closed */
		sim_answered(s, id, false);
		server_conn_closed(s, id);
		client_answered(s, id, true);
	} else {
		fifo_push(s, &s->line, id);
		sim_gauge_add(s, G_LINE, 1);
		dispatch(s);
	}
}

/* The answer leaves: the figures, the cashier, then the connection. */
static void respond(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	const struct sim_config *cfg = s->cfg;
	sim_order_left(s, id);
	sim_answered(s, id, true);
	if (blocking(s)) {
		sim_gauge_add(s, G_BUSY, -1);
		if (!(cfg->hold_connection && cfg->keepalive)) {
			cashier_free(s, c->cashier);
			c->holder = -1;
		}
		c->cashier = -1;
	}
	bool close = !cfg->keepalive;
	if (close) {
		server_conn_closed(s, id);
	} else {
		c->idle_from_ns = s->now_ns;
		if (cfg->idle_ns)
			sim_push(s, s->now_ns + cfg->idle_ns, EV_IDLE, id, c->gen);
	}
	client_answered(s, id, close);
	if (blocking(s))
		dispatch(s);
}

void server_cpu_done(struct sim *s, uint64_t tag)
{
	uint32_t idx = (uint32_t)tag;
	switch (tag & ~(uint64_t)UINT32_MAX) {
	case TAG_THREAD:
		kitchen_enter(s, idx);
		break;
	case TAG_LOOP: {
		uint32_t id = s->loops[idx].running;
		s->loops[idx].running = NIL;
		sim_gauge_add(s, G_BUSY, -1);
		loop_job_done(s, id);
		loop_kick(s, idx);
		break;
	}
	case TAG_HELPER:
		s->helpers_free++;
		loop_enqueue(s, idx, JOB_BACK);
		helper_kick(s);
		loop_kick(s, s->conns[idx].loop);
		break;
	}
}

void server_cook_done(struct sim *s, uint32_t id)
{
	sim_gauge_add(s, G_KITCHEN, -1);
	if (s->cfg->stoves) {
		s->stoves_busy--;
		if (s->kitchen_q.len)
			cook_start(s, fifo_pop(s, &s->kitchen_q));
	}
	after_kitchen(s, id);
}

/* The order is cooked: the cashier answers, or the loop is asked to. */
static void after_kitchen(struct sim *s, uint32_t id)
{
	if (blocking(s)) {
		respond(s, id);
		return;
	}
	loop_enqueue(s, id, JOB_RESPOND);
	loop_kick(s, s->conns[id].loop);
}

/* EV_IDLE: still idle since then? The server closes it. */
void server_idle(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	if (!c->in_use || c->ordering || !c->accepted || s->now_ns - c->idle_from_ns < s->cfg->idle_ns)
		return;
	server_conn_closed(s, id);
	client_idle_closed(s, id);
	if (blocking(s))
		dispatch(s);
}

/* The server's side of a connection ends: its thread, its held cashier. */
void server_conn_closed(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	sim_gauge_add(s, G_CONNS, -1);
	if (!blocking(s))
		return;
	if (s->cfg->threads == 0)
		sim_gauge_add(s, G_THREADS, -1);
	if (c->holder >= 0) {
		cashier_free(s, c->holder);
		c->holder = -1;
	}
}
