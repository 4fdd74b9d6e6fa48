/* peer.h: how the dashboard starts a restaurant that is not ours: Node.js
 * (peers/node/server.js), Go (peers/go/server.go, built into build/peers/go-server),
 * nginx (a config written under the arena's folder) or a command (cmd:), each on a
 * free loopback port. Finding the program and its Debian package is here too, so the
 * dashboard can say what is missing before it draws anything. The arena (arena.c)
 * forks and watches what this builds.
 */
#ifndef LUNCHRUSH_PEER_H
#define LUNCHRUSH_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "restaurant.h"

#define PEER_ARGV_MAX 16
#define PEER_PATH_MAX 512

/* A command line for one peer: argv points into store; env is one NAME=VALUE the child
 * gets (GOMAXPROCS for Go) or "". says_listening: it prints "listening on HOST:PORT"
 * (node, go: started on port 0); otherwise the arena waits for the port to listen. */
struct peer_cmd {
	char *argv[PEER_ARGV_MAX + 1];
	char store[2048];
	size_t used;
	int argc;
	char env[64];
	bool says_listening;
};

/* The project's folder (the one holding peers/), found from bin_dir upwards: bin/ or
 * bin/san-.../. 0, or -ENOENT. */
int peer_root(const char *bin_dir, char *root, size_t len);

/* Make sure what r needs is there: the node or nginx program, the Go server (built
 * now with the go tool when missing or older than its source; offline, the standard
 * library only). When a program is missing and install is true, scripts/deps.sh is
 * asked for its Debian package first. 0, or -ENOENT with what is missing and how to
 * get it in err. Ours, url: and cmd: need nothing (0). */
int peer_prepare(const struct restaurant *r, const char *bin_dir, bool install, char *err, size_t errlen);

/* The Debian package a peer needs ("nodejs", "golang-go", "nginx-light"), or NULL. */
const char *peer_package(enum restaurant_kind kind);

/* Does nginx have a module that can wait (libnginx-mod-http-echo's echo_sleep)?
 * Then its orders cook for cook_ms; otherwise they are trivial (cook_ms ignored). */
bool peer_nginx_can_cook(void);

/* A free TCP port on 127.0.0.1 (bound to port 0, read, closed: another program could
 * take it before the peer does; the arena then tries another). 0 or a negative errno. */
int peer_free_port(uint16_t *port);

/* The command for r (node, go, nginx, cmd) on port (0 for those that say where they
 * listen). dir is a private folder for nginx's config, logs and temp files; err_path
 * the child's stderr file. gomaxprocs 0 = Go's default. 0, or a negative errno with
 * the reason in err. */
int peer_command(const struct restaurant *r, const char *bin_dir, const char *dir, const char *err_path,
		 uint16_t port, uint32_t gomaxprocs, struct peer_cmd *out, char *err, size_t errlen);

/* The ends of r's --help line (dashboard --help): what each peer does here. */
void peer_help(char *buf, size_t len);

#endif
