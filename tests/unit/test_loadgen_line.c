/* test_loadgen_line.c: the open-loop waiting line keeps arrival order through
 * wrap-around and growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../loadgen/line.h"

static void test_line_fifo_through_growth(void **state)
{
	struct line l;
	uint64_t next_in = 0, next_out = 0;
	(void)state;
	assert_int_equal(line_init(&l, 4), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_fifo_through_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
