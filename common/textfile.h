/* textfile.h: read a small file (a /proc entry, a child's JSON output, a lesson or a
 * scenario) whole, never more than a cap. */
#ifndef LUNCHRUSH_TEXTFILE_H
#define LUNCHRUSH_TEXTFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Up to cap - 1 bytes of path into buf, NUL-terminated, in one read. The length, or a
 * negative errno. */
ssize_t textfile_read(const char *path, char *buf, size_t cap);

/* A whole text file of at most cap bytes, read in chunks into a new NUL-terminated
 * buffer (*len its length; the caller frees it). Never reads more than cap + 1 bytes,
 * so /dev/zero or a huge file costs nothing: NULL with *err = -EFBIG when larger, or
 * -EILSEQ when it holds a NUL byte (not text), or the open/read errno. */
char *textfile_read_capped(const char *path, size_t cap, size_t *len, int *err);

#endif
