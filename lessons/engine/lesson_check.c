/* lesson_check.c: a lesson's claims verified headless (see lesson_check.h). The output
 * is for people and for grep: one "PASS"/"FAIL" line per claim with its figures, and
 * a last line in the "N passed, N failed" shape the test scripts add up.
 */
#include "lesson_check.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "lesson_record.h"
#include "lesson_report.h"
#include "lesson_run.h"
#include "lesson_vars.h"

/* What the right side of a claim is, by its first name: only a theory.* figure is
 * "theory" (issue 15), the model's is "model", anything else (a measured figure, a
 * number) is what the measurement is held "against". */
static const char *rhs_label(const char *rhs_name)
{
	const char *p = lesson_name_after_step(rhs_name);
	if (strncmp(p, "theory.", 7) == 0)
		return "theory";
	if (strncmp(p, "model.", 6) == 0)
		return "model";
	return "against";
}

/* Ctrl-C during a check stops the step, so its processes and temp folder go too. */
static volatile sig_atomic_t check_stop;

static void on_signal(int sig)
{
	(void)sig;
	check_stop = 1;
}

static bool on_tick(void *ctx, const struct snapshot *s, enum run_phase phase, double left_s, const char *event)
{
	(void)ctx, (void)s, (void)phase, (void)left_s, (void)event;
	return check_stop != 0;
}

static void print_prediction(FILE *out, struct lesson_ctx *c)
{
	struct prediction_row row;
	lesson_prediction(c, &row);
	if (!row.asked)
		return;
	char p[32], m[32], t[32];
	fprintf(out, "  guess %s\n", c->lesson->step[c->current].predict);
	fprintf(out, "        predicted %s (typical guess) | measured %s | theory %s\n",
		lesson_fmt_value(p, sizeof p, row.predicted, row.unit),
		lesson_fmt_value(m, sizeof m, row.have_measured ? row.measured : NAN, row.unit),
		lesson_fmt_value(t, sizeof t, row.have_theory ? row.theory : NAN, row.unit));
	if (row.hint[0])
		fprintf(out, "        hint for that guess: %s\n", row.hint);
}

static void print_claim(FILE *out, const struct lesson_step *st, int k, const struct check_outcome *o,
			const struct step_result *res)
{
	const struct lesson_check *ck = &st->check[k];
	char p[32], m[32], t[64];
	bool pass = o->rc == 0 && o->r.pass;
	fprintf(out, "  %s  %s\n", o->skipped ? "SKIP" : pass ? "PASS" : "FAIL", ck->claim[0] ? ck->claim : ck->expr);
	if (o->skipped) {
		fprintf(out, "        not judged: %s\n", o->err);
		return;
	}
	if (o->rc < 0) {
		fprintf(out, "        could not judge: %s\n", o->err);
		return;
	}
	const char *runit = expr_unit_of(o->r.rhs_name);
	if (o->r.rel == REL_BETWEEN) {
		char lo[32], hi[32];
		snprintf(t, sizeof t, "%s..%s", lesson_fmt_value(lo, sizeof lo, o->r.rhs, runit),
			 lesson_fmt_value(hi, sizeof hi, o->r.rhs2, runit));
	} else
		lesson_fmt_value(t, sizeof t, o->r.rhs, runit);
	fprintf(out, "        predicted %s | measured %s | %s %s | %s\n",
		lesson_fmt_value(p, sizeof p, o->predicted_here ? res->predicted : NAN, o->unit),
		lesson_fmt_value(m, sizeof m, o->r.lhs, o->unit), rhs_label(o->r.rhs_name), t, o->r.relation);
	fprintf(out, "        check: %s\n", ck->expr);
}

/* Run step i and judge its claims; adds to tot. */
static void check_step(struct lesson_runner *r, struct lesson_ctx *c, int i, const struct lesson_check_opts *co,
		       const struct step_result *recorded, FILE *rec, FILE *out, struct check_totals *tot)
{
	bool verbose = co->verbose, live = co->live;
	const struct lesson *l = c->lesson;
	const struct lesson_step *st = &l->step[i];
	struct step_result *res = &c->result[i];
	char err[300];
	fprintf(out, "step %d%s%s%s: %.1f s warm-up + %.1f s measured\n", i + 1, st->title[0] ? " \"" : "", st->title,
		st->title[0] ? "\"" : "", st->warmup_s, live ? st->run_s : st->check_run_s);
	fflush(out);
	uint64_t t0 = clock_now_ns();
	/* a challenge runs with the typical choice; a step that needs what this build or
	 * machine lacks is not run, and its claims are skipped with the reason */
	struct lesson_step run = *st;
	int rc = 0;
	res->chosen = NAN;
	res->skip_reason[0] = '\0';
	if (st->choose[0]) {
		res->chosen = st->typical_choice;
		rc = lesson_apply_choice(st, st->typical_choice, &run.sc, err, sizeof err);
		res->sc = run.sc;
		res->have_sc = true;
		fprintf(out, "  challenge: %s\n        chosen %s = %g (the typical choice)\n", st->choose_prompt, st->choose,
			st->typical_choice);
	}
	if (rc == 0 && recorded) { /* --replay: the recording's figures, nothing runs */
		if (!recorded->ran) {
			snprintf(res->skip_reason, sizeof res->skip_reason, "the recording has no figures for this step");
			rc = -ENOTSUP;
		}
		memcpy(res->measured, recorded->measured, sizeof res->measured);
		res->free_cores = recorded->free_cores;
	} else if (rc == 0 && lesson_step_unmet(st, r->bin_dir, res->skip_reason, sizeof res->skip_reason)) {
		fprintf(out, "  not run: %s\n", res->skip_reason);
		rc = -ENOTSUP;
		snprintf(err, sizeof err, "%s", res->skip_reason);
	} else if (rc == 0) {
		/* --live: the student's durations (processes are stopped here, as check mode does) */
		rc = lesson_runner_step(r, &run, !live, on_tick, NULL, res->measured, err, sizeof err);
		if (live)
			lesson_runner_stop(r);
	}
	for (int side = 0; side < SIDE_COUNT; side++) {
		theory_for_scenario(&run.sc, side, &res->theory[side]);
		theory_for_step(st, side, res->measured[side].window_s, &res->theory[side]);
	}
	res->predicted = st->typical_guess;
	res->free_cores = r->free_cores;
	res->ran = rc == 0;
	if (res->ran && rec)
		lesson_record_step(rec, i, res);
	if (rc < 0 && rc != -ENOTSUP)
		fprintf(out, "  step did not run: %s\n", err);
	else if (err[0] && rc != -ENOTSUP)
		fprintf(out, "  note: %s\n", err);
	c->current = i;
	if (res->ran) {
		print_prediction(out, c);
		if (verbose)
			lesson_print_figures(out, res);
	}
	struct check_outcome o[LESSON_MAX_CHECKS];
	int skipped;
	int passed = lesson_judge(c, o, &skipped), failed = st->n_checks - passed - skipped;
	for (int k = 0; k < st->n_checks; k++)
		print_claim(out, st, k, &o[k], res);
	tot->passed += passed;
	tot->failed += failed;
	tot->skipped += skipped;
	char words[LESSON_TEXT_MAX * 2];
	if (verbose && res->ran) {
		lesson_substitute(c, st->explain, words, sizeof words);
		if (words[0])
			fprintf(out, "  explain: %s\n", words);
	}
	lesson_substitute(c, st->if_fail, words, sizeof words);
	if (words[0] && failed)
		fprintf(out, "  hint: %s\n", words);
	fprintf(out, "  (%.1f s)\n", (clock_now_ns() - t0) / 1e9);
	fflush(out);
}

int lesson_check_run(const struct lesson *l, const char *bin_dir, const struct lesson_check_opts *o, FILE *out,
		     struct check_totals *tot)
{
	memset(tot, 0, sizeof *tot);
	struct step_result *res = calloc((size_t)l->n_steps + 1, sizeof *res);
	struct step_result *recorded = o->replay ? calloc((size_t)l->n_steps + 1, sizeof *recorded) : NULL;
	struct lesson_runner r;
	FILE *rec = NULL;
	char err[400], when[48];
	int rc = 0;
	fprintf(out, "lesson %d: %s (%s)%s\n", l->number, l->title, l->path, o->live ? ", at its live durations" : "");
	if (!res || (o->replay && !recorded)) {
		rc = -ENOMEM;
		goto out_free;
	}
	if ((rc = lesson_validate(l, err, sizeof err)) < 0 ||
	    (o->replay && (rc = lesson_record_read(o->replay, l, recorded, when, sizeof when, err, sizeof err)) < 0) ||
	    (rc = lesson_runner_init(&r, bin_dir, err, sizeof err)) < 0) {
		fprintf(out, "  FAIL  %s\n", err);
		tot->failed++;
		goto out_free;
	}
	if (o->replay)
		fprintf(out, "  replayed from %s (recorded %s): nothing is measured now\n", o->replay, when);
	if (o->record && !(rec = fopen(o->record, "w"))) {
		fprintf(out, "  FAIL  %s: cannot write the recording: %s\n", o->record, strerror(errno));
		tot->failed++;
		rc = -errno;
		goto out_runner;
	}
	if (rec)
		lesson_record_header(rec, l, o->live);
	bool referenced[LESSON_MAX_STEPS];
	lesson_referenced_steps(l, referenced);
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct lesson_ctx c = { .lesson = l, .result = res };
	for (int i = 0; i < l->n_steps; i++) {
		res[i].predicted = NAN;
		if (check_stop)
			break;
		if (l->step[i].n_checks > 0 || referenced[i])
			check_step(&r, &c, i, o, recorded ? &recorded[i] : NULL, rec, out, tot);
	}
	if (rec && fclose(rec) != 0) {
		fprintf(out, "  FAIL  %s: the recording could not be written in full\n", o->record);
		tot->failed++;
	}
	if (rec)
		fprintf(out, "  recorded to %s (bin/dashboard --lesson %d --replay %s)\n", o->record, l->number, o->record);
out_runner:
	lesson_runner_destroy(&r);
	if (check_stop) {
		fprintf(out, "  interrupted\n");
		tot->failed++;
		rc = -EINTR;
	}
out_free:
	free(recorded);
	free(res);
	if (tot->skipped)
		fprintf(out, "lesson %d: %d skipped (not judged: each says why)\n", l->number, tot->skipped);
	fprintf(out, "lesson %d: %d passed, %d failed (claims)\n", l->number, tot->passed, tot->failed);
	return rc;
}
