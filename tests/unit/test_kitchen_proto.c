/* test_kitchen_proto.c: the kitchen ticket lines, formatted and parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "kitchen_proto.h"

static int parse_ticket(const char *line, uint32_t *ms, uint64_t *id)
{
	return kitchen_parse_ticket(line, strlen(line), ms, id);
}

static int parse_answer(const char *line, uint64_t *id)
{
	return kitchen_parse_answer(line, strlen(line), id);
}

static void test_kitchen_format_parse_round_trip(void **state)
{
	(void)state;
	static const struct { uint32_t ms; uint64_t id; } cases[] = {
		{ 0, 0 }, { 50, 1 }, { 60000, UINT64_MAX }, { 1234, 9876543210ULL },
	};
	char buf[KITCHEN_LINE_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = kitchen_format_ticket(buf, sizeof(buf), cases[i].ms, cases[i].id);
		assert_true(n > 0 && n < sizeof(buf));
		assert_int_equal(n, strlen(buf));
		assert_int_equal(buf[n - 1], '\n');
		uint32_t ms = 99;
		uint64_t id = 99;
		assert_int_equal(kitchen_parse_ticket(buf, n - 1, &ms, &id), 0);
		assert_int_equal(ms, cases[i].ms);
		assert_int_equal(id, cases[i].id);
	}
	size_t n = kitchen_format_ticket(buf, sizeof(buf), 50, 7);
	assert_int_equal(n, strlen("COOK 50 7\n"));
	assert_string_equal(buf, "COOK 50 7\n");
	assert_int_equal(kitchen_format_ticket(buf, 5, 50, 7), 0);  /* does not fit */
}

static void test_kitchen_parse_ticket_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "COOK", "COOK ", "COOK 50", "COOK 50 ", "cook 50 1", "BAKE 50 1",
		"COOK 60001 1", "COOK 99999999999 1", "COOK -5 1", "COOK +5 1", "COOK 5a 1",
		"COOK 50 1x", "COOK 50 x1", "COOK 50 0x10", "COOK 50 1 extra", "COOK 50 1 ",
		"COOK  50 1", "COOK 50  1", " COOK 50 1", "COOK\t50 1", "COOK 50 1\n",
		"COOK 50 18446744073709551616", "COOK 50 123456789012345678901",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t ms = 7;
		uint64_t id = 7;
		if (parse_ticket(bad[i], &ms, &id) != -EINVAL) {
			print_error("accepted a bad ticket: \"%s\"\n", bad[i]);
			fail();
		}
		assert_int_equal(ms, 7);  /* outputs untouched on failure */
		assert_int_equal(id, 7);
	}

	/* the line holds an embedded NUL: length rules, not the terminator */
	uint32_t ms;
	uint64_t id;
	assert_int_equal(kitchen_parse_ticket("COOK 50 1\0junk", 14, &ms, &id), -EINVAL);

	/* overlong: one byte past KITCHEN_LINE_MAX */
	char line[KITCHEN_LINE_MAX + 2];
	memset(line, '0', sizeof(line));
	memcpy(line, "COOK 5 ", 7);
	line[sizeof(line) - 2] = '1';
	line[sizeof(line) - 1] = '\0';
	assert_int_equal(strlen(line), KITCHEN_LINE_MAX + 1);
	assert_int_equal(parse_ticket(line, &ms, &id), -EINVAL);
}

static void test_kitchen_parse_ticket_accepts(void **state)
{
	(void)state;
	uint32_t ms;
	uint64_t id;
	assert_int_equal(parse_ticket("COOK 60000 18446744073709551615", &ms, &id), 0);
	assert_int_equal(ms, 60000);
	assert_int_equal(id, UINT64_MAX);
	assert_int_equal(parse_ticket("COOK 0 0", &ms, &id), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(id, 0);
	assert_int_equal(parse_ticket("COOK 50 42\r", &ms, &id), 0);  /* telnet's CRLF */
	assert_int_equal(ms, 50);
	assert_int_equal(id, 42);
	/* only the first len bytes count */
	assert_int_equal(kitchen_parse_ticket("COOK 50 123", 9, &ms, &id), 0);
	assert_int_equal(id, 1);
}

static void test_kitchen_parse_answer(void **state)
{
	(void)state;
	uint64_t id = 0;
	assert_int_equal(parse_answer("DONE 17", &id), 1);
	assert_int_equal(id, 17);
	assert_int_equal(parse_answer("DONE 18446744073709551615\r", &id), 1);
	assert_int_equal(id, UINT64_MAX);
	assert_int_equal(parse_answer("ERR 18 cook_ms out of range", &id), 0);
	assert_int_equal(id, 18);
	assert_int_equal(parse_answer("ERR 19", &id), 0);
	assert_int_equal(id, 19);

	static const char *const bad[] = {
		"", "DONE", "DONE ", "DONE x", "DONE 1 more", "DONE 1x", "done 1", "ERR",
		"ERR ", "ERR x", "ERR 5x", "ERR 5\tbad", "OK 1", "DONE 18446744073709551616",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = 7;
		if (parse_answer(bad[i], &id) != -EINVAL) {
			print_error("accepted a bad answer: \"%s\"\n", bad[i]);
			fail();
		}
		assert_int_equal(id, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kitchen_format_parse_round_trip),
		cmocka_unit_test(test_kitchen_parse_ticket_rejects),
		cmocka_unit_test(test_kitchen_parse_ticket_accepts),
		cmocka_unit_test(test_kitchen_parse_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
