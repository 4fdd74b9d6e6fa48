/* test_simulate_live.c: the live model (simulator/live.c) a step at a time gives the
 * very seconds of a whole run, and a change of rate made live gives the seconds of a
 * run that had it planned (--rate-at) at that moment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../simulator/live.h"
#include "../../simulator/setup.h"
#include "../../simulator/sim.h"

#define SEC 1000000000ULL

/* The lunch rush with CPU work and helpers, both restaurants on two shared cores. */
static void configs(struct sim_config cfg[2], uint64_t duration_ns)
{
	struct scenario sc;
	struct sim_knobs k;
	scenario_preset(&sc, 6);
	sim_knobs_defaults(&k);
	k.cores = 2;
	k.duration_ns = duration_ns;
	for (int s = 0; s < 2; s++) {
		sim_setup(&cfg[s], s, &sc, &k, NULL);
		cfg[s].overhead_order_ns = 20000;  /* as a calibration would give */
	}
}

/* The first n seconds of a live model advanced in 100 ms steps, into out. */
static void live_seconds(const struct sim_config cfg[2], unsigned n, uint64_t change_at_ns, double rate,
			 struct sim_window out[][2])
{
	char err[200];
	struct sim_live *l = sim_live_new(cfg, 2, err, sizeof err);
	assert_non_null(l);
	unsigned got = 0;
	for (uint64_t t = 100000000ULL; got < n; t += 100000000ULL) {
		assert_int_equal(sim_live_advance(l, t), 0);
		if (change_at_ns && t == change_at_ns)
			sim_live_set_rate(l, rate);
		if (t % SEC == 100000000ULL && t > SEC) {  /* second (t / SEC) is whole */
			for (int s = 0; s < 2; s++)
				out[got][s] = *sim_live_second(l, (unsigned)s);
			got++;
		}
	}
	assert_int_equal(sim_live_now_ns(l), (uint64_t)n * SEC + 100000000ULL);
	sim_live_free(l);
}

static void assert_seconds_equal(const struct sim_result r[2], struct sim_window live[][2], unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		for (int s = 0; s < 2; s++) {
			const struct sim_window *a = &r[s].second[i], *b = &live[i][s];
			if (memcmp(a, b, sizeof *a) != 0) {
				print_error("second %u of restaurant %d: run %llu served, p99 %.3f ms; live %llu, %.3f ms\n",
					    i + 1, s, (unsigned long long)a->served, a->p99_ms,
					    (unsigned long long)b->served, b->p99_ms);
				fail();
			}
		}
	}
}

static void test_simulate_live_same_seconds_as_a_run(void **state)
{
	(void)state;
	enum { N = 15 };
	struct sim_config cfg[2];
	configs(cfg, 20 * SEC);
	struct sim_result r[2];
	char err[200];
	assert_int_equal(sim_run_shared(cfg, r, 2, err, sizeof err), 0);
	struct sim_window live[N][2];
	live_seconds(cfg, N, 0, 0, live);
	assert_true(r[0].second[N - 1].served > 50);
	assert_seconds_equal(r, live, N);
	sim_result_free(&r[0]);
	sim_result_free(&r[1]);
}

/* '+' at 5 s to 300/s: live, as planned. */
static void test_simulate_live_rate_change(void **state)
{
	(void)state;
	enum { N = 12 };
	struct sim_config cfg[2];
	configs(cfg, 20 * SEC);
	for (int s = 0; s < 2; s++) {
		cfg[s].n_rate_changes = 1;
		cfg[s].rate_changes[0] = (struct sim_rate_change){ 5 * SEC, 300 };
	}
	struct sim_result r[2];
	char err[200];
	assert_int_equal(sim_run_shared(cfg, r, 2, err, sizeof err), 0);
	struct sim_config plain[2];
	configs(plain, 20 * SEC);
	struct sim_window live[N][2];
	live_seconds(plain, N, 5 * SEC, 300, live);
	assert_seconds_equal(r, live, N);
	/* and the change shows: 120/s before, 300/s after */
	assert_true(live[3][1].offered > 90 && live[3][1].offered < 150);
	assert_true(live[8][1].offered > 250 && live[8][1].offered < 350);
	sim_result_free(&r[0]);
	sim_result_free(&r[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simulate_live_same_seconds_as_a_run),
		cmocka_unit_test(test_simulate_live_rate_change),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
