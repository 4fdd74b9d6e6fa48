/* net.c: socket helpers shared by every program (see net.h).
 *
 * Listening and connecting for IPv4 and IPv6, the accept-queue gauge the scoreboard
 * shows (lesson: "the line outside the door" is the kernel's accept queue, read with
 * TCP_INFO on the listener), the loopback check the load generator enforces, and the
 * descriptor limit servers raise at start-up.
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define NET_NOFILE_CAP 1048576L /* RLIM_INFINITY cannot be set; the kernel's nr_open default */

/* getaddrinfo's EAI_* codes as a negative errno, so callers see one error convention. */
static int gai_errno(int rc)
{
	switch (rc) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
		return -ENOENT;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_FAMILY:
		return -EAFNOSUPPORT;
	case EAI_SYSTEM:
		return errno ? -errno : -EIO;
	default:
		return -EINVAL;
	}
}

/* Prefer an IPv4 answer: the servers listen on 127.0.0.1 by default, and "localhost"
 * often resolves to ::1 first, which would then be refused. */
int net_resolve(const char *host, uint16_t port, struct sockaddr_storage *addr, socklen_t *len)
{
	struct addrinfo hints, *res, *ai, *pick = NULL;
	int rc;

	if (host == NULL || host[0] == '\0')
		return -EINVAL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	errno = 0;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0)
		return gai_errno(rc);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			pick = ai;
			break;
		}
		if (ai->ai_family == AF_INET6 && pick == NULL)
			pick = ai;
	}
	if (pick == NULL || pick->ai_addrlen > sizeof(*addr)) {
		freeaddrinfo(res);
		return -EAFNOSUPPORT;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr, pick->ai_addr, pick->ai_addrlen);
	*len = pick->ai_addrlen;
	if (addr->ss_family == AF_INET)
		((struct sockaddr_in *)addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)addr)->sin6_port = htons(port);
	freeaddrinfo(res);
	return 0;
}

/* A hint for the errors people meet when they start a server, appended to errbuf. */
static const char *listen_hint(int err)
{
	switch (err) {
	case EADDRINUSE:
		return " (another program has this port: pick another --port, or --port 0)";
	case EACCES:
		return " (ports below 1024 need privileges: pick a port above 1024)";
	case EADDRNOTAVAIL:
		return " (no interface has this address: try --host 127.0.0.1)";
	case EMFILE:
	case ENFILE:
		return " (too many open files: raise `ulimit -n`)";
	default:
		return "";
	}
}

static void listen_error(char *errbuf, size_t errlen, const char *host, uint16_t port, const char *what,
			 int err)
{
	const char *fmt = strchr(host, ':') ? "cannot listen on [%s]:%u: %s%s" : "cannot listen on %s:%u: %s%s";

	if (errbuf != NULL && errlen > 0)
		snprintf(errbuf, errlen, fmt, host, (unsigned)port, what, listen_hint(err));
}

int net_listen(const char *host, uint16_t port, bool reuseport, bool nonblock, char *errbuf, size_t errlen)
{
	return net_listen_backlog(host, port, reuseport, nonblock, NET_BACKLOG, errbuf, errlen);
}

int net_listen_backlog(const char *host, uint16_t port, bool reuseport, bool nonblock, int backlog, char *errbuf,
		       size_t errlen)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int one = 1, fd, rc;

	rc = net_resolve(host, port, &addr, &len);
	if (rc < 0) {
		listen_error(errbuf, errlen, host ? host : "", port,
			     rc == -ENOENT ? "unknown host" : strerror(-rc), -rc);
		return rc;
	}
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0) {
		rc = -errno;
		goto out_error;
	}
	/* REUSEADDR: a restarted server must not wait for TIME_WAIT sockets of the last run */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&addr, len) < 0 || listen(fd, backlog) < 0) {
		rc = -errno;
		goto out_close_fd;
	}
	return fd;

out_close_fd:
	close(fd);
out_error:
	listen_error(errbuf, errlen, host, port, strerror(-rc), -rc);
	return rc;
}

int net_local_port(int fd)
{
	struct sockaddr_storage addr;
	socklen_t len = sizeof(addr);

	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
		return -errno;
	if (addr.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&addr)->sin_port);
	if (addr.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&addr)->sin6_port);
	return -EAFNOSUPPORT;
}

int net_set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int net_set_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return -errno;
	return 0;
}

/* On a listening socket Linux reports the accept queue in TCP_INFO: tcpi_unacked is the
 * number of connections waiting for accept(), tcpi_sacked the backlog (listen()'s
 * argument capped by net.core.somaxconn). One system call, no lock taken. */
int net_accept_queue(int listen_fd, int64_t *queued, int64_t *limit)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(listen_fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return -errno;
	if (ti.tcpi_state != TCP_LISTEN)
		return -EINVAL;
	*queued = ti.tcpi_unacked;
	*limit = ti.tcpi_sacked;
	return 0;
}

int net_connect(const struct sockaddr_storage *addr, socklen_t len, bool nonblock)
{
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	int rc;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)addr, len) < 0 && !(nonblock && errno == EINPROGRESS)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

bool net_is_loopback(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)addr;
		return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	}
	if (addr->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)addr)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return true;
		return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
	}
	return false;
}

/* "HOST:PORT" or "[V6]:PORT". PORT is 1..65535 (a place to connect to), decimal only.
 * A bare IPv6 address ("::1:80") is refused as ambiguous: it needs brackets. */
int net_split_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	const char *h = s, *colon;
	size_t hlen;
	unsigned long v = 0;

	if (s == NULL || hostlen == 0)
		return -EINVAL;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return -EINVAL;
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strchr(s, ':');
		if (colon == NULL || strchr(colon + 1, ':') != NULL)
			return -EINVAL;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= hostlen || colon[1] == '\0' || strlen(colon + 1) > 5)
		return -EINVAL;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)v;
	return 0;
}

/* A server with 10,000 clients needs more than the usual 1024 descriptors; the hard
 * limit is as far as an unprivileged process may go. */
long net_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = rl;
		if (want.rlim_max == RLIM_INFINITY || want.rlim_max > (rlim_t)NET_NOFILE_CAP)
			want.rlim_cur = (rlim_t)NET_NOFILE_CAP > rl.rlim_cur ? (rlim_t)NET_NOFILE_CAP : rl.rlim_cur;
		else
			want.rlim_cur = want.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl.rlim_cur = want.rlim_cur;
	}
	return rl.rlim_cur == RLIM_INFINITY ? NET_NOFILE_CAP : (long)rl.rlim_cur;
}

void net_reserve_fds(long n)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (rlim_t)n > rl.rlim_cur)
		n = (long)rl.rlim_cur;
	if (n <= 3 || fcntl((int)(n - 1), F_GETFD) >= 0) /* open already: the table holds it */
		return;
	/* dup2 onto the highest descriptor wanted makes the table that large; closing it
	 * leaves the table as it is */
	int fd = dup2(STDERR_FILENO, (int)(n - 1));
	if (fd >= 0 && fd != STDERR_FILENO)
		close(fd);
}
