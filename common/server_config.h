/* server_config.h: the flags both servers share, and the few each has alone.
 *
 * One parser for both binaries so that `bin/blocking --help` and `bin/evented --help`
 * read alike and a flag means the same thing in each. A flag of the other model is
 * refused with a one-line reason ("--loops is a flag of bin/evented").
 */
#ifndef LUNCHRUSH_SERVER_CONFIG_H
#define LUNCHRUSH_SERVER_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h" /* LUNCHRUSH_VERSION */
#include "scoreboard.h"

enum server_model { MODEL_BLOCKING, MODEL_EVENTED };

struct server_config {
	enum server_model model;
	char host[64];               /* --host, default 127.0.0.1 */
	uint16_t port;               /* --port, 0 picks a free one */
	uint32_t cook_ms;            /* --cook-ms, default for orders without cook_ms (50) */
	uint32_t work_us;            /* --work-us, default for orders without work_us (0) */
	char scoreboard[SCOREBOARD_NAME_MAX + 1]; /* --scoreboard; "" = MODEL-PORT */
	uint32_t max_conns;          /* --max-conns, 0 = no limit; over it: 503 and close */
	uint32_t backlog;            /* --backlog: the listen (accept) queue asked for (4096) */
	uint32_t idle_ms;            /* --idle-ms: close idle keep-alive connections; 0 = never */
	uint32_t header_timeout_ms;  /* --header-timeout-ms: whole head must arrive; 0 = off */
	uint32_t send_timeout_ms;    /* --send-timeout-ms: a response must drain; 0 = off */
	char kitchen_host[64];       /* --kitchen HOST:PORT; "" = built-in wait */
	uint16_t kitchen_port;
	uint32_t kitchen_timeout_ms; /* --kitchen-timeout-ms: 504 after cook + this */
	bool quiet;                  /* --quiet: no per-event log on stderr */
	/* blocking only */
	uint32_t threads;            /* --threads, default 4; 0 = a thread per connection */
	bool hold_connection;        /* --hold-connection: Apache-prefork keep-alive */
	uint32_t max_line;           /* --max-line: customers waiting beyond it get 503 at once; 0 = no cap */
	/* evented only */
	uint32_t loops;              /* --loops, default 1 */
	uint32_t helpers;            /* --helpers, default 0 */
};

/* Parse argv. Returns 0 to run, 1 when --help or --version was printed (exit 0), or 2
 * after printing a one-line reason and "try 'MODEL --help'" on stderr (exit 2). */
int server_config_parse(struct server_config *cfg, enum server_model model, int argc, char **argv);

void server_config_usage(enum server_model model, FILE *out);

/* The scoreboard name in force: --scoreboard, or "MODEL-PORT" once the port is known. */
void server_config_scoreboard_name(const struct server_config *cfg, uint16_t port, char *out, size_t outlen);

const char *server_model_name(enum server_model model); /* "blocking" / "evented" */

#endif
