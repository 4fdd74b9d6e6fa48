/* schedule.h: when open-loop customers arrive, whatever the server is doing.
 *
 * The arrivals of a run are fixed in advance by the rate, the kind (Poisson or evenly
 * spaced) and the seed: the same seed gives the same schedule, which is how the
 * dashboard sends the very same lunch rush to both restaurants. A global rate R over T
 * threads is split into T independent schedules of R/T each: for Poisson arrivals the
 * merge of independent Poisson streams is a Poisson stream of rate R; for even
 * arrivals thread i is offset by i/R, so the merged stream is spaced exactly 1/R.
 *
 * Times are nanoseconds after the start of the run. Lesson 7 (how benchmarks lie)
 * leans on this: latency is measured from these times, never from the actual send.
 */
#ifndef LOADGEN_SCHEDULE_H
#define LOADGEN_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64: fast, small state,
 * and good enough statistics for inter-arrival times. */
struct prng {
	uint64_t s[4];
};

void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
double prng_unit(struct prng *r);  /* uniform in [0, 1), 53 bits */

enum arrivals {
	ARRIVALS_POISSON = 0,  /* exponential gaps: customers come independently */
	ARRIVALS_EVEN,         /* one every 1/rate exactly */
};

struct schedule {
	enum arrivals kind;
	unsigned index;        /* this thread */
	unsigned threads;      /* the rate is shared among this many schedules */
	double rate;           /* this thread's arrivals per second (global / threads) */
	double next_ns;        /* next arrival, ns after the start; a double keeps fractions */
	bool stopped;          /* rate 0: no arrivals */
	struct prng rng;
};

/* This thread's share of a global rate: rate_total / threads, so the shares sum to
 * rate_total. */
double schedule_share(double rate_total, unsigned threads);

/* Schedule of thread index (0..threads-1) for a global rate_total (per second),
 * starting at time 0. Thread streams are seeded from seed and the index. */
void schedule_init(struct schedule *s, enum arrivals kind, double rate_total, unsigned threads,
		   unsigned index, uint64_t seed);

/* The next arrival time (ns after the start); UINT64_MAX when stopped. */
uint64_t schedule_peek(const struct schedule *s);

/* Return the next arrival time and move past it. */
uint64_t schedule_next(struct schedule *s);

/* A new global rate from now_ns on (0 stops the arrivals). Poisson is memoryless, so
 * the next gap is drawn afresh; even arrivals restart at the new spacing with this
 * thread's offset. */
void schedule_set_rate(struct schedule *s, double rate_total, uint64_t now_ns);

#endif
