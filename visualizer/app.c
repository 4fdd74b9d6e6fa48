/* app.c: the pieces of a dashboard run that every mode shares (see app.h). */
#include "app.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "sim_bridge.h"

volatile sig_atomic_t app_stop;

static void on_stop(int sig)
{
	app_stop = sig;
}

void app_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void app_say(struct app *app, uint64_t now_ns, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->message, sizeof app->message, fmt, ap);
	va_end(ap);
	app->message_until_ns = now_ns + 3 * NS_PER_SEC;
}

int app_restart(struct app *app, uint64_t now_ns)
{
	char err[256];
	if (app->mode != APP_LIVE || !app->arena)
		return -EPERM;
	int rc = arena_restart(app->arena, &app->sc, err, sizeof err);
	model_attach_arena(app->model, app->arena, clock_now_ns());
	if (rc < 0)
		app_say(app, now_ns, "cannot start: %s", err);
	return rc;
}

int app_record_tick(struct app *app, const struct sim_ghost *g)
{
	static struct snapshot s; /* a copy: the model's own stays without the model's figures */
	if (!app->rec)
		return 0;
	s = *model_snapshot(app->model);
	if (g)
		sim_ghost_predicted(g, &s);
	return recorder_write(app->rec, &s);
}

int app_scenario_changed(struct app *app)
{
	char line[256];
	if (!app->rec || app->mode != APP_LIVE)
		return 0; /* attached: the scenario is not ours; the rows carry the load in force */
	scenario_summary(&app->sc, line, sizeof line);
	return recorder_scenario(app->rec, line);
}

int app_restore_control(struct app *app)
{
	int done = 0;
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct scoreboard_loadgen *now = app->model ? model_loadgen_board(app->model, i) : NULL;
		int rc = control_memo_restore(&app->memo[i], now);
		if (rc == 0)
			done++;
		else if (rc < 0)
			fprintf(stderr, "dashboard: the %s load generator changed by a key could not be put back: %s\n",
				arena_side_name(i), rc == -ESRCH ? "it is gone (or restarted)" : strerror(-rc));
	}
	return done;
}

void app_sync_reasons(struct app *app)
{
	if (!app->arena || !app->model)
		return;
	const struct arena_proc *k = &app->arena->kitchen;
	char kitchen[200] = "";
	if (k->started && !k->up) /* both servers send their orders there: each half says so */
		snprintf(kitchen, sizeof kitchen, "kitchen down (%.100s): orders fail with 502", k->reason);
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct arena_proc *s = &app->arena->server[i], *l = &app->arena->loadgen[i];
		char why[200] = "", lg[200] = "";
		if (s->started && !s->up)
			snprintf(why, sizeof why, "server %.150s", s->reason);
		/* a headless run's load generators end on purpose when the time is up */
		if (l->started && !l->up && app->arena->duration_s == 0)
			snprintf(lg, sizeof lg, "%.150s", l->reason);
		model_set_reason(app->model, i, why);
		model_set_loadgen_reason(app->model, i, lg);
		model_set_kitchen_reason(app->model, i, kitchen);
	}
}

const struct snapshot *app_snapshot(struct app *app)
{
	if (app->mode == APP_REPLAY)
		return &app->replay_snap;
	return model_snapshot(app->model);
}

void app_status(const struct app *app, const struct snapshot *s, uint64_t now_ns, char *mode_buf, size_t mode_len,
		struct view_status *st)
{
	memset(st, 0, sizeof *st);
	const struct side_snapshot *ss = s->side[SIDE_BLOCKING].present ? &s->side[SIDE_BLOCKING] : &s->side[SIDE_EVENTED];
	bool from_load = app->mode == APP_REPLAY || ss->loadgen_up;
	st->scenario = app->sc.name;
	if (app->mode == APP_REPLAY) { /* the frame's scenario: "NAME: figures" shows NAME */
		static char name[64];
		const char *line = replay_frame_scenario(app->replay, app->replay_pos);
		int len = (int)strcspn(line, ":");
		snprintf(name, sizeof name, "%.*s", len ? len : 6, len ? line : "replay");
		st->scenario = name;
	}
	st->elapsed_s = s->elapsed_s;
	st->rate = from_load ? ss->rate : app->sc.rate;
	st->cook_ms = from_load && ss->cook_ms != UINT32_MAX ? ss->cook_ms : app->sc.cook_ms;
	st->work_us = from_load && ss->work_us != UINT32_MAX ? ss->work_us : app->sc.work_us;
	if (app->mode == APP_ATTACH && !ss->loadgen_up) {
		/* nobody steers the load: show what the server measures and its defaults */
		st->rate = ss->arrival_rps;
		st->cook_ms = ss->cook_ms_default;
		st->work_us = ss->work_us_default;
	}
	st->keepalive = from_load ? ss->keepalive : app->sc.keepalive;
	st->paused = from_load && ss->paused;
	st->help = app->help;
	st->preset = app->mode == APP_LIVE ? app->preset : 0; /* its story, while it runs */
	st->picker = app->picker.open ? &app->picker : NULL;
	st->message = now_ns < app->message_until_ns ? app->message : NULL;
	switch (app->mode) {
	case APP_LIVE:
		snprintf(mode_buf, mode_len, "live");
		break;
	case APP_ATTACH:
		snprintf(mode_buf, mode_len, "%s", app->control ? "attached, --control" : "attached, read-only");
		if (!app->control) /* said where it always fits: the keys below change nothing */
			st->keys = " attached read-only: the keys change nothing (--control allows changes)  ? help  q quit";
		break;
	case APP_REPLAY:
		snprintf(mode_buf, mode_len, "replay x%d%s %zu/%zu", app->replay_speed,
			 app->replay_paused ? " paused" : "", app->replay_pos + 1, replay_frames(app->replay));
		st->keys = " space pause  x speed x1/x4  . or -> step  , or <- back  r rewind  ? help  q quit";
		break;
	}
	st->mode = mode_buf;
}
