/* arena.c: start, watch and stop the processes of a live run (see arena.h).
 *
 * Every child gets its own process group (Ctrl-C in the terminal reaches only the
 * dashboard, which then stops them in order), a parent-death signal (the dashboard
 * killed outright takes them with it), stdin from /dev/null and stderr into a file of
 * the arena's temp folder, so nothing a child prints ever lands on the dashboard's
 * screen, and the last line of that file explains a child that died.
 */
#include "arena.h"
#include "arena_child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "errmsg.h"
#include "peer.h"
#include "textfile.h"

#define ARGV_MAX 64

static const char *const side_names[SIDE_COUNT] = { "blocking", "evented" };

const char *arena_side_name(enum arena_side side)
{
	return (unsigned)side < SIDE_COUNT ? side_names[side] : "?";
}

int arena_init(struct arena *a, const char *bin_dir)
{
	static unsigned counter;
	memset(a, 0, sizeof *a);
	snprintf(a->bin_dir, sizeof a->bin_dir, "%s", bin_dir && *bin_dir ? bin_dir : "bin");
	const char *tmp = getenv("TMPDIR");
	snprintf(a->dir, sizeof a->dir, "%s/lunchrush-dash.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(a->dir))
		return -errno;
	/* the pid says whose boards they are; the random part keeps another local user from
	 * squatting the names in /dev/shm before our children create them */
	char prefix[16];
	snprintf(prefix, sizeof prefix, "dash%d", (int)getpid());
	if (scoreboard_fresh_name(prefix, a->tag, sizeof a->tag) < 0)
		snprintf(a->tag, sizeof a->tag, "dash%d-%u", (int)getpid(), counter);
	counter++;
	return 0;
}

/* argv building: a fixed array of strings owned by the caller's buffer. */
struct argv_buf {
	char *v[ARGV_MAX + 1];
	int n;
	char store[4096];
	size_t used;
	bool overflow;           /* an argument did not fit: the child is not started */
};

static void arg(struct argv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct argv_buf *b, const char *fmt, ...)
{
	if (b->n >= ARGV_MAX || b->used >= sizeof b->store) {
		b->overflow = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(b->store + b->used, sizeof b->store - b->used, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof b->store - b->used) {
		b->overflow = true;
		return;
	}
	b->v[b->n++] = b->store + b->used;
	b->v[b->n] = NULL;
	b->used += (size_t)len + 1;
}

/* Extra flags from the scenario, split on spaces (no quoting: flags only). */
static void args_split(struct argv_buf *b, const char *extra)
{
	char copy[SCENARIO_ARGS_MAX];
	snprintf(copy, sizeof copy, "%s", extra);
	char *save = NULL;
	for (char *t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		arg(b, "%s", t);
}

/* The child's side of fork: own process group, parent-death signal, default signals,
 * stdin /dev/null, stdout to out_fd, stderr to the err file. Never returns. */
static void child_exec(char *const argv[], int out_fd, const char *err_path, pid_t parent, char *env)
{
	if (env && env[0])
		putenv(env);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	int in = open("/dev/null", O_RDONLY);
	int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in >= 0)
		dup2(in, STDIN_FILENO);
	if (out_fd >= 0)
		dup2(out_fd, STDOUT_FILENO);
	if (err >= 0)
		dup2(err, STDERR_FILENO);
	execv(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Last non-empty line of a file (a child's stderr), for the down reason. */
static void last_line(const char *path, char *out, size_t cap)
{
	out[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[2048];
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof buf - 1, from);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	char *nl = strrchr(buf, '\n');
	snprintf(out, cap, "%.*s", (int)cap - 1, nl ? nl + 1 : buf);
}

/* Read one line from fd within timeout_ms, byte by byte. 0 or -ETIMEDOUT/-EPIPE. */
static int read_line(int fd, char *line, size_t cap, int timeout_ms)
{
	size_t n = 0;
	uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
	while (n + 1 < cap) {
		uint64_t now = clock_now_ns();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (now >= deadline)
			return -ETIMEDOUT;
		int r = poll(&p, 1, (int)((deadline - now) / NS_PER_MS) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -ETIMEDOUT;
		char ch;
		ssize_t got = read(fd, &ch, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -EPIPE;
		if (ch == '\n')
			break;
		line[n++] = ch;
	}
	line[n] = '\0';
	return 0;
}

/* see arena_child.h */
int arena_spawn_env(struct arena *a, struct arena_proc *p, const char *label, char *const argv[], bool listen,
		    char *env, char *err, size_t errlen)
{
	int pipefd[2] = { -1, -1 }, out_fd = -1;
	snprintf(p->err_path, sizeof p->err_path, "%.400s/%.40s.err", a->dir, label);
	if (listen) {
		if (pipe2(pipefd, O_CLOEXEC) < 0)
			return -errno;
		out_fd = pipefd[1];
	} else {
		snprintf(p->out_path, sizeof p->out_path, "%.400s/%.40s.out", a->dir, label);
		out_fd = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (out_fd < 0)
			return -errno;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		child_exec(argv, out_fd, p->err_path, parent, env);
	int e = errno;
	close(out_fd);
	if (pid < 0) {
		if (listen)
			close(pipefd[0]);
		snprintf(err, errlen, "%s: fork: %s", label, strerror(e));
		return -e;
	}
	setpgid(pid, pid); /* both sides, so it holds whichever runs first */
	p->pid = pid;
	p->up = p->started = true;
	p->reason[0] = '\0';
	if (!listen)
		return 0;

	char line[256];
	int rc = read_line(pipefd[0], line, sizeof line, LISTEN_TIMEOUT_MS);
	close(pipefd[0]); /* servers log to stderr; stdout carried only this line */
	unsigned port = 0;
	if (rc == 0 && sscanf(line, "listening on %*[^:]:%u", &port) == 1 && port > 0 && port < 65536) {
		p->port = (uint16_t)port;
		return 0;
	}
	char why[ARENA_REASON_MAX];
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	p->pid = 0;
	p->up = false;
	last_line(p->err_path, why, sizeof why);
	snprintf(err, errlen, "%s did not say 'listening on HOST:PORT' within %d s%s%s", argv[0],
		 LISTEN_TIMEOUT_MS / 1000, why[0] ? ": " : "", why);
	return -EIO;
}

static int spawn(struct arena *a, struct arena_proc *p, const char *label, char *const argv[], bool listen,
		 char *err, size_t errlen)
{
	return arena_spawn_env(a, p, label, argv, listen, NULL, err, errlen);
}

static int start_server(struct arena *a, enum arena_side side, char *err, size_t errlen)
{
	const struct scenario *sc = &a->sc;
	struct arena_proc *p = &a->server[side];
	enum restaurant_kind kind = sc->half[side].kind;
	if (!restaurant_is_ours(kind))
		return arena_start_peer(a, side, err, errlen);
	struct argv_buf b = { .n = 0 };
	arg(&b, "%s/%s", a->bin_dir, restaurant_name(kind));
	snprintf(p->board, sizeof p->board, "%s-%s", a->tag, side_names[side]);
	arg(&b, "--host");
	arg(&b, "127.0.0.1");
	arg(&b, "--port");
	arg(&b, "0");
	arg(&b, "--scoreboard");
	arg(&b, "%s", p->board);
	arg(&b, "--cook-ms");
	arg(&b, "%u", sc->cook_ms);
	arg(&b, "--work-us");
	arg(&b, "%u", sc->work_us);
	arg(&b, "--quiet");
	if (sc->idle_ms) {
		arg(&b, "--idle-ms");
		arg(&b, "%u", sc->idle_ms);
	}
	if (sc->kitchen && a->kitchen.port) {
		arg(&b, "--kitchen");
		arg(&b, "127.0.0.1:%u", a->kitchen.port);
	}
	if (sc->backlog) {
		arg(&b, "--backlog");
		arg(&b, "%u", sc->backlog);
	}
	if (kind == REST_BLOCKING) {
		arg(&b, "--threads");
		arg(&b, "%u", sc->threads);
		if (sc->max_line) {
			arg(&b, "--max-line");
			arg(&b, "%u", sc->max_line);
		}
		if (sc->hold_connection)
			arg(&b, "--hold-connection");
		args_split(&b, sc->blocking_args);
	} else {
		arg(&b, "--loops");
		arg(&b, "%u", sc->loops);
		arg(&b, "--helpers");
		arg(&b, "%u", sc->helpers);
		args_split(&b, sc->evented_args);
	}
	if (b.overflow)
		return errmsg_fail(err, errlen, -E2BIG, "%s: more than %d arguments", side_names[side], ARGV_MAX);
	int rc = spawn(a, p, side_names[side], b.v, true, err, errlen);
	p->kind = kind;
	p->watch_pid = p->pid;
	snprintf(p->target, sizeof p->target, "http://127.0.0.1:%u/order", p->port);
	return rc;
}

/* One load generator per server, the same schedule for both: same seed, rate,
 * arrival process and order parameters. */
static int start_loadgen(struct arena *a, enum arena_side side, char *err, size_t errlen)
{
	const struct scenario *sc = &a->sc;
	struct arena_proc *p = &a->loadgen[side];
	struct argv_buf b = { .n = 0 };
	char label[32];
	snprintf(label, sizeof label, "loadgen-%s", side_names[side]);
	snprintf(p->board, sizeof p->board, "%s-%s-load", a->tag, side_names[side]);
	arg(&b, "%s/loadgen", a->bin_dir);
	arg(&b, "%s", a->server[side].target);
	if (sc->rate > 0) {
		arg(&b, "-R");
		arg(&b, "%g", sc->rate);
		arg(&b, "--arrivals");
		arg(&b, "%s", sc->poisson ? "poisson" : "even");
		arg(&b, "--max-conns");
		arg(&b, "%u", sc->max_conns);
	} else {
		arg(&b, "-c");
		arg(&b, "%u", sc->connections);
	}
	arg(&b, "--seed");
	arg(&b, "%llu", (unsigned long long)sc->seed);
	arg(&b, "--threads");
	arg(&b, "%u", sc->loadgen_threads);
	arg(&b, "-d");
	arg(&b, "%us", a->duration_s ? a->duration_s : 3600);
	arg(&b, "--timeout");
	arg(&b, "%ums", sc->timeout_ms);
	/* the dashboard shows the customers still in line as they are, live; the run ends
	 * when its time is up, without loadgen's wait for them (its figures are the run's) */
	arg(&b, "--drain");
	arg(&b, "0");
	arg(&b, "--keepalive");
	arg(&b, "%s", sc->keepalive ? "yes" : "no");
	/* a mixed menu names its kinds' parameters itself: an order may give each only once
	 * (a kind without one gets the server's default, --cook-ms and --work-us) */
	if (!strstr(sc->mix, "cook_ms=")) {
		arg(&b, "--param");
		arg(&b, "cook_ms=%u", sc->cook_ms);
	}
	if (!strstr(sc->mix, "work_us=")) {
		arg(&b, "--param");
		arg(&b, "work_us=%u", sc->work_us);
	}
	arg(&b, "--scoreboard");
	arg(&b, "%s", p->board);
	if (a->json)
		arg(&b, "--json");
	if (sc->mix[0]) {
		arg(&b, "--mix");
		arg(&b, "%s", sc->mix);
	}
	args_split(&b, sc->loadgen_args);
	if (b.overflow)
		return errmsg_fail(err, errlen, -E2BIG, "%s: more than %d arguments", label, ARGV_MAX);
	return spawn(a, p, label, b.v, false, err, errlen);
}

static int start_kitchen(struct arena *a, char *err, size_t errlen)
{
	struct argv_buf b = { .n = 0 };
	arg(&b, "%s/kitchen", a->bin_dir);
	arg(&b, "--host");
	arg(&b, "127.0.0.1");
	arg(&b, "--port");
	arg(&b, "0");
	if (a->sc.stoves) {
		arg(&b, "--stoves");
		arg(&b, "%u", a->sc.stoves);
	}
	a->kitchen.board[0] = '\0';
	return spawn(a, &a->kitchen, "kitchen", b.v, true, err, errlen);
}

static bool bin_missing(const struct arena *a, const char *name, char *err, size_t errlen)
{
	char path[ARENA_PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", a->bin_dir, name);
	if (access(path, X_OK) == 0)
		return false;
	snprintf(err, errlen, "%s is missing: build it with `make %s`", path, path);
	return true;
}

int arena_start(struct arena *a, const struct scenario *sc, char *err, size_t errlen)
{
	int rc = 0;
	if (sc != &a->sc)
		a->sc = *sc;
	memset(a->server, 0, sizeof a->server);
	memset(a->loadgen, 0, sizeof a->loadgen);
	memset(&a->kitchen, 0, sizeof a->kitchen);
	bool on[SIDE_COUNT] = { a->sc.blocking, a->sc.evented };
	if ((a->sc.kitchen && bin_missing(a, "kitchen", err, errlen)) || bin_missing(a, "loadgen", err, errlen))
		return -ENOENT;
	for (int i = 0; i < SIDE_COUNT; i++) {
		enum restaurant_kind k = a->sc.half[i].kind;
		if (on[i] && restaurant_is_ours(k) && bin_missing(a, restaurant_name(k), err, errlen))
			return -ENOENT;
		if (on[i] && peer_prepare(&a->sc.half[i], a->bin_dir, false, err, errlen) < 0)
			return -ENOENT;
	}

	if (a->sc.kitchen && (rc = start_kitchen(a, err, errlen)) < 0)
		goto out_stop;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (on[i] && (rc = start_server(a, i, err, errlen)) < 0)
			goto out_stop;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (on[i] && (rc = start_loadgen(a, i, err, errlen)) < 0)
			goto out_stop;
	a->started_ns = clock_now_ns();
	return 0;

out_stop:
	arena_stop(a, 1000);
	return rc;
}

/* Why a child ended, from its wait status and the last line it wrote on stderr. */
void arena_mark_down(struct arena_proc *p, int status)
{
	char what[64], line[ARENA_REASON_MAX];
	if (WIFEXITED(status))
		snprintf(what, sizeof what, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));
		snprintf(what, sizeof what, "killed by SIG%s", abbrev ? abbrev : "?");
	} else
		snprintf(what, sizeof what, "status %d", status);
	last_line(p->err_path, line, sizeof line);
	snprintf(p->reason, sizeof p->reason, "%s%s%.*s", what, line[0] ? ": " : "",
		 (int)(sizeof p->reason - strlen(what) - 3), line);
	p->up = false;
	p->pid = 0;
}

static int reap(struct arena_proc *p)
{
	int status;
	if (!p->up || p->pid <= 0)
		return 0;
	pid_t r = waitpid(p->pid, &status, WNOHANG);
	if (r == p->pid) {
		arena_mark_down(p, status);
		if (p->board[0])
			scoreboard_remove(p->board); /* left behind when it was killed outright */
		return 1;
	}
	if (r < 0 && errno == ECHILD) {
		snprintf(p->reason, sizeof p->reason, "gone (not our child any more)");
		p->up = false;
		p->pid = 0;
		return 1;
	}
	return 0;
}

int arena_poll(struct arena *a)
{
	int changed = reap(&a->kitchen);
	for (int i = 0; i < SIDE_COUNT; i++)
		changed += reap(&a->server[i]) + reap(&a->loadgen[i]);
	return changed;
}

static int count_up(const struct arena *a)
{
	int n = a->kitchen.up;
	for (int i = 0; i < SIDE_COUNT; i++)
		n += a->server[i].up + a->loadgen[i].up;
	return n;
}

static void signal_all(struct arena *a, int sig, bool loadgens, bool others)
{
	for (int i = 0; i < SIDE_COUNT; i++) {
		if (loadgens && a->loadgen[i].up && a->loadgen[i].pid > 0)
			kill(a->loadgen[i].pid, sig);
		if (others && a->server[i].up && a->server[i].pid > 0)
			kill(a->server[i].pgid > 0 ? -a->server[i].pgid : a->server[i].pid, sig);
	}
	if (others && a->kitchen.up && a->kitchen.pid > 0)
		kill(a->kitchen.pid, sig);
}

/* Poll every 10 ms until nothing is up or the deadline passes. */
static void wait_down(struct arena *a, uint64_t deadline)
{
	while (count_up(a) > 0 && clock_now_ns() < deadline) {
		arena_poll(a);
		if (count_up(a) > 0)
			clock_sleep_ns(10 * NS_PER_MS);
	}
}

/* The load first (so it does not count the servers' leaving as errors), then the rest;
 * SIGKILL for whoever is still there at the deadline. */
void arena_stop(struct arena *a, int timeout_ms)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
	signal_all(a, SIGTERM, true, false);
	signal_all(a, SIGTERM, false, true);
	wait_down(a, deadline);
	if (count_up(a) > 0) {
		signal_all(a, SIGKILL, true, true);
		wait_down(a, clock_now_ns() + 2 * NS_PER_SEC);
	}
	/* a peer's leader gone, its workers may linger (nginx's, a command's children) */
	for (int i = 0; i < SIDE_COUNT; i++)
		if (a->server[i].pgid > 0 && !a->server[i].up) {
			kill(-a->server[i].pgid, SIGKILL);
			a->server[i].pgid = 0;
		}
}

int arena_restart(struct arena *a, const struct scenario *sc, char *err, size_t errlen)
{
	struct scenario next = sc ? *sc : a->sc;
	arena_stop(a, 3000);
	return arena_start(a, &next, err, errlen);
}

bool arena_wait_loadgens(struct arena *a, int timeout_ms)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
	for (;;) {
		arena_poll(a);
		if (!a->loadgen[0].up && !a->loadgen[1].up)
			return true;
		if (clock_now_ns() >= deadline)
			return false;
		clock_sleep_ns(20 * NS_PER_MS);
	}
}

int arena_loadgen_json(const struct arena *a, enum arena_side side, char *buf, size_t cap)
{
	if ((unsigned)side >= SIDE_COUNT || !a->loadgen[side].out_path[0] || cap < 3)
		return -ENOENT;
	ssize_t n = textfile_read(a->loadgen[side].out_path, buf, cap);
	if (n < 0)
		return (int)n;
	char *open_brace = strchr(buf, '{'), *close_brace = strrchr(buf, '}');
	if (!open_brace || !close_brace || close_brace < open_brace)
		return -ENOENT;
	size_t len = (size_t)(close_brace - open_brace) + 1;
	memmove(buf, open_brace, len);
	buf[len] = '\0';
	return (int)len;
}

/* A folder and what is in it, depth levels down (a peer's folder, nginx's temp paths). */
static void remove_tree(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char path[ARENA_PATH_MAX + 300];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (unlink(path) < 0 && (errno == EISDIR || errno == EPERM) && depth > 0)
				remove_tree(path, depth - 1);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Stops what still runs, then removes the temp folder and what is in it. */
void arena_destroy(struct arena *a)
{
	arena_stop(a, 2000);
	if (!a->dir[0])
		return;
	remove_tree(a->dir, 3);
	a->dir[0] = '\0';
}

void arena_default_bin_dir(char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0) {
		snprintf(buf, len, "bin");
		return;
	}
	path[n] = '\0';
	snprintf(buf, len, "%s", dirname(path));
}
