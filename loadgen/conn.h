/* conn.h: one client connection on a libev loop: connect, send the order, read the
 * response, keep the connection or close it.
 *
 * This is the protocol and I/O half of the load generator; it decides nothing about
 * customers. What happens next (the next order of a closed-loop customer, the next
 * customer in the open-loop line) is the worker's business, told through the
 * callbacks in struct conn_env. Callbacks are only ever called from libev callbacks,
 * never from inside conn_start (except on_retry, which only counts), so a worker may
 * start a connection from a callback without recursion.
 *
 * The hot path (a keep-alive response read, the next request written) makes two
 * system calls, read and send, and no epoll_ctl: the watcher stays on EV_READ, and
 * EV_WRITE is only added when a send would block.
 */
#ifndef LOADGEN_CONN_H
#define LOADGEN_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ev.h>

#include "reqtext.h"
#include "response.h"
#include "scoreboard.h"

enum conn_state {
	CONN_CLOSED = 0,   /* no socket */
	CONN_CONNECTING,   /* connect in progress, a customer attached */
	CONN_WRITING,      /* sending the request (or trickling it) */
	CONN_READING,      /* request sent, reading the response */
	CONN_IDLE,         /* open, no customer: kept for the next one */
};

struct lg_conn;

/* What every connection of one thread shares. */
struct conn_env {
	struct ev_loop *loop;
	const struct sockaddr_storage *addr;
	socklen_t addrlen;
	char *rbuf;                /* one read buffer per thread: responses are parsed at once */
	size_t rbuf_len;
	uint64_t trickle_ns;       /* > 0: one byte per trickle_ns */
	bool rx_stamps;            /* ask the kernel when each read's bytes came (SO_TIMESTAMPNS):
	                              a loop that reads late still times the response exactly */
	int64_t *conns_open;       /* gauge, bumped on socket and close */
	void *owner;               /* the worker */
	/* A whole response came. The connection is already closed unless reusable. */
	void (*on_response)(struct lg_conn *c, int status, bool reusable);
	/* The customer's request failed (connection closed). err_no: the errno if any. */
	void (*on_failure)(struct lg_conn *c, enum loadgen_error kind, int err_no);
	/* The request is fully written. */
	void (*on_sent)(struct lg_conn *c);
	/* A request is being resent on a new connection (the kept-alive one closed
	 * before the response began). */
	void (*on_retry)(struct lg_conn *c);
	/* An idle connection was closed by the server (or failed): it is CLOSED now. */
	void (*on_idle_closed)(struct lg_conn *c);
};

struct lg_conn {
	int fd;
	enum conn_state state;
	ev_io io;
	ev_timer trickle;          /* next byte of a trickled request */
	ev_timer pause;            /* the worker's: think time or back-off between orders */
	unsigned io_events;        /* what io watches now */
	const struct conn_env *env;
	const struct reqtext *req; /* being sent; kept alive by the worker's retired list */
	size_t req_off;
	uint64_t t_start_ns;       /* customer's start: scheduled arrival or ready time */
	uint64_t t_send_ns;        /* first byte written */
	uint64_t deadline_ns;      /* timeout: no full response by then */
	uint64_t timeout_ns;
	bool reused;               /* a request already went over this connection */
	uint32_t slot;             /* index in the worker's array */
	uint32_t pos;              /* position in the worker's idle or closed stack */
	struct response_parser rp;
	uint64_t rbytes;           /* bytes of the current response read so far, head and body */
	uint64_t t_rx_ns;          /* with rx_stamps: when the last read's bytes reached the
	                              socket (monotonic); 0: not known */
	int kind;                  /* --mix: the kind of the order on it; -1: none */
};

void conn_init(struct lg_conn *c, const struct conn_env *env, uint32_t slot);

/* Start a customer's order on c (CLOSED or IDLE): connect if needed, then send req.
 * now_ns is the current time (the caller read the clock already); the timeout runs
 * from it. Returns 0, or a negative errno when it failed at once (no callback is
 * made then; the connection is CLOSED): -EMFILE/-ENFILE (out of descriptors), other
 * values are connect or write failures (*kind says which). */
int conn_start(struct lg_conn *c, const struct reqtext *req, uint64_t t_start_ns, uint64_t now_ns,
	       uint64_t timeout_ns, enum loadgen_error *kind);

/* Close the socket and stop the watchers; no callback. */
void conn_close(struct lg_conn *c);

static inline bool conn_busy(const struct lg_conn *c)
{
	return c->state == CONN_CONNECTING || c->state == CONN_WRITING || c->state == CONN_READING;
}

/* When the response just completed on c came: the kernel's receive time of its last
 * bytes when rx_stamps is on and the stamp is sane (not before the send, not after
 * now_ns), else now_ns. */
uint64_t conn_response_time(const struct lg_conn *c, uint64_t now_ns);

#endif
