/* arena_child.h: inside the arena (arena.c, arena_peer.c) only: start a child and say
 * why one ended. Nothing outside the arena includes this. */
#ifndef LUNCHRUSH_ARENA_CHILD_H
#define LUNCHRUSH_ARENA_CHILD_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

#define LISTEN_TIMEOUT_MS 5000   /* a server says where it listens within this */

/* Start argv in its own process group with a parent-death signal, stdin /dev/null,
 * stderr into the arena's folder (LABEL.err), env (one NAME=VALUE, or NULL) added;
 * with listen, wait for its "listening on HOST:PORT" line and keep the port. 0 or a
 * negative errno with the reason in err. */
int arena_spawn_env(struct arena *a, struct arena_proc *p, const char *label, char *const argv[], bool listen,
		    char *env, char *err, size_t errlen);

/* Mark p down with the reason from its wait status and the last line of its stderr. */
void arena_mark_down(struct arena_proc *p, int status);

/* Start the peer restaurant of a side (not blocking or evented), or watch its url:. */
int arena_start_peer(struct arena *a, enum arena_side side, char *err, size_t errlen);

#endif
