/* test_evented_kitchen_timer.c: the evented loop's built-in kitchen
 * (servers/evented/kitchen_timer.c): orders come out in deadline order, never early,
 * orders taken out never come out, and positions stay right through the heap's moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <ev.h>

#include "clock.h"
#include "../../servers/evented/kitchen_timer.h"

#define ORDERS 300

struct order {
	uint64_t deadline_ns;
	uint64_t cooked_ns;   /* 0 until it comes out */
	uint32_t pos;
	int seq;              /* the order it came out in */
};

static struct order orders[ORDERS];
static int cooked;

static void on_cooked(void *arg)
{
	struct order *o = arg;
	o->cooked_ns = clock_now_ns();
	o->seq = cooked++;
	assert_int_equal(o->pos, KITCHEN_TIMER_NONE); /* out of the heap before the callback */
}

static void test_kitchen_timer_cooks_in_deadline_order_never_early(void **state)
{
	struct kitchen_timer *kt;
	(void)state;
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	assert_int_equal(kitchen_timer_new(&kt, loop, on_cooked), 0);
	srand(7);
	cooked = 0;
	uint64_t t0 = clock_now_ns();
	for (int i = 0; i < ORDERS; i++) {
		orders[i] = (struct order){ .deadline_ns = t0 + (uint64_t)(5 + rand() % 60) * NS_PER_MS +
							 (uint64_t)(rand() % 1000) * NS_PER_US };
		assert_int_equal(kitchen_timer_add(kt, orders[i].deadline_ns, &orders[i], &orders[i].pos), 0);
	}
	/* a third of them leave before they are cooked */
	int removed = 0;
	for (int i = 0; i < ORDERS; i += 3) {
		kitchen_timer_remove(kt, &orders[i].pos);
		assert_int_equal(orders[i].pos, KITCHEN_TIMER_NONE);
		removed++;
	}
	while (cooked < ORDERS - removed && clock_now_ns() - t0 < 5 * NS_PER_SEC)
		ev_run(loop, EVRUN_ONCE);
	assert_int_equal(cooked, ORDERS - removed);

	uint64_t worst_late = 0, sum_late = 0;
	for (int i = 0; i < ORDERS; i++) {
		if (i % 3 == 0) {
			assert_int_equal(orders[i].cooked_ns, 0);
			continue;
		}
		assert_true(orders[i].cooked_ns >= orders[i].deadline_ns); /* never early */
		uint64_t late = orders[i].cooked_ns - orders[i].deadline_ns;
		sum_late += late;
		if (late > worst_late)
			worst_late = late;
		for (int j = 0; j < ORDERS; j++) /* earlier deadline, earlier out */
			if (j % 3 != 0 && orders[j].deadline_ns < orders[i].deadline_ns)
				assert_true(orders[j].seq < orders[i].seq);
	}
	print_message("%d orders cooked: late by %.3f ms on average, %.3f ms at worst\n", cooked,
		      sum_late / 1e6 / cooked, worst_late / 1e6);
	assert_true(sum_late / cooked < 5 * NS_PER_MS); /* generous: a loaded machine */

	kitchen_timer_free(kt);
	ev_loop_destroy(loop);
}

static void test_kitchen_timer_free_forgets_orders_cooking(void **state)
{
	struct kitchen_timer *kt;
	(void)state;
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	assert_int_equal(kitchen_timer_new(&kt, loop, on_cooked), 0);
	cooked = 0;
	for (int i = 0; i < 10; i++)
		assert_int_equal(kitchen_timer_add(kt, clock_now_ns() + NS_PER_SEC, &orders[i], &orders[i].pos), 0);
	kitchen_timer_free(kt);
	for (int i = 0; i < 10; i++)
		assert_int_equal(orders[i].pos, KITCHEN_TIMER_NONE);
	ev_run(loop, EVRUN_NOWAIT);
	assert_int_equal(cooked, 0);
	ev_loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kitchen_timer_cooks_in_deadline_order_never_early),
		cmocka_unit_test(test_kitchen_timer_free_forgets_orders_cooking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
