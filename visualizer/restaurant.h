/* restaurant.h: which server a half of the dashboard shows. Pure data: the spec a
 * user writes (--left node, right = url:http://127.0.0.1:8080/order) and what each
 * kind is. Ours (blocking, evented) publish a scoreboard; the peers (Node.js, Go,
 * nginx, any command, any running server) are measured from outside (model_outside.h).
 * Lesson 14 (green threads) uses the Go restaurant.
 */
#ifndef LUNCHRUSH_RESTAURANT_H
#define LUNCHRUSH_RESTAURANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESTAURANT_ARG_MAX 256

enum restaurant_kind {
	REST_BLOCKING,   /* bin/blocking: a thread per cashier */
	REST_EVENTED,    /* bin/evented: one event loop */
	REST_NODE,       /* peers/node/server.js: Node.js's http module */
	REST_GO,         /* peers/go/server.go: Go's net/http */
	REST_NGINX,      /* nginx with a config the dashboard writes */
	REST_CMD,        /* cmd:'COMMAND with {port}': any server the dashboard starts */
	REST_URL,        /* url:http://127.0.0.1:PORT/path: a server already running */
	REST_KIND_COUNT,
};

struct restaurant {
	enum restaurant_kind kind;
	char arg[RESTAURANT_ARG_MAX];  /* cmd: the command; url: the URL; "" otherwise */
	int32_t pid;                   /* url: the server's process (--pid), 0 = not known */
};

/* Parse "blocking", "node", "cmd:COMMAND", "url:http://127.0.0.1:PORT/path". A URL
 * must name a loopback address (127.0.0.0/8) and a port; a command must hold {port}.
 * 0, or -EINVAL with a one-line reason in err. */
int restaurant_parse(struct restaurant *r, const char *spec, char *err, size_t errlen);

/* The spec back as text ("node", "cmd:...", "url:..."). */
void restaurant_spec(const struct restaurant *r, char *buf, size_t len);

/* "blocking", "evented", "node", "go", "nginx", "cmd", "url". */
const char *restaurant_name(enum restaurant_kind kind);

/* The kind named ("node", "url"), or -1. */
int restaurant_kind_named(const char *name);

/* A title for the screen: "NODE.JS", "GO", ... */
const char *restaurant_title(enum restaurant_kind kind);

/* One line: what the restaurant is and how it waits. */
const char *restaurant_about(enum restaurant_kind kind);

/* Ours: a scoreboard with the line, the cashiers and the kitchen. */
bool restaurant_is_ours(enum restaurant_kind kind);

/* The URL's port and path ("/order" when it has none). 0 or -EINVAL. */
int restaurant_url_parts(const char *url, uint16_t *port, char *path, size_t pathlen);

#endif
