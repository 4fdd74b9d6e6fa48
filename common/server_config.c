/* server_config.c: the command line of bin/blocking and bin/evented (see server_config.h).
 *
 * One table of options for both models; each option says which model owns it, so a flag
 * of the other model is refused by name instead of being "unknown". Numbers are parsed
 * by common/units.c (a *-ms flag takes 500, 500ms or 2s; a count takes 1k), range-checked,
 * and every refusal is one line that names the flag and what it accepts, then
 * "try 'PROG --help'" (common/cli.c), as the house style asks.
 */
#include "server_config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "net.h"
#include "order.h"
#include "units.h"

#define TIMEOUT_MS_MAX 3600000u /* an hour: any longer and it is not a timeout */
#define MAX_CONNS_MAX 1000000u
#define THREADS_MAX 10000u
#define LOOPS_MAX 64u
#define HELPERS_MAX 64u

enum opt_id {
	OPT_HOST = 256,
	OPT_PORT,
	OPT_COOK_MS,
	OPT_WORK_US,
	OPT_SCOREBOARD,
	OPT_MAX_CONNS,
	OPT_IDLE_MS,
	OPT_HEADER_TIMEOUT_MS,
	OPT_SEND_TIMEOUT_MS,
	OPT_KITCHEN,
	OPT_KITCHEN_TIMEOUT_MS,
	OPT_QUIET,
	OPT_HELP,
	OPT_VERSION,
	OPT_THREADS,
	OPT_HOLD_CONNECTION,
	OPT_LOOPS,
	OPT_HELPERS,
	OPT_BACKLOG,
	OPT_MAX_LINE,
};

static const struct option long_options[] = {
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "cook-ms", required_argument, NULL, OPT_COOK_MS },
	{ "work-us", required_argument, NULL, OPT_WORK_US },
	{ "scoreboard", required_argument, NULL, OPT_SCOREBOARD },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "idle-ms", required_argument, NULL, OPT_IDLE_MS },
	{ "header-timeout-ms", required_argument, NULL, OPT_HEADER_TIMEOUT_MS },
	{ "send-timeout-ms", required_argument, NULL, OPT_SEND_TIMEOUT_MS },
	{ "kitchen", required_argument, NULL, OPT_KITCHEN },
	{ "kitchen-timeout-ms", required_argument, NULL, OPT_KITCHEN_TIMEOUT_MS },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "hold-connection", no_argument, NULL, OPT_HOLD_CONNECTION },
	{ "loops", required_argument, NULL, OPT_LOOPS },
	{ "helpers", required_argument, NULL, OPT_HELPERS },
	{ "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ NULL, 0, NULL, 0 },
};

const char *server_model_name(enum server_model model)
{
	return model == MODEL_EVENTED ? "evented" : "blocking";
}

/* The model that owns an option, or -1 when both have it. */
static int option_owner(int id)
{
	switch (id) {
	case OPT_THREADS:
	case OPT_HOLD_CONNECTION:
	case OPT_MAX_LINE:
		return MODEL_BLOCKING;
	case OPT_LOOPS:
	case OPT_HELPERS:
		return MODEL_EVENTED;
	default:
		return -1;
	}
}

static const char *option_name(int id)
{
	for (const struct option *o = long_options; o->name != NULL; o++) {
		if (o->val == id)
			return o->name;
	}
	return "?";
}

/* Columns: flag, what it does, (default). Kept to 24 lines of 80 columns with the
 * model's own flags, so --help fits a terminal without scrolling. */
void server_config_usage(enum server_model model, FILE *out)
{
	bool blocking = model == MODEL_BLOCKING;

	fprintf(out, "usage: bin/%s [options]\n", server_model_name(model));
	fprintf(out, "%s\n\n", blocking ? "The thread-driven restaurant: cashier threads serve orders with blocking calls."
					: "The event-driven restaurant: one event loop (libev) serves every order.");
	fputs("  --host ADDR             address to listen on (127.0.0.1)\n"
	      "  --port N                port, 0 picks a free one (8080)\n"
	      "  --cook-ms N             kitchen wait of orders without cook_ms (50)\n"
	      "  --work-us N             CPU work of orders without work_us (0)\n",
	      out);
	if (blocking)
		fputs("  --threads N             cashier threads, 0 = a thread per connection (4)\n"
		      "  --hold-connection       a keep-alive customer keeps its cashier (off)\n"
		      "  --max-line N            customers in line before 503 at once, 0 = no cap (0)\n",
		      out);
	else
		fputs("  --loops N               event loops, each its own thread and listener (1)\n"
		      "  --helpers N             threads that do the CPU work off the loop (0)\n",
		      out);
	fputs("  --max-conns N           open connections before 503, 0 = no limit (10000)\n"
	      "  --backlog N             the door: the kernel's accept queue asked for (4096)\n"
	      "  --idle-ms N             close idle keep-alive connections, 0 = never (5000)\n"
	      "  --header-timeout-ms N   time to send a request head, 0 = off (10000)\n"
	      "  --send-timeout-ms N     time for a response to drain, 0 = off (10000)\n"
	      "  --kitchen HOST:PORT     wait on bin/kitchen instead of a built-in timer\n"
	      "  --kitchen-timeout-ms N  504 after the cook time plus this (5000)\n",
	      out);
	fprintf(out, "  --scoreboard NAME       shared-memory scoreboard (%s-PORT)\n", server_model_name(model));
	fputs("  --quiet                 no per-event log on stderr\n"
	      "  -h, --help  -V, --version\n"
	      "Times: 500ms, 2s (a bare number is in the flag's unit). Counts: 1k, 20k.\n\n"
	      "An order: GET /order?cook_ms=N&work_us=M (or GET / for the defaults).\n",
	      out);
}

static int refuse(enum server_model model, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", server_model_name(model));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry '%s --help'\n", server_model_name(model));
	return CLI_USAGE_EXIT;
}

static int refuse_foreign(enum server_model model, int id)
{
	return refuse(model, "--%s is a flag of bin/%s", option_name(id),
		      server_model_name((enum server_model)option_owner(id)));
}

/* Digits only (no sign, space or suffix), within [min, max]: the port. */
static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint32_t v;

	if (!order_parse_uint(s, strlen(s), max, &v) || v < min)
		return false;
	*out = v;
	return true;
}

/* The unit a flag's bare number is in: ns per unit for a duration, 0 for a count. */
static uint64_t flag_unit_ns(int id)
{
	switch (id) {
	case OPT_WORK_US: return UNITS_NS_PER_US;
	case OPT_COOK_MS:
	case OPT_IDLE_MS:
	case OPT_HEADER_TIMEOUT_MS:
	case OPT_SEND_TIMEOUT_MS:
	case OPT_KITCHEN_TIMEOUT_MS: return UNITS_NS_PER_MS;
	default: return 0;
	}
}

/* A duration in the flag's unit ("500", "500ms", "2s") or a count ("1k"), in [min, max]. */
static bool parse_number(int id, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t unit = flag_unit_ns(id), v;
	int rc = unit ? units_parse_duration_in(s, unit, min, max, &v) : units_parse_count(s, min, max, &v);

	if (rc)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void config_defaults(struct server_config *cfg, enum server_model model)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->model = model;
	strcpy(cfg->host, "127.0.0.1");
	cfg->port = 8080;
	cfg->cook_ms = 50;
	cfg->work_us = 0;
	cfg->max_conns = 10000;
	cfg->backlog = NET_BACKLOG;
	cfg->idle_ms = 5000;
	cfg->header_timeout_ms = 10000;
	cfg->send_timeout_ms = 10000;
	cfg->kitchen_timeout_ms = 5000;
	cfg->threads = 4;
	cfg->loops = 1;
	cfg->helpers = 0;
}

/* The numeric flags: where each goes and its range. */
static uint32_t *number_field(struct server_config *cfg, int id, uint32_t *min, uint32_t *max)
{
	*min = 0;
	switch (id) {
	case OPT_COOK_MS: *max = ORDER_COOK_MS_MAX; return &cfg->cook_ms;
	case OPT_WORK_US: *max = ORDER_WORK_US_MAX; return &cfg->work_us;
	case OPT_MAX_CONNS: *max = MAX_CONNS_MAX; return &cfg->max_conns;
	case OPT_IDLE_MS: *max = TIMEOUT_MS_MAX; return &cfg->idle_ms;
	case OPT_HEADER_TIMEOUT_MS: *max = TIMEOUT_MS_MAX; return &cfg->header_timeout_ms;
	case OPT_SEND_TIMEOUT_MS: *max = TIMEOUT_MS_MAX; return &cfg->send_timeout_ms;
	case OPT_KITCHEN_TIMEOUT_MS: *min = 1; *max = TIMEOUT_MS_MAX; return &cfg->kitchen_timeout_ms;
	case OPT_THREADS: *max = THREADS_MAX; return &cfg->threads;
	case OPT_LOOPS: *min = 1; *max = LOOPS_MAX; return &cfg->loops;
	case OPT_HELPERS: *max = HELPERS_MAX; return &cfg->helpers;
	case OPT_BACKLOG: *min = 1; *max = 65535; return &cfg->backlog;
	case OPT_MAX_LINE: *max = MAX_CONNS_MAX; return &cfg->max_line;
	default: return NULL;
	}
}

/* One option with its argument. Returns 0, or 2 after refusing it. */
static int apply_option(struct server_config *cfg, int id, const char *arg)
{
	enum server_model model = cfg->model;
	uint32_t min, max, port;
	uint32_t *field = number_field(cfg, id, &min, &max);

	if (field != NULL) {
		if (!parse_number(id, arg, min, max, field))
			return refuse(model, flag_unit_ns(id) ? "--%s must be a time from %u to %u %s (500, 500ms, 2s), not '%s'"
							      : "--%s must be a count from %u to %u%s (such as 20 or 1k), not '%s'",
				      option_name(id), min, max, flag_unit_ns(id) == UNITS_NS_PER_US ? "us"
							     : flag_unit_ns(id) ? "ms" : "", arg);
		return 0;
	}
	switch (id) {
	case OPT_HOST: {
		size_t len = strlen(arg);
		if (len >= 2 && arg[0] == '[' && arg[len - 1] == ']') { /* [::1] as in URLs */
			arg++;
			len -= 2;
		}
		if (len == 0 || len >= sizeof(cfg->host))
			return refuse(model, "--host must be an address or name of 1 to %zu characters",
				      sizeof(cfg->host) - 1);
		memcpy(cfg->host, arg, len);
		cfg->host[len] = '\0';
		return 0;
	}
	case OPT_PORT:
		if (!parse_u32(arg, 0, 65535, &port))
			return refuse(model, "--port must be a whole number from 0 to 65535, not '%s'", arg);
		cfg->port = (uint16_t)port;
		return 0;
	case OPT_SCOREBOARD:
		if (!scoreboard_name_valid(arg))
			return refuse(model, "--scoreboard NAME must be 1 to %d of A-Z a-z 0-9 . _ - and not start with '.'",
				      SCOREBOARD_NAME_MAX);
		strcpy(cfg->scoreboard, arg);
		return 0;
	case OPT_KITCHEN:
		if (net_split_hostport(arg, cfg->kitchen_host, sizeof(cfg->kitchen_host), &cfg->kitchen_port) < 0)
			return refuse(model, "--kitchen must be HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9090");
		return 0;
	case OPT_QUIET:
		cfg->quiet = true;
		return 0;
	case OPT_HOLD_CONNECTION:
		cfg->hold_connection = true;
		return 0;
	default:
		return refuse(model, "internal error: option %d has no handler", id);
	}
}

/* getopt_long with ':' (a missing argument is told apart from an unknown option) and
 * '+' (stop at the first non-option: a stray word is an error, argv is not permuted).
 * optind is reset so the parser can run more than once (the unit tests do). */
int server_config_parse(struct server_config *cfg, enum server_model model, int argc, char **argv)
{
	int c, rc;

	config_defaults(cfg, model);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			server_config_usage(model, stdout);
			return 1;
		case 'V':
		case OPT_VERSION:
			cli_version(server_model_name(model));
			return 1;
		case ':':
		case '?':
			if (optopt >= 256 && option_owner(optopt) >= 0 && option_owner(optopt) != (int)model)
				return refuse_foreign(model, optopt);
			return cli_bad_option(server_model_name(model), argv, c);
		default:
			if (option_owner(c) >= 0 && option_owner(c) != (int)model)
				return refuse_foreign(model, c);
			rc = apply_option(cfg, c, optarg);
			if (rc != 0)
				return rc;
		}
	}
	if (optind < argc)
		return refuse(model, "unexpected argument '%s': every setting is a --flag", argv[optind]);
	return 0;
}

void server_config_scoreboard_name(const struct server_config *cfg, uint16_t port, char *out, size_t outlen)
{
	if (cfg->scoreboard[0] != '\0')
		snprintf(out, outlen, "%s", cfg->scoreboard);
	else
		snprintf(out, outlen, "%s-%u", server_model_name(cfg->model), (unsigned)port);
}
