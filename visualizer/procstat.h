/* procstat.h: what /proc says about a process: threads, resident memory, CPU time,
 * context switches. Lesson 4 reads memory per thread and context switches from here. */
#ifndef LUNCHRUSH_PROCSTAT_H
#define LUNCHRUSH_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

struct procstat {
	long threads;           /* Threads: in /proc/PID/status */
	long rss_kb;            /* VmRSS: */
	uint64_t cpu_ns;        /* utime + stime from /proc/PID/stat */
	uint64_t ctx_switches;  /* voluntary + nonvoluntary, summed over the threads (first 1024) */
};

/* Read it; 0, or a negative errno (-ENOENT once the process is gone). Costs two small
 * file reads. */
int procstat_read(pid_t pid, struct procstat *out);

#define PROCSTAT_TREE_MAX 64   /* processes summed in one tree */

/* The same figures summed over pid and every process below it (nginx's workers, the
 * children of a command a shell started): a server seen from outside is its whole
 * tree. *processes says how many were summed. Costs a scan of /proc (one small read
 * per process on the machine): call it once a tick. 0 or a negative errno (-ENOENT
 * when pid itself is gone). */
int procstat_read_tree(pid_t pid, struct procstat *out, uint32_t *processes);

/* The whole machine's busy CPU time from the first line of /proc/stat ("cpu user nice
 * system idle iowait irq softirq steal ..."): user + nice + system + steal, in ns. Not
 * idle and iowait, nor irq and softirq, which the kernel charges to no process and
 * which our own loopback traffic causes. What a lesson step's free cores are counted
 * from (lesson_run.c). 0, or a negative errno (-EPROTO: not that line). */
int procstat_machine_busy(uint64_t *busy_ns);
/* The same from the text of /proc/stat; exposed for tests. */
int procstat_parse_machine_busy(const char *text, uint64_t *busy_ns);

#endif
