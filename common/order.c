/* order.c: from a parsed request to an order, and every response both servers write.
 *
 * The only place that knows the order's URL, its parameters and their bounds, and the
 * exact bytes of a response, so that bin/blocking and bin/evented answer alike byte for
 * byte (the lessons diff them). Nothing here waits, reads a socket or does the work.
 */
#include "order.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Reasons are static strings: the caller keeps the pointer until the response is out. */
#define REASON_COOK_MS "cook_ms must be a whole number from 0 to 60000"
#define REASON_WORK_US "work_us must be a whole number from 0 to 1000000"

bool order_parse_uint(const char *s, size_t len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max) /* checked every digit: no overflow however long s is */
			return false;
	}
	*out = (uint32_t)v;
	return true;
}

static bool key_is(const char *k, size_t klen, const char *name)
{
	return klen == strlen(name) && memcmp(k, name, klen) == 0;
}

/* One "key=value" of the query. seen[0] and seen[1] mark cook_ms and work_us. */
static int order_param(const char *kv, size_t len, struct order *order, bool seen[2], const char **reason)
{
	const char *eq = memchr(kv, '=', len);
	size_t klen = eq ? (size_t)(eq - kv) : len;
	const char *val = eq ? eq + 1 : kv + len;
	size_t vlen = len - klen - (eq ? 1 : 0);

	if (key_is(kv, klen, "cook_ms")) {
		if (seen[0]) {
			*reason = "cook_ms given more than once";
			return 400;
		}
		seen[0] = true;
		if (!order_parse_uint(val, vlen, ORDER_COOK_MS_MAX, &order->cook_ms)) {
			*reason = REASON_COOK_MS;
			return 400;
		}
		return 0;
	}
	if (key_is(kv, klen, "work_us")) {
		if (seen[1]) {
			*reason = "work_us given more than once";
			return 400;
		}
		seen[1] = true;
		if (!order_parse_uint(val, vlen, ORDER_WORK_US_MAX, &order->work_us)) {
			*reason = REASON_WORK_US;
			return 400;
		}
		return 0;
	}
	*reason = "unknown parameter: an order takes only cook_ms (0 to 60000) and work_us (0 to 1000000)";
	return 400;
}

/* Walk "a=1&b=2"; empty pieces ("a=1&&b=2", a trailing '&') are skipped. */
static int order_query(const char *q, size_t len, struct order *order, const char **reason)
{
	bool seen[2] = { false, false };
	size_t i = 0;

	while (i < len) {
		const char *amp = memchr(q + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - q) : len;

		if (end > i) {
			int status = order_param(q + i, end - i, order, seen, reason);
			if (status != 0)
				return status;
		}
		i = end + 1;
	}
	return 0;
}

/* Method first (405), then the target (400 if it does not parse, 404 for other paths),
 * then the parameters (400). head_only and keep_alive are filled before any check so an
 * error response can honour HEAD. */
int order_from_request(const struct request *req, uint32_t cook_ms_default, uint32_t work_us_default,
		       struct order *order, const char **reason)
{
	struct http_parser_url u;
	const char *path = "/";
	size_t path_len = 1;

	memset(order, 0, sizeof(*order));
	order->cook_ms = cook_ms_default;
	order->work_us = work_us_default;
	order->head_only = req->method == HTTP_HEAD;
	order->keep_alive = req->keep_alive;
	order->http10 = req->http_major == 1 && req->http_minor == 0;
	*reason = NULL;

	if (req->method != HTTP_GET && req->method != HTTP_HEAD) {
		*reason = "method not allowed: an order is GET or HEAD";
		return 405;
	}
	http_parser_url_init(&u);
	if (http_parser_parse_url(req->url, req->url_len, 0, &u) != 0) {
		*reason = "malformed request target";
		return 400;
	}
	if (u.field_set & (1 << UF_PATH)) {
		path = req->url + u.field_data[UF_PATH].off;
		path_len = u.field_data[UF_PATH].len;
	}
	if (!key_is(path, path_len, "/") && !key_is(path, path_len, "/order")) {
		*reason = "not found: an order is GET /order?cook_ms=N&work_us=M, or GET /";
		return 404;
	}
	if (u.field_set & (1 << UF_QUERY))
		return order_query(req->url + u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len, order, reason);
	return 0;
}

const char *order_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Error";
	}
}

/* Head and body are formatted into buf in one go; HEAD keeps Content-Length and drops
 * the body. Returns the length, or 0 when cap is too small (never with RESPONSE_MAX). */
/* A response is built with these instead of snprintf: two format-string walks per
 * order were about 7 % of a loop's CPU on trivial orders (perf), the largest share of
 * ours after http-parser. The bytes are the same. */
struct out {
	char *p, *end;  /* next byte, one past the buffer */
	bool full;      /* something did not fit */
};

static void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->full || (size_t)(o->end - o->p) < n) {
		o->full = true;
		return;
	}
	memcpy(o->p, s, n);
	o->p += n;
}

static void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	put_mem(o, digits + sizeof(digits) - n, n);
}

/* us as milliseconds with three decimals: "12.345" */
static void put_ms3(struct out *o, uint64_t us)
{
	char frac[4] = { '.', (char)('0' + us % 1000 / 100), (char)('0' + us % 100 / 10), (char)('0' + us % 10) };

	put_u64(o, us / 1000);
	put_mem(o, frac, sizeof(frac));
}

static size_t format_message(char *buf, size_t cap, int status, const char *extra_headers, const char *conn,
			     const char *body, size_t body_len, bool head_only)
{
	struct out o = { buf, buf + cap - 1, false }; /* room for the NUL */

	put_str(&o, "HTTP/1.1 ");
	put_u64(&o, (uint64_t)status);
	put_mem(&o, " ", 1);
	put_str(&o, order_status_text(status));
	put_str(&o, "\r\nContent-Type: text/plain\r\nContent-Length: ");
	put_u64(&o, body_len);
	put_str(&o, "\r\n");
	put_str(&o, extra_headers);
	if (conn) {
		put_str(&o, "Connection: ");
		put_str(&o, conn);
		put_str(&o, "\r\n");
	}
	put_str(&o, "\r\n");
	if (!head_only)
		put_mem(&o, body, body_len);
	if (o.full)
		return 0;
	*o.p = '\0';
	return (size_t)(o.p - buf);
}

/* Times are printed as milliseconds with three decimals from integers: no floating
 * point, so no locale can turn the point into a comma, and it costs less per order. */
static uint64_t ns_to_us_rounded(uint64_t ns)
{
	return ns / 1000 + (ns % 1000 >= 500);
}

size_t order_format_response(char *buf, size_t cap, const char *model, uint64_t order_no,
			     const struct order *order, const struct order_times *t)
{
	char body[256];
	struct out o = { body, body + sizeof(body), false };
	const char *conn = NULL; /* HTTP/1.1 keep-alive is the default: nothing to say */

	put_str(&o, model);
	put_str(&o, " order ");
	put_u64(&o, order_no);
	put_str(&o, ": line ");
	put_ms3(&o, ns_to_us_rounded(t->line_ns));
	put_str(&o, " ms, counter ");
	put_ms3(&o, ns_to_us_rounded(t->counter_ns));
	put_str(&o, " ms, kitchen ");
	put_ms3(&o, ns_to_us_rounded(t->kitchen_ns));
	put_str(&o, " ms\n");
	if (o.full)
		return 0;
	size_t n = (size_t)(o.p - body);
	if (n < ORDER_BODY_LEN) { /* pad before the newline to the fixed length */
		memset(body + n - 1, ' ', ORDER_BODY_LEN - n);
		n = ORDER_BODY_LEN;
		body[n - 1] = '\n';
	}
	if (!order->keep_alive)
		conn = "close";
	else if (order->http10)
		conn = "keep-alive";
	return format_message(buf, cap, 200, "", conn, body, n, order->head_only);
}

/* The reason is cut at its first line break and at 256 bytes, so a response always
 * fits RESPONSE_MAX and a reason can never inject a header. */
size_t order_format_error(char *buf, size_t cap, int status, const char *reason, bool head_only)
{
	char body[260];
	size_t len;

	if (reason == NULL)
		reason = order_status_text(status);
	len = strcspn(reason, "\r\n");
	if (len > 256)
		len = 256;
	memcpy(body, reason, len);
	body[len++] = '\n';
	return format_message(buf, cap, status, status == 405 ? "Allow: GET, HEAD\r\n" : "", "close", body, len,
			      head_only);
}
