/* kitchen_client.c: blocking tickets to bin/kitchen (see kitchen_client.h).
 *
 * Pure blocking calls, each given a time limit by the socket itself: SO_SNDTIMEO bounds
 * connect() and send(), SO_RCVTIMEO bounds each recv(), both set to what is left of the
 * ticket's deadline. A kitchen that is down, slow or rude costs a cashier at most
 * cook_ms + --kitchen-timeout-ms, never forever.
 */
#include "kitchen_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "kitchen_proto.h"

struct kitchen_client {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	int fd;                          /* -1 while not connected */
	uint64_t next_id;                /* ticket ids on this connection */
	size_t in_len;                   /* bytes of an unfinished answer line in in[] */
	char in[KITCHEN_LINE_MAX * 4];
};

struct kitchen_client *kitchen_client_new(const struct sockaddr_storage *addr, socklen_t len)
{
	struct kitchen_client *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	memcpy(&k->addr, addr, sizeof(k->addr));
	k->addr_len = len;
	k->fd = -1;
	k->next_id = 1;
	return k;
}

static void kitchen_disconnect(struct kitchen_client *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->in_len = 0;
}

void kitchen_client_free(struct kitchen_client *k)
{
	if (!k)
		return;
	kitchen_disconnect(k);
	free(k);
}

/* Give the next blocking call on fd what is left until deadline_ns (at least 1 ms:
 * a zero timeval would mean "no limit"). -ETIMEDOUT when nothing is left. */
static int limit_calls(int fd, int optname, uint64_t deadline_ns)
{
	uint64_t now = clock_now_ns();
	if (deadline_ns && now >= deadline_ns)
		return -ETIMEDOUT;
	uint64_t left_us = deadline_ns ? (deadline_ns - now) / NS_PER_US : 0;
	if (deadline_ns && left_us < 1000)
		left_us = 1000;
	struct timeval tv = { .tv_sec = (time_t)(left_us / 1000000), .tv_usec = (suseconds_t)(left_us % 1000000) };
	if (setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

static int kitchen_connect(struct kitchen_client *k, uint64_t deadline_ns)
{
	int fd = socket(k->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -errno;
	err = limit_calls(fd, SO_SNDTIMEO, deadline_ns);
	if (err)
		goto out_close;
	if (connect(fd, (struct sockaddr *)&k->addr, k->addr_len) < 0) {
		/* a blocking connect that ran out of SO_SNDTIMEO says EINPROGRESS */
		err = errno == EINPROGRESS ? -ETIMEDOUT : -errno;
		goto out_close;
	}
	k->fd = fd;
	k->in_len = 0;
	return 0;

out_close:
	close(fd);
	return err;
}

static int send_ticket(struct kitchen_client *k, const char *line, size_t len, uint64_t deadline_ns)
{
	int err = limit_calls(k->fd, SO_SNDTIMEO, deadline_ns);

	while (err == 0 && len > 0) {
		ssize_t n = send(k->fd, line, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		line += n;
		len -= (size_t)n;
	}
	return err;
}

/* Read answer lines until the one for id: 0 (DONE), -EPROTO (ERR or garbage), -ETIMEDOUT,
 * -ECONNRESET (the kitchen hung up). Answers to other ids (none expected: one ticket at
 * a time) are skipped. */
static int await_answer(struct kitchen_client *k, uint64_t id, uint64_t deadline_ns)
{
	for (;;) {
		char *nl = memchr(k->in, '\n', k->in_len);
		if (nl) {
			size_t len = (size_t)(nl - k->in);
			uint64_t got;
			int r = kitchen_parse_answer(k->in, len, &got);
			memmove(k->in, nl + 1, k->in_len - len - 1);
			k->in_len -= len + 1;
			if (r < 0)
				return -EPROTO;
			if (got == id)
				return r == 1 ? 0 : -EPROTO;
			continue;
		}
		if (k->in_len >= KITCHEN_LINE_MAX)
			return -EPROTO; /* a line that long is not the protocol */
		int err = limit_calls(k->fd, SO_RCVTIMEO, deadline_ns);
		if (err)
			return err;
		ssize_t n = recv(k->fd, k->in + k->in_len, sizeof(k->in) - k->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -ECONNRESET;
		k->in_len += (size_t)n;
	}
}

int kitchen_client_cook(struct kitchen_client *k, uint32_t cook_ms, uint32_t timeout_ms)
{
	uint64_t deadline = clock_now_ns() + ((uint64_t)cook_ms + timeout_ms) * NS_PER_MS;
	char line[KITCHEN_LINE_MAX];
	uint64_t id = k->next_id++;
	size_t len = kitchen_format_ticket(line, sizeof(line), cook_ms, id);
	int err = 0;

	if (k->fd < 0)
		err = kitchen_connect(k, deadline);
	if (err == 0)
		err = send_ticket(k, line, len, deadline);
	if (err == 0)
		err = await_answer(k, id, deadline);
	if (err != 0)
		kitchen_disconnect(k);
	return err;
}
