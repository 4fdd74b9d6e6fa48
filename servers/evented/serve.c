/* serve.c: the order side of an evented connection: the restaurant's stages.
 *
 * arrive (first byte read) -> counter (request read, CPU part on the loop or on a
 * helper) -> kitchen (the loop's timerfd, or a ticket to bin/kitchen; the loop serves
 * others meanwhile) -> hand over (conn_send) -> done. Each stage moves the order between the
 * scoreboard's gauges, so at_counter, in_kitchen and handing_over are exact. The same
 * order.c decides what is asked and formats every answer, as in bin/blocking.
 */
#include "conn_priv.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cpuwork.h"
#include "kitchen_pool.h"

static int serve_respond(struct conn *c);

static struct order_state *state_get(struct loop *l)
{
	struct order_state *os = l->spare;

	if (os) {
		l->spare = os->spare;
		l->nspare--;
	} else {
		os = malloc(sizeof(*os));
		if (os == NULL)
			return NULL;
	}
	if (++l->live_states > l->peak_states)
		l->peak_states = l->live_states;
	request_parser_init(&os->parser);
	memset(&os->order, 0, sizeof(os->order));
	os->status = 0;
	os->counter_done_ns = 0;
	os->kitchen_ns = 0;
	os->ticket = 0;
	os->head_timer = false;
	os->resp_len = os->resp_off = 0;
	return os;
}

/* Keep a few for the next orders (no malloc per request), free the rest. */
void serve_state_put(struct loop *l, struct order_state *os)
{
	if (os->ticket && l->kitchen)
		kitchen_pool_cancel(l->kitchen, os->ticket);
	os->ticket = 0;
	l->live_states--;
	if (l->nspare < CONN_SPARE_MAX) {
		os->spare = l->spare;
		l->spare = os;
		l->nspare++;
	} else {
		free(os);
	}
}

void serve_spares_free(struct loop *l)
{
	while (l->spare) {
		struct order_state *os = l->spare;
		l->spare = os->spare;
		free(os);
	}
	l->nspare = 0;
}

/* The first byte of a request: it has arrived, and is at the counter until read. A
 * pipelined request was read while the one before it was served: that wait is its line. */
int serve_arrive(struct conn *c, uint64_t arrived_ns, uint64_t taken_ns)
{
	struct loop *l = c->loop;
	struct order_state *os = state_get(l);

	if (os == NULL) {
		server_board_error(l->srv->board, SERR_IO);
		conn_close(c);
		return -1;
	}
	os->conn = c;
	os->arrived_ns = arrived_ns;
	os->taken_ns = taken_ns;
	SB_ADD(l->sb->arrived, 1);
	c->os = os;
	c->phase = CONN_READING;
	conn_set_gauge(c, STAGE_COUNTER);
	return 0;
}

/* Answer an error (always closing); counted by kind. */
int serve_fail(struct conn *c, int status, const char *reason)
{
	struct order_state *os = c->os;

	os->status = status;
	os->order.keep_alive = false;
	os->resp_len = order_desk_answer_error(c->loop->srv->board, os->resp, sizeof(os->resp), status, reason,
					       os->order.head_only);
	os->resp_off = 0;
	return conn_send(c);
}

int serve_reject(struct conn *c)
{
	struct request_parser *p = &c->os->parser;

	c->os->order.head_only = p->head_done && p->req.method == HTTP_HEAD;
	return serve_fail(c, p->req.status ? p->req.status : 400, p->req.reason);
}

static void kitchen_back(struct conn *c, int status)
{
	struct order_state *os = c->os;
	int rc;

	os->kitchen_ns = clock_now_ns() - os->counter_done_ns;
	if (status == 0)
		rc = serve_respond(c);
	else
		rc = serve_fail(c, status, status == 504 ? DESK_REASON_KITCHEN_SLOW : DESK_REASON_KITCHEN_DOWN);
	if (rc == 0)
		conn_resume(c);
}

/* bin/kitchen answered (or its connection failed: 502). */
static void kitchen_answer(void *arg, int status)
{
	struct conn *c = arg;

	c->os->ticket = 0;
	c->deadline = 0;
	kitchen_back(c, status);
}

/* bin/kitchen did not answer within cook_ms + --kitchen-timeout-ms: 504. */
void serve_kitchen_timeout(struct conn *c)
{
	kitchen_pool_cancel(c->loop->kitchen, c->os->ticket);
	c->os->ticket = 0;
	kitchen_back(c, 504);
}

/* The built-in kitchen: this order is cooked. */
void conn_cooked(void *arg)
{
	kitchen_back(arg, 0);
}

/* Hand the order to the kitchen; the loop goes on serving others meanwhile. */
static int serve_kitchen(struct conn *c)
{
	struct loop *l = c->loop;
	struct order_state *os = c->os;
	double wait_s = os->order.cook_ms / 1e3;

	conn_set_gauge(c, STAGE_KITCHEN);
	c->phase = CONN_KITCHEN; /* reading pauses (lazily: see conn_io_cb) */
	if (l->oven) {
		uint64_t done_ns = os->counter_done_ns + (uint64_t)os->order.cook_ms * NS_PER_MS;
		if (kitchen_timer_add(l->oven, done_ns, c, &c->oven_pos) < 0)
			return serve_fail(c, 502, DESK_REASON_KITCHEN_DOWN);
		return 0;
	}
	os->ticket = kitchen_pool_submit(l->kitchen, os->order.cook_ms, kitchen_answer, c);
	if (os->ticket == 0) {
		os->kitchen_ns = clock_now_ns() - os->counter_done_ns;
		return serve_fail(c, 502, DESK_REASON_KITCHEN_DOWN);
	}
	ev_now_update(l->ev); /* the CPU part may have taken a while: time the bound from now */
	conn_deadline(c, wait_s + l->srv->cfg->kitchen_timeout_ms / 1e3);
	return 0;
}

/* Every order goes to the kitchen, as in bin/blocking; a zero wait on the built-in
 * kitchen is only counted (no timer, so a trivial order is answered in one go). */
static int serve_counter_done(struct conn *c)
{
	c->os->counter_done_ns = clock_now_ns();
	if (c->os->order.cook_ms == 0 && c->loop->oven) {
		conn_set_gauge(c, STAGE_KITCHEN);
		return serve_respond(c);
	}
	return serve_kitchen(c);
}

/* A whole request: decide the order, then do its CPU part here (blocking the loop:
 * the lesson) or on a helper thread. */
int serve_request(struct conn *c)
{
	struct loop *l = c->loop;
	struct order_state *os = c->os;
	const struct server_config *cfg = l->srv->cfg;
	const char *reason;
	int status = order_from_request(&os->parser.req, cfg->cook_ms, cfg->work_us, &os->order, &reason);

	if (status)
		return serve_fail(c, status, reason);
	c->deadline = 0; /* the head is in: no more header timeout */
	if (os->order.work_us > 0) {
		if (l->srv->helpers) {
			os->job.work_us = os->order.work_us;
			os->job.inbox = &l->inbox;
			c->phase = CONN_COUNTER; /* reading pauses (lazily: see conn_io_cb) */
			helpers_submit(l->srv->helpers, &os->job);
			return 0;
		}
		cpuwork_do(os->order.work_us);
	}
	return serve_counter_done(c);
}

void conn_helper_done(struct helper_job *job, void *arg)
{
	struct order_state *os = (struct order_state *)job;
	struct conn *c = os->conn;

	(void)arg;
	if (serve_counter_done(c) == 0)
		conn_resume(c);
}

static int serve_respond(struct conn *c)
{
	struct loop *l = c->loop;
	struct order_state *os = c->os;
	struct order_times t = {
		.line_ns = os->taken_ns - os->arrived_ns, /* 0 unless pipelined: a loop reads at once */
		.counter_ns = os->counter_done_ns - os->taken_ns,
		.kitchen_ns = os->kitchen_ns,
	};

	os->status = 200;
	if (l->stopping)
		os->order.keep_alive = false;
	os->resp_len = order_desk_answer(l->srv->board, os->resp, sizeof(os->resp), server_model_name(MODEL_EVENTED),
					 &os->order, &t);
	os->resp_off = 0;
	return conn_send(c);
}

/* The answer is out: count the order, then keep the connection or close it. */
int serve_sent(struct conn *c)
{
	struct loop *l = c->loop;
	struct order_state *os = c->os;
	bool keep = os->status == 200 && os->order.keep_alive && !l->stopping;

	conn_set_gauge(c, STAGE_NONE);
	if (os->status == 200) {
		order_desk_served(l->srv->board, clock_now_ns() - os->arrived_ns, l->cashier.slot);
	}
	serve_state_put(l, os);
	c->os = NULL;
	if (!keep)
		return conn_linger(c);
	c->phase = CONN_IDLE;
	conn_deadline(c, l->srv->cfg->idle_ms / 1e3);
	return 0;
}
