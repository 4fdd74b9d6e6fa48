/* config.h: everything a load run is asked to do, and the parsers of flag values.
 *
 * main.c fills struct lg_config with getopt_long and the parsers below, then
 * config_finish checks the flags against each other and resolves the target. The
 * other modules only read it. Durations are in nanoseconds inside, whatever unit
 * the user typed ("10s", "500ms", "2m", "1h" or plain seconds).
 */
#ifndef LOADGEN_CONFIG_H
#define LOADGEN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mix.h"
#include "reqtext.h"
#include "schedule.h"
#include "url.h"

#define LG_DURATION_DEFAULT_NS (10ULL * 1000000000ULL)
#define LG_DURATION_MAX_NS (3600ULL * 1000000000ULL)   /* every run ends within an hour */
#define LG_TIMEOUT_DEFAULT_NS (10ULL * 1000000000ULL)
#define LG_CONNECTIONS_DEFAULT 10                       /* closed loop, as wrk */
#define LG_MAX_CONNS_DEFAULT 10000                      /* open loop, lowered to fit ulimit -n */
#define LG_THREADS_MAX 256
#define LG_SEED_DEFAULT 1
#define LG_HLOG_INTERVAL_DEFAULT_NS (1ULL * 1000000000ULL)
#define LG_HLOG_INTERVAL_MIN_NS (10ULL * 1000000ULL)
#define LG_RATE_MAX 1e7                                 /* arrivals per second, -R and the control slot */
#define LG_SLACK_MAX_NS (10ULL * 1000000ULL)            /* --arrival-slack-us at most 10 ms */
#define LG_POLL_AUTO UINT64_MAX                         /* --arrival-poll-us not given: measured */
#define LG_SLACK_AUTO UINT64_MAX                        /* --arrival-slack-us auto: wake_grid_ns */
#define LG_POLL_MAX_NS (1000ULL * 1000ULL)              /* --arrival-poll-us at most 1 ms */

enum lg_mode { LG_CLOSED = 0, LG_OPEN };

struct lg_config {
	const char *target;        /* the URL as typed */
	struct url url;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char addr_text[64];        /* the resolved address, for messages */

	enum lg_mode mode;
	uint32_t connections;      /* closed loop: -c */
	double rate;               /* open loop: -R, arrivals per second in all */
	enum arrivals arrivals;
	uint64_t seed;
	uint32_t max_conns;        /* open loop: connections at most, all threads */
	uint32_t threads;

	uint64_t duration_ns;      /* measured part of the run; 0 = bounded by -n only */
	uint64_t requests;         /* -n, 0 = no count */
	uint64_t warmup_ns;
	uint64_t timeout_ns;
	uint64_t drain_ns;         /* the wait after the window for its customers; see worker.c */
	uint64_t think_ns;         /* closed loop: pause between a customer's orders */
	uint64_t trickle_ns;       /* send requests one byte at a time, this far apart */
	uint64_t slack_ns;         /* open loop: arrivals taken on a grid this wide (0: each on
	                              time; LG_SLACK_AUTO: wake_grid_ns of the rate) */
	uint64_t poll_ns;          /* open loop: gaps up to this long polled, not slept (LG_POLL_AUTO) */
	bool keepalive;

	struct query query;        /* the URL's query and --param, without cook_ms/work_us */
	uint32_t cook_ms;          /* PARAM_ABSENT = not sent */
	uint32_t work_us;

	const char *params[QUERY_PARAMS_MAX]; /* --param K=V as typed, added after the URL's */
	size_t nparams;
	const char *mix_spec;      /* --mix as typed */
	struct mix mix;            /* its kinds; mix.n == 0: one kind of order */

	bool allow_remote;
	bool json;
	const char *series_path;
	const char *percentiles_path;
	const char *scoreboard_name;

	/* what main saw, for the cross-checks in config_finish */
	bool set_connections, set_rate, set_duration, set_max_conns, set_think, set_drain;

	/* several hosts as one load (issue 17, docs/multihost.md) */
	const char *hlog_path;      /* --hlog: HdrHistogram interval log */
	uint64_t hlog_interval_ns;  /* --hlog-interval, default LG_HLOG_INTERVAL_DEFAULT_NS */
	double start_at_epoch_s;    /* --start-at, wall clock; 0 = start at once */
};

void config_defaults(struct lg_config *cfg);

/* "10s", "500ms", "2m", "1h", "1.5s", "250us" or plain seconds ("10", "0.5"). 0 or
 * -EINVAL; zero and negative durations are accepted here and refused by the caller
 * where they make no sense. */
int config_parse_duration(const char *s, uint64_t *ns);

/* A positive count (1..max): 20, 1k, 1.5M (common/units.h). */
int config_parse_count(const char *s, uint64_t max, uint64_t *out);

/* A positive rate per second ("20000", "0.5", "1e4", "20k"), at most LG_RATE_MAX. */
int config_parse_rate(const char *s, double *out);

/* yes|no|on|off|true|false|1|0 */
int config_parse_bool(const char *s, bool *out);

/* poisson|even */
int config_parse_arrivals(const char *s, enum arrivals *out);

/* After every flag: the URL, --param already added to cfg->query, the loopback
 * check, the per-mode rules and the limits. 0, or -EINVAL with a one-line reason
 * in err (a usage error: exit 2). Resolves the host. */
int config_finish(struct lg_config *cfg, char *err, size_t errlen);

/* Fit the connections to the descriptor limit nofile (ulimit -n, already raised to
 * its hard limit): the open-loop default --max-conns is lowered to fit; an explicit
 * -c or --max-conns that cannot fit is kept (the run will count EMFILE errors) and
 * false is returned so that the caller warns. */
bool config_fit_fd_limit(struct lg_config *cfg, long nofile);

#endif
