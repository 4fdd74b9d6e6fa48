/* ui.c: the screen loop, as in htop: wait for a key with a timeout, update the model
 * when it is due, draw, one doupdate(). At most ten frames a second: the model reads
 * the gauges every 100 ms and computes its figures once a second, so drawing faster
 * would show nothing new and cost CPU the restaurants should have.
 */
#include "ui.h"

#include <curses.h>
#include <stdio.h>

#include "clock.h"
#include "ghost.h"
#include "keys.h"

#define FRAME_NS (100 * NS_PER_MS)

/* Replay: the next frame when its time has come (1 s, or 250 ms at x4). */
static void replay_advance(struct app *app, uint64_t now_ns)
{
	size_t n = replay_frames(app->replay);
	if (app->replay_paused || now_ns < app->replay_next_ns)
		return;
	if (app->replay_pos + 1 < n) {
		app->replay_pos++;
		replay_frame(app->replay, app->replay_pos, &app->replay_snap);
	} else {
		app->replay_paused = true;
		app_say(app, now_ns, "end of the recording (r rewinds)");
	}
	app->replay_next_ns = now_ns + NS_PER_SEC / (uint64_t)app->replay_speed;
}

/* The model beside the live run (sim_bridge.h), drawn by ghost.c; not in replay. */
static struct sim_ghost ghost;

/* Everything that changes with time, once per FRAME_NS. False when the run must end:
 * the recording could not be written (main says why, once the screen is closed). */
static bool update(struct app *app, uint64_t now_ns)
{
	if (app->mode == APP_REPLAY) {
		replay_advance(app, now_ns);
		sim_ghost_from_snapshot(&ghost, &app->replay_snap); /* the recorded model */
		return true;
	}
	if (app->arena && arena_poll(app->arena))
		app_sync_reasons(app);
	bool tick = model_update(app->model, now_ns);
	if (app->mode == APP_LIVE)
		sim_ghost_update(&ghost, &app->sc, model_snapshot(app->model));
	if (tick && app_record_tick(app, app->mode == APP_LIVE ? &ghost : NULL) != 0)
		return false; /* the model's second is recorded beside the measured one */
	return true;
}

static void draw(struct app *app, uint64_t now_ns)
{
	char mode[64];
	struct view_status st;
	const struct snapshot *s = app_snapshot(app);
	app_status(app, s, now_ns, mode, sizeof mode, &st);
	view_draw(stdscr, s, &st, &app->vopts);
	if (app->mode != APP_ATTACH && !st.help)
		ghost_draw(stdscr, &ghost, s, &app->vopts);
	doupdate();
}

/* r and 1-9 restart the arena, which takes seconds while the old servers stop: the
 * screen says so first, so the old figures are not left standing as if live. */
static void draw_restarting(struct app *app, int ch, uint64_t now_ns)
{
	char mode[64];
	struct view_status st;
	if (app->mode != APP_LIVE || !(ch == 'r' || (ch >= '1' && ch <= '9')))
		return;
	const struct snapshot *s = app_snapshot(app);
	app_status(app, s, now_ns, mode, sizeof mode, &st);
	st.restarting = true;
	st.help = false;
	view_draw(stdscr, s, &st, &app->vopts);
	doupdate();
}

int ui_run(struct app *app)
{
	view_screen_open(&app->vopts);
	if (app->mode == APP_REPLAY) {
		replay_frame(app->replay, 0, &app->replay_snap);
		app->replay_next_ns = clock_now_ns() + NS_PER_SEC / (uint64_t)app->replay_speed;
	}
	sim_ghost_init(&ghost);
	uint64_t next_update = 0, last_draw = 0;
	bool dirty = true;
	int rc = 0;
	while (!app_stop) {
		uint64_t now = clock_now_ns();
		if (now >= next_update) {
			if (!update(app, now)) {
				rc = 1;
				break;
			}
			next_update = now + FRAME_NS;
			dirty = true;
		}
		if (dirty && now >= last_draw + FRAME_NS) {
			draw(app, now);
			last_draw = now;
			dirty = false;
		}
		uint64_t wake = next_update;
		if (dirty && last_draw + FRAME_NS < wake)
			wake = last_draw + FRAME_NS;
		now = clock_now_ns();
		wtimeout(stdscr, wake > now ? (int)((wake - now) / NS_PER_MS) + 1 : 0);
		int ch = wgetch(stdscr);
		if (ch == ERR)
			continue;
		if (ch == 'm' && app->mode != APP_ATTACH) {  /* the model's figures on or off */
			ghost.shown = !ghost.shown;
			app_say(app, clock_now_ns(), "model %s", ghost.shown ? "shown" : "hidden (m shows it)");
			dirty = true;
			continue;
		}
		draw_restarting(app, ch, clock_now_ns());
		int flags = keys_handle(app, ch, clock_now_ns());
		if (flags & KEYS_QUIT)
			break;
		if (flags & KEYS_REDRAW)
			dirty = true;
	}
	endwin();
	sim_ghost_destroy(&ghost);
	return rc;
}
