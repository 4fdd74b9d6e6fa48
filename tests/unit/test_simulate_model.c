/* test_simulate_model.c: the discrete-event model (simulator/) against known results:
 * M/D/1 (Pollaczek-Khinchine) on a cashier and on an event loop, M/M/c (Erlang C) on a
 * crew, M/D/1 processor sharing on the cores (thread per connection), exact MVA for a
 * closed loop; Little's law exact on the sample path; same seed, same bytes. The speed
 * figures are printed, never asserted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../simulator/report.h"
#include "../../simulator/setup.h"
#include "../../simulator/sim.h"

#define MS 1000000ULL

/* Fails unless |got - want| <= tol * |want|, printing both and the error either way. */
static void assert_close(double got, double want, double tol, const char *what)
{
	double err = fabs(got - want) / fabs(want);
	printf("    %-44s model %10.5f theory %10.5f (%+.2f %%)\n", what, got, want, 100 * (got - want) / want);
	if (err > tol) {
		print_error("%s: got %.6g, want %.6g (relative error %.3g > %.3g)\n", what, got, want, err, tol);
		fail();
	}
}

/* A single restaurant with nothing in the way: no overhead, doors and connections
 * without limit, no timeouts, keep-alive. */
static struct sim_config base(enum sim_server server, double rate, uint64_t duration_s)
{
	struct sim_config c;
	memset(&c, 0, sizeof c);
	c.server = server;
	c.rate = rate;
	c.poisson = true;
	c.seed = 7;
	c.loadgen_threads = 1;
	c.keepalive = true;
	c.cores = 1;
	c.backlog = 1u << 30;
	c.threads = 1;
	c.loops = 1;
	c.duration_ns = duration_s * 1000000000ULL;
	return c;
}

static struct sim_result run(const struct sim_config *c)
{
	struct sim_result r;
	char err[200];
	int rc = sim_run(c, &r, err, sizeof err);
	if (rc != 0)
		print_error("sim_run: %s\n", err);
	assert_int_equal(rc, 0);
	return r;
}

/* Mean time in the system of the orders served, s. */
static double mean_w(const struct sim_result *r)
{
	return r->run.in_server_w_s;
}

/* M/D/1: one cashier, a fixed 1 ms kitchen wait, Poisson 700/s (rho 0.7): the mean
 * wait in line is rho D / (2 (1 - rho)) (Pollaczek-Khinchine), 1.1667 ms; with the
 * service, W = 2.1667 ms. 2.1 million orders. */
static void test_simulate_md1_cashier(void **state)
{
	(void)state;
	struct sim_config c = base(SIM_BLOCKING, 700, 3000);
	c.cook_ns = 1 * MS;
	struct sim_result r = run(&c);
	double rho = 0.7, d = 1e-3;
	assert_close(mean_w(&r) - d, rho * d / (2 * (1 - rho)), 0.02, "M/D/1 cashier: mean wait in line (s)");
	sim_result_free(&r);
}

/* The same queue on an event loop: work_us = 1000 of CPU on one loop, one core. */
static void test_simulate_md1_loop(void **state)
{
	(void)state;
	struct sim_config c = base(SIM_EVENTED, 700, 3000);
	c.work_ns = 1 * MS;
	struct sim_result r = run(&c);
	double rho = 0.7, d = 1e-3;
	assert_close(mean_w(&r) - d, rho * d / (2 * (1 - rho)), 0.02, "M/D/1 event loop: mean wait (s)");
	assert_close(r.run.busy_pct / 100, rho, 0.02, "M/D/1 event loop: busy share");
	sim_result_free(&r);
}

/* C(c, a), the probability of waiting in M/M/c, from its definition. */
static double erlang_c(unsigned c, double a)
{
	double term = 1, sum = 0;
	for (unsigned k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	double top = term * c / (c - a);
	return top / (sum + top);
}

/* M/M/4: four cashiers, exponential kitchen waits of mean 10 ms, 300/s (rho 0.75):
 * Wq = C(4, 3) / (4 mu - lambda) = 15.1 ms (Erlang C). 1.8 million orders. */
static void test_simulate_mmc_crew(void **state)
{
	(void)state;
	struct sim_config c = base(SIM_BLOCKING, 300, 6000);
	c.threads = 4;
	c.cook_ns = 10 * MS;
	c.cook_dist = SIM_DIST_EXP;
	struct sim_result r = run(&c);
	double s = 0.010, wq = erlang_c(4, 300 * s) / (4 / s - 300);
	/* the model's mean wait in line: W minus the mean of the service times it drew */
	assert_close(mean_w(&r) - s, wq, 0.02, "M/M/4 crew: mean wait in line (s)");
	assert_close(r.run.line_mean, 300 * wq, 0.03, "M/M/4 crew: mean line (Little on the line)");
	sim_result_free(&r);
}

/* Processor sharing: a thread per connection, 1 ms of CPU each on one core, 700/s:
 * M/G/1-PS has mean sojourn D / (1 - rho) whatever the distribution, 3.333 ms. */
static void test_simulate_ps_threads(void **state)
{
	(void)state;
	struct sim_config c = base(SIM_BLOCKING, 700, 2000);
	c.threads = 0;
	c.work_ns = 1 * MS;
	struct sim_result r = run(&c);
	assert_close(mean_w(&r), 1e-3 / (1 - 0.7), 0.02, "M/D/1-PS threads: mean time in server (s)");
	assert_close(r.run.cpu_cores_mean, 0.7, 0.02, "M/D/1-PS threads: cores in use");
	sim_result_free(&r);
}

/* Two restaurants on one core, a thread per connection each, 1 ms of CPU per order,
 * 350/s each with their own seeds: together one M/D/1-PS queue at rho 0.7, so each
 * order spends D / (1 - rho) = 3.333 ms inside, and each uses 0.35 of the core. Alone,
 * each would see D / (1 - 0.35) = 1.54 ms. */
static void test_simulate_shared_cores(void **state)
{
	(void)state;
	struct sim_config c[2] = { base(SIM_BLOCKING, 350, 2000), base(SIM_BLOCKING, 350, 2000) };
	c[1].seed = 8;
	for (int i = 0; i < 2; i++)
		c[i].threads = 0, c[i].work_ns = 1 * MS;
	struct sim_result r[2];
	char err[200];
	assert_int_equal(sim_run_shared(c, r, 2, err, sizeof err), 0);
	for (int i = 0; i < 2; i++) {
		assert_close(mean_w(&r[i]), 1e-3 / (1 - 0.7), 0.02, "shared core, M/D/1-PS: mean time inside (s)");
		assert_close(r[i].run.cpu_cores_mean, 0.35, 0.02, "shared core: this restaurant's share");
		sim_result_free(&r[i]);
	}
	struct sim_result alone = run(&c[0]);
	assert_close(mean_w(&alone), 1e-3 / (1 - 0.35), 0.02, "the same restaurant alone (s)");
	sim_result_free(&alone);
}

/* Exact MVA for N customers, think time z, one FCFS exponential station of mean s:
 * R(n) = s (1 + Q(n-1)), X(n) = n / (R(n) + z), Q(n) = X(n) R(n). */
static void mva(unsigned n, double s, double z, double *x, double *rt)
{
	double q = 0;
	for (unsigned k = 1; k <= n; k++) {
		*rt = s * (1 + q);
		*x = k / (*rt + z);
		q = *x * *rt;
	}
}

/* A closed loop of 8 customers thinking 20 ms between orders, one cashier, an
 * exponential 4 ms kitchen wait. */
static void test_simulate_closed_loop_mva(void **state)
{
	(void)state;
	struct sim_config c = base(SIM_BLOCKING, 0, 2000);
	c.connections = 8;
	c.think_ns = 20 * MS;
	c.cook_ns = 4 * MS;
	c.cook_dist = SIM_DIST_EXP;
	struct sim_result r = run(&c);
	double x, rt;
	mva(8, 0.004, 0.020, &x, &rt);
	assert_close(r.run.served / 2000.0, x, 0.02, "closed loop N=8: throughput (MVA, /s)");
	assert_close(mean_w(&r), rt, 0.02, "closed loop N=8: response time (MVA, s)");
	sim_result_free(&r);
}

/* The area under the number of orders in the server equals the sum of every order's
 * time inside (to the end of the run for those still inside), to the nanosecond: on
 * an overloaded crew, a loop with helpers and a finite kitchen, a thread per
 * connection without keep-alive, and a closed loop with the door overflowing. */
static void test_simulate_little_sample_path(void **state)
{
	(void)state;
	struct sim_config cs[4];
	cs[0] = base(SIM_BLOCKING, 120, 30);
	cs[0].threads = 4, cs[0].cook_ns = 50 * MS, cs[0].max_conns = 2000;
	cs[1] = base(SIM_EVENTED, 400, 30);
	cs[1].helpers = 2, cs[1].work_ns = 2 * MS, cs[1].cook_ns = 50 * MS, cs[1].stoves = 10, cs[1].cores = 2;
	cs[2] = base(SIM_BLOCKING, 300, 30);
	cs[2].threads = 0, cs[2].keepalive = false, cs[2].work_ns = 3 * MS, cs[2].cores = 2;
	cs[3] = base(SIM_EVENTED, 0, 30);
	cs[3].connections = 20000, cs[3].backlog = 128, cs[3].overhead_conn_ns = 50000, cs[3].cook_ns = 5 * MS;
	for (int i = 0; i < 4; i++) {
		struct sim_result r = run(&cs[i]);
		printf("    case %d: area %llu ns = sum of times inside %llu ns, %llu still inside\n", i,
		       (unsigned long long)r.area_ns, (unsigned long long)r.sojourn_sum_ns,
		       (unsigned long long)r.still_inside);
		assert_true(r.run.served > 1000);
		assert_true(r.area_ns > 0);
		assert_int_equal(r.area_ns, r.sojourn_sum_ns);
		sim_result_free(&r);
	}
}

/* The JSON of a scenario's run, both models, in a malloc'd string. */
static char *json_of(uint64_t seed, size_t *len)
{
	struct scenario sc;
	struct sim_knobs k;
	struct sim_config cfg[SIM_SERVER_COUNT];
	struct sim_result res[SIM_SERVER_COUNT];
	struct report_side sides[SIM_SERVER_COUNT];
	scenario_preset(&sc, 6);  /* kitchen helpers: CPU work, helpers, keep-alive */
	sc.seed = seed;
	sim_knobs_defaults(&k);
	k.cores = 2;
	k.duration_ns = 20000000000ULL;
	char *buf = NULL;
	FILE *mem = open_memstream(&buf, len);
	assert_non_null(mem);
	for (int s = 0; s < SIM_SERVER_COUNT; s++) {
		sim_setup(&cfg[s], s, &sc, &k, NULL);
		res[s] = run(&cfg[s]);
		sides[s] = (struct report_side){ &cfg[s], &res[s] };
	}
	report_json(mem, sc.name, sides, NULL);
	report_seconds(mem, sides);
	fclose(mem);
	for (int s = 0; s < SIM_SERVER_COUNT; s++)
		sim_result_free(&res[s]);
	return buf;
}

static void test_simulate_same_seed_same_bytes(void **state)
{
	(void)state;
	size_t a_len, b_len, c_len;
	char *a = json_of(42, &a_len), *b = json_of(42, &b_len), *c = json_of(43, &c_len);
	assert_true(a_len > 1000);
	assert_int_equal(a_len, b_len);
	assert_memory_equal(a, b, a_len);
	/* and the seed matters: another seed, other arrivals, other figures */
	assert_true(a_len != c_len || memcmp(a, c, a_len) != 0);
	free(a);
	free(b);
	free(c);
}

static double cpu_s(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* Printed, not asserted (no timed tests): a simulated minute of the lunch rush, both
 * models, and a million customers at 10,000/s. */
static void test_simulate_speed_printed(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_knobs k;
	scenario_defaults(&sc);
	sim_knobs_defaults(&k);
	k.cores = 2;
	double t0 = cpu_s();
	uint64_t events = 0;
	for (int s = 0; s < SIM_SERVER_COUNT; s++) {
		struct sim_config cfg;
		sim_setup(&cfg, s, &sc, &k, NULL);
		struct sim_result r = run(&cfg);
		events += r.events;
		sim_result_free(&r);
	}
	printf("    speed: one simulated minute of the lunch rush, both models: %.3f s CPU (%llu events; goal < 1 s)\n",
	       cpu_s() - t0, (unsigned long long)events);
	struct sim_config c = base(SIM_EVENTED, 10000, 100);
	c.cook_ns = 50 * MS;
	c.cores = 4;
	c.overhead_order_ns = 10000;
	t0 = cpu_s();
	struct sim_result r = run(&c);
	printf("    speed: %llu customers (10,000/s for 100 s, evented): %.3f s CPU (%llu events; goal < 10 s)\n",
	       (unsigned long long)r.run.offered, cpu_s() - t0, (unsigned long long)r.events);
	assert_true(r.run.offered > 990000);
	sim_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simulate_md1_cashier),
		cmocka_unit_test(test_simulate_md1_loop),
		cmocka_unit_test(test_simulate_mmc_crew),
		cmocka_unit_test(test_simulate_ps_threads),
		cmocka_unit_test(test_simulate_shared_cores),
		cmocka_unit_test(test_simulate_closed_loop_mva),
		cmocka_unit_test(test_simulate_little_sample_path),
		cmocka_unit_test(test_simulate_same_seed_same_bytes),
		cmocka_unit_test(test_simulate_speed_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
