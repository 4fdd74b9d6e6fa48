/* main.c: bin/kitchen, the backend both servers can wait on (--kitchen HOST:PORT).
 *
 * A small libev service answering the ticket protocol of common/kitchen_proto.h:
 *
 *   server -> kitchen:  "COOK <ms> <id>\n"    cook for ms milliseconds (0..60000)
 *   kitchen -> server:  "DONE <id>\n"         once the cook time has passed
 *                       "ERR <id> <reason>\n" a ticket it will not cook (id 0 if unreadable)
 *
 * Many tickets in flight on one connection, answered in the order they finish; a line
 * over 64 bytes closes the connection. Lesson 12 ("ten stoves") shows that with it the kitchen wait is
 * real network I/O, not a timer inside the server: "a sleep is a rigged race" answered.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "cli.h"
#include "kitchen.h"
#include "net.h"
#include "units.h"

#define KITCHEN_STOVES_MAX 1000000

struct options {
	char host[64];
	uint16_t port;
	uint32_t stoves;  /* 0 = no limit */
	bool quiet;
};

static void usage(FILE *out)
{
	fputs("usage: kitchen [--host ADDR] [--port N] [--stoves N] [--quiet]\n"
	      "The kitchen every order can wait on: bin/blocking and bin/evented send it a ticket per\n"
	      "order with --kitchen HOST:PORT and it answers after the cook time.\n"
	      "\n"
	      "  --host ADDR   address to listen on (127.0.0.1)\n"
	      "  --port N      port; 0 picks a free one (0). First stdout line: listening on HOST:PORT\n"
	      "  --stoves N    tickets cooking at once; the rest wait their turn, 0 = no limit (0);\n"
	      "                a count such as 64 or 1k\n"
	      "  --quiet       no messages on stderr\n"
	      "  -h, --help  -V, --version\n"
	      "\n"
	      "Protocol (plain text, one line each way, many tickets per connection):\n"
	      "  COOK <ms> <id>       cook for ms milliseconds (0..60000); id: up to 20 digits\n"
	      "  DONE <id>            the answer once cooked, in the order tickets finish\n"
	      "  ERR <id> <reason>    a ticket it will not cook (id 0 when the line is unreadable)\n"
	      "A line over 64 bytes closes the connection. Try: printf 'COOK 50 1\\n' | nc 127.0.0.1 PORT\n",
	      out);
}

static int bad_usage(const char *why, const char *arg)
{
	return cli_usage_error("kitchen", "%s, not '%s'", why, arg);
}

/* 0 to run, 1 after --help/--version, 2 on a bad flag (already reported). */
static int parse(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "stoves", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	snprintf(o->host, sizeof(o->host), "127.0.0.1");
	o->port = 0;
	o->quiet = false;
	o->stoves = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			if (strlen(optarg) == 0 || strlen(optarg) >= sizeof(o->host))
				return bad_usage("--host must be an address of 1 to 63 characters", optarg);
			snprintf(o->host, sizeof(o->host), "%s", optarg);
			break;
		case 'p': {
			char *end;
			errno = 0;
			unsigned long v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || v > 65535 || optarg[0] == '-')
				return bad_usage("--port must be a number from 0 to 65535", optarg);
			o->port = (uint16_t)v;
			break;
		}
		case 'q':
			o->quiet = true;
			break;
		case 's': {
			uint64_t v;
			if (units_parse_count(optarg, 0, KITCHEN_STOVES_MAX, &v))
				return bad_usage("--stoves must be a count from 0 (no limit) to 1000000 (such as 64 or 1k)", optarg);
			o->stoves = (uint32_t)v;
			break;
		}
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			cli_version("kitchen");
			return 1;
		default:
			return cli_bad_option("kitchen", argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage_error("kitchen", "unexpected argument '%s': every setting is a --flag", argv[optind]);
	return 0;
}

static void signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

int main(int argc, char **argv)
{
	struct options o;
	char err[256];
	struct kitchen *k;
	struct kitchen_stats st;
	ev_signal sigint, sigterm, sighup;
	int rc = parse(&o, argc, argv);

	if (rc)
		return rc == 1 ? 0 : 2;
	signal(SIGPIPE, SIG_IGN);
	net_raise_nofile();
	int fd = net_listen(o.host, o.port, false, true, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "kitchen: %s\n", err);
		return 1;
	}
	struct ev_loop *loop = ev_default_loop(0);
	if (kitchen_new(&k, loop, fd, o.quiet, o.stoves) < 0) {
		fprintf(stderr, "kitchen: out of memory\n");
		return 1;
	}
	ev_signal_init(&sigint, signal_cb, SIGINT);
	ev_signal_init(&sigterm, signal_cb, SIGTERM);
	ev_signal_start(loop, &sigint);
	ev_signal_init(&sighup, signal_cb, SIGHUP); /* the terminal went: as SIGTERM */
	ev_signal_start(loop, &sigterm);
	ev_signal_start(loop, &sighup);
	printf(strchr(o.host, ':') ? "listening on [%s]:%d\n" : "listening on %s:%d\n", o.host, net_local_port(fd));
	fflush(stdout);

	ev_run(loop, 0);

	kitchen_get_stats(k, &st);
	if (!o.quiet)
		fprintf(stderr, "kitchen: %" PRIu64 " tickets, %" PRIu64 " cooked, %" PRIu64 " refused, %" PRIu64
				" dropped at exit\n", st.tickets, st.cooked, st.refused, st.in_flight);
	ev_signal_stop(loop, &sigint);
	ev_signal_stop(loop, &sigterm);
	ev_signal_stop(loop, &sighup);
	kitchen_free(k);
	ev_loop_destroy(loop);
	return 0;
}
