/* errmsg.h: a one-line reason into a caller's buffer, for parsers that return an error
 * code and leave the wording to the caller's message ("bad value for --x: <reason>"). */
#ifndef LUNCHRUSH_ERRMSG_H
#define LUNCHRUSH_ERRMSG_H

#include <stddef.h>

/* Format the reason into err (when err and errlen are given) and return rc. */
int errmsg_fail(char *err, size_t errlen, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
