/* kitchen.h: the kitchen service behind bin/kitchen (see kitchen.c).
 *
 * Stands for the database or backend every real server waits on: it takes tickets
 * ("COOK <ms> <id>", common/kitchen_proto.h) on any number of connections and answers
 * each ("DONE <id>") once its cook time has passed, many at once, in finishing order.
 */
#ifndef KITCHEN_KITCHEN_H
#define KITCHEN_KITCHEN_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

#define KITCHEN_TICKETS_MAX 100000   /* in flight per connection; more get ERR */
#define KITCHEN_WBUF_MAX (1 << 20)   /* unread answers per connection before it is closed */

struct kitchen; /* opaque */

struct kitchen_stats {
	uint64_t tickets;     /* tickets taken */
	uint64_t cooked;      /* answered DONE */
	uint64_t refused;     /* answered ERR */
	uint64_t in_flight;   /* taken and not answered: cooking or waiting for a stove */
	uint64_t cooking;     /* on a stove now */
	uint64_t waiting;     /* waiting for a stove (--stoves) */
	uint64_t conns_open;
};

/* Serve on listen_fd (non-blocking, listening; closed by kitchen_free). quiet: no log.
 * stoves: tickets cooking at once, 0 = no limit. */
int kitchen_new(struct kitchen **out, struct ev_loop *loop, int listen_fd, bool quiet, uint32_t stoves);

/* Close every connection, drop the tickets cooking. kitchen_free(NULL) is a no-op. */
void kitchen_free(struct kitchen *k);

void kitchen_get_stats(const struct kitchen *k, struct kitchen_stats *out);

#endif
