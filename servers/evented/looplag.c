/* looplag.c: loop lag and loop utilisation on the scoreboard (see looplag.h).
 *
 * The lag timer is re-armed from the time it actually ran, so one long stall counts
 * once (as one late firing), not as a burst of catch-up firings: the same reading as
 * Node's monitorEventLoopDelay. Cost: two clock reads per loop iteration.
 */
#include "looplag.h"

#include "clock.h"
#include "hist.h"

void cashier_view_set(struct cashier_view *v, enum cashier_state state)
{
	if (v->state == state)
		return;
	v->state = state;
	if (v->slot)
		scoreboard_cashier_set(v->slot, state, clock_now_ns());
}

static void lag_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct looplag *l = w->data;

	(void)revents;
	ev_now_update(loop); /* ev_now is the time the poll returned; we want now */
	ev_tstamp now = ev_now(loop);
	double late_us = (now - l->due) * 1e6;
	hist_record_atomic(l->lag, late_us > 0 ? (uint64_t)late_us : 0);
	l->due = now + LOOPLAG_PERIOD_S;
	ev_timer_set(w, LOOPLAG_PERIOD_S, 0.);
	ev_timer_start(loop, w);
}

/* The poll returned: the loop works from here until the next prepare. */
static void check_cb(struct ev_loop *loop, ev_check *w, int revents)
{
	struct looplag *l = w->data;

	(void)loop;
	(void)revents;
	if (l->cashier->state == CASHIER_IDLE)
		cashier_view_set(l->cashier, CASHIER_TAKING_ORDER);
}

/* About to wait in the poll: the time since the check was busy time. */
static void prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct looplag *l = w->data;

	(void)loop;
	(void)revents;
	cashier_view_set(l->cashier, CASHIER_IDLE);
}

void looplag_start(struct looplag *l, struct ev_loop *loop, struct hist *lag, struct cashier_view *cashier)
{
	l->lag = lag;
	l->cashier = cashier;
	ev_timer_init(&l->timer, lag_cb, LOOPLAG_PERIOD_S, 0.);
	ev_prepare_init(&l->prepare, prepare_cb);
	ev_check_init(&l->check, check_cb);
	l->timer.data = l->prepare.data = l->check.data = l;
	ev_now_update(loop);
	l->due = ev_now(loop) + LOOPLAG_PERIOD_S;
	ev_timer_start(loop, &l->timer);
	ev_prepare_start(loop, &l->prepare);
	ev_check_start(loop, &l->check);
	/* watchers that measure the loop must not keep it running */
	ev_unref(loop);
	ev_unref(loop);
	ev_unref(loop);
}

void looplag_stop(struct looplag *l, struct ev_loop *loop)
{
	ev_ref(loop);
	ev_ref(loop);
	ev_ref(loop);
	ev_timer_stop(loop, &l->timer);
	ev_prepare_stop(loop, &l->prepare);
	ev_check_stop(loop, &l->check);
}
