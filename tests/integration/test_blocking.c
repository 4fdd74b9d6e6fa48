/* test_blocking.c: what only the blocking server does: thread per request (keep-alive
 * customers take turns), --hold-connection (they do not), --threads 0 (a thread per
 * connection), the freeze of a cashier from the control slot, and accept errors when
 * descriptors run out, recovered once the limit is raised again. --max-conns and a
 * graceful SIGTERM with orders in hand are tested against both servers in
 * test_server_limits.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "server_fixture.h"

/* bin/blocking with the given flags, whatever LUNCHRUSH_SERVER says. */
static void blocking_start(struct server *s, const char *const *extra)
{
	server_start_model(s, "blocking", NULL, extra);
}

/* A keep-alive customer ordering without pause until end_ms. */
struct regular {
	pthread_t thread;
	uint16_t port;
	double end_ms;
	unsigned orders;
	unsigned failures;
};

static void *regular_main(void *arg)
{
	struct regular *cl = arg;
	static __thread struct tc_carry carry;
	struct tc_response r;
	int fd = tc_connect(cl->port, 10000);

	if (fd < 0) {
		cl->failures++;
		return NULL;
	}
	tc_carry_init(&carry);
	while (tc_now_ms() < cl->end_ms) {
		if (tc_get(fd, &carry, "/order", &r) != 0 || r.status != 200) {
			cl->failures++;
			break;
		}
		if (tc_now_ms() <= cl->end_ms) /* the ones served after the end do not count */
			cl->orders++;
	}
	close(fd);
	return NULL;
}

/* 16 regulars for run_ms; fills orders[], returns the failures. */
static unsigned run_regulars(uint16_t port, int run_ms, unsigned orders[16])
{
	static struct regular cl[16];
	unsigned failures = 0;
	double end = tc_now_ms() + run_ms;
	for (int i = 0; i < 16; i++) {
		cl[i] = (struct regular){ .port = port, .end_ms = end };
		assert_int_equal(pthread_create(&cl[i].thread, NULL, regular_main, &cl[i]), 0);
	}
	for (int i = 0; i < 16; i++) {
		pthread_join(cl[i].thread, NULL);
		orders[i] = cl[i].orders;
		failures += cl[i].failures;
	}
	return failures;
}

/* Thread per request: 16 keep-alive customers and 4 cashiers, everybody served in turn. */
static void test_thread_per_request_is_fair(void **state)
{
	static struct server s;
	unsigned orders[16], min = ~0u, max = 0, total = 0;
	(void)state;
	blocking_start(&s, (const char *const[]){ "--threads", "4", "--cook-ms", "50", NULL });
	unsigned failures = run_regulars(s.child.port, 2000, orders);
	for (int i = 0; i < 16; i++) {
		total += orders[i];
		min = orders[i] < min ? orders[i] : min;
		max = orders[i] > max ? orders[i] : max;
	}
	print_message("thread per request, 16 clients, 4 cashiers, 2 s: %u orders, per client min %u max %u\n", total,
		      min, max);
	assert_int_equal(failures, 0);
	assert_true(min >= 4);          /* about 10 each: 2 s / 200 ms */
	assert_true(max <= 2 * min + 2); /* in turn, not first come first served forever */
	assert_int_equal(server_stop(&s), 0);
}

/* --hold-connection under the same load: the first 4 customers keep the 4 cashiers and
 * the other 12 are never served. */
static void test_hold_connection_starves_the_rest(void **state)
{
	static struct server s;
	unsigned orders[16], served_clients = 0, total = 0;
	(void)state;
	blocking_start(&s, (const char *const[]){ "--threads", "4", "--cook-ms", "50", "--hold-connection", NULL });
	(void)run_regulars(s.child.port, 1500, orders);
	for (int i = 0; i < 16; i++) {
		total += orders[i];
		served_clients += orders[i] > 0;
	}
	print_message("--hold-connection, 16 clients, 4 cashiers, 1.5 s: %u orders, %u clients served\n", total,
		      served_clients);
	assert_int_equal(served_clients, 4);
	assert_true(total >= 40); /* the 4 lucky ones order about every 50 ms */
	assert_int_equal(server_stop(&s), 0);
}

/* Send an order on a fresh connection; returns the fd (the response is still to come). */
static int order_async(uint16_t port, const char *target)
{
	char req[256];
	int fd = tc_connect(port, IO_TIMEOUT_MS);
	assert_true(fd >= 0);
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", target);
	assert_int_equal(tc_send_all(fd, req, (size_t)n), 0);
	return fd;
}

static double await_status(int fd, int want)
{
	struct tc_carry carry;
	struct tc_response r;
	tc_carry_init(&carry);
	assert_int_equal(tc_read_response(fd, &carry, false, &r), 0);
	assert_int_equal(r.status, want);
	return tc_now_ms();
}

/* With --hold-connection 4 idle keep-alive customers hold the 4 cashiers: a 5th waits
 * until one of them leaves, or idles out after --idle-ms. Without it they hold nothing. */
static void test_hold_connection_fifth_waits(void **state)
{
	static struct server s;
	int held[4];
	(void)state;

	/* thread per request: idle keep-alive customers wait in the room, not at a cashier */
	blocking_start(&s, (const char *const[]){ "--threads", "4", NULL });
	open_served(s.child.port, held, 4);
	double t0 = tc_now_ms();
	int fifth = order_async(s.child.port, "/order?cook_ms=0");
	double waited = await_status(fifth, 200) - t0;
	print_message("thread per request: 5th customer served after %.1f ms\n", waited);
	assert_true(waited < 400);
	close(fifth);
	for (int i = 0; i < 4; i++)
		close(held[i]);
	assert_int_equal(server_stop(&s), 0);

	/* hold: the 5th is served only when one of the 4 leaves */
	blocking_start(&s, (const char *const[]){ "--threads", "4", "--hold-connection", "--idle-ms", "0", NULL });
	open_served(s.child.port, held, 4);
	t0 = tc_now_ms();
	fifth = order_async(s.child.port, "/order?cook_ms=0");
	tc_sleep_ms(600);
	double left_at = tc_now_ms();
	close(held[0]);
	double served_at = await_status(fifth, 200);
	print_message("--hold-connection: 5th served %.1f ms after it ordered, %.1f ms after a customer left\n",
		      served_at - t0, served_at - left_at);
	assert_true(served_at - t0 >= 550);
	assert_true(served_at - left_at < 500);
	close(fifth);
	for (int i = 1; i < 4; i++)
		close(held[i]);
	assert_int_equal(server_stop(&s), 0);

	/* hold with --idle-ms 700: the 5th is served when the first held customer idles out */
	blocking_start(&s, (const char *const[]){ "--threads", "4", "--hold-connection", "--idle-ms", "700", NULL });
	open_served(s.child.port, held, 4);
	t0 = tc_now_ms();
	fifth = order_async(s.child.port, "/order?cook_ms=0");
	waited = await_status(fifth, 200) - t0;
	print_message("--hold-connection --idle-ms 700: 5th served after %.1f ms, timeouts counted %llu\n", waited,
		      (unsigned long long)SB_GET(s.sb->errors[SERR_TIMEOUT]));
	assert_true(waited >= 400);
	assert_true(waited < 2500);
	assert_true(SB_GET(s.sb->errors[SERR_TIMEOUT]) >= 1);
	close(fifth);
	for (int i = 0; i < 4; i++)
		close(held[i]);
	assert_int_equal(server_stop(&s), 0);
}

/* --threads 0: 50 slow orders at once are cooked at once, about one cook time in all.
 * The cook time is long enough for 50 thread creations even under TSan on a busy machine. */
static void test_threads_zero_serves_all_at_once(void **state)
{
	static struct server s;
	int fds[50];
	int64_t peak_threads = 0;
	(void)state;
	blocking_start(&s, (const char *const[]){ "--threads", "0", NULL });
	double t0 = tc_now_ms();
	for (int i = 0; i < 50; i++)
		fds[i] = order_async(s.child.port, "/order?cook_ms=1500");
	/* watch the scoreboard until all 50 are in the kitchen (or the first come out) */
	int64_t in_kitchen = 0;
	while (tc_now_ms() < t0 + 3000) {
		int64_t t = SB_GET(s.sb->threads_alive), k = SB_GET(s.sb->in_kitchen);
		peak_threads = t > peak_threads ? t : peak_threads;
		in_kitchen = k > in_kitchen ? k : in_kitchen;
		if (in_kitchen >= 50 || SB_GET(s.sb->served) > 0)
			break;
		tc_sleep_ms(5);
	}
	for (int i = 0; i < 50; i++)
		await_status(fds[i], 200);
	double took = tc_now_ms() - t0;
	print_message("--threads 0: 50 orders of 1500 ms in %.1f ms; at most %lld threads, %lld in the kitchen\n", took,
		      (long long)peak_threads, (long long)in_kitchen);
	assert_true(took >= 1490);
	assert_true(took < 6000); /* one after another would be 75 s, 4 at a time 19 s */
	assert_true(peak_threads >= 25); /* not 50: thread creation is slow under TSan */
	assert_true(in_kitchen >= 25);   /* a crew would cook 4 at a time */
	for (int i = 0; i < 50; i++)
		close(fds[i]);
	/* the threads end with their connections */
	assert_int_equal(wait_gauge(&s.sb->threads_alive, 0, 3000), 0);
	assert_int_equal(server_stop(&s), 0);
}

/* The dashboard's "chef faints": a freeze in the control slot stops cashier 0. */
static void test_freeze_from_the_control_slot(void **state)
{
	static struct server s;
	(void)state;
	blocking_start(&s, (const char *const[]){ "--threads", "1", "--cook-ms", "0", NULL });
	freeze_cashier0(&s, 800);
	double t0 = tc_now_ms();
	int fd = order_async(s.child.port, "/order?cook_ms=0");
	double waited = await_status(fd, 200) - t0;
	print_message("frozen cashier: order waited %.1f ms\n", waited);
	assert_true(waited >= 300);
	assert_true(waited < 3000);
	close(fd);
	assert_int_equal(server_stop(&s), 0);
}

/* Out of descriptors: accept fails with EMFILE; the server counts it, backs off instead
 * of spinning, and serves the waiting customers once descriptors are free again. */
static void test_emfile_backs_off_and_recovers(void **state)
{
	static struct server s;
	int fds[64];
	(void)state;
	blocking_start(&s, (const char *const[]){ "--threads", "2", NULL });
	/* a low descriptor limit, set from outside: the server has ~15 open already */
	struct rlimit old;
	assert_int_equal(prlimit(s.child.pid, RLIMIT_NOFILE, NULL, &old), 0);
	struct rlimit low = { 24, old.rlim_max }; /* the soft limit only: it can go back up */
	assert_int_equal(prlimit(s.child.pid, RLIMIT_NOFILE, &low, NULL), 0);
	for (int i = 0; i < 64; i++)
		fds[i] = tc_connect(s.child.port, IO_TIMEOUT_MS); /* queued by the kernel, accepted or not */
	tc_sleep_ms(300);
	double cpu0 = proc_cpu_seconds(s.child.pid);
	tc_sleep_ms(1000);
	double cpu1 = proc_cpu_seconds(s.child.pid), cpu = cpu1 - cpu0;
	assert_true(cpu0 >= 0 && cpu1 >= 0);
	uint64_t accept_errors = SB_GET(s.sb->errors[SERR_ACCEPT]);
	print_message("out of descriptors: %llu accept errors, %.2f s CPU in 1 s\n", (unsigned long long)accept_errors,
		      cpu);
	assert_true(accept_errors >= 1);
	assert_true(cpu < 0.3); /* a busy loop would burn about 1 s */
	/* descriptors back: everyone is served */
	assert_int_equal(prlimit(s.child.pid, RLIMIT_NOFILE, &old, NULL), 0);
	for (int i = 0; i < 64; i++) {
		assert_true(fds[i] >= 0);
		expect_served(fds[i], i);
		close(fds[i]);
	}
	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_thread_per_request_is_fair, teardown),
		cmocka_unit_test_teardown(test_hold_connection_starves_the_rest, teardown),
		cmocka_unit_test_teardown(test_hold_connection_fifth_waits, teardown),
		cmocka_unit_test_teardown(test_threads_zero_serves_all_at_once, teardown),
		cmocka_unit_test_teardown(test_freeze_from_the_control_slot, teardown),
		cmocka_unit_test_teardown(test_emfile_backs_off_and_recovers, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
