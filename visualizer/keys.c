/* keys.c: the dashboard's keys (see keys.h and the help box in view.c).
 *
 * Live changes go to the running load generators through their control slots, the
 * same change to both restaurants, so the comparison stays fair; nothing restarts
 * unless the key says so (r, 1-9). The scenario in force follows the changes, so
 * that r restarts what is on the screen. Attached to processes started by hand, the
 * keys change nothing unless --control was given, and then main puts every load
 * generator back as it was found when the dashboard ends (control_memo).
 */
#include "keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "fmt.h"

enum load_knob { KNOB_RATE, KNOB_COOK, KNOB_WORK, KNOB_PAUSE, KNOB_KEEPALIVE };

/* Apply one change to every load generator that is mapped. Returns how many took it. */
static int change_load(struct app *app, enum load_knob knob, int dir, struct load_ctl *last)
{
	int done = 0;
	for (int i = 0; i < SIDE_COUNT; i++) {
		struct scoreboard_loadgen *lg = model_loadgen_board(app->model, i);
		if (!lg)
			continue;
		struct load_ctl c;
		control_load_current(lg, &c);
		switch (knob) {
		case KNOB_RATE: c.rate_milli = (uint64_t)(control_step_rate(c.rate_milli / 1000.0, dir) * 1000); break;
		case KNOB_COOK: c.cook_ms = control_step_cook_ms(c.cook_ms, dir); break;
		case KNOB_WORK: c.work_us = control_step_work_us(c.work_us, dir); break;
		case KNOB_PAUSE: c.paused = !c.paused; break;
		case KNOB_KEEPALIVE: c.keepalive = !c.keepalive; break;
		}
		if (app->mode == APP_ATTACH)
			control_memo_take(&app->memo[i], lg); /* before the first change only */
		if (control_load_apply(lg, &c) == 0) {
			*last = c;
			done++;
		}
	}
	return done;
}

/* Attached without --control: the one line that says why a key did nothing. */
static int read_only(struct app *app, uint64_t now_ns)
{
	app_say(app, now_ns, "read-only: nothing changed (attach with --control to allow changes)");
	return KEYS_HANDLED | KEYS_REDRAW;
}

static int load_key(struct app *app, enum load_knob knob, int dir, uint64_t now_ns)
{
	if (app->mode == APP_ATTACH && !app->control)
		return read_only(app, now_ns);
	if (app->mode == APP_REPLAY) {
		app_say(app, now_ns, "replay: nothing to change (space pauses, x speed, . step)");
		return KEYS_HANDLED | KEYS_REDRAW;
	}
	struct load_ctl c;
	if (change_load(app, knob, dir, &c) == 0) {
		app_say(app, now_ns, "no load generator to steer");
		return KEYS_HANDLED | KEYS_REDRAW;
	}
	char buf[24];
	switch (knob) {
	case KNOB_RATE:
		app->sc.rate = c.rate_milli / 1000.0;
		app_say(app, now_ns, "arrivals %s", fmt_rate(buf, sizeof buf, app->sc.rate));
		break;
	case KNOB_COOK:
		app->sc.cook_ms = c.cook_ms;
		app_say(app, now_ns, "cook time %u ms", c.cook_ms);
		break;
	case KNOB_WORK:
		app->sc.work_us = c.work_us;
		app_say(app, now_ns, "CPU work %u us per order", c.work_us);
		break;
	case KNOB_PAUSE:
		app_say(app, now_ns, "%s", c.paused ? "arrivals paused" : "arrivals resumed");
		break;
	case KNOB_KEEPALIVE:
		app->sc.keepalive = c.keepalive;
		app_say(app, now_ns, "keep-alive %s", c.keepalive ? "on" : "off");
		break;
	}
	if (knob != KNOB_PAUSE) /* a recording says what runs from now on (pause is in the rows) */
		app_scenario_changed(app);
	return KEYS_HANDLED | KEYS_REDRAW;
}

/* "The chef faints": the evented loop and one blocking cashier stop for two seconds. */
static int faint(struct app *app, uint64_t now_ns)
{
	if (app->mode == APP_ATTACH && !app->control)
		return read_only(app, now_ns);
	int done = 0;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (control_freeze(model_server_board(app->model, i), FREEZE_MS, 0) == 0)
			done++;
	if (done)
		app_say(app, now_ns, "the chef faints for %d s (evented loop, blocking cashier 1)", FREEZE_MS / 1000);
	else
		app_say(app, now_ns, "no server to freeze");
	return KEYS_HANDLED | KEYS_REDRAW;
}

static int restart(struct app *app, int preset, uint64_t now_ns)
{
	if (app->mode == APP_ATTACH && !app->control)
		return read_only(app, now_ns);
	if (app->mode != APP_LIVE) {
		app_say(app, now_ns, "%s", app->mode == APP_ATTACH ? "attached: the processes are not ours to restart"
								   : "replay: no servers to restart");
		return KEYS_HANDLED | KEYS_REDRAW;
	}
	if (preset) { /* keys 1-9 change the rush; the restaurants chosen stay (issue 14) */
		struct restaurant halves[2] = { app->sc.half[0], app->sc.half[1] };
		uint32_t gomaxprocs = app->sc.gomaxprocs;
		scenario_preset(&app->sc, preset);
		app->sc.half[0] = halves[0];
		app->sc.half[1] = halves[1];
		app->sc.gomaxprocs = gomaxprocs;
		app->preset = preset;
	}
	app_say(app, now_ns, "starting %s...", app->sc.name);
	app_scenario_changed(app); /* before the restarted clock's first tick */
	if (app_restart(app, now_ns) == 0)
		app_say(app, now_ns, "%s %s", preset ? "preset" : "restarted", app->sc.name);
	return KEYS_HANDLED | KEYS_REDRAW;
}

/* Replay: space pauses, x switches x1/x4, '.' or right steps, left steps back. */
static int replay_key(struct app *app, int key, uint64_t now_ns)
{
	size_t n = replay_frames(app->replay);
	switch (key) {
	case ' ':
		app->replay_paused = !app->replay_paused;
		app->replay_next_ns = now_ns;
		return KEYS_HANDLED | KEYS_REDRAW;
	case 'x':
	case '4':
	case '1':
		app->replay_speed = key == '1' ? 1 : key == '4' ? 4 : app->replay_speed == 1 ? 4 : 1;
		app_say(app, now_ns, "replay speed x%d", app->replay_speed);
		return KEYS_HANDLED | KEYS_REDRAW;
	case '.':
	case 's':
	case KEY_RIGHT:
		app->replay_paused = true;
		if (app->replay_pos + 1 < n)
			app->replay_pos++;
		break;
	case ',':
	case KEY_LEFT:
		app->replay_paused = true;
		if (app->replay_pos > 0)
			app->replay_pos--;
		break;
	case 'r':
		app->replay_pos = 0;
		app->replay_next_ns = now_ns;
		break;
	default:
		if (key > 0 && key < 128 && strchr("+-=_[]{}kf0123456789", key))
			return load_key(app, KNOB_RATE, 0, now_ns); /* says: nothing to change */
		return 0;
	}
	replay_frame(app->replay, app->replay_pos, &app->replay_snap);
	return KEYS_HANDLED | KEYS_REDRAW;
}

int keys_handle(struct app *app, int key, uint64_t now_ns)
{
	if (app->mode == APP_LIVE && key == 'p' && !app->picker.open) { /* the preset menu (picker.h) */
		picker_open(&app->picker, app->preset);
		return KEYS_HANDLED | KEYS_REDRAW;
	}
	if (app->picker.open) { /* it takes every key until it closes */
		int n = picker_key(&app->picker, key);
		return n > 0 ? restart(app, n, now_ns) : KEYS_HANDLED | KEYS_REDRAW;
	}
	switch (key) {
	case 'q':
	case 'Q':
		return KEYS_HANDLED | KEYS_QUIT;
	case '?':
	case 'h':
		app->help = !app->help;
		return KEYS_HANDLED | KEYS_REDRAW;
	case 'e': /* the explain overlay: each part of the scene named in place */
		app->vopts.explain = !app->vopts.explain;
		return KEYS_HANDLED | KEYS_REDRAW;
	case 27: /* Esc closes the help */
		app->help = false;
		return KEYS_HANDLED | KEYS_REDRAW;
	case KEY_RESIZE:
	case 12: /* Ctrl-L */
		return KEYS_HANDLED | KEYS_REDRAW;
	}
	if (app->mode == APP_REPLAY)
		return replay_key(app, key, now_ns);
	switch (key) {
	case '+':
	case '=':
		return load_key(app, KNOB_RATE, +1, now_ns);
	case '-':
	case '_':
		return load_key(app, KNOB_RATE, -1, now_ns);
	case ']':
		return load_key(app, KNOB_COOK, +1, now_ns);
	case '[':
		return load_key(app, KNOB_COOK, -1, now_ns);
	case '}':
		return load_key(app, KNOB_WORK, +1, now_ns);
	case '{':
		return load_key(app, KNOB_WORK, -1, now_ns);
	case ' ':
		return load_key(app, KNOB_PAUSE, 0, now_ns);
	case 'k':
		return load_key(app, KNOB_KEEPALIVE, 0, now_ns);
	case 'f':
		return faint(app, now_ns);
	case 'r':
		return restart(app, 0, now_ns);
	}
	if (key >= '1' && key <= '9')
		return restart(app, key - '0', now_ns);
	return 0;
}
