/* lesson_ui.c: an interactive lesson (see lesson_ui.h). The screen: the lesson pane on
 * the left (the page's text, the prediction typed in, the results), the live
 * restaurants on the right (the dashboard's view when there is room for it, else the
 * narrow stacked one), the keys on the last row. The loop, as in the dashboard: wait
 * for a key with a timeout, update the model, draw, one doupdate().
 */
#include "lesson_ui.h"

#include <curses.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "lesson_glossary.h"
#include "lesson_heading.h"
#include "lesson_progress.h"
#include "lesson_record.h"
#include "lesson_report.h"
#include "lesson_run.h"
#include "lesson_text.h"
#include "lesson_vars.h"
#include "lesson_view.h"
#include "../../visualizer/view.h"
#include "../../visualizer/viewkit.h"

#define PANE_MIN_COLS 38
#define FULL_VIEW_MIN_COLS 76     /* view.c's MIN_COLS */
#define SCREEN_MIN_COLS 80
#define SCREEN_MIN_ROWS 24
#define KEY_ENTER_CR 13
#define KEY_ESC 27

enum ui_state { S_PAGE, S_PREDICT, S_CHOOSE, S_RUN, S_RESULTS, S_GLOSSARY };

struct ui {
	const struct lesson_ui_opts *o;
	struct view_opts vo;
	const struct lesson *l;
	struct lesson_runner runner;
	bool runner_ok;
	struct step_result res[LESSON_MAX_STEPS];
	struct lesson_ctx ctx;
	int page;                  /* the step whose page is shown; n_steps: the closing page */
	enum ui_state state;
	struct text_lines text;    /* the pane's lines */
	int scroll;
	char input[24];            /* the prediction (or a challenge's choice) being typed */
	char prompt_note[120];     /* why Enter did nothing ("type a number, or Esc") */
	bool skipped[LESSON_MAX_STEPS]; /* the prediction (or choice) was skipped with Esc */
	enum ui_state before_glossary;  /* where `?` came from */
	struct step_result *recorded;   /* --replay: each step's recorded figures, or NULL */
	char recorded_when[48];
	char status[200];          /* run phase and time left */
	char event[64];            /* the last thing that happened in the run ("the chef faints") */
	WINDOW *pane, *side;
	int pane_w, rows, cols;
	bool full_view;            /* the right column fits the dashboard's own view */
};

static volatile sig_atomic_t ui_stop;
static bool last_finished;   /* the last lesson ended on its closing page */

bool lesson_ui_last_finished(void)
{
	return last_finished;
}

bool lesson_ui_stopped(void)
{
	return ui_stop != 0;
}

int lesson_ui_stop_status(void)
{
	return ui_stop ? 128 + ui_stop : 0;
}

static void on_signal(int sig)
{
	ui_stop = sig;
}

static bool screen_is_open;

void lesson_screen_open(struct view_opts *vo)
{
	if (screen_is_open)
		return;
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	view_screen_open(vo);
	screen_is_open = true;
}

void lesson_screen_close(void)
{
	if (screen_is_open)
		endwin();
	screen_is_open = false;
}

/* ---- layout and drawing ---- */

static void layout(struct ui *u)
{
	getmaxyx(stdscr, u->rows, u->cols);
	if (u->pane)
		delwin(u->pane);
	if (u->side)
		delwin(u->side);
	u->pane = u->side = NULL;
	if (u->cols < SCREEN_MIN_COLS || u->rows < SCREEN_MIN_ROWS)
		return;
	int side_w;
	u->full_view = u->cols >= PANE_MIN_COLS + 1 + FULL_VIEW_MIN_COLS;
	if (u->full_view) {
		side_w = u->cols * 55 / 100 > FULL_VIEW_MIN_COLS ? u->cols * 55 / 100 : FULL_VIEW_MIN_COLS;
		u->pane_w = u->cols - side_w - 1;
	} else {
		u->pane_w = u->cols * 52 / 100;
		side_w = u->cols - u->pane_w - 1;
	}
	u->pane = newwin(u->rows - 1, u->pane_w, 0, 0);
	u->side = newwin(u->rows - 1, side_w, 0, u->pane_w + 1);
}

static attr_t kind_attr(const struct ui *u, int kind)
{
	switch (kind) {
	case TK_HEADING: return A_BOLD | A_UNDERLINE;
	case TK_CODE: return viewkit_attr(&u->vo, VA_DIM);
	case TK_QUOTE: return A_NORMAL;
	case TK_GOOD: return viewkit_attr(&u->vo, VA_GOOD) | A_BOLD;
	case TK_BAD: return viewkit_attr(&u->vo, VA_BAD);
	case TK_DIM: return viewkit_attr(&u->vo, VA_DIM);
	default: return A_NORMAL;
	}
}

/* The prompt or the run status at the bottom of the pane, wrapped to its width. */
static void footer_lines(const struct ui *u, struct text_lines *f)
{
	const struct lesson_step *st = u->page < u->l->n_steps ? &u->l->step[u->page] : NULL;
	char line[120];
	if ((u->state == S_PREDICT || u->state == S_CHOOSE) && st) {
		bool choose = u->state == S_CHOOSE;
		text_lines_add(f, choose ? "Your choice (a challenge):" : "Your prediction:", TK_HEADING);
		text_wrap_plain(f, choose ? st->choose_prompt : st->predict, u->pane_w - 1, "", "", TK_NORMAL);
		if (choose) {
			snprintf(line, sizeof line, "%s, from %g to %g", st->choose, st->choose_min, st->choose_max);
			text_lines_add(f, line, TK_DIM);
		}
		snprintf(line, sizeof line, "> %s_ %s", u->input, choose ? "" : st->unit);
		text_lines_add(f, line, TK_GOOD);
		if (u->prompt_note[0])
			text_wrap_plain(f, u->prompt_note, u->pane_w - 1, "", "", TK_BAD);
	} else if (u->state == S_RUN) {
		char heading[LESSON_TITLE_MAX + 32];
		snprintf(line, sizeof line, "Running %s ...", lesson_step_heading(u->l, u->page, heading, sizeof heading));
		text_wrap_plain(f, line, u->pane_w - 1, "", "", TK_HEADING);
		text_wrap_plain(f, u->status, u->pane_w - 1, "", "", TK_NORMAL);
	}
}

/* Rows the page text can use above the footer. */
static int pane_text_rows(const struct ui *u)
{
	struct text_lines f;
	text_lines_init(&f);
	footer_lines(u, &f);
	int rows = u->rows - 1 - (f.n ? f.n + 1 : 0);
	text_lines_free(&f);
	return rows > 1 ? rows : 1;
}

static void draw_pane(struct ui *u)
{
	WINDOW *w = u->pane;
	struct text_lines f;
	text_lines_init(&f);
	footer_lines(u, &f);
	int h = u->rows - 1 - (f.n ? f.n + 1 : 0);
	werase(w);
	if (u->scroll > u->text.n - h)
		u->scroll = u->text.n - h > 0 ? u->text.n - h : 0;
	for (int r = 0; r < h && u->scroll + r < u->text.n; r++)
		vk_put(w, r, 0, u->pane_w, kind_attr(u, u->text.kind[u->scroll + r]), "%s", u->text.line[u->scroll + r]);
	for (int r = 0; r < f.n; r++)
		vk_put(w, h + 1 + r, 0, u->pane_w, kind_attr(u, f.kind[r]), "%s", f.line[r]);
	text_lines_free(&f);
	wnoutrefresh(w);
}

static void draw_keys(struct ui *u)
{
	static const char *keys[] = {
		[S_PAGE] = "Enter next   Up/Down PgUp/PgDn scroll   ? words   q leave",
		[S_PREDICT] = "type a number, then Enter   Esc: skip the prediction (the lesson stays unfinished)",
		[S_CHOOSE] = "type your choice, then Enter   Esc: run the typical choice (the lesson stays unfinished)",
		[S_RUN] = "measuring: watch the restaurants   q stops the step",
		[S_RESULTS] = "Enter next   r run again   Up/Down scroll   ? words   q leave",
		[S_GLOSSARY] = "the words of the lessons   any key: back",
	};
	int h = pane_text_rows(u);
	char more[16] = "";
	if (u->text.n > h && u->state != S_RUN && u->state != S_PREDICT && u->state != S_CHOOSE)
		snprintf(more, sizeof more, "%3d%%  ", 100 * (u->scroll + h < u->text.n ? u->scroll + h : u->text.n) / u->text.n);
	vk_put(stdscr, u->rows - 1, 0, u->cols, A_REVERSE, " lesson %d  %s%s%s%*s", u->l->number,
	       u->recorded ? "REPLAY (recorded figures, nothing runs)  " : "", more, keys[u->state], u->cols, "");
	wnoutrefresh(stdscr);
}

static void draw(struct ui *u, const struct snapshot *s)
{
	if (!u->pane) {
		erase();
		mvprintw(0, 0, "The lessons need a terminal of at least %dx%d (this one is %dx%d).", SCREEN_MIN_COLS,
			 SCREEN_MIN_ROWS, u->cols, u->rows);
		mvprintw(1, 0, "Resize it, or q to leave.");
		refresh();
		return;
	}
	for (int r = 0; r < u->rows - 1; r++)
		mvwaddstr(stdscr, r, u->pane_w, viewkit_glyphs(&u->vo)->vline);
	draw_keys(u);
	draw_pane(u);
	if (u->full_view) {
		/* running: what the arena runs; else the step on the page (about to run, or
		 * whose results are shown), not the last step's leftovers */
		const struct scenario *sc = u->state == S_RUN || u->page >= u->l->n_steps ? &u->runner.arena.sc
											   : &u->l->step[u->page].sc;
		char mode[48];
		if (u->page < u->l->n_steps)
			snprintf(mode, sizeof mode, "lesson %d, step %d of %d", u->l->number, u->page + 1, u->l->n_steps);
		else
			snprintf(mode, sizeof mode, "lesson %d", u->l->number);
		struct view_status vs = { .scenario = sc->name, .mode = mode, .elapsed_s = s->elapsed_s,
					  .rate = sc->rate, .cook_ms = sc->cook_ms, .work_us = sc->work_us,
					  .keepalive = sc->keepalive };
		view_draw(u->side, s, &vs, &u->vo);
		/* its last row lists the dashboard's keys, which the lesson does not take */
		int h, w;
		getmaxyx(u->side, h, w);
		vk_put(u->side, h - 1, 0, w, viewkit_attr(&u->vo, VA_DIM), " live, measured; the lesson's keys are below%*s",
		       w, "");
		wnoutrefresh(u->side);
	} else
		lesson_view_draw(u->side, s, &u->vo);
	doupdate();
}

/* ---- the pane's contents ---- */

static int pane_width(const struct ui *u)
{
	return u->pane_w > 10 ? u->pane_w - 1 : 78;
}

static void build_page(struct ui *u)
{
	const struct lesson *l = u->l;
	char line[200];
	text_lines_clear(&u->text);
	u->scroll = 0;
	snprintf(line, sizeof line, "lesson %d, page %d of %d", l->number, u->page + 1, l->n_steps + 1);
	text_lines_add(&u->text, line, TK_DIM);
	if (u->recorded) {
		snprintf(line, sizeof line, "Replayed from %s, recorded %s: the restaurants do not run here, and "
			 "every figure is the one measured then.", u->o->replay, u->recorded_when);
		text_wrap_plain(&u->text, line, pane_width(u), "", "", TK_BAD);
	}
	if (u->page < l->n_steps) {
		const struct lesson_step *st = &l->step[u->page];
		text_wrap_markdown(&u->text, st->text_before, pane_width(u));
		text_lines_add(&u->text, "", TK_NORMAL);
		char heading[LESSON_TITLE_MAX + 32], timing[96];
		snprintf(line, sizeof line, "> %s. %s", lesson_step_heading(l, u->page, heading, sizeof heading),
			 lesson_step_timing(st, !u->vo.ascii, timing, sizeof timing));
		text_wrap_plain(&u->text, line, pane_width(u), "", "  ", TK_GOOD);
		text_lines_add(&u->text, st->choose[0] ? "  Enter: make your choice" :
				 st->predict[0] ? "  Enter: make your prediction" : "  Enter: run it", TK_DIM);
	} else {
		text_wrap_markdown(&u->text, l->text_after, pane_width(u));
		text_lines_add(&u->text, "", TK_NORMAL);
		int skipped = 0;
		for (int i = 0; i < l->n_steps; i++)
			skipped += u->skipped[i];
		if (skipped) {
			snprintf(line, sizeof line, "> You skipped %d prediction%s: the lesson stays started, not done, "
				 "until you make %s.", skipped, skipped == 1 ? "" : "s", skipped == 1 ? "it" : "them");
			text_wrap_plain(&u->text, line, pane_width(u), "", "  ", TK_BAD);
		}
		text_lines_add(&u->text, "> End of the lesson. Enter: back to the menu", TK_GOOD);
	}
}

static void build_glossary(struct ui *u)
{
	size_t n;
	const struct glossary_entry *g = lesson_glossary(&n);
	char line[600];
	text_lines_clear(&u->text);
	u->scroll = 0;
	text_lines_add(&u->text, "The words of the lessons, one meaning each", TK_HEADING);
	text_lines_add(&u->text, "", TK_NORMAL);
	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof line, "%s: %s", g[i].word, g[i].meaning);
		text_wrap_plain(&u->text, line, pane_width(u), "", "    ", TK_NORMAL);
	}
	text_lines_add(&u->text, "", TK_NORMAL);
	text_lines_add(&u->text, "  any key: back to the lesson", TK_DIM);
}

static void add_results_table(struct ui *u, const struct prediction_row *row)
{
	char line[240], p[32], m[32], t[32];
	if (!row->asked && !row->have_theory)
		return;
	snprintf(line, sizeof line, "  %-8s %9s %9s %9s", row->unit[0] ? row->unit : "", "you said", "measured",
		 "theory");
	text_lines_add(&u->text, line, TK_HEADING);
	snprintf(line, sizeof line, "  %-8s %9s %9s %9s", "", lesson_fmt_value(p, sizeof p, row->predicted, ""),
		 lesson_fmt_value(m, sizeof m, row->have_measured ? row->measured : NAN, ""),
		 lesson_fmt_value(t, sizeof t, row->have_theory ? row->theory : NAN, ""));
	text_lines_add(&u->text, line, TK_NORMAL);
	text_lines_add(&u->text, "", TK_NORMAL);
}

static void add_claims(struct ui *u, const struct lesson_step *st, const struct check_outcome *o)
{
	char line[400], m[32], t[32];
	for (int k = 0; k < st->n_checks; k++) {
		bool pass = o[k].rc == 0 && o[k].r.pass;
		snprintf(line, sizeof line, "%s %s", o[k].skipped ? "[SKIP]" : pass ? "[PASS]" : "[FAIL]",
			 st->check[k].claim[0] ? st->check[k].claim : st->check[k].expr);
		text_wrap_plain(&u->text, line, pane_width(u), "", "       ", o[k].skipped ? TK_DIM : pass ? TK_GOOD : TK_BAD);
		if (o[k].rc < 0 || o[k].skipped)
			snprintf(line, sizeof line, "not judged: %s", o[k].err);
		else
			snprintf(line, sizeof line, "measured %s, against %s: %s",
				 lesson_fmt_value(m, sizeof m, o[k].r.lhs, o[k].unit),
				 lesson_fmt_value(t, sizeof t, o[k].r.rhs, expr_unit_of(o[k].r.rhs_name)), o[k].r.relation);
		text_wrap_plain(&u->text, line, pane_width(u), "       ", "       ", TK_NORMAL);
	}
	if (st->n_checks)
		text_lines_add(&u->text, "", TK_NORMAL);
}

/* After a run: the prediction beside measurement and theory, the claims, the words. */
static void build_results(struct ui *u, double window_s, const char *note)
{
	const struct lesson_step *st = &u->l->step[u->page];
	char line[300], explain[3000], heading[LESSON_TITLE_MAX + 32];
	text_lines_clear(&u->text);
	u->scroll = 0;
	snprintf(line, sizeof line, "%s. What happened in the %.3g s measured:",
		 lesson_step_heading(u->l, u->page, heading, sizeof heading), window_s);
	text_wrap_plain(&u->text, line, pane_width(u), "", "", TK_HEADING);
	text_lines_add(&u->text, "", TK_NORMAL);
	u->ctx.current = u->page;
	struct prediction_row row;
	lesson_prediction(&u->ctx, &row);
	add_results_table(u, &row);
	struct check_outcome o[LESSON_MAX_CHECKS];
	int skipped;
	int passed = lesson_judge(&u->ctx, o, &skipped);
	add_claims(u, st, o);
	lesson_explain(&u->ctx, &row, explain, sizeof explain);
	text_wrap_plain(&u->text, explain, pane_width(u), "", "", TK_NORMAL);
	if (passed + skipped < st->n_checks && st->if_fail[0]) {
		lesson_substitute(&u->ctx, st->if_fail, explain, sizeof explain);
		text_lines_add(&u->text, "", TK_NORMAL);
		text_wrap_plain(&u->text, explain, pane_width(u), "", "", TK_DIM);
	}
	if (note && note[0]) {
		text_lines_add(&u->text, "", TK_NORMAL);
		text_wrap_plain(&u->text, note, pane_width(u), "note: ", "      ", TK_BAD);
	}
	text_lines_add(&u->text, "", TK_NORMAL);
	text_lines_add(&u->text, "  Enter: next page   r: run it again", TK_DIM);
}

/* ---- running a step ---- */

int lesson_read_key(int wait_ms)
{
	wtimeout(stdscr, wait_ms);
	return wgetch(stdscr);
}

static bool on_tick(void *ctx, const struct snapshot *s, enum run_phase phase, double left_s, const char *event)
{
	struct ui *u = ctx;
	static const char *names[] = { "starting the restaurants", "warming up", "measuring", "done" };
	if (event)
		snprintf(u->event, sizeof u->event, "%s", event);
	snprintf(u->status, sizeof u->status, "%s: %.1f s left%s%s%s", names[phase], left_s > 0 ? left_s : 0,
		 u->event[0] ? " (" : "", u->event, u->event[0] ? ")" : "");
	int key = lesson_read_key(0);
	if (key == KEY_RESIZE) {
		layout(u);
		build_page(u);
	}
	draw(u, s);
	return ui_stop || key == 'q';
}

static void run_step(struct ui *u)
{
	const struct lesson_step *st = &u->l->step[u->page];
	struct step_result *r = &u->res[u->page];
	char err[300];
	struct lesson_step run = *st;
	int rc = 0;
	err[0] = '\0';
	r->skip_reason[0] = '\0';
	double typed = r->chosen;
	if (st->choose[0] && u->recorded) /* a recording ran the typical choice: judge that */
		r->chosen = st->typical_choice;
	if (st->choose[0]) { /* a challenge: the choice typed (or, skipped, the typical one) */
		rc = lesson_apply_choice(st, r->chosen, &run.sc, err, sizeof err);
		r->sc = run.sc;
		r->have_sc = true;
	}
	u->state = S_RUN;
	u->status[0] = u->event[0] = '\0';
	if (rc == 0 && u->recorded) { /* --replay: the recording's figures for this step */
		const struct step_result *rec = &u->recorded[u->page];
		memcpy(r->measured, rec->measured, sizeof r->measured);
		r->free_cores = rec->free_cores;
		if (!rec->ran) {
			snprintf(r->skip_reason, sizeof r->skip_reason, "the recording has no figures for this step");
			rc = -ENOTSUP;
		} else if (st->choose[0] && typed != r->chosen)
			snprintf(err, sizeof err, "replayed: measured on %s (--replay %s) with %s = %g, the recording's "
				 "choice, not your %g: a recording cannot run another", u->recorded_when, u->o->replay,
				 st->choose, r->chosen, typed);
		else
			snprintf(err, sizeof err, "replayed: measured on %s (--replay %s), not now on this machine",
				 u->recorded_when, u->o->replay);
	} else if (rc == 0 && lesson_step_unmet(st, u->runner.bin_dir, r->skip_reason, sizeof r->skip_reason))
		rc = -ENOTSUP;
	else if (rc == 0)
		rc = lesson_runner_step(&u->runner, &run, false, on_tick, u, r->measured, err, sizeof err);
	r->free_cores = u->runner.free_cores;
	for (int side = 0; side < SIDE_COUNT; side++) {
		theory_for_scenario(&run.sc, side, &r->theory[side]);
		theory_for_step(st, side, r->measured[side].window_s, &r->theory[side]);
	}
	if (rc == -ENOTSUP) { /* not here: the claims are shown as skipped, with the reason */
		r->ran = false;
		u->state = S_RESULTS;
		build_results(u, 0, r->skip_reason);
		return;
	}
	u->state = S_RESULTS;
	if (rc == -ECANCELED) {
		r->ran = false;
		u->state = S_PAGE;
		build_page(u);
		return;
	}
	r->ran = rc == 0;
	if (rc < 0) {
		text_lines_clear(&u->text);
		text_wrap_plain(&u->text, "The step could not run:", pane_width(u), "", "", TK_BAD);
		text_wrap_plain(&u->text, err, pane_width(u), "  ", "  ", TK_NORMAL);
		text_lines_add(&u->text, "  Enter: next page   r: try again", TK_DIM);
		return;
	}
	build_results(u, r->measured[0].window_s > 0 ? r->measured[0].window_s : r->measured[1].window_s, err);
}

/* ---- keys ---- */

static void scroll_by(struct ui *u, int n)
{
	u->scroll += n;
	if (u->scroll < 0)
		u->scroll = 0;
}

/* A key while a prediction or a challenge's choice is typed. Enter runs the step only
 * with a number in the box; Esc skips explicitly (a challenge then runs the typical
 * choice), and a skipped step keeps the lesson from counting as done. */
static void prompt_key(struct ui *u, int key)
{
	const struct lesson_step *st = &u->l->step[u->page];
	struct step_result *r = &u->res[u->page];
	size_t n = strlen(u->input);
	char *end;
	if ((key >= '0' && key <= '9') || key == '.' || (key == '-' && n == 0)) {
		if (n + 1 < sizeof u->input)
			u->input[n] = (char)key, u->input[n + 1] = '\0';
		u->prompt_note[0] = '\0';
	} else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && n > 0) {
		u->input[n - 1] = '\0';
	} else if (key == KEY_ESC) {
		u->skipped[u->page] = true;
		r->predicted = NAN;
		r->chosen = st->typical_choice;
		u->input[0] = '\0';
		run_step(u);
	} else if (key == '\n' || key == KEY_ENTER_CR || key == KEY_ENTER) {
		double v = strtod(u->input, &end);
		if (end == u->input || *end) {
			snprintf(u->prompt_note, sizeof u->prompt_note, "Type a number first (or Esc to skip).");
			return;
		}
		if (u->state == S_CHOOSE && (v < st->choose_min || v > st->choose_max)) {
			snprintf(u->prompt_note, sizeof u->prompt_note, "Choose from %g to %g.", st->choose_min, st->choose_max);
			return;
		}
		u->skipped[u->page] = false;
		if (u->state == S_CHOOSE)
			r->chosen = v, r->predicted = NAN;
		else
			r->predicted = v;
		u->input[0] = '\0';
		run_step(u);
	}
}

/* Returns true when the lesson ends (finished or left). */
static bool handle_key(struct ui *u, int key, bool *finished)
{
	int page_rows = u->rows > 4 ? u->rows - 4 : 1;
	if (u->state == S_GLOSSARY) {
		u->state = u->before_glossary;
		const struct step_result *r = &u->res[u->page];
		if (u->state == S_RESULTS && u->page < u->l->n_steps)
			build_results(u, r->measured[0].window_s > 0 ? r->measured[0].window_s : r->measured[1].window_s,
				      r->skip_reason);
		else
			build_page(u);
		return false;
	}
	if (key == '?' && (u->state == S_PAGE || u->state == S_RESULTS)) {
		u->before_glossary = u->state;
		u->state = S_GLOSSARY;
		build_glossary(u);
		return false;
	}
	if (u->state == S_PREDICT || u->state == S_CHOOSE)
		return prompt_key(u, key), false;
	switch (key) {
	case KEY_UP: case 'k': scroll_by(u, -1); break;
	case KEY_DOWN: case 'j': scroll_by(u, 1); break;
	case KEY_PPAGE: scroll_by(u, -page_rows); break;
	case KEY_NPAGE: case ' ': scroll_by(u, page_rows); break;
	case 'q': return true;
	case 'r': /* again, with the same prediction or choice */
		if (u->state == S_RESULTS)
			run_step(u);
		break;
	case '\n': case KEY_ENTER_CR: case KEY_ENTER:
		if (u->scroll + pane_text_rows(u) < u->text.n) { /* read to the end before moving on */
			scroll_by(u, page_rows);
			break;
		}
		if (u->state == S_RESULTS) {
			u->page++;
			u->state = S_PAGE;
			build_page(u);
		} else if (u->page >= u->l->n_steps) {
			*finished = true;
			return true;
		} else if (u->l->step[u->page].choose[0] || u->l->step[u->page].predict[0]) {
			u->input[0] = '\0';
			u->prompt_note[0] = '\0';
			u->state = u->l->step[u->page].choose[0] ? S_CHOOSE : S_PREDICT;
		} else
			run_step(u);
		break;
	}
	return false;
}

static int lesson_loop(struct ui *u)
{
	bool finished = false;
	layout(u);
	build_page(u);
	progress_set(u->l->slug, MARK_STARTED);
	while (!ui_stop) {
		draw(u, lesson_runner_poll(&u->runner));
		int key = lesson_read_key(100);
		if (key == ERR)
			continue;
		if (key == KEY_RESIZE) {
			layout(u);
			if (u->state == S_PAGE)
				build_page(u);
			continue;
		}
		if ((!u->pane && key == 'q') || (u->pane && handle_key(u, key, &finished)))
			break;
	}
	bool skipped = false;
	for (int i = 0; i < u->l->n_steps; i++)
		skipped |= u->skipped[i];
	if (finished && !skipped) /* done only with every prediction made */
		progress_set(u->l->slug, MARK_DONE);
	last_finished = finished;
	return ui_stop ? 128 + ui_stop : 0; /* as a shell reports a signal's end */
}

int lesson_ui_lesson(const struct lesson_ui_opts *o, const struct lesson *l)
{
	struct ui *u = calloc(1, sizeof *u);
	char err[300];
	if (!u)
		return 1;
	u->o = o;
	u->l = l;
	u->vo = (struct view_opts){ .ascii = o->ascii, .big = o->big, .color = o->color };
	u->ctx = (struct lesson_ctx){ .lesson = l, .result = u->res };
	if (o->replay) {
		u->recorded = calloc(LESSON_MAX_STEPS, sizeof *u->recorded);
		if (!u->recorded || lesson_record_read(o->replay, l, u->recorded, u->recorded_when,
						       sizeof u->recorded_when, err, sizeof err) < 0) {
			fprintf(stderr, "dashboard: %s\n", u->recorded ? err : "out of memory");
			free(u->recorded);
			free(u);
			return 1;
		}
	}
	for (int i = 0; i < LESSON_MAX_STEPS; i++)
		u->res[i].predicted = u->res[i].chosen = NAN;
	text_lines_init(&u->text);
	if (lesson_runner_init(&u->runner, o->bin_dir, err, sizeof err) < 0) {
		fprintf(stderr, "dashboard: %s\n", err);
		free(u);
		return 1;
	}
	bool opened_here = !screen_is_open;
	lesson_screen_open(&u->vo);
	int rc = lesson_loop(u);
	lesson_runner_destroy(&u->runner);
	if (u->pane)
		delwin(u->pane);
	if (u->side)
		delwin(u->side);
	if (opened_here)
		lesson_screen_close();
	text_lines_free(&u->text);
	free(u->recorded);
	free(u);
	return rc;
}
