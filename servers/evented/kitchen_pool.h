/* kitchen_pool.h: the evented server's connections to bin/kitchen (--kitchen HOST:PORT).
 *
 * A loop sends each order's ticket ("COOK ms id") on one of a few pooled, non-blocking
 * connections and goes on serving; the answer ("DONE id") comes back on the loop's
 * poll and is matched by id. Many tickets share one connection. One pool per loop, used
 * by that loop's thread only. The caller bounds the wait with its own timer (504) and
 * cancels the ticket; a refused or dropped connection fails its tickets with 502.
 */
#ifndef EVENTED_KITCHEN_POOL_H
#define EVENTED_KITCHEN_POOL_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KITCHEN_POOL_LINKS 2           /* connections per loop */
#define KITCHEN_POOL_WBUF_MAX (1 << 20) /* tickets waiting to be sent, in bytes */
/* A connect the kitchen has not answered by then fails (its tickets get 502) and the
 * next order tries again: a kitchen that drops SYNs costs a second, not the kernel's
 * two minutes of SYN retries. */
#define KITCHEN_POOL_CONNECT_TIMEOUT_S 1.0

/* status 0: cooked; 502: the kitchen refused the ticket or the connection failed.
 * Called on the loop, never from inside kitchen_pool_submit. */
typedef void (*kitchen_done_fn)(void *arg, int status);

struct kitchen_pool; /* opaque */

/* Resolve host:port now; connections are opened on the first ticket. quiet: no log. */
int kitchen_pool_new(struct kitchen_pool **out, struct ev_loop *loop, const char *host, uint16_t port, bool quiet);

/* Close every connection. Tickets in flight are forgotten: their done is not called. */
void kitchen_pool_free(struct kitchen_pool *p);

/* Send a ticket. Returns its id (never 0), or 0 when the kitchen cannot be reached
 * now (connection refused at once, or too much waiting to be sent): answer 502. */
uint64_t kitchen_pool_submit(struct kitchen_pool *p, uint32_t cook_ms, kitchen_done_fn done, void *arg);

/* Forget a ticket (its order timed out): a late answer is ignored. */
void kitchen_pool_cancel(struct kitchen_pool *p, uint64_t ticket);

size_t kitchen_pool_in_flight(const struct kitchen_pool *p);

#endif
