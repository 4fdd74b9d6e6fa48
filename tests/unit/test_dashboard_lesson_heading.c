/* test_dashboard_lesson_heading.c: a lesson step's words read as sentences (issue 18):
 * "Step 2 of 5: title", a timing whose parts add up to its whole, and a status-bar name
 * that is the step's title cut at a word, never inside one and never "lesson 1: ..."
 * beside a mode that already says the lesson. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lessons/engine/lesson_doc.h"
#include "../../lessons/engine/lesson_heading.h"

static const char *lesson_text =
	"# A test lesson\n\nIntro.\n\n"
	"```lesson\ntitle = one customer\nrate = 120\nwarmup = 1.5s\nrun = 8s\n```\n\n"
	"Next.\n\n"
	"```lesson\ntitle = sixteen customers, trivial orders, the blocking restaurant alone\nrun = 6s\nwarmup = 0\n```\n\n"
	"More.\n\n"
	"```lesson\nrate = 80\n```\n\nThe end.\n";

static void test_heading_sentences(void **state)
{
	(void)state;
	char err[300], buf[200];
	struct lesson *l = lesson_parse(lesson_text, "01-t.md", err, sizeof err);
	if (!l)
		print_error("%s\n", err);
	assert_non_null(l);
	assert_int_equal(l->n_steps, 3);
	assert_string_equal(lesson_step_heading(l, 0, buf, sizeof buf), "Step 1 of 3: one customer");
	assert_string_equal(lesson_step_heading(l, 2, buf, sizeof buf), "Step 3 of 3");
	/* the parts add up to the whole: 1.5 + 8 is 9.5, not "10 s" */
	assert_string_equal(lesson_step_timing(&l->step[0], false, buf, sizeof buf),
			    "It runs 9.5 s: 1.5 s to warm up, then 8 s measured.");
	assert_string_equal(lesson_step_timing(&l->step[1], false, buf, sizeof buf), "It runs 6 s, all of it measured.");
	/* on a UTF-8 screen a number keeps its unit on its line: no plain space between them */
	assert_string_equal(lesson_step_timing(&l->step[1], true, buf, sizeof buf),
			    "It runs 6\u00a0s, all of it measured.");
	lesson_free(l);
}

/* The status bar's name: the title, cut after a whole word with "..." when too long. */
static void test_heading_step_names(void **state)
{
	(void)state;
	char err[300];
	struct lesson *l = lesson_parse(lesson_text, "01-t.md", err, sizeof err);
	assert_non_null(l);
	assert_string_equal(l->step[0].sc.name, "one customer");
	const char *long_name = l->step[1].sc.name;
	print_message("    the long title in the status bar: '%s'\n", long_name);
	assert_true(strlen(long_name) < SCENARIO_NAME_MAX);
	assert_null(strstr(long_name, "lesson 1"));
	size_t n = strlen(long_name);
	assert_true(n > 3 && strcmp(long_name + n - 3, "...") == 0);
	/* what precedes "..." is a whole word of the title, followed in the title by a
	 * space or a comma */
	const char *title = l->step[1].title;
	size_t k = n - 3;
	assert_memory_equal(long_name, title, k);
	assert_true(title[k] == ' ' || title[k] == ',');
	assert_string_equal(l->step[2].sc.name, "step 3");
	lesson_free(l);
}

static void test_heading_fit_words(void **state)
{
	(void)state;
	char buf[16];
	assert_string_equal(lesson_fit_words("short", buf, sizeof buf), "short");
	assert_string_equal(lesson_fit_words("exactly fifteen", buf, sizeof buf), "exactly fifteen");
	assert_string_equal(lesson_fit_words("one two three four", buf, sizeof buf), "one two...");
	assert_string_equal(lesson_fit_words("a, bb, ccc, dddddd", buf, sizeof buf), "a, bb, ccc...");
	assert_string_equal(lesson_fit_words("abcdefghijklmnopqrstu", buf, sizeof buf), "abcdefghijkl...");
	char tiny[4];
	assert_string_equal(lesson_fit_words("too long", tiny, sizeof tiny), "...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heading_sentences),
		cmocka_unit_test(test_heading_step_names),
		cmocka_unit_test(test_heading_fit_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
