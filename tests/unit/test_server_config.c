/* test_server_config.c: the servers' command line (common/server_config.c): defaults,
 * every flag, strict numbers, model-specific flags, and what --help and refusals print.
 * stdout and stderr are captured into temporary files so the run stays readable and
 * the tests can assert on the text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server_config.h"

#define MAX_ARGS 32

static char out_text[8192]; /* what the last parse printed on stdout */
static char err_text[8192]; /* and on stderr */

/* Swap fd (1 or 2) for a temporary file; returns the saved descriptor. */
static int capture_begin(int fd, FILE **tmp)
{
	fflush(fd == 1 ? stdout : stderr);
	*tmp = tmpfile();
	assert_non_null(*tmp);
	int saved = dup(fd);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(*tmp), fd) >= 0);
	return saved;
}

static void capture_end(int fd, int saved, FILE *tmp, char *text, size_t cap)
{
	fflush(fd == 1 ? stdout : stderr);
	assert_true(dup2(saved, fd) >= 0);
	close(saved);
	rewind(tmp);
	size_t n = fread(text, 1, cap - 1, tmp);
	text[n] = '\0';
	fclose(tmp);
}

/* Parse "args" (space-separated, after the program name) for model, capturing output. */
static int parse(struct server_config *cfg, enum server_model model, const char *args)
{
	char buf[1024], *argv[MAX_ARGS + 1];
	int argc = 0;
	FILE *out_tmp, *err_tmp;

	argv[argc++] = model == MODEL_BLOCKING ? "bin/blocking" : "bin/evented";
	snprintf(buf, sizeof(buf), "%s", args);
	for (char *tok = strtok(buf, " "); tok != NULL && argc < MAX_ARGS; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	assert_true(argc < MAX_ARGS);
	argv[argc] = NULL;

	int saved_out = capture_begin(1, &out_tmp);
	int saved_err = capture_begin(2, &err_tmp);
	int rc = server_config_parse(cfg, model, argc, argv);
	capture_end(2, saved_err, err_tmp, err_text, sizeof(err_text));
	capture_end(1, saved_out, out_tmp, out_text, sizeof(out_text));
	return rc;
}

/* A refusal: return 2, nothing on stdout, first stderr line exactly want, then only
 * "try 'MODEL --help'" (the whole help is for --help alone, issue 18). */
static void assert_refused(enum server_model model, const char *args, const char *want)
{
	struct server_config cfg;
	char first[512];

	int rc = parse(&cfg, model, args);
	if (rc != 2)
		fail_msg("'%s' returned %d, not 2", args, rc);
	assert_string_equal(out_text, "");
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(err_text, "\n"), err_text);
	if (want != NULL)
		assert_string_equal(first, want);
	assert_null(strstr(err_text, "usage"));
	const char *second = strchr(err_text, '\n');
	assert_non_null(second);
	assert_string_equal(second + 1, model == MODEL_BLOCKING ? "try 'blocking --help'\n" : "try 'evented --help'\n");
}

static void test_server_config_parse_defaults(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING, ""), 0);
	assert_int_equal(cfg.model, MODEL_BLOCKING);
	assert_string_equal(cfg.host, "127.0.0.1");
	assert_int_equal(cfg.port, 8080);
	assert_int_equal(cfg.cook_ms, 50);
	assert_int_equal(cfg.work_us, 0);
	assert_string_equal(cfg.scoreboard, "");
	assert_int_equal(cfg.max_conns, 10000);
	assert_int_equal(cfg.idle_ms, 5000);
	assert_int_equal(cfg.header_timeout_ms, 10000);
	assert_int_equal(cfg.send_timeout_ms, 10000);
	assert_string_equal(cfg.kitchen_host, "");
	assert_int_equal(cfg.kitchen_timeout_ms, 5000);
	assert_false(cfg.quiet);
	assert_int_equal(cfg.threads, 4);
	assert_false(cfg.hold_connection);
	assert_int_equal(cfg.loops, 1);
	assert_int_equal(cfg.helpers, 0);
	assert_string_equal(out_text, "");
	assert_string_equal(err_text, "");

	assert_int_equal(parse(&cfg, MODEL_EVENTED, ""), 0);
	assert_int_equal(cfg.model, MODEL_EVENTED);
	assert_int_equal(cfg.loops, 1);
}

static void test_server_config_parse_shared_flags(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING,
			       "--host 0.0.0.0 --port 0 --cook-ms 60000 --work-us 1000000 --scoreboard my.board-1 "
			       "--max-conns 0 --idle-ms 0 --header-timeout-ms 0 --send-timeout-ms 7 --quiet"),
			 0);
	assert_string_equal(cfg.host, "0.0.0.0");
	assert_int_equal(cfg.port, 0);
	assert_int_equal(cfg.cook_ms, 60000);
	assert_int_equal(cfg.work_us, 1000000);
	assert_string_equal(cfg.scoreboard, "my.board-1");
	assert_int_equal(cfg.max_conns, 0);
	assert_int_equal(cfg.idle_ms, 0);
	assert_int_equal(cfg.header_timeout_ms, 0);
	assert_int_equal(cfg.send_timeout_ms, 7);
	assert_true(cfg.quiet);
}

static void test_server_config_parse_equals_form(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_EVENTED, "--port=9000 --cook-ms=0"), 0);
	assert_int_equal(cfg.port, 9000);
	assert_int_equal(cfg.cook_ms, 0);
}

static void test_server_config_parse_kitchen(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_EVENTED, "--kitchen 127.0.0.1:9090 --kitchen-timeout-ms 250"), 0);
	assert_string_equal(cfg.kitchen_host, "127.0.0.1");
	assert_int_equal(cfg.kitchen_port, 9090);
	assert_int_equal(cfg.kitchen_timeout_ms, 250);
	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--kitchen [::1]:9091"), 0);
	assert_string_equal(cfg.kitchen_host, "::1");
	assert_int_equal(cfg.kitchen_port, 9091);
	assert_refused(MODEL_BLOCKING, "--kitchen 127.0.0.1",
		       "blocking: --kitchen must be HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9090");
}

static void test_server_config_parse_host_brackets(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--host [::1]"), 0);
	assert_string_equal(cfg.host, "::1");
	assert_refused(MODEL_BLOCKING, "--host []", NULL);
	assert_refused(MODEL_BLOCKING,
		       "--host aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		       "blocking: --host must be an address or name of 1 to 63 characters");
}

static void test_server_config_parse_blocking_flags(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--threads 0 --hold-connection"), 0);
	assert_int_equal(cfg.threads, 0);
	assert_true(cfg.hold_connection);
	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--threads 10000"), 0);
	assert_int_equal(cfg.threads, 10000);
	assert_refused(MODEL_BLOCKING, "--threads 10001",
		       "blocking: --threads must be a count from 0 to 10000 (such as 20 or 1k), not '10001'");
}

static void test_server_config_parse_evented_flags(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_EVENTED, "--loops 64 --helpers 2"), 0);
	assert_int_equal(cfg.loops, 64);
	assert_int_equal(cfg.helpers, 2);
	assert_refused(MODEL_EVENTED, "--loops 0", "evented: --loops must be a count from 1 to 64 (such as 20 or 1k), not '0'");
	assert_refused(MODEL_EVENTED, "--loops 65", NULL);
	assert_refused(MODEL_EVENTED, "--helpers 65",
		       "evented: --helpers must be a count from 0 to 64 (such as 20 or 1k), not '65'");
}

static void test_server_config_parse_other_model_refused(void **state)
{
	(void)state;
	assert_refused(MODEL_BLOCKING, "--loops 2", "blocking: --loops is a flag of bin/evented");
	assert_refused(MODEL_BLOCKING, "--helpers 2", "blocking: --helpers is a flag of bin/evented");
	assert_refused(MODEL_EVENTED, "--threads 8", "evented: --threads is a flag of bin/blocking");
	assert_refused(MODEL_EVENTED, "--hold-connection", "evented: --hold-connection is a flag of bin/blocking");
	/* even without its value */
	assert_refused(MODEL_BLOCKING, "--loops", "blocking: --loops is a flag of bin/evented");
}

static void test_server_config_parse_bad_numbers(void **state)
{
	(void)state;
	const char *bad[] = { "", "-1", "+1", "1x", "0x10", "1.5", "99999999999999999999", "65536" };
	char args[128], want[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(args, sizeof(args), "--port=%s", bad[i]);
		snprintf(want, sizeof(want), "blocking: --port must be a whole number from 0 to 65535, not '%s'",
			 bad[i]);
		assert_refused(MODEL_BLOCKING, args, want);
	}
	assert_refused(MODEL_EVENTED, "--cook-ms 60001",
		       "evented: --cook-ms must be a time from 0 to 60000 ms (500, 500ms, 2s), not '60001'");
	assert_refused(MODEL_EVENTED, "--work-us 1000001",
		       "evented: --work-us must be a time from 0 to 1000000 us (500, 500ms, 2s), not '1000001'");
	assert_refused(MODEL_EVENTED, "--idle-ms 2h", NULL); /* 1h is now accepted: 3600000 ms is the cap */
	assert_refused(MODEL_EVENTED, "--max-conns -5", NULL);
	assert_refused(MODEL_EVENTED, "--kitchen-timeout-ms 0",
		       "evented: --kitchen-timeout-ms must be a time from 1 to 3600000 ms (500, 500ms, 2s), not '0'");
}

/* The *-ms and *-us flags take a time with a unit, the counts take k (common/units.h). */
static void test_server_config_parse_units(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--idle-ms 2s --cook-ms 500ms --header-timeout-ms 1m --work-us 1ms"
					       " --send-timeout-ms 250 --max-conns 20k --threads 1k --backlog 1k"), 0);
	assert_int_equal(cfg.idle_ms, 2000);
	assert_int_equal(cfg.cook_ms, 500);
	assert_int_equal(cfg.header_timeout_ms, 60000);
	assert_int_equal(cfg.work_us, 1000);
	assert_int_equal(cfg.send_timeout_ms, 250);
	assert_int_equal(cfg.max_conns, 20000);
	assert_int_equal(cfg.threads, 1000);
	assert_int_equal(cfg.backlog, 1000);
	assert_refused(MODEL_BLOCKING, "--idle-ms 1.5ms", NULL); /* not a whole millisecond */
	assert_refused(MODEL_BLOCKING, "--threads 1.5", NULL);
	assert_refused(MODEL_BLOCKING, "--port 1k", NULL);       /* a port is a port, not a count */
}

static void test_server_config_parse_bad_scoreboard(void **state)
{
	(void)state;
	const char *want = "blocking: --scoreboard NAME must be 1 to 64 of A-Z a-z 0-9 . _ - and not start with '.'";

	assert_refused(MODEL_BLOCKING, "--scoreboard ../etc/passwd", want);
	assert_refused(MODEL_BLOCKING, "--scoreboard .hidden", want);
	assert_refused(MODEL_BLOCKING, "--scoreboard a/b", want);
}

static void test_server_config_parse_unknown_and_missing(void **state)
{
	(void)state;
	assert_refused(MODEL_BLOCKING, "--nope", "blocking: unknown option '--nope'");
	assert_refused(MODEL_BLOCKING, "--nope=3", "blocking: unknown option '--nope'");
	assert_refused(MODEL_BLOCKING, "-x", "blocking: unknown option '-x'");
	assert_refused(MODEL_EVENTED, "--port", "evented: option '--port' needs a value");
	assert_refused(MODEL_EVENTED, "--quiet=yes", "evented: option '--quiet' takes no value");
}

static void test_server_config_parse_positional_refused(void **state)
{
	(void)state;
	assert_refused(MODEL_BLOCKING, "8080", "blocking: unexpected argument '8080': every setting is a --flag");
	assert_refused(MODEL_BLOCKING, "--port 1 extra",
		       "blocking: unexpected argument 'extra': every setting is a --flag");
}

static void test_server_config_parse_help(void **state)
{
	(void)state;
	struct server_config cfg;
	int lines = 0;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--port 1 --help"), 1);
	assert_string_equal(err_text, "");
	assert_memory_equal(out_text, "usage: bin/blocking", 19);
	for (char *line = out_text; *line; lines++) {
		size_t len = strcspn(line, "\n");
		if (len > 79)
			fail_msg("help line over 79 columns: %.*s", (int)len, line);
		line += len + (line[len] == '\n');
	}
	assert_true(lines <= 23);
	assert_non_null(strstr(out_text, "--threads N"));
	assert_non_null(strstr(out_text, "(8080)"));
	assert_null(strstr(out_text, "--loops"));
	assert_int_equal(parse(&cfg, MODEL_EVENTED, "-h"), 1);
	assert_non_null(strstr(out_text, "--loops N"));
	assert_null(strstr(out_text, "--threads"));
}

static void test_server_config_parse_version(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_EVENTED, "--version"), 1);
	assert_string_equal(out_text, "lunchrush evented " LUNCHRUSH_VERSION "\n");
	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "-V"), 1);
	assert_string_equal(out_text, "lunchrush blocking " LUNCHRUSH_VERSION "\n");
}

/* Each parse starts from the defaults and a fresh getopt state. */
static void test_server_config_parse_repeatable(void **state)
{
	(void)state;
	struct server_config cfg;

	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--port 1 --quiet"), 0);
	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--cook-ms 3"), 0);
	assert_int_equal(cfg.port, 8080);
	assert_false(cfg.quiet);
	assert_int_equal(cfg.cook_ms, 3);
}

static void test_server_config_scoreboard_name(void **state)
{
	(void)state;
	struct server_config cfg;
	char name[SCOREBOARD_NAME_MAX + 1];

	assert_int_equal(parse(&cfg, MODEL_EVENTED, "--port 0"), 0);
	server_config_scoreboard_name(&cfg, 41234, name, sizeof(name));
	assert_string_equal(name, "evented-41234");
	assert_int_equal(parse(&cfg, MODEL_BLOCKING, "--scoreboard lunch"), 0);
	server_config_scoreboard_name(&cfg, 41234, name, sizeof(name));
	assert_string_equal(name, "lunch");
	assert_string_equal(server_model_name(MODEL_BLOCKING), "blocking");
	assert_string_equal(server_model_name(MODEL_EVENTED), "evented");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_config_parse_defaults),
		cmocka_unit_test(test_server_config_parse_shared_flags),
		cmocka_unit_test(test_server_config_parse_equals_form),
		cmocka_unit_test(test_server_config_parse_kitchen),
		cmocka_unit_test(test_server_config_parse_host_brackets),
		cmocka_unit_test(test_server_config_parse_blocking_flags),
		cmocka_unit_test(test_server_config_parse_evented_flags),
		cmocka_unit_test(test_server_config_parse_other_model_refused),
		cmocka_unit_test(test_server_config_parse_bad_numbers),
		cmocka_unit_test(test_server_config_parse_bad_scoreboard),
		cmocka_unit_test(test_server_config_parse_unknown_and_missing),
		cmocka_unit_test(test_server_config_parse_positional_refused),
		cmocka_unit_test(test_server_config_parse_help),
		cmocka_unit_test(test_server_config_parse_version),
		cmocka_unit_test(test_server_config_parse_units),
		cmocka_unit_test(test_server_config_parse_repeatable),
		cmocka_unit_test(test_server_config_scoreboard_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
