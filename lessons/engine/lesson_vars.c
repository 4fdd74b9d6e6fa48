/* lesson_vars.c: names to numbers for the checks (see lesson_vars.h), and the theory
 * of a scenario: which queue each restaurant is, fed to theory.c.
 *
 * The blocking restaurant is an M/D/c queue: c cashier threads, each holding an order
 * for cook + CPU time. The evented restaurant cooks in parallel without bound (timers);
 * its only queue is the CPU part, served by the loops (or the helpers), at most one per
 * core. Lessons 2, 3, 5 and 8 lean on this split.
 */
#include "lesson_vars.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lesson_expr.h"
#include "theory.h"

static double cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (double)n : 1.0;
}

/* The CPU part of an order can use at most one core per thread doing it. */
static double cpu_servers(const struct scenario *sc, enum arena_side side)
{
	double c;
	if (side == SIDE_BLOCKING)
		c = sc->threads ? sc->threads : INFINITY;
	else
		c = sc->helpers ? sc->helpers : (sc->loops ? sc->loops : 1);
	return fmin(c, cores());
}

/* The mean and the second moment of the CPU work of a mixed menu (seconds, seconds^2):
 * "work_us=40000:5,work_us=0:95". Kinds without work_us have the scenario's. False
 * without a mix (or when its shares do not add up to 100). */
static bool mix_moments(const struct scenario *sc, double *e1, double *e2)
{
	char copy[SCENARIO_ARGS_MAX];
	double s1 = 0, s2 = 0, total = 0;
	if (!sc->mix[0])
		return false;
	snprintf(copy, sizeof copy, "%s", sc->mix);
	for (char *save = NULL, *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		char *colon = strrchr(k, ':');
		if (!colon)
			return false;
		double share = strtod(colon + 1, NULL) / 100, w = sc->work_us / 1e6;
		const char *p = strstr(k, "work_us=");
		if (p && p < colon)
			w = strtod(p + 8, NULL) / 1e6;
		s1 += share * w;
		s2 += share * w * w;
		total += share;
	}
	if (total < 0.999 || total > 1.001)
		return false;
	*e1 = s1;
	*e2 = s2;
	return true;
}

void theory_for_scenario(const struct scenario *sc, enum arena_side side, struct theory_side *t)
{
	memset(t, 0, sizeof *t);
	t->present = side == SIDE_BLOCKING ? sc->blocking : sc->evented;
	t->open_loop = sc->rate > 0;
	t->rate_rps = sc->rate;
	t->connections = sc->rate > 0 ? 0 : sc->connections;
	double work_s = sc->work_us / 1e6, work2_s = 0;
	bool mixed = mix_moments(sc, &work_s, &work2_s); /* a mixed menu: its mean work */
	double service_s = sc->cook_ms / 1e3 + work_s;
	t->service_ms = service_s * 1e3;
	double cpu_c = cpu_servers(sc, side);
	double cpu_bound = work_s > 0 ? cpu_c / work_s : INFINITY;
	/* a kitchen of N stoves serves at most N / cook orders, whoever waits on it (lesson 12) */
	double stove_bound = sc->kitchen && sc->stoves && sc->cook_ms ? sc->stoves / (sc->cook_ms / 1e3) : INFINITY;
	/* the queue: blocking, the cashiers for the whole order; evented, the CPU part
	 * (or, behind a kitchen of few stoves, the stoves for the cook time) */
	double c, s_q;
	if (side == SIDE_BLOCKING) {
		c = sc->threads ? (double)sc->threads : -1;
		s_q = service_s;
		t->bound_rps = fmin(fmin(theory_bound_rps(c, service_s), cpu_bound), stove_bound);
	} else if (stove_bound < cpu_bound) {
		c = sc->stoves;
		s_q = sc->cook_ms / 1e3;
		t->bound_rps = stove_bound;
	} else {
		c = cpu_c;
		s_q = work_s;
		t->bound_rps = cpu_bound;
	}
	t->servers = c;
	if (t->open_loop) {
		t->rho = isinf(t->bound_rps) ? 0 : sc->rate / t->bound_rps;
		t->growth_rps = theory_growth_rps(sc->rate, t->bound_rps);
		t->throughput_rps = fmin(sc->rate, t->bound_rps);
		if (c > 0 && s_q > 0) {
			unsigned ci = (unsigned)c;
			t->p_wait = theory_erlang_c(ci, sc->rate * s_q);
			t->wait_mmc_ms = theory_mmc_wait_s(sc->rate, s_q, ci) * 1e3;
			t->wait_mdc_ms = theory_mdc_wait_s(sc->rate, s_q, ci) * 1e3;
			t->wait_kingman_ms = theory_kingman_wait_s(sc->rate, s_q, ci, sc->poisson ? 1 : 0, 0) * 1e3;
			if (ci == 1 && side == SIDE_EVENTED)
				t->wait_p99_ms = theory_md1_wait_quantile_s(sc->rate, s_q, 0.99) * 1e3;
			if (side == SIDE_EVENTED && sc->helpers == 0 && s_q == work_s)
				t->lag_p99_ms = t->wait_p99_ms;
		}
		if (mixed && side == SIDE_EVENTED && c == 1 && s_q == work_s && sc->rate * work_s < 1)
			t->wait_mg1_ms = sc->rate * work2_s / (2 * (1 - sc->rate * work_s)) * 1e3;
		/* even arrivals: Kingman's factor, not M/D/c's (which assumes Poisson) */
		t->latency_ms = t->service_ms + (sc->poisson ? t->wait_mdc_ms : t->wait_kingman_ms);
		if (side == SIDE_BLOCKING && sc->max_line && c > 0)
			t->line_cap_max_ms = (sc->max_line / c + 1) * service_s * 1e3;
		t->shed_share = t->rho > 1 ? 1 - 1 / t->rho : 0;
		t->latency_mmc_ms = t->service_ms + t->wait_mmc_ms;
	} else {
		double x = theory_closed_rps(t->connections, side == SIDE_BLOCKING ? c : -1, service_s);
		t->throughput_rps = fmin(x, t->bound_rps);
		t->rho = isinf(t->bound_rps) ? 0 : t->throughput_rps / t->bound_rps;
		t->latency_ms = t->throughput_rps > 0 ? t->connections / t->throughput_rps * 1e3 : INFINITY;
		t->latency_mmc_ms = t->latency_ms;
	}
	t->little_l = theory_little_l(t->throughput_rps, t->latency_ms / 1e3);
}

/* The header deadline of bin/blocking in a step: its --header-timeout-ms, or 10 s. */
static double header_deadline_ms(const struct scenario *sc)
{
	const char *p = strstr(sc->blocking_args, "--header-timeout-ms");
	return p ? strtod(p + strlen("--header-timeout-ms"), NULL) : 10000;
}

void theory_for_step(const struct lesson_step *st, enum arena_side side, double window_s, struct theory_side *t)
{
	if (side == SIDE_BLOCKING && st->slow_talkers && st->sc.threads)
		t->slow_wait_ms = (double)st->slow_talkers / st->sc.threads * header_deadline_ms(&st->sc);
	if (!st->faint || st->faint_side != (int)side || window_s <= 0)
		return;
	if (t->open_loop)
		t->stall_p99_ms = fmax(0, st->faint_ms - window_s * 1e3 / 100);
	else if (t->throughput_rps > 0)
		t->stall_share_pct = 100 * t->connections / (t->throughput_rps * window_s);
}

/* Where a theory figure comes from, in one line with the numbers in it. */
void theory_explain(const struct lesson_step *st, const struct scenario *sc, const char *name, char *buf, size_t len)
{
	buf[0] = '\0';
	const char *dot = strrchr(name, '.');
	const char *field = dot ? dot + 1 : name;
	enum arena_side side = strstr(name, "evented") ? SIDE_EVENTED : SIDE_BLOCKING;
	struct theory_side t;
	theory_for_scenario(sc, side, &t);
	double work_s = sc->work_us / 1e6;
	bool stove_bound = sc->kitchen && sc->stoves && sc->cook_ms &&
			   fabs(t.bound_rps - sc->stoves / (sc->cook_ms / 1e3)) < 1e-6 * t.bound_rps;
	if (strcmp(field, "bound_rps") == 0 && stove_bound) {
		snprintf(buf, len, "stoves / cook time = %u / %.3f s = %.1f/s: the kitchen's bound", sc->stoves,
			 sc->cook_ms / 1e3, t.bound_rps);
	} else if (strcmp(field, "bound_rps") == 0) {
		if (isinf(t.bound_rps))
			snprintf(buf, len, "no cashier limit: %s", side == SIDE_BLOCKING ? "a thread per connection" :
				 "the loop does no CPU work, the kitchen cooks in parallel");
		else if (side == SIDE_BLOCKING && t.servers > 0 && t.bound_rps < t.servers / (t.service_ms / 1e3) * 0.999)
			snprintf(buf, len, "cores / CPU time = %.0f / %.4f s = %.1f/s", cores(), work_s, t.bound_rps);
		else if (side == SIDE_BLOCKING)
			snprintf(buf, len, "cashiers / service time = %.0f / %.3f s = %.1f/s", t.servers,
				 t.service_ms / 1e3, t.bound_rps);
		else
			snprintf(buf, len, "%s (at most the %.0f cores) / CPU time = %.0f / %.4f s = %.1f/s",
				 sc->helpers ? "helpers" : "loops", cores(), t.servers, work_s, t.bound_rps);
	} else if (strcmp(field, "rho") == 0) {
		snprintf(buf, len, "rho = offered / bound = %.1f / %.1f = %.2f%s%s", t.open_loop ? t.rate_rps : t.throughput_rps,
			 t.bound_rps, t.rho, theory_unstable(t.rho) ? ": " : "", theory_rho_warning(t.rho));
	} else if (strcmp(field, "growth_rps") == 0) {
		snprintf(buf, len, "arrivals - bound = %.1f - %.1f = %.1f more customers in line every second",
			 t.rate_rps, t.bound_rps, t.growth_rps);
	} else if (strcmp(field, "throughput_rps") == 0) {
		if (t.open_loop)
			snprintf(buf, len, "min(arrivals, bound) = min(%.1f, %.1f) = %.1f/s", t.rate_rps, t.bound_rps,
				 t.throughput_rps);
		else
			snprintf(buf, len, "customers busy at once / service time = min(%.0f, %s) / %.3f s = %.1f/s",
				 t.connections, side == SIDE_BLOCKING && sc->threads ? "cashiers" : "no limit",
				 t.service_ms / 1e3, t.throughput_rps);
	} else if (strcmp(field, "latency_ms") == 0) {
		if (t.open_loop)
			snprintf(buf, len, "service + wait in line (M/D/c) = %.1f + %.1f ms = %.1f ms", t.service_ms,
				 t.wait_mdc_ms, t.latency_ms);
		else
			snprintf(buf, len, "Little's law: W = N / X = %.0f / %.1f/s = %.1f ms", t.connections,
				 t.throughput_rps, t.latency_ms);
	} else if (strcmp(field, "wait_mmc_ms") == 0 || strcmp(field, "latency_mmc_ms") == 0 ||
		   strcmp(field, "p_wait") == 0) {
		snprintf(buf, len, "Erlang C with %.0f servers, load %.2f erlangs: P(wait) = %.2f, mean wait %.1f ms",
			 t.servers, t.rate_rps * (side == SIDE_BLOCKING ? t.service_ms / 1e3 : work_s), t.p_wait,
			 t.wait_mmc_ms);
	} else if (strcmp(field, "wait_p99_ms") == 0 || strcmp(field, "lag_p99_ms") == 0) {
		snprintf(buf, len, "M/D/1 at the register: rho = %.0f/s x %.1f ms = %.2f, its p99 wait %.1f ms%s",
			 t.rate_rps, work_s * 1e3, t.rate_rps * work_s, t.wait_p99_ms,
			 field[0] == 'l' && sc->helpers ? " (on the helper: the loop itself waits for nothing)" : "");
	} else if (strcmp(field, "wait_kingman_ms") == 0) {
		snprintf(buf, len, "Kingman: (ca2 + cs2) / 2 x M/M/c wait = (%d + 0) / 2 x %.1f ms = %.1f ms",
			 sc->poisson ? 1 : 0, t.wait_mmc_ms, t.wait_kingman_ms);
	} else if (strcmp(field, "line_cap_max_ms") == 0) {
		snprintf(buf, len, "M/D/c/K: (K / c + 1) x service = (%u / %.0f + 1) x %.0f ms = %.0f ms", sc->max_line,
			 t.servers, t.service_ms, t.line_cap_max_ms);
	} else if (strcmp(field, "shed_share") == 0) {
		snprintf(buf, len, "1 - bound / arrivals = 1 - %.0f / %.0f = %.2f", t.bound_rps, t.rate_rps, t.shed_share);
	} else if (strcmp(field, "slow_wait_ms") == 0) {
		snprintf(buf, len, "slow talkers / cashiers x header deadline = %u / %u x %.0f ms", st->slow_talkers,
			 sc->threads, header_deadline_ms(sc));
	} else if (strcmp(field, "service_ms") == 0) {
		snprintf(buf, len, "cook + CPU work = %u ms + %.1f ms", sc->cook_ms, sc->work_us / 1e3);
	} else if (strcmp(field, "little_l") == 0) {
		snprintf(buf, len, "Little's law: L = lambda W = %.1f/s x %.3f s = %.1f", t.throughput_rps,
			 t.latency_ms / 1e3, t.little_l);
	}
}

/* ---- the name tables ---- */

#define M(f, src, doc) { #f, offsetof(struct measured_side, f), src, doc }
static const struct field {
	const char *name;
	size_t off;
	char src;          /* 's' server board, 'l' loadgen board, 'p' the server's process
	                    * (ours through its board, a peer's from /proc), 't' theory */
	const char *doc;
} measured_fields[] = {
	M(offered_rps, 'l', "customers whose arrival came, per second"),
	M(completed_rps, 'l', "responses the load generator read, per second"),
	M(p50_ms, 'l', "latency p50 (open loop: from the scheduled arrival)"),
	M(p90_ms, 'l', "latency p90"),
	M(p99_ms, 'l', "latency p99"),
	M(max_ms, 'l', "latency max"),
	M(mean_ms, 'l', "latency mean"),
	M(uncorrected_p50_ms, 'l', "latency p50 from the actual send"),
	M(uncorrected_p99_ms, 'l', "latency p99 from the actual send (coordinated omission)"),
	M(uncorrected_max_ms, 'l', "latency max from the actual send"),
	M(uncorrected_mean_ms, 'l', "latency mean from the actual send"),
	M(backlog_mean, 'l', "customers waiting or in flight, mean"),
	M(backlog_end, 'l', "customers waiting or in flight at the end"),
	M(backlog_growth_rps, 'l', "how fast the backlog grew (slope)"),
	M(loadgen_errors, 'l', "load generator errors in the window"),
	M(throughput_rps, 's', "orders served (200) per second"),
	M(arrival_rps, 's', "orders reaching the server per second"),
	M(server_errors, 's', "server errors in the window"),
	M(error_rps, 's', "server + load generator errors per second"),
	M(server_mean_ms, 's', "mean time of an order inside the server"),
	M(server_p99_ms, 's', "p99 time of an order inside the server"),
	M(line_mean, 's', "customers waiting for a cashier, mean"),
	M(line_max, 's', "customers waiting for a cashier, most"),
	M(line_end, 's', "customers waiting for a cashier at the end"),
	M(line_growth_rps, 's', "how fast the line grew (slope)"),
	M(in_system_mean, 's', "L: orders inside the server, mean"),
	M(little_lw, 's', "lambda W: throughput x mean time inside"),
	M(conns_max, 's', "open connections, most"),
	M(loop_lag_p99_ms, 's', "evented: loop lag p99"),
	M(loop_lag_max_ms, 's', "evented: loop lag max"),
	M(busy_pct, 's', "cashiers (or loops) not idle, % of the time"),
	M(threads_max, 'p', "threads of the server process, most"),
	M(rss_max_kb, 'p', "resident memory, most"),
	M(rss_end_kb, 'p', "resident memory at the end"),
	M(cpu_pct, 's', "server CPU, % of one core"),
	M(ctx_per_s, 's', "context switches per second"),
	M(ctx_per_order, 's', "context switches per order served"),
	M(cpu_ms_per_order, 's', "server CPU time per order served, ms"),
	M(shed_rps, 's', "turned away at once with a 503, per second"),
	M(listen_overflows, 's', "connections the kernel's door dropped (whole machine)"),
	M(timeout_rps, 'l', "customers who gave up (loadgen --timeout), per second"),
	M(near_1s_pct, 'l', "% of latencies in 0.85-1.6 s (one SYN retry)"),
	M(near_3s_pct, 'l', "% of latencies in 2.85-3.6 s (two SYN retries)"),
	M(late_served_rps, 's', "served minus answered: work for customers gone"),
	M(window_s, 'l', "the measured window, s"),
};
#undef M

#define T(f, doc) { #f, offsetof(struct theory_side, f), 't', doc }
static const struct field theory_fields[] = {
	T(rate_rps, "arrivals per second (open loop)"),
	T(connections, "customers (closed loop)"),
	T(service_ms, "cook + CPU work of one order"),
	T(servers, "cashiers doing the queued part (-1: unbounded)"),
	T(bound_rps, "the most orders per second"),
	T(rho, "utilisation; >= 1: the line grows without bound"),
	T(growth_rps, "arrivals - bound, when positive"),
	T(throughput_rps, "expected orders per second"),
	T(p_wait, "Erlang C: share who wait"),
	T(wait_mmc_ms, "mean wait in line, M/M/c"),
	T(wait_mdc_ms, "mean wait in line, M/D/c"),
	T(latency_ms, "expected mean time per order"),
	T(latency_mmc_ms, "service + M/M/c wait"),
	T(little_l, "orders in the restaurant, L = X W"),
	T(wait_kingman_ms, "mean wait, Kingman: (ca2 + cs2) / 2 x M/M/c"),
	T(wait_p99_ms, "evented: p99 wait at the register, M/D/1"),
	T(lag_p99_ms, "evented: loop lag p99, M/D/1 (0 with helpers)"),
	T(line_cap_max_ms, "blocking max_line K: (K / c + 1) x service"),
	T(shed_share, "share turned away at rho > 1: 1 - 1 / rho"),
	T(stall_p99_ms, "open loop, a stall T in window w: T - w / 100"),
	T(stall_share_pct, "closed loop: % of orders caught in the stall"),
	T(wait_mg1_ms, "evented, a mixed menu on one loop: M/G/1 mean wait"),
	T(slow_wait_ms, "blocking, s slow talkers, deadline D: s / c x D"),
};
#undef T

#define S(f) { #f, offsetof(struct scenario, f) }
static const struct { const char *name; size_t off; } scenario_u32[] = {
	S(connections), S(cook_ms), S(work_us), S(max_conns), S(timeout_ms), S(loadgen_threads),
	S(threads), S(loops), S(helpers), S(idle_ms), S(max_line), S(backlog), S(stoves),
};
#undef S

static const struct field *find_field(const struct field *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int side_of(const char *s)
{
	for (int i = 0; i < SIDE_COUNT; i++)
		if (strcmp(s, arena_side_name(i)) == 0)
			return i;
	return -1;
}

static int scenario_value(const struct lesson_step *st, const struct step_result *r, const char *key, double *out)
{
	if (r && r->have_sc) { /* a challenge: the scenario with the student's choice */
		struct lesson_step copy = *st;
		copy.sc = r->sc;
		return scenario_value(&copy, NULL, key, out);
	}
	if (strcmp(key, "rate") == 0)
		return *out = st->sc.rate, 0;
	if (strcmp(key, "slow_talkers") == 0)
		return *out = st->slow_talkers, 0;
	if (strcmp(key, "faint_ms") == 0)
		return *out = st->faint_ms, 0;
	for (size_t i = 0; i < COUNT(scenario_u32); i++)
		if (strcmp(scenario_u32[i].name, key) == 0)
			return *out = *(const uint32_t *)((const char *)&st->sc + scenario_u32[i].off), 0;
	return -ENOENT;
}

/* measured.SIDE.FIELD or theory.SIDE.FIELD of step si. */
static int side_value(struct lesson_ctx *c, int si, char **part, int n, double *out, char *err, size_t errlen)
{
	bool measured = strcmp(part[0], "measured") == 0;
	int side = n == 3 ? side_of(part[1]) : -1;
	const struct field *f = side < 0 ? NULL :
		measured ? find_field(measured_fields, COUNT(measured_fields), part[2]) :
			   find_field(theory_fields, COUNT(theory_fields), part[2]);
	if (!f) {
		snprintf(err, errlen, "not a figure: %s.SIDE.FIELD with SIDE blocking or evented and a FIELD "
			 "of lessons/README.md", part[0]);
		return -ENOENT;
	}
	if (c->validate)
		return *out = 1, 0;
	const struct step_result *r = &c->result[si];
	if (!r->ran) {
		snprintf(err, errlen, "step %d has not run", si + 1);
		return -ENODATA;
	}
	if (measured) {
		const struct measured_side *m = &r->measured[side];
		if ((f->src == 's' && !m->server) || (f->src == 'l' && !m->loadgen) ||
		    (f->src == 'p' && !m->server && !m->process)) {
			snprintf(err, errlen, "the %s %s was not measured in step %d", part[1],
				 f->src == 's' ? "server" : "load generator", si + 1);
			return -ENODATA;
		}
		return *out = *(const double *)((const char *)m + f->off), 0;
	}
	if (!r->theory[side].present) {
		snprintf(err, errlen, "the %s restaurant is not in step %d", part[1], si + 1);
		return -ENODATA;
	}
	return *out = *(const double *)((const char *)&r->theory[side] + f->off), 0;
}

/* The words a name may begin with; any other first word of a dotted name is a step's id. */
static bool is_kind(const char *word, size_t len)
{
	static const char *const kinds[] = { "measured", "theory", "scenario", "model" };
	for (size_t i = 0; i < COUNT(kinds); i++)
		if (strlen(kinds[i]) == len && strncmp(word, kinds[i], len) == 0)
			return true;
	return false;
}

const char *lesson_name_after_step(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot && !is_kind(name, (size_t)(dot - name)) ? dot + 1 : name;
}

/* model.SIDE.FIELD of step si: the model is run for the scenario and window the step
 * had, once, and again only when either changed. */
static int model_value(struct lesson_ctx *c, int si, char **part, int n, double *out, char *err, size_t errlen)
{
	int side = n == 3 ? side_of(part[1]) : -1;
	long off = side < 0 ? -1 : lesson_model_field(part[2], NULL);
	if (off < 0) {
		snprintf(err, errlen, "not a figure: model.SIDE.FIELD with SIDE blocking or evented and a FIELD "
			 "of lessons/README.md");
		return -ENOENT;
	}
	if (c->validate)
		return *out = 1, 0;
	struct step_result *r = &c->result[si];
	const struct lesson_step *st = &c->lesson->step[si];
	if (!r->ran) {
		snprintf(err, errlen, "step %d has not run", si + 1);
		return -ENODATA;
	}
	const struct scenario *sc = r->have_sc ? &r->sc : &st->sc;
	double window_s = 0;
	for (int s = 0; s < SIDE_COUNT; s++)
		if (r->measured[s].window_s > window_s)
			window_s = r->measured[s].window_s;
	if (!r->model.done || r->model_window_s != window_s || memcmp(&r->model_sc, sc, sizeof *sc) != 0) {
		lesson_model_run(st, sc, window_s, &r->model);
		r->model_window_s = window_s;
		memcpy(&r->model_sc, sc, sizeof *sc);
	}
	if (r->model.rc < 0) {
		snprintf(err, errlen, "no model of step %d: %s", si + 1, r->model.err);
		return -ENODATA;
	}
	if (!r->model.side[side].present) {
		snprintf(err, errlen, "the %s restaurant is not in the model of step %d", part[1], si + 1);
		return -ENODATA;
	}
	return *out = *(const double *)((const char *)&r->model.side[side] + off), 0;
}

int lesson_lookup(void *ctx, const char *name, double *out, char *err, size_t errlen)
{
	struct lesson_ctx *c = ctx;
	char copy[128];
	char *part[5];
	int n = 0;
	snprintf(copy, sizeof copy, "%s", name);
	for (char *save = NULL, *t = strtok_r(copy, ".", &save); t && n < 5; t = strtok_r(NULL, ".", &save))
		part[n++] = t;
	if (n == 1 && strcmp(part[0], "predicted") == 0) {
		if (c->validate)
			return *out = 1, 0;
		*out = c->result[c->current].predicted;
		if (isnan(*out)) {
			snprintf(err, errlen, "no prediction was given");
			return -ENODATA;
		}
		return 0;
	}
	if (n == 1 && strcmp(part[0], "chosen") == 0) {
		if (c->validate)
			return *out = 1, 0;
		*out = c->result[c->current].chosen;
		if (isnan(*out)) {
			snprintf(err, errlen, "nothing was chosen (the step has no choose)");
			return -ENODATA;
		}
		return 0;
	}
	if (n == 2 && strcmp(part[0], "machine") == 0 && strcmp(part[1], "cores") == 0)
		return *out = cores(), 0;
	if (n == 2 && strcmp(part[0], "predict") == 0 &&
	    (strcmp(part[1], "measured") == 0 || strcmp(part[1], "theory") == 0)) {
		/* the step's own predict_measured / predict_theory, by a short name for its words */
		const struct lesson_step *st = &c->lesson->step[c->current];
		const char *e = part[1][0] == 'm' ? st->predict_measured : st->predict_theory;
		if (!e[0] || strstr(e, "predict.")) {
			snprintf(err, errlen, "the step has no predict_%s (or it names predict.*)", part[1]);
			return -ENOENT;
		}
		if (part[1][0] == 't')
			return lesson_eval_theory(c, e, out, err, errlen);
		return expr_eval(e, lesson_lookup, c, out, err, errlen);
	}
	if (n == 2 && strcmp(part[0], "machine") == 0 && strcmp(part[1], "free_cores") == 0) {
		if (c->validate)
			return *out = 1, 0;
		*out = c->result[c->current].free_cores;
		if (isnan(*out)) {
			snprintf(err, errlen, "not measured (the step did not run)");
			return -ENODATA;
		}
		return 0;
	}
	int si = c->current;
	char **p = part;
	if (n >= 2 && !is_kind(part[0], strlen(part[0]))) {
		si = lesson_step_index(c->lesson, part[0], c->current + 1);
		if (si < 0) {
			snprintf(err, errlen, "no step with id '%s' before this check", part[0]);
			return -ENOENT;
		}
		if (c->referenced)
			c->referenced[si] = true;
		p++;
		n--;
	}
	if (n == 2 && strcmp(p[0], "scenario") == 0) {
		if (scenario_value(&c->lesson->step[si], c->validate ? NULL : &c->result[si], p[1], out) == 0)
			return 0;
		snprintf(err, errlen, "not a number of the scenario");
		return -ENOENT;
	}
	if (n >= 1 && (strcmp(p[0], "measured") == 0 || strcmp(p[0], "theory") == 0))
		return side_value(c, si, p, n, out, err, errlen);
	if (n >= 1 && strcmp(p[0], "model") == 0)
		return model_value(c, si, p, n, out, err, errlen);
	snprintf(err, errlen, "unknown name (measured.*, theory.*, model.*, scenario.*, predicted, chosen, machine.cores)");
	return -ENOENT;
}

/* predict_theory is shown under "Theory says": it may name theory.* figures (of this
 * step or an earlier one) and model.* ones, never a measurement, the scenario or the
 * student's guess. This lookup refuses the rest before handing on. */
static int theory_only_lookup(void *ctx, const char *name, double *out, char *err, size_t errlen)
{
	const char *p = lesson_name_after_step(name);
	if (strncmp(p, "theory.", 7) != 0 && strncmp(p, "model.", 6) != 0) {
		snprintf(err, errlen, "'%s': predict_theory may name only theory.* (or model.*) figures: what is "
			 "shown under \"Theory says\" must be theory", name);
		return -EINVAL;
	}
	return lesson_lookup(ctx, name, out, err, errlen);
}

int lesson_eval_theory(struct lesson_ctx *c, const char *text, double *out, char *err, size_t errlen)
{
	return expr_eval(text, theory_only_lookup, c, out, err, errlen);
}

static int validate_expr(struct lesson_ctx *c, const char *path, int line, const char *what, const char *text,
			 bool claim, char *err, size_t errlen)
{
	char why[300];
	int rc;
	if (claim) {
		struct claim_result r;
		rc = claim_eval(text, lesson_lookup, c, &r, why, sizeof why);
	} else {
		double v;
		rc = expr_eval(text, lesson_lookup, c, &v, why, sizeof why);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s:%d: %s: %s", path, line, what, why);
	return rc;
}

/* Every {EXPR} in a step's words must name real figures too. */
static int validate_words(struct lesson_ctx *c, const char *path, int line, const char *what, const char *text,
			  char *err, size_t errlen)
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		char expr[LESSON_EXPR_MAX];
		if (!close) {
			snprintf(err, errlen, "%s:%d: %s: '{' without '}'", path, line, what);
			return -EINVAL;
		}
		snprintf(expr, sizeof expr, "%.*s", (int)(close - p - 1), p + 1);
		if (validate_expr(c, path, line, what, expr, false, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

static int validate_into(const struct lesson *l, bool *referenced, char *err, size_t errlen)
{
	struct lesson_ctx c = { .lesson = l, .validate = true, .referenced = referenced };
	for (int i = 0; i < l->n_steps; i++) {
		const struct lesson_step *st = &l->step[i];
		c.current = i;
		if (st->predict_measured[0] &&
		    validate_expr(&c, l->path, st->line, "predict_measured", st->predict_measured, false, err, errlen) < 0)
			return -EINVAL;
		char why[300];
		if (st->predict_theory[0] && lesson_eval_theory(&c, st->predict_theory, &(double){ 0 }, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s:%d: predict_theory: %s", l->path, st->line, why);
			return -EINVAL;
		}
		for (int k = 0; k < st->n_checks; k++)
			if (validate_expr(&c, l->path, st->check[k].line, "check", st->check[k].expr, true, err, errlen) < 0)
				return -EINVAL;
		if (st->require[0] &&
		    validate_expr(&c, l->path, st->line, "require", st->require, true, err, errlen) < 0)
			return -EINVAL;
		if (validate_words(&c, l->path, st->line, "explain", st->explain, err, errlen) < 0 ||
		    validate_words(&c, l->path, st->line, "if_fail", st->if_fail, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

int lesson_validate(const struct lesson *l, char *err, size_t errlen)
{
	return validate_into(l, NULL, err, errlen);
}

void lesson_referenced_steps(const struct lesson *l, bool referenced[LESSON_MAX_STEPS])
{
	char err[8];
	memset(referenced, 0, LESSON_MAX_STEPS * sizeof referenced[0]);
	validate_into(l, referenced, err, sizeof err);
}

const char *lesson_measured_field(size_t i, size_t *off)
{
	if (i >= COUNT(measured_fields))
		return NULL;
	*off = measured_fields[i].off;
	return measured_fields[i].name;
}

void lesson_print_names(FILE *out)
{
	fprintf(out, "measured.SIDE.FIELD (SIDE: blocking, evented):\n");
	for (size_t i = 0; i < COUNT(measured_fields); i++)
		fprintf(out, "  %-22s %s\n", measured_fields[i].name, measured_fields[i].doc);
	fprintf(out, "theory.SIDE.FIELD:\n");
	for (size_t i = 0; i < COUNT(theory_fields); i++)
		fprintf(out, "  %-22s %s\n", theory_fields[i].name, theory_fields[i].doc);
	fprintf(out, "model.SIDE.FIELD (the model of the step's scenario over its window, simulator/):\n");
	const char *doc;
	for (size_t i = 0; lesson_model_field_at(i, &doc); i++)
		fprintf(out, "  %-22s %s\n", lesson_model_field_at(i, NULL), doc);
	fprintf(out, "scenario.KEY: rate slow_talkers faint_ms");
	for (size_t i = 0; i < COUNT(scenario_u32); i++)
		fprintf(out, " %s", scenario_u32[i].name);
	fprintf(out, "\npredicted, chosen (a challenge's choice), predict.measured, predict.theory, machine.cores,\n"
		     "machine.free_cores (cores other programs left free while the step ran)\n");
}

void lesson_print_figures(FILE *out, const struct step_result *r)
{
	for (int side = 0; side < SIDE_COUNT; side++) {
		const struct measured_side *m = &r->measured[side];
		if (!m->server && !m->loadgen && !m->process)
			continue;
		fprintf(out, "      measured.%s:", arena_side_name(side));
		for (size_t i = 0; i < COUNT(measured_fields); i++) {
			const struct field *f = &measured_fields[i];
			if ((f->src == 's' && !m->server) || (f->src == 'l' && !m->loadgen) ||
			    (f->src == 'p' && !m->server && !m->process))
				continue;
			fprintf(out, "%s%s=%.4g", i % 6 == 5 ? "\n        " : " ", f->name,
				*(const double *)((const char *)m + f->off));
		}
		fprintf(out, "\n");
	}
	for (int side = 0; side < SIDE_COUNT; side++) {
		const struct theory_side *t = &r->theory[side];
		if (!t->present)
			continue;
		fprintf(out, "      theory.%s:", arena_side_name(side));
		for (size_t i = 0; i < COUNT(theory_fields); i++)
			fprintf(out, "%s%s=%.4g", i % 6 == 5 ? "\n        " : " ", theory_fields[i].name,
				*(const double *)((const char *)t + theory_fields[i].off));
		fprintf(out, "\n");
	}
}
