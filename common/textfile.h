/* textfile.h: read a small file (a /proc entry, a child's JSON output) whole. */
#ifndef LUNCHRUSH_TEXTFILE_H
#define LUNCHRUSH_TEXTFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Up to cap - 1 bytes of path into buf, NUL-terminated, in one read. The length, or a
 * negative errno. */
ssize_t textfile_read(const char *path, char *buf, size_t cap);

#endif
