/* restaurant.h: the blocking server's shared state, and the helpers its parts share.
 *
 * The thread-driven restaurant: an acceptor takes customers from the door and seats
 * keep-alive customers in a waiting room between orders (acceptor.c); a customer whose
 * order has arrived joins the line (line.c); a fixed crew of cashier threads takes
 * them one order at a time (crew.c) and does everything with blocking calls
 * (cashier.c, conn.c, kitchen_client.c), or, with --threads 0, every connection gets
 * a thread of its own. housekeeping.c keeps the scoreboard's heartbeat and takes freeze
 * requests. This struct is what they share; only server.c, which wires them together,
 * knows every part.
 */
#ifndef BLOCKING_RESTAURANT_H
#define BLOCKING_RESTAURANT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conn.h"
#include "line.h"
#include "scoreboard.h"
#include "server_board.h"
#include "server_config.h"
#include "server_policy.h"

#define SERVER_MODEL "blocking"

struct acceptor;
struct housekeeping;
struct cashier;

struct blocking_server {
	struct server_config cfg;
	struct server_board board;
	int listen_fd;                 /* owned here; the acceptor only polls it */
	uint16_t port;
	bool kitchen_remote;           /* --kitchen: the wait is a ticket to bin/kitchen */
	struct sockaddr_storage kitchen_addr;
	socklen_t kitchen_addr_len;

	struct line line;              /* customers whose order arrived, oldest first */
	struct acceptor *acceptor;
	struct housekeeping *housekeeping;
	struct cashier **crew;         /* --threads N cashiers; NULL with --threads 0 */
	uint32_t crew_running;         /* crew threads started and not yet joined */

	int stopping;                  /* set once on SIGINT/SIGTERM (atomic) */
	int64_t customers;             /* connections counted against --max-conns (atomic) */
	uint32_t freeze_ms[SCOREBOARD_MAX_CASHIERS]; /* pending freeze per cashier slot (atomic) */

	/* --threads 0: threads per connection, and the cashier slots they reuse */
	pthread_mutex_t solo_mu;
	pthread_cond_t solo_cv;        /* broadcast when a connection thread ends */
	uint32_t solo_threads;         /* connection threads running */
	uint32_t free_slot_count;
	int free_slots[SCOREBOARD_MAX_CASHIERS];

	bool unfinished;               /* threads outlived the drain: leave memory to exit() */
};

bool server_stopping(const struct blocking_server *s);

/* A new connection: counted accepted and open, with its socket options set. NULL
 * (descriptor closed, counted) when out of memory. */
struct conn *server_conn_open(struct blocking_server *s, int fd);

/* Close a connection and count it closed. NULL is a no-op. */
void server_conn_close(struct blocking_server *s, struct conn *c);

/* The customer's order has arrived: join the end of the line (in_line, arrived). On a
 * closed line the connection is closed instead. */
void server_line_join(struct blocking_server *s, struct conn *c);

/* --max-line: the line is as long as it may be; a newcomer is turned away (503). */
bool server_line_full(struct blocking_server *s);

/* Cashier slots for connection threads (--threads 0): reused as threads come and go. */
int server_slot_take(struct blocking_server *s);
void server_slot_give(struct blocking_server *s, int slot);

#endif
