/* main.c: bin/evented, the event-driven restaurant (libev).
 *
 * Options, then wiring: listeners (one per loop, SO_REUSEPORT), the scoreboard, the
 * helper pool, the loops on their threads. The main thread keeps a small loop of its
 * own for what concerns the whole process: SIGINT/SIGTERM, the scoreboard's heartbeat
 * and accept queue every 100 ms, and handing the dashboard's freeze to the loop it
 * names. It stays responsive while a loop is frozen or blocked by work_us, so the
 * dashboard sees a fainted cashier, not a dead server.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "cpuwork.h"
#include "helpers.h"
#include "loop.h"
#include "net.h"
#include "server_board.h"
#include "server_config.h"

#define TICK_S 0.1

struct manager {
	struct server_board *board;
	struct loop *loops;
	int *listen_fds;
	unsigned nloops;
};

static void tick_cb(struct ev_loop *ev, ev_timer *w, int revents)
{
	struct manager *m = w->data;
	uint32_t ms, slot;

	(void)ev;
	(void)revents;
	server_board_tick(m->board, m->listen_fds[0]);
	if (m->nloops > 1) { /* the line outside the door is every listener's queue */
		int64_t sum = 0, q, lim;
		for (unsigned i = 0; i < m->nloops; i++)
			if (net_accept_queue(m->listen_fds[i], &q, &lim) == 0)
				sum += q;
		SB_SET(m->board->sb->accept_queue, sum);
	}
	if (server_board_take_freeze(m->board, &ms, &slot))
		for (unsigned i = 0; i < m->nloops; i++)
			if (m->loops[i].slot >= 0 && (uint32_t)m->loops[i].slot == slot)
				loop_request_freeze(&m->loops[i], ms);
}

static void signal_cb(struct ev_loop *ev, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(ev, EVBREAK_ALL);
}

/* Announce the port, then manage until SIGINT, SIGTERM or SIGHUP. The default loop and its
 * signal watchers are made before the listening line: libev aborts if it cannot create
 * its signal pipe, and once clients know the port they may take every descriptor. */
static void manage(struct manager *m, const char *host, uint16_t port)
{
	struct ev_loop *ev = ev_default_loop(0);
	ev_signal sigint, sigterm, sighup;
	ev_timer tick;

	ev_signal_init(&sigint, signal_cb, SIGINT);
	ev_signal_init(&sigterm, signal_cb, SIGTERM);
	ev_signal_init(&sighup, signal_cb, SIGHUP); /* the terminal went: as SIGTERM, drained */
	ev_timer_init(&tick, tick_cb, TICK_S, TICK_S);
	tick.data = m;
	ev_signal_start(ev, &sigint);
	ev_signal_start(ev, &sigterm);
	ev_signal_start(ev, &sighup);
	ev_timer_start(ev, &tick);
	printf(strchr(host, ':') ? "listening on [%s]:%u\n" : "listening on %s:%u\n", host, (unsigned)port);
	fflush(stdout);
	ev_run(ev, 0);
	/* Draining now: a second SIGINT/SIGTERM must not kill us with the default action
	 * once the watchers are gone (the drain is bounded anyway), so keep them blocked,
	 * as bin/blocking's sigwait does. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	ev_timer_stop(ev, &tick);
	ev_signal_stop(ev, &sigint);
	ev_signal_stop(ev, &sigterm);
	ev_signal_stop(ev, &sighup);
	ev_loop_destroy(ev);
}

/* One listener per loop on the same port; the first one picks it when --port is 0. */
static int open_listeners(const struct server_config *cfg, int *fds, unsigned n, uint16_t *port)
{
	char err[256];
	uint16_t p = cfg->port;

	for (unsigned i = 0; i < n; i++) {
		int fd = net_listen_backlog(cfg->host, p, n > 1, true, (int)cfg->backlog, err, sizeof(err));
		if (fd < 0) {
			fprintf(stderr, "evented: %s\n", err);
			while (i > 0)
				close(fds[--i]);
			return fd;
		}
		fds[i] = fd;
		if (i == 0)
			p = (uint16_t)net_local_port(fd);
	}
	*port = p;
	return 0;
}

/* Helpers and loops inherit a mask without SIGINT/SIGTERM/SIGHUP: the main thread takes them. */
static int start_threads(struct evented *srv, struct loop *loops, const int *listen_fds, unsigned n)
{
	const struct server_config *cfg = srv->cfg;
	sigset_t block, old;
	int err = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (cfg->helpers)
		err = helpers_new(&srv->helpers, cfg->helpers, srv->board->sb);
	for (unsigned i = 0; i < n && !err; i++)
		err = loop_init(&loops[i], srv, (int)i, listen_fds[i]);
	for (unsigned i = 0; i < n && !err; i++)
		err = loop_start(&loops[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		fprintf(stderr, "evented: cannot start loops and helpers: %s\n", strerror(-err));
	return err;
}

static int run(const struct server_config *cfg)
{
	unsigned n = cfg->loops ? cfg->loops : 1;
	struct server_board board;
	struct evented srv = { .cfg = cfg, .board = &board };
	struct manager m = { .board = &board, .nloops = n };
	uint16_t port;
	int err;

	memset(&board, 0, sizeof(board));
	m.listen_fds = calloc(n, sizeof(int));
	m.loops = calloc(n, sizeof(struct loop));
	if (m.listen_fds == NULL || m.loops == NULL) {
		err = -ENOMEM;
		goto out_free;
	}
	err = open_listeners(cfg, m.listen_fds, n, &port);
	if (err)
		goto out_free;
	err = server_board_open(&board, cfg, port);
	if (err)
		goto out_close_listeners;
	for (unsigned i = 0; i < n; i++)
		m.loops[i].listen_fd = m.listen_fds[i]; /* the loops own them from here */
	err = start_threads(&srv, m.loops, m.listen_fds, n);
	if (err == 0) {
		manage(&m, cfg->host, port);
	}
	for (unsigned i = 0; i < n; i++)
		if (m.loops[i].thread_started)
			loop_request_stop(&m.loops[i]);
	for (unsigned i = 0; i < n; i++)
		loop_join(&m.loops[i]);
	helpers_free(srv.helpers);
	for (unsigned i = 0; i < n; i++)
		loop_destroy(&m.loops[i]);
	server_board_close(&board);
	goto out_free;

out_close_listeners:
	for (unsigned i = 0; i < n; i++)
		close(m.listen_fds[i]);
out_free:
	free(m.loops);
	free(m.listen_fds);
	return err;
}

int main(int argc, char **argv)
{
	struct server_config cfg;
	int rc = server_config_parse(&cfg, MODEL_EVENTED, argc, argv);

	if (rc == 1)
		return 0;
	if (rc != 0)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	long nofile = net_raise_nofile();
	/* before any thread: the connections (or, without --max-conns, the limit) and
	 * the server's own descriptors */
	net_reserve_fds(cfg.max_conns ? (long)cfg.max_conns + 64 : nofile);
	cpuwork_calibrate();
	return run(&cfg) == 0 ? 0 : 1;
}
