/* fuzz_response.c: libFuzzer harness over the load generator's response glue
 * (loadgen/response.c), which reads whatever a server, any server, sends back.
 *
 * The first input byte picks how the rest is split into reads (as conn.c gets them);
 * a response that completes is followed by the next one in the same bytes, as on a
 * kept-alive connection, and the end of input is the server closing. The rules checked
 * are the ones conn.c relies on: never more bytes claimed than given, NEED_MORE takes
 * everything, a kept connection only after a valid final status, interim 1xx never
 * the final status. Built and run by scripts/fuzz.sh (make fuzz, and briefly make test).
 * fuzz-sources: loadgen/response.c
 * fuzz-libs: -lhttp_parser
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../loadgen/response.h"

static void check_done(const struct response_parser *p)
{
	if (p->keep_alive && !response_status_valid(p->status))
		__builtin_trap(); /* a bad status (000, 101, 999) must close the connection */
	if (p->status >= 100 && p->status <= 199 && p->status != 101)
		__builtin_trap(); /* an interim answer is never the final one */
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

	struct response_parser p;
	response_parser_init(&p);
	size_t off = 0;
	while (off < size) {
		size_t len = size - off < chunk ? size - off : chunk;
		size_t used = 0;
		enum response_status st = response_feed(&p, (const char *)data + off, len, &used);
		if (used > len)
			__builtin_trap();
		if (st == RESPONSE_BAD)
			return 0; /* conn.c closes the connection */
		if (st == RESPONSE_NEED_MORE && used != len)
			__builtin_trap(); /* bytes left over but no answer: conn.c would drop them */
		off += used;
		if (st == RESPONSE_DONE) {
			check_done(&p);
			if (used == 0 && p.started == false)
				__builtin_trap();
			response_parser_init(&p); /* the next response on the connection */
		}
	}
	if (response_eof(&p) == RESPONSE_DONE)
		check_done(&p);
	return 0;
}
