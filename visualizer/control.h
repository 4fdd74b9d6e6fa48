/* control.h: the dashboard's hand on running processes, through the scoreboards'
 * control slots. The load: arrival rate, cook time, CPU work, pause, keep-alive
 * (bin/loadgen applies them without restarting). The servers: "the chef faints", a
 * cashier or the event loop frozen for a while (lesson 7 leans on it).
 *
 * Protocol (scoreboard.h): write every ctl_* field, then increment ctl_seq with release
 * order; the writer polls ctl_seq with acquire order and applies all ctl_* fields.
 */
#ifndef LUNCHRUSH_CONTROL_H
#define LUNCHRUSH_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "scoreboard.h"

struct load_ctl {
	uint64_t rate_milli;   /* arrivals per second x 1000 */
	uint32_t cook_ms;      /* UINT32_MAX = not sent */
	uint32_t work_us;      /* UINT32_MAX = not sent */
	bool paused;
	bool keepalive;
};

/* What the load generator was last asked for (the slot, once used) or what is in force
 * (before any request): the base for the next change. */
void control_load_current(const struct scoreboard_loadgen *lg, struct load_ctl *out);

/* Ask for *want: all ctl_* fields, then ctl_seq + 1. 0, -ENODEV when lg is NULL, or
 * -EFAULT when the segment shrank under the mapping (nothing is written). */
int control_load_apply(struct scoreboard_loadgen *lg, const struct load_ctl *want);

/* What is in force now (the rate_milli, cook_ms... fields the load generator writes
 * after applying a request), whatever the slot holds. */
void control_load_in_force(const struct scoreboard_loadgen *lg, struct load_ctl *out);

/* --attach --control: a load generator the dashboard did not start is left as it was
 * found. control_memo_take notes, before the first change only, what was in force and
 * whose board it is; control_memo_restore asks for it again (ctl_* then ctl_seq + 1;
 * ctl_seq only grows, so the slot then holds the figures found in force). `now` is the
 * board mapped at the time: a different mapping or writer means the process we changed
 * is gone, and nothing is written. 0, 1 when there was nothing to restore, or -errno. */
struct control_memo {
	struct scoreboard_loadgen *lg;   /* the board first changed; NULL while untouched */
	int32_t pid;                     /* its writer then */
	struct load_ctl found;           /* in force before the first change */
};
void control_memo_take(struct control_memo *m, struct scoreboard_loadgen *lg);
int control_memo_restore(struct control_memo *m, struct scoreboard_loadgen *now);

/* Freeze cashier slot `cashier` of a server for ms milliseconds. 0, -ENODEV or -EFAULT. */
int control_freeze(struct scoreboard_server *sb, uint32_t ms, uint32_t cashier);

/* The next step up or down of a figure a teacher changes with a key: rate 10/s steps
 * below 200/s, coarser above; cook time and CPU work along a table of round values. */
double control_step_rate(double rate, int dir);
uint32_t control_step_cook_ms(uint32_t cook_ms, int dir);
uint32_t control_step_work_us(uint32_t work_us, int dir);

#endif
