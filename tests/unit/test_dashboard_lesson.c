/* test_dashboard_lesson.c: the lesson engine without running anything: the check
 * language (lesson_expr.c), the lesson format and its errors (lesson_doc.c), names and
 * validation (lesson_vars.c), the explanation (lesson_report.c), Markdown wrapping
 * (lesson_text.c), the progress file (lesson_progress.c), and every lesson in lessons/
 * parsed and validated, so a typo in a check fails here and not in front of a class.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lessons/engine/lesson_doc.h"
#include "../../lessons/engine/lesson_expr.h"
#include "../../lessons/engine/lesson_progress.h"
#include "../../lessons/engine/lesson_record.h"
#include "../../lessons/engine/lesson_report.h"
#include "../../lessons/engine/lesson_text.h"
#include "../../lessons/engine/lesson_vars.h"

/* A lookup over a fixed table: a = 2, b = 80, big.name_ms = 1000; missing -> -ENODATA. */
static int table_lookup(void *ctx, const char *name, double *out, char *err, size_t errlen)
{
	(void)ctx;
	static const struct { const char *n; double v; } t[] = { { "a", 2 }, { "b", 80 }, { "big.name_ms", 1000 } };
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].n, name) == 0)
			return *out = t[i].v, 0;
	if (strcmp(name, "missing") == 0) {
		snprintf(err, errlen, "not measured");
		return -ENODATA;
	}
	snprintf(err, errlen, "unknown");
	return -ENOENT;
}

static double eval(const char *text)
{
	double v = NAN;
	char err[200];
	int rc = expr_eval(text, table_lookup, NULL, &v, err, sizeof err);
	if (rc < 0) {
		print_error("'%s': %s\n", text, err);
		fail();
	}
	return v;
}

static void test_expr_arithmetic(void **state)
{
	(void)state;
	assert_true(eval("1 + 2 * 3") == 7);
	assert_true(eval("(1 + 2) * 3") == 9);
	assert_true(eval("b / a - 1") == 39);
	assert_true(eval("-a + 10") == 8);
	assert_true(eval("min(a, b) + max(a, b)") == 82);
	assert_true(eval("big.name_ms / 1000") == 1);
	assert_true(eval("0.5 * b") == 40);
	assert_true(isinf(eval("a / 0")));
}

static void test_expr_errors(void **state)
{
	(void)state;
	double v;
	char err[200];
	assert_int_equal(expr_eval("1 +", table_lookup, NULL, &v, err, sizeof err), -EINVAL);
	assert_int_equal(expr_eval("(1 + 2", table_lookup, NULL, &v, err, sizeof err), -EINVAL);
	assert_int_equal(expr_eval("a b", table_lookup, NULL, &v, err, sizeof err), -EINVAL);
	assert_int_equal(expr_eval("nosuch + 1", table_lookup, NULL, &v, err, sizeof err), -ENOENT);
	assert_non_null(strstr(err, "nosuch"));
	assert_int_equal(expr_eval("missing * 2", table_lookup, NULL, &v, err, sizeof err), -ENODATA);
	assert_non_null(strstr(err, "not measured"));
}

static struct claim_result judge(const char *text)
{
	struct claim_result r;
	char err[200];
	int rc = claim_eval(text, table_lookup, NULL, &r, err, sizeof err);
	if (rc < 0) {
		print_error("'%s': %s\n", text, err);
		fail();
	}
	return r;
}

static void test_claim_relations(void **state)
{
	(void)state;
	assert_true(judge("a < b").pass);
	assert_false(judge("a > b").pass);
	assert_true(judge("a <= 2").pass);
	assert_true(judge("b >= 80").pass);
	assert_false(judge("b >= 80.5").pass);
	/* 76 is 5 % off 80 */
	assert_true(judge("76 within 5% of b").pass);
	assert_false(judge("75 within 5% of b").pass);
	assert_true(judge("b within 3 of 82").pass);
	assert_false(judge("b within 1 of 82").pass);
	assert_true(judge("a between 1 and a * 2").pass);
	assert_false(judge("b between 1 and 79").pass);
	struct claim_result r = judge("big.name_ms within 10% of 950");
	assert_true(r.pass);
	assert_true(r.lhs == 1000 && r.rhs == 950);
	assert_string_equal(r.lhs_name, "big.name_ms");
	assert_non_null(strstr(r.relation, "within 10%"));
}

static void test_claim_never_passes_on_infinity_or_nan(void **state)
{
	(void)state;
	assert_false(judge("b within 50% of a / 0").pass);  /* of infinity */
	assert_false(judge("0 / 0 < 1").pass);              /* NAN */
	assert_false(judge("0 / 0 > 1").pass);
}

static void test_claim_errors(void **state)
{
	(void)state;
	struct claim_result r;
	char err[200];
	assert_int_equal(claim_eval("a b", table_lookup, NULL, &r, err, sizeof err), -EINVAL);
	assert_int_equal(claim_eval("a within of b", table_lookup, NULL, &r, err, sizeof err), -EINVAL);
	assert_int_equal(claim_eval("a within 5% b", table_lookup, NULL, &r, err, sizeof err), -EINVAL);
	assert_int_equal(claim_eval("a between 1 2", table_lookup, NULL, &r, err, sizeof err), -EINVAL);
	assert_int_equal(claim_eval("a < b c", table_lookup, NULL, &r, err, sizeof err), -EINVAL);
	assert_int_equal(claim_eval("missing < 1", table_lookup, NULL, &r, err, sizeof err), -ENODATA);
}

static void test_units(void **state)
{
	(void)state;
	assert_string_equal(expr_unit_of("measured.blocking.throughput_rps"), "/s");
	assert_string_equal(expr_unit_of("measured.evented.p99_ms"), "ms");
	assert_string_equal(expr_unit_of("measured.blocking.rss_max_kb"), "KiB");
	assert_string_equal(expr_unit_of("theory.blocking.rho"), "");
}

static const char *doc_ok =
	"# A title\n"
	"\n"
	"Intro text.\n"
	"\n"
	"```lesson\n"
	"id = first\n"
	"title = the rush\n"
	"rate = 120\n"
	"threads = 4\n"
	"run = 6s\n"
	"predict = \"How many?\"\n"
	"predict_measured = measured.blocking.throughput_rps\n"
	"predict_theory = theory.blocking.bound_rps\n"
	"typical_guess = 120\n"
	"# a comment\n"
	"claim = about 80\n"
	"check = measured.blocking.throughput_rps within 15% of theory.blocking.bound_rps\n"
	"explain = one\n"
	"explain = two\n"
	"```\n"
	"\n"
	"Between.\n"
	"\n"
	"```c\n"
	"int not_a_step;\n"
	"```\n"
	"\n"
	"```lesson\n"
	"threads = 16\n"
	"check_run = 500ms\n"
	"check = measured.blocking.throughput_rps > 2 * first.measured.blocking.throughput_rps\n"
	"```\n"
	"\n"
	"The end.\n";

static void test_doc_parse(void **state)
{
	(void)state;
	char err[300] = "";
	struct lesson *l = lesson_parse(doc_ok, "lessons/03-x.md", err, sizeof err);
	if (!l)
		print_error("%s\n", err);
	assert_non_null(l);
	assert_int_equal(l->number, 3);
	assert_string_equal(l->slug, "03-x");
	assert_string_equal(l->title, "A title");
	assert_int_equal(l->n_steps, 2);
	const struct lesson_step *a = &l->step[0], *b = &l->step[1];
	assert_string_equal(a->id, "first");
	assert_true(a->sc.rate == 120 && a->sc.threads == 4);
	assert_true(a->run_s == 6 && a->check_run_s == 4);  /* check_run: min(run, 4 s) */
	assert_string_equal(a->predict, "How many?");       /* quotes dropped */
	assert_true(a->typical_guess == 120);
	assert_int_equal(a->n_checks, 1);
	assert_string_equal(a->check[0].claim, "about 80");
	assert_string_equal(a->explain, "one two");
	assert_non_null(strstr(a->text_before, "Intro text."));
	/* the scenario carries over; step keys do not */
	assert_true(b->sc.rate == 120 && b->sc.threads == 16);
	assert_true(b->check_run_s == 0.5);
	assert_true(isnan(b->typical_guess));
	assert_non_null(strstr(b->text_before, "int not_a_step;"));  /* other fences are text */
	assert_non_null(strstr(l->text_after, "The end."));
	assert_int_equal(lesson_validate(l, err, sizeof err), 0);
	bool ref[LESSON_MAX_STEPS];
	lesson_referenced_steps(l, ref);
	assert_true(ref[0]);
	assert_false(ref[1]);
	lesson_free(l);
}

/* Each bad document fails with its line number and a reason containing `why`. */
static void expect_parse_error(const char *text, const char *where, const char *why)
{
	char err[300] = "";
	struct lesson *l = lesson_parse(text, "t.md", err, sizeof err);
	if (l) {
		lesson_free(l);
		print_error("parsed, expected an error with '%s'\n", why);
		fail();
	}
	if (!strstr(err, where) || !strstr(err, why)) {
		print_error("error '%s' does not have '%s' and '%s'\n", err, where, why);
		fail();
	}
}

static void test_doc_errors(void **state)
{
	(void)state;
	expect_parse_error("# T\n```lesson\nnosuch = 1\n```\n", "t.md:3", "unknown key");
	expect_parse_error("# T\n```lesson\nrate = fast\n```\n", "t.md:3", "rate");
	expect_parse_error("# T\n```lesson\nrun = soon\n```\n", "t.md:3", "duration");
	expect_parse_error("# T\n```lesson\njust text\n```\n", "t.md:3", "key = value");
	expect_parse_error("# T\n```lesson\nrate = 5\n", "t.md", "not closed");
	expect_parse_error("# T\n```lesson\nclaim = lonely\n```\n", "t.md:4", "claim without");
	expect_parse_error("# T\n```lesson\npredict = how?\n```\n", "t.md:4", "predict_measured");
	expect_parse_error("# T\n```lesson\nid = a\n```\n```lesson\nid = a\n```\n", "t.md:7", "twice");
	expect_parse_error("no title\n```lesson\nrate = 5\n```\n", "t.md", "Title");
	expect_parse_error("# T\n```lesson\nblocking = no\nevented = no\n```\n", "t.md:5", "nothing to show");
}

static void expect_invalid(const char *check, const char *why)
{
	char text[600], err[300] = "";
	snprintf(text, sizeof text, "# T\n```lesson\nid = one\n```\n```lesson\ncheck = %s\n```\n", check);
	struct lesson *l = lesson_parse(text, "t.md", err, sizeof err);
	assert_non_null(l);
	int rc = lesson_validate(l, err, sizeof err);
	lesson_free(l);
	if (rc == 0 || !strstr(err, why) || !strstr(err, "t.md:6")) {
		print_error("'%s': rc %d, error '%s', expected '%s' at t.md:6\n", check, rc, err, why);
		fail();
	}
}

static void test_validate_names(void **state)
{
	(void)state;
	expect_invalid("measured.blocking.nosuch_rps > 1", "not a figure");
	expect_invalid("measured.lunch.p99_ms > 1", "not a figure");
	expect_invalid("theory.evented.p99_ms > 1", "not a figure");
	expect_invalid("later.measured.blocking.p99_ms > 1", "no step with id 'later'");
	expect_invalid("scenario.nosuch > 1", "not a number of the scenario");
	expect_invalid("whatever > 1", "unknown name");
	expect_invalid("measured.blocking.p99_ms >", "expected");
}

/* predict_theory is shown under "Theory says": a measured or scenario figure is refused
 * (issue 15); theory.* of this step or an earlier one is fine. */
static void test_predict_theory_only_theory(void **state)
{
	(void)state;
	static const char *fmt = "# T\n\n```lesson\nid = s\nrate = 60\npredict = \"?\"\n"
				 "predict_measured = measured.blocking.mean_ms\npredict_theory = %s\n"
				 "claim = x\ncheck = measured.blocking.mean_ms > 0\n```\n\nend\n";
	static const char *bad[] = { "measured.blocking.offered_rps", "scenario.work_us / 1000", "predicted",
				     "theory.blocking.latency_ms + scenario.cook_ms", "s.measured.blocking.p99_ms" };
	static const char *good[] = { "theory.blocking.latency_ms", "2 * theory.evented.lag_p99_ms",
				      "s.theory.blocking.service_ms + theory.blocking.slow_wait_ms",
				      "model.blocking.mean_ms", "s.model.evented.throughput_rps" };
	char text[1024], err[300];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, fmt, bad[i]);
		struct lesson *l = lesson_parse(text, "lessons/01-t.md", err, sizeof err);
		assert_non_null(l);
		assert_int_equal(lesson_validate(l, err, sizeof err), -EINVAL);
		if (!strstr(err, "only theory.*")) {
			print_error("'%s': %s\n", bad[i], err);
			fail();
		}
		lesson_free(l);
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(text, sizeof text, fmt, good[i]);
		struct lesson *l = lesson_parse(text, "lessons/01-t.md", err, sizeof err);
		assert_non_null(l);
		if (lesson_validate(l, err, sizeof err) != 0) {
			print_error("'%s': %s\n", good[i], err);
			fail();
		}
		lesson_free(l);
	}
}

/* model.* (issue 13): the model of the step's scenario over its measured window, after
 * its warm-up, looked up through the same names as the checks; a step with what the
 * model leaves out gets a reason, never a number. */
static void test_model_of_a_step(void **state)
{
	(void)state;
	static const char *text = "# T\n\n```lesson\nid = rush\nrate = 120\ncook_ms = 50\nwork_us = 0\n"
				  "threads = 4\nkeepalive = yes\nwarmup = 1.5s\nrun = 8s\n"
				  "claim = x\ncheck = model.blocking.throughput_rps > 0\n```\n\n"
				  "```lesson\nid = slow\nslow_talkers = 3\nrun = 4s\n"
				  "claim = y\ncheck = model.blocking.throughput_rps > 0\n```\n\nend\n";
	char err[300];
	struct lesson *l = lesson_parse(text, "lessons/01-t.md", err, sizeof err);
	assert_non_null(l);
	assert_int_equal(lesson_validate(l, err, sizeof err), 0);
	struct step_result res[2];
	memset(res, 0, sizeof res);
	for (int i = 0; i < 2; i++) {
		res[i].ran = true;
		res[i].measured[SIDE_BLOCKING].window_s = 4;
	}
	struct lesson_ctx c = { l, res, 0, false, NULL };
	double thr = NAN, line = NAN, ev = NAN, l_mean = NAN, lw = NAN;
	assert_int_equal(lesson_lookup(&c, "model.blocking.throughput_rps", &thr, err, sizeof err), 0);
	assert_int_equal(lesson_lookup(&c, "model.blocking.line_mean", &line, err, sizeof err), 0);
	assert_int_equal(lesson_lookup(&c, "model.evented.throughput_rps", &ev, err, sizeof err), 0);
	assert_int_equal(lesson_lookup(&c, "model.blocking.in_system_mean", &l_mean, err, sizeof err), 0);
	assert_int_equal(lesson_lookup(&c, "model.blocking.little_lw", &lw, err, sizeof err), 0);
	print_message("model of the rush over 1.5-5.5 s: blocking %.1f/s, line %.1f, L %.1f, lambda W %.1f; "
		      "evented %.1f/s\n", thr, line, l_mean, lw, ev);
	assert_true(thr > 76 && thr <= 81);        /* four cashiers, 50 ms: at most 80/s */
	assert_true(ev > 100 && ev < 140);         /* keeps up with the 120 that arrive */
	assert_true(line > 60 && line < 300);      /* 40 more a second than it serves */
	/* Little's law over a window holds where the restaurant keeps up, not where its line
	 * grows (those inside have not left, so lambda W counts only the earlier ones) */
	assert_true(lw < l_mean);
	double ev_l = NAN, ev_lw = NAN;
	assert_int_equal(lesson_lookup(&c, "model.evented.in_system_mean", &ev_l, err, sizeof err), 0);
	assert_int_equal(lesson_lookup(&c, "model.evented.little_lw", &ev_lw, err, sizeof err), 0);
	print_message("evented L %.2f, lambda W %.2f\n", ev_l, ev_lw);
	assert_true(fabs(ev_l - ev_lw) <= 0.05 * ev_l);
	c.current = 1;
	assert_int_equal(lesson_lookup(&c, "model.blocking.throughput_rps", &thr, err, sizeof err), -ENODATA);
	assert_non_null(strstr(err, "slow talkers"));
	assert_int_equal(lesson_lookup(&c, "rush.model.blocking.throughput_rps", &thr, err, sizeof err), 0);
	assert_int_equal(lesson_lookup(&c, "model.blocking.nosuch", &thr, err, sizeof err), -ENOENT);
	lesson_free(l);
}

/* Hints name wrong answers; challenges take a choice in range and apply it. */
static void test_hints_and_challenges(void **state)
{
	(void)state;
	static const char *text = "# T\n\n```lesson\nrate = 120\nthreads = 4\npredict = \"?\"\n"
				  "predict_measured = measured.blocking.throughput_rps\ntypical_guess = 320\n"
				  "hint = 320 = you counted customers, not cashiers\nhint = 20 = one cashier\n"
				  "choose = threads\nchoose_prompt = \"How many?\"\nchoose_range = 1..64\n"
				  "typical_choice = 9\nclaim = x\ncheck = chosen <= 16\n```\n\nend\n";
	char err[300] = "";
	struct lesson *l = lesson_parse(text, "lessons/01-t.md", err, sizeof err);
	if (!l)
		print_error("%s\n", err);
	assert_non_null(l);
	assert_int_equal(lesson_validate(l, err, sizeof err), 0);
	const struct lesson_step *st = &l->step[0];
	assert_int_equal(st->n_hints, 2);
	assert_string_equal(lesson_hint_for(st, 320), "you counted customers, not cashiers");
	assert_string_equal(lesson_hint_for(st, 300), "you counted customers, not cashiers"); /* within 10 % */
	assert_string_equal(lesson_hint_for(st, 20), "one cashier");
	assert_null(lesson_hint_for(st, 80));
	assert_null(lesson_hint_for(st, NAN));
	assert_true(st->choose_min == 1 && st->choose_max == 64 && st->typical_choice == 9);
	struct scenario sc;
	assert_int_equal(lesson_apply_choice(st, 12, &sc, err, sizeof err), 0);
	assert_int_equal(sc.threads, 12);
	assert_int_equal(st->sc.threads, 4); /* the step's own scenario is untouched */
	assert_int_equal(lesson_apply_choice(st, 65, &sc, err, sizeof err), -EINVAL);
	assert_int_equal(lesson_apply_choice(st, NAN, &sc, err, sizeof err), -EINVAL);
	lesson_free(l);
	expect_parse_error("# T\n\n```lesson\nchoose = threads\n```\n", "t.md:", "choose needs choose_prompt");
	expect_parse_error("# T\n\n```lesson\nchoose = work_us\n```\n", "t.md:4", "not a number the student may set");
	expect_parse_error("# T\n\n```lesson\nhint = fifty\n```\n", "t.md:4", "NUMBER = words");
	expect_parse_error("# T\n\n```lesson\nchoose_range = 1.64\n```\n", "t.md:4", "LOW..HIGH");
}

/* The theory the new lessons lean on, from the scenario. */
static void test_theory_of_new_scenarios(void **state)
{
	(void)state;
	struct scenario sc;
	struct theory_side t;
	char err[200];
	scenario_defaults(&sc);
	sc.max_line = 8; /* lesson 10: (8 / 4 + 1) x 50 ms, a third turned away at 120/s */
	theory_for_scenario(&sc, SIDE_BLOCKING, &t);
	assert_true(fabs(t.line_cap_max_ms - 150) < 1e-9);
	assert_true(fabs(t.shed_share - 1.0 / 3) < 1e-9);
	scenario_defaults(&sc); /* lesson 12: 10 stoves of 50 ms bound the evented side at 200/s */
	sc.kitchen = true;
	sc.stoves = 10;
	sc.rate = 300;
	theory_for_scenario(&sc, SIDE_EVENTED, &t);
	assert_true(fabs(t.bound_rps - 200) < 1e-9 && fabs(t.growth_rps - 100) < 1e-9);
	scenario_defaults(&sc); /* lesson 9: even arrivals wait nothing */
	sc.rate = 72;
	sc.poisson = false;
	theory_for_scenario(&sc, SIDE_BLOCKING, &t);
	assert_true(t.latency_ms == 50 && t.wait_kingman_ms == 0 && t.wait_mdc_ms > 40);
	scenario_defaults(&sc); /* lesson 11: 150/s, 5 % of 40 ms on one loop: M/G/1 */
	sc.rate = 150;
	sc.cook_ms = 10;
	assert_int_equal(scenario_set(&sc, "mix", "work_us=40000:5,work_us=0:95", err, sizeof err), 0);
	theory_for_scenario(&sc, SIDE_EVENTED, &t);
	double want = 150 * 0.05 * 0.04 * 0.04 / (2 * (1 - 0.3)) * 1e3;
	assert_true(fabs(t.wait_mg1_ms - want) < 1e-9);
	assert_true(fabs(t.service_ms - 12) < 1e-9); /* cook + the mean work */
	assert_int_equal(scenario_set(&sc, "mix", "work_us=1;rm:5", err, sizeof err), -EINVAL);
	scenario_defaults(&sc); /* lesson 5: the loop's lag p99 is M/D/1's, 0 with a helper */
	sc.rate = 50;
	sc.work_us = 10000;
	theory_for_scenario(&sc, SIDE_EVENTED, &t);
	assert_true(fabs(t.lag_p99_ms - 33.4) < 0.5);
	sc.helpers = 1;
	theory_for_scenario(&sc, SIDE_EVENTED, &t);
	assert_true(t.lag_p99_ms == 0 && fabs(t.wait_p99_ms - 33.4) < 0.5);
}

/* A lesson recording (--record, --replay) reads back what was written; another
 * lesson's or a corrupt one is refused with its line. */
static void test_recording_round_trip(void **state)
{
	(void)state;
	char err[400] = "", when[48], path[] = "/tmp/lunchrush-rec-XXXXXX";
	struct lesson *l = lesson_parse(doc_ok, "lessons/03-x.md", err, sizeof err);
	assert_non_null(l);
	static struct step_result w[LESSON_MAX_STEPS], r[LESSON_MAX_STEPS];
	memset(w, 0, sizeof w);
	memset(r, 0, sizeof r);
	w[1].ran = true;
	w[1].free_cores = 1.5;
	w[1].measured[SIDE_BLOCKING].server = w[1].measured[SIDE_BLOCKING].loadgen = true;
	w[1].measured[SIDE_BLOCKING].window_s = 4;
	w[1].measured[SIDE_BLOCKING].p99_ms = 212.5;
	w[1].measured[SIDE_EVENTED].throughput_rps = 119.25;
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	lesson_record_header(f, l, false);
	lesson_record_step(f, 0, &w[0]); /* did not run: nothing written */
	lesson_record_step(f, 1, &w[1]);
	fclose(f);
	assert_int_equal(lesson_record_read(path, l, r, when, sizeof when, err, sizeof err), 0);
	assert_false(r[0].ran);
	assert_true(r[1].ran && r[1].free_cores == 1.5);
	assert_true(r[1].measured[SIDE_BLOCKING].server && r[1].measured[SIDE_BLOCKING].window_s == 4);
	assert_true(r[1].measured[SIDE_BLOCKING].p99_ms == 212.5);
	assert_true(r[1].measured[SIDE_EVENTED].throughput_rps == 119.25);
	assert_non_null(strstr(when, "UTC"));
	f = fopen(path, "a");
	fprintf(f, "step 9 measured blocking p99_ms 1\n"); /* doc_ok has two steps */
	fclose(f);
	assert_int_equal(lesson_record_read(path, l, r, when, sizeof when, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "not a step line"));
	f = fopen(path, "w");
	fprintf(f, "%s\nlesson 01-other\n", LESSON_RECORD_MAGIC);
	fclose(f);
	assert_int_equal(lesson_record_read(path, l, r, when, sizeof when, err, sizeof err), -EINVAL);
	assert_non_null(strstr(err, "not of 03-x"));
	unlink(path);
	lesson_free(l);
}

/* The report's words follow the numbers. */
static void test_report_explains(void **state)
{
	(void)state;
	char err[300], buf[2000];
	struct lesson *l = lesson_parse(doc_ok, "lessons/03-x.md", err, sizeof err);
	assert_non_null(l);
	struct step_result res[2];
	memset(res, 0, sizeof res);
	res[0].ran = true;
	res[0].predicted = 120;
	res[0].measured[0].server = res[0].measured[0].loadgen = true;
	res[0].measured[0].throughput_rps = 79.0;
	for (int side = 0; side < SIDE_COUNT; side++)
		theory_for_scenario(&l->step[0].sc, side, &res[0].theory[side]);
	struct lesson_ctx c = { .lesson = l, .result = res, .current = 0 };
	struct prediction_row row;
	lesson_prediction(&c, &row);
	assert_true(row.have_predicted && row.have_measured && row.have_theory);
	assert_true(row.theory == 80.0);
	struct check_outcome o[LESSON_MAX_CHECKS];
	assert_int_equal(lesson_judge(&c, o, NULL), 1);
	assert_true(o[0].predicted_here);
	lesson_explain(&c, &row, buf, sizeof buf);
	assert_non_null(strstr(buf, "You predicted 120/s"));
	assert_non_null(strstr(buf, "34% below your guess"));
	assert_non_null(strstr(buf, "cashiers / service time = 4 / 0.050 s = 80.0/s"));
	assert_non_null(strstr(buf, "within 2% of theory"));
	assert_non_null(strstr(buf, "grows without bound"));  /* rho = 1.5 */
	assert_non_null(strstr(buf, "one two"));
	/* the second step names the first: with no data it is not judged, never passed */
	res[1].ran = true;
	c.current = 1;
	res[0].measured[0].server = false;
	assert_int_equal(lesson_judge(&c, o, NULL), 0);
	assert_int_equal(o[0].rc, -ENODATA);
	lesson_free(l);
}

static void test_theory_of_scenarios(void **state)
{
	(void)state;
	struct scenario sc;
	struct theory_side t;
	scenario_defaults(&sc);           /* the lunch rush: 120/s, 4 threads, 50 ms */
	theory_for_scenario(&sc, SIDE_BLOCKING, &t);
	assert_true(t.bound_rps == 80 && t.rho == 1.5 && t.growth_rps == 40 && t.throughput_rps == 80);
	theory_for_scenario(&sc, SIDE_EVENTED, &t);
	assert_true(isinf(t.bound_rps) && t.throughput_rps == 120 && t.latency_ms == 50);
	sc.rate = 0;                      /* 16 regulars */
	theory_for_scenario(&sc, SIDE_BLOCKING, &t);
	assert_true(t.throughput_rps == 80 && fabs(t.latency_ms - 200) < 1e-9 && fabs(t.little_l - 16) < 1e-9);
	scenario_defaults(&sc);           /* CPU on one loop: 100/s x 5 ms */
	sc.rate = 100;
	sc.work_us = 5000;
	theory_for_scenario(&sc, SIDE_EVENTED, &t);
	assert_true(fabs(t.bound_rps - 200) < 1e-9 && fabs(t.rho - 0.5) < 1e-9);
	assert_true(fabs(t.wait_mdc_ms - 2.5) < 1e-9);  /* Pollaczek-Khinchine */
}

static void test_text_wrap(void **state)
{
	(void)state;
	struct text_lines t;
	text_lines_init(&t);
	assert_int_equal(text_wrap_markdown(&t, "# Heading\n\nA **bold** `code` word and [a link](http://x) "
					    "that goes on and on past the width.\n\n- item one is long enough to wrap\n"
					    "```\n  keep   this\n```\n",
					    30),
			 0);
	int heading = -1, wrapped = 0;
	for (int i = 0; i < t.n; i++) {
		assert_true(text_columns(t.line[i]) <= 30 || t.kind[i] == TK_CODE);
		if (strcmp(t.line[i], "Heading") == 0 && t.kind[i] == TK_HEADING)
			heading = i;
		if (strstr(t.line[i], "**") || strchr(t.line[i], '`'))
			fail_msg("marks left in '%s'", t.line[i]);
		if (strncmp(t.line[i], "  ", 2) == 0 && t.kind[i] == TK_NORMAL)
			wrapped++; /* the list item's continuation, indented under its text */
	}
	assert_int_equal(heading, 0);
	assert_true(wrapped >= 1);
	bool link = false, code = false;
	for (int i = 0; i < t.n; i++) {
		link |= strstr(t.line[i], "a link (http://x)") != NULL || strstr(t.line[i], "(http://x)") != NULL;
		code |= t.kind[i] == TK_CODE && strstr(t.line[i], "keep   this") != NULL;
	}
	assert_true(link && code);
	text_lines_clear(&t);
	assert_int_equal(text_wrap_plain(&t, "\xcf\x81 = 1.50 \xe2\x89\xa5 1", 8, "", "", TK_NORMAL), 0);
	assert_int_equal(t.n, 2); /* 12 characters (not 16 bytes) in 8 columns */
	text_lines_free(&t);
}

static void test_progress_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-lesson-progress-XXXXXX", path[600];
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	assert_int_equal(progress_path(path, sizeof path), 0);
	assert_non_null(strstr(path, dir));
	assert_int_equal(progress_get("01-one"), MARK_NONE);
	assert_int_equal(progress_set("01-one", MARK_STARTED), 0);
	assert_int_equal(progress_set("02-two", MARK_DONE), 0);
	assert_int_equal(progress_get("01-one"), MARK_STARTED);
	assert_int_equal(progress_set("01-one", MARK_DONE), 0);
	assert_int_equal(progress_set("02-two", MARK_STARTED), 0);  /* never lowered */
	assert_int_equal(progress_get("01-one"), MARK_DONE);
	assert_int_equal(progress_get("02-two"), MARK_DONE);
	assert_string_equal(progress_mark_text(MARK_DONE), "[x]");
	unlink(path);
	char sub[600];
	snprintf(sub, sizeof sub, "%s/lunchrush", dir);
	rmdir(sub);
	rmdir(dir);
}

/* Every lesson in lessons/ parses, validates, and has the shape the issue asks for. */
static void test_every_lesson_validates(void **state)
{
	(void)state;
	static char paths[LESSON_MAX_FILES][LESSON_PATH_MAX];
	char err[400];
	int n = lesson_list_files("lessons", paths, LESSON_MAX_FILES);
	if (n < 14)
		fail_msg("expected at least 14 lessons in ./lessons (run from the repository), found %d", n);
	for (int i = 0; i < n; i++) {
		struct lesson *l = lesson_load(paths[i], err, sizeof err);
		if (!l || lesson_validate(l, err, sizeof err) < 0)
			fail_msg("%s", err);
		assert_int_equal(l->number, i + 1);
		int checks = 0;
		double check_s = 0;
		for (int k = 0; k < l->n_steps; k++) {
			checks += l->step[k].n_checks;
			check_s += l->step[k].warmup_s + l->step[k].check_run_s;
		}
		if (checks == 0)
			fail_msg("%s has no check", paths[i]);
		if (check_s > 25)
			fail_msg("%s: its --check runs %.1f s, over the 25 s budget", paths[i], check_s);
		if (!strstr(l->text_after, "Try this next") || !strstr(l->text_after, "Where the idea comes from"))
			fail_msg("%s: the closing page needs 'Try this next' and 'Where the idea comes from'", paths[i]);
		lesson_free(l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr_arithmetic),
		cmocka_unit_test(test_model_of_a_step),
		cmocka_unit_test(test_expr_errors),
		cmocka_unit_test(test_claim_relations),
		cmocka_unit_test(test_claim_never_passes_on_infinity_or_nan),
		cmocka_unit_test(test_claim_errors),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_doc_parse),
		cmocka_unit_test(test_doc_errors),
		cmocka_unit_test(test_validate_names),
		cmocka_unit_test(test_report_explains),
		cmocka_unit_test(test_theory_of_scenarios),
		cmocka_unit_test(test_text_wrap),
		cmocka_unit_test(test_progress_file),
		cmocka_unit_test(test_every_lesson_validates),
		cmocka_unit_test(test_predict_theory_only_theory),
		cmocka_unit_test(test_hints_and_challenges),
		cmocka_unit_test(test_theory_of_new_scenarios),
		cmocka_unit_test(test_recording_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
