/* theory.h: the queueing theory the lessons hold measurements against. Pure math: no
 * scoreboard, no scenario, no process. Times in seconds, rates per second.
 *
 *   Little's law           L = lambda * W           (any stable system, any distribution)
 *   N cashiers' bound      X <= N / S               (S: service time of one order)
 *   utilisation            rho = lambda * S / N     (rho >= 1: the line grows without bound)
 *   M/M/c (Erlang C)       P(wait), Wq = C / (N mu - lambda)   Poisson arrivals, exponential service
 *   M/D/c (Cosmetatos)     Wq(M/D/c) ~ k * Wq(M/M/c), k in (0.5, 1)   constant service: our cook time
 *
 * Lessons 2, 3, 4, 5 and 8 print these beside what was measured.
 */
#ifndef LUNCHRUSH_THEORY_H
#define LUNCHRUSH_THEORY_H

#include <stdbool.h>

/* L = lambda * W. */
double theory_little_l(double lambda_rps, double w_s);

/* The most n servers (cashiers, loops) each taking service_s per order can serve per
 * second: n / service_s. INFINITY when service_s is 0 or n is unbounded (n < 0). */
double theory_bound_rps(double n, double service_s);

/* Utilisation rho = lambda * service_s / n. rho >= 1 means the line grows without bound. */
double theory_rho(double lambda_rps, double n, double service_s);
bool theory_unstable(double rho);

/* How fast the line grows when arrivals exceed the bound: lambda - bound, or 0. */
double theory_growth_rps(double lambda_rps, double bound_rps);

/* Erlang C: the probability that an arrival waits, for c servers and offered load
 * a = lambda * S (in erlangs). 1 when a >= c (unstable). Computed through the Erlang B
 * recursion, which stays accurate for hundreds of servers. Cost O(c). */
double theory_erlang_c(unsigned c, double a);

/* Mean wait in line (before service) for M/M/c: C(c, a) / (c mu - lambda).
 * INFINITY when rho >= 1. */
double theory_mmc_wait_s(double lambda_rps, double service_s, unsigned c);

/* Mean wait in line for M/D/c (constant service time), Cosmetatos' approximation of
 * the factor between it and M/M/c; exact for c = 1 (Pollaczek-Khinchine: half). */
double theory_mdc_wait_s(double lambda_rps, double service_s, unsigned c);

/* Closed loop with n customers, no think time, c servers of service_s: throughput
 * min(n, c) / service_s (c < 0: unbounded servers). */
double theory_closed_rps(double n, double c, double service_s);

/* The q-th quantile (0 < q < 1) of the wait in line of M/D/1 (constant service_s,
 * Poisson arrivals), from Erlang's closed form of its distribution,
 * P(W <= t) = (1 - rho) sum_{k=0}^{floor(t/D)} [lambda (kD - t)]^k / k! e^{-lambda (kD - t)},
 * found by bisection. It is also the time-average of the work waiting at the register,
 * which is what a timer of the event loop sees (lesson 5's loop lag). INFINITY when
 * rho >= 1. Cost: about 60 evaluations of a sum of at most t/D + 1 terms. */
double theory_md1_wait_quantile_s(double lambda_rps, double service_s, double q);

/* Kingman's (Allen-Cunneen's for c servers) correction for variability:
 * Wq(G/G/c) ~ (ca2 + cs2) / 2 * Wq(M/M/c), with ca2 and cs2 the squared coefficients of
 * variation of the gaps between arrivals and of the service times (Poisson 1, even 0,
 * constant 0). Lesson 9: even arrivals at a constant cook time wait almost nothing. */
double theory_kingman_wait_s(double lambda_rps, double service_s, unsigned c, double ca2, double cs2);

/* The warning the lessons print beside rho: "" when rho < 1, else
 * "rho >= 1: the line grows without bound". */
const char *theory_rho_warning(double rho);

#endif
