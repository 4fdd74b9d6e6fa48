/* procstat.c: see procstat.h. Parses /proc/PID/status by field name and /proc/PID/stat
 * after the last ')' (the command name may hold spaces and parentheses). */
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t read_file(const char *path, char *buf, size_t cap)
{
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

static long status_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	return p ? strtol(p + strlen(name), NULL, 10) : 0;
}

int procstat_read(pid_t pid, struct procstat *out)
{
	char path[64], buf[4096];
	memset(out, 0, sizeof *out);
	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	ssize_t n = read_file(path, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	out->threads = status_field(buf, "\nThreads:");
	out->rss_kb = status_field(buf, "\nVmRSS:");
	out->ctx_switches = (uint64_t)status_field(buf, "\nvoluntary_ctxt_switches:") +
			    (uint64_t)status_field(buf, "\nnonvoluntary_ctxt_switches:");

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	n = read_file(path, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	const char *p = strrchr(buf, ')');
	if (!p)
		return -EPROTO;
	/* after ')': state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime(14) stime(15) */
	unsigned long long utime = 0, stime = 0;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return -EPROTO;
	long hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		hz = 100;
	out->cpu_ns = (utime + stime) * (1000000000ULL / (unsigned long long)hz);
	return 0;
}
