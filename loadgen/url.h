/* url.h: the target of a load, http://host[:port][/path][?query], parsed once.
 *
 * Only plain http: the load generator speaks HTTP/1.1 over TCP and nothing else. The
 * host may be a name (localhost), an IPv4 address or an IPv6 address in brackets;
 * resolving it and the loopback check happen elsewhere (net.h), this file only reads
 * the text and says precisely what is wrong with it.
 */
#ifndef LOADGEN_URL_H
#define LOADGEN_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_HOST_MAX 255
#define URL_PATH_MAX 1024
#define URL_QUERY_MAX 1024

struct url {
	char host[URL_HOST_MAX + 1];        /* without brackets: "127.0.0.1", "::1", "localhost" */
	uint16_t port;                      /* 80 when absent */
	bool ipv6;                          /* the host was written in brackets */
	char path[URL_PATH_MAX + 1];        /* starts with '/'; "/" when absent */
	char query[URL_QUERY_MAX + 1];      /* after '?', without it; "" when absent */
	char authority[URL_HOST_MAX + 10];  /* the Host header: host[:port], v6 in brackets */
};

/* Parse s into u. Returns 0, or -EINVAL with a one-line reason in err (no trailing
 * newline), e.g. "https is not supported: use http://". A "#fragment" is dropped. */
int url_parse(struct url *u, const char *s, char *err, size_t errlen);

#endif
