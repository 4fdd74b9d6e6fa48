/* serve.c: the order side of an evented connection: the restaurant's stages.
 *
 * arrive (first byte read) -> counter (request read, CPU part on the loop or on a
 * helper) -> kitchen (the loop's timerfd, or a ticket to bin/kitchen; the loop serves
 * others meanwhile) -> hand over (conn.c writes it) -> done. Each stage moves the order
 * between the scoreboard's gauges through the order desk, as in bin/blocking, so
 * at_counter, in_kitchen and handing_over are exact and mean the same in both. Every
 * step returns what to do next; nothing here knows the socket.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cpuwork.h"
#include "kitchen_pool.h"
#include "kitchen_timer.h"

static enum serve_next serve_respond(struct loop *l, struct order_state *os);

void serve_stage(struct loop *l, struct order_state *os, enum order_stage st)
{
	order_desk_move(l->srv->board, (enum order_stage)os->stage, st);
	os->stage = (uint8_t)st;
}

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
	os->stage = STAGE_NONE;
	os->counter_done_ns = 0;
	os->kitchen_ns = 0;
	os->ticket = 0;
	os->oven_pos = KITCHEN_TIMER_NONE;
	os->away_s = 0;
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
	if (l->oven)
		kitchen_timer_remove(l->oven, &os->oven_pos);
	serve_stage(l, os, STAGE_NONE);
	l->live_states--;
	if (l->nspare < SERVE_SPARE_MAX) {
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

struct order_state *serve_arrive(struct loop *l, void *conn, uint64_t arrived_ns, uint64_t taken_ns)
{
	struct order_state *os = state_get(l);

	if (os == NULL) {
		server_board_error(l->srv->board, SERR_IO);
		return NULL;
	}
	os->conn = conn;
	os->loop = l;
	os->arrived_ns = arrived_ns;
	os->taken_ns = taken_ns;
	SB_ADD(l->sb->arrived, 1);
	serve_stage(l, os, STAGE_COUNTER);
	return os;
}

/* Answer an error (always closing); counted by kind. */
static enum serve_next serve_fail(struct loop *l, struct order_state *os, int status, const char *reason)
{
	os->status = status;
	os->order.keep_alive = false;
	os->resp_len = order_desk_answer_error(l->srv->board, os->resp, sizeof(os->resp), status, reason,
					       os->order.head_only);
	os->resp_off = 0;
	return SERVE_ANSWER;
}

enum serve_next serve_reject(struct loop *l, struct order_state *os)
{
	struct request_parser *p = &os->parser;

	os->order.head_only = p->head_done && p->req.method == HTTP_HEAD;
	return serve_fail(l, os, p->req.status ? p->req.status : 400, p->req.reason);
}

static enum serve_next kitchen_back(struct loop *l, struct order_state *os, int status)
{
	os->kitchen_ns = clock_now_ns() - os->counter_done_ns;
	if (status == 0)
		return serve_respond(l, os);
	return serve_fail(l, os, status, status == 504 ? DESK_REASON_KITCHEN_SLOW : DESK_REASON_KITCHEN_DOWN);
}

/* bin/kitchen answered (or its connection failed: 502). */
static void kitchen_answer(void *arg, int status)
{
	struct order_state *os = arg;
	struct loop *l = os->loop;

	os->ticket = 0;
	l->order_back(os->conn, kitchen_back(l, os, status));
}

enum serve_next serve_kitchen_timeout(struct loop *l, struct order_state *os)
{
	kitchen_pool_cancel(l->kitchen, os->ticket);
	os->ticket = 0;
	return kitchen_back(l, os, 504);
}

void serve_cooked(void *arg)
{
	struct order_state *os = arg;
	struct loop *l = os->loop;

	l->order_back(os->conn, kitchen_back(l, os, 0));
}

/* Hand the order to the kitchen; the loop goes on serving others meanwhile. */
static enum serve_next serve_kitchen(struct loop *l, struct order_state *os)
{
	serve_stage(l, os, STAGE_KITCHEN);
	if (l->oven) {
		uint64_t done_ns = os->counter_done_ns + (uint64_t)os->order.cook_ms * NS_PER_MS;
		if (kitchen_timer_add(l->oven, done_ns, os, &os->oven_pos) < 0)
			return serve_fail(l, os, 502, DESK_REASON_KITCHEN_DOWN);
		os->away_s = 0; /* the timer itself is the bound */
		return SERVE_KITCHEN;
	}
	os->ticket = kitchen_pool_submit(l->kitchen, os->order.cook_ms, kitchen_answer, os);
	if (os->ticket == 0) {
		os->kitchen_ns = clock_now_ns() - os->counter_done_ns;
		return serve_fail(l, os, 502, DESK_REASON_KITCHEN_DOWN);
	}
	os->away_s = os->order.cook_ms / 1e3 + l->srv->cfg->kitchen_timeout_ms / 1e3;
	return SERVE_KITCHEN;
}

/* Every order goes to the kitchen, as in bin/blocking; a zero wait on the built-in
 * kitchen is only counted (no timer, so a trivial order is answered in one go). */
static enum serve_next serve_counter_done(struct loop *l, struct order_state *os)
{
	os->counter_done_ns = clock_now_ns();
	if (os->order.cook_ms == 0 && l->oven) {
		serve_stage(l, os, STAGE_KITCHEN);
		return serve_respond(l, os);
	}
	return serve_kitchen(l, os);
}

/* A whole request: decide the order, then do its CPU part here (blocking the loop:
 * the lesson) or on a helper thread. */
enum serve_next serve_request(struct loop *l, struct order_state *os)
{
	const struct server_config *cfg = l->srv->cfg;
	const char *reason;
	int status = order_from_request(&os->parser.req, cfg->cook_ms, cfg->work_us, &os->order, &reason);

	if (status)
		return serve_fail(l, os, status, reason);
	if (os->order.work_us > 0) {
		if (l->srv->helpers) {
			os->job.work_us = os->order.work_us;
			os->job.inbox = &l->inbox;
			helpers_submit(l->srv->helpers, &os->job);
			return SERVE_HELPER;
		}
		cpuwork_do(os->order.work_us);
	}
	return serve_counter_done(l, os);
}

void serve_helper_done(struct helper_job *job, void *arg)
{
	struct order_state *os = (struct order_state *)job;
	struct loop *l = arg;

	l->order_back(os->conn, serve_counter_done(l, os));
}

static enum serve_next serve_respond(struct loop *l, struct order_state *os)
{
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
	return SERVE_ANSWER;
}

bool serve_sent(struct loop *l, struct order_state *os)
{
	bool keep = os->status == 200 && os->order.keep_alive && !l->stopping;

	serve_stage(l, os, STAGE_NONE);
	if (os->status == 200)
		order_desk_served(l->srv->board, clock_now_ns() - os->arrived_ns, l->cashier.slot);
	serve_state_put(l, os);
	return keep;
}
