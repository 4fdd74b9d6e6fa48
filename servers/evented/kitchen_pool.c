/* kitchen_pool.c: pooled non-blocking connections to bin/kitchen (see kitchen_pool.h).
 *
 * Tickets live in a slot table; a ticket's id is (generation << 32 | slot), so an
 * answer finds its order in O(1) and a late answer for a cancelled ticket (whose slot
 * has moved on to a new generation) is recognised and dropped. Tickets are appended
 * to a connection's send buffer and flushed once per loop iteration from an
 * ev_prepare, so a burst of orders costs one send() and no failure is ever reported
 * from inside kitchen_pool_submit. Lesson 12 ("ten stoves") leans on this file.
 */
#include "kitchen_pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "kitchen_proto.h"
#include "net.h"

#define NO_LINK (-1)
#define LOG_EVERY_NS NS_PER_SEC

struct ticket {
	kitchen_done_fn done;  /* NULL: slot free */
	void *arg;
	uint32_t gen;          /* bumped at every use of the slot */
	int32_t link;          /* connection it was sent on */
};

struct link {
	ev_io io;
	ev_timer connect_timer; /* KITCHEN_POOL_CONNECT_TIMEOUT_S */
	struct kitchen_pool *pool;
	int fd;                 /* -1 while down */
	int index;
	bool connecting;        /* non-blocking connect in progress */
	int watching;           /* events the io watcher has */
	uint32_t epoch;         /* bumped when the link fails: stale reads stop */
	uint32_t in_flight;     /* tickets sent on this link, not answered */
	char *wbuf;             /* tickets not yet sent */
	size_t wlen, woff, wcap;
	char line[KITCHEN_LINE_MAX + 1]; /* a partly received answer */
	size_t line_len;
};

struct kitchen_pool {
	struct ev_loop *loop;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char where[96];          /* "HOST:PORT" for messages */
	bool quiet;
	struct link links[KITCHEN_POOL_LINKS];
	unsigned next_link;      /* round robin */
	ev_prepare flush;        /* sends what submit queued, once per iteration */
	struct ticket *tickets;
	uint32_t nslots, cap;    /* slots used so far, allocated */
	uint32_t *free_slots;
	uint32_t nfree;
	size_t in_flight;
	uint64_t logged_ns;      /* last failure message, to say it once a second */
};

static void pool_log(struct kitchen_pool *p, const char *what, int err)
{
	uint64_t now = clock_now_ns();

	if (p->quiet || (p->logged_ns && now - p->logged_ns < LOG_EVERY_NS))
		return;
	p->logged_ns = now;
	fprintf(stderr, "evented: kitchen %s: %s%s%s (orders get 502 until it is back)\n", p->where, what,
		err ? ": " : "", err ? strerror(err) : "");
}

/* ---- the slot table ---- */

static int slot_alloc(struct kitchen_pool *p, uint32_t *idx)
{
	if (p->nfree > 0) {
		*idx = p->free_slots[--p->nfree];
		return 0;
	}
	if (p->nslots == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 64;
		struct ticket *t = realloc(p->tickets, cap * sizeof(*t));
		if (t == NULL)
			return -ENOMEM;
		p->tickets = t;
		uint32_t *f = realloc(p->free_slots, cap * sizeof(*f));
		if (f == NULL)
			return -ENOMEM;
		p->free_slots = f;
		p->cap = cap;
	}
	*idx = p->nslots++;
	p->tickets[*idx].gen = 0;
	return 0;
}

static void slot_free(struct kitchen_pool *p, uint32_t idx)
{
	struct ticket *t = &p->tickets[idx];

	if (t->link != NO_LINK)
		p->links[t->link].in_flight--;
	t->done = NULL;
	t->link = NO_LINK;
	p->free_slots[p->nfree++] = idx;
	p->in_flight--;
}

/* The live ticket with this id, or NULL (unknown, answered or cancelled). */
static struct ticket *slot_find(struct kitchen_pool *p, uint64_t id, uint32_t *idx)
{
	uint32_t i = (uint32_t)id, gen = (uint32_t)(id >> 32);

	if (i >= p->nslots || p->tickets[i].done == NULL || p->tickets[i].gen != gen)
		return NULL;
	*idx = i;
	return &p->tickets[i];
}

/* ---- one connection ---- */

static void link_watch(struct link *k, int events)
{
	struct ev_loop *loop = k->pool->loop;

	if (k->watching == events)
		return;
	if (k->watching)
		ev_io_stop(loop, &k->io);
	k->watching = events;
	if (events) {
		ev_io_modify(&k->io, events);
		ev_io_start(loop, &k->io);
	}
}

/* Close the connection and fail its tickets with 502. The callbacks run last, on a
 * copy of the list, so they may submit or cancel other tickets freely. */
static void link_fail(struct link *k, const char *why, int err)
{
	struct kitchen_pool *p = k->pool;
	struct { kitchen_done_fn done; void *arg; } *failed = NULL;
	size_t n = 0;

	pool_log(p, why, err);
	k->epoch++;
	link_watch(k, 0);
	ev_timer_stop(p->loop, &k->connect_timer);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->connecting = false;
	k->wlen = k->woff = 0;
	k->line_len = 0;
	if (k->in_flight > 0)
		failed = malloc(k->in_flight * sizeof(*failed));
	for (uint32_t i = 0; i < p->nslots && k->in_flight > 0; i++) {
		struct ticket *t = &p->tickets[i];
		if (t->done == NULL || t->link != k->index)
			continue;
		if (failed) {
			failed[n].done = t->done;
			failed[n].arg = t->arg;
			n++;
		}
		slot_free(p, i);
	}
	for (size_t i = 0; i < n; i++)
		failed[i].done(failed[i].arg, 502);
	free(failed);
}

static void link_answer(struct link *k, const char *line, size_t len)
{
	struct kitchen_pool *p = k->pool;
	uint64_t id;
	uint32_t idx;
	int rc = kitchen_parse_answer(line, len, &id);

	if (rc < 0) {
		link_fail(k, "answered something that is not DONE or ERR", 0);
		return;
	}
	struct ticket *t = slot_find(p, id, &idx);
	if (t == NULL)
		return; /* cancelled after its order timed out */
	kitchen_done_fn done = t->done;
	void *arg = t->arg;
	slot_free(p, idx);
	done(arg, rc == 1 ? 0 : 502);
}

/* Split what arrived into lines; a line longer than the protocol allows is an error. */
static void link_read(struct link *k)
{
	char buf[4096];
	ssize_t n = recv(k->fd, buf, sizeof(buf), 0);

	if (n == 0) {
		link_fail(k, "closed the connection", 0);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			link_fail(k, "read failed", errno);
		return;
	}
	uint32_t epoch = k->epoch;
	for (ssize_t i = 0; i < n && k->epoch == epoch; i++) {
		if (buf[i] == '\n') {
			link_answer(k, k->line, k->line_len);
			k->line_len = 0;
		} else if (k->line_len < KITCHEN_LINE_MAX) {
			k->line[k->line_len++] = buf[i];
		} else {
			link_fail(k, "answered a line over 64 bytes", 0);
		}
	}
}

/* Send what is queued; returns false after a failure (the link is down then). */
static bool link_flush(struct link *k)
{
	while (k->woff < k->wlen) {
		ssize_t w = send(k->fd, k->wbuf + k->woff, k->wlen - k->woff, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			link_watch(k, EV_READ | EV_WRITE);
			return true;
		}
		if (w < 0) {
			link_fail(k, "send failed", errno);
			return false;
		}
		k->woff += (size_t)w;
	}
	k->woff = k->wlen = 0;
	link_watch(k, EV_READ);
	return true;
}

static void link_connected(struct link *k)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		link_fail(k, "cannot connect", err);
		return;
	}
	ev_timer_stop(k->pool->loop, &k->connect_timer);
	k->connecting = false;
	net_set_nodelay(k->fd);
	link_flush(k);
}

static void link_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct link *k = (struct link *)w;

	(void)loop;
	if (k->connecting) {
		link_connected(k);
		return;
	}
	if ((revents & EV_WRITE) && !link_flush(k))
		return;
	if (revents & EV_READ)
		link_read(k);
}

static void link_connect_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct link *k = w->data;

	(void)loop;
	(void)revents;
	if (k->connecting)
		link_fail(k, "cannot connect", ETIMEDOUT);
}

static int link_connect(struct link *k)
{
	struct kitchen_pool *p = k->pool;
	int fd = net_connect(&p->addr, p->addrlen, true);

	if (fd < 0) {
		pool_log(p, "cannot connect", -fd);
		return fd;
	}
	k->fd = fd;
	k->connecting = true;
	k->line_len = 0;
	ev_io_init(&k->io, link_cb, fd, EV_WRITE);
	k->watching = 0;
	link_watch(k, EV_WRITE);
	ev_now_update(p->loop); /* rare: the timer runs from now, not the iteration's start */
	ev_timer_set(&k->connect_timer, KITCHEN_POOL_CONNECT_TIMEOUT_S, 0.);
	ev_timer_start(p->loop, &k->connect_timer);
	return 0;
}

static int link_queue(struct link *k, const char *line, size_t len)
{
	if (k->wlen + len > k->wcap) {
		if (k->wlen + len > KITCHEN_POOL_WBUF_MAX)
			return -ENOBUFS;
		size_t cap = k->wcap ? k->wcap * 2 : 1024;
		while (cap < k->wlen + len)
			cap *= 2;
		char *b = realloc(k->wbuf, cap);
		if (b == NULL)
			return -ENOMEM;
		k->wbuf = b;
		k->wcap = cap;
	}
	memcpy(k->wbuf + k->wlen, line, len);
	k->wlen += len;
	return 0;
}

/* ---- the pool ---- */

static void flush_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct kitchen_pool *p = w->data;

	(void)revents;
	ev_prepare_stop(loop, w);
	for (int i = 0; i < KITCHEN_POOL_LINKS; i++) {
		struct link *k = &p->links[i];
		if (k->fd >= 0 && !k->connecting && k->wlen > k->woff && !(k->watching & EV_WRITE))
			link_flush(k);
	}
}

int kitchen_pool_new(struct kitchen_pool **out, struct ev_loop *loop, const char *host, uint16_t port, bool quiet)
{
	struct kitchen_pool *p = calloc(1, sizeof(*p));
	int err;

	*out = NULL;
	if (p == NULL)
		return -ENOMEM;
	err = net_resolve(host, port, &p->addr, &p->addrlen);
	if (err < 0) {
		free(p);
		return err;
	}
	p->loop = loop;
	p->quiet = quiet;
	snprintf(p->where, sizeof(p->where), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, (unsigned)port);
	for (int i = 0; i < KITCHEN_POOL_LINKS; i++) {
		p->links[i].pool = p;
		p->links[i].fd = -1;
		p->links[i].index = i;
		ev_init(&p->links[i].connect_timer, link_connect_timeout_cb);
		p->links[i].connect_timer.data = &p->links[i];
	}
	ev_prepare_init(&p->flush, flush_cb);
	p->flush.data = p;
	*out = p;
	return 0;
}

void kitchen_pool_free(struct kitchen_pool *p)
{
	if (p == NULL)
		return;
	ev_prepare_stop(p->loop, &p->flush);
	for (int i = 0; i < KITCHEN_POOL_LINKS; i++) {
		struct link *k = &p->links[i];
		link_watch(k, 0);
		ev_timer_stop(p->loop, &k->connect_timer);
		if (k->fd >= 0)
			close(k->fd);
		free(k->wbuf);
	}
	free(p->tickets);
	free(p->free_slots);
	free(p);
}

/* Round robin over the links; a link that is down is connected now. */
static struct link *pick_link(struct kitchen_pool *p)
{
	for (int tries = 0; tries < KITCHEN_POOL_LINKS; tries++) {
		struct link *k = &p->links[p->next_link++ % KITCHEN_POOL_LINKS];
		if (k->fd >= 0 || link_connect(k) == 0)
			return k;
	}
	return NULL;
}

uint64_t kitchen_pool_submit(struct kitchen_pool *p, uint32_t cook_ms, kitchen_done_fn done, void *arg)
{
	struct link *k = pick_link(p);
	char line[KITCHEN_LINE_MAX];
	uint32_t idx;

	if (k == NULL || slot_alloc(p, &idx) < 0)
		return 0;
	struct ticket *t = &p->tickets[idx];
	if (++t->gen == 0)
		t->gen = 1; /* ids are never 0 */
	uint64_t id = (uint64_t)t->gen << 32 | idx;
	size_t len = kitchen_format_ticket(line, sizeof(line), cook_ms, id);
	if (len == 0 || link_queue(k, line, len) < 0) {
		t->link = NO_LINK;
		t->done = NULL;
		p->free_slots[p->nfree++] = idx;
		pool_log(p, "too many tickets waiting to be sent", 0);
		return 0;
	}
	t->done = done;
	t->arg = arg;
	t->link = k->index;
	k->in_flight++;
	p->in_flight++;
	if (!ev_is_active(&p->flush))
		ev_prepare_start(p->loop, &p->flush);
	return id;
}

void kitchen_pool_cancel(struct kitchen_pool *p, uint64_t ticket)
{
	uint32_t idx;

	if (slot_find(p, ticket, &idx))
		slot_free(p, idx);
}

size_t kitchen_pool_in_flight(const struct kitchen_pool *p)
{
	return p->in_flight;
}
