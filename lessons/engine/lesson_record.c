/* lesson_record.c: write and read a lesson's measurements (see lesson_record.h). The
 * figures are named as the checks name them, through lesson_vars.c's table, so a
 * recording stays readable by eye and survives a new figure being added.
 */
#include "lesson_record.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "textfile.h"

#define RECORD_FILE_MAX (1024 * 1024)

void lesson_record_header(FILE *out, const struct lesson *l, bool live)
{
	char when[40];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(out, "%s\nlesson %s\nrecorded %s\ndurations %s\n", LESSON_RECORD_MAGIC, l->slug, when,
		live ? "live" : "check");
}

void lesson_record_step(FILE *out, int step, const struct step_result *r)
{
	if (!r->ran)
		return;
	fprintf(out, "step %d free_cores %.6g\n", step + 1, r->free_cores);
	for (int side = 0; side < SIDE_COUNT; side++) {
		const struct measured_side *m = &r->measured[side];
		fprintf(out, "step %d side %s %d %d %d %.6g\n", step + 1, arena_side_name(side), m->server, m->loadgen,
			m->process, m->window_s);
		size_t off;
		for (size_t i = 0; lesson_measured_field(i, &off); i++)
			fprintf(out, "step %d measured %s %s %.9g\n", step + 1, arena_side_name(side),
				lesson_measured_field(i, &off), *(const double *)((const char *)m + off));
	}
}

static int side_index(const char *s)
{
	for (int i = 0; i < SIDE_COUNT; i++)
		if (strcmp(s, arena_side_name(i)) == 0)
			return i;
	return -1;
}

static double *field_ptr(struct measured_side *m, const char *name)
{
	size_t off;
	const char *n;
	for (size_t i = 0; (n = lesson_measured_field(i, &off)) != NULL; i++)
		if (strcmp(n, name) == 0)
			return (double *)((char *)m + off);
	return NULL;
}

/* One "step N ..." line into res. 0 or -EINVAL with the reason in why. */
static int read_line(char *line, const struct lesson *l, struct step_result *res, char *why, size_t len)
{
	char what[16], a[32], b[40];
	int step, n, srv, lg, proc;
	double v;
	if (sscanf(line, "step %d %15s%n", &step, what, &n) != 2 || step < 1 || step > l->n_steps)
		return snprintf(why, len, "not a step line of this lesson's %d steps", l->n_steps), -EINVAL;
	struct step_result *r = &res[step - 1];
	char *rest = line + n;
	if (strcmp(what, "free_cores") == 0 && sscanf(rest, "%lf", &v) == 1) {
		r->free_cores = v;
		r->ran = true;
		return 0;
	}
	if (strcmp(what, "side") == 0 && sscanf(rest, "%31s %d %d %d %lf", a, &srv, &lg, &proc, &v) == 5 &&
	    side_index(a) >= 0 && isfinite(v) && v >= 0) {
		struct measured_side *m = &r->measured[side_index(a)];
		m->server = srv != 0, m->loadgen = lg != 0, m->process = proc != 0, m->window_s = v;
		return 0;
	}
	if (strcmp(what, "measured") == 0 && sscanf(rest, "%31s %39s %lf", a, b, &v) == 3 && side_index(a) >= 0) {
		double *p = field_ptr(&r->measured[side_index(a)], b);
		if (!p)
			return 0; /* a figure this build does not know: ignored, not fatal */
		if (isnan(v))
			return snprintf(why, len, "%s is not a number", b), -EINVAL;
		*p = v;
		return 0;
	}
	return snprintf(why, len, "not a figure line"), -EINVAL;
}

int lesson_record_read(const char *path, const struct lesson *l, struct step_result *res, char *when,
		       size_t whenlen, char *err, size_t errlen)
{
	size_t size;
	int rc;
	char *text = textfile_read_capped(path, RECORD_FILE_MAX, &size, &rc);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read a lesson recording: %s", path,
			 rc == -EFBIG ? "larger than 1 MiB" : rc == -EILSEQ ? "holds NUL bytes" : strerror(-rc));
		return -EINVAL;
	}
	char why[200] = "";
	int line_no = 0;
	rc = 0;
	when[0] = '\0';
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		line_no++;
		if (line_no == 1 && strcmp(line, LESSON_RECORD_MAGIC) != 0)
			rc = -EINVAL, snprintf(why, sizeof why, "not a lesson recording (no '%s' header)", LESSON_RECORD_MAGIC);
		else if (line_no == 1)
			continue;
		else if (strncmp(line, "lesson ", 7) == 0 && strcmp(line + 7, l->slug) != 0)
			rc = -EINVAL, snprintf(why, sizeof why, "a recording of %.60s, not of %s", line + 7, l->slug);
		else if (strncmp(line, "recorded ", 9) == 0)
			snprintf(when, whenlen, "%.40s", line + 9);
		else if (strncmp(line, "lesson ", 7) == 0 || strncmp(line, "durations ", 10) == 0)
			continue;
		else
			rc = read_line(line, l, res, why, sizeof why);
	}
	if (rc == 0 && line_no < 2)
		rc = -EINVAL, snprintf(why, sizeof why, "empty: not a lesson recording");
	if (rc < 0)
		snprintf(err, errlen, "%s:%d: %s", path, line_no, why);
	free(text);
	return rc;
}
