/* restaurant.c: see restaurant.h. Only text here: nothing is started or looked up. */
#include "restaurant.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"

static const struct {
	const char *name, *title, *about;
} kinds[REST_KIND_COUNT] = {
	[REST_BLOCKING] = { "blocking", "BLOCKING", "ours: a pool of threads, one customer each" },
	[REST_EVENTED] = { "evented", "EVENTED", "ours: one event loop (libev) for every customer" },
	[REST_NODE] = { "node", "NODE.JS", "Node.js http: one loop; work_us blocks it, cook_ms a timer" },
	[REST_GO] = { "go", "GO", "Go net/http: a goroutine per connection on the netpoller" },
	[REST_NGINX] = { "nginx", "NGINX", "nginx: one worker, an event loop in C" },
	[REST_CMD] = { "cmd", "COMMAND", "a command the dashboard started, measured from outside" },
	[REST_URL] = { "url", "URL", "a server already running, measured from outside" },
};

const char *restaurant_name(enum restaurant_kind kind)
{
	return (unsigned)kind < REST_KIND_COUNT ? kinds[kind].name : "?";
}

int restaurant_kind_named(const char *name)
{
	for (int k = 0; k < REST_KIND_COUNT; k++)
		if (strcmp(name, kinds[k].name) == 0)
			return k;
	return -1;
}

const char *restaurant_title(enum restaurant_kind kind)
{
	return (unsigned)kind < REST_KIND_COUNT ? kinds[kind].title : "?";
}

const char *restaurant_about(enum restaurant_kind kind)
{
	return (unsigned)kind < REST_KIND_COUNT ? kinds[kind].about : "";
}

bool restaurant_is_ours(enum restaurant_kind kind)
{
	return kind == REST_BLOCKING || kind == REST_EVENTED;
}

/* http://127.x.y.z:PORT[/path]: loopback only (the project's network rule). */
int restaurant_url_parts(const char *url, uint16_t *port, char *path, size_t pathlen)
{
	unsigned a, b, c, d, p;
	int used = 0;
	if (strncmp(url, "http://", 7) != 0)
		return -EINVAL;
	if (sscanf(url + 7, "%3u.%3u.%3u.%3u:%5u%n", &a, &b, &c, &d, &p, &used) != 5 || a != 127 || b > 255 ||
	    c > 255 || d > 255 || p == 0 || p > 65535)
		return -EINVAL;
	const char *rest = url + 7 + used;
	if (*rest && *rest != '/')
		return -EINVAL;
	for (const char *s = rest; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '?' || *s == '#')
			return -EINVAL; /* the load generator appends the order's query itself */
	*port = (uint16_t)p;
	snprintf(path, pathlen, "%s", *rest ? rest : "/order");
	return 0;
}

int restaurant_parse(struct restaurant *r, const char *spec, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	for (int k = 0; k < REST_CMD; k++)
		if (strcmp(spec, kinds[k].name) == 0) {
			r->kind = (enum restaurant_kind)k;
			return 0;
		}
	if (strncmp(spec, "cmd:", 4) == 0) {
		const char *cmd = spec + 4;
		if (strlen(cmd) >= sizeof r->arg)
			return errmsg_fail(err, errlen, -EINVAL, "cmd: the command is longer than %d bytes",
					   RESTAURANT_ARG_MAX - 1);
		if (!strstr(cmd, "{port}"))
			return errmsg_fail(err, errlen, -EINVAL, "cmd:'%.60s': say where the port goes with {port}", cmd);
		r->kind = REST_CMD;
		snprintf(r->arg, sizeof r->arg, "%s", cmd);
		return 0;
	}
	if (strncmp(spec, "url:", 4) == 0) {
		uint16_t port;
		char path[RESTAURANT_ARG_MAX];
		if (strlen(spec + 4) >= sizeof r->arg ||
		    restaurant_url_parts(spec + 4, &port, path, sizeof path) < 0)
			return errmsg_fail(err, errlen, -EINVAL, "url:%.80s: give http://127.0.0.1:PORT/path "
					   "(a loopback address, a port, no query)", spec + 4);
		r->kind = REST_URL;
		snprintf(r->arg, sizeof r->arg, "%s", spec + 4);
		return 0;
	}
	return errmsg_fail(err, errlen, -EINVAL, "'%.60s' is not a restaurant: blocking, evented, node, go, nginx, "
			   "cmd:'COMMAND {port}' or url:http://127.0.0.1:PORT/path", spec);
}

void restaurant_spec(const struct restaurant *r, char *buf, size_t len)
{
	if (r->kind == REST_CMD || r->kind == REST_URL)
		snprintf(buf, len, "%s:%s", restaurant_name(r->kind), r->arg);
	else
		snprintf(buf, len, "%s", restaurant_name(r->kind));
}
