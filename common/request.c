/* request.c: the HTTP request glue over http-parser 2.9 (see request.h).
 *
 * Bytes in, request out: no sockets, threads or event loops here. Both servers feed it
 * whatever read() returned; it stops at the end of one request by pausing the parser in
 * on_message_complete, so pipelined requests come out one at a time and *consumed says
 * where the next one starts. Limits (head 8 KiB, URL 2 KiB, body 64 KiB) turn into
 * 431, 414 and 413; everything http-parser rejects is a 400 with its own description.
 * Where http-parser is lenient and RFC 9112 is not, the glue is strict: whitespace
 * between a header name and its colon (a request-smuggling building block behind a
 * proxy), and an HTTP/1.1 request without exactly one Host, are 400s.
 */
#include "request.h"

#include <string.h>

/* The callbacks record what the request asked for; they return non-zero to stop the
 * parser (http-parser then reports HPE_CB_*), after setting req.status/reason. */

static int request_fail(struct request_parser *p, int status, const char *reason)
{
	p->req.status = status;
	p->req.reason = reason;
	return -1;
}

static int on_url(http_parser *hp, const char *at, size_t len)
{
	struct request_parser *p = hp->data;

	if (p->url_too_long || len > REQUEST_URL_MAX - p->req.url_len) {
		p->url_too_long = true;
		return request_fail(p, 414, "request target over 2048 bytes");
	}
	memcpy(p->req.url + p->req.url_len, at, len);
	p->req.url_len += len;
	p->req.url[p->req.url_len] = '\0';
	return 0;
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* The header just read (name and value) is over: note what it asked. */
static void header_done(struct request_parser *p)
{
	if (p->expect && p->value_len == 12 && memcmp(p->value, "100-continue", 12) == 0)
		p->expect_continue = true;
	p->expect = false;
	p->in_value = false;
	p->field_len = 0;
	p->value_len = 0;
}

static int on_header_field(http_parser *hp, const char *at, size_t len)
{
	struct request_parser *p = hp->data;

	if (p->in_value)
		header_done(p);
	for (size_t i = 0; i < len; i++) {
		if (at[i] == ' ' || at[i] == '\t')
			return request_fail(p, 400, "whitespace between a header name and its colon");
		if (p->field_len < sizeof(p->field))
			p->field[p->field_len] = lower(at[i]);
		p->field_len++;
	}
	return 0;
}

static int on_header_value(http_parser *hp, const char *at, size_t len)
{
	struct request_parser *p = hp->data;

	if (!p->in_value) { /* the name is whole: which header is it? */
		p->in_value = true;
		if (p->field_len == 4 && memcmp(p->field, "host", 4) == 0)
			p->hosts++;
		p->expect = p->field_len == 6 && memcmp(p->field, "expect", 6) == 0;
	}
	for (size_t i = 0; p->expect && i < len; i++) {
		if (p->value_len < sizeof(p->value))
			p->value[p->value_len] = lower(at[i]);
		p->value_len++;
	}
	return 0;
}

static int on_headers_complete(http_parser *hp)
{
	struct request_parser *p = hp->data;

	if (p->in_value)
		header_done(p);

	p->head_done = true;
	p->req.method = (enum http_method)hp->method;
	p->req.http_major = hp->http_major;
	p->req.http_minor = hp->http_minor;
	p->req.keep_alive = http_should_keep_alive(hp) != 0;
	/* http-parser takes any one-digit version; an order is HTTP/1.0 or 1.x */
	if (hp->http_major != 1)
		return request_fail(p, 505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
	/* ULLONG_MAX means no Content-Length; a chunked body is counted in on_body */
	if (hp->content_length != (uint64_t)-1 && hp->content_length > REQUEST_BODY_MAX)
		return request_fail(p, 413, "request body over 65536 bytes");
	if (hp->http_minor >= 1 && p->hosts != 1)
		return request_fail(p, 400, p->hosts ? "more than one Host header" : "an HTTP/1.1 request needs a Host header");
	/* Expect: 100-continue with a body: the client waits for us before sending it. An
	 * order needs no body, so the final answer comes at once instead of a 100 (RFC 9110
	 * 10.1.1 allows it), the body is skipped and the connection closes after the answer
	 * (whatever body follows is not a request). */
	bool has_body = (hp->content_length != (uint64_t)-1 && hp->content_length > 0) || (hp->flags & F_CHUNKED);
	if (p->expect_continue && has_body) {
		p->skip_body = true;
		return 1; /* http-parser: this message has no body */
	}
	return 0;
}

static int on_body(http_parser *hp, const char *at, size_t len)
{
	struct request_parser *p = hp->data;

	(void)at; /* orders have no body: it is read and dropped */
	p->body_bytes += len;
	if (p->body_bytes > REQUEST_BODY_MAX)
		return request_fail(p, 413, "request body over 65536 bytes");
	return 0;
}

/* Pausing (rather than returning an error) makes http_parser_execute return right
 * after this message's last byte, with the parser intact for request_parser_next. */
static int on_message_complete(http_parser *hp)
{
	struct request_parser *p = hp->data;

	p->message_done = true;
	p->req.keep_alive = http_should_keep_alive(hp) != 0 && !p->skip_body;
	http_parser_pause(hp, 1);
	return 0;
}

static const http_parser_settings request_settings = {
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void request_parser_init(struct request_parser *p)
{
	memset(p, 0, sizeof(*p));
	http_parser_init(&p->parser, HTTP_REQUEST);
	p->parser.data = p;
}

/* A fresh parser per request: requests on one connection share nothing, and it also
 * clears the pause and the "last message" state http-parser keeps after Connection:
 * close. Only the fields a request fills are cleared, not the whole 2 KiB URL buffer. */
void request_parser_next(struct request_parser *p)
{
	http_parser_init(&p->parser, HTTP_REQUEST);
	p->parser.data = p;
	p->req.method = HTTP_GET;
	p->req.http_major = 0;
	p->req.http_minor = 0;
	p->req.keep_alive = false;
	p->req.url[0] = '\0';
	p->req.url_len = 0;
	p->req.status = 0;
	p->req.reason = NULL;
	p->head_bytes = 0;
	p->body_bytes = 0;
	p->head_done = false;
	p->message_done = false;
	p->url_too_long = false;
	p->started = false;
	p->field_len = 0;
	p->in_value = false;
	p->value_len = 0;
	p->hosts = 0;
	p->expect = false;
	p->expect_continue = false;
	p->skip_body = false;
}

bool request_started(const struct request_parser *p)
{
	return p->started;
}

static enum request_status request_bad(struct request_parser *p, int status, const char *reason)
{
	if (p->req.status == 0) {
		p->req.status = status;
		p->req.reason = reason;
	}
	p->req.keep_alive = false;
	return REQUEST_BAD;
}

/* Cost: one pass of http-parser over the bytes. While the head is incomplete the input
 * is fed in slices that end at REQUEST_HEAD_MAX, so an endless head is refused after
 * 8 KiB however it is split, and never buffered here. */
enum request_status request_feed(struct request_parser *p, const char *buf, size_t len, size_t *consumed)
{
	size_t off = 0;

	*consumed = 0;
	if (p->message_done)
		return REQUEST_DONE;
	if (p->req.status != 0)
		return REQUEST_BAD;
	if (len > 0)
		p->started = true;

	while (off < len) {
		size_t slice = len - off;
		bool head_open = !p->head_done;

		if (head_open && slice > REQUEST_HEAD_MAX - p->head_bytes)
			slice = REQUEST_HEAD_MAX - p->head_bytes;
		size_t n = http_parser_execute(&p->parser, &request_settings, buf + off, slice);
		enum http_errno err = HTTP_PARSER_ERRNO(&p->parser);

		off += n;
		*consumed = off;
		if (p->message_done)
			return REQUEST_DONE;
		if (err != HPE_OK)
			return request_bad(p, 400, http_errno_description(err));
		if (n != slice) /* stopped without an error or a message: not HTTP we serve */
			return request_bad(p, 400, "request could not be parsed");
		if (head_open && !p->head_done) {
			p->head_bytes += n;
			if (p->head_bytes >= REQUEST_HEAD_MAX)
				return request_bad(p, 431, "request head over 8192 bytes");
		}
	}
	return REQUEST_NEED_MORE;
}
