/* main.c: bin/blocking, the thread-driven restaurant (issue 2).
 *
 * Parses the flags, calibrates the CPU work, starts the server and waits for SIGINT or
 * SIGTERM. The signals are blocked in every thread and taken here with sigwait(), so
 * no handler runs at all and no thread is interrupted mid-call. What the server does
 * is in server.h.
 */
#include <signal.h>
#include <stdio.h>

#include "cpuwork.h"
#include "net.h"
#include "server.h"
#include "server_policy.h"
#include "server_config.h"

int main(int argc, char **argv)
{
	struct server_config cfg;
	struct blocking_server *srv;
	sigset_t stop_signals;
	int rc, sig;

	rc = server_config_parse(&cfg, MODEL_BLOCKING, argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : 2;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP); /* the terminal went (or the dashboard that ran us): drain too */
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL); /* inherited by every thread */

	cpuwork_calibrate();
	long nofile = net_raise_nofile();
	/* before any thread: the connections (or, without --max-conns, the limit) and
	 * the server's own descriptors */
	net_reserve_fds(cfg.max_conns ? (long)cfg.max_conns + 64 : nofile);
	if (blocking_server_new(&cfg, &srv) != 0)
		return 1;
	if (blocking_server_start(srv) != 0) {
		blocking_server_stop(srv, SERVER_DRAIN_MS);
		blocking_server_free(srv);
		return 1;
	}
	printf("listening on %s:%u\n", cfg.host, (unsigned)srv->port);
	fflush(stdout);

	sigwait(&stop_signals, &sig);
	if (!cfg.quiet)
		fprintf(stderr, "blocking: %s: finishing the orders in hand\n", sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM");
	blocking_server_stop(srv, SERVER_DRAIN_MS);
	blocking_server_free(srv);
	return 0;
}
