/* cli.h: what every program says the same way on its command line: its version and a
 * refused flag (wrk, oha and coreutils conventions, issue 18).
 *
 *   $ bin/PROG --version        lunchrush PROG 0.2.0            (stdout, exit 0)
 *   $ bin/PROG --x              PROG: unknown option '--x'      (stderr, exit 2)
 *                               try 'PROG --help'
 *
 * The whole help is printed only on --help: a mistake gets one line and the way on.
 */
#ifndef LUNCHRUSH_CLI_H
#define LUNCHRUSH_CLI_H

#include <stddef.h>

#define LUNCHRUSH_VERSION "0.2.0"
#define CLI_USAGE_EXIT 2  /* a usage error, as getopt-based tools exit */

/* "lunchrush PROG 0.2.0" on stdout. */
void cli_version(const char *prog);

/* "PROG: <reason>" then "try 'PROG --help'" on stderr; returns CLI_USAGE_EXIT. */
int cli_usage_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The refusal for what getopt_long returned as c (':' or '?', with opterr = 0 and
 * optopt/optind as it left them): "unknown option '--x'", "option '--x' needs a value"
 * or "option '--x' takes no value". Returns CLI_USAGE_EXIT. */
int cli_bad_option(const char *prog, char **argv, int c);

/* The option as typed for a message: "--foo" from "--foo=bar", or "-x" for a short one
 * (optopt, possibly inside a cluster such as "-vx"). */
void cli_typed_option(char *out, size_t cap, char **argv, int c_optopt);

#endif
