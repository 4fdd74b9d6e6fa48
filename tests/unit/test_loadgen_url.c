/* test_loadgen_url.c: the load generator's URL parser, and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "../../loadgen/url.h"

static void test_url_parse_full(void **state)
{
	struct url u;
	char err[128] = "";
	(void)state;
	assert_int_equal(url_parse(&u, "http://127.0.0.1:8080/order?cook_ms=50&work_us=10", err, sizeof err), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 8080);
	assert_false(u.ipv6);
	assert_string_equal(u.path, "/order");
	assert_string_equal(u.query, "cook_ms=50&work_us=10");
	assert_string_equal(u.authority, "127.0.0.1:8080");
}

static void test_url_parse_defaults(void **state)
{
	struct url u;
	(void)state;
	assert_int_equal(url_parse(&u, "http://localhost", NULL, 0), 0);
	assert_string_equal(u.host, "localhost");
	assert_int_equal(u.port, 80);
	assert_string_equal(u.path, "/");
	assert_string_equal(u.query, "");
	assert_string_equal(u.authority, "localhost"); /* port 80 is not written in Host */

	assert_int_equal(url_parse(&u, "HTTP://localhost:81?x=1", NULL, 0), 0);
	assert_string_equal(u.path, "/");
	assert_string_equal(u.query, "x=1");
	assert_string_equal(u.authority, "localhost:81");
}

static void test_url_parse_ipv6(void **state)
{
	struct url u;
	(void)state;
	assert_int_equal(url_parse(&u, "http://[::1]:9000/a/b", NULL, 0), 0);
	assert_true(u.ipv6);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 9000);
	assert_string_equal(u.path, "/a/b");
	assert_string_equal(u.authority, "[::1]:9000");

	assert_int_equal(url_parse(&u, "http://[::1]/", NULL, 0), 0);
	assert_int_equal(u.port, 80);
	assert_string_equal(u.authority, "[::1]");
}

static void test_url_parse_drops_fragment(void **state)
{
	struct url u;
	(void)state;
	assert_int_equal(url_parse(&u, "http://127.0.0.1:1/p?q=1#frag", NULL, 0), 0);
	assert_string_equal(u.path, "/p");
	assert_string_equal(u.query, "q=1");
	assert_int_equal(url_parse(&u, "http://127.0.0.1:1#frag", NULL, 0), 0);
	assert_string_equal(u.path, "/");
}

/* Each bad URL is refused with -EINVAL and a reason that names the problem. */
static void expect_error(const char *url, const char *words)
{
	struct url u;
	char err[160] = "";
	int rc = url_parse(&u, url, err, sizeof err);
	print_message("%-40s -> %s\n", url, err);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(err, words));
}

static void test_url_parse_errors(void **state)
{
	(void)state;
	expect_error("", "empty");
	expect_error("127.0.0.1:8080/", "must start with http://");
	expect_error("ftp://127.0.0.1/", "must start with http://");
	expect_error("https://127.0.0.1/", "https is not supported");
	expect_error("http://", "no host");
	expect_error("http:///order", "no host");
	expect_error("http://:8080/", "no host");
	expect_error("http://127.0.0.1:/", "empty port");
	expect_error("http://127.0.0.1:0/", "out of range");
	expect_error("http://127.0.0.1:65536/", "out of range");
	expect_error("http://127.0.0.1:99999999999/", "out of range");
	expect_error("http://127.0.0.1:80a/", "not a number");
	expect_error("http://[::1/", "closing ']'");
	expect_error("http://[]:80/", "empty IPv6");
	expect_error("http://[::1]x/", "after the IPv6");
	expect_error("http://::1:80/", "brackets");
	expect_error("http://user@127.0.0.1/", "user names");
	expect_error("http://127.0.0.1/a b", "not allowed");
	expect_error("http://127.0.0.1/a\tb", "not allowed");
	expect_error("http://exa$mple/", "not allowed in host");
}

static void test_url_parse_limits(void **state)
{
	char url[URL_PATH_MAX + 64];
	struct url u;
	(void)state;
	strcpy(url, "http://127.0.0.1/");
	memset(url + strlen(url), 'a', URL_PATH_MAX);
	url[17 + URL_PATH_MAX] = '\0';
	assert_int_equal(url_parse(&u, url, NULL, 0), -EINVAL); /* path of URL_PATH_MAX + 1 */
	url[16 + URL_PATH_MAX] = '\0';
	assert_int_equal(url_parse(&u, url, NULL, 0), 0);       /* exactly URL_PATH_MAX */
	assert_int_equal(strlen(u.path), URL_PATH_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_parse_full),
		cmocka_unit_test(test_url_parse_defaults),
		cmocka_unit_test(test_url_parse_ipv6),
		cmocka_unit_test(test_url_parse_drops_fragment),
		cmocka_unit_test(test_url_parse_errors),
		cmocka_unit_test(test_url_parse_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
