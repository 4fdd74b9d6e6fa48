/* textfile.c: see textfile.h. */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t textfile_read(const char *path, char *buf, size_t cap)
{
	if (cap == 0)
		return -EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, cap - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return n;
}

char *textfile_read_capped(const char *path, size_t cap, size_t *len, int *err)
{
	*len = 0;
	*err = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	char *buf = malloc(cap + 2);
	size_t used = 0;
	if (!buf) {
		*err = -ENOMEM;
		goto out_close;
	}
	while (used <= cap) { /* one byte more than cap tells "larger" from "exactly cap" */
		ssize_t n = read(fd, buf + used, cap + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > cap) {
		*err = -EFBIG;
		goto out_free;
	}
	if (memchr(buf, '\0', used)) {
		*err = -EILSEQ;
		goto out_free;
	}
	buf[used] = '\0';
	close(fd);
	*len = used;
	return buf;

out_free:
	free(buf);
out_close:
	close(fd);
	return NULL;
}
