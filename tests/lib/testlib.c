/* testlib.c: see testlib.h. */
#include "testlib.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *test_bin(const char *name)
{
	static char slots[4][512];
	static int next;
	const char *dir = getenv("LUNCHRUSH_BIN");
	char *out = slots[next++ % 4];
	snprintf(out, sizeof slots[0], "%s/%s", dir && *dir ? dir : "bin", name);
	return out;
}

const char *test_server_model(void)
{
	const char *m = getenv("LUNCHRUSH_SERVER");
	return m && *m ? m : "blocking";
}

double tc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void tc_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

bool test_bin_built(const char *name)
{
	if (access(test_bin(name), X_OK) == 0)
		return true;
	printf("%s is not built: skipping\n", test_bin(name));
	return false;
}

static int read_line(int fd, char *line, size_t cap, int timeout_ms)
{
	size_t n = 0;
	double deadline = tc_now_ms() + timeout_ms;
	while (n + 1 < cap) {
		int left = (int)(deadline - tc_now_ms());
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		char ch;
		ssize_t r = read(fd, &ch, 1); /* byte by byte: leave the rest of stdout in the pipe */
		if (r <= 0)
			return -1;
		if (ch == '\n')
			break;
		line[n++] = ch;
	}
	line[n] = '\0';
	return 0;
}

int child_start(struct child *c, char *const argv[], bool wait_listening, int timeout_ms)
{
	int pipefd[2];
	memset(c, 0, sizeof *c);
	c->out_fd = -1;
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		dup2(pipefd[1], STDOUT_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "testlib: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	c->pid = pid;
	c->out_fd = pipefd[0];
	if (!wait_listening)
		return 0;
	if (read_line(c->out_fd, c->line, sizeof c->line, timeout_ms) != 0) {
		fprintf(stderr, "testlib: %s printed no line within %d ms\n", argv[0], timeout_ms);
		child_stop(c, SIGKILL, 1000);
		return -1;
	}
	unsigned port = 0;
	if (sscanf(c->line, "listening on %63[^:]:%u", c->host, &port) != 2 || port == 0 || port > 65535) {
		fprintf(stderr, "testlib: %s said '%s', not 'listening on HOST:PORT'\n", argv[0], c->line);
		child_stop(c, SIGKILL, 1000);
		return -1;
	}
	c->port = (uint16_t)port;
	return 0;
}

/* Reap pid, polling until timeout_ms has passed, then SIGKILL it. The wait status, or
 * -1 when it had to be killed (or was not ours to wait for). */
static int reap_or_kill(pid_t pid, int timeout_ms)
{
	int status = -1;
	double deadline = tc_now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		if (tc_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
		tc_sleep_ms(5);
	}
}

/* Reap c's process (see reap_or_kill) and close its pipe. */
static int child_reap(struct child *c, int timeout_ms)
{
	int status = -1;
	if (c->pid > 0) {
		status = reap_or_kill(c->pid, timeout_ms);
		c->pid = 0;
	}
	if (c->out_fd >= 0) {
		close(c->out_fd);
		c->out_fd = -1;
	}
	return status;
}

int child_stop(struct child *c, int sig, int timeout_ms)
{
	if (c->pid > 0)
		kill(c->pid, sig ? sig : SIGTERM);
	return child_reap(c, timeout_ms);
}

int child_wait_exit(struct child *c, int timeout_ms)
{
	return child_reap(c, timeout_ms);
}

int child_start_in_tmpdir(struct child *c, char *const argv[], const char *tmpdir)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("TMPDIR", tmpdir, 1);
	int rc = child_start(c, argv, false, 0);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	return rc;
}

ssize_t child_read_all(struct child *c, char *buf, size_t cap, int timeout_ms)
{
	size_t n = 0;
	double deadline = tc_now_ms() + timeout_ms;
	while (n + 1 < cap) {
		int left = (int)(deadline - tc_now_ms());
		struct pollfd p = { .fd = c->out_fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t r = read(c->out_fd, buf + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

int tc_connect(uint16_t port, int timeout_ms)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int tc_listen_loopback(int backlog, uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || (backlog >= 0 && listen(fd, backlog) != 0) ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

int tc_connect_small_rcvbuf(uint16_t port, int rcvbuf)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

int tc_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

void tc_carry_init(struct tc_carry *c)
{
	c->len = 0;
}

/* Fill carry until it holds at least want bytes or the head end; -1 on close/timeout. */
static int fill(int fd, struct tc_carry *carry)
{
	if (carry->len >= sizeof carry->buf)
		return -1;
	ssize_t r;
	do
		r = recv(fd, carry->buf + carry->len, sizeof carry->buf - carry->len, 0);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -1;
	carry->len += (size_t)r;
	return 0;
}

static void header_value(const char *head, const char *name, char *out, size_t cap)
{
	out[0] = '\0';
	size_t nlen = strlen(name);
	for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		const char *h = p + 2;
		if (strncasecmp(h, name, nlen) == 0 && h[nlen] == ':') {
			h += nlen + 1;
			while (*h == ' ')
				h++;
			size_t i = 0;
			while (h[i] && h[i] != '\r' && i + 1 < cap) {
				out[i] = (char)tolower((unsigned char)h[i]);
				i++;
			}
			out[i] = '\0';
			return;
		}
	}
}

int tc_read_response(int fd, struct tc_carry *carry, bool head_only, struct tc_response *r)
{
	memset(r, 0, sizeof *r);
	r->content_length = -1;
	char *end;
	for (;;) {
		end = carry->len ? memmem(carry->buf, carry->len, "\r\n\r\n", 4) : NULL;
		if (end)
			break;
		if (fill(fd, carry) != 0)
			return -1;
	}
	size_t head_len = (size_t)(end - carry->buf) + 4;
	size_t copy = head_len < sizeof r->head - 1 ? head_len : sizeof r->head - 1;
	memcpy(r->head, carry->buf, copy);
	r->head[copy] = '\0';
	int minor = 1;
	if (sscanf(r->head, "HTTP/1.%d %d", &minor, &r->status) != 2)
		return -1;
	char cl[32];
	header_value(r->head, "Content-Length", cl, sizeof cl);
	if (cl[0])
		r->content_length = strtol(cl, NULL, 10);
	header_value(r->head, "Connection", r->connection, sizeof r->connection);
	r->has_connection_hdr = r->connection[0] != '\0';
	if (minor == 0)
		r->keep_alive = strcmp(r->connection, "keep-alive") == 0;
	else
		r->keep_alive = strcmp(r->connection, "close") != 0;
	size_t body = head_only || r->content_length < 0 ? 0 : (size_t)r->content_length;
	while (carry->len < head_len + body)
		if (fill(fd, carry) != 0)
			return -1;
	r->body_len = body < sizeof r->body - 1 ? body : sizeof r->body - 1;
	memcpy(r->body, carry->buf + head_len, r->body_len);
	r->body[r->body_len] = '\0';
	size_t used = head_len + body;
	memmove(carry->buf, carry->buf + used, carry->len - used);
	carry->len -= used;
	return 0;
}

int tc_request(uint16_t port, const char *raw, bool head_only, struct tc_response *r, int timeout_ms)
{
	int fd = tc_connect(port, timeout_ms);
	if (fd < 0)
		return -1;
	static struct tc_carry carry;
	tc_carry_init(&carry);
	int rc = tc_send_all(fd, raw, strlen(raw));
	if (rc == 0)
		rc = tc_read_response(fd, &carry, head_only, r);
	if (rc == 0)
		r->closed = tc_wait_closed(fd, r->keep_alive ? 0 : timeout_ms);
	close(fd);
	return rc;
}

bool tc_wait_closed(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	char b[256];
	ssize_t r = recv(fd, b, sizeof b, MSG_DONTWAIT);
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

int tc_get(int fd, struct tc_carry *carry, const char *target, struct tc_response *r)
{
	char req[2048];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", target);
	if (n < 0 || (size_t)n >= sizeof req)
		return -1;
	if (tc_send_all(fd, req, (size_t)n) != 0)
		return -1;
	return tc_read_response(fd, carry, false, r);
}

/* Drain both pipes with poll until the child closes them or the time is up. */
static void capture_pipes(int out_fd, int err_fd, char *out, size_t outcap, char *err, size_t errcap,
			  double deadline)
{
	size_t n[2] = { 0, 0 };
	int fds[2] = { out_fd, err_fd };
	char *bufs[2] = { out, err };
	size_t caps[2] = { outcap, errcap };
	while (fds[0] >= 0 || fds[1] >= 0) {
		int left = (int)(deadline - tc_now_ms());
		struct pollfd p[2] = { { .fd = fds[0], .events = POLLIN }, { .fd = fds[1], .events = POLLIN } };
		if (left <= 0 || poll(p, 2, left) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char scratch[512];
			char *dst = n[i] + 1 < caps[i] ? bufs[i] + n[i] : scratch;
			size_t room = n[i] + 1 < caps[i] ? caps[i] - 1 - n[i] : sizeof scratch;
			ssize_t r = read(fds[i], dst, room);
			if (r <= 0) {
				fds[i] = -1;
				continue;
			}
			if (dst != scratch)
				n[i] += (size_t)r;
		}
	}
	if (outcap)
		out[n[0]] = '\0';
	if (errcap)
		err[n[1]] = '\0';
}

int child_run_capture(char *const argv[], char *out, size_t outcap, char *err, size_t errcap, int timeout_ms)
{
	int po[2], pe[2], status = -1;
	if (pipe2(po, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) != 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(po[1], STDOUT_FILENO);
		dup2(pe[1], STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	if (pid > 0) {
		double t0 = tc_now_ms();
		capture_pipes(po[0], pe[0], out, outcap, err, errcap, t0 + timeout_ms);
		status = reap_or_kill(pid, (int)(t0 + timeout_ms - tc_now_ms()));
	}
	close(po[0]);
	close(pe[0]);
	return status;
}

const char *test_scoreboard_name(const char *prefix)
{
	static char slots[4][64];
	static int next, serial;
	char *out = slots[next++ % 4];
	snprintf(out, sizeof slots[0], "%s-%d-%d", prefix, (int)getpid(), serial++);
	return out;
}

/* The fields of /proc/PID/stat after the command's closing ')' (the command may hold
 * spaces and parentheses), NUL-terminated in buf; NULL when pid is not there, "" when
 * the line cannot be read. */
static const char *proc_stat_fields(pid_t pid, char *buf, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p + 2 : "";
}

double proc_cpu_seconds(pid_t pid)
{
	char buf[1024];
	unsigned long long ut = 0, st = 0;
	const char *f = proc_stat_fields(pid, buf, sizeof buf);
	/* state(3) ... utime(14) stime(15) */
	if (!f || sscanf(f, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

int proc_children(pid_t pid, pid_t *kids, int max)
{
	int n = 0;
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d)) != NULL && n < max;) {
		char buf[512];
		int child = atoi(e->d_name), ppid = 0;
		if (child <= 0)
			continue;
		const char *f = proc_stat_fields(child, buf, sizeof buf);
		if (f && sscanf(f, "%*c %d", &ppid) == 1 && ppid == pid) /* field 4: the parent */
			kids[n++] = child;
	}
	if (d)
		closedir(d);
	return n;
}

int proc_wait_children(pid_t pid, pid_t *kids, int max, int want, int timeout_ms)
{
	int n = 0;
	double deadline = tc_now_ms() + timeout_ms;
	while (n < want && tc_now_ms() < deadline) {
		tc_sleep_ms(100);
		n = proc_children(pid, kids, max);
	}
	return n;
}

bool proc_gone(pid_t pid)
{
	char buf[512];
	const char *f = proc_stat_fields(pid, buf, sizeof buf);
	return !f || f[0] == 'Z';
}

bool proc_wait_gone(pid_t pid, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	while (!proc_gone(pid)) {
		if (tc_now_ms() > deadline)
			return false;
		tc_sleep_ms(20);
	}
	return true;
}

int tc_sh(char *out, size_t cap, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && cap) {
		size_t n = fread(out, 1, cap - 1, p);
		out[n] = '\0';
	} else {
		char sink[4096];
		while (fread(sink, 1, sizeof sink, p) > 0)
			;
	}
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
