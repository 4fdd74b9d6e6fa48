/* lesson.c: `bin/dashboard --lesson ...`: the lessons' front door (see lesson.h).
 *
 *   --lesson menu            the menu with progress marks (`make lesson`)
 *   --lesson N | FILE.md     one lesson, in the lesson pane beside the restaurants
 *   --lesson N --check       the lesson's claims verified headless (its test)
 *   --lesson all --check     every lesson's check
 *   --lesson list            the lessons and their marks, as text
 *   --lesson validate        parse every lesson and its checks, run nothing
 *   --lesson names           the figures a check can name
 * Only the options parsing and the dispatch live here; lesson_ui.c draws, lesson_check.c
 * judges, lesson_run.c starts processes.
 */
#include "lesson.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lesson_check.h"
#include "lesson_glossary.h"
#include "lesson_doc.h"
#include "lesson_heading.h"
#include "lesson_progress.h"
#include "lesson_text.h"
#include "lesson_ui.h"
#include "lesson_vars.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: dashboard --lesson menu|list|validate|names|N|FILE.md [--check] [options]\n"
		"Guided lessons: predict, run, observe, explain, checked against queueing theory.\n\n"
		"  --lesson menu       the menu of lessons with your progress (make lesson)\n"
		"  --lesson N          run lesson N beside the live restaurants (make lesson N=3)\n"
		"  --lesson N --check  run lesson N headless and verify each claim (exit 0: all pass)\n"
		"  --lesson all --check  every lesson's check\n"
		"  --lesson list       the lessons and your progress, as text\n"
		"  --lesson validate   parse every lesson and its checks without running anything\n"
		"  --verbose           with --check: print every figure measured\n"
		"  --live              with --check: each step for its live `run`, not `check_run`\n"
		"  --record FILE       with --check: keep the measurements (on a quiet machine)\n"
		"  --replay FILE       show the lesson (or --check it) on a recording's figures,\n"
		"                      for a classroom machine too busy to run the restaurants\n"
		"  --lesson names      the figures a check can name\n"
		"  --lesson glossary   the words of the lessons (also `?` in a lesson)\n"
		"  --bin DIR           where blocking, evented, loadgen are (default: beside dashboard)\n"
		"  --lessons DIR       where the lessons are (default: ./lessons, then beside bin/)\n"
		"  --ascii, --big      as for the dashboard\n"
		"Progress is kept in $XDG_STATE_HOME/lunchrush/progress (~/.local/state/...).\n");
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "dashboard: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	return 2;
}

static bool is_dir(const char *p)
{
	struct stat s;
	return stat(p, &s) == 0 && S_ISDIR(s.st_mode);
}

/* --lessons, $LUNCHRUSH_LESSONS, ./lessons, then the repository's lessons/ seen from
 * bin/ or bin/san-.../ (the binary may run from anywhere). */
static int find_lessons_dir(const char *given, const char *bin, char *out, size_t len)
{
	const char *env = getenv("LUNCHRUSH_LESSONS");
	if (given || (env && *env)) {
		snprintf(out, len, "%s", given ? given : env);
		return is_dir(out) ? 0 : -1;
	}
	const char *tries[] = { "lessons", "%s/../lessons", "%s/../../lessons" };
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		snprintf(out, len, tries[i], bin);
		if (is_dir(out))
			return 0;
	}
	snprintf(out, len, "lessons");
	return -1;
}

/* Lesson N's file, or ARG itself when it names a file. */
static int lesson_file(const char *dir, const char *arg, char *out, size_t len)
{
	if (strstr(arg, ".md")) {
		snprintf(out, len, "%s", arg);
		return 0;
	}
	char *end;
	long n = strtol(arg, &end, 10);
	if (end == arg || *end)
		return -1;
	char paths[LESSON_MAX_FILES][LESSON_PATH_MAX];
	int count = lesson_list_files(dir, paths, LESSON_MAX_FILES);
	for (int i = 0; i < count; i++) {
		const char *base = strrchr(paths[i], '/');
		if (atoi(base ? base + 1 : paths[i]) == n) {
			snprintf(out, len, "%.*s", LESSON_PATH_MAX - 1, paths[i]);
			return 0;
		}
	}
	return -1;
}

/* list and validate: every lesson, as text. */
static int each_lesson(const char *dir, bool validate)
{
	char paths[LESSON_MAX_FILES][LESSON_PATH_MAX], err[400];
	int n = lesson_list_files(dir, paths, LESSON_MAX_FILES), failed = 0;
	if (n <= 0) {
		fprintf(stderr, "dashboard: no lessons (NN-name.md) in %s\n", dir);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct lesson *l = lesson_load(paths[i], err, sizeof err);
		if (l && validate && lesson_validate(l, err, sizeof err) < 0) {
			lesson_free(l);
			l = NULL;
		}
		if (!l) {
			printf("  %s\n", err);
			failed++;
			continue;
		}
		if (validate)
			printf("ok   %2d  %-44s %d steps\n", l->number, l->title, l->n_steps);
		else
			printf("%s %2d  %s\n", progress_mark_text(progress_get(l->slug)), l->number, l->title);
		lesson_free(l);
	}
	if (!validate)
		printf("\nmake lesson N=3 (or bin/dashboard --lesson 3) runs one; [x] done, [~] started.\n");
	return failed ? 1 : 0;
}

/* Without a terminal: the lesson as plain text, for reading. */
static int print_lesson(const struct lesson *l)
{
	struct text_lines t;
	text_lines_init(&t);
	for (int i = 0; i < l->n_steps; i++) {
		text_wrap_markdown(&t, l->step[i].text_before, 78);
		char line[LESSON_TITLE_MAX + 96], heading[LESSON_TITLE_MAX + 32];
		snprintf(line, sizeof line, "   [%s. Run it with bin/dashboard --lesson %d.]",
			 lesson_step_heading(l, i, heading, sizeof heading), l->number);
		text_lines_add(&t, "", TK_NORMAL);
		text_lines_add(&t, line, TK_DIM);
		text_lines_add(&t, "", TK_NORMAL);
	}
	text_wrap_markdown(&t, l->text_after, 78);
	for (int i = 0; i < t.n; i++)
		printf("%s\n", t.line[i]);
	text_lines_free(&t);
	return 0;
}

static int check_lessons(const char *dir, const char *arg, const char *bin, const struct lesson_check_opts *co)
{
	char paths[LESSON_MAX_FILES][LESSON_PATH_MAX], err[400];
	int n;
	if (strcmp(arg, "all") == 0)
		n = lesson_list_files(dir, paths, LESSON_MAX_FILES);
	else
		n = lesson_file(dir, arg, paths[0], sizeof paths[0]) == 0 ? 1 : 0;
	if (n <= 0)
		return bad("--lesson %s: no such lesson", arg);
	struct check_totals sum = { 0, 0, 0 };
	for (int i = 0; i < n; i++) {
		struct lesson *l = lesson_load(paths[i], err, sizeof err);
		struct check_totals tot = { 0, 1, 0 };
		if (!l)
			printf("FAIL  %s\nlesson ?: 0 passed, 1 failed (claims)\n", err);
		else if (lesson_check_run(l, bin, co, stdout, &tot) == -EINTR)
			n = i + 1; /* interrupted: no further lesson */
		lesson_free(l);
		sum.passed += tot.passed;
		sum.failed += tot.failed;
		sum.skipped += tot.skipped;
	}
	if (n > 1 && sum.skipped)
		printf("lessons: %d skipped (not judged: each says why)\n", sum.skipped);
	if (n > 1)
		printf("lessons: %d passed, %d failed (claims)\n", sum.passed, sum.failed);
	return sum.failed ? 1 : 0;
}

int lesson_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lesson", required_argument, NULL, 'l' }, { "check", no_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },      { "bin", required_argument, NULL, 'b' },
		{ "lessons", required_argument, NULL, 'L' }, { "ascii", no_argument, NULL, 'a' },
		{ "big", no_argument, NULL, 'B' },           { "names", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },          { "live", no_argument, NULL, 'I' },
		{ "record", required_argument, NULL, 'R' },  { "replay", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *arg = NULL, *lessons = NULL;
	bool check = false, verbose = false, live = false;
	const char *record = NULL, *replay = NULL;
	struct lesson_ui_opts uo = { .color = getenv("NO_COLOR") == NULL };
	char bin[PATH_MAX], dir[PATH_MAX + 32], file[LESSON_PATH_MAX], err[400];
	arena_default_bin_dir(bin, sizeof bin);
	setlocale(LC_ALL, "");
	uo.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
	optind = 0; /* main.c may have scanned argv already */
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': arg = optarg; break;
		case 'c': check = true; break;
		case 'v': verbose = true; break;
		case 'I': live = true; break;
		case 'R': record = optarg; break;
		case 'P': replay = optarg; break;
		case 'b': snprintf(bin, sizeof bin, "%s", optarg); break;
		case 'L': lessons = optarg; break;
		case 'a': uo.ascii = true; break;
		case 'B': uo.big = true; break;
		case 'n': lesson_print_names(stdout); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (!arg)
		return bad("%s", check ? "--check needs --lesson N (or --lesson all)" : "--lesson needs an argument");
	if (find_lessons_dir(lessons, bin, dir, sizeof dir) < 0)
		return bad("no lessons folder at '%s' (give --lessons DIR)", dir);
	uo.bin_dir = bin;
	uo.lessons_dir = dir;
	if (record && (!check || replay))
		return bad("%s", "--record goes with --check (and without --replay): it keeps what a check measured");
	if (check) {
		struct lesson_check_opts co = { .verbose = verbose, .live = live, .record = record, .replay = replay };
		if ((record || replay) && strcmp(arg, "all") == 0)
			return bad("%s", "--record and --replay take one lesson, not all");
		return check_lessons(dir, arg, bin, &co);
	}
	uo.replay = replay;
	if (strcmp(arg, "glossary") == 0) {
		lesson_glossary_print(stdout);
		return 0;
	}
	if (strcmp(arg, "names") == 0) {
		lesson_print_names(stdout);
		return 0;
	}
	if (strcmp(arg, "list") == 0 || strcmp(arg, "validate") == 0)
		return each_lesson(dir, arg[0] == 'v');
	bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (strcmp(arg, "menu") == 0)
		return tty ? lesson_ui_menu(&uo) : each_lesson(dir, false);
	if (lesson_file(dir, arg, file, sizeof file) < 0)
		return bad("--lesson %s: no such lesson (try --lesson list)", arg);
	struct lesson *l = lesson_load(file, err, sizeof err);
	if (!l || lesson_validate(l, err, sizeof err) < 0) {
		fprintf(stderr, "dashboard: %s\n", err);
		lesson_free(l);
		return 1;
	}
	int rc = tty ? lesson_ui_lesson(&uo, l) : print_lesson(l);
	if (tty && rc == 0 && lesson_ui_last_finished()) /* "Enter: back to the menu" (make lesson N=7) */
		rc = lesson_ui_menu(&uo);
	if (!tty)
		fprintf(stderr, "(not a terminal: the lesson as text; --check runs its claims)\n");
	lesson_free(l);
	return rc;
}
