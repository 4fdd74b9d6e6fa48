/* test_server_kitchen.c: the kitchen wait as real network I/O to bin/kitchen.
 *
 * With --kitchen HOST:PORT every order sends a ticket to bin/kitchen and waits for its
 * answer, so the wait is no longer a timer inside the server ("a sleep is a rigged
 * race"). Little's law must still hold: 16 keep-alive clients, cook 50 ms, serve
 * about 4 / 0.05 = 80 orders/s through the blocking server's 4 cashiers and about
 * 16 / 0.05 = 320 orders/s through the evented loop, with orders visibly in_kitchen on
 * the scoreboard. Then the kitchen is killed mid-run: orders turn into 502s, counted
 * on the scoreboard, nobody waits forever, and the server goes on answering (502) and
 * exits cleanly. Runs against both servers (LUNCHRUSH_SERVER).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server_fixture.h"

#define CLIENTS 16
#define CASHIERS 4           /* blocking --threads */
#define COOK_MS 50
#define WARMUP_MS 500
#define MEASURE_MS 2000
#define AFTER_KILL_MS 1500

static const char ORDER[] = "GET /order HTTP/1.1\r\nHost: x\r\n\r\n"; /* cook_ms from the flag */

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define BUMP(x) __atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)

struct client {
	pthread_t thread;
	uint16_t port;
	int stop;           /* set by the test */
	uint64_t ok;        /* 200 */
	uint64_t bad_gateway; /* 502 */
	uint64_t other;     /* any other status */
	uint64_t failures;  /* no answer within IO_TIMEOUT_MS (nothing may hang), or no connection */
	double longest_ms;  /* slowest request */
};

/* A customer who orders again and again; after a closing answer (a 502) it walks back
 * in through a new connection. */
static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct tc_carry *carry = malloc(sizeof(*carry));
	struct tc_response r;
	int fd = -1;

	while (carry && !__atomic_load_n(&cl->stop, __ATOMIC_RELAXED)) {
		if (fd < 0) {
			fd = tc_connect(cl->port, IO_TIMEOUT_MS);
			if (fd < 0) {
				BUMP(cl->failures);
				break;
			}
			tc_carry_init(carry);
		}
		double t0 = tc_now_ms();
		int rc = tc_get(fd, carry, "/order", &r);
		double took = tc_now_ms() - t0;
		if (took > cl->longest_ms)
			__atomic_store(&cl->longest_ms, &took, __ATOMIC_RELAXED);
		if (rc != 0) {
			BUMP(cl->failures);
			break;
		}
		if (r.status == 200)
			BUMP(cl->ok);
		else if (r.status == 502)
			BUMP(cl->bad_gateway);
		else
			BUMP(cl->other);
		if (!r.keep_alive) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(carry);
	return NULL;
}

struct totals {
	uint64_t ok, bad_gateway, other, failures;
	double longest_ms;
};

static struct totals sum(struct client *cl)
{
	struct totals t = { 0 };
	for (int i = 0; i < CLIENTS; i++) {
		t.ok += LOAD(cl[i].ok);
		t.bad_gateway += LOAD(cl[i].bad_gateway);
		t.other += LOAD(cl[i].other);
		t.failures += LOAD(cl[i].failures);
		double l;
		__atomic_load(&cl[i].longest_ms, &l, __ATOMIC_RELAXED);
		if (l > t.longest_ms)
			t.longest_ms = l;
	}
	return t;
}

/* bin/kitchen, and the model under test (blocking: --threads 4) cooking 50 ms through
 * it with --kitchen-timeout-ms timeout_ms; the kitchen is stopped by the test. */
static void start_with_kitchen(struct child *kitchen, struct server *s, const char *timeout_ms)
{
	char where[64];
	char *kargv[] = { (char *)test_bin("kitchen"), "--port", "0", "--quiet", NULL };
	assert_int_equal(child_start(kitchen, kargv, true, 10000), 0);
	snprintf(where, sizeof(where), "127.0.0.1:%u", (unsigned)kitchen->port);
	const char *extra[] = { "--cook-ms", "50", "--kitchen", where, "--kitchen-timeout-ms", timeout_ms,
				is_blocking() ? "--threads" : NULL, "4", NULL };
	server_start(s, extra);
}

static void test_orders_through_the_kitchen(void **state)
{
	static struct client clients[CLIENTS];
	static struct server s;
	struct child kitchen;
	struct tc_response r;
	(void)state;
	bool blocking = is_blocking();
	start_with_kitchen(&kitchen, &s, "2000");
	struct scoreboard_server *sb = s.sb;
	assert_int_equal(SB_GET(sb->kitchen_remote), 1);

	for (int i = 0; i < CLIENTS; i++) {
		clients[i] = (struct client){ .port = s.child.port };
		assert_int_equal(pthread_create(&clients[i].thread, NULL, client_main, &clients[i]), 0);
	}

	/* Little's law through the real kitchen, and orders seen in_kitchen */
	tc_sleep_ms(WARMUP_MS);
	struct totals t0 = sum(clients);
	uint64_t tickets0 = SB_GET(sb->kitchen_tickets);
	double start = tc_now_ms(), kitchen_sum = 0;
	int64_t kitchen_max = 0;
	int samples = 0;
	while (tc_now_ms() - start < MEASURE_MS) {
		int64_t k = SB_GET(sb->in_kitchen);
		kitchen_sum += (double)k;
		if (k > kitchen_max)
			kitchen_max = k;
		samples++;
		tc_sleep_ms(10);
	}
	struct totals t1 = sum(clients);
	double secs = (tc_now_ms() - start) / 1e3;
	double throughput = (double)(t1.ok - t0.ok) / secs;
	double bound = (blocking ? CASHIERS : CLIENTS) * 1000.0 / COOK_MS;
	double in_kitchen = samples ? kitchen_sum / samples : 0;
	uint64_t tickets = SB_GET(sb->kitchen_tickets) - tickets0;
	print_message("%s through bin/kitchen, %d clients, cook %d ms: %.1f orders/s (bound %.0f, ratio %.2f); "
		      "in_kitchen mean %.1f, max %lld; %llu tickets\n", test_server_model(), CLIENTS, COOK_MS,
		      throughput, bound, throughput / bound, in_kitchen, (long long)kitchen_max,
		      (unsigned long long)tickets);
	assert_int_equal(t1.failures, 0);
	assert_int_equal(t1.bad_gateway + t1.other, 0);
	assert_true(throughput >= 0.7 * bound);
	assert_true(throughput <= 1.15 * bound);
	assert_true(kitchen_max > 0);
	/* L = lambda W for the kitchen alone: orders inside it = rate x 50 ms */
	assert_true(in_kitchen >= 0.6 * throughput * COOK_MS / 1000.0);
	assert_true(tickets >= (uint64_t)(0.7 * bound * secs));

	/* the kitchen dies mid-run */
	int kstatus = child_stop(&kitchen, SIGKILL, 2000);
	assert_true(kstatus != -1 && WIFSIGNALED(kstatus));
	double killed = tc_now_ms();
	tc_sleep_ms(AFTER_KILL_MS);
	for (int i = 0; i < CLIENTS; i++)
		__atomic_store_n(&clients[i].stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(clients[i].thread, NULL);
	struct totals t2 = sum(clients);
	uint64_t down = SB_GET(sb->errors[SERR_KITCHEN_DOWN]);
	print_message("after the kitchen was killed: %llu answers 502 in %.1f s, %llu other errors, %llu without "
		      "an answer; slowest request of the run %.0f ms; scoreboard kitchen_down %llu, kitchen_timeout "
		      "%llu\n", (unsigned long long)(t2.bad_gateway - t1.bad_gateway), (tc_now_ms() - killed) / 1e3,
		      (unsigned long long)t2.other, (unsigned long long)t2.failures, t2.longest_ms,
		      (unsigned long long)down, (unsigned long long)SB_GET(sb->errors[SERR_KITCHEN_TIMEOUT]));
	assert_int_equal(t2.failures, 0); /* nobody hung, nobody was dropped without an answer */
	assert_int_equal(t2.other, 0);
	assert_true(t2.bad_gateway - t1.bad_gateway >= CLIENTS);
	assert_true(down >= t2.bad_gateway - t1.bad_gateway);
	assert_true(t2.longest_ms < 3000);

	/* still answering, at once, with 502 */
	double q0 = tc_now_ms();
	assert_int_equal(tc_request(s.child.port, ORDER, false, &r, IO_TIMEOUT_MS), 0);
	double took = tc_now_ms() - q0;
	print_message("a new order with the kitchen gone: %d in %.1f ms: %s", r.status, took, r.body);
	assert_int_equal(r.status, 502);
	assert_true(took < 1000);
	assert_true(kill(s.child.pid, 0) == 0);

	assert_int_equal(server_stop(&s), 0);
}

/* A kitchen that takes tickets and never answers (stopped with SIGSTOP): each order is
 * answered 504 after cook_ms + --kitchen-timeout-ms, counted, and the server lives on. */
static void test_slow_kitchen_is_a_504(void **state)
{
	static struct server s;
	struct child kitchen;
	struct tc_response r;
	(void)state;
	start_with_kitchen(&kitchen, &s, "300");
	struct scoreboard_server *sb = s.sb;

	assert_int_equal(tc_request(s.child.port, ORDER, false, &r, IO_TIMEOUT_MS), 0);
	assert_int_equal(r.status, 200); /* the kitchen works, the connection to it is up */
	assert_int_equal(kill(kitchen.pid, SIGSTOP), 0);
	for (int i = 0; i < 2; i++) {
		double t0 = tc_now_ms();
		assert_int_equal(tc_request(s.child.port, ORDER, false, &r, IO_TIMEOUT_MS), 0);
		double took = tc_now_ms() - t0;
		print_message("kitchen stopped: %d after %.0f ms (cook 50 + timeout 300): %s", r.status, took, r.body);
		assert_int_equal(r.status, 504);
		assert_true(took >= 300);
		assert_true(took < 2000);
	}
	assert_int_equal(SB_GET(sb->errors[SERR_KITCHEN_TIMEOUT]), 2);
	assert_int_equal(SB_GET(sb->in_kitchen), 0);
	kill(kitchen.pid, SIGCONT);
	child_stop(&kitchen, SIGKILL, 2000);

	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_orders_through_the_kitchen, teardown),
		cmocka_unit_test_teardown(test_slow_kitchen_is_a_504, teardown),
	};
	fprintf(stderr, "server under test: %s\n", test_bin(test_server_model()));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
