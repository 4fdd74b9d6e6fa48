/* test_loadgen_line.c: the open-loop waiting line keeps arrival order through
 * wrap-around and growth, and never holds more than its bound (issue 19, defect 2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "../../loadgen/line.h"

static void test_line_fifo_through_growth(void **state)
{
	struct line l;
	uint64_t next_in = 0, next_out = 0;
	(void)state;
	assert_int_equal(line_init(&l, 4, 1u << 20), 0);
	/* push 3, pop 2, repeatedly: the head walks around the ring while it grows */
	for (int round = 0; round < 1000; round++) {
		for (int i = 0; i < 3; i++)
			assert_int_equal(line_push(&l, next_in++), 0);
		for (int i = 0; i < 2; i++)
			assert_int_equal(line_pop(&l), next_out++);
	}
	assert_int_equal(l.len, 1000);
	assert_true(l.cap >= 1000 && l.cap < 4096);
	while (l.len)
		assert_int_equal(line_pop(&l), next_out++);
	assert_int_equal(next_out, next_in);
	line_destroy(&l);
	line_destroy(&l); /* twice is harmless */
}

/* At its bound the line refuses (-ENOSPC) and is unchanged; its memory stops at the
 * bound, whatever is pushed. The old line doubled without end. */
static void test_line_bounded(void **state)
{
	struct line l;
	(void)state;
	assert_int_equal(line_init(&l, 4, 100), 0);
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(line_push(&l, i), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(line_push(&l, 999), -ENOSPC);
	assert_int_equal(l.len, 100);
	assert_true(l.cap <= 100);
	assert_int_equal(line_peek(&l), 0);
	assert_int_equal(line_pop(&l), 0);
	assert_int_equal(line_push(&l, 100), 0); /* room again once one left */
	for (uint64_t i = 1; i <= 100; i++)
		assert_int_equal(line_pop(&l), i);
	assert_int_equal(l.len, 0);
	line_destroy(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_fifo_through_growth),
		cmocka_unit_test(test_line_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
