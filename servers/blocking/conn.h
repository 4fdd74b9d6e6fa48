/* conn.h: one customer's connection to the blocking server, and the blocking reads
 * and writes a cashier makes on it.
 *
 * The connection carries its own input buffer and request parser, so bytes of a
 * pipelined next request that arrived with this one stay with the customer when they
 * go back to the line, whichever cashier serves them next.
 */
#ifndef BLOCKING_CONN_H
#define BLOCKING_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "line.h"
#include "request.h"

#define CONN_BUF_BYTES 8192   /* one read; a head over 8 KiB is refused by the glue anyway */
#define CONN_POLL_SLICE_MS 100 /* how often a blocked wait looks at the stop flag */

struct conn {
	int fd;
	struct line_item line;        /* link while waiting in the line */
	struct conn *room_prev;       /* links while in the acceptor's waiting room */
	struct conn *room_next;
	uint64_t room_deadline_ns;    /* waiting room: closed when passed; 0 = never */
	bool fresh;                   /* no order read yet on this connection */
	bool lingering;               /* answered with an error: drained, then closed */
	bool in_epoll;                /* fd is in the acceptor's epoll set */
	bool counted;                 /* counts against --max-conns */
	uint32_t linger_bytes;        /* read while lingering after a closing answer */
	uint32_t rcvtimeo_ms;         /* SO_RCVTIMEO now set on fd; 0: none (blocks for ever) */
	size_t in_off;                /* unread input: in[in_off .. in_len) */
	size_t in_len;
	struct request_parser parser;
	char in[CONN_BUF_BYTES];
};

/* What waiting for the next order on a connection ended with. */
enum conn_wait {
	CONN_READY = 0,     /* bytes of a request are there */
	CONN_PEER_CLOSED,   /* the customer left (EOF or reset) */
	CONN_IDLE_TIMEOUT,  /* nothing came before the deadline */
	CONN_STOPPED,       /* the server is shutting down */
};

/* What reading one request ended with. */
enum conn_read {
	CONN_REQUEST = 0,   /* c->parser.req holds a whole request */
	CONN_BAD,           /* unusable: answer c->parser.req.status with its reason */
	CONN_GONE,          /* closed before the first byte: a customer leaving */
	CONN_CUT,           /* closed or reset in the middle of a request */
	CONN_HEAD_TIMEOUT,  /* the request did not arrive whole before the deadline */
	CONN_READ_STOPPED,  /* shutting down and no byte of a request was read */
};

struct conn *conn_new(int fd);
void conn_free(struct conn *c);   /* closes the descriptor; NULL is a no-op */

bool conn_has_input(const struct conn *c);  /* bytes of a pipelined request are buffered */

/* Block until the next request starts, the customer leaves, deadline_ns passes
 * (0 = never) or *stopping becomes non-zero. */
enum conn_wait conn_wait_order(struct conn *c, uint64_t deadline_ns, const int *stopping);

/* Read one whole request (buffered bytes first) with blocking reads; deadline_ns
 * (0 = none) bounds the whole request. */
enum conn_read conn_read_request(struct conn *c, uint64_t deadline_ns, const int *stopping);

/* Write all of buf, blocking until it is out or deadline_ns passes (0 = never; the
 * --send-timeout-ms of one answer). 0, -ETIMEDOUT or -errno. */
int conn_write_all(struct conn *c, const char *buf, size_t len, uint64_t deadline_ns);

#endif
