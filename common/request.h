/* request.h: the HTTP request glue. Bytes in, request out.
 *
 * Wraps http-parser (the parser Node.js used). It knows nothing of sockets, threads or
 * libev: the blocking server feeds it from a read loop, the evented server from a read
 * callback. Input may arrive split anywhere; request_feed stops at the end of one
 * request, so pipelined requests are taken one at a time, in order.
 */
#ifndef LUNCHRUSH_REQUEST_H
#define LUNCHRUSH_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <http_parser.h>

#define REQUEST_HEAD_MAX 8192  /* bytes of request line + headers before 431 */
#define REQUEST_BODY_MAX 65536 /* bytes of body before 413 (orders have none) */
#define REQUEST_URL_MAX 2048   /* longer targets get 414 */

enum request_status {
	REQUEST_NEED_MORE = 0, /* all input consumed, the request is not complete yet */
	REQUEST_DONE,          /* one whole request parsed; *consumed bytes belong to it */
	REQUEST_BAD,           /* unusable input: answer status (4xx) with reason, then close */
};

struct request {
	enum http_method method;  /* HTTP_GET, HTTP_HEAD, ... */
	unsigned short http_major;
	unsigned short http_minor;
	bool keep_alive;          /* HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive */
	char url[REQUEST_URL_MAX + 1]; /* request target, NUL-terminated */
	size_t url_len;
	int status;               /* with REQUEST_BAD: 400, 413, 414 or 431 */
	const char *reason;       /* with REQUEST_BAD: one line for the response body */
};

struct request_parser {
	http_parser parser;
	struct request req;
	size_t head_bytes;  /* bytes fed while the head was incomplete */
	size_t body_bytes;
	bool head_done;
	bool message_done;
	bool url_too_long;
	bool started;       /* at least one byte of this request seen */
	/* the few headers the glue looks at (Host, Expect), matched as they stream by */
	char field[8];      /* the header name being read, lowercased, first 8 bytes */
	unsigned field_len; /* its whole length */
	bool in_value;      /* between a name and the next one */
	char value[24];     /* the value of an Expect header, lowercased, first bytes */
	unsigned value_len;
	unsigned hosts;     /* Host headers seen */
	bool expect;        /* an Expect header is being read */
	bool expect_continue; /* Expect: 100-continue */
	bool skip_body;     /* ...with a body we answer without reading */
};

/* Prepare for the first request of a connection. */
void request_parser_init(struct request_parser *p);

/* Prepare for the next request on the same connection (after REQUEST_DONE). */
void request_parser_next(struct request_parser *p);

/* Feed len bytes. Sets *consumed to the bytes used: on REQUEST_DONE the rest of buf
 * belongs to the next (pipelined) request. The result is in p->req. */
enum request_status request_feed(struct request_parser *p, const char *buf, size_t len, size_t *consumed);

/* True once some bytes of a request have been fed (for header timeouts: a connection
 * idle between requests is not a slow talker). */
bool request_started(const struct request_parser *p);

#endif
