/* test_units.c: the shared parsers of durations, counts and rates (common/units.c) and
 * the version and refusal lines of common/cli.c: one behaviour per test. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "units.h"

static uint64_t dur(const char *s, uint64_t bare)
{
	uint64_t ns = 12345;
	assert_int_equal(units_parse_duration_ns(s, bare, UINT64_MAX, &ns), 0);
	return ns;
}

static void test_units_duration_suffixes(void **state)
{
	(void)state;
	assert_int_equal(dur("250us", UNITS_NS_PER_S), 250000ULL);
	assert_int_equal(dur("500ms", UNITS_NS_PER_S), 500000000ULL);
	assert_int_equal(dur("1.5s", UNITS_NS_PER_S), 1500000000ULL);
	assert_int_equal(dur("2m", UNITS_NS_PER_S), 120000000000ULL);
	assert_int_equal(dur("1h", UNITS_NS_PER_S), 3600000000000ULL);
	assert_int_equal(dur("0", UNITS_NS_PER_S), 0);
}

static void test_units_duration_bare_number_takes_the_flags_unit(void **state)
{
	(void)state;
	assert_int_equal(dur("10", UNITS_NS_PER_S), 10000000000ULL);
	assert_int_equal(dur("10", UNITS_NS_PER_MS), 10000000ULL);
	assert_int_equal(dur("10", UNITS_NS_PER_US), 10000ULL);
	assert_int_equal(dur("0.5", UNITS_NS_PER_S), 500000000ULL);
}

static void test_units_duration_refuses_junk(void **state)
{
	static const char *bad[] = { "", "s", "10x", "10 s", "1e3s", "0x10", "inf", "nan", "10sec", "ms10", "1.5.2s" };
	uint64_t ns;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(units_parse_duration_ns(bad[i], UNITS_NS_PER_S, UINT64_MAX, &ns), -EINVAL);
	}
	assert_int_equal(units_parse_duration_ns("-1s", UNITS_NS_PER_S, UINT64_MAX, &ns), -ERANGE);
	assert_int_equal(units_parse_duration_ns("2h", UNITS_NS_PER_S, 3600 * UNITS_NS_PER_S, &ns), -ERANGE);
}

static void test_units_duration_in_whole_units(void **state)
{
	uint64_t ms = 0;
	(void)state;
	assert_int_equal(units_parse_duration_in("2s", UNITS_NS_PER_MS, 0, 3600000, &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(units_parse_duration_in("500", UNITS_NS_PER_MS, 0, 3600000, &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(units_parse_duration_in("500ms", UNITS_NS_PER_MS, 0, 3600000, &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(units_parse_duration_in("1.5ms", UNITS_NS_PER_MS, 0, 3600000, &ms), -EINVAL);
	assert_int_equal(units_parse_duration_in("2h", UNITS_NS_PER_MS, 0, 3600000, &ms), -ERANGE);
	assert_int_equal(units_parse_duration_in("0", UNITS_NS_PER_MS, 1, 3600000, &ms), -ERANGE);
}

static void test_units_count_suffixes(void **state)
{
	uint64_t n = 0;
	(void)state;
	assert_int_equal(units_parse_count("1k", 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 1000);
	assert_int_equal(units_parse_count("20K", 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 20000);
	assert_int_equal(units_parse_count("1.5M", 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 1500000);
	assert_int_equal(units_parse_count("2G", 0, UINT64_MAX, &n), 0);
	assert_int_equal(n, 2000000000ULL);
	assert_int_equal(units_parse_count("18446744073709551615", 0, UINT64_MAX, &n), 0);
	assert_true(n == UINT64_MAX); /* exact, not through a double */
}

static void test_units_count_refuses_fractions_and_junk(void **state)
{
	static const char *bad[] = { "", "k", "1.5", "1.0005k", "-1", "+1", " 1", "1m", "1kk", "1e3", "0x10", "1." };
	uint64_t n;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(units_parse_count(bad[i], 0, UINT64_MAX, &n), -EINVAL);
	}
	assert_int_equal(units_parse_count("18446744073709551616", 0, UINT64_MAX, &n), -ERANGE);
	assert_int_equal(units_parse_count("20000000000G", 0, UINT64_MAX, &n), -ERANGE);
	assert_int_equal(units_parse_count("2k", 1, 1000, &n), -ERANGE);
	assert_int_equal(units_parse_count("0", 1, 1000, &n), -ERANGE);
}

static void test_units_rate(void **state)
{
	double r = 0;
	(void)state;
	assert_int_equal(units_parse_rate("1.5k", 1e7, 0, &r), 0);
	assert_true(r == 1500.0);
	assert_int_equal(units_parse_rate("0.5", 1e7, 0, &r), 0);
	assert_true(r == 0.5);
	assert_int_equal(units_parse_rate("1e4", 1e7, 0, &r), 0);
	assert_true(r == 10000.0);
	assert_int_equal(units_parse_rate("0", 1e7, 0, &r), -ERANGE);
	assert_int_equal(units_parse_rate("0", 1e7, 1, &r), 0);
	assert_int_equal(units_parse_rate("20M", 1e7, 0, &r), -ERANGE);
	assert_int_equal(units_parse_rate("-5", 1e7, 0, &r), -EINVAL);
	assert_int_equal(units_parse_rate("5/s", 1e7, 0, &r), -EINVAL);
	assert_int_equal(units_parse_rate("inf", 1e7, 0, &r), -EINVAL);
}

static void test_cli_usage_error_is_one_line_and_the_way_on(void **state)
{
	char text[256] = "";
	FILE *tmp = tmpfile();
	(void)state;
	assert_non_null(tmp);
	fflush(stderr);
	FILE *saved = stderr;
	stderr = tmp;
	int rc = cli_usage_error("kitchen", "unknown option '%s'", "--x");
	stderr = saved;
	rewind(tmp);
	size_t n = fread(text, 1, sizeof text - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
	assert_int_equal(rc, 2);
	assert_string_equal(text, "kitchen: unknown option '--x'\ntry 'kitchen --help'\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_duration_suffixes),
		cmocka_unit_test(test_units_duration_bare_number_takes_the_flags_unit),
		cmocka_unit_test(test_units_duration_refuses_junk),
		cmocka_unit_test(test_units_duration_in_whole_units),
		cmocka_unit_test(test_units_count_suffixes),
		cmocka_unit_test(test_units_count_refuses_fractions_and_junk),
		cmocka_unit_test(test_units_rate),
		cmocka_unit_test(test_cli_usage_error_is_one_line_and_the_way_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
