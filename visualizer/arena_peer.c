/* arena_peer.c: the arena's peers (issue 14): a restaurant that is not ours started on
 * a free port (peer.h builds its command line), waited for until the kernel shows it
 * listening, its process group signalled whole; a url: only watched, never started.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "arena_child.h"
#include "clock.h"
#include "door.h"
#include "errmsg.h"
#include "peer.h"


/* A peer that does not say where it listens: wait until the kernel shows a listening
 * socket on its port (door.h). -EAGAIN when it exited first (most likely the port was
 * taken meanwhile: the caller tries another), err saying why. */
static int wait_listening(struct arena_proc *p, const char *what, char *err, size_t errlen)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)LISTEN_TIMEOUT_MS * NS_PER_MS;
	struct door_reading d;
	while (clock_now_ns() < deadline) {
		if (door_read(p->port, &d) == 0)
			return 0;
		int status;
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			arena_mark_down(p, status);
			snprintf(err, errlen, "%s on port %u: %s", what, p->port, p->reason);
			return -EAGAIN;
		}
		clock_sleep_ns(20 * NS_PER_MS);
	}
	kill(-p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	p->pid = 0;
	p->up = false;
	snprintf(err, errlen, "%s did not listen on port %u within %d s", what, p->port, LISTEN_TIMEOUT_MS / 1000);
	return -EIO;
}

/* url: nothing to start; the URL is asked as it is (with /order when it names no path). */
static int watch_url(struct arena_proc *p, const struct restaurant *r)
{
	char path[RESTAURANT_ARG_MAX];
	uint16_t port;
	if (restaurant_url_parts(r->arg, &port, path, sizeof path) < 0)
		return -EINVAL;
	p->port = port;
	p->watch_pid = r->pid;
	p->not_ours = true;
	char url[RESTAURANT_ARG_MAX];
	memcpy(url, r->arg, sizeof url);
	url[sizeof url - 1] = '\0';
	snprintf(p->target, sizeof p->target, "%s%s", url, strchr(url + 7, '/') ? "" : "/order");
	return 0;
}

int arena_start_peer(struct arena *a, enum arena_side side, char *err, size_t errlen)
{
	const struct restaurant *r = &a->sc.half[side];
	struct arena_proc *p = &a->server[side];
	char dir[ARENA_PATH_MAX + 64], label[48];
	p->kind = r->kind;
	p->board[0] = '\0';
	if (r->kind == REST_URL)
		return watch_url(p, r) < 0 ? errmsg_fail(err, errlen, -EINVAL, "url:%.200s: not a loopback URL", r->arg) : 0;
	snprintf(label, sizeof label, "%s-%s", side == SIDE_BLOCKING ? "left" : "right", restaurant_name(r->kind));
	snprintf(dir, sizeof dir, "%.400s/%s", a->dir, label);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return errmsg_fail(err, errlen, -errno, "%s: cannot make %s: %s", label, dir, strerror(errno));
	int rc = -EIO;
	for (int try = 0; try < 3; try++) {
		struct peer_cmd c;
		uint16_t port = 0;
		if (r->kind != REST_NODE && r->kind != REST_GO && (rc = peer_free_port(&port)) < 0)
			return errmsg_fail(err, errlen, rc, "%s: no free port: %s", label, strerror(-rc));
		char err_path[ARENA_PATH_MAX];
		snprintf(err_path, sizeof err_path, "%.400s/%.40s.err", a->dir, label);
		rc = peer_command(r, a->bin_dir, dir, err_path, port, a->sc.gomaxprocs, &c, err, errlen);
		if (rc == 0)
			rc = arena_spawn_env(a, p, label, c.argv, c.says_listening, c.env, err, errlen);
		if (rc < 0)
			return rc;
		p->pgid = p->pid;
		if (!c.says_listening) {
			p->port = port;
			rc = wait_listening(p, label, err, errlen);
		}
		if (rc == -EAGAIN)
			continue;
		if (rc < 0)
			return rc;
		p->watch_pid = p->pid;
		snprintf(p->target, sizeof p->target, "http://127.0.0.1:%u/order", p->port);
		return 0;
	}
	return rc;
}
