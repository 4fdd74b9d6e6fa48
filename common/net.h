/* net.h: socket helpers shared by every program: listen, connect, limits, loopback. */
#ifndef LUNCHRUSH_NET_H
#define LUNCHRUSH_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_BACKLOG 4096  /* the accept queue asked for; Linux caps it at somaxconn */

/* Listen on host:port (port 0 picks a free one). reuseport sets SO_REUSEPORT so that
 * several loops can each have a listener. Returns the fd or a negative errno; on error
 * errbuf says what failed. */
int net_listen(const char *host, uint16_t port, bool reuseport, bool nonblock, char *errbuf, size_t errlen);
/* The same with the accept backlog asked for (--backlog; Linux caps it at somaxconn). */
int net_listen_backlog(const char *host, uint16_t port, bool reuseport, bool nonblock, int backlog, char *errbuf,
		       size_t errlen);

int net_local_port(int fd);  /* the port a socket is bound to, or a negative errno */
int net_set_nonblock(int fd);
int net_set_nodelay(int fd);

/* The listener's accept queue now and its limit, from TCP_INFO. 0 or a negative errno. */
int net_accept_queue(int listen_fd, int64_t *queued, int64_t *limit);

/* Resolve host (numeric or a name such as localhost) and port into addr. */
int net_resolve(const char *host, uint16_t port, struct sockaddr_storage *addr, socklen_t *len);

/* Connect to addr; nonblock returns at once (connect in progress is not an error). */
int net_connect(const struct sockaddr_storage *addr, socklen_t len, bool nonblock);

/* True for 127.0.0.0/8 and ::1 (and ::ffff:127.x.y.z). */
bool net_is_loopback(const struct sockaddr_storage *addr);

/* Split "HOST:PORT" or "[v6]:PORT". 0 or -EINVAL. */
int net_split_hostport(const char *s, char *host, size_t hostlen, uint16_t *port);

/* Raise RLIMIT_NOFILE's soft limit to its hard limit; returns the new soft limit. */
long net_raise_nofile(void);

/* Grow the process's descriptor table to hold n descriptors now (at most the soft
 * limit), so that it never grows later. Call it before the first thread starts: the
 * kernel grows a table that threads share with an RCU grace period inside the call
 * that passes 64, 128, 256, 512, 1024, ... descriptors (measured: socket() taking
 * 5-15 ms in a load generator's loop); in a process of one thread it is a copy. */
void net_reserve_fds(long n);

#endif
