/* lesson_progress.c: the progress file (see lesson_progress.h). A handful of short
 * lines: read whole, changed in memory, written whole. */
#include "lesson_progress.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINES 128

static const char *const mark_words[] = { "none", "started", "done" };

int progress_path(char *buf, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (state && *state)
		snprintf(buf, len, "%s/lunchrush/progress", state);
	else if (home && *home)
		snprintf(buf, len, "%s/.local/state/lunchrush/progress", home);
	else
		return -ENOENT;
	return 0;
}

struct entry {
	char slug[64];
	enum lesson_mark mark;
};

static int load(struct entry *e, int max)
{
	char path[512], line[160];
	if (progress_path(path, sizeof path) < 0)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int n = 0;
	while (n < max && fgets(line, sizeof line, f)) {
		char slug[64], word[16];
		if (sscanf(line, "%63s %15s", slug, word) != 2)
			continue;
		for (int m = MARK_STARTED; m <= MARK_DONE; m++)
			if (strcmp(word, mark_words[m]) == 0) {
				snprintf(e[n].slug, sizeof e[n].slug, "%s", slug);
				e[n++].mark = (enum lesson_mark)m;
			}
	}
	fclose(f);
	return n;
}

enum lesson_mark progress_get(const char *slug)
{
	struct entry e[MAX_LINES];
	int n = load(e, MAX_LINES);
	for (int i = 0; i < n; i++)
		if (strcmp(e[i].slug, slug) == 0)
			return e[i].mark;
	return MARK_NONE;
}

/* mkdir -p of the folders above path. */
static int make_parents(const char *path)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int progress_set(const char *slug, enum lesson_mark mark)
{
	struct entry e[MAX_LINES + 1];
	char path[512], tmp[600];
	int rc = progress_path(path, sizeof path);
	if (rc < 0)
		return rc;
	int n = load(e, MAX_LINES), i;
	for (i = 0; i < n && strcmp(e[i].slug, slug) != 0; i++)
		;
	if (i == n) {
		snprintf(e[n].slug, sizeof e[n].slug, "%s", slug);
		e[n++].mark = MARK_NONE;
	}
	if (mark <= e[i].mark)
		return 0;
	e[i].mark = mark;
	if ((rc = make_parents(path)) < 0)
		return rc;
	snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -errno;
	for (int k = 0; k < n; k++)
		if (e[k].mark != MARK_NONE)
			fprintf(f, "%s %s\n", e[k].slug, mark_words[e[k].mark]);
	bool failed = ferror(f) != 0; /* an earlier write failed: fclose may not say so */
	if (fclose(f) != 0 || failed || rename(tmp, path) < 0) {
		rc = failed || errno == 0 ? -EIO : -errno;
		unlink(tmp);
		return rc;
	}
	return 0;
}

const char *progress_mark_text(enum lesson_mark mark)
{
	return mark == MARK_DONE ? "[x]" : mark == MARK_STARTED ? "[~]" : "[ ]";
}
