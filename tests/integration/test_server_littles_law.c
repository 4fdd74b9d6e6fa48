/* test_server_littles_law.c: Little's law (L = lambda W) on a real server.
 *
 * 16 keep-alive clients order without pause, the kitchen takes 50 ms. The model says
 * what the server can do: the blocking server (--threads 4) has 4 cashiers, each
 * holding an order for the whole 50 ms, so it serves 4 / 0.05 = 80 orders/s, every
 * order takes 16 / 80 = 200 ms, and 12 customers wait in line. The evented server's
 * one cashier never waits on the kitchen, so the bound is the clients themselves:
 * 16 / 0.05 = 320 orders/s, 50 ms each, nobody in line. Runs against both servers
 * (LUNCHRUSH_SERVER); margins hold on a loaded 2-core machine, and the measured
 * figures are printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <unistd.h>

#include "server_fixture.h"

#define CLIENTS 16
#define CASHIERS 4            /* blocking --threads */
#define COOK_MS 50
#define WARMUP_MS 600
#define MEASURE_MS 3000
#define SAMPLE_MS 20

struct client {
	pthread_t thread;
	uint16_t port;
	double start_ms, end_ms;   /* the measuring window */
	unsigned orders;           /* answered 200 inside the window */
	double latency_sum_ms;
	unsigned failures;
};

static void *client_main(void *arg)
{
	struct client *cl = arg;
	static __thread struct tc_carry carry;
	struct tc_response r;
	int fd = tc_connect(cl->port, 5000);

	if (fd < 0) {
		cl->failures++;
		return NULL;
	}
	tc_carry_init(&carry);
	for (;;) {
		double t0 = tc_now_ms();
		if (t0 >= cl->end_ms)
			break;
		if (tc_get(fd, &carry, "/order", &r) != 0 || r.status != 200) {
			cl->failures++;
			break;
		}
		double t1 = tc_now_ms();
		if (t1 >= cl->start_ms && t1 <= cl->end_ms) { /* finished inside the window */
			cl->orders++;
			cl->latency_sum_ms += t1 - t0;
		}
	}
	close(fd);
	return NULL;
}

static void test_littles_law(void **state)
{
	static struct client clients[CLIENTS];
	static struct server s;
	(void)state;
	bool blocking = is_blocking();
	const char *extra[] = { "--cook-ms", "50", blocking ? "--threads" : NULL, "4", NULL };
	server_start(&s, extra);
	struct scoreboard_server *sb = s.sb;

	/* the model's figures */
	double bound = blocking ? CASHIERS * 1000.0 / COOK_MS : CLIENTS * 1000.0 / COOK_MS;
	double want_latency_ms = CLIENTS * 1000.0 / bound;
	double want_line = blocking ? CLIENTS - CASHIERS : 0;

	double now = tc_now_ms();
	for (int i = 0; i < CLIENTS; i++) {
		clients[i] = (struct client){ .port = s.child.port, .start_ms = now + WARMUP_MS,
					      .end_ms = now + WARMUP_MS + MEASURE_MS };
		assert_int_equal(pthread_create(&clients[i].thread, NULL, client_main, &clients[i]), 0);
	}

	/* sample the line (and the whole house) on the scoreboard during the window */
	double line_sum = 0, house_sum = 0;
	int samples = 0;
	uint64_t served0 = 0;
	while (tc_now_ms() < now + WARMUP_MS)
		usleep(SAMPLE_MS * 1000);
	served0 = SB_GET(sb->served);
	while (tc_now_ms() < now + WARMUP_MS + MEASURE_MS) {
		int64_t line = SB_GET(sb->in_line);
		line_sum += (double)line;
		house_sum += (double)(line + SB_GET(sb->at_counter) + SB_GET(sb->in_kitchen) + SB_GET(sb->handing_over));
		samples++;
		usleep(SAMPLE_MS * 1000);
	}
	uint64_t served_in_window = SB_GET(sb->served) - served0;

	unsigned total = 0, min_orders = ~0u, failures = 0;
	double latency_sum = 0;
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(clients[i].thread, NULL);
		total += clients[i].orders;
		failures += clients[i].failures;
		latency_sum += clients[i].latency_sum_ms;
		if (clients[i].orders < min_orders)
			min_orders = clients[i].orders;
	}
	double throughput = total * 1000.0 / MEASURE_MS;
	double mean_latency = total ? latency_sum / total : 0;
	double mean_line = samples ? line_sum / samples : 0;
	double mean_house = samples ? house_sum / samples : 0;

	print_message("%s, %d clients, cook %d ms: %.1f orders/s (bound %.0f, ratio %.2f), "
		      "mean latency %.1f ms (model %.0f), line %.2f (model %.0f), in the house %.2f, "
		      "L = lambda W = %.2f, fewest orders for one client %u, server counted %llu\n",
		      test_server_model(), CLIENTS, COOK_MS, throughput, bound, throughput / bound, mean_latency,
		      want_latency_ms, mean_line, want_line, mean_house, throughput * mean_latency / 1000.0,
		      min_orders, (unsigned long long)served_in_window);

	assert_int_equal(failures, 0);
	assert_true(min_orders >= 1); /* every client served */
	assert_true(throughput >= 0.7 * bound);
	assert_true(throughput <= 1.15 * bound);
	assert_true(mean_latency >= 0.85 * want_latency_ms);
	assert_true(mean_latency <= 1.5 * want_latency_ms);
	if (blocking) {
		assert_true(mean_line >= want_line - 3.0);
		assert_true(mean_line <= want_line + 0.5);
	} else {
		assert_true(mean_line <= 1.0);
	}
	/* Little's law closes the loop: what is inside equals arrival rate times time inside */
	assert_true(throughput * mean_latency / 1000.0 >= 0.8 * CLIENTS);
	assert_true(throughput * mean_latency / 1000.0 <= 1.1 * CLIENTS);

	assert_int_equal(server_stop(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_littles_law, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
