/* ref_threads.c: the bench's reference of the thread model, as small as it can be.
 *
 * A blocking accept, a thread per connection, blocking reads and writes, and nothing
 * else: no scoreboard, no timeouts, no parsing beyond finding the end of a request head.
 * `make bench` holds bin/blocking (--threads 0, --hold-connection) against it, so that
 * "the thread model" in the race means the model and not our code's overheads. Its
 * answer has the same status line, headers and body length as bin/blocking's trivial
 * order, so both put the same bytes on the wire.
 *
 * usage: ref_threads PORT   (listens on 127.0.0.1; prints "listening on 127.0.0.1:PORT")
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY_BYTES 96 /* bin/blocking's body for a trivial order */

static char answer[256];
static size_t answer_len;

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	size_t have = 0;

	for (;;) {
		ssize_t n = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
		/* answer every whole head in the buffer (pipelining), keep the rest */
		char *start = buf, *end;
		while ((end = memmem(start, have - (size_t)(start - buf), "\r\n\r\n", 4))) {
			if (send(fd, answer, answer_len, MSG_NOSIGNAL) != (ssize_t)answer_len)
				goto out;
			start = end + 4;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == sizeof(buf))
			break; /* a head over 8 KiB: not an order */
	}
out:
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, lfd;
	pthread_attr_t attr;

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
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(lfd, 4096) < 0) {
		perror("ref_threads: listen");
		return 1;
	}
	socklen_t alen = sizeof(a);
	getsockname(lfd, (struct sockaddr *)&a, &alen); /* PORT 0: the one the kernel chose */
	printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(a.sin_port));
	fflush(stdout);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		pthread_t t;
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd) != 0)
			close(fd);
	}
}
