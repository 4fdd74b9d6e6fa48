/* door.c: see door.h. One NETLINK_SOCK_DIAG request per reading, filtered by state
 * (LISTEN) in the kernel and by port here; /proc/net/netstat parsed by column name.
 */
#include "door.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "textfile.h"

#define DOOR_RECV_MAX 32768
#define DOOR_NETSTAT_MAX 16384

static int dump_request(int fd, int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	memset(&msg, 0, sizeof msg);
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.req.sdiag_family = (uint8_t)family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = 1u << TCP_LISTEN;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
		return -errno;
	return 0;
}

/* Read the dump's answers until NLMSG_DONE, adding the sockets on port. */
static int dump_collect(int fd, uint16_t port, struct door_reading *out)
{
	static __thread char buf[DOOR_RECV_MAX] __attribute__((aligned(8)));
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPROTO;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error ? e->error : -EPROTO;
			}
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			if (ntohs(m->id.idiag_sport) != port || m->idiag_state != TCP_LISTEN)
				continue;
			out->queued += m->idiag_rqueue;
			out->backlog += m->idiag_wqueue;
			out->sockets++;
		}
	}
}

int door_read(uint16_t port, struct door_reading *out)
{
	memset(out, 0, sizeof *out);
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	int rc = 0;
	static const int families[] = { AF_INET, AF_INET6 };
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		rc = dump_request(fd, families[i]);
		if (rc == 0)
			rc = dump_collect(fd, port, out);
	}
	close(fd);
	if (rc < 0)
		return rc;
	return out->sockets ? 0 : -ENOENT;
}

/* The value under the column `name` of the TcpExt lines. */
static int netstat_value(const char *names, const char *values, const char *name, uint64_t *out)
{
	char nbuf[4096], vbuf[4096];
	snprintf(nbuf, sizeof nbuf, "%.*s", (int)strcspn(names, "\n"), names);
	snprintf(vbuf, sizeof vbuf, "%.*s", (int)strcspn(values, "\n"), values);
	char *ns = NULL, *vs = NULL;
	char *n = strtok_r(nbuf, " ", &ns), *v = strtok_r(vbuf, " ", &vs);
	while (n && v) {
		if (strcmp(n, name) == 0) {
			char *end;
			*out = strtoull(v, &end, 10);
			return end != v ? 0 : -EPROTO;
		}
		n = strtok_r(NULL, " ", &ns);
		v = strtok_r(NULL, " ", &vs);
	}
	return -EPROTO;
}

int door_parse_netstat(const char *text, struct door_kernel *out)
{
	memset(out, 0, sizeof *out);
	const char *names = strstr(text, "TcpExt:");
	if (!names)
		return -EPROTO;
	const char *values = strchr(names, '\n');
	if (!values || strncmp(values + 1, "TcpExt:", 7) != 0)
		return -EPROTO;
	values++;
	int rc = netstat_value(names, values, "ListenOverflows", &out->listen_overflows);
	if (rc == 0)
		rc = netstat_value(names, values, "ListenDrops", &out->listen_drops);
	return rc;
}

int door_kernel_read(struct door_kernel *out)
{
	char buf[DOOR_NETSTAT_MAX];
	memset(out, 0, sizeof *out);
	ssize_t n = textfile_read("/proc/net/netstat", buf, sizeof buf);
	if (n < 0)
		return (int)n;
	return door_parse_netstat(buf, out);
}
