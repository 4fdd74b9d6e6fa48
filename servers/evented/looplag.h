/* looplag.h: how late the loop is, and how busy (Node's monitorEventLoopDelay and ELU).
 *
 * A 10 ms timer records how late it fires into the scoreboard's loop_lag histogram;
 * an ev_check (after the poll returns) and an ev_prepare (before it blocks again) mark
 * the loop's cashier slot busy and idle, so the slot's busy_ns is the time the loop
 * spent not waiting in the poll. Lesson 5 shows the lag rising when work_us blocks it.
 */
#ifndef EVENTED_LOOPLAG_H
#define EVENTED_LOOPLAG_H

#include <ev.h>
#include <stdint.h>

#include "scoreboard.h"

#define LOOPLAG_PERIOD_S 0.010

/* The loop's cashier slot with the state last written, so that writing the same state
 * again costs nothing. slot NULL: a loop past SCOREBOARD_MAX_CASHIERS, not drawn. */
struct cashier_view {
	struct scoreboard_cashier *slot;
	enum cashier_state state;
};

void cashier_view_set(struct cashier_view *v, enum cashier_state state);

struct looplag {
	ev_timer timer;
	ev_prepare prepare;
	ev_check check;
	ev_tstamp due;                 /* when the timer should fire (ev_now time base) */
	struct hist *lag;              /* the scoreboard's loop_lag, shared by every loop */
	struct cashier_view *cashier;
};

/* Start the three watchers on loop. They do not keep ev_run alive (ev_unref). */
void looplag_start(struct looplag *l, struct ev_loop *loop, struct hist *lag, struct cashier_view *cashier);
void looplag_stop(struct looplag *l, struct ev_loop *loop);

#endif
