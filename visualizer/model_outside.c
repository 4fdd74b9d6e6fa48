/* model_outside.c: see model_outside.h. A kernel reading per update (one netlink dump,
 * one small /proc file), a /proc scan per tick for the process tree. */
#include "model_outside.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "procstat.h"

#define DOOR_MISSING_DOWN 3     /* updates without a listener before a watched URL is down */

void outside_reset(struct outside_state *o)
{
	o->have_prev = false;
	o->have_kernel_base = false;
	o->l_sum = 0;
	o->l_samples = 0;
	o->door_missing = 0;
}

static void read_door(struct outside_state *o, uint16_t port, struct side_snapshot *ss, struct side_maxima *max)
{
	struct door_reading d;
	ss->door_kernel = false;
	if (port && door_read(port, &d) == 0) {
		ss->door = d.queued;
		ss->door_max = d.backlog;
		ss->door_kernel = true;
		o->door_missing = 0;
		if (ss->door > max->door_max)
			max->door_max = ss->door;
		max->door_backlog = ss->door_max;
	} else if (port) {
		o->door_missing++;
	}
	struct door_kernel k;
	if (door_kernel_read(&k) == 0) {
		if (!o->have_kernel_base) {
			o->kernel_base = k;
			o->have_kernel_base = true;
		}
		ss->listen_overflows = k.listen_overflows - o->kernel_base.listen_overflows;
		ss->listen_drops = k.listen_drops - o->kernel_base.listen_drops;
	}
}

void outside_gauges(struct outside_state *o, uint16_t fallback_port, const struct scoreboard_loadgen *lg,
		    struct side_snapshot *ss, struct side_maxima *max, char *why, size_t whylen)
{
	snprintf(ss->restaurant, sizeof ss->restaurant, "%s", o->restaurant[0] ? o->restaurant : ss->model);
	ss->black_box = o->black_box;
	uint16_t port = o->port ? o->port : fallback_port;
	read_door(o, port, ss, max);
	if (lg)
		ss->in_flight = SB_GET(lg->in_flight);
	if (!o->black_box)
		return;
	if (o->pid > 0) {
		ss->pid = o->pid;
		ss->server_up = !(kill(o->pid, 0) < 0 && errno == ESRCH);
		if (!ss->server_up)
			snprintf(why, whylen, "process %d is gone", (int)o->pid);
	} else {
		ss->server_up = o->door_missing < DOOR_MISSING_DOWN;
		if (!ss->server_up)
			snprintf(why, whylen, "nothing listens on 127.0.0.1:%u", port);
	}
	if (ss->server_up)
		why[0] = '\0';
	if (lg && ss->server_up) {
		o->l_sum += (double)ss->outside + (double)ss->in_flight;
		o->l_samples++;
	}
}

static void tick_tree(struct outside_state *o, struct side_snapshot *ss, uint64_t now_ns, struct side_maxima *max)
{
	struct procstat ps;
	uint32_t n = 0;
	if (o->pid <= 0 || procstat_read_tree(o->pid, &ps, &n) < 0)
		return;
	ss->threads = ps.threads;
	ss->rss_kb = ps.rss_kb;
	ss->ctx_switches = ps.ctx_switches;
	ss->processes = n;
	if (o->have_prev && now_ns > o->prev_at_ns && ps.cpu_ns >= o->prev_cpu_ns) {
		double dt_ns = (double)(now_ns - o->prev_at_ns);
		ss->cpu_pct = 100.0 * (double)(ps.cpu_ns - o->prev_cpu_ns) / dt_ns;
		ss->ctx_switches_rps = ps.ctx_switches >= o->prev_ctx ? (ps.ctx_switches - o->prev_ctx) * 1e9 / dt_ns : 0;
	}
	o->prev_cpu_ns = ps.cpu_ns;
	o->prev_ctx = ps.ctx_switches;
	if (ps.threads > max->threads_max)
		max->threads_max = ps.threads;
	if (ps.rss_kb > max->rss_max_kb)
		max->rss_max_kb = ps.rss_kb;
}

void outside_tick(struct outside_state *o, const struct scoreboard_loadgen *lg, struct side_snapshot *ss,
		  uint64_t now_ns, struct side_maxima *max)
{
	if (!o->black_box)
		return;
	uint64_t ok = lg ? SB_GET(lg->status_2xx) : 0;
	ss->served_total = ok;
	if (o->have_prev && now_ns > o->prev_at_ns && ok >= o->prev_2xx)
		ss->throughput_rps = (double)(ok - o->prev_2xx) * 1e9 / (double)(now_ns - o->prev_at_ns);
	ss->arrival_rps = ss->offered_rps;
	tick_tree(o, ss, now_ns, max);
	ss->little_l = o->l_samples ? o->l_sum / o->l_samples : 0;
	ss->little_lambda = ss->completed_rps;
	ss->little_w_s = ss->mean_ms / 1000.0;
	ss->little_lw = ss->little_lambda * ss->little_w_s;
	o->l_sum = 0;
	o->l_samples = 0;
	o->prev_2xx = ok;
	o->prev_at_ns = now_ns;
	o->have_prev = true;
}
