/* test_loadgen_mix.c: the mixed menu (--mix): parsing, the shares drawn from the seed,
 * the same sequence for the same seed, and each kind's request text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../loadgen/mix.h"
#include "../../loadgen/url.h"

static void test_mix_parse_kinds_and_refusals(void **state)
{
	struct mix m;
	char err[160];
	(void)state;
	assert_int_equal(mix_parse(&m, "work_us=40000:5,work_us=0:95", err, sizeof err), 0);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.kind[0].name, "work_us=40000");
	assert_int_equal(m.kind[0].work_us, 40000);
	assert_int_equal(m.kind[0].cook_ms, PARAM_ABSENT);
	assert_int_equal(m.kind[1].share, 95);
	assert_int_equal(mix_parse(&m, "cook_ms=5&flavour=hot:50,cook_ms=0:50", err, sizeof err), 0);
	assert_int_equal(m.kind[0].extra.n, 1);
	assert_string_equal(m.kind[0].extra.p[0].key, "flavour");
	static const char *const bad[] = { "work_us=1:50", "work_us=1:50,work_us=2:60", "work_us=1", ":100",
					   "work_us=x:100", "work_us=2000000:100", "work_us=1:0,work_us=2:100",
					   "a=1:10,b=1:10,c=1:10,d=1:10,e=1:10,f=1:10,g=1:10,h=1:10,i=1:20", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = mix_parse(&m, bad[i], err, sizeof err);
		print_message("--mix '%s': %s\n", bad[i], rc ? err : "accepted");
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err, "--mix"));
	}
}

static void test_mix_draw_shares_and_same_seed(void **state)
{
	struct mix m;
	char err[160];
	unsigned count[2] = { 0, 0 }, differ = 0;
	(void)state;
	assert_int_equal(mix_parse(&m, "work_us=40000:5,work_us=0:95", err, sizeof err), 0);
	for (uint64_t i = 0; i < 100000; i++) {
		unsigned k = mix_draw(&m, 42, 0, i);
		assert_true(k < 2);
		count[k]++;
		assert_int_equal(k, mix_draw(&m, 42, 0, i)); /* the same seed and number: the same kind */
		differ += k != mix_draw(&m, 43, 0, i);
	}
	print_message("5 %% kind drawn %u times in 100,000; another seed differs %u times\n", count[0], differ);
	assert_in_range(count[0], 4700, 5300);
	assert_true(differ > 5000);
}

static void test_mix_reqtext_has_the_kind(void **state)
{
	struct mix m;
	struct url u;
	struct query q = { 0 };
	char err[160];
	(void)state;
	assert_int_equal(url_parse(&u, "http://127.0.0.1:8080/order", err, sizeof err), 0);
	assert_int_equal(mix_parse(&m, "work_us=40000&side=fries:5,work_us=0:95", err, sizeof err), 0);
	struct reqtext *r = mix_reqtext(&m.kind[0], &u, &q, 50, 7, true, NULL);
	assert_non_null(r);
	print_message("%s", r->bytes);
	assert_non_null(strstr(r->bytes, "GET /order?side=fries&cook_ms=50&work_us=40000 HTTP/1.1\r\n"));
	reqtext_free_all(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mix_parse_kinds_and_refusals),
		cmocka_unit_test(test_mix_draw_shares_and_same_seed),
		cmocka_unit_test(test_mix_reqtext_has_the_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
