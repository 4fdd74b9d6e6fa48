/* response.h: the HTTP response glue of the load generator. Bytes in, response out.
 *
 * The client-side twin of common/request.h: http-parser in HTTP_RESPONSE mode, so
 * Content-Length, chunked and close-delimited bodies all work and the load generator
 * can drive nginx and Node.js as well as our servers. It knows nothing of sockets or
 * libev; conn.c feeds it whatever each read returned.
 *
 * Interim answers (1xx other than 101: 100 Continue, 103 Early Hints) are skipped, as
 * RFC 9110 15.2 asks: the final answer that follows them is the response. A 101, or a
 * status outside 200..599 (000, 999), ends the response as it is; the caller counts
 * it as a bad status, and the connection is never reused after it.
 */
#ifndef LOADGEN_RESPONSE_H
#define LOADGEN_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include <http_parser.h>

enum response_status {
	RESPONSE_NEED_MORE = 0, /* all input consumed, the response is not complete yet */
	RESPONSE_DONE,          /* one whole response; *consumed bytes belong to it */
	RESPONSE_BAD,           /* not valid HTTP: close the connection */
};

struct response_parser {
	http_parser parser;
	int status;       /* the final status code, once its head is in */
	unsigned interim; /* interim 1xx answers skipped before it */
	bool keep_alive;  /* with RESPONSE_DONE: the server keeps the connection */
	bool done;
	bool started;     /* at least one byte of this response seen */
};

/* A status that is a final answer a load may count: 200..599. */
static inline bool response_status_valid(int status)
{
	return status >= 200 && status <= 599;
}

/* Prepare for the next response (on a new or a reused connection). */
void response_parser_init(struct response_parser *p);

/* Feed len bytes; stops at the end of one response. Cost: one pass of http-parser's
 * state machine over the bytes, no allocation, no copy. */
enum response_status response_feed(struct response_parser *p, const char *buf, size_t len, size_t *consumed);

/* The peer closed the connection: DONE for a body delimited by the close (keep_alive
 * false), BAD for a response cut short or never begun. */
enum response_status response_eof(struct response_parser *p);

#endif
