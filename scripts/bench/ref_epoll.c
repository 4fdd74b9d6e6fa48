/* ref_epoll.c: the bench's reference of the event model, as small as it can be.
 *
 * One thread, one epoll set, non-blocking sockets, level-triggered: accept what is at
 * the door, read what has arrived, answer every whole request head, and nothing else (no
 * scoreboard, no timeouts, no parsing beyond the end of a head). `make bench` holds
 * bin/evented --loops 1 against it. Its answer has the same status line, headers and body
 * length as the lunchrush servers' trivial order. A response that does not fit the
 * socket at once closes the connection: with answers of 161 bytes it never happens.
 *
 * usage: ref_epoll PORT   (listens on 127.0.0.1; prints "listening on 127.0.0.1:PORT")
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY_BYTES 96
#define MAX_FDS 65536

struct client {
	size_t have;
	char buf[8192];
};

static struct client *clients[MAX_FDS];
static char answer[256];
static size_t answer_len;

static void drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	free(clients[fd]);
	clients[fd] = NULL;
	close(fd);
}

static void readable(int ep, int fd)
{
	struct client *c = clients[fd];
	ssize_t n = recv(fd, c->buf + c->have, sizeof(c->buf) - c->have, 0);

	if (n <= 0) {
		drop(ep, fd);
		return;
	}
	c->have += (size_t)n;
	char *start = c->buf, *end;
	while ((end = memmem(start, c->have - (size_t)(start - c->buf), "\r\n\r\n", 4))) {
		if (send(fd, answer, answer_len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)answer_len) {
			drop(ep, fd);
			return;
		}
		start = end + 4;
	}
	c->have -= (size_t)(start - c->buf);
	memmove(c->buf, start, c->have);
	if (c->have == sizeof(c->buf))
		drop(ep, fd);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct epoll_event evs[256], ev = { .events = EPOLLIN };
	int one = 1, lfd, ep;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PORT\n", argv[0]);
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	char body[BODY_BYTES + 1];
	memset(body, ' ', BODY_BYTES);
	memcpy(body, "reference order", 15);
	body[BODY_BYTES - 1] = '\n';
	body[BODY_BYTES] = '\0';
	answer_len = (size_t)snprintf(answer, sizeof(answer),
				      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s",
				      BODY_BYTES, body);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 4096) < 0) {
		perror("ref_epoll: listen");
		return 1;
	}
	ep = epoll_create1(0);
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	socklen_t alen = sizeof(a);
	getsockname(lfd, (struct sockaddr *)&a, &alen); /* PORT 0: the one the kernel chose */
	printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd != lfd) {
				readable(ep, fd);
				continue;
			}
			int cfd;
			while ((cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				if (cfd >= MAX_FDS || !(clients[cfd] = calloc(1, sizeof(struct client)))) {
					close(cfd);
					continue;
				}
				setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
				ev.data.fd = cfd;
				epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev);
			}
		}
	}
}
