/* test_server_hostile.c: hostile clients against a real server, one test each.
 *
 * What a curious student points at a teaching server (issue 8): garbage of every kind
 * (answered 4xx or closed, while a regular customer is served at the same time), a
 * client that never reads its answers, clients that reset at every stage of an order,
 * and slowloris with and without --header-timeout-ms. Exhausted limits and shutdown
 * are in test_server_limits.c. Runs against both servers (tests/run.sh sets
 * LUNCHRUSH_SERVER); the figures it prints are the ones in docs/hostile.md. Margins hold
 * on a loaded 2-core machine and under the sanitizers. TEST_ONLY='*slowloris*' runs one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_fixture.h"

/* Close with a reset (SO_LINGER 0): the server sees ECONNRESET, not a FIN. */
static void reset_close(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

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
				tc_sleep_ms(50);
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

/* The regular of the running test, stopped by hostile_teardown if an assertion ends
 * the test while its thread still runs. */
static struct regular *regular_running;

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
	regular_running = r;
	double deadline = tc_now_ms() + IO_TIMEOUT_MS;
	while (regular_served(r) == 0 && tc_now_ms() < deadline)
		tc_sleep_ms(2);
}

/* Wait until the regular has served n more orders than it had at from. */
static void regular_wait(struct regular *r, unsigned from, unsigned n)
{
	double deadline = tc_now_ms() + IO_TIMEOUT_MS;
	while (regular_served(r) < from + n && tc_now_ms() < deadline)
		tc_sleep_ms(2);
}

static void regular_stop(struct regular *r)
{
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	pthread_join(r->thread, NULL);
	regular_running = NULL;
}

static int hostile_teardown(void **state)
{
	if (regular_running)
		regular_stop(regular_running);
	return teardown(state);
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
	static struct regular reg;
	(void)state;
	const char *extra[] = { "--cook-ms", "0", NULL };
	server_start(&s, extra);
	regular_start(&reg, s.child.port);
	unsigned served0 = regular_served(&reg);
	/* and one order sure to be in the kitchen while all of it arrives */
	struct tc_carry carry;
	struct tc_response slow;
	int held = tc_connect(s.child.port, IO_TIMEOUT_MS);
	assert_true(held >= 0);
	static const char cook[] = "GET /order?cook_ms=400 HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(tc_send_all(held, cook, sizeof(cook) - 1), 0);
	assert_int_equal(wait_gauge(&s.sb->in_kitchen, 1, 3000), 1);
	double held_t0 = tc_now_ms();
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
	static const struct {
		const char *name, *raw;
		size_t len;
		int status; /* 0: any 4xx or a silent close */
	} known[] = {
#define HOSTILE(name, raw, status) { name, raw, sizeof(raw) - 1, status }
		HOSTILE("NUL in the target", "GET /\0order HTTP/1.1\r\nHost: x\r\n\r\n", 400),
		HOSTILE("NUL in a header", "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n", 400),
		HOSTILE("NULs before the request", "\0\0\0\0GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
		HOSTILE("TLS ClientHello", "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 400),
		HOSTILE("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400),
		HOSTILE("HTTP/9.9", "GET /order HTTP/9.9\r\nHost: x\r\n\r\n", 505),
		HOSTILE("Content-Length 10^20", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
		HOSTILE("chunked body of 2^64",
			"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", 0),
		HOSTILE("cook_ms of 23 digits", "GET /order?cook_ms=99999999999999999999999 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
#undef HOSTILE
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		expect_refused(s.child.port, known[i].name, known[i].raw, known[i].len, known[i].status);

	size_t n = (size_t)sprintf(big, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(big + n, 'a', 32768);
	memcpy(big + n + 32768, "\r\n\r\n", 4);
	expect_refused(s.child.port, "one header line of 32 KiB", big, n + 32772, 431);
	n = (size_t)sprintf(big, "GET /");
	memset(big + n, 'a', 32768);
	n += 32768;
	n += (size_t)sprintf(big + n, " HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused(s.child.port, "a target of 32 KiB", big, n, 414);
	n = (size_t)sprintf(big, "GET / HTTP/1.1\r\nHost: x\r\n");
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

	double garbage_ms = tc_now_ms() - held_t0;
	unsigned during = regular_served(&reg) - served0;
	tc_carry_init(&carry);
	assert_int_equal(tc_read_response(held, &carry, false, &slow), 0);
	double held_ms = tc_now_ms() - held_t0;
	close(held);
	regular_wait(&reg, served0 + during, 2); /* and still served after */
	regular_stop(&reg);
	uint64_t errors = SB_GET(s.sb->errors[SERR_BAD_REQUEST]) + SB_GET(s.sb->errors[SERR_TOO_LARGE]) - errors0;
	print_message("all the garbage in %.0f ms; meanwhile a regular customer: %u orders served during it, %u in all, "
		      "%u failed, slowest %.0f ms; an order of 400 ms in the kitchen throughout: %d after %.0f ms; "
		      "%llu 4xx counted\n", garbage_ms, during, reg.served, reg.failed, reg.max_ms, slow.status, held_ms,
		      (unsigned long long)errors);
	assert_int_equal(slow.status, 200);
	assert_true(held_ms < 400 + 2000);
	assert_int_equal(reg.failed, 0);
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

	int fd = tc_connect_small_rcvbuf(s.child.port, 2048);
	assert_true(fd >= 0);
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
		tc_sleep_ms(5);
	}
	/* it still answers what it had read; it is stuck once `served` stops moving with an
	 * answer in hand: then the clock of --send-timeout-ms runs */
	uint64_t last = SB_GET(s.sb->served);
	double changed = tc_now_ms(), stuck_at = 0, deadline = changed + 10000;
	while (stuck_at == 0 && SB_GET(s.sb->errors[SERR_TIMEOUT]) == 0 && tc_now_ms() < deadline) {
		tc_sleep_ms(5);
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
			tc_sleep_ms(5);
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
	static const char part[] = "GET /order?cook_ms=0 HTTP/1.1\r\nHost: x\r\nHos";
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
	static struct regular reg;
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
	slowloris(s.child.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 100, &res);
	print_message("slowloris, --header-timeout-ms 0 --idle-ms 1000: %zu of 18 bytes in %.0f ms, answer %d%s\n",
		      res.bytes, tc_now_ms() - t0, res.status, res.closed_ms > 0 ? " (cut off)" : "");
	assert_int_equal(res.status, 200);
	assert_int_equal(SB_GET(s.sb->errors[SERR_TIMEOUT]), 0);
	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_garbage_is_refused_while_a_regular_is_served, hostile_teardown),
		cmocka_unit_test_teardown(test_client_that_never_reads_is_closed, hostile_teardown),
		cmocka_unit_test_teardown(test_resets_mid_order_free_everything, hostile_teardown),
		cmocka_unit_test_teardown(test_slowloris_is_cut_by_the_header_timeout, hostile_teardown),
		cmocka_unit_test_teardown(test_slowloris_passes_with_the_timeout_off, hostile_teardown),
	};
	fixture_filter();
	fprintf(stderr, "server under test: %s\n", test_bin(test_server_model()));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
