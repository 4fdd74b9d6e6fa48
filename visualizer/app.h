/* app.h: the state of one dashboard run, shared by the screen loop (ui.c), the keys
 * (keys.c) and the headless mode (headless.c). main.c fills it from the flags. */
#ifndef LUNCHRUSH_APP_H
#define LUNCHRUSH_APP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "control.h"
#include "model.h"
#include "picker.h"
#include "record.h"
#include "scenario.h"
#include "view.h"

enum app_mode {
	APP_LIVE,    /* arena: we start and stop the processes */
	APP_ATTACH,  /* --attach: processes started by hand, we only watch (--control: and
	              * steer the load, put back as found when we leave) */
	APP_REPLAY,  /* --replay: a recording, no process at all */
};

struct app {
	enum app_mode mode;
	struct scenario sc;            /* in force (live tweaks included) */
	int preset;                    /* 1..9 when a preset is running, 0 otherwise */
	struct arena *arena;           /* live only */
	struct model *model;           /* live and attach */
	struct recorder *rec;          /* --record, or NULL */
	bool control;                  /* --attach --control: the keys may change the processes */
	struct control_memo memo[SIDE_COUNT]; /* what each attached load generator had in force */
	struct view_opts vopts;
	bool help;                     /* the help box is open */
	struct picker picker;          /* the preset menu (key p, picker.h) */
	char message[96];              /* feedback of the last key */
	uint64_t message_until_ns;

	/* replay */
	struct replay *replay;
	size_t replay_pos;             /* frame shown */
	int replay_speed;              /* 1 or 4 */
	bool replay_paused;
	uint64_t replay_next_ns;       /* when the next frame is due */
	struct snapshot replay_snap;   /* frame replay_pos, rebuilt */
};

/* SIGINT, SIGTERM and SIGHUP set this; every loop checks it. */
extern volatile sig_atomic_t app_stop;

/* Install the handlers for app_stop (no SA_RESTART: a blocked wgetch or poll returns). */
void app_signals(void);

/* A message for the status bar, shown for three seconds. */
void app_say(struct app *app, uint64_t now_ns, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* (Re)start the arena on app->sc and point the model at it. 0, or a negative errno
 * with the reason in app->message. */
int app_restart(struct app *app, uint64_t now_ns);

struct sim_ghost;

/* Record the model's tick (after model_update said one was computed), with the
 * model's second beside it when g is not NULL (sim_bridge.h). 0, or the recorder's
 * error (main says what failed). */
int app_record_tick(struct app *app, const struct sim_ghost *g);

/* The scenario in force changed (a preset, r, a live change): while recording, a new
 * scenario line, so that replay names the scenario of every frame. 0 or -errno. */
int app_scenario_changed(struct app *app);

/* --attach --control: ask every load generator the keys changed for what it had in
 * force before (on q, SIGTERM, SIGINT; main's teardown). Says on stderr what could not
 * be put back. Returns how many were restored. */
int app_restore_control(struct app *app);

/* Copy the arena's down reasons into the model (after arena_poll). */
void app_sync_reasons(struct app *app);

/* The snapshot to draw: the model's, or the replay frame. */
const struct snapshot *app_snapshot(struct app *app);

/* Fill the status bar from the app and the snapshot. */
void app_status(const struct app *app, const struct snapshot *s, uint64_t now_ns, char *mode_buf, size_t mode_len,
		struct view_status *st);

#endif
