/* conn.c: the client connection state machine (see conn.h).
 *
 * CLOSED -> CONNECTING -> WRITING -> READING -> IDLE (kept) or CLOSED, and from IDLE
 * straight to WRITING for the next order. Reading is watched in every open state, so
 * a server that answers early (431, 408 to a trickled request) or closes an idle
 * connection is noticed at once.
 */
#include "conn.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"
#include "stats.h"

static void on_io(struct ev_loop *loop, ev_io *w, int revents);
static void on_trickle(struct ev_loop *loop, ev_timer *w, int revents);

void conn_init(struct lg_conn *c, const struct conn_env *env, uint32_t slot)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->env = env;
	c->slot = slot;
	c->kind = -1;
	ev_init(&c->io, on_io);
	c->io.data = c;
	ev_init(&c->trickle, on_trickle);
	c->trickle.data = c;
	c->pause.data = c;
}

/* Change what the watcher waits for; costs an epoll_ctl, so only when it differs. */
static void watch(struct lg_conn *c, unsigned events)
{
	if (c->io_events == events)
		return;
	ev_io_stop(c->env->loop, &c->io);
	c->io_events = events;
	if (events) {
		ev_io_set(&c->io, c->fd, (int)events);
		ev_io_start(c->env->loop, &c->io);
	}
}

void conn_close(struct lg_conn *c)
{
	if (c->fd < 0)
		return;
	watch(c, 0);
	ev_timer_stop(c->env->loop, &c->trickle);
	close(c->fd);
	c->fd = -1;
	c->state = CONN_CLOSED;
	c->reused = false;
	STAT_ADD(*c->env->conns_open, -1);
}

static void fail(struct lg_conn *c, enum loadgen_error kind, int err_no)
{
	conn_close(c);
	c->env->on_failure(c, kind, err_no);
}

/* Send what is left of the request, or one byte of it when trickling. Returns 0 when
 * sent or waiting for room, or a negative errno. */
static int write_some(struct lg_conn *c)
{
	const struct reqtext *r = c->req;
	size_t left = r->len - c->req_off;
	bool trickle = c->env->trickle_ns > 0;
	ssize_t n = send(c->fd, r->bytes + c->req_off, trickle ? 1 : left, MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		watch(c, EV_READ | EV_WRITE);
		return 0;
	}
	c->req_off += (size_t)n;
	if (c->req_off == r->len) {
		c->state = CONN_READING;
		watch(c, EV_READ);
		if (trickle) /* the timeout waits for the response, not for the trickle */
			c->deadline_ns = clock_now_ns() + c->timeout_ns;
		c->env->on_sent(c);
		return 0;
	}
	if (trickle) {
		watch(c, EV_READ);
		ev_timer_set(&c->trickle, (double)c->env->trickle_ns / 1e9, 0.0);
		ev_timer_start(c->env->loop, &c->trickle);
	} else {
		watch(c, EV_READ | EV_WRITE);
	}
	return 0;
}

static int begin_write(struct lg_conn *c, uint64_t now_ns)
{
	c->state = CONN_WRITING;
	c->req_off = 0;
	c->t_send_ns = now_ns;
	return write_some(c);
}

/* A new non-blocking socket, connecting. 0 or a negative errno (nothing open then). */
static int open_socket(struct lg_conn *c, uint64_t now_ns)
{
	int fd = net_connect(c->env->addr, c->env->addrlen, true);
	if (fd < 0)
		return fd;
	c->fd = fd;
	c->reused = false;
	c->io_events = 0;
	STAT_ADD(*c->env->conns_open, 1);
	net_set_nodelay(fd);
	if (c->env->rx_stamps) {
		int one = 1;
		(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one); /* else times are taken at the read */
	}
	c->state = CONN_CONNECTING;
	c->t_send_ns = now_ns;
	watch(c, EV_WRITE);
	return 0;
}

static enum loadgen_error connect_error_kind(int rc)
{
	return (rc == -EMFILE || rc == -ENFILE) ? LERR_EMFILE : LERR_CONNECT;
}

int conn_start(struct lg_conn *c, const struct reqtext *req, uint64_t t_start_ns, uint64_t now_ns,
	       uint64_t timeout_ns, enum loadgen_error *kind)
{
	c->req = req;
	c->t_start_ns = t_start_ns;
	c->timeout_ns = timeout_ns;
	c->deadline_ns = now_ns + timeout_ns;
	response_parser_init(&c->rp);
	c->rbytes = 0;

	if (c->fd >= 0) {
		c->reused = true;
		int rc = begin_write(c, now_ns);
		if (rc == 0)
			return 0;
		conn_close(c);  /* the server closed it while it sat idle: a fresh one */
		c->env->on_retry(c);
	}
	int rc = open_socket(c, now_ns);
	if (rc)
		*kind = connect_error_kind(rc);
	return rc;
}

/* A kept-alive connection closed under a request before any byte of the response
 * came: the server gave up on the idle connection as the request crossed (its idle
 * timeout, often after a stall). Resend once on a new connection, as HTTP clients do
 * for idempotent requests (RFC 9112, 9.3.1); the latency keeps running from the
 * customer's start and the deadline stays. True when the retry is under way (or
 * failed and was reported). */
static bool retry_fresh(struct lg_conn *c)
{
	if (!c->reused || c->rp.started || c->state == CONN_CONNECTING || c->state == CONN_IDLE)
		return false;
	conn_close(c);
	response_parser_init(&c->rp);
	int rc = open_socket(c, clock_now_ns());
	if (rc) {
		c->env->on_failure(c, connect_error_kind(rc), -rc);
		return true;
	}
	c->env->on_retry(c);
	return true;
}

/* A read or write failed: resend if the kept-alive connection died under the
 * request, else report the failure. */
static void fail_io(struct lg_conn *c, enum loadgen_error kind, int err_no)
{
	if (!retry_fresh(c))
		fail(c, kind, err_no);
}

/* The connect finished, one way or the other. */
static void on_connected(struct lg_conn *c)
{
	int soerr = 0;
	socklen_t len = sizeof soerr;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		soerr = errno;
	if (soerr) {
		fail(c, LERR_CONNECT, soerr);
		return;
	}
	int rc = begin_write(c, clock_now_ns());
	if (rc)
		fail_io(c, LERR_WRITE, -rc);
}

/* The response is complete: hand it over, keeping the connection only if both the
 * server and the request allow. */
static void finish(struct lg_conn *c, bool keep)
{
	int status = c->rp.status;
	ev_timer_stop(c->env->loop, &c->trickle);
	if (keep && c->req->keepalive) {
		c->state = CONN_IDLE;
		watch(c, EV_READ);
	} else {
		conn_close(c);
	}
	c->env->on_response(c, status, c->state == CONN_IDLE);
}

static void on_eof_or_error(struct lg_conn *c, int err_no)
{
	if (c->state == CONN_IDLE) {
		conn_close(c);
		c->env->on_idle_closed(c);
		return;
	}
	if (err_no == 0 && response_eof(&c->rp) == RESPONSE_DONE) { /* a body that ends with the close */
		finish(c, false);
		return;
	}
	fail_io(c, LERR_READ, err_no);
}

/* A read that also takes the kernel's receive time of the bytes it returns (the
 * newest segment's, so for a response that completes in this read, when its last byte
 * came), turned from the realtime clock the kernel stamps with into the monotonic one
 * the customers' times are in. A stamp from the future (the realtime clock stepped)
 * is not used. */
static ssize_t read_stamped(struct lg_conn *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { c->env->rbuf, c->env->rbuf_len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	ssize_t n = recvmsg(c->fd, &msg, 0);
	c->t_rx_ns = 0;
	if (n <= 0)
		return n;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPNS)
			continue;
		struct timespec ts, real_now;
		memcpy(&ts, CMSG_DATA(cm), sizeof ts);
		uint64_t now = clock_now_ns();
		clock_gettime(CLOCK_REALTIME, &real_now);
		int64_t age = ((int64_t)real_now.tv_sec - ts.tv_sec) * (int64_t)NS_PER_SEC + (real_now.tv_nsec - ts.tv_nsec);
		if (age >= 0 && (uint64_t)age < now)
			c->t_rx_ns = now - (uint64_t)age;
	}
	return n;
}

uint64_t conn_response_time(const struct lg_conn *c, uint64_t now_ns)
{
	return c->t_rx_ns >= c->t_send_ns && c->t_rx_ns <= now_ns ? c->t_rx_ns : now_ns;
}

/* One read per readable event: level-triggered epoll calls again if more is there. */
static void on_readable(struct lg_conn *c)
{
	ssize_t n = c->env->rx_stamps ? read_stamped(c) : read(c->fd, c->env->rbuf, c->env->rbuf_len);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		on_eof_or_error(c, errno);
		return;
	}
	if (n == 0) {
		on_eof_or_error(c, 0);
		return;
	}
	if (c->state == CONN_IDLE) { /* bytes nobody asked for: do not reuse */
		conn_close(c);
		c->env->on_idle_closed(c);
		return;
	}
	size_t used = (size_t)n;
	enum response_status st = response_feed(&c->rp, c->env->rbuf, (size_t)n, &used);
	c->rbytes += used;
	switch (st) {
	case RESPONSE_NEED_MORE:
		return;
	case RESPONSE_DONE:
		/* stray bytes after the response: the stream is out of step, do not reuse */
		finish(c, c->rp.keep_alive && used == (size_t)n);
		return;
	case RESPONSE_BAD:
		fail(c, LERR_PARSE, 0);
		return;
	}
}

/* Writes first: a finished send moves to READING, and the read below may then take
 * the response in the same wakeup. After a callback the connection may belong to a
 * new customer, so nothing of the old one is touched after it. */
static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lg_conn *c = w->data;
	(void)loop;
	if (c->state == CONN_CONNECTING) {
		on_connected(c);
		return;
	}
	if ((revents & EV_WRITE) && c->state == CONN_WRITING && !ev_is_active(&c->trickle)) {
		int rc = write_some(c);
		if (rc) {
			fail_io(c, LERR_WRITE, -rc);
			return;
		}
	}
	if ((revents & EV_READ) && c->fd >= 0)
		on_readable(c);
}

static void on_trickle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lg_conn *c = w->data;
	(void)loop;
	(void)revents;
	if (c->state != CONN_WRITING)
		return;
	int rc = write_some(c);
	if (rc)
		fail_io(c, LERR_WRITE, -rc);
}
