/* loop.c: one event loop on its own thread: the evented restaurant's cashier.
 *
 * The loop accepts customers from its listener, reads and answers them (conn.c), and
 * is woken by the main thread to stop or to faint (the dashboard's freeze: the loop is
 * blocked for real, the way a long synchronous call would block it). Accept failures
 * for lack of descriptors pause the accept watcher instead of spinning: a level-
 * triggered listener that cannot be accepted from would wake the loop forever.
 */
#include "loop.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "conn.h"
#include "kitchen_pool.h"
#include "kitchen_timer.h"
#include "serve.h"

static void accept_failed(struct loop *l, int err)
{
	uint64_t now = clock_now_ns();

	server_board_error(l->srv->board, SERR_ACCEPT);
	if (!l->srv->cfg->quiet && (l->logged_ns == 0 || now - l->logged_ns >= NS_PER_SEC)) {
		l->logged_ns = now;
		fprintf(stderr, "evented: loop %d: accept: %s%s; pausing accept for %.0f ms\n", l->index, strerror(err),
			err == EMFILE || err == ENFILE ? " (raise `ulimit -n`)" : "", (SERVER_ACCEPT_BACKOFF_MS / 1e3) * 1e3);
	}
	ev_io_stop(l->ev, &l->accept_w);
	ev_timer_set(&l->accept_pause, (SERVER_ACCEPT_BACKOFF_MS / 1e3), 0.);
	ev_timer_start(l->ev, &l->accept_pause);
}

static void accept_cb(struct ev_loop *ev, ev_io *w, int revents)
{
	struct loop *l = w->data;

	(void)ev;
	(void)revents;
	for (int i = 0; i < SERVER_ACCEPT_BATCH; i++) {
		int fd = accept4(l->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_accept(l, fd);
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
			continue;
		accept_failed(l, errno); /* EMFILE, ENFILE, ENOBUFS, ENOMEM, ... */
		return;
	}
}

static void accept_pause_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	struct loop *l = w->data;

	(void)revents;
	if (!l->stopping)
		ev_io_start(ev, &l->accept_w);
}

static void drain_deadline_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	struct loop *l = w->data;

	(void)revents;
	if (!l->srv->cfg->quiet)
		fprintf(stderr, "evented: loop %d: %zu connections still busy after %.0f s; closing\n", l->index,
			l->nconns, (SERVER_DRAIN_MS / 1e3));
	ev_break(ev, EVBREAK_ALL);
}

/* Stop accepting (closing the listener refuses newcomers at once), close idle
 * connections, let the orders in hand finish. */
static void loop_begin_stop(struct loop *l)
{
	l->stopping = true;
	ev_io_stop(l->ev, &l->accept_w);
	ev_timer_stop(l->ev, &l->accept_pause);
	if (l->listen_fd >= 0) {
		close(l->listen_fd);
		l->listen_fd = -1;
	}
	ev_timer_init(&l->drain_deadline, drain_deadline_cb, (SERVER_DRAIN_MS / 1e3), 0.);
	l->drain_deadline.data = l;
	ev_timer_start(l->ev, &l->drain_deadline);
	conn_drain(l);
}

/* "The chef faints": the loop blocks for real; nothing it serves moves meanwhile. It
 * sleeps in slices and wakes early for a stop request, so SIGTERM during a freeze is
 * still drained within SERVER_DRAIN_MS (the freeze itself is capped by server_board). */
static void loop_freeze(struct loop *l, uint32_t ms)
{
	enum cashier_state before = l->cashier.state;

	cashier_view_set(&l->cashier, CASHIER_FROZEN);
	clock_sleep_unless((uint64_t)ms * NS_PER_MS, (uint64_t)SERVER_FREEZE_SLICE_MS * NS_PER_MS, &l->stop_req);
	cashier_view_set(&l->cashier, before == CASHIER_IDLE ? CASHIER_TAKING_ORDER : before);
}

static void wake_cb(struct ev_loop *ev, ev_async *w, int revents)
{
	struct loop *l = w->data;

	(void)ev;
	(void)revents;
	uint32_t ms = __atomic_exchange_n(&l->freeze_ms, 0, __ATOMIC_ACQ_REL);
	if (ms)
		loop_freeze(l, ms);
	if (__atomic_load_n(&l->stop_req, __ATOMIC_ACQUIRE) && !l->stopping)
		loop_begin_stop(l);
}

/* After a burst (5,000 orders in flight need 17 MB of order states) the freed states
 * stay resident in malloc's heap, between the connections' small blocks. Give those
 * pages back once the burst is over, so an idle connection costs its 200 bytes again.
 * Cost: one walk of the heap, at most once a second, only after a burst. */
static void housekeeping_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	struct loop *l = w->data;

	(void)ev;
	(void)revents;
	if (l->peak_states - l->live_states < LOOP_TRIM_STATES)
		return;
	malloc_trim(0);
	l->peak_states = l->live_states;
}

int loop_init(struct loop *l, const struct evented *srv, int index, int listen_fd)
{
	const struct server_config *cfg = srv->cfg;
	int err;

	memset(l, 0, sizeof(*l));
	l->srv = srv;
	l->sb = srv->board->sb;
	l->index = index;
	l->listen_fd = listen_fd;
	l->order_back = conn_order_back; /* serve.c's way back to the connection side */
	l->ev = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOSIGMASK);
	if (l->ev == NULL)
		return -ENOMEM;
	l->slot = server_board_cashier_take(srv->board);
	l->cashier.slot = server_board_cashier(srv->board, l->slot);
	l->cashier.state = CASHIER_IDLE;
	if (l->cashier.slot)
		scoreboard_cashier_set(l->cashier.slot, CASHIER_IDLE, clock_now_ns());

	ev_io_init(&l->accept_w, accept_cb, listen_fd, EV_READ);
	ev_timer_init(&l->accept_pause, accept_pause_cb, (SERVER_ACCEPT_BACKOFF_MS / 1e3), 0.);
	ev_async_init(&l->wake, wake_cb);
	ev_timer_init(&l->housekeeping, housekeeping_cb, LOOP_HOUSEKEEPING_S, LOOP_HOUSEKEEPING_S);
	l->accept_w.data = l->accept_pause.data = l->wake.data = l->housekeeping.data = l;
	ev_io_start(l->ev, &l->accept_w);
	ev_timer_start(l->ev, &l->housekeeping);
	ev_unref(l->ev); /* housekeeping alone does not keep the loop running */
	ev_async_start(l->ev, &l->wake);
	looplag_start(&l->lag, l->ev, &l->sb->loop_lag, &l->cashier);

	if (srv->helpers) {
		err = helper_inbox_init(&l->inbox, l->ev, serve_helper_done, l);
		if (err)
			return err;
	}
	if (cfg->kitchen_host[0])
		err = kitchen_pool_new(&l->kitchen, l->ev, cfg->kitchen_host, cfg->kitchen_port, cfg->quiet);
	else
		err = kitchen_timer_new(&l->oven, l->ev, serve_cooked);
	return err;
}

static void *loop_main(void *arg)
{
	struct loop *l = arg;
	char name[16];

	snprintf(name, sizeof(name), "loop-%d", l->index);
	pthread_setname_np(pthread_self(), name);
	SB_ADD(l->sb->threads_alive, 1);
	ev_run(l->ev, 0);
	SB_SUB(l->sb->threads_alive, 1);
	return NULL;
}

int loop_start(struct loop *l)
{
	sigset_t block, old;
	int err;

	/* the main thread's ev_signal takes SIGINT/SIGTERM; loop threads never see them */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	err = pthread_create(&l->thread, NULL, loop_main, l);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	l->thread_started = true;
	return 0;
}

void loop_request_stop(struct loop *l)
{
	__atomic_store_n(&l->stop_req, 1, __ATOMIC_RELEASE);
	ev_async_send(l->ev, &l->wake);
}

void loop_request_freeze(struct loop *l, uint32_t ms)
{
	__atomic_store_n(&l->freeze_ms, ms, __ATOMIC_RELEASE);
	ev_async_send(l->ev, &l->wake);
}

void loop_join(struct loop *l)
{
	if (l->thread_started)
		pthread_join(l->thread, NULL);
	l->thread_started = false;
}

void loop_destroy(struct loop *l)
{
	if (l->ev == NULL) { /* never set up: only the listener to close */
		if (l->listen_fd >= 0)
			close(l->listen_fd);
		l->listen_fd = -1;
		return;
	}
	conn_free_all(l);
	kitchen_pool_free(l->kitchen);
	l->kitchen = NULL;
	kitchen_timer_free(l->oven);
	l->oven = NULL;
	if (l->srv->helpers)
		helper_inbox_destroy(&l->inbox);
	looplag_stop(&l->lag, l->ev);
	ev_ref(l->ev);
	ev_timer_stop(l->ev, &l->housekeeping);
	ev_io_stop(l->ev, &l->accept_w);
	ev_timer_stop(l->ev, &l->accept_pause);
	ev_timer_stop(l->ev, &l->drain_deadline);
	ev_async_stop(l->ev, &l->wake);
	if (l->listen_fd >= 0)
		close(l->listen_fd);
	l->listen_fd = -1;
	if (l->cashier.slot)
		scoreboard_cashier_set(l->cashier.slot, CASHIER_IDLE, clock_now_ns());
	ev_loop_destroy(l->ev);
	l->ev = NULL;
}
