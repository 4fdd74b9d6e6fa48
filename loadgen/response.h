/* response.h: the HTTP response glue of the load generator. Bytes in, response out.
 *
 * The client-side twin of common/request.h: http-parser in HTTP_RESPONSE mode, so
 * Content-Length, chunked and close-delimited bodies all work and the load generator
 * can drive nginx and Node.js as well as our servers. It knows nothing of sockets or
 * libev; conn.c feeds it whatever each read returned.
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
	int status;       /* the status code, once the head is in */
	bool keep_alive;  /* with RESPONSE_DONE: the server keeps the connection */
	bool done;
	bool started;     /* at least one byte of this response seen */
};

/* Prepare for the next response (on a new or a reused connection). */
void response_parser_init(struct response_parser *p);

/* Feed len bytes; stops at the end of one response. Cost: one pass of http-parser's
 * state machine over the bytes, no allocation, no copy. */
enum response_status response_feed(struct response_parser *p, const char *buf, size_t len, size_t *consumed);

/* The peer closed the connection: DONE for a body delimited by the close (keep_alive
 * false), BAD for a response cut short or never begun. */
enum response_status response_eof(struct response_parser *p);

#endif
