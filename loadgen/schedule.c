/* schedule.c: the arrival schedule and its random numbers (see schedule.h). */
#include "schedule.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void prng_seed(struct prng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t prng_next(struct prng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double prng_unit(struct prng *r)
{
	return (double)(prng_next(r) >> 11) * 0x1.0p-53;
}

double schedule_share(double rate_total, unsigned threads)
{
	return threads ? rate_total / threads : rate_total;
}

/* The gap to the next arrival of this thread, in ns. Poisson: -ln(1-U)/rate, with
 * 1-U in (0, 1] so the logarithm is finite. */
static double gap_ns(struct schedule *s)
{
	if (s->kind == ARRIVALS_EVEN)
		return 1e9 / s->rate;
	return -log1p(-prng_unit(&s->rng)) * 1e9 / s->rate;
}

/* Even: thread i's first arrival is i/R after from_ns, so the threads interleave. */
static void restart(struct schedule *s, double from_ns)
{
	s->stopped = !(s->rate > 0.0);
	if (s->stopped)
		return;
	if (s->kind == ARRIVALS_EVEN)
		s->next_ns = from_ns + (double)s->index * 1e9 / (s->rate * s->threads);
	else
		s->next_ns = from_ns + gap_ns(s);
}

void schedule_init(struct schedule *s, enum arrivals kind, double rate_total, unsigned threads,
		   unsigned index, uint64_t seed)
{
	s->kind = kind;
	s->index = index;
	s->threads = threads ? threads : 1;
	s->rate = schedule_share(rate_total, s->threads);
	/* distinct, reproducible streams per thread: the seed and the index mixed */
	prng_seed(&s->rng, seed ^ (0x6a09e667f3bcc909ULL * (index + 1)));
	restart(s, 0.0);
}

uint64_t schedule_peek(const struct schedule *s)
{
	if (s->stopped)
		return UINT64_MAX;
	return (uint64_t)llround(s->next_ns);
}

uint64_t schedule_next(struct schedule *s)
{
	uint64_t t = schedule_peek(s);
	if (!s->stopped)
		s->next_ns += gap_ns(s);
	return t;
}

void schedule_set_rate(struct schedule *s, double rate_total, uint64_t now_ns)
{
	s->rate = schedule_share(rate_total, s->threads);
	restart(s, (double)now_ns);
}
