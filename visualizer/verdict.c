/* verdict.c: see verdict.h. The dashboard's Little's-law line, its "served" colour
 * and its p99 colour all come from here; lesson 3 (Little's law) leans on the first.
 */
#include "verdict.h"

#include <math.h>
#include <string.h>

#include "model.h"
#include "numclamp.h"

#define LITTLE_TOL_OUT 0.25   /* a holding verdict breaks beyond this share ... */
#define LITTLE_TOL_IN 0.15    /* ... and comes back within this one (hysteresis) */
#define LITTLE_TOL_OUT_ABS 1.0 /* orders: below this gap nothing is judged off */
#define LITTLE_TOL_IN_ABS 0.75
#define PACE_SHARE 0.9        /* served at least this share of the arrivals */

void verdict_init(struct verdict_state *v)
{
	memset(v, 0, sizeof *v);
}

/* Everyone the restaurant holds now: with a load generator, its own count of the
 * customers waiting for a connection and of those sent and not answered (the door,
 * the line, the counter, the kitchen and the pickup are all inside that); without
 * one, what the kernel and the server see. Negative or non-finite gauges count as 0. */
static double inside(const struct verdict_input *in)
{
	double a = in->has_loadgen ? (double)in->outside : (double)in->door;
	double b = in->has_loadgen ? (double)in->in_flight : (double)in->in_server;
	return (a > 0 ? a : 0) + (b > 0 ? b : 0);
}

void verdict_sample(struct verdict_state *v, const struct verdict_input *in)
{
	v->l_sum += inside(in);
	v->l_samples++;
}

static double finite_or_zero(double x)
{
	return isfinite(x) && x > 0 ? x : 0;
}

/* The window's L and lambda*W, the ticks and orders in it. */
static void window_sums(const struct verdict_state *v, double *l, double *lw, double *orders)
{
	double t = 0, lt = 0, lat = 0, n = 0;
	for (uint32_t i = 0; i < v->len; i++) {
		const struct verdict_tick *k = &v->ring[i];
		t += k->dt_s;
		lt += k->l_mean * k->dt_s;
		lat += k->latency_sum_s;
		n += k->completed;
	}
	*l = t > 0 ? lt / t : 0;
	*lw = t > 0 ? lat / t : 0;
	*orders = n;
}

/* What the window says, with the tolerance that depends on what is shown now: a
 * verdict that holds needs a larger gap to break than one that is off needs to mend. */
static enum verdict_little judge_little(enum verdict_little shown, double l, double lw)
{
	double big = l > lw ? l : lw, gap = fabs(l - lw);
	bool was_holding = shown == LITTLE_HOLDS;
	double share = was_holding ? LITTLE_TOL_OUT : LITTLE_TOL_IN;
	double floor_abs = was_holding ? LITTLE_TOL_OUT_ABS : LITTLE_TOL_IN_ABS;
	double tol = share * big > floor_abs ? share * big : floor_abs;
	if (gap <= tol)
		return LITTLE_HOLDS;
	return l > lw ? LITTLE_GROWING : LITTLE_DRAINING;
}

/* A new verdict shows once it has stood VERDICT_HOLD_TICKS ticks in a row; the first
 * one after "not enough data" shows at once (the window is already long enough). */
static void settle(struct verdict_state *v, enum verdict_little now)
{
	if (now == v->shown || now == LITTLE_NO_DATA || v->shown == LITTLE_NO_DATA) {
		v->shown = now;
		v->pending_ticks = 0;
		return;
	}
	if (now != v->pending) {
		v->pending = now;
		v->pending_ticks = 0;
	}
	if (++v->pending_ticks >= VERDICT_HOLD_TICKS) {
		v->shown = now;
		v->pending_ticks = 0;
	}
}

static enum verdict_pace judge_pace(const struct verdict_state *v)
{
	double offered = 0, served = 0;
	uint32_t n = v->len < VERDICT_PACE_TICKS ? v->len : VERDICT_PACE_TICKS;
	for (uint32_t i = 0; i < n; i++) {
		const struct verdict_tick *k = &v->ring[(v->next + VERDICT_WINDOW_TICKS - 1 - i) % VERDICT_WINDOW_TICKS];
		offered += k->offered;
		served += k->served;
	}
	if (offered <= 0)
		return PACE_NO_DATA;
	return served >= PACE_SHARE * offered ? PACE_KEEPING_UP : PACE_FALLING_BEHIND;
}

void verdict_tick(struct verdict_state *v, const struct verdict_input *in, double dt_s, struct verdict_out *out)
{
	struct verdict_tick k = { 0 };
	k.dt_s = finite_or_zero(dt_s);
	k.l_mean = v->l_samples ? v->l_sum / v->l_samples : inside(in);
	k.completed = (double)in->latency_count;
	k.latency_sum_s = finite_or_zero(in->mean_ms) / 1000.0 * k.completed;
	k.offered = finite_or_zero(in->offered_rps) * k.dt_s;
	k.served = finite_or_zero(in->throughput_rps) * k.dt_s;
	v->l_sum = 0;
	v->l_samples = 0;
	v->ring[v->next] = k;
	v->next = (v->next + 1) % VERDICT_WINDOW_TICKS;
	if (v->len < VERDICT_WINDOW_TICKS)
		v->len++;

	double l, lw, orders;
	window_sums(v, &l, &lw, &orders);
	bool enough = v->len >= VERDICT_MIN_TICKS && orders >= VERDICT_MIN_ORDERS;
	settle(v, enough ? judge_little(v->shown, l, lw) : LITTLE_NO_DATA);

	memset(out, 0, sizeof *out);
	out->little = (uint8_t)v->shown;
	out->window_ticks = v->len;
	out->l = l;
	out->lw = lw;
	out->pace = (uint8_t)judge_pace(v);
	if (in->latency_count == 0)
		out->speed = SPEED_NO_DATA;
	else
		out->speed = in->p99_ms > 2 * in->service_ms + 10 ? SPEED_SLOW : SPEED_FAST;
}

double verdict_service_ms(uint32_t cook_ms, uint32_t work_us, double rate, uint32_t cook_ms_default,
			  uint32_t work_us_default)
{
	uint32_t cook = cook_ms != UINT32_MAX && (cook_ms || rate > 0) ? cook_ms : cook_ms_default;
	uint32_t work = work_us != UINT32_MAX ? work_us : work_us_default;
	return cook + work / 1000.0;
}

const char *verdict_little_name(enum verdict_little v)
{
	switch (v) {
	case LITTLE_HOLDS: return "holds";
	case LITTLE_GROWING: return "line growing";
	case LITTLE_DRAINING: return "draining";
	default: return "not enough data";
	}
}

const char *verdict_pace_name(enum verdict_pace v)
{
	switch (v) {
	case PACE_KEEPING_UP: return "keeping up";
	case PACE_FALLING_BEHIND: return "falling behind";
	default: return "no arrivals";
	}
}

const char *verdict_speed_name(enum verdict_speed v)
{
	switch (v) {
	case SPEED_FAST: return "fast";
	case SPEED_SLOW: return "slow";
	default: return "no responses";
	}
}

/* The subset of a snapshot the verdict reads. The arrivals are the load generator's
 * schedule, or what reached the server when no load generator is watched. */
static void input_of(const struct side_snapshot *ss, struct verdict_input *in)
{
	memset(in, 0, sizeof *in);
	in->has_loadgen = ss->loadgen_up;
	in->outside = ss->outside;
	in->in_flight = ss->in_flight;
	in->door = ss->door;
	/* a hostile or torn segment's gauges may be near INT64_MAX: a saturating sum */
	in->in_server = clamp_add_i64(clamp_add_i64(ss->in_line, ss->at_counter),
				      clamp_add_i64(ss->in_kitchen, ss->handing_over));
	in->offered_rps = ss->offered_rps > 0 || ss->loadgen_up ? ss->offered_rps : ss->arrival_rps;
	in->throughput_rps = ss->throughput_rps;
	in->completed_rps = ss->completed_rps;
	in->mean_ms = ss->mean_ms;
	in->p99_ms = ss->p99_ms;
	in->latency_count = ss->latency_count;
	in->service_ms = verdict_service_ms(ss->cook_ms, ss->work_us, ss->rate, ss->cook_ms_default,
					    ss->work_us_default);
}

void verdict_model_sample(struct verdict_state *v, const struct side_snapshot *ss, uint64_t now_ns)
{
	struct verdict_input in;
	if (!ss->server_up && !ss->loadgen_up)
		return;
	input_of(ss, &in);
	verdict_sample(v, &in);
	if (!v->last_ns)
		v->last_ns = now_ns;
}

void verdict_model_tick(struct verdict_state *v, struct side_snapshot *ss, uint64_t now_ns)
{
	struct verdict_input in;
	struct verdict_out out;
	input_of(ss, &in);
	double dt_s = v->last_ns && now_ns > v->last_ns ? (double)(now_ns - v->last_ns) / 1e9 : 1.0;
	v->last_ns = now_ns;
	verdict_tick(v, &in, dt_s, &out);
	ss->verdict_little = out.little;
	ss->verdict_pace = out.pace;
	ss->verdict_speed = out.speed;
	ss->verdict_window_ticks = out.window_ticks;
	ss->verdict_l = out.l;
	ss->verdict_lw = out.lw;
	ss->service_ms = in.service_ms;
}
