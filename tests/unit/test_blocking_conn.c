/* test_blocking_conn.c: the blocking server's write of an answer (servers/blocking/conn.c).
 *
 * --send-timeout-ms bounds the whole answer: a customer who reads a few bytes now and
 * then must not keep a cashier past the deadline (SO_SNDTIMEO, used before, restarted
 * its clock on every partial write). A socketpair with small buffers stands for the
 * customer; a thread reads from it as slowly or as fast as the case needs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "../../servers/blocking/conn.h"

#define BIG (1u << 20)

struct reader {
	pthread_t thread;
	int fd;
	size_t chunk;   /* bytes per read */
	int gap_ms;     /* pause between reads */
	int stop;       /* atomic */
	size_t got;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	char buf[65536];
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		ssize_t n = recv(r->fd, buf, r->chunk, MSG_DONTWAIT);
		if (n > 0)
			r->got += (size_t)n;
		else if (n == 0)
			break;
		if (r->gap_ms || n <= 0) {
			struct timespec ts = { 0, (long)(r->gap_ms ? r->gap_ms : 1) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/* A pair with small buffers: sv[0] is the server's end (in *c), sv[1] the customer's. */
static struct conn *pair(int sv[2])
{
	int small = 4096;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	struct conn *c = conn_new(sv[0]);
	assert_non_null(c);
	return c;
}

/* Start r's thread reading fd. */
static void reader_start(struct reader *r, int fd)
{
	r->fd = fd;
	assert_int_equal(pthread_create(&r->thread, NULL, reader_main, r), 0);
}

static double now_ms(void)
{
	return (double)clock_now_ns() / 1e6;
}

static void test_conn_write_all_gives_up_at_the_deadline_however_it_trickles(void **state)
{
	int sv[2];
	struct reader r = { .chunk = 512, .gap_ms = 20 };
	(void)state;
	struct conn *c = pair(sv);
	reader_start(&r, sv[1]);
	char *buf = calloc(1, BIG);
	assert_non_null(buf);
	double t0 = now_ms();
	int rc = conn_write_all(c, buf, BIG, clock_now_ns() + 300 * NS_PER_MS);
	double took = now_ms() - t0;
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(r.thread, NULL);
	print_message("a reader taking 512 bytes every 20 ms: gave up after %.0f ms (deadline 300 ms), "
		      "%zu bytes read\n", took, r.got);
	assert_int_equal(rc, -ETIMEDOUT);
	assert_true(r.got > 0); /* it did trickle: the clock was not restarted by it */
	assert_true(took >= 280);
	assert_true(took < 1500);
	conn_free(c);
	close(sv[1]);
	free(buf);
}

static void test_conn_write_all_writes_everything_to_a_reader(void **state)
{
	int sv[2];
	struct reader r = { .chunk = 65536 };
	(void)state;
	struct conn *c = pair(sv);
	reader_start(&r, sv[1]);
	char *buf = calloc(1, BIG);
	assert_non_null(buf);
	assert_int_equal(conn_write_all(c, buf, BIG, clock_now_ns() + 10000 * NS_PER_MS), 0);
	conn_free(c); /* EOF for the reader once it has everything */
	pthread_join(r.thread, NULL);
	assert_int_equal(r.got, BIG);
	close(sv[1]);
	free(buf);
}

static void test_conn_write_all_without_deadline_waits(void **state)
{
	int sv[2];
	struct reader r = { .chunk = 65536, .gap_ms = 0 };
	(void)state;
	struct conn *c = pair(sv);
	reader_start(&r, sv[1]);
	char buf[200000];
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(conn_write_all(c, buf, sizeof(buf), 0), 0);
	conn_free(c);
	pthread_join(r.thread, NULL);
	assert_int_equal(r.got, sizeof(buf));
	close(sv[1]);
}

static void test_conn_write_all_customer_gone_is_an_error(void **state)
{
	int sv[2];
	char buf[4096] = { 0 };
	(void)state;
	struct conn *c = pair(sv);
	close(sv[1]);
	double t0 = now_ms();
	int rc = conn_write_all(c, buf, sizeof(buf), clock_now_ns() + 5000 * NS_PER_MS);
	assert_true(rc == -EPIPE || rc == -ECONNRESET);
	assert_true(now_ms() - t0 < 1000); /* at once, not at the deadline */
	conn_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_write_all_gives_up_at_the_deadline_however_it_trickles),
		cmocka_unit_test(test_conn_write_all_writes_everything_to_a_reader),
		cmocka_unit_test(test_conn_write_all_without_deadline_waits),
		cmocka_unit_test(test_conn_write_all_customer_gone_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
