/* theory.c: Little's law, the N-cashiers bound, utilisation and Erlang C (see theory.h).
 * Model-free on purpose: the lessons feed it numbers from a scenario, the unit test
 * feeds it textbook values. */
#include "theory.h"

#include <math.h>

double theory_little_l(double lambda_rps, double w_s)
{
	return lambda_rps * w_s;
}

double theory_bound_rps(double n, double service_s)
{
	if (n < 0 || service_s <= 0)
		return INFINITY;
	return n / service_s;
}

double theory_rho(double lambda_rps, double n, double service_s)
{
	if (n < 0 || service_s <= 0)
		return 0;
	if (n == 0)
		return lambda_rps > 0 ? INFINITY : 0;
	return lambda_rps * service_s / n;
}

bool theory_unstable(double rho)
{
	return rho >= 1.0;
}

double theory_growth_rps(double lambda_rps, double bound_rps)
{
	return lambda_rps > bound_rps ? lambda_rps - bound_rps : 0;
}

/* Erlang B by its recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), then
 * C = c B / (c - a (1 - B)). No factorials, so no overflow at large c. */
double theory_erlang_c(unsigned c, double a)
{
	if (c == 0 || a >= (double)c)
		return 1.0;
	if (a <= 0)
		return 0.0;
	double b = 1.0;
	for (unsigned k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return (double)c * b / ((double)c - a * (1.0 - b));
}

double theory_mmc_wait_s(double lambda_rps, double service_s, unsigned c)
{
	if (lambda_rps <= 0 || service_s <= 0)
		return 0;
	double a = lambda_rps * service_s;
	if (c == 0 || a >= (double)c)
		return INFINITY;
	double mu = 1.0 / service_s;
	return theory_erlang_c(c, a) / ((double)c * mu - lambda_rps);
}

/* Cosmetatos (1975), as given in Tijms, "A First Course in Stochastic Models":
 * Wq(M/D/c) ~ 1/2 [1 + (1 - rho)(c - 1)(sqrt(4 + 5c) - 2) / (16 rho c)] Wq(M/M/c).
 * The factor is capped at 1: constant service never waits longer than exponential. */
double theory_mdc_wait_s(double lambda_rps, double service_s, unsigned c)
{
	double mmc = theory_mmc_wait_s(lambda_rps, service_s, c);
	if (mmc == 0 || isinf(mmc))
		return mmc;
	double rho = lambda_rps * service_s / (double)c;
	double k = 0.5 * (1.0 + (1.0 - rho) * ((double)c - 1.0) * (sqrt(4.0 + 5.0 * c) - 2.0) / (16.0 * rho * c));
	if (k > 1.0)
		k = 1.0;
	return k * mmc;
}

double theory_closed_rps(double n, double c, double service_s)
{
	if (service_s <= 0)
		return INFINITY;
	double busy = (c < 0 || n < c) ? n : c;
	return busy / service_s;
}

const char *theory_rho_warning(double rho)
{
	return theory_unstable(rho) ? "rho >= 1: the line grows without bound" : "";
}

/* Erlang's M/D/1 waiting-time distribution in units of D. The terms alternate in sign
 * and grow like (rho x)^k / k!, so long double and a cap: beyond 60 service times the
 * exponential tail P(W > t) ~ C e^{-theta t} takes over (never reached for rho <= 0.95
 * at the 99th percentile). */
static double md1_cdf(double rho, double x)
{
	long double sum = 0;
	int kmax = (int)floor(x);
	for (int k = 0; k <= kmax; k++) {
		long double u = (long double)rho * ((long double)k - x);
		sum += powl(u, k) / tgammal(k + 1.0L) * expl(-u);
	}
	double p = (double)((1.0L - rho) * sum);
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

double theory_md1_wait_quantile_s(double lambda_rps, double service_s, double q)
{
	if (lambda_rps <= 0 || service_s <= 0)
		return 0;
	double rho = lambda_rps * service_s;
	if (rho >= 1)
		return INFINITY;
	if (md1_cdf(rho, 0) >= q)
		return 0;
	double lo = 0, hi = 60;
	if (md1_cdf(rho, hi) < q)
		return hi * service_s;
	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;
		if (md1_cdf(rho, mid) >= q)
			hi = mid;
		else
			lo = mid;
	}
	return hi * service_s;
}

double theory_kingman_wait_s(double lambda_rps, double service_s, unsigned c, double ca2, double cs2)
{
	double mmc = theory_mmc_wait_s(lambda_rps, service_s, c);
	if (mmc == 0 || isinf(mmc))
		return mmc;
	return (ca2 + cs2) / 2.0 * mmc;
}
