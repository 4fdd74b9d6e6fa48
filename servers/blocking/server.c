/* server.c: the blocking server put together (see server.h), the one file that knows
 * every part and hands each the little it needs.
 *
 * Start-up order: listen, scoreboard, then housekeeping, the cashiers and last the
 * acceptor, so no customer is let in before someone can serve them. Shut-down runs the
 * other way: the door closes, the waiting room empties, the line is closed and the
 * cashiers finish what is in it, then the scoreboard goes.
 */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "acceptor.h"
#include "crew.h"
#include "clock.h"
#include "housekeeping.h"
#include "net.h"

static int resolve_kitchen(struct blocking_server *s)
{
	int err;

	if (s->cfg.kitchen_host[0] == '\0')
		return 0;
	err = net_resolve(s->cfg.kitchen_host, s->cfg.kitchen_port, &s->kitchen_addr, &s->kitchen_addr_len);
	if (err < 0) {
		fprintf(stderr, "blocking: cannot resolve --kitchen %s:%u: %s\n", s->cfg.kitchen_host,
			(unsigned)s->cfg.kitchen_port, strerror(-err));
		return err;
	}
	s->kitchen_remote = true;
	return 0;
}

static int init_sync(struct blocking_server *s)
{
	pthread_condattr_t attr;
	int err = line_init(&s->line);

	if (err)
		return err;
	pthread_mutex_init(&s->solo_mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->solo_cv, &attr);
	pthread_condattr_destroy(&attr);
	return 0;
}

int blocking_server_new(const struct server_config *cfg, struct blocking_server **out)
{
	char errbuf[256];
	struct blocking_server *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->cfg = *cfg;
	s->listen_fd = -1;
	err = init_sync(s);
	if (err)
		goto out_free;
	err = resolve_kitchen(s);
	if (err)
		goto out_sync;
	s->listen_fd = net_listen_backlog(cfg->host, cfg->port, false, true, (int)cfg->backlog, errbuf, sizeof(errbuf));
	if (s->listen_fd < 0) {
		err = s->listen_fd;
		fprintf(stderr, "blocking: %s\n", errbuf);
		goto out_sync;
	}
	err = net_local_port(s->listen_fd);
	if (err < 0)
		goto out_close;
	s->port = (uint16_t)err;
	err = server_board_open(&s->board, cfg, s->port);
	if (err)
		goto out_close;
	err = acceptor_new(s, crew_solo_spawn, &s->acceptor);
	if (err)
		goto out_board;
	*out = s;
	return 0;

out_board:
	server_board_close(&s->board);
out_close:
	close(s->listen_fd);
out_sync:
	pthread_cond_destroy(&s->solo_cv);
	pthread_mutex_destroy(&s->solo_mu);
	line_destroy(&s->line);
out_free:
	free(s);
	return err;
}

int blocking_server_start(struct blocking_server *s)
{
	int err = housekeeping_start(s, &s->housekeeping);

	if (err == 0 && s->cfg.threads > 0)
		err = crew_start(s);
	if (err == 0)
		err = acceptor_start(s->acceptor);
	if (err)
		fprintf(stderr, "blocking: cannot start threads: %s\n", strerror(-err));
	return err;
}

void blocking_server_stop(struct blocking_server *s, uint32_t drain_ms)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)drain_ms * NS_PER_MS;
	uint32_t left;

	__atomic_store_n(&s->stopping, 1, __ATOMIC_RELEASE);
	acceptor_stop(s->acceptor);
	/* the door closes now, not at exit: newcomers are refused at once instead of
	 * waiting in the accept queue through the drain (shutdown on a listener stops it;
	 * the descriptor stays open, so housekeeping's TCP_INFO never sees a reused one) */
	shutdown(s->listen_fd, SHUT_RDWR);
	line_close(&s->line);
	left = crew_join(s, deadline) + crew_solo_wait(s, deadline);
	if (left) {
		fprintf(stderr, "blocking: %u cashier(s) still busy after %u ms; leaving them\n", left, drain_ms);
		s->unfinished = true;
	}
	housekeeping_stop(s->housekeeping);
	s->housekeeping = NULL;
}

void blocking_server_free(struct blocking_server *s)
{
	if (!s)
		return;
	if (s->unfinished) {
		/* cashiers still hold s and write the mapping: remove only the name, and let
		 * exit() take the rest at once */
		if (s->board.sb)
			__atomic_store_n(&s->board.sb->hdr.alive, 0, __ATOMIC_RELEASE);
		scoreboard_remove(s->board.name);
		return;
	}
	server_board_close(&s->board);
	acceptor_free(s->acceptor);
	free(s->crew);
	close(s->listen_fd);
	pthread_cond_destroy(&s->solo_cv);
	pthread_mutex_destroy(&s->solo_mu);
	line_destroy(&s->line);
	free(s);
}
