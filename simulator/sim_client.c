/* sim_client.c: the customers of the model, as bin/loadgen makes them (see sim.h).
 *
 * Open loop: arrivals come from loadgen's own schedule; an arrival takes an idle
 * keep-alive connection (the most recent, a stack, as loadgen does), else opens one
 * while under max_conns, else waits outside for the first one freed. Closed loop: each
 * of N customers orders, waits for the answer, thinks, orders again; its record stays
 * its own across reconnects. A connection attempt the server's full door refuses is
 * retried by TCP after 1 s, then 2 s, 4 s, ...
 */
#include "sim_priv.h"

#include <errno.h>
#include <stdlib.h>

#define CONNS_CAP0 1024
#define RETRY_SHIFT_MAX 6

static uint32_t conn_new(struct sim *s)
{
	uint32_t id = s->free_conn;
	if (id != NIL) {
		s->free_conn = s->conns[id].next;
	} else {
		if (s->n_conns == s->cap_conns) {
			uint32_t cap = s->cap_conns ? s->cap_conns * 2 : CONNS_CAP0;
			struct sconn *grown = realloc(s->conns, (size_t)cap * sizeof *grown);
			if (!grown) {
				s->err = -ENOMEM;
				return NIL;
			}
			s->conns = grown;
			s->cap_conns = cap;
		}
		id = s->n_conns++;
		s->conns[id].gen = 0;
	}
	struct sconn *c = &s->conns[id];
	uint32_t gen = c->gen + 1;
	*c = (struct sconn){ .gen = gen, .next = NIL, .holder = -1, .cashier = -1, .pool_pos = NIL,
			     .in_use = true, .fresh = true };
	c->loop = s->conn_serial++ % (s->cfg->loops ? s->cfg->loops : 1);
	return id;
}

static void conn_free(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	c->in_use = false;
	c->gen++;
	c->next = s->free_conn;
	s->free_conn = id;
}

/* Knock on the door: through it, or dropped and retried later. */
static void knock(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	if (!server_door_full(s, id)) {
		server_connect(s, id);
		return;
	}
	s->sec.door_drops++;
	unsigned shift = c->tries < RETRY_SHIFT_MAX ? c->tries : RETRY_SHIFT_MAX;
	c->tries++;
	sim_push(s, s->now_ns + (SYN_RETRY_NS << shift), EV_RETRY, id, c->gen);
}

/* The order of the customer whose record is id, started at start_ns. */
static void send_order(struct sim *s, uint32_t id, uint64_t start_ns)
{
	struct sconn *c = &s->conns[id];
	c->ordering = true;
	c->start_ns = start_ns;
	if (c->accepted) {
		server_request(s, id);
		return;
	}
	/* a new connection: a fresh generation, so events of an older one are stale */
	c->gen++;
	c->fresh = true;
	c->tries = 0;
	s->client_conns++;
	knock(s, id);
}

static void outside_push(struct sim *s, uint64_t start_ns)
{
	if (s->out_len >= SIM_OUTSIDE_MAX) {
		s->err = -E2BIG;
		return;
	}
	if (s->out_len == s->out_cap) {
		uint64_t cap = s->out_cap ? s->out_cap * 2 : CONNS_CAP0;
		uint64_t *grown = malloc(cap * sizeof *grown);
		if (!grown) {
			s->err = -ENOMEM;
			return;
		}
		for (uint64_t i = 0; i < s->out_len; i++)
			grown[i] = s->outside[(s->out_head + i) % s->out_cap];
		free(s->outside);
		s->outside = grown;
		s->out_cap = cap;
		s->out_head = 0;
	}
	s->outside[(s->out_head + s->out_len) % s->out_cap] = start_ns;
	s->out_len++;
	sim_gauge_add(s, G_OUTSIDE, 1);
}

static uint64_t outside_pop(struct sim *s)
{
	uint64_t t = s->outside[s->out_head];
	s->out_head = (s->out_head + 1) % s->out_cap;
	s->out_len--;
	sim_gauge_add(s, G_OUTSIDE, -1);
	return t;
}

static bool may_open(const struct sim *s)
{
	return s->cfg->max_conns == 0 || s->client_conns < (int64_t)s->cfg->max_conns;
}

static void pool_remove(struct sim *s, uint32_t id)
{
	uint32_t pos = s->conns[id].pool_pos;
	uint32_t last = s->pool[--s->n_pool];
	s->pool[pos] = last;
	s->conns[last].pool_pos = pos;
	s->conns[id].pool_pos = NIL;
}

static void pool_push(struct sim *s, uint32_t id)
{
	if (s->n_pool == s->cap_pool) {
		uint32_t cap = s->cap_pool ? s->cap_pool * 2 : CONNS_CAP0;
		uint32_t *grown = realloc(s->pool, (size_t)cap * sizeof *grown);
		if (!grown) {
			s->err = -ENOMEM;
			return;
		}
		s->pool = grown;
		s->cap_pool = cap;
	}
	s->conns[id].pool_pos = s->n_pool;
	s->pool[s->n_pool++] = id;
}

int client_start(struct sim *s)
{
	const struct sim_config *cfg = s->cfg;
	if (cfg->rate > 0) {
		s->n_sched = cfg->loadgen_threads ? cfg->loadgen_threads : 1;
		if (s->n_sched > SIM_SCHEDULES_MAX)
			s->n_sched = SIM_SCHEDULES_MAX;
		for (uint32_t i = 0; i < s->n_sched; i++)
			schedule_init(&s->sched[i], cfg->poisson ? ARRIVALS_POISSON : ARRIVALS_EVEN, cfg->rate,
				      s->n_sched, i, cfg->seed);
		return 0;
	}
	for (uint32_t i = 0; i < cfg->connections && !s->err; i++) {
		uint32_t id = conn_new(s);
		if (id != NIL)
			send_order(s, id, 0);
	}
	return s->err;
}

void client_arrival(struct sim *s, uint64_t start_ns)
{
	s->sec.offered++;
	if (s->cfg->keepalive && s->n_pool) {
		uint32_t id = s->pool[s->n_pool - 1];
		pool_remove(s, id);
		send_order(s, id, start_ns);
	} else if (may_open(s)) {
		uint32_t id = conn_new(s);
		if (id != NIL)
			send_order(s, id, start_ns);
	} else {
		outside_push(s, start_ns);
	}
}

void client_retry(struct sim *s, uint32_t id)
{
	knock(s, id);
}

void client_think_done(struct sim *s, uint32_t id)
{
	send_order(s, id, s->now_ns);
}

/* The answer is in. close: the connection ends with it (no keep-alive, or a 503). */
void client_answered(struct sim *s, uint32_t id, bool close)
{
	struct sconn *c = &s->conns[id];
	bool open_loop = s->cfg->rate > 0 || s->n_sched;
	c->ordering = false;
	if (close) {
		c->accepted = false;
		s->client_conns--;
		if (open_loop) {
			conn_free(s, id);
			if (s->out_len && may_open(s)) {
				uint32_t nid = conn_new(s);
				if (nid != NIL)
					send_order(s, nid, outside_pop(s));
			}
			return;
		}
	} else if (open_loop) {
		if (s->out_len)
			send_order(s, id, outside_pop(s));
		else
			pool_push(s, id);
		return;
	}
	if (s->cfg->think_ns)
		sim_push(s, s->now_ns + s->cfg->think_ns, EV_THINK_DONE, id, c->gen);
	else
		send_order(s, id, s->now_ns);
}

/* The server closed an idle keep-alive connection: the client learns it at once (as
 * loadgen's read of the FIN does) and reconnects at its next order. */
void client_idle_closed(struct sim *s, uint32_t id)
{
	struct sconn *c = &s->conns[id];
	c->accepted = false;
	s->client_conns--;
	if (c->pool_pos != NIL) {
		pool_remove(s, id);
		conn_free(s, id);
	}
}
