/* test_server_hostile.c: hostile clients and exhausted limits, against a real server.
 *
 * What a curious student points at a teaching server (issue 8), one test each: garbage
 * of every kind (answered 4xx or closed, while a regular customer is served at the same
 * time), a client that never reads its answers, clients that reset mid-order,
 * slowloris with and without --header-timeout-ms, --max-conns, running out of
 * descriptors, SIGTERM with orders in hand, and scoreboard names with path tricks.
 * Runs against both servers (tests/run.sh sets LUNCHRUSH_SERVER); the figures it
 * prints are the ones in docs/hostile.md. Margins hold on a loaded 2-core machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define IO_TIMEOUT_MS 5000
#define DRAIN_BOUND_MS 5000 /* both servers give the orders in hand 5 s after SIGTERM */

/* ---- the server under test ---- */

struct server {
	struct child child;
	struct scoreboard_server *sb;
	size_t size;
	char board[64];
};

/* The running test's server, for teardown when an assertion ends the test early. */
static struct server *live;

/* Start the model under test on port 0 with its own scoreboard, mapped into s->sb.
 * s must be static: teardown may reach it after the test function is gone. */
static void server_start(struct server *s, const char *const *extra)
{
	char *argv[32];
	int n = 0;
	void *map;

	memset(s, 0, sizeof(*s));
	snprintf(s->board, sizeof(s->board), "%s", test_scoreboard_name("t-hostile"));
	argv[n++] = (char *)test_bin(test_server_model());
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--quiet";
	argv[n++] = "--scoreboard";
	argv[n++] = s->board;
	for (; extra && *extra && n < 31; extra++)
		argv[n++] = (char *)*extra;
	argv[n] = NULL;
	assert_int_equal(child_start(&s->child, argv, true, 10000), 0);
	live = s;
	assert_int_equal(scoreboard_open(s->board, SCOREBOARD_SERVER, false, &map, &s->size), 0);
	s->sb = map;
}

/* SIGTERM; the wait status (-1 when it had to be killed). */
static int server_stop(struct server *s)
{
	if (s->sb)
		scoreboard_unmap(s->sb, s->size);
	s->sb = NULL;
	int status = child_stop(&s->child, SIGTERM, DRAIN_BOUND_MS + 3000);
	if (status != 0)
		scoreboard_remove(s->board);
	live = NULL;
	return status;
}

static int teardown(void **state)
{
	(void)state;
	if (live) {
		if (live->sb)
			scoreboard_unmap(live->sb, live->size);
		live->sb = NULL;
		if (live->child.pid > 0)
			child_stop(&live->child, SIGKILL, 2000);
		scoreboard_remove(live->board);
	}
	live = NULL;
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Wait until *gauge reads want, up to timeout_ms; the last value read. */
static int64_t wait_gauge(const int64_t *gauge, int64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	int64_t v;
	while ((v = SB_GET(*gauge)) != want && tc_now_ms() < deadline)
		sleep_ms(5);
	return v;
}

/* Wait until *counter reaches at least want, up to timeout_ms; the last value read. */
static uint64_t wait_counter(const uint64_t *counter, uint64_t want, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	uint64_t v;
	while ((v = SB_GET(*counter)) < want && tc_now_ms() < deadline)
		sleep_ms(5);
	return v;
}

/* Every order gauge back at zero and every accepted connection closed: nothing held. */
static void expect_all_freed(struct server *s, int64_t conns_left, int timeout_ms)
{
	struct scoreboard_server *sb = s->sb;
	assert_int_equal(wait_gauge(&sb->conns_open, conns_left, timeout_ms), conns_left);
	assert_int_equal(wait_gauge(&sb->at_counter, 0, timeout_ms), 0);
	assert_int_equal(wait_gauge(&sb->in_kitchen, 0, timeout_ms), 0);
	assert_int_equal(wait_gauge(&sb->handing_over, 0, timeout_ms), 0);
	assert_int_equal(wait_gauge(&sb->in_line, 0, timeout_ms), 0);
}

/* utime + stime of pid, in seconds, from /proc/PID/stat. */
static double cpu_seconds(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int open_fds(pid_t pid)
{
	char path[64];
	int n = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool is_blocking(void)
{
	return strcmp(test_server_model(), "blocking") == 0;
}

/* Close with a reset (SO_LINGER 0): the server sees ECONNRESET, not a FIN. */
static void reset_close(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static const char ORDER0[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n";
static const char ORDER0_CLOSE[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/* ---- a regular customer, served while the hostile ones do their worst ---- */

struct regular {
	pthread_t thread;
	uint16_t port;
	int stop;        /* atomic: set by regular_stop */
	unsigned served; /* atomic: the test watches it grow */
	unsigned failed; /* read after the join */
	double max_ms;
};

/* Keep-alive orders of 5 ms, one after the other, until told to stop. */
static void *regular_main(void *arg)
{
	struct regular *r = arg;
	struct tc_carry *carry = malloc(sizeof(*carry));
	struct tc_response *resp = malloc(sizeof(*resp));
	int fd = -1;

	while (carry && resp && !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		if (fd < 0) {
			tc_carry_init(carry);
			fd = tc_connect(r->port, IO_TIMEOUT_MS);
			if (fd < 0) {
				r->failed++;
				sleep_ms(50);
				continue;
			}
		}
		double t0 = tc_now_ms();
		int rc = tc_get(fd, carry, "/order?cook_ms=5", resp);
		double ms = tc_now_ms() - t0;
		if (rc != 0 || resp->status != 200) {
			r->failed++;
			close(fd);
			fd = -1;
			continue;
		}
		__atomic_add_fetch(&r->served, 1, __ATOMIC_RELAXED);
		if (ms > r->max_ms)
			r->max_ms = ms;
	}
	if (fd >= 0)
		close(fd);
	free(carry);
	free(resp);
	return NULL;
}

static unsigned regular_served(struct regular *r)
{
	return __atomic_load_n(&r->served, __ATOMIC_RELAXED);
}

/* Start, and return once the first order is served. */
static void regular_start(struct regular *r, uint16_t port)
{
	memset(r, 0, sizeof(*r));
	r->port = port;
	assert_int_equal(pthread_create(&r->thread, NULL, regular_main, r), 0);
	double deadline = tc_now_ms() + IO_TIMEOUT_MS;
	while (regular_served(r) == 0 && tc_now_ms() < deadline)
		sleep_ms(2);
}

/* Wait until the regular has served n more orders than it had at from. */
static void regular_wait(struct regular *r, unsigned from, unsigned n)
{
	double deadline = tc_now_ms() + IO_TIMEOUT_MS;
	while (regular_served(r) < from + n && tc_now_ms() < deadline)
		sleep_ms(2);
}

static void regular_stop(struct regular *r)
{
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->thread, NULL);
}

/* ---- garbage ---- */

struct outcome {
	int status;     /* of the first response; 0 when none came */
	bool closed;    /* the server closed (FIN or reset) within the time */
	double took_ms; /* until the close */
	char head[1024]; /* what came, cut */
};

/* Send raw on a fresh connection, half-close, and read until the server closes. */
static void send_hostile(uint16_t port, const void *raw, size_t len, struct outcome *o)
{
	char buf[4096];
	size_t n = 0;
	int fd = tc_connect(port, IO_TIMEOUT_MS);

	memset(o, 0, sizeof(*o));
	assert_true(fd >= 0);
	double t0 = tc_now_ms();
	(void)tc_send_all(fd, raw, len); /* the server may close before it has it all */
	shutdown(fd, SHUT_WR);
	for (;;) {
		int left = (int)(t0 + 3000 - tc_now_ms());
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t r = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);
		if (r <= 0) {
			o->closed = r == 0 || errno == ECONNRESET;
			break;
		}
		n += (size_t)r;
		if (n == sizeof(buf) - 1)
			n = sizeof(buf) / 2; /* keep the first half: the first response is in it */
	}
	o->took_ms = tc_now_ms() - t0;
	buf[n] = '\0';
	size_t keep = n < sizeof(o->head) - 1 ? n : sizeof(o->head) - 1;
	memcpy(o->head, buf, keep);
	o->head[keep] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &o->status) != 1)
		o->status = 0;
	close(fd);
}

/* The server answers status (0: any 4xx or a silent close) and closes. */
static void expect_refused(uint16_t port, const char *name, const void *raw, size_t len, int status)
{
	struct outcome o;
	send_hostile(port, raw, len, &o);
	char *eol = strstr(o.head, "\r\n");
	if (eol)
		*eol = '\0';
	print_message("%-26s -> %s, %s after %.0f ms\n", name, o.status ? o.head : "no answer",
		      o.closed ? "closed" : "NOT CLOSED", o.took_ms);
	assert_true(o.closed);
	if (status)
		assert_int_equal(o.status, status);
	else
		assert_true(o.status == 0 || (o.status >= 400 && o.status <= 499));
}

/* xorshift64: the same garbage on every run and every libc. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A head that never ends: header lines sent until the server answers. 431 once the
 * head passes 8 KiB, well before a megabyte. */
static void expect_endless_head_cut(uint16_t port)
{
	static const char start[] = "GET / HTTP/1.1\r\nHost: x\r\n";
	static const char line[] = "X-Filler: aaaaaaaaaaaaaaaaaa\r\n";
	struct tc_carry carry;
	struct tc_response r;
	size_t sent = 0;
	int fd = tc_connect(port, IO_TIMEOUT_MS);

	assert_true(fd >= 0);
	assert_int_equal(tc_send_all(fd, start, strlen(start)), 0);
	double t0 = tc_now_ms();
	bool answered = false;
	while (!answered && sent < (4u << 20) && tc_now_ms() - t0 < 5000) {
		if (tc_send_all(fd, line, strlen(line)) != 0)
			break; /* closed on us: the answer is waiting */
		sent += strlen(line);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		answered = poll(&p, 1, 0) > 0;
	}
	tc_carry_init(&carry);
	assert_int_equal(tc_read_response(fd, &carry, false, &r), 0);
	print_message("%-26s -> %d after %zu bytes of head, in %.0f ms\n", "endless head", r.status, sent,
		      tc_now_ms() - t0);
	assert_int_equal(r.status, 431);
	assert_true(sent < (1u << 20));
	close(fd);
}

static void test_garbage_is_refused_while_a_regular_is_served(void **state)
{
	static struct server s;
	static char big[40000];
	struct regular reg;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", NULL };
	server_start(&s, extra);
	regular_start(&reg, s.child.port);
	unsigned served0 = regular_served(&reg);
	uint64_t errors0 = SB_GET(s.sb->errors[SERR_BAD_REQUEST]) + SB_GET(s.sb->errors[SERR_TOO_LARGE]);

	/* random bytes, seeded */
	uint64_t seed = 0x5EED8ULL;
	int silent = 0;
	for (int i = 0; i < 24; i++) {
		size_t len = 1 + next_random(&seed) % 4096;
		for (size_t k = 0; k < len; k++)
			big[k] = (char)next_random(&seed);
		struct outcome o;
		send_hostile(s.child.port, big, len, &o);
		if (!o.closed || (o.status != 0 && (o.status < 400 || o.status > 499)))
			print_error("random blob %d (%zu bytes): status %d, closed %d\n", i, len, o.status, o.closed);
		assert_true(o.closed);
		assert_true(o.status == 0 || (o.status >= 400 && o.status <= 499));
		silent += o.status == 0;
	}
	print_message("%-26s -> 24 blobs: %d answered 4xx, %d closed silently\n", "random bytes", 24 - silent, silent);

	for (int k = 0; k < 1024; k++)
		big[k] = (char)(k & 0xff);
	expect_refused(s.child.port, "every byte value", big, 1024, 400);
	static const char nul_url[] = "GET /\0order HTTP/1.1\r\nHost: x\r\n\r\n";
	expect_refused(s.child.port, "NUL in the target", nul_url, sizeof(nul_url) - 1, 400);
	static const char nul_hdr[] = "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n";
	expect_refused(s.child.port, "NUL in a header", nul_hdr, sizeof(nul_hdr) - 1, 400);
	static const char nul_first[] = "\0\0\0\0GET / HTTP/1.1\r\n\r\n";
	expect_refused(s.child.port, "NULs before the request", nul_first, sizeof(nul_first) - 1, 400);
	static const char tls[] = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03";
	expect_refused(s.child.port, "TLS ClientHello", tls, sizeof(tls) - 1, 400);
	static const char h2[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
	expect_refused(s.child.port, "HTTP/2 preface", h2, sizeof(h2) - 1, 400);
	static const char cl[] = "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n";
	expect_refused(s.child.port, "Content-Length 10^20", cl, sizeof(cl) - 1, 400);
	static const char chunked[] = "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n";
	expect_refused(s.child.port, "chunked body of 2^64", chunked, sizeof(chunked) - 1, 0);
	static const char param[] = "GET /order?cook_ms=99999999999999999999999 HTTP/1.1\r\n\r\n";
	expect_refused(s.child.port, "cook_ms of 23 digits", param, sizeof(param) - 1, 400);

	size_t n = (size_t)sprintf(big, "GET / HTTP/1.1\r\nX-Big: ");
	memset(big + n, 'a', 32768);
	memcpy(big + n + 32768, "\r\n\r\n", 4);
	expect_refused(s.child.port, "one header line of 32 KiB", big, n + 32772, 431);
	n = (size_t)sprintf(big, "GET /");
	memset(big + n, 'a', 32768);
	n += 32768;
	n += (size_t)sprintf(big + n, " HTTP/1.1\r\n\r\n");
	expect_refused(s.child.port, "a target of 32 KiB", big, n, 414);
	n = (size_t)sprintf(big, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 3000; i++)
		n += (size_t)sprintf(big + n, "X: y\r\n");
	n += (size_t)sprintf(big + n, "\r\n");
	expect_refused(s.child.port, "3000 header lines", big, n, 431);
	for (n = 0; n < 10000; n += 2)
		memcpy(big + n, "\r\n", 2);
	expect_refused(s.child.port, "10,000 bytes of CRLF", big, n, 431);
	expect_endless_head_cut(s.child.port);

	/* a good order with garbage behind it: the order is served, the garbage refused */
	static const char mixed[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n\x01\x02garbage\r\n\r\n";
	struct outcome o;
	send_hostile(s.child.port, mixed, sizeof(mixed) - 1, &o);
	print_message("%-26s -> %d, then %s\n", "an order, then garbage", o.status,
		      strstr(o.head, "HTTP/1.1 400") ? "400" : "no 400");
	assert_int_equal(o.status, 200);
	assert_non_null(strstr(o.head, "HTTP/1.1 400"));
	assert_true(o.closed);

	unsigned during = regular_served(&reg) - served0;
	regular_wait(&reg, served0 + during, 2); /* and still served after */
	regular_stop(&reg);
	uint64_t errors = SB_GET(s.sb->errors[SERR_BAD_REQUEST]) + SB_GET(s.sb->errors[SERR_TOO_LARGE]) - errors0;
	print_message("meanwhile a regular customer: %u orders served during the garbage, %u in all, %u failed, "
		      "slowest %.0f ms; %llu 4xx counted\n", during, reg.served, reg.failed, reg.max_ms,
		      (unsigned long long)errors);
	assert_int_equal(reg.failed, 0);
	assert_true(during >= 1);
	assert_true(reg.served >= served0 + during + 2);
	assert_true(reg.max_ms < 2000);
	assert_true(errors >= 14);
	expect_all_freed(&s, 0, 3000);
	assert_int_equal(server_stop(&s), 0);
}

/* ---- a client that never reads ---- */

/* Pipelined orders on a socket with a tiny receive window, never read: the server's
 * answers pile up until its writes cannot finish, and --send-timeout-ms closes it. */
static void test_client_that_never_reads_is_closed(void **state)
{
	static struct server s;
	struct tc_response r;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", "--send-timeout-ms", "1000", NULL };
	server_start(&s, extra);

	/* the window is set before connect: shrinking it later makes the kernel drop
	 * segments, which is another story */
	int small = 2048;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(s.child.port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	size_t sent = 0;
	double t0 = tc_now_ms();
	while (tc_now_ms() - t0 < 5000) { /* pipeline until the server stops reading us */
		ssize_t w = send(fd, ORDER0, sizeof(ORDER0) - 1, MSG_NOSIGNAL);
		if (w > 0) {
			sent += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN)
			break;
		if (SB_GET(s.sb->handing_over) > 0)
			break;
		sleep_ms(5);
	}
	/* it still answers what it had read; it is stuck once `served` stops moving with an
	 * answer in hand: then the clock of --send-timeout-ms runs */
	uint64_t last = SB_GET(s.sb->served);
	double changed = tc_now_ms(), stuck_at = 0, deadline = changed + 10000;
	while (stuck_at == 0 && SB_GET(s.sb->errors[SERR_TIMEOUT]) == 0 && tc_now_ms() < deadline) {
		sleep_ms(5);
		uint64_t v = SB_GET(s.sb->served);
		if (v != last) {
			last = v;
			changed = tc_now_ms();
		} else if (SB_GET(s.sb->handing_over) > 0 && tc_now_ms() - changed >= 100) {
			stuck_at = changed;
		}
	}
	assert_true(stuck_at > 0);

	/* others are served meanwhile */
	double t1 = tc_now_ms();
	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	double other_ms = tc_now_ms() - t1;

	uint64_t timeouts = wait_counter(&s.sb->errors[SERR_TIMEOUT], 1, 5000);
	double took = tc_now_ms() - stuck_at;
	expect_all_freed(&s, 0, 3000);
	/* and our end is dead: what the server wrote, then a close or a reset */
	bool dead = false;
	char buf[4096];
	deadline = tc_now_ms() + 3000;
	while (!dead && tc_now_ms() < deadline) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			dead = true;
		else if (n < 0)
			sleep_ms(5);
	}
	print_message("sent %zu bytes of orders, read none: closed %.0f ms after the server got stuck "
		      "(--send-timeout-ms 1000); %llu orders served; another customer served in %.0f ms meanwhile\n",
		      sent, took, (unsigned long long)SB_GET(s.sb->served), other_ms);
	assert_int_equal(timeouts, 1);
	assert_true(took >= 500);  /* a libev deadline counts from the loop's last wake-up */
	assert_true(took < 1000 + 1500);
	assert_true(dead);
	close(fd);
	assert_int_equal(server_stop(&s), 0);
}

/* ---- resets ---- */

/* Customers who reset (SO_LINGER 0) at every stage of an order: before a byte,
 * mid-head, in the kitchen, with a hundred answers coming. Nothing stays held. */
static void test_resets_mid_order_free_everything(void **state)
{
	static struct server s;
	struct tc_response r;
	int kitchen[4];
	(void)state;
	/* the blocking server needs a cashier for each order held at once */
	const char *blocking[] = { "--cook-ms", "0", "--threads", "8", NULL };
	const char *evented[] = { "--cook-ms", "0", NULL };
	server_start(&s, is_blocking() ? blocking : evented);
	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200); /* every thread is up and counted */
	int64_t threads = SB_GET(s.sb->threads_alive);
	uint64_t served0 = SB_GET(s.sb->served), accepted0 = SB_GET(s.sb->accepted);

	int silent = tc_connect(s.child.port, IO_TIMEOUT_MS);
	assert_true(silent >= 0);
	int half = tc_connect(s.child.port, IO_TIMEOUT_MS);
	assert_true(half >= 0);
	static const char part[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHos";
	assert_int_equal(tc_send_all(half, part, sizeof(part) - 1), 0);
	for (int i = 0; i < 4; i++) {
		kitchen[i] = tc_connect(s.child.port, IO_TIMEOUT_MS);
		assert_true(kitchen[i] >= 0);
		static const char slow[] = "GET /order?cook_ms=400 HTTP/1.1\r\nHost: x\r\n\r\n";
		assert_int_equal(tc_send_all(kitchen[i], slow, sizeof(slow) - 1), 0);
	}
	assert_int_equal(wait_gauge(&s.sb->in_kitchen, 4, 3000), 4);
	int piped = tc_connect(s.child.port, IO_TIMEOUT_MS);
	assert_true(piped >= 0);
	static char many[100 * (sizeof(ORDER0) - 1)];
	for (int i = 0; i < 100; i++)
		memcpy(many + i * (sizeof(ORDER0) - 1), ORDER0, sizeof(ORDER0) - 1);
	assert_int_equal(tc_send_all(piped, many, sizeof(many)), 0);
	wait_counter(&s.sb->served, served0 + 1, 2000); /* the answers have begun */
	uint64_t accepted = wait_counter(&s.sb->accepted, accepted0 + 7, 2000);
	assert_int_equal(accepted, accepted0 + 7);
	double t0 = tc_now_ms();
	reset_close(silent);
	reset_close(half);
	for (int i = 0; i < 4; i++)
		reset_close(kitchen[i]);
	reset_close(piped);
	expect_all_freed(&s, 0, 3000);
	double freed_ms = tc_now_ms() - t0;
	assert_int_equal(wait_counter(&s.sb->closed, accepted, 2000), accepted);
	print_message("7 resets (before a byte, mid-head, 4 in the kitchen, 1 with 100 pipelined orders): "
		      "all freed in %.0f ms; accepted %llu, closed %llu, io errors %llu, threads %lld -> %lld\n",
		      freed_ms, (unsigned long long)accepted, (unsigned long long)SB_GET(s.sb->closed),
		      (unsigned long long)SB_GET(s.sb->errors[SERR_IO]), (long long)threads,
		      (long long)SB_GET(s.sb->threads_alive));
	assert_int_equal(SB_GET(s.sb->threads_alive), threads);

	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(server_stop(&s), 0);
}

/* ---- slowloris ---- */

struct slow_result {
	size_t bytes;     /* of the head sent before the server closed or answered */
	double closed_ms; /* when the server closed; 0 if it did not */
	int status;       /* of an answer, 0 if none */
};

/* Send head one byte every gap_ms, watching for a close or an answer. */
static void slowloris(uint16_t port, const char *head, int gap_ms, struct slow_result *res)
{
	struct tc_carry carry;
	struct tc_response r;
	int fd = tc_connect(port, IO_TIMEOUT_MS);
	size_t len = strlen(head);

	memset(res, 0, sizeof(*res));
	assert_true(fd >= 0);
	double t0 = tc_now_ms();
	while (res->bytes < len) {
		if (send(fd, head + res->bytes, 1, MSG_NOSIGNAL) != 1)
			break;
		res->bytes++;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, gap_ms) > 0)
			break;
	}
	tc_carry_init(&carry);
	if (res->bytes == len && tc_read_response(fd, &carry, false, &r) == 0) {
		res->status = r.status;
	} else if (tc_wait_closed(fd, 3000)) {
		res->closed_ms = tc_now_ms() - t0;
	}
	close(fd);
}

static void test_slowloris_is_cut_by_the_header_timeout(void **state)
{
	static struct server s;
	struct slow_result res;
	struct tc_response r;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", "--header-timeout-ms", "500", NULL };
	server_start(&s, extra);
	uint64_t t0 = SB_GET(s.sb->errors[SERR_TIMEOUT]);
	struct regular reg;
	regular_start(&reg, s.child.port);
	slowloris(s.child.port, "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\n\r\n", 100, &res);
	regular_stop(&reg);
	uint64_t timeouts = SB_GET(s.sb->errors[SERR_TIMEOUT]) - t0;
	print_message("slowloris, a byte every 100 ms, --header-timeout-ms 500: cut after %zu bytes, %.0f ms; "
		      "%llu timeout counted; meanwhile a regular served %u orders, slowest %.0f ms\n", res.bytes,
		      res.closed_ms, (unsigned long long)timeouts, reg.served, reg.max_ms);
	assert_int_equal(res.status, 0);
	assert_true(res.closed_ms >= 400);
	assert_true(res.closed_ms <= 2 * 500 + 1500);
	assert_int_equal(timeouts, 1);
	assert_int_equal(reg.failed, 0);
	assert_true(reg.served >= 5);
	expect_all_freed(&s, 0, 2000);
	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(server_stop(&s), 0);
}

/* --header-timeout-ms 0 turns the guard off (lesson 6 needs that): a slow head that
 * takes 1.8 s is served, even with --idle-ms 1000, since a customer still talking is
 * not idle. */
static void test_slowloris_passes_with_the_timeout_off(void **state)
{
	static struct server s;
	struct slow_result res;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", "--header-timeout-ms", "0", "--idle-ms", "1000", NULL };
	server_start(&s, extra);
	double t0 = tc_now_ms();
	slowloris(s.child.port, "GET / HTTP/1.1\r\n\r\n", 100, &res);
	print_message("slowloris, --header-timeout-ms 0 --idle-ms 1000: %zu of 18 bytes in %.0f ms, answer %d%s\n",
		      res.bytes, tc_now_ms() - t0, res.status, res.closed_ms > 0 ? " (cut off)" : "");
	assert_int_equal(res.status, 200);
	assert_int_equal(SB_GET(s.sb->errors[SERR_TIMEOUT]), 0);
	assert_int_equal(server_stop(&s), 0);
}

/* ---- limits ---- */

/* --max-conns 3: three regulars are in; every newcomer gets a 503 at once and a close,
 * never silence; once a regular leaves, a newcomer is served. */
static void test_max_conns_answers_503_then_closes(void **state)
{
	static struct server s;
	struct tc_carry carry;
	struct tc_response r;
	int in[3];
	(void)state;
	const char *extra[] = { "--cook-ms", "0", "--max-conns", "3", NULL };
	server_start(&s, extra);
	for (int i = 0; i < 3; i++) {
		in[i] = tc_connect(s.child.port, IO_TIMEOUT_MS);
		assert_true(in[i] >= 0);
		tc_carry_init(&carry);
		assert_int_equal(tc_get(in[i], &carry, "/order?cook_ms=0", &r), 0);
		assert_int_equal(r.status, 200);
	}
	double slowest = 0;
	for (int i = 0; i < 8; i++) {
		double t0 = tc_now_ms();
		assert_int_equal(tc_request(s.child.port, ORDER0, false, &r, IO_TIMEOUT_MS), 0);
		double ms = tc_now_ms() - t0;
		slowest = ms > slowest ? ms : slowest;
		assert_int_equal(r.status, 503);
		assert_true(r.closed);
		assert_non_null(strstr(r.body, "max-conns"));
	}
	print_message("--max-conns 3: 8 newcomers each got 503 + close, slowest in %.0f ms; %llu counted\n", slowest,
		      (unsigned long long)SB_GET(s.sb->errors[SERR_UNAVAILABLE]));
	assert_true(slowest < 2000);
	assert_int_equal(SB_GET(s.sb->errors[SERR_UNAVAILABLE]), 8);
	for (int i = 0; i < 3; i++) { /* the three inside are still served */
		tc_carry_init(&carry);
		assert_int_equal(tc_get(in[i], &carry, "/order?cook_ms=0", &r), 0);
		assert_int_equal(r.status, 200);
	}
	close(in[0]);
	double deadline = tc_now_ms() + 3000;
	do {
		assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
		if (r.status == 200)
			break;
		sleep_ms(20);
	} while (tc_now_ms() < deadline);
	assert_int_equal(r.status, 200);
	close(in[1]);
	close(in[2]);
	assert_int_equal(server_stop(&s), 0);
}

#define EMFILE_CLIENTS 40

/* The server's descriptor limit lowered from outside (prlimit) to what it holds plus
 * 8: the other customers wait in the accept queue, the server does not spin on accept
 * (CPU over one second), and once the first ones leave the others are all served,
 * without raising the limit again. */
static void test_out_of_descriptors_no_busy_loop_and_recovery(void **state)
{
	static struct server s;
	static int fds[EMFILE_CLIENTS];
	struct tc_carry carry;
	struct tc_response r;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", NULL };
	server_start(&s, extra);
	/* count once the server is fully up: the heartbeat beats (bin/evented opens its
	 * signal pipe after the listening line; see docs/hostile.md) */
	uint64_t beat = SB_GET(s.sb->hdr.heartbeat_ns);
	double until = tc_now_ms() + 3000;
	while (SB_GET(s.sb->hdr.heartbeat_ns) == beat && tc_now_ms() < until)
		sleep_ms(5);
	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	uint64_t accepted0 = SB_GET(s.sb->accepted);
	assert_int_equal(wait_counter(&s.sb->closed, accepted0, 3000), accepted0);
	int held = open_fds(s.child.pid);
	assert_true(held > 0);
	struct rlimit old, low;
	assert_int_equal(prlimit(s.child.pid, RLIMIT_NOFILE, NULL, &old), 0);
	low.rlim_cur = (rlim_t)held + 8;
	low.rlim_max = old.rlim_max;
	assert_int_equal(prlimit(s.child.pid, RLIMIT_NOFILE, &low, NULL), 0);

	for (int i = 0; i < EMFILE_CLIENTS; i++) {
		fds[i] = tc_connect(s.child.port, IO_TIMEOUT_MS); /* the kernel completes them all */
		assert_true(fds[i] >= 0);
	}
	assert_true(wait_counter(&s.sb->errors[SERR_ACCEPT], 1, 3000) >= 1);
	sleep_ms(200);
	uint64_t accepted = SB_GET(s.sb->accepted) - accepted0, err0 = SB_GET(s.sb->errors[SERR_ACCEPT]);
	double cpu0 = cpu_seconds(s.child.pid), w0 = tc_now_ms();
	sleep_ms(1000);
	double cpu = cpu_seconds(s.child.pid) - cpu0, wall = (tc_now_ms() - w0) / 1e3;
	uint64_t errs = SB_GET(s.sb->errors[SERR_ACCEPT]) - err0;
	print_message("limit %llu descriptors (%d held), %d clients: %llu accepted; then in %.2f s %llu accept "
		      "errors and %.3f s of server CPU\n", (unsigned long long)low.rlim_cur, held, EMFILE_CLIENTS,
		      (unsigned long long)accepted, wall, (unsigned long long)errs, cpu);
	assert_true(accepted >= 1 && accepted < EMFILE_CLIENTS);
	assert_int_equal(SB_GET(s.sb->accepted) - accepted0, accepted); /* nobody got in meanwhile */
	assert_true(errs <= 100);      /* it retries a few times a second... */
	assert_true(cpu < 0.3 * wall); /* ...it does not spin */

	/* the first ones leave; the others order (and leave) and are all served */
	double t0 = tc_now_ms();
	for (uint64_t i = 0; i < accepted; i++)
		close(fds[i]);
	for (int i = (int)accepted; i < EMFILE_CLIENTS; i++)
		assert_int_equal(tc_send_all(fds[i], ORDER0_CLOSE, sizeof(ORDER0_CLOSE) - 1), 0);
	for (int i = (int)accepted; i < EMFILE_CLIENTS; i++) {
		tc_carry_init(&carry);
		int rc = tc_read_response(fds[i], &carry, false, &r);
		if (rc != 0)
			print_error("client %d: no answer (%s)\n", i, strerror(errno));
		assert_int_equal(rc, 0);
		assert_int_equal(r.status, 200);
		close(fds[i]);
	}
	print_message("the %llu who waited were served in %.0f ms, under the same limit\n",
		      (unsigned long long)(EMFILE_CLIENTS - accepted), tc_now_ms() - t0);
	expect_all_freed(&s, 0, 3000);
	assert_int_equal(server_stop(&s), 0);
}

/* --threads 0 with the address space capped just above what the server maps: each new
 * connection's thread needs a stack, and once the system refuses one the customer is
 * told 503 (counted as a thread error) instead of the server crashing; when the
 * threads are gone, newcomers are served again. bin/blocking only. */
static void test_threads_refused_get_503(void **state)
{
	static struct server s;
	static int fds[16];
	struct tc_carry carry;
	struct tc_response r;
	(void)state;
	if (!is_blocking()) {
		print_message("--threads 0 is bin/blocking's: skipped\n");
		skip();
	}
	if (getenv("SAN") && *getenv("SAN")) {
		print_message("under sanitizers the shadow memory would not fit the cap: skipped\n");
		skip();
	}
	const char *extra[] = { "--cook-ms", "0", "--threads", "0", NULL };
	server_start(&s, extra);
	char path[64], line[256];
	long vm_kb = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)s.child.pid);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %ld kB", &vm_kb) == 1)
			break;
	fclose(f);
	assert_true(vm_kb > 0);
	struct rlimit cap = { (rlim_t)(vm_kb + 4096) * 1024, RLIM_INFINITY }, old;
	assert_int_equal(prlimit(s.child.pid, RLIMIT_AS, &cap, &old), 0);

	static const char slow[] = "GET /order?cook_ms=600 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	for (int i = 0; i < 16; i++) {
		fds[i] = tc_connect(s.child.port, IO_TIMEOUT_MS);
		assert_true(fds[i] >= 0);
		assert_int_equal(tc_send_all(fds[i], slow, sizeof(slow) - 1), 0);
	}
	int ok = 0, refused = 0;
	for (int i = 0; i < 16; i++) {
		tc_carry_init(&carry);
		assert_int_equal(tc_read_response(fds[i], &carry, false, &r), 0);
		assert_true(r.status == 200 || r.status == 503);
		ok += r.status == 200;
		refused += r.status == 503;
		close(fds[i]);
	}
	print_message("--threads 0, address space capped at VmSize + 4 MiB: of 16 customers at once %d served, %d "
		      "told 503; %llu thread errors counted\n", ok, refused,
		      (unsigned long long)SB_GET(s.sb->errors[SERR_THREAD]));
	assert_true(ok >= 1);
	assert_true(refused >= 1);
	assert_int_equal(SB_GET(s.sb->errors[SERR_THREAD]), refused);
	assert_int_equal(wait_gauge(&s.sb->threads_alive, 0, 3000), 0);
	assert_int_equal(tc_request(s.child.port, ORDER0_CLOSE, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(server_stop(&s), 0);
}

/* ---- shutdown ---- */

/* Wait up to timeout_ms for s to exit by itself (no further signal), then kill it.
 * The wait status, or -1 when it had to be killed. */
static int server_wait_exit(struct server *s, int timeout_ms)
{
	int status = -1;
	double deadline = tc_now_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(s->child.pid, &status, WNOHANG);
		if (r == s->child.pid)
			break;
		if (r < 0 || tc_now_ms() > deadline) {
			status = -1;
			break;
		}
		sleep_ms(5);
	}
	if (status == -1) {
		kill(s->child.pid, SIGKILL);
		waitpid(s->child.pid, NULL, 0);
	}
	s->child.pid = 0;
	close(s->child.out_fd);
	s->child.out_fd = -1;
	live = NULL;
	if (s->sb)
		scoreboard_unmap(s->sb, s->size);
	s->sb = NULL;
	return status;
}

static const char *exit_text(int status)
{
	static char buf[64];
	if (status == -1)
		return "still running (killed)";
	if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
	return buf;
}

/* SIGTERM with three orders in the kitchen and one that would take a minute: the
 * three are answered (Connection: close), the long one is cut at the drain bound,
 * the server exits 0 within it and its scoreboard is gone. */
static void test_sigterm_drains_orders_in_hand(void **state)
{
	static struct server s;
	struct tc_carry carry;
	struct tc_response r;
	int fds[4];
	void *map;
	size_t size;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", NULL };
	server_start(&s, extra);
	for (int i = 0; i < 4; i++) {
		char req[128];
		snprintf(req, sizeof(req), "GET /order?cook_ms=%d HTTP/1.1\r\nHost: x\r\n\r\n", i < 3 ? 700 : 60000);
		fds[i] = tc_connect(s.child.port, DRAIN_BOUND_MS + 3000);
		assert_true(fds[i] >= 0);
		assert_int_equal(tc_send_all(fds[i], req, strlen(req)), 0);
	}
	assert_int_equal(wait_gauge(&s.sb->in_kitchen, 4, 3000), 4);
	scoreboard_unmap(s.sb, s.size);
	s.sb = NULL;

	double t0 = tc_now_ms();
	kill(s.child.pid, SIGTERM);
	double served_ms = 0;
	for (int i = 0; i < 3; i++) {
		tc_carry_init(&carry);
		assert_int_equal(tc_read_response(fds[i], &carry, false, &r), 0);
		assert_int_equal(r.status, 200);
		assert_string_equal(r.connection, "close");
		served_ms = tc_now_ms() - t0;
		close(fds[i]);
	}
	/* the door is closed during the drain: a newcomer is refused at once, not left
	 * waiting in the accept queue until the exit */
	double n0 = tc_now_ms();
	int late = tc_connect(s.child.port, 2000);
	bool refused = late < 0;
	if (!refused) {
		refused = tc_send_all(late, ORDER0, sizeof(ORDER0) - 1) != 0 || tc_wait_closed(late, 1000);
		close(late);
	}
	double late_ms = tc_now_ms() - n0;
	tc_carry_init(&carry);
	int rc = tc_read_response(fds[3], &carry, false, &r);
	double long_ms = tc_now_ms() - t0;
	close(fds[3]);
	int status = server_wait_exit(&s, DRAIN_BOUND_MS + 3000);
	double exit_ms = tc_now_ms() - t0;
	print_message("SIGTERM: 3 orders in hand answered by %.0f ms; a newcomer %s in %.0f ms; the 60 s one %s at "
		      "%.0f ms; %s at %.0f ms (bound %d ms)\n", served_ms, refused ? "refused" : "NOT REFUSED", late_ms,
		      rc == 0 ? "answered" : "cut", long_ms, exit_text(status), exit_ms, DRAIN_BOUND_MS);
	assert_true(refused);
	assert_true(late_ms < 1500);
	assert_true(rc != 0 || r.status != 200); /* a minute's order is not waited for */
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(exit_ms < DRAIN_BOUND_MS + 2500);
	assert_int_equal(scoreboard_open(s.board, SCOREBOARD_SERVER, false, &map, &size), -ENOENT);
}

/* Ctrl-C pressed twice: a second signal during the drain may hurry the exit, but the
 * process still ends by itself, within the bound, and removes its scoreboard (a
 * server killed by the signal would leave its segment in /dev/shm). */
static void test_second_signal_during_the_drain(void **state)
{
	static struct server s;
	void *map;
	size_t size;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", NULL };
	server_start(&s, extra);
	static const char req[] = "GET /order?cook_ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n";
	int fd = tc_connect(s.child.port, DRAIN_BOUND_MS + 3000);
	assert_true(fd >= 0);
	assert_int_equal(tc_send_all(fd, req, sizeof(req) - 1), 0);
	assert_int_equal(wait_gauge(&s.sb->in_kitchen, 1, 3000), 1);
	double t0 = tc_now_ms();
	kill(s.child.pid, SIGINT);
	sleep_ms(300);
	kill(s.child.pid, SIGINT);
	int status = server_wait_exit(&s, DRAIN_BOUND_MS + 3000);
	double exit_ms = tc_now_ms() - t0;
	int left = scoreboard_open(s.board, SCOREBOARD_SERVER, false, &map, &size);
	if (left == 0)
		scoreboard_unmap(map, size);
	print_message("SIGINT, then SIGINT again 300 ms later, an order of 1.5 s in hand: %s at %.0f ms; "
		      "scoreboard %s\n", exit_text(status), exit_ms, left == -ENOENT ? "removed" : "LEFT BEHIND");
	close(fd);
	scoreboard_remove(s.board);
	assert_true(status != -1 && WIFEXITED(status));
	assert_true(exit_ms < DRAIN_BOUND_MS + 2500);
	assert_int_equal(left, -ENOENT);
}

/* ---- the scoreboard's name and permissions ---- */

static void expect_name_refused(const char *name)
{
	static char out[4096], err[8192];
	char *argv[] = { (char *)test_bin(test_server_model()), "--port", "0", "--scoreboard", (char *)name, NULL };
	int status = child_run_capture(argv, out, sizeof(out), err, sizeof(err), 5000);
	char *nl = strchr(err, '\n');
	if (nl)
		*nl = '\0';
	print_message("--scoreboard '%s': exit %d: %s\n", name, WIFEXITED(status) ? WEXITSTATUS(status) : -1, err);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, "--scoreboard"));
	assert_null(strstr(out, "listening on"));
}

static void test_scoreboard_name_and_mode(void **state)
{
	static struct server s;
	struct stat st;
	(void)state;
	static const char *tricks[] = { "../x", "a/b", ".hidden", "/etc/passwd", "..", "", "a b", "x\ny",
					"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */ };
	for (size_t i = 0; i < sizeof(tricks) / sizeof(tricks[0]); i++)
		expect_name_refused(tricks[i]);
	if (access("/dev/shm", W_OK) != 0) {
		print_message("/dev/shm is not there: the segment's mode is not checked\n");
		return;
	}

	/* owner-only, whatever the umask */
	mode_t old_mask = umask(0);
	server_start(&s, NULL);
	umask(old_mask);
	char path[128];
	snprintf(path, sizeof(path), "/dev/shm/lunchrush.%s", s.board);
	assert_int_equal(stat(path, &st), 0);
	print_message("%s: mode %03o, owner %d (started under umask 000)\n", path, (unsigned)(st.st_mode & 0777),
		      (int)st.st_uid);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_uid, getuid());

	/* a second server cannot take a live scoreboard's name */
	static char out[4096], err[4096];
	char *argv[] = { (char *)test_bin(test_server_model()), "--port", "0", "--scoreboard", s.board, NULL };
	int status = child_run_capture(argv, out, sizeof(out), err, sizeof(err), 10000);
	print_message("a second server on the same name: exit %d: %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		      err);
	assert_true(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) != 0);
	assert_int_equal(SB_GET(s.sb->hdr.pid), s.child.pid);
	assert_int_equal(server_stop(&s), 0);

	/* a symlink planted at a name is not followed: the file it points to is untouched */
	char victim[] = "/tmp/test_hostile_victim.XXXXXX";
	int vfd = mkstemp(victim);
	assert_true(vfd >= 0);
	assert_int_equal(write(vfd, "victim\n", 7), 7);
	close(vfd);
	const char *name = test_scoreboard_name("t-hostile-link");
	snprintf(path, sizeof(path), "/dev/shm/lunchrush.%s", name);
	assert_int_equal(symlink(victim, path), 0);
	char *argv2[] = { (char *)test_bin(test_server_model()), "--port", "0", "--quiet", "--scoreboard", (char *)name,
			  NULL };
	static struct server s2;
	memset(&s2, 0, sizeof(s2));
	snprintf(s2.board, sizeof(s2.board), "%s", name);
	live = &s2;
	int rc = child_start(&s2.child, argv2, true, 10000);
	if (rc == 0)
		child_stop(&s2.child, SIGTERM, 8000);
	live = NULL;
	unlink(path); /* the link, if the server left it */
	assert_int_equal(stat(victim, &st), 0);
	print_message("symlink %s -> %s: server %s; victim file still %lld bytes\n", path, victim,
		      rc == 0 ? "started" : "refused", (long long)st.st_size);
	assert_int_equal(st.st_size, 7);
	unlink(victim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_garbage_is_refused_while_a_regular_is_served, teardown),
		cmocka_unit_test_teardown(test_client_that_never_reads_is_closed, teardown),
		cmocka_unit_test_teardown(test_resets_mid_order_free_everything, teardown),
		cmocka_unit_test_teardown(test_slowloris_is_cut_by_the_header_timeout, teardown),
		cmocka_unit_test_teardown(test_slowloris_passes_with_the_timeout_off, teardown),
		cmocka_unit_test_teardown(test_max_conns_answers_503_then_closes, teardown),
		cmocka_unit_test_teardown(test_out_of_descriptors_no_busy_loop_and_recovery, teardown),
		cmocka_unit_test_teardown(test_threads_refused_get_503, teardown),
		cmocka_unit_test_teardown(test_sigterm_drains_orders_in_hand, teardown),
		cmocka_unit_test_teardown(test_second_signal_during_the_drain, teardown),
		cmocka_unit_test_teardown(test_scoreboard_name_and_mode, teardown),
	};
	const char *only = getenv("HOSTILE_ONLY"); /* a pattern, to rerun one case */
	if (only && *only)
		cmocka_set_test_filter(only);
	fprintf(stderr, "server under test: %s\n", test_bin(test_server_model()));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
