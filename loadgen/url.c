/* url.c: parse the target URL (see url.h).
 *
 * Hand-written rather than http_parser_parse_url so that every error says what to
 * fix, and so that characters that would break the request line (spaces, control
 * bytes) are refused here, before a single request is formatted. (http-parser 2.9's
 * URL parser only says yes or no, refuses "http://host:1#frag", and takes port 0 and
 * "user@" without a word: a yes from it would still need every check below.)
 */
#include "url.h"

#include "errmsg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* a usage error: the reason into err, -EINVAL */
#define fail(err, errlen, ...) errmsg_fail((err), (errlen), -EINVAL, __VA_ARGS__)

/* Bytes allowed in a request target: visible ASCII except the fragment mark. */
static bool target_char_ok(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '#';
}

static int parse_port(const char *s, size_t len, uint16_t *port, char *err, size_t errlen)
{
	unsigned long v = 0;
	if (len == 0)
		return fail(err, errlen, "empty port after ':'");
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(err, errlen, "port '%.*s' is not a number", (int)len, s);
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > 65535)
			break;
	}
	if (v == 0 || v > 65535)
		return fail(err, errlen, "port %.*s is out of range (1-65535)", (int)len, s);
	*port = (uint16_t)v;
	return 0;
}

/* host[:port] or [v6][:port]; authority is the text between "//" and the path. */
static int parse_authority(struct url *u, const char *a, size_t len, char *err, size_t errlen)
{
	const char *host = a, *port = NULL;
	size_t host_len;

	if (len == 0)
		return fail(err, errlen, "no host in the URL");
	if (memchr(a, '@', len))
		return fail(err, errlen, "user names in URLs are not supported");
	if (a[0] == '[') {
		const char *close = memchr(a, ']', len);
		if (!close)
			return fail(err, errlen, "IPv6 address without its closing ']'");
		host = a + 1;
		host_len = (size_t)(close - host);
		const char *rest = close + 1;
		size_t rest_len = len - (size_t)(rest - a);
		if (rest_len > 0) {
			if (rest[0] != ':')
				return fail(err, errlen, "unexpected '%c' after the IPv6 address", rest[0]);
			port = rest + 1;
		}
		u->ipv6 = true;
		if (host_len == 0)
			return fail(err, errlen, "empty IPv6 address");
	} else {
		const char *colon = memchr(a, ':', len);
		host_len = colon ? (size_t)(colon - a) : len;
		if (colon)
			port = colon + 1;
		if (port && memchr(port, ':', len - (size_t)(port - a)))
			return fail(err, errlen, "IPv6 addresses go in brackets: http://[::1]:8080/");
		if (host_len == 0)
			return fail(err, errlen, "no host in the URL");
	}
	if (host_len > URL_HOST_MAX)
		return fail(err, errlen, "host name longer than %d characters", URL_HOST_MAX);
	for (size_t i = 0; i < host_len; i++) {
		unsigned char ch = (unsigned char)host[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  ch == '.' || ch == '-' || ch == '_' || (u->ipv6 && (ch == ':' || ch == '%'));
		if (!ok)
			return fail(err, errlen, "character '%c' not allowed in host '%.*s'", ch, (int)host_len, host);
	}
	memcpy(u->host, host, host_len);
	u->host[host_len] = '\0';
	u->port = 80;
	if (port) {
		int rc = parse_port(port, len - (size_t)(port - a), &u->port, err, errlen);
		if (rc)
			return rc;
	}
	if (u->ipv6)
		snprintf(u->authority, sizeof u->authority, u->port == 80 ? "[%s]" : "[%s]:%u", u->host, u->port);
	else
		snprintf(u->authority, sizeof u->authority, u->port == 80 ? "%s" : "%s:%u", u->host, u->port);
	return 0;
}

int url_parse(struct url *u, const char *s, char *err, size_t errlen)
{
	static const char scheme[] = "http://";
	memset(u, 0, sizeof *u);

	if (!s || !*s)
		return fail(err, errlen, "empty URL");
	if (strncasecmp(s, "https://", 8) == 0)
		return fail(err, errlen, "https is not supported: use http://");
	if (strncasecmp(s, scheme, sizeof scheme - 1) != 0)
		return fail(err, errlen, "URL '%s' must start with http://", s);

	const char *a = s + sizeof scheme - 1;
	size_t alen = strcspn(a, "/?#");
	int rc = parse_authority(u, a, alen, err, errlen);
	if (rc)
		return rc;

	const char *p = a + alen;
	size_t target_len = strcspn(p, "#"); /* the fragment never goes on the wire */
	for (size_t i = 0; i < target_len; i++)
		if (!target_char_ok((unsigned char)p[i]))
			return fail(err, errlen, "character 0x%02x not allowed in the URL path or query: "
					 "percent-encode it", (unsigned char)p[i]);

	size_t path_len = strcspn(p, "?#");
	if (path_len == 0) {
		strcpy(u->path, "/");
	} else {
		if (path_len > URL_PATH_MAX)
			return fail(err, errlen, "URL path longer than %d characters", URL_PATH_MAX);
		memcpy(u->path, p, path_len);
		u->path[path_len] = '\0';
	}
	if (p[path_len] == '?') {
		const char *q = p + path_len + 1;
		size_t qlen = strcspn(q, "#");
		if (qlen > URL_QUERY_MAX)
			return fail(err, errlen, "URL query longer than %d characters", URL_QUERY_MAX);
		memcpy(u->query, q, qlen);
		u->query[qlen] = '\0';
	}
	return 0;
}
