/* kitchen_client.h: a cashier's blocking connection to bin/kitchen (--kitchen).
 *
 * One connection per cashier, opened on the first order and reused; one ticket at a
 * time on it (the cashier blocks until its food is done). The ticket protocol is
 * common/kitchen_proto.h.
 */
#ifndef BLOCKING_KITCHEN_CLIENT_H
#define BLOCKING_KITCHEN_CLIENT_H

#include <stdint.h>
#include <sys/socket.h>

struct kitchen_client;

struct kitchen_client *kitchen_client_new(const struct sockaddr_storage *addr, socklen_t len);
void kitchen_client_free(struct kitchen_client *k);   /* NULL is a no-op */

/* Send a ticket for cook_ms and block until the kitchen answers it, at most cook_ms +
 * timeout_ms in all (connecting included). 0 when cooked; -ETIMEDOUT when the kitchen
 * is too slow (504); another negative errno when it is down, drops the connection or
 * refuses the ticket (502). After any failure the connection is closed and the next
 * ticket connects again. */
int kitchen_client_cook(struct kitchen_client *k, uint32_t cook_ms, uint32_t timeout_ms);

#endif
