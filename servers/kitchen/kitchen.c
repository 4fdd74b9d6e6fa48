/* kitchen.c: the kitchen service: a libev loop, a timer per ticket.
 *
 * Each connection reads lines; a valid ticket starts an ev_timer for its cook time and
 * the answer is queued when it fires. Answers are sent once per loop iteration from an
 * ev_prepare, so a hundred tickets finishing together cost one send(). A line longer
 * than KITCHEN_LINE_MAX closes the connection (the protocol's rule); a client that
 * stops reading its answers is closed once a megabyte is waiting. With --stoves N at
 * most N tickets cook at once and the rest wait in one FIFO queue, so a ticket's time is
 * its wait for a stove plus its cook time: Lesson 12 ("ten stoves") caps a restaurant
 * at N / cook time with it.
 */
#include "kitchen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kitchen_proto.h"

#define ACCEPT_PAUSE_S 0.1

struct kticket {
	ev_timer timer;
	uint64_t id;
	uint32_t ms;                  /* its cook time */
	bool cooking;                 /* on a stove (timer running), else waiting for one */
	struct kconn *conn;
	struct kticket *prev, *next;  /* the connection's tickets */
	struct kticket *qprev, *qnext; /* the kitchen's queue for a stove, while waiting */
};

struct kconn {
	ev_io io;
	struct kitchen *k;
	int fd;
	int watching;                 /* EV_READ, or EV_READ | EV_WRITE */
	char line[KITCHEN_LINE_MAX + 1];
	size_t line_len;
	char *wbuf;                   /* answers not yet sent */
	size_t wlen, woff, wcap;
	bool dirty;                   /* on the flush list */
	struct kconn *next_dirty;
	struct kticket *tickets;
	size_t ntickets;
	struct kconn *prev, *next;    /* the kitchen's connections */
};

struct kitchen {
	struct ev_loop *loop;
	int listen_fd;
	bool quiet;
	ev_io accept_w;
	ev_timer accept_pause;
	ev_prepare flush;
	struct kconn *conns;
	struct kconn *dirty;          /* connections with answers to send */
	uint32_t stoves;              /* --stoves: tickets cooking at once, 0 = no limit */
	struct kticket *qhead, *qtail; /* tickets waiting for a stove, oldest first */
	struct kitchen_stats stats;
};

/* Put a ticket on a stove: its cook time starts now. */
static void ticket_cook(struct kitchen *k, struct kticket *t)
{
	t->cooking = true;
	k->stats.cooking++;
	ev_timer_start(k->loop, &t->timer);
}

static void queue_unlink(struct kitchen *k, struct kticket *t)
{
	if (t->qprev)
		t->qprev->qnext = t->qnext;
	else
		k->qhead = t->qnext;
	if (t->qnext)
		t->qnext->qprev = t->qprev;
	else
		k->qtail = t->qprev;
	t->qprev = t->qnext = NULL;
	k->stats.waiting--;
}

/* A stove is free (a ticket cooked, or its connection went): the oldest waiting ticket
 * takes it. */
static void stove_freed(struct kitchen *k, struct kticket *t)
{
	if (t->cooking) {
		k->stats.cooking--;
		struct kticket *next = k->qhead;
		if (next) {
			queue_unlink(k, next);
			ticket_cook(k, next);
		}
	} else {
		queue_unlink(k, t);
	}
}

static void kconn_close(struct kconn *c)
{
	struct kitchen *k = c->k;

	while (c->tickets) {
		struct kticket *t = c->tickets;
		c->tickets = t->next;
		ev_timer_stop(k->loop, &t->timer);
		stove_freed(k, t);
		free(t);
		k->stats.in_flight--;
	}
	if (c->dirty) { /* unlink from the flush list */
		struct kconn **pp = &k->dirty;
		while (*pp != c)
			pp = &(*pp)->next_dirty;
		*pp = c->next_dirty;
	}
	ev_io_stop(k->loop, &c->io);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		k->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	k->stats.conns_open--;
	free(c->wbuf);
	free(c);
}

static void kconn_watch(struct kconn *c, int events)
{
	if (c->watching == events)
		return;
	ev_io_stop(c->k->loop, &c->io);
	ev_io_modify(&c->io, events);
	ev_io_start(c->k->loop, &c->io);
	c->watching = events;
}

/* Queue an answer line; it goes out at the end of this loop iteration. Returns -1
 * (and closes the connection) when the client has let too much pile up. */
static int kconn_answer(struct kconn *c, const char *fmt, uint64_t id, const char *reason)
{
	char line[KITCHEN_LINE_MAX + 2];
	int n = snprintf(line, sizeof(line), fmt, id, reason);

	if (n < 0 || (size_t)n >= sizeof(line))
		n = snprintf(line, sizeof(line), "ERR %" PRIu64 "\n", id);
	if (c->wlen + (size_t)n > c->wcap) {
		size_t cap = c->wcap ? c->wcap * 2 : 512;
		char *b = cap > KITCHEN_WBUF_MAX ? NULL : realloc(c->wbuf, cap);
		if (b == NULL) {
			kconn_close(c);
			return -1;
		}
		c->wbuf = b;
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, line, (size_t)n);
	c->wlen += (size_t)n;
	if (!c->dirty) {
		c->dirty = true;
		c->next_dirty = c->k->dirty;
		c->k->dirty = c;
		if (!ev_is_active(&c->k->flush))
			ev_prepare_start(c->k->loop, &c->k->flush);
	}
	return 0;
}

static void ticket_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct kticket *t = (struct kticket *)w;
	struct kconn *c = t->conn;

	(void)loop;
	(void)revents;
	if (t->prev)
		t->prev->next = t->next;
	else
		c->tickets = t->next;
	if (t->next)
		t->next->prev = t->prev;
	c->ntickets--;
	c->k->stats.in_flight--;
	c->k->stats.cooked++;
	stove_freed(c->k, t);
	uint64_t id = t->id;
	free(t);
	kconn_answer(c, "DONE %" PRIu64 "\n", id, "");
}

/* One line from a client. Returns -1 when the connection was closed. */
static int kconn_line(struct kconn *c, const char *line, size_t len)
{
	struct kitchen *k = c->k;
	uint32_t ms;
	uint64_t id;

	if (len == 0 || (len == 1 && line[0] == '\r'))
		return 0; /* an empty line (a telnet user pressing Enter) */
	if (kitchen_parse_ticket(line, len, &ms, &id) < 0) {
		k->stats.refused++;
		return kconn_answer(c, "ERR %" PRIu64 " %s\n", 0, "not a ticket: COOK <ms 0-60000> <id>");
	}
	k->stats.tickets++;
	struct kticket *t = c->ntickets < KITCHEN_TICKETS_MAX ? calloc(1, sizeof(*t)) : NULL;
	if (t == NULL) {
		k->stats.refused++;
		return kconn_answer(c, "ERR %" PRIu64 " %s\n", id, "too many tickets on this connection");
	}
	t->id = id;
	t->conn = c;
	t->next = c->tickets;
	if (c->tickets)
		c->tickets->prev = t;
	c->tickets = t;
	c->ntickets++;
	k->stats.in_flight++;
	t->ms = ms;
	ev_timer_init(&t->timer, ticket_cb, ms / 1e3, 0.);
	if (k->stoves == 0 || k->stats.cooking < k->stoves) {
		ticket_cook(k, t);
		return 0;
	}
	t->qprev = k->qtail; /* every stove is busy: wait in the kitchen's own queue */
	if (k->qtail)
		k->qtail->qnext = t;
	else
		k->qhead = t;
	k->qtail = t;
	k->stats.waiting++;
	return 0;
}

static void kconn_read(struct kconn *c)
{
	char buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		kconn_close(c);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (kconn_line(c, c->line, c->line_len) < 0)
				return;
			c->line_len = 0;
		} else if (c->line_len < KITCHEN_LINE_MAX) {
			c->line[c->line_len++] = buf[i];
		} else {
			if (!c->k->quiet)
				fprintf(stderr, "kitchen: a line over %d bytes: closing that connection\n", KITCHEN_LINE_MAX);
			kconn_close(c);
			return;
		}
	}
}

/* Send queued answers. Returns -1 when the connection was closed. */
static int kconn_flush(struct kconn *c)
{
	while (c->woff < c->wlen) {
		ssize_t w = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			kconn_watch(c, EV_READ | EV_WRITE);
			return 0;
		}
		if (w < 0) {
			kconn_close(c);
			return -1;
		}
		c->woff += (size_t)w;
	}
	c->woff = c->wlen = 0;
	kconn_watch(c, EV_READ);
	return 0;
}

static void kconn_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kconn *c = (struct kconn *)w;

	(void)loop;
	if ((revents & EV_WRITE) && kconn_flush(c) < 0)
		return;
	if (revents & EV_READ)
		kconn_read(c);
}

static void flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct kitchen *k = w->data;

	(void)revents;
	ev_prepare_stop(loop, w);
	while (k->dirty) {
		struct kconn *c = k->dirty;
		k->dirty = c->next_dirty;
		c->dirty = false;
		if (!(c->watching & EV_WRITE))
			kconn_flush(c);
	}
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kitchen *k = w->data;

	(void)revents;
	for (int i = 0; i < 64; i++) {
		int fd = accept4(k->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				/* out of descriptors: wait instead of spinning on the ready listener */
				if (!k->quiet)
					fprintf(stderr, "kitchen: accept: %s\n", strerror(errno));
				ev_io_stop(loop, w);
				ev_timer_start(loop, &k->accept_pause);
			}
			return;
		}
		struct kconn *c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->k = k;
		c->fd = fd;
		c->next = k->conns;
		if (k->conns)
			k->conns->prev = c;
		k->conns = c;
		k->stats.conns_open++;
		ev_io_init(&c->io, kconn_cb, fd, EV_READ);
		c->watching = EV_READ;
		ev_io_start(loop, &c->io);
	}
}

static void accept_pause_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct kitchen *k = w->data;

	(void)revents;
	ev_io_start(loop, &k->accept_w);
}

int kitchen_new(struct kitchen **out, struct ev_loop *loop, int listen_fd, bool quiet, uint32_t stoves)
{
	struct kitchen *k = calloc(1, sizeof(*k));

	*out = NULL;
	if (k == NULL)
		return -ENOMEM;
	k->loop = loop;
	k->listen_fd = listen_fd;
	k->quiet = quiet;
	k->stoves = stoves;
	ev_io_init(&k->accept_w, accept_cb, listen_fd, EV_READ);
	ev_timer_init(&k->accept_pause, accept_pause_cb, ACCEPT_PAUSE_S, 0.);
	ev_prepare_init(&k->flush, flush_cb);
	k->accept_w.data = k->accept_pause.data = k->flush.data = k;
	ev_io_start(loop, &k->accept_w);
	*out = k;
	return 0;
}

void kitchen_free(struct kitchen *k)
{
	if (k == NULL)
		return;
	while (k->conns)
		kconn_close(k->conns);
	ev_io_stop(k->loop, &k->accept_w);
	ev_timer_stop(k->loop, &k->accept_pause);
	ev_prepare_stop(k->loop, &k->flush);
	close(k->listen_fd);
	free(k);
}

void kitchen_get_stats(const struct kitchen *k, struct kitchen_stats *out)
{
	*out = k->stats;
}
