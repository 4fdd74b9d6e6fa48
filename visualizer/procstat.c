/* procstat.c: see procstat.h. Parses /proc/PID/status by field name and /proc/PID/stat
 * after the last ')' (the command name may hold spaces and parentheses). */
#include "procstat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "textfile.h"

#define PROCSTAT_TASKS_MAX 1024


static long status_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	return p ? strtol(p + strlen(name), NULL, 10) : 0;
}

static uint64_t switches_in(const char *status_path)
{
	char buf[4096];
	if (textfile_read(status_path, buf, sizeof buf) < 0)
		return 0;
	return (uint64_t)status_field(buf, "\nvoluntary_ctxt_switches:") +
	       (uint64_t)status_field(buf, "\nnonvoluntary_ctxt_switches:");
}

/* /proc/PID/status counts the main thread's switches only: sum every thread's. Costs
 * one small read per thread, so at most PROCSTAT_TASKS_MAX threads are read. */
static uint64_t task_switches(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	uint64_t sum = 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < PROCSTAT_TASKS_MAX) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char status[96];
		snprintf(status, sizeof status, "/proc/%d/task/%.20s/status", (int)pid, e->d_name);
		sum += switches_in(status);
		n++;
	}
	closedir(d);
	return sum;
}

int procstat_read(pid_t pid, struct procstat *out)
{
	char path[64], buf[4096];
	memset(out, 0, sizeof *out);
	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	ssize_t n = textfile_read(path, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	out->threads = status_field(buf, "\nThreads:");
	out->rss_kb = status_field(buf, "\nVmRSS:");
	out->ctx_switches = task_switches(pid);

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	n = textfile_read(path, buf, sizeof buf);
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
