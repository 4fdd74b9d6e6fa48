/* response.c: parse one HTTP response with http-parser (see response.h).
 *
 * The parser is paused at the end of each message so that stray bytes after it are
 * left unconsumed and reported to the caller rather than parsed as a next response.
 * An interim 1xx is not paused at: http-parser goes on to the message after it.
 */
#include "response.h"

#include <string.h>

static int on_message_begin(http_parser *hp)
{
	struct response_parser *p = hp->data;
	p->started = true;
	return 0;
}

/* 100 Continue, 102, 103 Early Hints...: the final answer is still to come. 101 is
 * final (HTTP ends on the connection), and unasked for. */
static bool is_interim(int status)
{
	return status >= 100 && status <= 199 && status != 101;
}

static int on_headers_complete(http_parser *hp)
{
	struct response_parser *p = hp->data;
	if (!is_interim((int)hp->status_code))
		p->status = (int)hp->status_code;
	return 0;
}

/* http-parser ends a 1xx at its blank line (it has no body), so an interim answer
 * completes here and the parser, left running, reads the next message. */
static int on_message_complete(http_parser *hp)
{
	struct response_parser *p = hp->data;
	if (is_interim((int)hp->status_code)) {
		p->interim++;
		return 0;
	}
	p->status = (int)hp->status_code;
	p->keep_alive = http_should_keep_alive(hp) != 0 && response_status_valid(p->status);
	p->done = true;
	http_parser_pause(hp, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_message_begin = on_message_begin,
	.on_headers_complete = on_headers_complete,
	.on_message_complete = on_message_complete,
};

void response_parser_init(struct response_parser *p)
{
	http_parser_init(&p->parser, HTTP_RESPONSE);
	p->parser.data = p;
	p->status = 0;
	p->interim = 0;
	p->keep_alive = false;
	p->done = false;
	p->started = false;
}

enum response_status response_feed(struct response_parser *p, const char *buf, size_t len, size_t *consumed)
{
	size_t n = http_parser_execute(&p->parser, &settings, buf, len);
	*consumed = n;
	if (p->done)
		return RESPONSE_DONE;
	if (HTTP_PARSER_ERRNO(&p->parser) != HPE_OK)
		return RESPONSE_BAD;
	return RESPONSE_NEED_MORE;
}

enum response_status response_eof(struct response_parser *p)
{
	if (p->done)
		return RESPONSE_DONE;
	if (!p->started)
		return RESPONSE_BAD;
	http_parser_execute(&p->parser, &settings, NULL, 0);
	if (p->done) {
		p->keep_alive = false;
		return RESPONSE_DONE;
	}
	return RESPONSE_BAD;
}
