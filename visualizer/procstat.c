/* procstat.c: see procstat.h. Parses /proc/PID/status by field name and /proc/PID/stat
 * after the last ')' (the command name may hold spaces and parentheses). */
#include "procstat.h"

#include <dirent.h>
#include <stdbool.h>
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

/* The parent of pid from /proc/PID/stat (field 4, after the ')'), or -1. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (textfile_read(path, buf, sizeof buf) < 0)
		return -1;
	const char *p = strrchr(buf, ')');
	int ppid;
	if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return -1;
	return (pid_t)ppid;
}

/* pid, then its descendants breadth first: every pass over /proc adds the children of
 * those found so far (a tree of depth d costs d passes; servers are one or two deep). */
static int tree_members(pid_t root, pid_t *members, int cap)
{
	int n = 0;
	members[n++] = root;
	for (int depth = 0; depth < 4; depth++) {
		int before = n;
		DIR *d = opendir("/proc");
		if (!d)
			break;
		struct dirent *e;
		while ((e = readdir(d)) != NULL && n < cap) {
			if (e->d_name[0] < '0' || e->d_name[0] > '9')
				continue;
			pid_t pid = (pid_t)atoi(e->d_name), pp = parent_of(pid);
			bool known = false, child = false;
			for (int i = 0; i < n && !known; i++)
				known = members[i] == pid;
			for (int i = 0; i < n && !child && pp > 0; i++)
				child = members[i] == pp;
			if (child && !known)
				members[n++] = pid;
		}
		closedir(d);
		if (n == before)
			break;
	}
	return n;
}

int procstat_read_tree(pid_t pid, struct procstat *out, uint32_t *processes)
{
	pid_t members[PROCSTAT_TREE_MAX];
	memset(out, 0, sizeof *out);
	*processes = 0;
	int rc = procstat_read(pid, out);
	if (rc < 0)
		return rc;
	*processes = 1;
	int n = tree_members(pid, members, PROCSTAT_TREE_MAX);
	for (int i = 1; i < n; i++) {
		struct procstat one;
		if (procstat_read(members[i], &one) < 0)
			continue; /* gone meanwhile */
		out->threads += one.threads;
		out->rss_kb += one.rss_kb;
		out->cpu_ns += one.cpu_ns;
		out->ctx_switches += one.ctx_switches;
		(*processes)++;
	}
	return 0;
}

int procstat_parse_machine_busy(const char *text, uint64_t *busy_ns)
{
	unsigned long long v[8] = { 0 };
	*busy_ns = 0;
	int n = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		       &v[6], &v[7]);
	long hz = sysconf(_SC_CLK_TCK);
	if (n < 5 || hz <= 0)
		return -EPROTO;
	static const int busy_cols[] = { 0, 1, 2, 7 }; /* user, nice, system, steal */
	unsigned long long ticks = 0;
	for (size_t i = 0; i < sizeof busy_cols / sizeof busy_cols[0]; i++)
		ticks += v[busy_cols[i]];
	*busy_ns = ticks * (1000000000ULL / (unsigned long long)hz);
	return 0;
}

int procstat_machine_busy(uint64_t *busy_ns)
{
	char buf[1024]; /* the first line is all that is read */
	*busy_ns = 0;
	ssize_t n = textfile_read("/proc/stat", buf, sizeof buf);
	if (n < 0)
		return (int)n;
	return procstat_parse_machine_busy(buf, busy_ns);
}
