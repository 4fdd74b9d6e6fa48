/* textfile.c: see textfile.h. */
#include "textfile.h"

#include <errno.h>
#include <fcntl.h>
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
