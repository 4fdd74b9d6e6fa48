/* acceptor.c: the door and the waiting room (see acceptor.h).
 *
 * The one place in the blocking server that waits on many descriptors at once (epoll):
 * a door needs a doorman, and a customer who is only thinking about their next order
 * must not hold a cashier, or 4 idle keep-alive connections would stop a 4-cashier
 * crew (that is what --hold-connection shows on purpose). Everything a cashier does
 * with a customer is still a blocking call on that one customer.
 *
 * Ownership: a connection in the room belongs to the room (the list below, under mu);
 * its descriptor is armed EPOLLONESHOT, so one event hands it back to this thread, which
 * takes it off the list and passes it on (to the line) or closes it. Cashiers only add
 * to the room. Timeouts are swept every ACCEPTOR_SWEEP_MS by scanning the room: O(n) in
 * waiting connections, a few microseconds per thousand.
 */
#include "acceptor.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "order.h"
#include "order_desk.h"
#include "restaurant.h"

#define ACCEPTOR_SWEEP_MS 100
#define ACCEPTOR_EVENTS 64

struct acceptor {
	struct blocking_server *srv;
	acceptor_spawn_fn *spawn;      /* --threads 0: a thread for a new connection */
	int epfd;
	int wake_fd;                   /* eventfd: written by acceptor_stop */
	pthread_t thread;
	bool started;

	pthread_mutex_t mu;            /* guards room and stopped */
	struct conn *room;             /* the waiting room, a doubly linked list */
	bool stopped;                  /* thread gone: hand-ins are closed at once */

	bool listening;                /* listener is in the epoll set */
	uint64_t resume_accept_ns;     /* backing off after EMFILE/ENFILE until then */
	uint64_t last_accept_log_ns;
};

/* epoll data for the two descriptors that are not customers */
static char listen_mark, wake_mark;

static uint64_t deadline_after(uint32_t ms)
{
	return ms ? clock_now_ns() + (uint64_t)ms * NS_PER_MS : 0;
}

static void room_unlink(struct acceptor *a, struct conn *c)
{
	if (c->room_prev)
		c->room_prev->room_next = c->room_next;
	else
		a->room = c->room_next;
	if (c->room_next)
		c->room_next->room_prev = c->room_prev;
	c->room_prev = c->room_next = NULL;
}

/* Seat c in the room and arm its descriptor for one event. The lock is held across
 * epoll_ctl so the event cannot be taken before c is on the list. */
static void room_enter(struct acceptor *a, struct conn *c, uint64_t deadline_ns)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.ptr = c };

	pthread_mutex_lock(&a->mu);
	if (a->stopped)
		goto out_close;
	c->room_deadline_ns = deadline_ns;
	c->room_prev = NULL;
	c->room_next = a->room;
	if (a->room)
		a->room->room_prev = c;
	a->room = c;
	if (epoll_ctl(a->epfd, c->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		room_unlink(a, c);
		goto out_close;
	}
	c->in_epoll = true;
	pthread_mutex_unlock(&a->mu);
	return;

out_close:
	pthread_mutex_unlock(&a->mu);
	server_conn_close(a->srv, c);
}

void acceptor_wait_room(struct acceptor *a, struct conn *c)
{
	room_enter(a, c, deadline_after(a->srv->cfg.idle_ms));
}

void acceptor_linger(struct acceptor *a, struct conn *c)
{
	if (c->counted) { /* a lingering connection no longer counts against --max-conns */
		__atomic_fetch_sub(&a->srv->customers, 1, __ATOMIC_RELAXED);
		c->counted = false;
	}
	c->lingering = true;
	c->in_off = c->in_len = 0;
	shutdown(c->fd, SHUT_WR);
	room_enter(a, c, deadline_after(SERVER_LINGER_MS));
}

/* Answer at the door without a cashier: the response is small and the socket new, so
 * a non-blocking send never has to wait. */
void acceptor_refuse(struct acceptor *a, struct conn *c, int status, const char *reason)
{
	char buf[RESPONSE_MAX];
	size_t len = order_desk_answer_error(&a->srv->board, buf, sizeof(buf), status, reason, false);

	(void)!send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	acceptor_linger(a, c);
}

static void admit(struct acceptor *a, int fd)
{
	struct blocking_server *s = a->srv;
	struct conn *c = server_conn_open(s, fd);

	if (!c)
		return;
	if (s->cfg.max_conns &&
	    __atomic_load_n(&s->customers, __ATOMIC_RELAXED) >= (int64_t)s->cfg.max_conns) {
		acceptor_refuse(a, c, 503, DESK_REASON_FULL);
		return;
	}
	__atomic_fetch_add(&s->customers, 1, __ATOMIC_RELAXED);
	c->counted = true;
	if (s->cfg.threads == 0) {
		int err = a->spawn(s, c);
		if (err < 0) {
			server_board_error(&s->board, SERR_THREAD);
			acceptor_refuse(a, c, 503, DESK_REASON_NO_THREAD);
		}
		return;
	}
	/* the first order must arrive within the header timeout (or the idle time) */
	room_enter(a, c, deadline_after(s->cfg.header_timeout_ms ? s->cfg.header_timeout_ms : s->cfg.idle_ms));
}

static void listener_pause(struct acceptor *a, uint64_t now)
{
	if (a->listening)
		epoll_ctl(a->epfd, EPOLL_CTL_DEL, a->srv->listen_fd, NULL);
	a->listening = false;
	a->resume_accept_ns = now + SERVER_ACCEPT_BACKOFF_MS * NS_PER_MS;
}

static int listener_resume(struct acceptor *a)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &listen_mark };

	if (a->listening || server_stopping(a->srv))
		return 0;
	if (epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->srv->listen_fd, &ev) < 0)
		return -errno;
	a->listening = true;
	return 0;
}

/* Out of descriptors (or kernel memory): count it, say so once a second (unless
 * --quiet), and stop watching the listener for SERVER_ACCEPT_BACKOFF_MS instead of spinning
 * on a queue we cannot empty. Customers wait in the kernel's accept queue meanwhile. */
static void accept_failed(struct acceptor *a, int err)
{
	uint64_t now = clock_now_ns();

	server_board_error(&a->srv->board, SERR_ACCEPT);
	if (!a->srv->cfg.quiet && (now - a->last_accept_log_ns >= NS_PER_SEC || a->last_accept_log_ns == 0)) {
		a->last_accept_log_ns = now;
		if (err == EMFILE || err == ENFILE)
			fprintf(stderr, "blocking: accept: %s: raise `ulimit -n`; pausing accepts\n", strerror(err));
		else
			fprintf(stderr, "blocking: accept: %s; pausing accepts\n", strerror(err));
	}
	listener_pause(a, now);
}

static void accept_burst(struct acceptor *a)
{
	for (int i = 0; i < SERVER_ACCEPT_BATCH; i++) {
		int fd = accept4(a->srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0) {
			admit(a, fd);
			continue;
		}
		switch (errno) {
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			return;
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
		case EPERM:
			continue; /* that customer left already; take the next */
		default:
			accept_failed(a, errno);
			return;
		}
	}
}

/* Drain a lingering connection; true when it is finished (EOF, error). */
static bool linger_drain(struct conn *c)
{
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
		if (n > 0 && (c->linger_bytes += (uint32_t)n) > SERVER_LINGER_MAX_BYTES)
			return true; /* still talking after the answer: enough */
		if (n > 0)
			continue;
		return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
	}
	return false;
}

/* A customer in the room did something: they spoke (join the line), left (close), or
 * it is a lingering connection to drain. */
static void room_event(struct acceptor *a, struct conn *c)
{
	struct blocking_server *s = a->srv;

	pthread_mutex_lock(&a->mu);
	room_unlink(a, c);
	pthread_mutex_unlock(&a->mu);

	if (c->lingering) {
		if (linger_drain(c))
			server_conn_close(s, c);
		else
			room_enter(a, c, c->room_deadline_ns);
		return;
	}
	/* the first bytes go straight into the connection's buffer: the cashier finds them
	 * there and does not read again (a peek would cost the same call and leave a recv) */
	ssize_t n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
	if (n > 0) {
		c->in_off = 0;
		c->in_len = (size_t)n;
		if (server_line_full(s))
			acceptor_refuse(a, c, 503, DESK_REASON_LINE_FULL);
		else
			server_line_join(s, c);
	} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		room_enter(a, c, c->room_deadline_ns);
	else
		server_conn_close(s, c); /* the customer left between orders */
}

/* Close whoever waited past their deadline. Idle and header timeouts are counted;
 * the end of a lingering close is not an error. */
static void room_sweep(struct acceptor *a, uint64_t now)
{
	struct conn *expired = NULL;

	pthread_mutex_lock(&a->mu);
	for (struct conn *c = a->room, *next; c; c = next) {
		next = c->room_next;
		if (c->room_deadline_ns && c->room_deadline_ns <= now) {
			room_unlink(a, c);
			c->room_next = expired;
			expired = c;
		}
	}
	pthread_mutex_unlock(&a->mu);
	while (expired) {
		struct conn *c = expired;
		expired = c->room_next;
		if (!c->lingering)
			server_board_error(&a->srv->board, SERR_TIMEOUT);
		server_conn_close(a->srv, c);
	}
}

static void *acceptor_main(void *arg)
{
	struct acceptor *a = arg;
	struct epoll_event evs[ACCEPTOR_EVENTS];
	uint64_t next_sweep = clock_now_ns();

	while (!server_stopping(a->srv)) {
		int n = epoll_wait(a->epfd, evs, ACCEPTOR_EVENTS, ACCEPTOR_SWEEP_MS);
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (p == &wake_mark)
				continue; /* the loop condition sees the stop */
			if (p == &listen_mark)
				accept_burst(a);
			else
				room_event(a, p);
		}
		uint64_t now = clock_now_ns();
		if (!a->listening && now >= a->resume_accept_ns)
			listener_resume(a);
		if (now >= next_sweep) {
			room_sweep(a, now);
			next_sweep = now + ACCEPTOR_SWEEP_MS * NS_PER_MS;
		}
	}
	if (a->listening)
		epoll_ctl(a->epfd, EPOLL_CTL_DEL, a->srv->listen_fd, NULL);
	a->listening = false;
	return NULL;
}

int acceptor_new(struct blocking_server *s, acceptor_spawn_fn *spawn, struct acceptor **out)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &wake_mark };
	struct acceptor *a = calloc(1, sizeof(*a));
	int err;

	if (!a)
		return -ENOMEM;
	a->srv = s;
	a->spawn = spawn;
	a->wake_fd = -1;
	a->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (a->epfd < 0) {
		err = -errno;
		goto out_free;
	}
	a->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->wake_fd < 0 || epoll_ctl(a->epfd, EPOLL_CTL_ADD, a->wake_fd, &ev) < 0) {
		err = -errno;
		goto out_close;
	}
	err = -pthread_mutex_init(&a->mu, NULL);
	if (err)
		goto out_close;
	*out = a;
	return 0;

out_close:
	if (a->wake_fd >= 0)
		close(a->wake_fd);
	close(a->epfd);
out_free:
	free(a);
	return err;
}

int acceptor_start(struct acceptor *a)
{
	int err = listener_resume(a);
	if (err)
		return err;
	err = pthread_create(&a->thread, NULL, acceptor_main, a);
	if (err)
		return -err;
	a->started = true;
	return 0;
}

void acceptor_stop(struct acceptor *a)
{
	uint64_t one = 1;
	struct conn *room;

	if (!a)
		return;
	(void)!write(a->wake_fd, &one, sizeof(one));
	if (a->started)
		pthread_join(a->thread, NULL);
	a->started = false;
	pthread_mutex_lock(&a->mu);
	a->stopped = true;
	room = a->room;
	a->room = NULL;
	pthread_mutex_unlock(&a->mu);
	while (room) {
		struct conn *c = room;
		room = c->room_next;
		server_conn_close(a->srv, c);
	}
}

void acceptor_free(struct acceptor *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->mu);
	close(a->wake_fd);
	close(a->epfd);
	free(a);
}
