/* test_dashboard_theory.c: the queueing theory the lessons print (lessons/engine/theory.c)
 * against textbook values: Erlang C for small systems in closed form, Little's law,
 * the cashiers' bound, utilisation and its warning, M/D/1 by Pollaczek-Khinchine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lessons/engine/theory.h"

/* Fails unless |got - want| <= tol * |want| (or <= tol when want is 0), printing both. */
static void assert_close(double got, double want, double tol, const char *what)
{
	double err = want != 0 ? fabs(got - want) / fabs(want) : fabs(got);
	if (err > tol) {
		print_error("%s: got %.12g, want %.12g (relative error %.3g)\n", what, got, want, err);
		fail();
	}
}

/* C(c, a) from its definition with factorials, for small c: an independent check of
 * the recursion in theory.c. */
static double erlang_c_direct(unsigned c, double a)
{
	double term = 1, sum = 0;
	for (unsigned k = 0; k < c; k++) {
		sum += term;
		term *= a / (k + 1);
	}
	double top = term * c / (c - a);  /* a^c / c! * c / (c - a) */
	return top / (sum + top);
}

static void test_erlang_c_known_values(void **state)
{
	(void)state;
	/* One server: the probability of waiting is rho. */
	assert_close(theory_erlang_c(1, 0.5), 0.5, 1e-12, "C(1, 0.5)");
	assert_close(theory_erlang_c(1, 0.9), 0.9, 1e-12, "C(1, 0.9)");
	/* Closed forms: C(2, 1) = 1/3, C(3, 2) = 4/9, C(4, 3) = 27/53 = 0.5094 (the
	 * textbook call-centre example). */
	assert_close(theory_erlang_c(2, 1.0), 1.0 / 3.0, 1e-12, "C(2, 1)");
	assert_close(theory_erlang_c(3, 2.0), 4.0 / 9.0, 1e-12, "C(3, 2)");
	assert_close(theory_erlang_c(4, 3.0), 27.0 / 53.0, 1e-12, "C(4, 3)");
	/* Published table values (4 digits). */
	assert_close(theory_erlang_c(10, 8.0), 0.4092, 5e-4, "C(10, 8)");
	assert_close(theory_erlang_c(20, 15.0), 0.1604, 5e-4, "C(20, 15)");
}

static void test_erlang_c_matches_direct_formula(void **state)
{
	(void)state;
	for (unsigned c = 1; c <= 30; c++) {
		for (double frac = 0.05; frac < 1.0; frac += 0.1) {
			char what[64];
			snprintf(what, sizeof what, "C(%u, %.2f)", c, frac * c);
			assert_close(theory_erlang_c(c, frac * c), erlang_c_direct(c, frac * c), 1e-9, what);
		}
	}
}

static void test_erlang_c_edges(void **state)
{
	(void)state;
	assert_true(theory_erlang_c(4, 0.0) == 0.0);
	assert_true(theory_erlang_c(4, 4.0) == 1.0);   /* rho = 1: everyone waits */
	assert_true(theory_erlang_c(4, 10.0) == 1.0);
	assert_true(theory_erlang_c(0, 1.0) == 1.0);
	/* Large c stays finite and in (0, 1) where factorials would overflow. */
	double c = theory_erlang_c(500, 480.0);
	assert_true(c > 0.0 && c < 1.0);
	/* Waiting gets likelier as the load rises. */
	assert_true(theory_erlang_c(8, 6.0) < theory_erlang_c(8, 7.0));
}

static void test_mmc_wait(void **state)
{
	(void)state;
	/* M/M/1: Wq = rho / (mu - lambda). lambda 8/s, S 0.1 s: rho 0.8, Wq = 0.8 / 2 = 0.4 s. */
	assert_close(theory_mmc_wait_s(8, 0.1, 1), 0.4, 1e-12, "M/M/1 Wq");
	/* Lesson 3: 4 cashiers, cook 50 ms, 60 arrivals/s: a = 3, C = 27/53,
	 * Wq = C / (4 * 20 - 60) = 25.47 ms. */
	assert_close(theory_mmc_wait_s(60, 0.05, 4), 27.0 / 53.0 / 20.0, 1e-12, "M/M/4 Wq");
	assert_true(isinf(theory_mmc_wait_s(80, 0.05, 4)));   /* rho = 1 */
	assert_true(isinf(theory_mmc_wait_s(120, 0.05, 4)));  /* the lunch rush */
	assert_true(theory_mmc_wait_s(0, 0.05, 4) == 0);
}

static void test_mdc_wait(void **state)
{
	(void)state;
	/* M/D/1 by Pollaczek-Khinchine: Wq = rho S / (2 (1 - rho)), half of M/M/1. */
	double rho = 0.6, s = 0.005, lambda = rho / s;
	assert_close(theory_mdc_wait_s(lambda, s, 1), rho * s / (2 * (1 - rho)), 1e-12, "M/D/1 Wq");
	/* For c > 1 it lies between half and all of the M/M/c wait. */
	double mmc = theory_mmc_wait_s(60, 0.05, 4), mdc = theory_mdc_wait_s(60, 0.05, 4);
	assert_true(mdc >= 0.5 * mmc && mdc <= mmc);
	assert_true(isinf(theory_mdc_wait_s(100, 0.05, 4)));
}

static void test_little_and_bound(void **state)
{
	(void)state;
	/* Issue 2's figures: 4 cashiers, 50 ms: 80 orders/s; 16 clients -> 200 ms each. */
	assert_close(theory_bound_rps(4, 0.05), 80.0, 1e-12, "bound 4 / 50 ms");
	assert_close(theory_closed_rps(16, 4, 0.05), 80.0, 1e-12, "closed 16 on 4");
	assert_close(theory_closed_rps(16, -1, 0.05), 320.0, 1e-12, "closed 16, unbounded");
	assert_close(theory_closed_rps(2, 4, 0.05), 40.0, 1e-12, "closed 2 on 4");
	assert_close(theory_little_l(80, 0.2), 16.0, 1e-12, "L = 80/s * 0.2 s");
	assert_true(isinf(theory_bound_rps(-1, 0.05)));
	assert_true(isinf(theory_bound_rps(4, 0)));
}

static void test_rho_and_warning(void **state)
{
	(void)state;
	assert_close(theory_rho(120, 4, 0.05), 1.5, 1e-12, "rho lunch rush");
	assert_close(theory_rho(60, 4, 0.05), 0.75, 1e-12, "rho lesson 3");
	assert_false(theory_unstable(0.99));
	assert_true(theory_unstable(1.0));
	assert_string_equal(theory_rho_warning(0.5), "");
	assert_non_null(strstr(theory_rho_warning(1.5), "without bound"));
	assert_close(theory_growth_rps(120, 80), 40.0, 1e-12, "growth");
	assert_true(theory_growth_rps(60, 80) == 0);
}

/* M/D/1 by Lindley's recursion, W(n+1) = max(0, W(n) + D - A(n+1)), with a fixed
 * generator: the waiting times of 400,000 customers, sorted for a quantile. An
 * independent check of Erlang's closed form in theory.c. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double md1_simulated_quantile(double rho, double q)
{
	enum { N = 400000 };
	static double w[N];
	uint64_t x = 88172645463325252ULL;
	double wait = 0;
	for (int i = 0; i < N; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double u = ((double)(x >> 11) + 0.5) / 9007199254740992.0;
		double gap = -log(u) / rho; /* D = 1, lambda = rho */
		wait = fmax(0, wait + 1 - gap);
		w[i] = wait;
	}
	qsort(w, N, sizeof w[0], cmp_double);
	return w[(size_t)(q * N)];
}

/* Lesson 5's loop-lag theory: the 99th percentile of the M/D/1 wait. */
static void test_md1_wait_quantile(void **state)
{
	(void)state;
	assert_true(theory_md1_wait_quantile_s(50, 0.010, 0.4) == 0); /* 1 - rho = half never wait */
	double rhos[] = { 0.5, 0.75, 0.9 };
	for (int i = 0; i < 3; i++) {
		double want = md1_simulated_quantile(rhos[i], 0.99);
		double got = theory_md1_wait_quantile_s(rhos[i], 1.0, 0.99);
		print_message("M/D/1 rho %.2f p99 wait: closed form %.3f D, simulated %.3f D\n", rhos[i], got, want);
		assert_close(got, want, 0.06, "M/D/1 p99");
	}
	assert_close(theory_md1_wait_quantile_s(50, 0.010, 0.99), 0.0334, 0.02, "lesson 5: 33 ms at rho 0.5");
	assert_true(isinf(theory_md1_wait_quantile_s(100, 0.010, 0.99)));
}

/* Lesson 9: even arrivals and constant service wait nothing; Poisson, half M/M/c. */
static void test_kingman(void **state)
{
	(void)state;
	assert_true(theory_kingman_wait_s(72, 0.05, 4, 0, 0) == 0);
	assert_close(theory_kingman_wait_s(72, 0.05, 4, 1, 0), 0.5 * theory_mmc_wait_s(72, 0.05, 4), 1e-12, "half");
	assert_close(theory_kingman_wait_s(72, 0.05, 4, 1, 1), theory_mmc_wait_s(72, 0.05, 4), 1e-12, "M/M/c");
	/* the 3.75 of lesson 9: M/D/4 from 75 % to 90 % */
	assert_close(theory_mdc_wait_s(72, 0.05, 4) / theory_mdc_wait_s(60, 0.05, 4), 3.75, 0.03, "3.75");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_c_known_values),
		cmocka_unit_test(test_erlang_c_matches_direct_formula),
		cmocka_unit_test(test_erlang_c_edges),
		cmocka_unit_test(test_mmc_wait),
		cmocka_unit_test(test_mdc_wait),
		cmocka_unit_test(test_little_and_bound),
		cmocka_unit_test(test_rho_and_warning),
		cmocka_unit_test(test_md1_wait_quantile),
		cmocka_unit_test(test_kingman),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
