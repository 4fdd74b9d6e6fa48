/* cli.c: the version line and the one-line refusal of every program (see cli.h). */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cli_version(const char *prog)
{
	printf("lunchrush %s %s\n", prog, LUNCHRUSH_VERSION);
}

int cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\ntry '%s --help'\n", prog);
	return CLI_USAGE_EXIT;
}

/* getopt leaves optind past the word it refused, except for a short option inside a
 * cluster ("-vx"), where the word is still argv[optind]; optopt names the letter then. */
void cli_typed_option(char *out, size_t cap, char **argv, int c_optopt)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (c_optopt > 0 && c_optopt < 256 && strncmp(arg, "--", 2) != 0) {
		snprintf(out, cap, "-%c", c_optopt);
		return;
	}
	snprintf(out, cap, "%.*s", (int)strcspn(arg, "="), arg);
}

int cli_bad_option(const char *prog, char **argv, int c)
{
	char typed[64];

	cli_typed_option(typed, sizeof typed, argv, optopt);
	if (c == ':')
		return cli_usage_error(prog, "option '%s' needs a value", typed);
	if (optopt != 0 && strncmp(typed, "--", 2) == 0) /* a known long flag given "=value" */
		return cli_usage_error(prog, "option '%s' takes no value", typed);
	return cli_usage_error(prog, "unknown option '%s'", typed);
}
