/* kitchen_timer.h: the built-in kitchen of an evented loop: every order's wait on one
 * timerfd (see kitchen_timer.c).
 *
 * libev's epoll backend sleeps in whole milliseconds and never less than one, so an
 * ev_timer for a 50 ms cook fires 50.0 to 51 ms later. A timerfd is a kernel hrtimer:
 * the loop's epoll wakes when the earliest order is cooked, to the microsecond, and
 * the kitchen figure in every answer is the cook time asked for.
 */
#ifndef EVENTED_KITCHEN_TIMER_H
#define EVENTED_KITCHEN_TIMER_H

#include <ev.h>
#include <stdint.h>

#define KITCHEN_TIMER_NONE UINT32_MAX /* a position meaning "not cooking" */

typedef void (*kitchen_timer_fn)(void *arg);

struct kitchen_timer; /* opaque; one per loop, used by its thread only */

/* fn(arg) is called on the loop for each order whose deadline has passed. */
int kitchen_timer_new(struct kitchen_timer **out, struct ev_loop *loop, kitchen_timer_fn fn);
void kitchen_timer_free(struct kitchen_timer *kt); /* orders still cooking are forgotten */

/* Cook until deadline_ns (CLOCK_MONOTONIC). *pos is the entry's place in the heap,
 * kept up to date by the kitchen (KITCHEN_TIMER_NONE once done) for removal.
 * Cost: O(log n); a system call only when this is now the earliest deadline. */
int kitchen_timer_add(struct kitchen_timer *kt, uint64_t deadline_ns, void *arg, uint32_t *pos);

/* Take an order out before its time (its connection is being closed). */
void kitchen_timer_remove(struct kitchen_timer *kt, uint32_t *pos);

#endif
