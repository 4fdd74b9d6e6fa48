/* fuzz_request.c: libFuzzer harness over the request glue and the order's query parser.
 *
 * The first input byte picks how the rest is split into reads (as a socket would hand
 * it over), so split points are fuzzed too. Every request that parses is turned into an
 * order and a response is formatted, as both servers do. Built and run by scripts/fuzz.sh
 * (make fuzz); a short run is part of make test. A crash found here becomes a unit test
 * in tests/unit/test_request.c or test_order.c.
 * fuzz-sources: common/request.c common/order.c
 * fuzz-libs: -lhttp_parser
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "order.h"
#include "request.h"

static void answer(const struct request *req)
{
	struct order order;
	const char *reason = NULL;
	char buf[RESPONSE_MAX];
	int status = order_from_request(req, 50, 0, &order, &reason);
	if (status != 0) {
		order_format_error(buf, sizeof buf, status, reason, req->method == HTTP_HEAD);
		return;
	}
	struct order_times t = { 1000, 2000, 3000 };
	order_format_response(buf, sizeof buf, "fuzz", 1, &order, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = (size_t)data[0] % 17 + 1; /* bytes per read: 1..17, or all at once */
	if (data[0] >= 0xF0)
		chunk = size;
	data++;
	size--;

	struct request_parser parser;
	request_parser_init(&parser);
	size_t off = 0;
	while (off < size) {
		size_t len = size - off < chunk ? size - off : chunk;
		size_t used = 0;
		enum request_status st = request_feed(&parser, (const char *)data + off, len, &used);
		if (used > len)
			__builtin_trap(); /* the glue must never claim bytes it was not given */
		if (st == REQUEST_BAD) {
			/* a 4xx, or 505 for a version other than HTTP/1.x; always with a reason */
			bool client_error = parser.req.status >= 400 && parser.req.status <= 499;
			if ((!client_error && parser.req.status != 505) || !parser.req.reason)
				__builtin_trap();
			return 0; /* the server closes after it */
		}
		if (st == REQUEST_DONE) {
			if (used == 0)
				__builtin_trap(); /* a request is made of bytes: no progress means a loop */
			answer(&parser.req);
			request_parser_next(&parser);
		} else if (used != len) {
			__builtin_trap(); /* NEED_MORE consumes everything */
		}
		off += used;
	}
	return 0;
}
