/* server_board.h: a server's side of its scoreboard, shared by both servers.
 *
 * Creates the segment from the configuration, keeps the heartbeat and the accept-queue
 * gauges fresh, records finished orders, hands out cashier slots and reads the control
 * slot. Neither server touches the scoreboard layout beyond these calls and SB_ADD /
 * SB_SUB on the counters and gauges, so the two stay comparable field by field.
 */
#ifndef LUNCHRUSH_SERVER_BOARD_H
#define LUNCHRUSH_SERVER_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "order.h"
#include "scoreboard.h"
#include "server_config.h"

struct server_board {
	struct scoreboard_server *sb;  /* the mapping */
	char name[SCOREBOARD_NAME_MAX + 1];
	uint64_t ctl_seq_seen;         /* last control request taken */
	uint64_t order_seq;            /* orders answered: their numbers (atomic; order_desk.c) */
};

/* Create the scoreboard for cfg, now that the port is known (name: --scoreboard or
 * "MODEL-PORT"); fills the configuration fields. 0 or a negative errno, with a
 * message on stderr that says what to do. */
int server_board_open(struct server_board *b, const struct server_config *cfg, uint16_t port);

/* Mark the writer gone, unmap and remove the segment. Safe on a board never opened. */
void server_board_close(struct server_board *b);

/* Refresh the heartbeat and the accept queue of listen_fd. Call every 100-200 ms. */
void server_board_tick(struct server_board *b, int listen_fd);

/* An order finished: served/responses counters, the latency histogram (total_ns =
 * line + counter + kitchen + handing over), thread-safe. */
void server_board_order_done(struct server_board *b, uint64_t total_ns);

/* Count an error response or failure of kind e (thread-safe). */
void server_board_error(struct server_board *b, enum server_error e);

/* Take a cashier slot for a new thread or loop: its index, or -1 when every slot is
 * taken (the thread still serves; it is only counted, not drawn). */
int server_board_cashier_take(struct server_board *b);
struct scoreboard_cashier *server_board_cashier(struct server_board *b, int slot); /* NULL for -1 */

/* If the dashboard asked for a freeze since the last call, return true with its
 * duration and target slot. Thread-safe: only one caller gets each request. */
bool server_board_take_freeze(struct server_board *b, uint32_t *ms, uint32_t *cashier);

#endif
