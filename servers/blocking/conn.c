/* conn.c: a customer's connection and the cashier's blocking I/O on it (see conn.h).
 *
 * Every wait is a blocking call on this one descriptor. A deadline is given to it with
 * poll() on that single descriptor, in slices of CONN_POLL_SLICE_MS so that a cashier
 * stuck on a silent customer still notices a shutdown: the cashier waits on one
 * customer at a time, which is the whole point of the blocking model.
 */
#include "conn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"

struct conn *conn_new(int fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->fd = fd;
	c->fresh = true;
	request_parser_init(&c->parser);
	return c;
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

bool conn_has_input(const struct conn *c)
{
	return c->in_off < c->in_len;
}

static bool stop_requested(const int *stopping)
{
	return stopping && __atomic_load_n(stopping, __ATOMIC_ACQUIRE);
}

/* Wait until fd has events (POLLIN, POLLOUT): 1, 0 when deadline_ns passed (0 =
 * never), -ECANCELED when stopping (only if honour_stop: bytes already sent are an
 * order in hand, and a shutdown still serves it), or -errno. */
static int wait_ready(int fd, short events, uint64_t deadline_ns, const int *stopping, bool honour_stop)
{
	for (int round = 0;; round++) {
		int slice = round == 0 ? 0 : CONN_POLL_SLICE_MS; /* first look, then wait */
		if (deadline_ns) {
			uint64_t now = clock_now_ns();
			if (now >= deadline_ns)
				return 0;
			uint64_t left_ms = (deadline_ns - now + NS_PER_MS - 1) / NS_PER_MS;
			if (left_ms < (uint64_t)slice)
				slice = (int)left_ms;
		}
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, slice);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (honour_stop && stop_requested(stopping))
			return -ECANCELED;
	}
}

/* A blocking recv into c->in, as a thread-per-connection server does: one system call
 * when bytes are there or arrive. The wait is bounded by SO_RCVTIMEO in slices of at most
 * CONN_POLL_SLICE_MS (set only when the slice changes, so mostly once per connection),
 * so that a shutdown or the deadline is noticed. Bytes read (> 0), 0 at EOF, or
 * -ETIMEDOUT (deadline passed), -ECANCELED (stopping, only if honour_stop: bytes
 * already sent are an order in hand, and a shutdown still serves it), -errno. */
static ssize_t recv_blocking(struct conn *c, uint64_t deadline_ns, const int *stopping, bool honour_stop)
{
	for (;;) {
		uint32_t slice = CONN_POLL_SLICE_MS;
		if (deadline_ns) {
			uint64_t now = clock_now_ns();
			if (now >= deadline_ns)
				return -ETIMEDOUT;
			uint64_t left_ms = (deadline_ns - now + NS_PER_MS - 1) / NS_PER_MS;
			if (left_ms < slice)
				slice = (uint32_t)left_ms;
		}
		if (slice != c->rcvtimeo_ms) {
			struct timeval tv = { .tv_sec = slice / 1000, .tv_usec = (slice % 1000) * 1000 };
			if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
				return -errno;
			c->rcvtimeo_ms = slice;
		}
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), 0);
		if (n >= 0)
			return n;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (honour_stop && stop_requested(stopping))
			return -ECANCELED;
	}
}

/* The next order's first bytes are read into c->in (no peek: the read is the wait). */
enum conn_wait conn_wait_order(struct conn *c, uint64_t deadline_ns, const int *stopping)
{
	if (conn_has_input(c))
		return CONN_READY;
	ssize_t n = recv_blocking(c, deadline_ns, stopping, true);
	if (n == -ECANCELED)
		return CONN_STOPPED;
	if (n == -ETIMEDOUT)
		return CONN_IDLE_TIMEOUT;
	if (n <= 0)
		return CONN_PEER_CLOSED;
	c->in_off = 0;
	c->in_len = (size_t)n;
	return CONN_READY;
}

/* Cost: one request_feed over buffered bytes, then one recv per segment that arrives.
 * A fresh parser per request (request_parser_next); what follows the request stays in
 * c->in for the next one. */
enum conn_read conn_read_request(struct conn *c, uint64_t deadline_ns, const int *stopping)
{
	request_parser_next(&c->parser);
	for (;;) {
		if (conn_has_input(c)) {
			size_t used = 0;
			enum request_status st =
				request_feed(&c->parser, c->in + c->in_off, c->in_len - c->in_off, &used);
			c->in_off += used;
			if (c->in_off >= c->in_len)
				c->in_off = c->in_len = 0;
			if (st == REQUEST_DONE)
				return CONN_REQUEST;
			if (st == REQUEST_BAD)
				return CONN_BAD;
		}
		bool started = request_started(&c->parser);
		ssize_t n = recv_blocking(c, deadline_ns, stopping, !started);
		if (n == -ECANCELED)
			return CONN_READ_STOPPED;
		if (n == -ETIMEDOUT)
			return CONN_HEAD_TIMEOUT;
		if (n <= 0)
			return started ? CONN_CUT : CONN_GONE;
		c->in_off = 0;
		c->in_len = (size_t)n;
	}
}

/* The deadline covers the whole answer, not each send: a customer who reads a few
 * bytes now and then cannot keep a cashier past --send-timeout-ms (SO_SNDTIMEO would
 * restart its clock on every partial write). */
int conn_write_all(struct conn *c, const char *buf, size_t len, uint64_t deadline_ns)
{
	while (len > 0) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return n < 0 ? -errno : -EPIPE;
		int r = wait_ready(c->fd, POLLOUT, deadline_ns, NULL, false);
		if (r == 0)
			return -ETIMEDOUT; /* the customer does not read their answer */
		if (r < 0)
			return r;
	}
	return 0;
}
