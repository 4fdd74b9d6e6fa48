/* kitchen_proto.h: the ticket protocol between a server and bin/kitchen.
 *
 * Plain text, one line each way, many tickets in flight on one connection:
 *   server -> kitchen:  "COOK <ms> <id>\n"   cook for ms milliseconds (0..60000)
 *   kitchen -> server:  "DONE <id>\n"        when the cook time has passed
 *                       "ERR <id> <reason>\n" for a ticket it will not cook
 * Answers come in the order tickets finish, not the order they were sent, and are
 * matched by id (a decimal up to 20 digits). A line over KITCHEN_LINE_MAX bytes closes
 * the connection. `printf 'COOK 50 1\n' | nc 127.0.0.1 PORT` is a whole client.
 */
#ifndef LUNCHRUSH_KITCHEN_PROTO_H
#define LUNCHRUSH_KITCHEN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define KITCHEN_LINE_MAX 64

/* Format a ticket line; returns its length. */
size_t kitchen_format_ticket(char *buf, size_t cap, uint32_t cook_ms, uint64_t id);

/* Parse a "COOK <ms> <id>" line (without '\n'). 0 or -EINVAL. */
int kitchen_parse_ticket(const char *line, size_t len, uint32_t *cook_ms, uint64_t *id);

/* Parse a "DONE <id>" or "ERR <id> ..." line. Returns 1 for DONE, 0 for ERR, -EINVAL. */
int kitchen_parse_answer(const char *line, size_t len, uint64_t *id);

#endif
