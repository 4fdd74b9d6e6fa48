/* setup.c: scenario + knobs + calibration -> the model's configuration (see setup.h). */
#include "setup.h"

#include <string.h>
#include <unistd.h>

#include "net.h"


void sim_knobs_defaults(struct sim_knobs *k)
{
	memset(k, 0, sizeof *k);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	k->cores = n > 0 ? (double)n : 1;
	k->rate = -1;
	k->connections = -1;
	k->backlog = NET_BACKLOG;      /* what both servers ask listen() for */
	k->duration_ns = 60000000000ULL;
}

void sim_setup(struct sim_config *cfg, enum sim_server server, const struct scenario *sc,
	       const struct sim_knobs *k, const struct calibration *cal)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->server = server;
	cfg->rate = k->rate >= 0 ? k->rate : sc->rate;
	cfg->poisson = sc->poisson;
	cfg->seed = sc->seed;
	cfg->loadgen_threads = sc->loadgen_threads;
	cfg->n_rate_changes = k->n_rate_changes;
	memcpy(cfg->rate_changes, k->rate_changes, sizeof cfg->rate_changes);
	cfg->connections = k->connections >= 0 ? (uint32_t)k->connections : sc->connections;
	cfg->think_ns = k->think_ns;
	cfg->max_conns = sc->max_conns;
	cfg->keepalive = sc->keepalive;
	cfg->timeout_ns = (uint64_t)sc->timeout_ms * 1000000ULL;
	cfg->work_ns = (uint64_t)sc->work_us * 1000ULL;
	cfg->cook_ns = (uint64_t)sc->cook_ms * 1000000ULL;
	cfg->work_dist = k->work_dist;
	cfg->cook_dist = k->cook_dist;
	cfg->stoves = k->stoves;
	cfg->cores = k->cores;
	cfg->backlog = k->backlog;
	cfg->threads = sc->threads;
	cfg->hold_connection = sc->hold_connection;
	cfg->max_line = k->max_line;
	cfg->loops = sc->loops;
	cfg->helpers = sc->helpers;
	cfg->idle_ns = (uint64_t)sc->idle_ms * 1000000ULL;
	if (cal && cal->present) {
		cfg->overhead_order_ns = (uint64_t)(cal->order_us[server] * 1e3 + 0.5);
		cfg->overhead_conn_ns = (uint64_t)(cal->conn_us[server] * 1e3 + 0.5);
	}
	cfg->duration_ns = k->duration_ns;
}
