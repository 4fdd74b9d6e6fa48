/* conn.c: the socket side of a customer's connection to an evented loop.
 *
 * A non-blocking state machine (struct conn below): read whatever arrived, feed it to the
 * request glue, and when a request is whole hand it to serve.c; write the answer in
 * as many pieces as the socket takes; time out idle, slow and stuck connections. One
 * request is served at a time: bytes pipelined behind it wait in `pending` and the
 * read watcher is off until the answer is out, so answers leave in order.
 *
 * Timeouts use one ev_timer per connection, re-armed lazily: moving a deadline later
 * (every keep-alive request does) only stores a number; the timer, when it fires
 * early, re-arms itself for the rest (libev's manual, "be smart about timeouts").
 */
#include "conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"
#include "order_desk.h"
#include "serve.h"
#include "server_policy.h"

/* Where a connection is; the loop's state machine. */
enum conn_phase {
	CONN_IDLE = 0,  /* between requests (keep-alive) or before the first: no order state */
	CONN_READING,   /* a request has begun: reading the rest of it */
	CONN_COUNTER,   /* request read; its CPU part runs on a helper thread */
	CONN_KITCHEN,   /* waiting for the kitchen (the loop's timerfd, or bin/kitchen) */
	CONN_WRITING,   /* the response did not fit the socket at once: waiting to write */
	CONN_LINGER,    /* answered with close: half-closed, reading until the client's FIN */
};

struct conn {
	ev_io io;                     /* read or write, as the phase needs */
	ev_timer timer;               /* the phase's timeout (idle, header, send, bin/kitchen) */
	struct loop *loop;
	struct conn *prev, *next;     /* the loop's list */
	struct order_state *os;       /* NULL while idle */
	char *pending;                /* pipelined bytes read past the current request */
	uint32_t pending_len, pending_off;
	uint64_t pending_ns;          /* when they were read */
	ev_tstamp deadline;           /* when the phase times out (ev_now base); 0: never */
	ev_tstamp timer_at;           /* when the armed timer fires (<= deadline) */
	uint32_t linger_bytes;
	int fd;
	uint8_t phase;                /* enum conn_phase */
	uint8_t watching;             /* EV_READ, EV_WRITE or 0 */
	bool counted;                 /* holds a place in conns_open */
};

static int conn_send(struct conn *c);
static void conn_resume(struct conn *c);

static void conn_timer_cb(struct ev_loop *ev, ev_timer *w, int revents);
static void conn_io_cb(struct ev_loop *ev, ev_io *w, int revents);

static void conn_watch(struct conn *c, int events)
{
	struct ev_loop *ev = c->loop->ev;

	if (c->watching == events)
		return;
	if (c->watching)
		ev_io_stop(ev, &c->io);
	c->watching = (uint8_t)events;
	if (events) {
		ev_io_modify(&c->io, events);
		ev_io_start(ev, &c->io);
	}
}

/* after_s <= 0: no deadline. Cost: a heap operation only when the deadline moves
 * earlier than the armed timer. */
static void conn_deadline(struct conn *c, double after_s)
{
	struct ev_loop *ev = c->loop->ev;

	if (after_s <= 0) {
		c->deadline = 0;
		return;
	}
	ev_tstamp at = ev_now(ev) + after_s;
	c->deadline = at;
	if (ev_is_active(&c->timer) && c->timer_at <= at)
		return;
	ev_timer_stop(ev, &c->timer);
	ev_timer_set(&c->timer, after_s, 0.);
	ev_timer_start(ev, &c->timer);
	c->timer_at = at;
}

/* Stopping, and the last connection is gone: the loop returns. */
static void conn_loop_check(struct loop *l)
{
	if (l->stopping && l->nconns == 0)
		ev_break(l->ev, EVBREAK_ALL);
}

static void conn_unlink(struct conn *c)
{
	struct loop *l = c->loop;

	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	l->nconns--;
}

/* Release everything the connection holds; no callback of it runs afterwards. */
static void conn_release(struct conn *c)
{
	struct loop *l = c->loop;

	conn_watch(c, 0);
	ev_timer_stop(l->ev, &c->timer);
	close(c->fd);
	free(c->pending);
	conn_unlink(c);
	SB_ADD(l->sb->closed, 1);
	if (c->counted)
		SB_SUB(l->sb->conns_open, 1);
	free(c);
}

/* Never called with an order on a helper thread: no timer or watcher runs then. */
static void conn_close(struct conn *c)
{
	struct loop *l = c->loop;

	if (c->os) {
		serve_state_put(l, c->os);
		c->os = NULL;
	}
	conn_release(c);
	conn_loop_check(l);
}

/* A closing answer is out: half-close and read until the client's FIN, so that bytes
 * it already sent (a pipelined request, the rest of a refused one) do not make the
 * kernel answer with a reset that destroys our answer before the client reads it. */
static int conn_linger(struct conn *c)
{
	if (shutdown(c->fd, SHUT_WR) < 0) {
		conn_close(c);
		return -1;
	}
	c->phase = CONN_LINGER;
	c->linger_bytes = 0;
	conn_watch(c, EV_READ);
	conn_deadline(c, (SERVER_LINGER_MS / 1e3));
	return 0;
}

/* The answer is out: serve.c counts it and says whether the customer stays. */
static int conn_answered(struct conn *c)
{
	bool keep = serve_sent(c->loop, c->os);

	c->os = NULL;
	if (!keep)
		return conn_linger(c);
	c->phase = CONN_IDLE;
	conn_deadline(c, c->loop->srv->cfg->idle_ms / 1e3);
	return 0;
}

/* Write the order's response; when it is all out, serve.c decides what comes next.
 * 0, or -1 when the connection was closed. */
static int conn_send(struct conn *c)
{
	struct order_state *os = c->os;

	serve_stage(c->loop, os, STAGE_HANDOVER);
	while (os->resp_off < os->resp_len) {
		ssize_t w = send(c->fd, os->resp + os->resp_off, os->resp_len - os->resp_off, MSG_NOSIGNAL);
		if (w > 0) {
			os->resp_off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* the loop's slot shows a hand-over only when one has to wait: at 80,000
			 * orders a second, flipping it per order would cost more than the order */
			cashier_view_set(&c->loop->cashier, CASHIER_HANDING_OVER);
			if (c->phase != CONN_WRITING) {
				c->phase = CONN_WRITING;
				/* ev_now() is the time this loop iteration began, which may be long
				 * ago after CPU work: refresh it so the client gets its whole bound */
				ev_now_update(c->loop->ev);
				conn_deadline(c, c->loop->srv->cfg->send_timeout_ms / 1e3);
			}
			conn_watch(c, EV_WRITE);
			return 0;
		}
		server_board_error(c->loop->srv->board, SERR_IO);
		conn_close(c);
		return -1;
	}
	return conn_answered(c);
}

/* Do what serve.c said comes next for the order. 0, or -1 when the connection was
 * closed. */
static int conn_next(struct conn *c, enum serve_next next)
{
	switch (next) {
	case SERVE_ANSWER:
		return conn_send(c);
	case SERVE_HELPER:
		c->phase = CONN_COUNTER; /* reading pauses (lazily: see conn_io_cb) */
		return 0;
	case SERVE_KITCHEN:
		c->phase = CONN_KITCHEN; /* reading pauses (lazily: see conn_io_cb) */
		if (c->os->away_s > 0) {
			ev_now_update(c->loop->ev); /* the CPU part may have taken a while: from now */
			conn_deadline(c, c->os->away_s);
		}
		return 0;
	default:
		conn_close(c);
		return -1;
	}
}

/* An order that was away (helper, kitchen) is back with its next step. */
void conn_order_back(void *conn, int next)
{
	struct conn *c = conn;

	c->deadline = 0; /* the kitchen's bound, if any, is over */
	if (conn_next(c, (enum serve_next)next) == 0)
		conn_resume(c);
}

/* Feed input to the request glue, one request at a time, while the connection is
 * reading. An order that completes at once (no kitchen, no helper) lets the loop go
 * on with the next pipelined request; one that waits stops it, and the rest of the
 * input waits in `pending` (so no read happens while anything is pending). *used:
 * bytes taken.
 * Returns -1 when the connection was closed. */
static int conn_input(struct conn *c, const char *buf, size_t len, uint64_t read_ns, bool pipelined,
		      size_t *used)
{
	size_t off = 0;

	while (off < len && (c->phase == CONN_IDLE || c->phase == CONN_READING)) {
		if (c->phase == CONN_IDLE) {
			c->os = serve_arrive(c->loop, c, read_ns, pipelined ? clock_now_ns() : read_ns);
			if (c->os == NULL) {
				conn_close(c);
				return -1;
			}
			c->phase = CONN_READING;
		}
		pipelined = true; /* the next request in buf waits behind this one */
		size_t n;
		enum request_status st = request_feed(&c->os->parser, buf + off, len - off, &n);
		off += n;
		if (st == REQUEST_NEED_MORE) {
			uint32_t ms = c->loop->srv->cfg->header_timeout_ms;
			if (!c->os->head_timer) {
				/* a request has begun: the idle deadline no longer applies; only
				 * --header-timeout-ms does (none at all when it is 0, the slowloris
				 * lesson's setting), as in bin/blocking */
				c->os->head_timer = true;
				double left = ms / 1e3 - (double)(clock_now_ns() - c->os->taken_ns) / 1e9;
				conn_deadline(c, ms == 0 ? 0 : left > 1e-3 ? left : 1e-3);
			}
			off = len;
			break;
		}
		if (st == REQUEST_DONE)
			c->deadline = 0; /* the head is in: no more header timeout */
		int rc = conn_next(c, st == REQUEST_DONE ? serve_request(c->loop, c->os) : serve_reject(c->loop, c->os));
		if (rc < 0) {
			*used = off;
			return -1;
		}
	}
	*used = off;
	return 0;
}

static int conn_keep_pending(struct conn *c, const char *buf, size_t len, uint64_t now_ns)
{
	c->pending = malloc(len);
	if (c->pending == NULL) {
		conn_close(c);
		return -1;
	}
	memcpy(c->pending, buf, len);
	c->pending_len = (uint32_t)len;
	c->pending_off = 0;
	c->pending_ns = now_ns;
	return 0;
}

/* An order's answer is out and the connection is idle again: serve what was pipelined
 * behind it, then read again. */
static void conn_resume(struct conn *c)
{
	if (c->phase != CONN_IDLE && c->phase != CONN_READING)
		return;
	if (c->pending) {
		size_t used;
		if (conn_input(c, c->pending + c->pending_off, c->pending_len - c->pending_off, c->pending_ns, true,
			       &used) < 0)
			return;
		c->pending_off += (uint32_t)used;
		if (c->phase != CONN_IDLE && c->phase != CONN_READING)
			return;
		free(c->pending);
		c->pending = NULL;
	}
	conn_watch(c, EV_READ);
}

static void conn_read(struct conn *c)
{
	struct loop *l = c->loop;
	ssize_t n = recv(c->fd, l->rbuf, sizeof(l->rbuf), 0);

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (c->os) /* gone in the middle of a request */
			server_board_error(l->srv->board, SERR_IO);
		conn_close(c);
		return;
	}
	uint64_t now = clock_now_ns();
	size_t used;
	if (conn_input(c, l->rbuf, (size_t)n, now, false, &used) < 0)
		return;
	if (used < (size_t)n && c->phase != CONN_LINGER)
		conn_keep_pending(c, l->rbuf + used, (size_t)n - used, now);
}

/* Half-closed after a closing answer: drop what comes until the client closes. */
static void conn_linger_read(struct conn *c)
{
	struct loop *l = c->loop;
	ssize_t n = recv(c->fd, l->rbuf, sizeof(l->rbuf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n > 0 && (c->linger_bytes += (uint32_t)n) <= SERVER_LINGER_MAX_BYTES)
		return;
	conn_close(c);
}

/* While an order is away (helper, kitchen) the read watcher is left on: most clients
 * wait quietly, and switching it off and on again would cost two epoll_ctl calls per
 * order. Only if the client does send something meanwhile (a pipelined request, or
 * its FIN) is reading switched off, until the answer is out. */
static void conn_io_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	struct conn *c = (struct conn *)w;

	(void)ev;
	(void)revents;
	switch (c->phase) {
	case CONN_COUNTER:
	case CONN_KITCHEN:
		conn_watch(c, 0);
		break;
	case CONN_WRITING:
		if (conn_send(c) == 0)
			conn_resume(c);
		break;
	case CONN_LINGER:
		conn_linger_read(c);
		break;
	default:
		conn_read(c);
		break;
	}
}

static void conn_timeout(struct conn *c)
{
	switch (c->phase) {
	case CONN_KITCHEN: /* only bin/kitchen's bound: the built-in kitchen has no deadline here */
		if (c->loop->kitchen && conn_next(c, serve_kitchen_timeout(c->loop, c->os)) == 0)
			conn_resume(c);
		return;
	case CONN_LINGER:
		conn_close(c);
		return;
	case CONN_IDLE:    /* --idle-ms */
	case CONN_READING: /* --header-timeout-ms: the head did not arrive in time */
	case CONN_WRITING: /* --send-timeout-ms: the client does not read its answer */
		server_board_error(c->loop->srv->board, SERR_TIMEOUT);
		conn_close(c);
		return;
	default:
		return;
	}
}

static void conn_timer_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	struct conn *c = w->data;

	(void)revents;
	if (c->deadline == 0)
		return;
	if (c->deadline > c->timer_at) { /* moved later since armed: sleep on */
		double rest = c->deadline - ev_now(ev);
		c->timer_at = c->deadline;
		ev_timer_set(w, rest > 0 ? rest : 0., 0.);
		ev_timer_start(ev, w);
		return;
	}
	c->deadline = 0;
	conn_timeout(c);
}

/* A best-effort 503 for a customer over --max-conns, then a lingering close. */
static void conn_refuse(struct conn *c)
{
	char buf[RESPONSE_MAX];
	size_t len = order_desk_answer_error(c->loop->srv->board, buf, sizeof(buf), 503, DESK_REASON_FULL, false);

	if (send(c->fd, buf, len, MSG_NOSIGNAL) < 0) {
		conn_close(c);
		return;
	}
	conn_linger(c);
}

void conn_accept(struct loop *l, int fd)
{
	struct scoreboard_server *sb = l->sb;
	uint32_t max = l->srv->cfg->max_conns;
	struct conn *c;

	SB_ADD(sb->accepted, 1);
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		SB_ADD(sb->closed, 1);
		server_board_error(l->srv->board, SERR_IO);
		return;
	}
	c->fd = fd;
	c->loop = l;
	c->next = l->conns;
	if (l->conns)
		l->conns->prev = c;
	l->conns = c;
	l->nconns++;
	ev_io_init(&c->io, conn_io_cb, fd, EV_READ);
	ev_timer_init(&c->timer, conn_timer_cb, 0., 0.);
	c->timer.data = c;
	net_set_nodelay(fd); /* answers go out whole; never wait for the last one's ACK */

	if (max && (uint64_t)SB_ADD(sb->conns_open, 1) >= max) {
		SB_SUB(sb->conns_open, 1);
		conn_refuse(c);
		return;
	}
	if (!max)
		SB_ADD(sb->conns_open, 1);
	c->counted = true;
	c->phase = CONN_IDLE;
	conn_watch(c, EV_READ);
	conn_deadline(c, l->srv->cfg->idle_ms / 1e3);
}

void conn_drain(struct loop *l)
{
	struct conn *c, *next;

	for (c = l->conns; c; c = next) {
		next = c->next;
		if (c->phase == CONN_IDLE || c->phase == CONN_READING)
			conn_close(c);
	}
	conn_loop_check(l);
}

void conn_free_all(struct loop *l)
{
	while (l->conns) {
		struct conn *c = l->conns;
		if (c->os) {
			serve_state_put(l, c->os);
			c->os = NULL;
		}
		conn_release(c);
	}
	serve_spares_free(l);
}
