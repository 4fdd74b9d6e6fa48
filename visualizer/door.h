/* door.h: the door of any restaurant, as the kernel sees it: the accept queue of the
 * listening socket on a port (netlink sock_diag, the reading `ss -lnt` shows as Recv-Q
 * and Send-Q) and the listen overflows and drops of /proc/net/netstat. The dashboard
 * reads every half's door here, ours included, so that the two halves compare; lesson
 * 13 (the door) leans on it. Needs no help from the server and no privilege.
 */
#ifndef LUNCHRUSH_DOOR_H
#define LUNCHRUSH_DOOR_H

#include <stdbool.h>
#include <stdint.h>

struct door_reading {
	uint32_t queued;       /* connections waiting for accept() (idiag_rqueue) */
	uint32_t backlog;      /* the listen backlog in force (idiag_wqueue) */
	uint32_t sockets;      /* listening sockets on the port (SO_REUSEPORT: several) */
};

/* The TCP LISTEN sockets of 127.0.0.0/8 or any address on port, IPv4 and IPv6, summed.
 * 0, -ENOENT when nothing listens there, or a negative errno (netlink refused). Costs
 * one netlink dump of the listening sockets (a few microseconds on a quiet machine). */
int door_read(uint16_t port, struct door_reading *out);

struct door_kernel {
	uint64_t listen_overflows;  /* TcpExt ListenOverflows: accept queue full, SYN or ACK dropped */
	uint64_t listen_drops;      /* TcpExt ListenDrops: every drop at a listener (overflows included) */
};

/* The counters of /proc/net/netstat for this network namespace (every port, not just
 * ours: the figures are per machine). 0 or a negative errno. */
int door_kernel_read(struct door_kernel *out);

/* The two numbers after "TcpExt:" for the names, from the text of /proc/net/netstat
 * (a header line of names, then a line of values). 0, or -EPROTO. Exposed for tests. */
int door_parse_netstat(const char *text, struct door_kernel *out);

#endif
