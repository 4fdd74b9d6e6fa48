/* lesson_report.c: judge a step and explain it in words (see lesson_report.h). The
 * sentences are built from the numbers, so the explanation says what happened on
 * this machine, not what the lesson writer saw on theirs.
 */
#include "lesson_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "theory.h"

#define CLOSE_PCT 10.0   /* a guess or a measurement this close counts as "about right" */

char *lesson_fmt_value(char *buf, size_t len, double v, const char *unit)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (isinf(v))
		snprintf(buf, len, "%sunbounded", v < 0 ? "-" : "");
	else {
		double a = fabs(v);
		const char *sep = unit && (strcmp(unit, "/s") == 0 || strcmp(unit, "%") == 0 || !*unit) ? "" : " ";
		int prec = a >= 100 || (a == floor(a) && a < 1e6) ? 0 : a >= 10 ? 1 : 2;
		snprintf(buf, len, "%.*f%s%s", prec, v, sep, unit ? unit : "");
	}
	return buf;
}

static double pct_off(double a, double b);

void lesson_prediction(struct lesson_ctx *c, struct prediction_row *row)
{
	const struct lesson_step *st = &c->lesson->step[c->current];
	const struct step_result *res = &c->result[c->current];
	char why[200];
	memset(row, 0, sizeof *row);
	row->asked = st->predict[0] != '\0';
	row->predicted = res->predicted;
	row->have_predicted = !isnan(res->predicted);
	snprintf(row->unit, sizeof row->unit, "%s", st->unit[0] ? st->unit : expr_unit_of(st->predict_measured));
	if (st->predict_measured[0])
		row->have_measured = expr_eval(st->predict_measured, lesson_lookup, c, &row->measured, why,
					       sizeof why) == 0;
	const char *hint = row->have_predicted ? lesson_hint_for(st, res->predicted) : NULL;
	/* a hint names a wrong answer: not shown when the machine agreed with the guess */
	if (hint && row->have_measured && fabs(pct_off(row->measured, res->predicted)) <= CLOSE_PCT)
		hint = NULL;
	snprintf(row->hint, sizeof row->hint, "%s", hint ? hint : "");
	if (st->predict_theory[0]) {
		row->have_theory = lesson_eval_theory(c, st->predict_theory, &row->theory, why, sizeof why) == 0;
		theory_explain(st, res->have_sc ? &res->sc : &st->sc, st->predict_theory, row->theory_why, sizeof row->theory_why);
	}
}

/* The step's require, judged: true when met (or absent); else why in buf. */
static bool requirement_met(struct lesson_ctx *c, const struct lesson_step *st, char *buf, size_t len)
{
	struct claim_result r;
	char why[200], v[32];
	if (!st->require[0])
		return true;
	if (claim_eval(st->require, lesson_lookup, c, &r, why, sizeof why) < 0) {
		snprintf(buf, len, "needs %s: %s", st->require, why);
		return false;
	}
	if (!r.pass)
		snprintf(buf, len, "needs %s; it was %s: other programs kept this machine busy", st->require,
			 lesson_fmt_value(v, sizeof v, r.lhs, ""));
	return r.pass;
}

int lesson_judge(struct lesson_ctx *c, struct check_outcome out[LESSON_MAX_CHECKS], int *skipped)
{
	const struct lesson_step *st = &c->lesson->step[c->current];
	char why[240];
	int passed = 0;
	const struct step_result *res = &c->result[c->current];
	bool met = requirement_met(c, st, why, sizeof why);
	if (res->skip_reason[0]) {
		met = false;
		snprintf(why, sizeof why, "%s", res->skip_reason);
	}
	if (skipped)
		*skipped = met ? 0 : st->n_checks;
	for (int i = 0; i < st->n_checks; i++) {
		struct check_outcome *o = &out[i];
		memset(o, 0, sizeof *o);
		if (!met) {
			o->skipped = true;
			snprintf(o->err, sizeof o->err, "%s", why);
			continue;
		}
		o->rc = claim_eval(st->check[i].expr, lesson_lookup, c, &o->r, o->err, sizeof o->err);
		o->unit = strncmp(o->r.lhs_name, "predict.", 8) == 0 && st->unit[0] ? st->unit : expr_unit_of(o->r.lhs_name);
		o->predicted_here = st->predict_measured[0] &&
				    (strncmp(st->check[i].expr, st->predict_measured, strlen(st->predict_measured)) == 0 ||
				     strncmp(st->check[i].expr, "predict.measured", 16) == 0);
		if (o->rc == 0 && o->r.pass)
			passed++;
	}
	return passed;
}

struct out {
	char *buf;
	size_t len, used;
};

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct out *o, const char *fmt, ...)
{
	if (o->used + 1 >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n < o->len - o->used ? (size_t)n : o->len - o->used - 1;
}

static double pct_off(double a, double b)
{
	return b != 0 ? (a - b) / fabs(b) * 100.0 : NAN;
}

/* The student's number against the measurement, then the measurement against theory. */
static void explain_prediction(struct out *o, const struct prediction_row *row)
{
	char p[32], m[32], t[32];
	lesson_fmt_value(p, sizeof p, row->predicted, row->unit);
	lesson_fmt_value(m, sizeof m, row->measured, row->unit);
	lesson_fmt_value(t, sizeof t, row->theory, row->unit);
	if (row->have_predicted && row->have_measured) {
		double off = pct_off(row->measured, row->predicted);
		if (fabs(off) <= CLOSE_PCT)
			say(o, "You predicted %s and measured %s: a good prediction.\n", p, m);
		else
			say(o, "You predicted %s; the machine measured %s, %.0f%% %s your guess.\n", p, m, fabs(off),
			    off < 0 ? "below" : "above");
	} else if (row->have_measured)
		say(o, "Measured: %s.\n", m);
	if (row->hint[0])
		say(o, "Hint: %s\n", row->hint);
	if (!row->have_theory)
		return;
	say(o, "Theory says %s%s%s.\n", t, row->theory_why[0] ? ": " : "", row->theory_why);
	if (row->have_measured && isfinite(row->theory)) {
		double off = pct_off(row->measured, row->theory);
		if (fabs(off) <= CLOSE_PCT)
			say(o, "The measurement is within %.0f%% of theory.\n", fabs(off) < 1 ? 1.0 : ceil(fabs(off)));
		else
			say(o, "The measurement is %.0f%% %s theory: the model leaves something out (see below).\n",
			    fabs(off), off < 0 ? "below" : "above");
	}
	if (row->have_predicted && row->have_measured && isfinite(row->theory)) {
		bool guess_fits = fabs(pct_off(row->predicted, row->theory)) <= CLOSE_PCT;
		bool machine_fits = fabs(pct_off(row->measured, row->theory)) <= CLOSE_PCT;
		if (guess_fits && machine_fits)
			say(o, "Your guess, the theory and the machine agree: you have the model.\n");
		else if (guess_fits)
			say(o, "Your guess matched the theory but not the machine.\n");
	}
}

/* Copy text with every {EXPR} replaced by its value on this run ("?" when it has none),
 * so a lesson's words can quote what this machine measured. */
void lesson_substitute(struct lesson_ctx *c, const char *text, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	for (const char *p = text; *p && o + 1 < len;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			out[o++] = *p++;
			continue;
		}
		char expr[LESSON_EXPR_MAX], val[32], why[200];
		double v;
		snprintf(expr, sizeof expr, "%.*s", (int)(close - p - 1), p + 1);
		if (expr_eval(expr, lesson_lookup, c, &v, why, sizeof why) == 0)
			lesson_fmt_value(val, sizeof val, v, "");
		else
			snprintf(val, sizeof val, "?");
		int n = snprintf(out + o, len - o, "%s", val);
		o += n > 0 && (size_t)n < len - o ? (size_t)n : 0;
		p = close + 1;
	}
	out[o < len ? o : len - 1] = '\0';
}

void lesson_explain(struct lesson_ctx *c, const struct prediction_row *row, char *buf, size_t len)
{
	const struct lesson_step *st = &c->lesson->step[c->current];
	const struct step_result *res = &c->result[c->current];
	struct out o = { .buf = buf, .len = len };
	buf[0] = '\0';
	if (row->asked || row->have_theory)
		explain_prediction(&o, row);
	for (int side = 0; side < SIDE_COUNT; side++) {
		const struct theory_side *t = &res->theory[side];
		if (t->present && t->open_loop && theory_unstable(t->rho))
			say(&o, "%s: rho = %.1f / %.1f = %.2f >= 1: the line grows without bound (about %.0f more a second).\n",
			    arena_side_name(side), t->rate_rps, t->bound_rps, t->rho, t->growth_rps);
	}
	if (st->explain[0]) {
		char words[LESSON_TEXT_MAX * 2];
		lesson_substitute(c, st->explain, words, sizeof words);
		say(&o, "%s\n", words);
	}
}
