/* main.c: bin/loadgen, the load generator: options in, a run out.
 *
 * Only option parsing and wiring live here: config.c checks the values, run.c runs
 * the load, report.c prints what it measured. Exit status: 0 when the run completed,
 * 1 when every request failed or an output could not be written, 2 for a usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "net.h"
#include "run.h"
#include "scoreboard.h"
#include "merge.h"
#include "startat.h"
#include "units.h"

enum {
	OPT_THINK = 256, OPT_ARRIVALS, OPT_SEED, OPT_MAX_CONNS, OPT_WARMUP, OPT_TIMEOUT, OPT_DRAIN, OPT_KEEPALIVE,
	OPT_PARAM, OPT_TRICKLE, OPT_JSON, OPT_SERIES, OPT_PERCENTILES, OPT_SCOREBOARD, OPT_ALLOW_REMOTE,
	OPT_HLOG, OPT_HLOG_INTERVAL, OPT_START_AT,
	OPT_SLACK,
	OPT_POLL,
	OPT_MIX,
};

static const struct option options[] = {
	{ "connections", required_argument, NULL, 'c' },
	{ "think-ms", required_argument, NULL, OPT_THINK },
	{ "rate", required_argument, NULL, 'R' },
	{ "arrivals", required_argument, NULL, OPT_ARRIVALS },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "duration", required_argument, NULL, 'd' },
	{ "requests", required_argument, NULL, 'n' },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "drain", required_argument, NULL, OPT_DRAIN },
	{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
	{ "param", required_argument, NULL, OPT_PARAM },
	{ "threads", required_argument, NULL, 't' },
	{ "trickle-ms", required_argument, NULL, OPT_TRICKLE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "series", required_argument, NULL, OPT_SERIES },
	{ "percentiles", required_argument, NULL, OPT_PERCENTILES },
	{ "scoreboard", required_argument, NULL, OPT_SCOREBOARD },
	{ "allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE },
	{ "hlog", required_argument, NULL, OPT_HLOG },
	{ "hlog-interval", required_argument, NULL, OPT_HLOG_INTERVAL },
	{ "start-at", required_argument, NULL, OPT_START_AT },
	{ "arrival-slack-us", required_argument, NULL, OPT_SLACK },
	{ "arrival-poll-us", required_argument, NULL, OPT_POLL },
	{ "mix", required_argument, NULL, OPT_MIX },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fputs("Usage: loadgen [options] URL        (URL: http://127.0.0.1:PORT/order?cook_ms=50)\n"
	      "Closed loop (as wrk):\n"
	      "  -c, --connections N    N customers, each orders again once served (default 10)\n"
	      "      --think-ms MS      pause between a customer's orders\n"
	      "Open loop (as wrk2; latency from each scheduled arrival):\n"
	      "  -R, --rate R           R arrivals per second in all, whatever the server does\n"
	      "      --arrivals KIND    poisson (default) or even\n"
	      "      --seed N           the schedule's seed: same seed, same arrivals (default 1)\n"
	      "      --max-conns N      connections at most (default 10000, within ulimit -n)\n"
	      "      --arrival-slack-us U|auto  take arrivals on a U us grid: each sent up to U us\n"
	      "                         late (counted in its latency), fewer wakeups; auto (the\n"
	      "                         default): none where waking for each arrival costs\n"
	      "                         under 5 % of a core, else a grid of 5 mean gaps, <= 250 us\n"
	      "      --arrival-poll-us U  poll, not sleep, for a gap to the next arrival up to U\n"
	      "                         us (default: what a wake-up costs here, measured)\n"
	      "Both:\n"
	      "  -d, --duration T       10s, 500ms, 2m or seconds (default 10s, at most 1h)\n"
	      "  -n, --requests N       stop after N orders (with -d, whichever comes first)\n"
	      "      --warmup T         run T first, left out of every figure\n"
	      "      --timeout T        no full response within T is an error (default 10s)\n"
	      "      --drain T          after -d, await the customers still waiting for up to T and\n"
	      "                         count their latency; those still waiting then count at their\n"
	      "                         age (default: as long as -d, at most --timeout; 0: stop at once)\n"
	      "      --keepalive yes|no no: connect, order, read, close for every order\n"
	      "      --param K=V        add K=V to every order's query (repeatable)\n"
	      "      --mix 'P:S,P:S'    a mixed menu: kinds of order (their params) in shares that sum\n"
	      "                         to 100, e.g. 'work_us=40000:5,work_us=0:95'; drawn from --seed\n"
	      "  -t, --threads N        event loops; -c, -R, --max-conns and -n are split (default 1)\n"
	      "      --trickle-ms MS    send each request one byte at a time, MS apart\n"
	      "Output:\n"
	      "      --json             one JSON object on stdout instead of the summary\n"
	      "      --series FILE      CSV, one row per second\n"
	      "      --percentiles FILE latency distribution in HdrHistogram's format\n"
	      "      --scoreboard NAME  live state for the dashboard (/dev/shm/lunchrush.NAME)\n"
	      "      --allow-remote     allow a target outside 127.0.0.0/8 and ::1\n"
	      "Several hosts as one load (docs/multihost.md):\n"
	      "      --hlog FILE        HdrHistogram interval log (format 1.3, microseconds)\n"
	      "      --hlog-interval T  one --hlog line per T (default 1s)\n"
	      "      --start-at TIME    wait until TIME (epoch seconds or ISO UTC), then start;\n"
	      "                         give each host its own --seed and its share of -R\n"
	      "  loadgen merge FILE...  one summary of several hosts' --hlog or --json outputs\n"
	      "  -h, --help  -V, --version\n"
	      "Times take a unit: 250us, 500ms, 1.5s, 2m (a bare number is in the flag's unit);\n"
	      "counts and rates take k, M and G: -c 1k, -R 20k.\n"
	      "Exit status: 0 run completed, 1 every request failed or an output failed, 2 usage error.\n", out);
}

/* Milliseconds as a plain number ("--think-ms 20"), or with a unit ("20ms", "1s"). */
static int parse_ms(const char *s, uint64_t *ns)
{
	return units_parse_duration_ns(s, UNITS_NS_PER_MS, UINT64_MAX, ns);
}

/* What a flag's value must look like, for the one-line refusal. */
static const char *value_kind(int opt)
{
	switch (opt) {
	case 'c': case OPT_MAX_CONNS: case 'n': case 't': case OPT_SEED:
		return "a count such as 100 or 1k";
	case 'R':
		return "a rate above 0 such as 500 or 20k";
	case OPT_THINK: case OPT_TRICKLE:
		return "a time such as 20 (ms), 20ms or 1s";
	case OPT_SLACK: case OPT_POLL:
		return "a time such as 100 (us), 100us or 1ms";
	case 'd': case OPT_WARMUP: case OPT_TIMEOUT: case OPT_DRAIN: case OPT_HLOG_INTERVAL:
		return "a time such as 10 (s), 500ms, 1.5s or 2m";
	case OPT_ARRIVALS:
		return "poisson or even";
	case OPT_KEEPALIVE:
		return "yes or no";
	default:
		return "see --help";
	}
}

/* One option's value into cfg; non-zero on a bad value. */
static int take_option(struct lg_config *cfg, int opt, const char *arg)
{
	uint64_t n;
	switch (opt) {
	case 'c':
		cfg->set_connections = true;
		if (config_parse_count(arg, 1000000, &n))
			return -1;
		cfg->connections = (uint32_t)n;
		return 0;
	case OPT_THINK:
		cfg->set_think = true;
		return parse_ms(arg, &cfg->think_ns);
	case 'R':
		cfg->set_rate = true;
		return config_parse_rate(arg, &cfg->rate);
	case OPT_ARRIVALS:
		return config_parse_arrivals(arg, &cfg->arrivals);
	case OPT_SEED:
		return units_parse_count(arg, 0, UINT64_MAX, &cfg->seed);
	case OPT_MAX_CONNS:
		cfg->set_max_conns = true;
		if (config_parse_count(arg, 1000000, &n))
			return -1;
		cfg->max_conns = (uint32_t)n;
		return 0;
	case 'd':
		cfg->set_duration = true;
		return config_parse_duration(arg, &cfg->duration_ns) || cfg->duration_ns == 0 ? -1 : 0;
	case 'n':
		return config_parse_count(arg, UINT64_MAX / 2, &cfg->requests);
	case OPT_WARMUP:
		return config_parse_duration(arg, &cfg->warmup_ns);
	case OPT_TIMEOUT:
		return config_parse_duration(arg, &cfg->timeout_ns) || cfg->timeout_ns == 0 ? -1 : 0;
	case OPT_DRAIN:
		cfg->set_drain = true;
		return config_parse_duration(arg, &cfg->drain_ns);
	case OPT_KEEPALIVE:
		return config_parse_bool(arg, &cfg->keepalive);
	case OPT_MIX:
		cfg->mix_spec = arg;
		return 0;
	case OPT_PARAM:
		if (cfg->nparams == QUERY_PARAMS_MAX)
			return -1;
		cfg->params[cfg->nparams++] = arg;
		return 0;
	case 't':
		if (config_parse_count(arg, LG_THREADS_MAX, &n))
			return -1;
		cfg->threads = (uint32_t)n;
		return 0;
	case OPT_TRICKLE:
		return parse_ms(arg, &cfg->trickle_ns) || cfg->trickle_ns == 0 ? -1 : 0;
	case OPT_SERIES:
		cfg->series_path = arg;
		return 0;
	case OPT_PERCENTILES:
		cfg->percentiles_path = arg;
		return 0;
	case OPT_SLACK:
		if (strcmp(arg, "auto") == 0) {
			cfg->slack_ns = LG_SLACK_AUTO;
			return 0;
		}
		if (units_parse_duration_in(arg, UNITS_NS_PER_US, 0, LG_SLACK_MAX_NS / 1000, &n))
			return -1;
		cfg->slack_ns = n * 1000;
		return 0;
	case OPT_POLL:
		if (units_parse_duration_in(arg, UNITS_NS_PER_US, 0, LG_POLL_MAX_NS / 1000, &n))
			return -1;
		cfg->poll_ns = n * 1000;
		return 0;
	case OPT_SCOREBOARD:
		cfg->scoreboard_name = arg;
		return scoreboard_name_valid(arg) ? 0 : -1;
	case OPT_HLOG:
		cfg->hlog_path = arg;
		return 0;
	case OPT_HLOG_INTERVAL:
		return config_parse_duration(arg, &cfg->hlog_interval_ns);
	case OPT_START_AT:
		return start_at_parse(arg, &cfg->start_at_epoch_s);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct lg_config cfg;
	char err[320];
	int opt, index = 0;

	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return merge_main(argc - 1, argv + 1);
	config_defaults(&cfg);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:R:d:n:t:hV", options, &index)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			cli_version("loadgen");
			return 0;
		case OPT_JSON:
			cfg.json = true;
			break;
		case OPT_ALLOW_REMOTE:
			cfg.allow_remote = true;
			break;
		case ':':
		case '?':
			return cli_bad_option("loadgen", argv, opt);
		default: {
			const char *name = "";
			for (const struct option *o = options; o->name; o++)
				if (o->val == opt)
					name = o->name;
			if (take_option(&cfg, opt, optarg))
				return cli_usage_error("loadgen", "bad value '%s' for --%s: %s", optarg, name, value_kind(opt));
		}
		}
	}
	if (optind >= argc)
		return cli_usage_error("loadgen", "no URL given (such as http://127.0.0.1:8080/)");
	if (optind + 1 < argc)
		return cli_usage_error("loadgen", "one URL expected, '%s' is one too many", argv[optind + 1]);
	cfg.target = argv[optind];
	if (config_finish(&cfg, err, sizeof err))
		return cli_usage_error("loadgen", "%s", err);
	if (cfg.start_at_epoch_s > 0 && start_at_check(cfg.start_at_epoch_s, start_at_now_s(), err, sizeof err))
		return cli_usage_error("loadgen", "%s", err);

	signal(SIGPIPE, SIG_IGN);
	long nofile = net_raise_nofile();
	if (!config_fit_fd_limit(&cfg, nofile))
		fprintf(stderr, "loadgen: %u connections need more descriptors than ulimit -n (%ld) allows: "
			"raise `ulimit -n`; the run goes on and counts EMFILE errors\n",
			cfg.mode == LG_OPEN ? cfg.max_conns : cfg.connections, nofile);
	/* the connections and the loops' own descriptors (epoll, timers, outputs) */
	net_reserve_fds((long)(cfg.mode == LG_OPEN ? cfg.max_conns : cfg.connections) + 64);
	return run_load(&cfg);
}
