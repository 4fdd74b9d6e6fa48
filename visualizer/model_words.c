/* model_words.c: see model_words.h. */
#include "model_words.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "textfile.h"

/* Is the process stopped (state T: SIGSTOP, Ctrl-Z, a debugger)? From /proc/PID/stat. */
static bool process_stopped(pid_t pid)
{
	char path[48], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (textfile_read(path, buf, sizeof buf) <= 0)
		return false;
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

/* Why a mapped writer is not live, in words: shut down, exited, stopped, or silent. */
void model_words_not_live(const struct scoreboard_header *h, const char *what, uint64_t now_ns, char *buf,
			     size_t len)
{
	pid_t pid = (pid_t)SB_GET(h->pid);
	uint64_t beat = SB_GET(h->heartbeat_ns);
	double silent_s = now_ns > beat ? (now_ns - beat) / 1e9 : 0;
	if (!SB_GET(h->alive))
		snprintf(buf, len, "the %s (pid %d) has shut down", what, (int)pid);
	else if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH)
		snprintf(buf, len, "the %s (pid %d) has exited without closing its scoreboard (crashed or killed)",
			 what, (int)pid);
	else if (pid > 0 && process_stopped(pid))
		snprintf(buf, len, "the %s (pid %d) is stopped (SIGSTOP or Ctrl-Z): no heartbeat for %.0f s; "
			 "kill -CONT %d resumes it", what, (int)pid, silent_s, (int)pid);
	else
		snprintf(buf, len, "the %s (pid %d) has not updated its scoreboard for %.0f s: hung or frozen", what,
			 (int)pid, silent_s);
}

void model_words_kitchen(uint64_t down, uint64_t *prev, char *buf, size_t len)
{
	uint64_t seen = down + 1; /* kept one up: 0 in *prev means no baseline yet */
	buf[0] = '\0';
	if (*prev && seen > *prev)
		snprintf(buf, len, "the kitchen is not answering: %llu orders failed with 502 in the last second",
			 (unsigned long long)(seen - *prev));
	*prev = seen;
}
