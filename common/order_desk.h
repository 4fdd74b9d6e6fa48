/* order_desk.h: everything about an order's life that is not waiting, for both servers.
 *
 * An order moves through stages (at the counter, in the kitchen, handing over), each a
 * gauge on the scoreboard; it gets a number when it is answered; an error answer is
 * counted by one mapping of statuses to error kinds and worded by one table of reasons.
 * bin/blocking calls these between its blocking calls, bin/evented from its callbacks:
 * the only thing that differs between the two is how they wait.
 */
#ifndef LUNCHRUSH_ORDER_DESK_H
#define LUNCHRUSH_ORDER_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "order.h"
#include "scoreboard.h"
#include "server_board.h"

/* Where an order is, as the scoreboard's gauges count it. */
enum order_stage {
	STAGE_NONE = 0,
	STAGE_COUNTER,   /* at_counter: the request being read, then its CPU part */
	STAGE_KITCHEN,   /* in_kitchen: waiting on the kitchen */
	STAGE_HANDOVER,  /* handing_over: the response being written */
};

/* Every reason text an answer of ours can carry that order.c does not write itself. */
#define DESK_REASON_KITCHEN_DOWN "the kitchen is down or refused the ticket"
#define DESK_REASON_KITCHEN_SLOW "the kitchen is too slow: no answer within cook_ms + --kitchen-timeout-ms"
#define DESK_REASON_FULL "too many connections: the server is at --max-conns"
#define DESK_REASON_LINE_FULL "the line is full: the server is at --max-line, come back later"
#define DESK_REASON_NO_THREAD "no thread for this connection: the system refused to create one"
#define DESK_REASON_NO_MEMORY "out of memory for this order"

/* Move an order from one stage's gauge to another's (thread-safe). A move into
 * STAGE_KITCHEN also counts a kitchen ticket. */
void order_desk_move(struct server_board *b, enum order_stage from, enum order_stage to);

/* The error kind an answer of this status is counted as. */
enum server_error order_desk_error_kind(int status);

/* Count an error answer of this status and format it into buf (always closing; head_only
 * drops the body). Its length, 0 when it does not fit. */
size_t order_desk_answer_error(struct server_board *b, char *buf, size_t cap, int status, const char *reason,
			       bool head_only);

/* Number the order and format its 200 answer: the same numbering in both servers (the
 * n-th order answered, counted from 1 across all of a server's threads or loops). */
size_t order_desk_answer(struct server_board *b, char *buf, size_t cap, const char *model, const struct order *order,
			 const struct order_times *t);

/* The answer is out: count the order served, its latency since it arrived, and one
 * more order for the cashier slot (NULL: none). */
void order_desk_served(struct server_board *b, uint64_t total_ns, struct scoreboard_cashier *slot);

#endif
