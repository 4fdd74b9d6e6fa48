/* lesson_expr.c: a recursive-descent evaluator for the checks (grammar in lesson_expr.h).
 * It evaluates while it parses: a claim is a line, evaluated once per run, so there
 * is no tree to build and nothing to free.
 */
#include "lesson_expr.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 95

struct ev {
	const char *s;          /* the whole text */
	const char *p;          /* where we are */
	expr_lookup_fn lookup;
	void *ctx;
	char *err;
	size_t errlen;
	int rc;                 /* first error, 0 while fine */
	char first_name[NAME_MAX_LEN + 1]; /* the first name seen since the last reset */
};

static double fail(struct ev *e, int rc, const char *what)
{
	if (!e->rc) {
		e->rc = rc;
		snprintf(e->err, e->errlen, "%s at '%.30s'", what, *e->p ? e->p : "the end");
	}
	return NAN;
}

static void skip_space(struct ev *e)
{
	while (isspace((unsigned char)*e->p))
		e->p++;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* The next word (a name or keyword) without consuming it. */
static size_t peek_word(struct ev *e, char *buf, size_t cap)
{
	skip_space(e);
	size_t n = 0;
	if (!isalpha((unsigned char)*e->p) && *e->p != '_')
		return 0;
	while (is_name_char(e->p[n]) && n + 1 < cap) {
		buf[n] = e->p[n];
		n++;
	}
	buf[n] = '\0';
	return n;
}

static bool accept_word(struct ev *e, const char *word)
{
	char buf[NAME_MAX_LEN + 1];
	size_t n = peek_word(e, buf, sizeof buf);
	if (n && strcmp(buf, word) == 0) {
		e->p += n;
		return true;
	}
	return false;
}

static bool accept_char(struct ev *e, char c)
{
	skip_space(e);
	if (*e->p == c) {
		e->p++;
		return true;
	}
	return false;
}

static double expr(struct ev *e);

/* min(a, b) and max(a, b); the name is already consumed. */
static double call(struct ev *e, const char *fn)
{
	double a = expr(e);
	if (!accept_char(e, ','))
		return fail(e, -EINVAL, "expected ',' in min/max");
	double b = expr(e);
	if (!accept_char(e, ')'))
		return fail(e, -EINVAL, "expected ')'");
	return strcmp(fn, "min") == 0 ? fmin(a, b) : fmax(a, b);
}

static double name_value(struct ev *e)
{
	char name[NAME_MAX_LEN + 1];
	size_t n = peek_word(e, name, sizeof name);
	if (is_name_char(e->p[n]))
		return fail(e, -EINVAL, "name too long");
	e->p += n;
	if ((strcmp(name, "min") == 0 || strcmp(name, "max") == 0) && accept_char(e, '('))
		return call(e, name);
	if (!e->first_name[0])
		snprintf(e->first_name, sizeof e->first_name, "%s", name);
	double v;
	char why[200] = "";
	int rc = e->lookup(e->ctx, name, &v, why, sizeof why);
	if (rc < 0) {
		if (!e->rc) {
			e->rc = rc;
			snprintf(e->err, e->errlen, "%s: %s", name, why[0] ? why : "unknown name");
		}
		return NAN;
	}
	return v;
}

static double factor(struct ev *e)
{
	skip_space(e);
	if (accept_char(e, '-'))
		return -factor(e);
	if (accept_char(e, '(')) {
		double v = expr(e);
		if (!accept_char(e, ')'))
			return fail(e, -EINVAL, "expected ')'");
		return v;
	}
	if (isdigit((unsigned char)*e->p) || *e->p == '.') {
		char *end;
		double v = strtod(e->p, &end);
		e->p = end;
		return v;
	}
	if (isalpha((unsigned char)*e->p) || *e->p == '_')
		return name_value(e);
	return fail(e, -EINVAL, "expected a number or a name");
}

static double term(struct ev *e)
{
	double v = factor(e);
	for (;;) {
		if (accept_char(e, '*'))
			v *= factor(e);
		else if (accept_char(e, '/')) {
			double d = factor(e);
			v = d != 0 ? v / d : (v == 0 ? NAN : copysign(INFINITY, v));
		} else
			return v;
	}
}

static double expr(struct ev *e)
{
	double v = term(e);
	for (;;) {
		if (accept_char(e, '+'))
			v += term(e);
		else if (accept_char(e, '-'))
			v -= term(e);
		else
			return v;
	}
}

int expr_eval(const char *text, expr_lookup_fn lookup, void *ctx, double *out, char *err, size_t errlen)
{
	struct ev e = { .s = text, .p = text, .lookup = lookup, .ctx = ctx, .err = err, .errlen = errlen };
	double v = expr(&e);
	skip_space(&e);
	if (!e.rc && *e.p)
		fail(&e, -EINVAL, "unexpected text");
	if (e.rc)
		return e.rc;
	*out = v;
	return 0;
}

/* The relation between the two sides; the left side is already evaluated. */
static void relation(struct ev *e, struct claim_result *r)
{
	skip_space(e);
	if (accept_word(e, "within")) {
		skip_space(e);
		char *end;
		r->tolerance = strtod(e->p, &end);
		if (end == e->p || r->tolerance < 0) {
			fail(e, -EINVAL, "expected a tolerance after 'within'");
			return;
		}
		e->p = end;
		r->rel = accept_char(e, '%') ? REL_WITHIN_PCT : REL_WITHIN_ABS;
		if (!accept_word(e, "of"))
			fail(e, -EINVAL, "expected 'of'");
		return;
	}
	if (accept_word(e, "between")) {
		r->rel = REL_BETWEEN;
		return;
	}
	if (accept_char(e, '<'))
		r->rel = accept_char(e, '=') ? REL_LE : REL_LT;
	else if (accept_char(e, '>'))
		r->rel = accept_char(e, '=') ? REL_GE : REL_GT;
	else
		fail(e, -EINVAL, "expected <, <=, >, >=, 'within' or 'between'");
}

/* Decide the claim and say how it came out, in words for the report. */
static void judge(struct claim_result *r)
{
	double a = r->lhs, b = r->rhs;
	static const char *ops[] = { "<", "<=", ">", ">=" };
	switch (r->rel) {
	case REL_LT: r->pass = a < b; break;
	case REL_LE: r->pass = a <= b; break;
	case REL_GT: r->pass = a > b; break;
	case REL_GE: r->pass = a >= b; break;
	case REL_WITHIN_PCT: {
		double off = fabs(a - b) / fabs(b) * 100.0;
		r->pass = isfinite(off) && off <= r->tolerance;
		snprintf(r->relation, sizeof r->relation, "within %g%% (off by %.1f%%)", r->tolerance, off);
		return;
	}
	case REL_WITHIN_ABS:
		r->pass = fabs(a - b) <= r->tolerance;
		snprintf(r->relation, sizeof r->relation, "within %g (off by %.3g)", r->tolerance, fabs(a - b));
		return;
	case REL_BETWEEN:
		r->pass = a >= b && a <= r->rhs2;
		snprintf(r->relation, sizeof r->relation, "between %.4g and %.4g", b, r->rhs2);
		return;
	}
	if (isnan(a) || isnan(b))
		r->pass = false;
	if (b != 0 && isfinite(a) && isfinite(b))
		snprintf(r->relation, sizeof r->relation, "%s (ratio %.2f)", ops[r->rel], a / b);
	else
		snprintf(r->relation, sizeof r->relation, "%s", ops[r->rel]);
}

int claim_eval(const char *text, expr_lookup_fn lookup, void *ctx, struct claim_result *r, char *err, size_t errlen)
{
	struct ev e = { .s = text, .p = text, .lookup = lookup, .ctx = ctx, .err = err, .errlen = errlen };
	memset(r, 0, sizeof *r);
	r->lhs = expr(&e);
	snprintf(r->lhs_name, sizeof r->lhs_name, "%s", e.first_name);
	if (!e.rc)
		relation(&e, r);
	e.first_name[0] = '\0';
	if (!e.rc)
		r->rhs = expr(&e);
	snprintf(r->rhs_name, sizeof r->rhs_name, "%s", e.first_name);
	if (!e.rc && r->rel == REL_BETWEEN) {
		if (!accept_word(&e, "and"))
			fail(&e, -EINVAL, "expected 'and'");
		else
			r->rhs2 = expr(&e);
	}
	skip_space(&e);
	if (!e.rc && *e.p)
		fail(&e, -EINVAL, "unexpected text");
	if (e.rc)
		return e.rc;
	judge(r);
	return 0;
}

const char *expr_unit_of(const char *name)
{
	static const struct { const char *suffix, *unit; } units[] = {
		{ "_rps", "/s" }, { "_ms", "ms" }, { "_kb", "KiB" }, { "_pct", "%" }, { "_s", "s" },
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t k = strlen(units[i].suffix);
		if (n > k && strcmp(name + n - k, units[i].suffix) == 0)
			return units[i].unit;
	}
	return "";
}
