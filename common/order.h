/* order.h: the order both servers serve, from request to response.
 *
 * GET /order?cook_ms=N&work_us=M places an order; GET / is an order with the server's
 * defaults. work_us is CPU work done by the cashier (cpuwork.h); cook_ms is the kitchen
 * wait, time spent waiting on something that is not the CPU. This file decides what a
 * request asks for and formats every response; it never waits or does the work itself.
 */
#ifndef LUNCHRUSH_ORDER_H
#define LUNCHRUSH_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request.h"

#define ORDER_COOK_MS_MAX 60000
#define ORDER_WORK_US_MAX 1000000
#define RESPONSE_MAX 1024   /* bytes any response takes, head and body */
/* Bytes of a 200 body: the line is padded with spaces to this length (newline
 * included) so every order of a server has the same Content-Length, as ab and other
 * benchmark tools expect of a fixed document. */
#define ORDER_BODY_LEN 96

struct order {
	uint32_t cook_ms;  /* kitchen wait */
	uint32_t work_us;  /* CPU part */
	bool head_only;    /* HEAD: answer without a body */
	bool keep_alive;   /* keep the connection after the response */
	bool http10;       /* answer HTTP/1.0 keep-alive explicitly */
};

/* Times of one order, in ns, for the response body and the histogram. */
struct order_times {
	uint64_t line_ns;     /* waiting for a cashier */
	uint64_t counter_ns;  /* taking the order and the CPU part */
	uint64_t kitchen_ns;  /* the kitchen wait */
};

/* Turn a parsed request into an order. Returns 0, or the HTTP status to answer
 * (400, 404, 405) with *reason set to a one-line explanation. */
int order_from_request(const struct request *req, uint32_t cook_ms_default, uint32_t work_us_default,
		       struct order *order, const char **reason);

/* Parse one decimal parameter value in [0, max]; false on anything else. */
bool order_parse_uint(const char *s, size_t len, uint32_t max, uint32_t *out);

/* Format the 200 response. model is "blocking" or "evented"; returns its length. */
size_t order_format_response(char *buf, size_t cap, const char *model, uint64_t order_no,
			     const struct order *order, const struct order_times *t);

/* Format an error response (always "Connection: close"); head_only drops the body.
 * status: 400 404 405 413 414 431 502 503 504. Returns its length. */
size_t order_format_error(char *buf, size_t cap, int status, const char *reason, bool head_only);

const char *order_status_text(int status);  /* "Bad Request", ... */

#endif
