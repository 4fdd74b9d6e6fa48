/* server.h: the blocking server put together: listen, start its parts, stop, free.
 * The state its parts share is in restaurant.h.
 */
#ifndef BLOCKING_SERVER_H
#define BLOCKING_SERVER_H

#include "restaurant.h"

/* Listen and open the scoreboard (no thread starts yet): 0 or a negative errno after
 * a message on stderr that says what to do. */
int blocking_server_new(const struct server_config *cfg, struct blocking_server **out);

/* Start housekeeping, the cashiers and the acceptor. 0 or a negative errno. */
int blocking_server_start(struct blocking_server *s);

/* Stop accepting, finish the orders in hand within drain_ms, stop every thread. */
void blocking_server_stop(struct blocking_server *s, uint32_t drain_ms);

/* Remove the scoreboard and free everything (leaves memory alone if threads outlived
 * the drain). NULL is a no-op. */
void blocking_server_free(struct blocking_server *s);

#endif
