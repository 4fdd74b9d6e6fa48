/* cashier.c: serve orders with blocking calls (see cashier.h).
 *
 * One order, top to bottom, is serve_order(): read the request (blocking reads, the
 * connection keeps any pipelined bytes), the CPU part (cpuwork_do), the kitchen wait
 * (a sleep, or a blocking round trip to bin/kitchen), the response (a blocking write).
 * The gauges at_counter, in_kitchen and handing_over and the cashier's slot follow each
 * step, so the scoreboard shows where every order is. Lessons 2 to 4 watch this file:
 * while a cashier sleeps on the kitchen it can do nothing else.
 */
#include "cashier.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "acceptor.h"
#include "clock.h"
#include "cpuwork.h"
#include "kitchen_client.h"
#include "order.h"
#include "server.h"

#define SOLO_STACK_BYTES (512 * 1024) /* --threads 0 may run thousands of threads */
#define FREEZE_SLICE_MS 50

struct cashier {
	struct blocking_server *srv;
	int slot;                        /* scoreboard slot; -1 when only counted */
	struct scoreboard_cashier *sc;   /* the slot, NULL when -1 */
	struct kitchen_client *kitchen;  /* --kitchen: this cashier's connection, else NULL */
	struct conn *first;              /* --threads 0: the connection it was born for */
	pthread_t thread;
	char out[RESPONSE_MAX];          /* the response being handed over */
};

enum served {
	SERVED_KEEP = 0,  /* answered; the connection stays open for the next order */
	SERVED_DONE,      /* the connection is closed or lingering: no longer ours */
};

static void cashier_state(struct cashier *c, enum cashier_state st)
{
	if (c->sc)
		scoreboard_cashier_set(c->sc, st, clock_now_ns());
}

/* "The chef faints": a freeze asked for this slot is served before the next order,
 * in slices so that a shutdown is not held up by it. */
static void freeze_if_asked(struct cashier *c)
{
	struct blocking_server *s = c->srv;
	uint32_t ms;

	if (c->slot < 0)
		return;
	ms = __atomic_exchange_n(&s->freeze_ms[c->slot], 0, __ATOMIC_ACQ_REL);
	if (ms == 0)
		return;
	cashier_state(c, CASHIER_FROZEN);
	uint64_t until = clock_now_ns() + (uint64_t)ms * NS_PER_MS;
	for (uint64_t now = clock_now_ns(); now < until && !server_stopping(s); now = clock_now_ns()) {
		uint64_t left = until - now;
		clock_sleep_ns(left < FREEZE_SLICE_MS * NS_PER_MS ? left : FREEZE_SLICE_MS * NS_PER_MS);
	}
	cashier_state(c, CASHIER_IDLE);
}

/* Hand over a response; false (connection closed, failure counted) when it cannot. */
static bool hand_over(struct cashier *c, struct conn *conn, size_t len)
{
	struct blocking_server *s = c->srv;
	struct scoreboard_server *sb = s->board.sb;
	int err;

	cashier_state(c, CASHIER_HANDING_OVER);
	if (sb)
		SB_ADD(sb->handing_over, 1);
	err = len ? conn_write_all(conn, c->out, len) : -EINVAL;
	if (sb)
		SB_SUB(sb->handing_over, 1);
	if (err == 0)
		return true;
	server_board_error(&s->board, err == -ETIMEDOUT ? SERR_TIMEOUT : SERR_IO);
	server_conn_close(s, conn);
	return false;
}

/* A 4xx or 5xx: counted, written, and the connection closed after it (lingering). */
static enum served answer_error(struct cashier *c, struct conn *conn, int status, const char *reason,
				bool head_only)
{
	size_t len = order_format_error(c->out, sizeof(c->out), status, reason, head_only);

	server_count_status(c->srv, status);
	if (hand_over(c, conn, len))
		acceptor_linger(c->srv->acceptor, conn);
	return SERVED_DONE;
}

/* A request that did not arrive: nothing to answer, only to count and close. */
static enum served request_failed(struct cashier *c, struct conn *conn, enum conn_read r)
{
	struct blocking_server *s = c->srv;

	if (r == CONN_BAD)
		return answer_error(c, conn, conn->parser.req.status, conn->parser.req.reason, false);
	if (r == CONN_CUT)
		server_board_error(&s->board, SERR_IO);
	else if (r == CONN_HEAD_TIMEOUT)
		server_board_error(&s->board, SERR_TIMEOUT);
	server_conn_close(s, conn); /* CONN_GONE, CONN_READ_STOPPED: the customer left */
	return SERVED_DONE;
}

/* The kitchen wait: 0, or the HTTP status to answer (502, 504) with *reason. */
static int kitchen_wait(struct cashier *c, uint32_t cook_ms, const char **reason)
{
	struct blocking_server *s = c->srv;

	if (!s->kitchen_remote) {
		clock_sleep_ns((uint64_t)cook_ms * NS_PER_MS);
		return 0;
	}
	if (!c->kitchen)
		c->kitchen = kitchen_client_new(&s->kitchen_addr, s->kitchen_addr_len);
	int err = c->kitchen ? kitchen_client_cook(c->kitchen, cook_ms, s->cfg.kitchen_timeout_ms) : -ENOMEM;
	if (err == 0)
		return 0;
	if (err == -ETIMEDOUT) {
		*reason = "the kitchen is too slow: no answer within cook_ms + --kitchen-timeout-ms";
		return 504;
	}
	*reason = "the kitchen is down or refused the ticket";
	return 502;
}

/* One order on conn, which entered the line (or the counter) at entered_ns and waited
 * line_ns for a cashier. Cost: the order's own work_us and cook_ms, plus a few
 * system calls. */
static enum served serve_order(struct cashier *c, struct conn *conn, uint64_t entered_ns, uint64_t line_ns)
{
	struct blocking_server *s = c->srv;
	struct scoreboard_server *sb = s->board.sb;
	uint32_t head_ms = s->cfg.header_timeout_ms;
	struct order_times t = { .line_ns = line_ns };
	struct order order;
	const char *reason = NULL;

	uint64_t start = clock_now_ns();
	cashier_state(c, CASHIER_TAKING_ORDER);
	if (sb)
		SB_ADD(sb->at_counter, 1);
	enum conn_read r = conn_read_request(conn, head_ms ? start + head_ms * NS_PER_MS : 0, &s->stopping);
	conn->fresh = false;
	int status = r == CONN_REQUEST ? order_from_request(&conn->parser.req, s->cfg.cook_ms, s->cfg.work_us,
							    &order, &reason)
				       : -1;
	if (status == 0 && order.work_us)
		cpuwork_do(order.work_us);
	if (sb)
		SB_SUB(sb->at_counter, 1);
	if (r != CONN_REQUEST)
		return request_failed(c, conn, r);
	if (status != 0)
		return answer_error(c, conn, status, reason, order.head_only);

	uint64_t kitchen_start = clock_now_ns();
	t.counter_ns = kitchen_start - start;
	cashier_state(c, CASHIER_WAITING_KITCHEN);
	if (sb) {
		SB_ADD(sb->in_kitchen, 1);
		SB_ADD(sb->kitchen_tickets, 1);
	}
	status = kitchen_wait(c, order.cook_ms, &reason);
	if (sb)
		SB_SUB(sb->in_kitchen, 1);
	t.kitchen_ns = clock_now_ns() - kitchen_start;
	if (status != 0)
		return answer_error(c, conn, status, reason, order.head_only);

	if (server_stopping(s))
		order.keep_alive = false; /* last order of this connection: say so */
	uint64_t no = __atomic_add_fetch(&s->order_seq, 1, __ATOMIC_RELAXED);
	size_t len = order_format_response(c->out, sizeof(c->out), SERVER_MODEL, no, &order, &t);
	if (!hand_over(c, conn, len))
		return SERVED_DONE;
	server_board_order_done(&s->board, clock_now_ns() - entered_ns);
	if (c->sc)
		SB_ADD(c->sc->orders, 1);
	if (order.keep_alive)
		return SERVED_KEEP;
	server_conn_close(s, conn);
	return SERVED_DONE;
}

/* Stay with one customer until they leave, idle out (--idle-ms) or the server stops:
 * --hold-connection and --threads 0. The first wait of a fresh connection is bounded
 * by the header timeout, as in the waiting room. */
static void serve_connection(struct cashier *c, struct conn *conn)
{
	struct blocking_server *s = c->srv;
	struct scoreboard_server *sb = s->board.sb;

	for (;;) {
		uint32_t ms = conn->fresh && s->cfg.header_timeout_ms ? s->cfg.header_timeout_ms : s->cfg.idle_ms;
		cashier_state(c, CASHIER_IDLE);
		switch (conn_wait_order(conn, ms ? clock_now_ns() + ms * NS_PER_MS : 0, &s->stopping)) {
		case CONN_READY:
			break;
		case CONN_IDLE_TIMEOUT:
			server_board_error(&s->board, SERR_TIMEOUT);
			/* fall through */
		default:
			server_conn_close(s, conn);
			return;
		}
		uint64_t entered = clock_now_ns();
		if (sb)
			SB_ADD(sb->arrived, 1);
		freeze_if_asked(c);
		if (serve_order(c, conn, entered, 0) != SERVED_KEEP)
			return;
	}
}

/* Thread per request: after one order the customer goes back to the waiting room, or
 * straight to the end of the line when their next request is already buffered. */
static void send_back(struct cashier *c, struct conn *conn)
{
	struct blocking_server *s = c->srv;

	if (server_stopping(s))
		server_conn_close(s, conn);
	else if (conn_has_input(conn))
		server_line_join(s, conn);
	else
		acceptor_wait_room(s->acceptor, conn);
}

static void cashier_hello(struct cashier *c, int slot)
{
	c->slot = slot;
	c->sc = server_board_cashier(&c->srv->board, slot);
	if (c->srv->board.sb)
		SB_ADD(c->srv->board.sb->threads_alive, 1);
}

static void cashier_goodbye(struct cashier *c)
{
	cashier_state(c, CASHIER_IDLE);
	kitchen_client_free(c->kitchen);
	c->kitchen = NULL;
	if (c->srv->board.sb)
		SB_SUB(c->srv->board.sb->threads_alive, 1);
}

/* A crew cashier: take the oldest customer in line, serve one order, repeat until the
 * line is closed and empty. A freeze request wakes an idle cashier (LINE_WOKEN). */
static void *crew_main(void *arg)
{
	struct cashier *c = arg;
	struct blocking_server *s = c->srv;
	const uint32_t *wake = c->slot >= 0 ? &s->freeze_ms[c->slot] : NULL;

	for (;;) {
		struct line_item *it;
		freeze_if_asked(c);
		cashier_state(c, CASHIER_IDLE);
		enum line_pop_result r = line_pop(&s->line, &it, wake);
		if (r == LINE_CLOSED)
			break;
		if (r == LINE_WOKEN)
			continue;
		struct conn *conn = (struct conn *)((char *)it - offsetof(struct conn, line));
		if (s->board.sb)
			SB_SUB(s->board.sb->in_line, 1);
		uint64_t joined = it->joined_ns;
		if (s->cfg.hold_connection) {
			if (serve_order(c, conn, joined, clock_now_ns() - joined) == SERVED_KEEP)
				serve_connection(c, conn);
		} else if (serve_order(c, conn, joined, clock_now_ns() - joined) == SERVED_KEEP) {
			send_back(c, conn);
		}
	}
	cashier_goodbye(c);
	return NULL;
}

int cashier_crew_start(struct blocking_server *s)
{
	uint32_t n = s->cfg.threads;

	s->crew = calloc(n, sizeof(*s->crew));
	if (!s->crew)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct cashier *c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		c->srv = s;
		cashier_hello(c, server_board_cashier_take(&s->board));
		int err = pthread_create(&c->thread, NULL, crew_main, c);
		if (err) {
			cashier_goodbye(c);
			free(c);
			return -err;
		}
		s->crew[s->crew_running++] = c;
	}
	return 0;
}

/* pthread_timedjoin_np counts on CLOCK_REALTIME: turn a monotonic deadline into one. */
static struct timespec realtime_deadline(uint64_t deadline_ns)
{
	struct timespec rt;
	uint64_t now = clock_now_ns();
	uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;

	clock_gettime(CLOCK_REALTIME, &rt);
	uint64_t ns = (uint64_t)rt.tv_sec * NS_PER_SEC + (uint64_t)rt.tv_nsec + wait;
	rt.tv_sec = (time_t)(ns / NS_PER_SEC);
	rt.tv_nsec = (long)(ns % NS_PER_SEC);
	return rt;
}

uint32_t cashier_crew_join(struct blocking_server *s, uint64_t deadline_ns)
{
	uint32_t left = 0;

	for (uint32_t i = 0; i < s->crew_running; i++) {
		struct cashier *c = s->crew[i];
		if (!c)
			continue;
		struct timespec ts = realtime_deadline(deadline_ns);
		if (pthread_timedjoin_np(c->thread, NULL, &ts) == 0) {
			free(c);
			s->crew[i] = NULL;
		} else {
			left++;
		}
	}
	return left;
}

/* --threads 0: a thread for one connection, with a reused scoreboard slot. */
static void *solo_main(void *arg)
{
	struct cashier *c = arg;
	struct blocking_server *s = c->srv;

	cashier_hello(c, server_slot_take(s));
	serve_connection(c, c->first);
	cashier_goodbye(c);
	server_slot_give(s, c->slot);
	free(c);
	/* last touch of s: the server may be freed as soon as solo_threads reaches 0 */
	pthread_mutex_lock(&s->solo_mu);
	s->solo_threads--;
	pthread_cond_broadcast(&s->solo_cv);
	pthread_mutex_unlock(&s->solo_mu);
	return NULL;
}

int cashier_solo_spawn(struct blocking_server *s, struct conn *conn)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct cashier *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->srv = s;
	c->first = conn;
	c->slot = -1;
	err = pthread_attr_init(&attr);
	if (err)
		goto out_free;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, SOLO_STACK_BYTES);
	pthread_mutex_lock(&s->solo_mu);
	s->solo_threads++;
	pthread_mutex_unlock(&s->solo_mu);
	err = pthread_create(&tid, &attr, solo_main, c);
	pthread_attr_destroy(&attr);
	if (err == 0)
		return 0;
	pthread_mutex_lock(&s->solo_mu);
	s->solo_threads--;
	pthread_cond_broadcast(&s->solo_cv);
	pthread_mutex_unlock(&s->solo_mu);
out_free:
	free(c);
	return -err;
}

uint32_t cashier_solo_wait(struct blocking_server *s, uint64_t deadline_ns)
{
	uint32_t left;

	pthread_mutex_lock(&s->solo_mu);
	while (s->solo_threads > 0 && clock_now_ns() < deadline_ns) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->solo_cv, &s->solo_mu, &ts);
	}
	left = s->solo_threads;
	pthread_mutex_unlock(&s->solo_mu);
	return left;
}
