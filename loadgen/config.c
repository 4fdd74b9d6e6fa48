/* config.c: defaults, flag value parsers and the cross-checks (see config.h).
 *
 * Safety lives here: a target must resolve to 127.0.0.0/8 or ::1 unless
 * --allow-remote, and every run is bounded by a duration of at most an hour or by a
 * request count, so no flag combination can load a machine without end.
 */
#include "config.h"

#include "errmsg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net.h"
#include "units.h"

#define FD_MARGIN 64  /* descriptors kept for stdio, the scoreboard, libev, files */

/* a usage error: the reason into err, -EINVAL */
#define fail(err, errlen, ...) errmsg_fail((err), (errlen), -EINVAL, __VA_ARGS__)

void config_defaults(struct lg_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->mode = LG_CLOSED;
	cfg->connections = LG_CONNECTIONS_DEFAULT;
	cfg->arrivals = ARRIVALS_POISSON;
	cfg->seed = LG_SEED_DEFAULT;
	cfg->max_conns = LG_MAX_CONNS_DEFAULT;
	cfg->threads = 1;
	cfg->duration_ns = LG_DURATION_DEFAULT_NS;
	cfg->timeout_ns = LG_TIMEOUT_DEFAULT_NS;
	cfg->keepalive = true;
	cfg->cook_ms = PARAM_ABSENT;
	cfg->work_us = PARAM_ABSENT;
	cfg->hlog_interval_ns = LG_HLOG_INTERVAL_DEFAULT_NS;
	cfg->poll_ns = LG_POLL_AUTO;
	cfg->slack_ns = LG_SLACK_AUTO;
}

/* The shared parsers of common/units.c, with the load generator's bare unit (seconds)
 * and bounds. */
int config_parse_duration(const char *s, uint64_t *ns)
{
	int rc = units_parse_duration_ns(s, UNITS_NS_PER_S, UINT64_MAX, ns);
	return rc == -ERANGE ? -ERANGE : rc;
}

int config_parse_count(const char *s, uint64_t max, uint64_t *out)
{
	return units_parse_count(s, 1, max, out) ? -EINVAL : 0;
}

int config_parse_rate(const char *s, double *out)
{
	return units_parse_rate(s, LG_RATE_MAX, 0, out) ? -EINVAL : 0;
}

int config_parse_bool(const char *s, bool *out)
{
	static const char *yes[] = { "yes", "on", "true", "1" }, *no[] = { "no", "off", "false", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int config_parse_arrivals(const char *s, enum arrivals *out)
{
	if (strcasecmp(s, "poisson") == 0)
		*out = ARRIVALS_POISSON;
	else if (strcasecmp(s, "even") == 0)
		*out = ARRIVALS_EVEN;
	else
		return -EINVAL;
	return 0;
}

/* The URL's query first, then each --param (a later key replaces an earlier one),
 * then cook_ms and work_us taken out as numbers for the control slot. */
static int build_query(struct lg_config *cfg, char *err, size_t errlen)
{
	char why[160];
	if (query_add_string(&cfg->query, cfg->url.query, why, sizeof why))
		return fail(err, errlen, "URL query: %s", why);
	for (size_t i = 0; i < cfg->nparams; i++) {
		const char *kv = cfg->params[i];
		const char *eq = strchr(kv, '=');
		if (!eq)
			return fail(err, errlen, "--param %s: expected KEY=VALUE", kv);
		if (query_set(&cfg->query, kv, (size_t)(eq - kv), eq + 1, strlen(eq + 1), why, sizeof why))
			return fail(err, errlen, "--param %s: %s", kv, why);
	}
	if (query_take_uint(&cfg->query, "cook_ms", &cfg->cook_ms))
		return fail(err, errlen, "cook_ms must be a whole number of milliseconds");
	if (query_take_uint(&cfg->query, "work_us", &cfg->work_us))
		return fail(err, errlen, "work_us must be a whole number of microseconds");
	char probe[REQTEXT_MAX];
	if (reqtext_format(probe, sizeof probe, &cfg->url, &cfg->query, cfg->cook_ms, cfg->work_us, false) == 0)
		return fail(err, errlen, "the request would be longer than %d bytes", REQTEXT_MAX);
	if (cfg->mix_spec && mix_parse(&cfg->mix, cfg->mix_spec, err, errlen) < 0)
		return -1;
	for (unsigned k = 0; k < cfg->mix.n; k++) { /* every kind's request must be one we can send */
		struct reqtext *r = mix_reqtext(&cfg->mix.kind[k], &cfg->url, &cfg->query, cfg->cook_ms, cfg->work_us,
						false, NULL);
		if (!r)
			return fail(err, errlen, "--mix: the request of kind '%s' cannot be formed", cfg->mix.kind[k].name);
		reqtext_free_all(r);
	}
	return 0;
}

static int check_mode(struct lg_config *cfg, char *err, size_t errlen)
{
	if (cfg->set_rate && cfg->set_connections)
		return fail(err, errlen, "-c is closed loop and -R open loop: pick one "
				 "(--max-conns bounds the connections of an open loop)");
	cfg->mode = cfg->set_rate ? LG_OPEN : LG_CLOSED;
	if (cfg->mode == LG_OPEN && cfg->set_think)
		return fail(err, errlen, "--think-ms is for the closed loop (-c), not with -R");
	if (cfg->mode == LG_CLOSED && cfg->set_max_conns)
		return fail(err, errlen, "--max-conns is for the open loop (-R); use -c in a closed loop");
	if (cfg->mode == LG_CLOSED && cfg->slack_ns != LG_SLACK_AUTO)
		return fail(err, errlen, "--arrival-slack-us is for the open loop (-R)");
	if (cfg->slack_ns != LG_SLACK_AUTO && cfg->slack_ns > LG_SLACK_MAX_NS)
		return fail(err, errlen, "--arrival-slack-us is at most 10000 (10 ms)");
	if (cfg->mode == LG_CLOSED && cfg->poll_ns != LG_POLL_AUTO)
		return fail(err, errlen, "--arrival-poll-us is for the open loop (-R)");
	if (cfg->threads < 1 || cfg->threads > LG_THREADS_MAX)
		return fail(err, errlen, "--threads must be 1 to %d", LG_THREADS_MAX);
	uint32_t conns = cfg->mode == LG_OPEN ? cfg->max_conns : cfg->connections;
	if (conns < cfg->threads)
		return fail(err, errlen, "%u connections for %u threads: each thread needs at least one",
			    conns, cfg->threads);
	return 0;
}

static int check_times(struct lg_config *cfg, char *err, size_t errlen)
{
	if (cfg->set_duration) {
		if (cfg->duration_ns == 0)
			return fail(err, errlen, "--duration must be more than zero");
		if (cfg->duration_ns > LG_DURATION_MAX_NS)
			return fail(err, errlen, "--duration is at most 1h");
	} else if (cfg->requests > 0) {
		cfg->duration_ns = 0; /* bounded by the count, and by the hour in worker.c */
	}
	if (cfg->warmup_ns > LG_DURATION_MAX_NS)
		return fail(err, errlen, "--warmup is at most 1h");
	if (cfg->timeout_ns == 0)
		return fail(err, errlen, "--timeout must be more than zero");
	if (cfg->timeout_ns > LG_DURATION_MAX_NS)
		return fail(err, errlen, "--timeout is at most 1h");
	if (cfg->drain_ns > LG_DURATION_MAX_NS)
		return fail(err, errlen, "--drain is at most 1h");
	/* by default the customers of the window are awaited as long as the window lasted,
	 * never longer than one of them may take (--timeout) */
	if (!cfg->set_drain)
		cfg->drain_ns = cfg->duration_ns < cfg->timeout_ns ? cfg->duration_ns : cfg->timeout_ns;
	if (cfg->think_ns > LG_DURATION_MAX_NS || cfg->trickle_ns > LG_DURATION_MAX_NS)
		return fail(err, errlen, "--think-ms and --trickle-ms are at most an hour");
	if (cfg->hlog_interval_ns < LG_HLOG_INTERVAL_MIN_NS || cfg->hlog_interval_ns > LG_DURATION_MAX_NS)
		return fail(err, errlen, "--hlog-interval must be 10ms to 1h");
	return 0;
}

static int resolve(struct lg_config *cfg, char *err, size_t errlen)
{
	int rc = net_resolve(cfg->url.host, cfg->url.port, &cfg->addr, &cfg->addrlen);
	if (rc)
		return fail(err, errlen, "cannot resolve '%s': %s", cfg->url.host,
			    rc == -ENOENT ? "unknown host" : strerror(-rc));
	const void *a = cfg->addr.ss_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)&cfg->addr)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)&cfg->addr)->sin_addr;
	if (!inet_ntop(cfg->addr.ss_family, a, cfg->addr_text, sizeof cfg->addr_text))
		snprintf(cfg->addr_text, sizeof cfg->addr_text, "%s", cfg->url.host);
	if (!cfg->allow_remote && !net_is_loopback(&cfg->addr)) {
		bool numeric = strcmp(cfg->url.host, cfg->addr_text) == 0;
		return fail(err, errlen, "refusing %s%s%s%s: not a loopback address; "
				 "pass --allow-remote to load another machine", cfg->url.host,
			    numeric ? "" : " (", numeric ? "" : cfg->addr_text, numeric ? "" : ")");
	}
	return 0;
}

int config_finish(struct lg_config *cfg, char *err, size_t errlen)
{
	char why[200];
	int rc;

	if (!cfg->target)
		return fail(err, errlen, "no URL given");
	if (url_parse(&cfg->url, cfg->target, why, sizeof why))
		return fail(err, errlen, "%s", why);
	if ((rc = build_query(cfg, err, errlen)) || (rc = check_mode(cfg, err, errlen)) ||
	    (rc = check_times(cfg, err, errlen)))
		return rc;
	return resolve(cfg, err, errlen);
}

bool config_fit_fd_limit(struct lg_config *cfg, long nofile)
{
	uint64_t conns = cfg->mode == LG_OPEN ? cfg->max_conns : cfg->connections;
	if (nofile <= 0 || conns + FD_MARGIN <= (uint64_t)nofile)
		return true;
	if (cfg->mode == LG_OPEN && !cfg->set_max_conns) {
		long fit = nofile - FD_MARGIN;
		cfg->max_conns = fit > (long)cfg->threads ? (uint32_t)fit : cfg->threads;
		return true;
	}
	return false;
}
