/* line.h: the FIFO line of customers waiting for a cashier (blocking server).
 *
 * A mutex, a condition variable and an intrusive singly linked list: the acceptor
 * pushes a connection whose next order has arrived, an idle cashier pops the oldest.
 * Each entry remembers when it joined, so the time spent in line is exact. The line
 * knows nothing of sockets; lesson 3 (Little's law) watches its length.
 */
#ifndef BLOCKING_LINE_H
#define BLOCKING_LINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Embedded in whatever waits in line (struct conn). */
struct line_item {
	struct line_item *next;
	uint64_t joined_ns;  /* CLOCK_MONOTONIC when it joined the line */
};

struct line {
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* signalled on push, broadcast on wake and close */
	struct line_item *head;  /* oldest: served next */
	struct line_item *tail;
	size_t len;
	bool closed;             /* no more pushes; pops drain what is left */
};

enum line_pop_result {
	LINE_GOT = 0,  /* *out is the oldest entry */
	LINE_CLOSED,   /* closed and empty: the cashier goes home */
	LINE_WOKEN,    /* *wake_flag was set (a freeze request for this cashier) */
};

int line_init(struct line *l);
void line_destroy(struct line *l);

/* Join the end of the line at now_ns. -EPIPE once the line is closed (the caller
 * keeps the item). */
int line_push(struct line *l, struct line_item *it, uint64_t now_ns);

/* Wait for the oldest entry. wake_flag (may be NULL) is read under the lock: when it
 * is non-zero the wait ends with LINE_WOKEN, so a cashier idle in line can be told to
 * do something else (set the flag, then call line_wake_all). */
enum line_pop_result line_pop(struct line *l, struct line_item **out, const uint32_t *wake_flag);

void line_wake_all(struct line *l);
void line_close(struct line *l);
size_t line_length(struct line *l);

#endif
