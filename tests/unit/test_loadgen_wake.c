/* test_loadgen_wake.c: the open loop's default grid (wake.h): none while waking for
 * every arrival is cheap, WAKE_GRID_ARRIVALS mean gaps above that, never wider than
 * WAKE_GRID_MAX_NS; and the measured wake-up cost stays within its bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../loadgen/wake.h"

static void test_wake_grid_none_when_waking_is_cheap(void **state)
{
	(void)state;
	/* 15 us a wake-up: 1,000 arrivals a second cost 1.5 % of a core, 3,000 4.5 % */
	assert_int_equal(wake_grid_ns(1000.0, 15000), 0);
	assert_int_equal(wake_grid_ns(3000.0, 15000), 0);
	/* 3 us a wake-up (bare metal): 16,000 a second cost 4.8 %: still on time */
	assert_int_equal(wake_grid_ns(16000.0, 3000), 0);
	assert_int_equal(wake_grid_ns(0.0, 15000), 0);  /* paused */
	assert_int_equal(wake_grid_ns(-1.0, 15000), 0);
}

static void test_wake_grid_mean_gaps_capped(void **state)
{
	(void)state;
	/* 15 us: 50,000 a second cost 75 % of a core: 5 gaps of 20 us */
	assert_int_equal(wake_grid_ns(50000.0, 15000), 100000);
	assert_int_equal(wake_grid_ns(100000.0, 15000), 50000);
	/* 16,000 a second: 5 gaps are 312 us, capped at 250 */
	assert_int_equal(wake_grid_ns(16000.0, 15000), WAKE_GRID_MAX_NS);
	/* just over the share: 3,334 a second x 15 us = 5.0 % */
	assert_int_equal(wake_grid_ns(3334.0, 15000), WAKE_GRID_MAX_NS);
}

static void test_wake_cost_within_bounds(void **state)
{
	(void)state;
	uint64_t w = wake_cost_ns();
	print_message("a sleep and its wake-up cost %.1f us of CPU here\n", (double)w / 1000.0);
	assert_true(w >= WAKE_COST_MIN_NS && w <= WAKE_COST_MAX_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wake_grid_none_when_waking_is_cheap),
		cmocka_unit_test(test_wake_grid_mean_gaps_capped),
		cmocka_unit_test(test_wake_cost_within_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
