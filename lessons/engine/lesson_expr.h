/* lesson_expr.h: the little language of a lesson's checks.
 *
 *   claim := expr REL expr
 *          | expr "within" NUMBER "%" "of" expr      relative: |a - b| <= N% of |b|
 *          | expr "within" NUMBER "of" expr          absolute: |a - b| <= N
 *          | expr "between" expr "and" expr          lo <= a <= hi
 *   REL   := "<" | "<=" | ">" | ">="
 *   expr  := arithmetic over numbers and names with + - * / ( ), min(a, b), max(a, b)
 *   name  := letters, digits, '_' and '.': measured.blocking.throughput_rps, ...
 *
 * Names are resolved by the caller (lesson_vars.c): the language knows no figure. A
 * claim is a tolerance, never an exact value: a lesson's check must hold on a loaded
 * two-core machine as well as on a quiet eight-core one.
 */
#ifndef LUNCHRUSH_LESSON_EXPR_H
#define LUNCHRUSH_LESSON_EXPR_H

#include <stdbool.h>
#include <stddef.h>

/* Resolve a name: 0 with *out set, -ENOENT for an unknown name, -ENODATA for a known
 * name with no value (a side that did not run). err gets the reason. */
typedef int (*expr_lookup_fn)(void *ctx, const char *name, double *out, char *err, size_t errlen);

/* Evaluate an arithmetic expression. 0, or a negative errno with the reason in err. */
int expr_eval(const char *text, expr_lookup_fn lookup, void *ctx, double *out, char *err, size_t errlen);

enum claim_rel { REL_LT, REL_LE, REL_GT, REL_GE, REL_WITHIN_PCT, REL_WITHIN_ABS, REL_BETWEEN };

struct claim_result {
	bool pass;
	enum claim_rel rel;
	double lhs;            /* the figure the claim is about (usually measured) */
	double rhs;            /* what it is held against (theory, or another figure) */
	double rhs2;           /* between: the upper end (rhs is the lower) */
	double tolerance;      /* within: the N */
	char lhs_name[96];     /* the first name in the left side, for its unit */
	char rhs_name[96];
	char relation[96];     /* "within 15% (off by 3.2%)", "< ", ... for the report */
};

/* Parse and evaluate a claim. 0 with r filled (r->pass says whether it holds), or a
 * negative errno with the reason in err (a syntax error, an unknown name, no data). */
int claim_eval(const char *text, expr_lookup_fn lookup, void *ctx, struct claim_result *r, char *err, size_t errlen);

/* The unit a figure's name implies by its suffix: _rps "/s", _ms "ms", _kb "KiB",
 * _pct "%", else "". */
const char *expr_unit_of(const char *name);

#endif
