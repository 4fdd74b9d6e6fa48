/* cashier.c: serve orders with blocking calls (see cashier.h).
 *
 * One order, top to bottom, is cashier_serve_order(): read the request (blocking reads, the
 * connection keeps any pipelined bytes), the CPU part (cpuwork_do), the kitchen wait
 * (a sleep, or a blocking round trip to bin/kitchen), the response (a blocking write).
 * The gauges at_counter, in_kitchen and handing_over and the cashier's slot follow each
 * step, so the scoreboard shows where every order is. Lessons 2 to 4 watch this file:
 * while a cashier sleeps on the kitchen it can do nothing else.
 */
#include "cashier.h"

#include <errno.h>

#include "acceptor.h"
#include "clock.h"
#include "cpuwork.h"
#include "kitchen_client.h"
#include "order.h"
#include "order_desk.h"
#include "restaurant.h"

void cashier_set_state(struct cashier *c, enum cashier_state st, uint64_t now_ns)
{
	if (c->sc)
		scoreboard_cashier_set(c->sc, st, now_ns);
}

/* "The chef faints": a freeze asked for this slot is served before the next order,
 * in slices so that a shutdown is not held up by it. */
bool cashier_freeze_if_asked(struct cashier *c)
{
	struct blocking_server *s = c->srv;
	uint32_t ms;

	if (c->slot < 0)
		return false;
	/* a plain load first: the exchange, a locked write, only when a freeze is there */
	if (__atomic_load_n(&s->freeze_ms[c->slot], __ATOMIC_ACQUIRE) == 0)
		return false;
	ms = __atomic_exchange_n(&s->freeze_ms[c->slot], 0, __ATOMIC_ACQ_REL);
	if (ms == 0)
		return false;
	cashier_set_state(c, CASHIER_FROZEN, clock_now_ns());
	clock_sleep_unless((uint64_t)ms * NS_PER_MS, (uint64_t)SERVER_FREEZE_SLICE_MS * NS_PER_MS, &s->stopping);
	cashier_set_state(c, CASHIER_IDLE, clock_now_ns());
	return true;
}

/* Hand over a response, from now_ns; false (connection closed, failure counted) when
 * it cannot. */
static bool hand_over(struct cashier *c, struct conn *conn, size_t len, uint64_t now_ns)
{
	struct blocking_server *s = c->srv;
	uint32_t ms = s->cfg.send_timeout_ms;
	int err;

	cashier_set_state(c, CASHIER_HANDING_OVER, now_ns);
	order_desk_move(&s->board, STAGE_NONE, STAGE_HANDOVER);
	err = len ? conn_write_all(conn, c->out, len, ms ? now_ns + ms * NS_PER_MS : 0) : -EINVAL;
	order_desk_move(&s->board, STAGE_HANDOVER, STAGE_NONE);
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
	size_t len = order_desk_answer_error(&c->srv->board, c->out, sizeof(c->out), status, reason, head_only);

	if (hand_over(c, conn, len, clock_now_ns()))
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
		*reason = DESK_REASON_KITCHEN_SLOW;
		return 504;
	}
	*reason = DESK_REASON_KITCHEN_DOWN;
	return 502;
}

/* One order on conn, which entered the line (or the counter) at entered_ns and waited
 * line_ns for a cashier, top to bottom: each step a blocking call on this customer, the
 * order desk (order_desk.h) between them. Cost: the order's own work_us and cook_ms,
 * plus a recv and a send. */
enum served cashier_serve_order(struct cashier *c, struct conn *conn, uint64_t entered_ns, uint64_t line_ns,
				uint64_t now_ns)
{
	struct blocking_server *s = c->srv;
	struct server_board *b = &s->board;
	uint32_t head_ms = s->cfg.header_timeout_ms;
	struct order_times t = { .line_ns = line_ns };
	struct order order;
	const char *reason = NULL;

	/* at the counter: the request, then the CPU part */
	uint64_t start = now_ns;
	cashier_set_state(c, CASHIER_TAKING_ORDER, start);
	order_desk_move(b, STAGE_NONE, STAGE_COUNTER);
	enum conn_read r = conn_read_request(conn, head_ms ? start + head_ms * NS_PER_MS : 0, &s->stopping);
	conn->fresh = false;
	int status = r == CONN_REQUEST ? order_from_request(&conn->parser.req, s->cfg.cook_ms, s->cfg.work_us,
							    &order, &reason)
				       : -1;
	if (status == 0 && order.work_us)
		cpuwork_do(order.work_us);
	if (r != CONN_REQUEST || status != 0) {
		order_desk_move(b, STAGE_COUNTER, STAGE_NONE);
		return r != CONN_REQUEST ? request_failed(c, conn, r) : answer_error(c, conn, status, reason, order.head_only);
	}

	/* the kitchen: the cashier waits at the hatch */
	uint64_t kitchen_start = clock_now_ns();
	t.counter_ns = kitchen_start - start;
	cashier_set_state(c, CASHIER_WAITING_KITCHEN, kitchen_start);
	order_desk_move(b, STAGE_COUNTER, STAGE_KITCHEN);
	status = kitchen_wait(c, order.cook_ms, &reason);
	order_desk_move(b, STAGE_KITCHEN, STAGE_NONE);
	uint64_t kitchen_end = clock_now_ns();
	t.kitchen_ns = kitchen_end - kitchen_start;
	if (status != 0)
		return answer_error(c, conn, status, reason, order.head_only);

	/* the answer */
	if (server_stopping(s))
		order.keep_alive = false; /* last order of this connection: say so */
	size_t len = order_desk_answer(b, c->out, sizeof(c->out), SERVER_MODEL, &order, &t);
	if (!hand_over(c, conn, len, kitchen_end))
		return SERVED_DONE;
	c->done_ns = clock_now_ns();
	order_desk_served(b, c->done_ns - entered_ns, c->sc);
	if (order.keep_alive)
		return SERVED_KEEP;
	server_conn_close(s, conn);
	return SERVED_DONE;
}

/* Stay with one customer until they leave, idle out (--idle-ms) or the server stops:
 * --hold-connection and --threads 0. The first wait of a fresh connection is bounded
 * by the header timeout, as in the waiting room. */
void cashier_serve_connection(struct cashier *c, struct conn *conn)
{
	struct blocking_server *s = c->srv;
	struct scoreboard_server *sb = s->board.sb;

	uint64_t now = clock_now_ns();
	for (;;) {
		uint32_t ms = conn->fresh && s->cfg.header_timeout_ms ? s->cfg.header_timeout_ms : s->cfg.idle_ms;
		cashier_set_state(c, CASHIER_IDLE, now);
		switch (conn_wait_order(conn, ms ? now + ms * NS_PER_MS : 0, &s->stopping)) {
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
		now = cashier_freeze_if_asked(c) ? clock_now_ns() : entered;
		if (cashier_serve_order(c, conn, entered, 0, now) != SERVED_KEEP)
			return;
		now = c->done_ns; /* the order's end is the wait's start */
	}
}

/* Thread per request: after one order the customer goes back to the waiting room, or
 * straight to the end of the line when their next request is already buffered. */
void cashier_send_back(struct cashier *c, struct conn *conn)
{
	struct blocking_server *s = c->srv;

	if (server_stopping(s))
		server_conn_close(s, conn);
	else if (conn_has_input(conn) && server_line_full(s))
		acceptor_refuse(s->acceptor, conn, 503, DESK_REASON_LINE_FULL);
	else if (conn_has_input(conn))
		server_line_join(s, conn);
	else
		acceptor_wait_room(s->acceptor, conn);
}

void cashier_hello(struct cashier *c, int slot)
{
	c->slot = slot;
	c->sc = server_board_cashier(&c->srv->board, slot);
	if (c->srv->board.sb)
		SB_ADD(c->srv->board.sb->threads_alive, 1);
}

void cashier_goodbye(struct cashier *c)
{
	cashier_set_state(c, CASHIER_IDLE, clock_now_ns());
	kitchen_client_free(c->kitchen);
	c->kitchen = NULL;
	if (c->srv->board.sb)
		SB_SUB(c->srv->board.sb->threads_alive, 1);
}
