/* fuzz_url.c: libFuzzer harness over the load generator's URL parser (loadgen/url.c),
 * which reads the target exactly as the user typed it (or a script built it).
 *
 * The input is the URL, NUL-terminated. A URL that parses has a host, a path that
 * starts with '/', fields within their bounds and an authority for the Host header; a
 * URL that does not parse comes with a reason. Built and run by scripts/fuzz.sh.
 * fuzz-sources: loadgen/url.c common/errmsg.c
 * fuzz-libs: -lm
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../loadgen/url.h"

/* What goes on the wire (request line, Host header) holds no space or control byte:
 * a URL must not be able to inject a header. */
static bool wire_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[4096];
	char err[256];
	struct url u;
	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (url_parse(&u, text, err, sizeof err) != 0) {
		if (!err[0])
			__builtin_trap(); /* every refusal says why */
		return 0;
	}
	if (!u.host[0] || u.path[0] != '/' || !u.authority[0])
		__builtin_trap();
	if (strlen(u.host) > URL_HOST_MAX || strlen(u.path) > URL_PATH_MAX || strlen(u.query) > URL_QUERY_MAX)
		__builtin_trap();
	if (strchr(u.host, '/') || strchr(u.path, '?') || strchr(u.path, '#'))
		__builtin_trap(); /* each part ends where the next begins */
	if (!wire_clean(u.path) || !wire_clean(u.query) || !wire_clean(u.authority))
		__builtin_trap();
	return 0;
}
