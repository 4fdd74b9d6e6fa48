/* test_cli.c: every program answers its command line the same way (issue 18): -V prints
 * "lunchrush PROG VERSION", a bad flag prints one line and "try 'PROG --help'" and exits
 * 2 with nothing on stdout, --help goes to stdout alone, and counts and times are read
 * by the one parser of common/units.c ("1k", "1.5" refused, "500ms").
 *
 * A count flag is checked without starting anything: "--stoves 1k --no-such-flag" must
 * fail on the unknown flag, which getopt reaches only once 1k was taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "../lib/testlib.h"

struct program {
	const char *bin;       /* the file in bin/ */
	const char *sub;       /* a subcommand word, or NULL */
	const char *name;      /* how it names itself in messages */
	const char *count;     /* a flag taking a count, or NULL when it has none */
	const char *time;      /* a flag taking a time, or NULL */
	const char *time_unit; /* a time in the units that flag accepts */
};

static const struct program programs[] = {
	{ "blocking", NULL, "blocking", "--max-conns", "--idle-ms", "2s" },
	{ "evented", NULL, "evented", "--max-conns", "--header-timeout-ms", "1.5s" },
	{ "kitchen", NULL, "kitchen", "--stoves", NULL, NULL },
	{ "loadgen", NULL, "loadgen", "--connections", "--duration", "500ms" },
	{ "loadgen", "merge", "loadgen merge", NULL, NULL, NULL },
	{ "simulate", NULL, "simulate", "--connections", "--duration", "500ms" },
	{ "dashboard", NULL, "dashboard", NULL, "--duration", "2m" },
};
#define NPROGRAMS (sizeof programs / sizeof programs[0])

static char out[16384], err[16384];

/* Run p with up to three words; the exit status, or -1 when it did not exit. */
static int run(const struct program *p, const char *a, const char *b, const char *c)
{
	char *argv[6];
	int n = 0;

	argv[n++] = (char *)test_bin(p->bin);
	if (p->sub)
		argv[n++] = (char *)p->sub;
	argv[n++] = (char *)a;
	argv[n++] = (char *)b;
	argv[n++] = (char *)c;
	argv[n] = NULL;
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 10000);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The refusal is exactly two lines on stderr: first, then the way on; nothing on stdout. */
static void assert_refusal(const struct program *p, int rc, const char *first)
{
	char want[512];

	print_message("    %s: %.*s\n", p->name, (int)strcspn(err, "\n"), err);
	assert_int_equal(rc, CLI_USAGE_EXIT);
	assert_string_equal(out, "");
	if (first)
		snprintf(want, sizeof want, "%s: %s\ntry '%s --help'\n", p->name, first, p->name);
	else /* any reason, but one line of it */
		snprintf(want, sizeof want, "%.*s\ntry '%s --help'\n", (int)strcspn(err, "\n"), err, p->name);
	assert_string_equal(err, want);
}

static void test_cli_every_program_prints_its_version_alike(void **state)
{
	char want[128];
	(void)state;
	for (size_t i = 0; i < NPROGRAMS; i++) {
		const struct program *p = &programs[i];
		snprintf(want, sizeof want, "lunchrush %s %s\n", p->bin, LUNCHRUSH_VERSION);
		assert_int_equal(run(p, "-V", NULL, NULL), 0);
		assert_string_equal(out, want);
		assert_int_equal(run(p, "--version", NULL, NULL), 0);
		assert_string_equal(out, want);
		assert_string_equal(err, "");
	}
}

static void test_cli_every_program_refuses_a_bad_flag_in_one_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPROGRAMS; i++) {
		const struct program *p = &programs[i];
		assert_refusal(p, run(p, "--no-such-flag", NULL, NULL), "unknown option '--no-such-flag'");
		assert_refusal(p, run(p, "--help=yes", NULL, NULL), "option '--help' takes no value");
		assert_refusal(p, run(p, "-Z", NULL, NULL), "unknown option '-Z'");
	}
}

static void test_cli_every_program_helps_on_stdout_only(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPROGRAMS; i++) {
		const struct program *p = &programs[i];
		assert_int_equal(run(p, "--help", NULL, NULL), 0);
		assert_string_equal(err, "");
		assert_true(strlen(out) > 100);
		assert_non_null(strstr(out, "-V, --version"));
		assert_int_equal(run(p, "-h", NULL, NULL), 0);
		assert_true(strlen(out) > 100);
	}
}

/* 1k is a count everywhere; 1.5 is not (a count is whole), and the refusal names it. */
static void test_cli_every_count_flag_takes_1k(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPROGRAMS; i++) {
		const struct program *p = &programs[i];
		if (!p->count)
			continue;
		assert_refusal(p, run(p, p->count, "1k", "--no-such-flag"), "unknown option '--no-such-flag'");
		assert_refusal(p, run(p, p->count, "1.5", NULL), NULL);
		assert_non_null(strstr(err, p->count));
		assert_non_null(strstr(err, "'1.5'"));
	}
}

static void test_cli_every_time_flag_takes_a_unit(void **state)
{
	(void)state;
	for (size_t i = 0; i < NPROGRAMS; i++) {
		const struct program *p = &programs[i];
		if (!p->time)
			continue;
		assert_refusal(p, run(p, p->time, p->time_unit, "--no-such-flag"), "unknown option '--no-such-flag'");
		assert_refusal(p, run(p, p->time, "10parsecs", NULL), NULL);
		assert_non_null(strstr(err, p->time));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_every_program_prints_its_version_alike),
		cmocka_unit_test(test_cli_every_program_refuses_a_bad_flag_in_one_line),
		cmocka_unit_test(test_cli_every_program_helps_on_stdout_only),
		cmocka_unit_test(test_cli_every_count_flag_takes_1k),
		cmocka_unit_test(test_cli_every_time_flag_takes_a_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
