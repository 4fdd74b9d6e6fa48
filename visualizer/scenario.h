/* scenario.h: what a dashboard run sets up: the two restaurants and the lunch rush.
 *
 * A scenario is plain data: the flags the arena (arena.h) gives bin/blocking,
 * bin/evented, bin/kitchen and the two bin/loadgen processes. It comes from the
 * built-in defaults ("lunch rush"), a preset 1-9 (keys 1-9 on the dashboard), or a
 * key=value file parsed with libinih (--scenario FILE). The lessons set one per step.
 *
 * File format (one key per line, '#' or ';' comments, an optional [scenario] section):
 *   name = lunch rush
 *   rate = 120          arrivals per second, the same Poisson schedule for both servers
 *   cook_ms = 50        kitchen wait per order
 *   work_us = 0         CPU work per order
 *   threads = 4         bin/blocking --threads (0 = a thread per connection)
 *   left = blocking     the left half's restaurant (restaurant.h); right = evented
 *   right_pid = 1234    the process of a url: restaurant (its threads, memory, CPU)
 *   gomaxprocs = 1      GOMAXPROCS of the Go restaurant (0 = Go's default)
 *   ...                 (every field of struct scenario below, by its name)
 */
#ifndef LUNCHRUSH_SCENARIO_H
#define LUNCHRUSH_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "restaurant.h"

#define SCENARIO_NAME_MAX 48
#define SCENARIO_ARGS_MAX 256
#define SCENARIO_EXTRA_ARGS_MAX 8   /* words in one *_args key */
#define SCENARIO_FILE_MAX (64 * 1024) /* bytes in a scenario file */
#define SCENARIO_PRESETS 9    /* keys 1..9 */
#define SCENARIO_PRESETS_ALL 13 /* --preset 10..13: ours against the peers (no key) */
#define SCENARIO_RATE_MAX 100000.0

struct scenario {
	char name[SCENARIO_NAME_MAX];  /* shown in the status bar */
	/* the load: one bin/loadgen per server, the same schedule for both */
	double rate;                   /* open loop: arrivals per second (-R); 0 = closed loop */
	uint32_t connections;          /* closed loop (-c) when rate is 0 */
	bool poisson;                  /* --arrivals poisson (true) or even */
	uint64_t seed;                 /* --seed, the same for both load generators */
	uint32_t cook_ms;              /* kitchen wait per order (--param cook_ms) */
	uint32_t work_us;              /* CPU work per order (--param work_us) */
	bool keepalive;                /* --keepalive yes|no */
	uint32_t max_conns;            /* loadgen --max-conns (open loop) */
	uint32_t timeout_ms;           /* loadgen --timeout */
	uint32_t loadgen_threads;      /* loadgen --threads */
	/* the blocking restaurant */
	bool blocking;                 /* run it at all */
	uint32_t threads;              /* --threads (0 = thread per connection) */
	bool hold_connection;          /* --hold-connection */
	/* the evented restaurant */
	bool evented;                  /* run it at all */
	uint32_t loops;                /* --loops */
	uint32_t helpers;              /* --helpers */
	/* both */
	bool kitchen;                  /* start bin/kitchen, give both servers --kitchen */
	uint32_t idle_ms;              /* server --idle-ms (60000), 0 = the server's default */
	/* extra flags, split on spaces, appended last (for lessons and experiments); only
	 * the limits and timings of scenario.c's extra_flags table, each "--flag number",
	 * at most SCENARIO_EXTRA_ARGS_MAX words: a file or a lesson never widens what a
	 * server listens on, nor makes a child write a file */
	char blocking_args[SCENARIO_ARGS_MAX];
	char evented_args[SCENARIO_ARGS_MAX];
	char loadgen_args[SCENARIO_ARGS_MAX];
	/* the two halves: half[0] left (run when `blocking` is on), half[1] right (run when
	 * `evented` is on); blocking and evented by default. A file or a lesson may name any
	 * kind but cmd: (a file never runs a command: only --left/--right do) */
	struct restaurant half[2];
	uint32_t gomaxprocs;           /* GOMAXPROCS for the Go restaurant, 0 = Go's default */
	/* limits the lessons 10, 12 and 13 set; 0 leaves each binary's default */
	uint32_t max_line;             /* bin/blocking --max-line: turn away beyond N in line */
	uint32_t backlog;              /* both servers --backlog: the door (accept queue) */
	uint32_t stoves;               /* bin/kitchen --stoves (with kitchen = yes) */
	char mix[SCENARIO_ARGS_MAX];   /* loadgen --mix 'work_us=40000:5,work_us=0:95' (lesson 11):
	                                * kinds of order, each its query parameters and its share
	                                * in percent; "" for one kind */
};

/* The built-in "lunch rush": the blocking line grows, the evented server keeps up. */
void scenario_defaults(struct scenario *sc);

/* Preset n (1..SCENARIO_PRESETS_ALL) on top of the defaults. 0, or -EINVAL. */
int scenario_preset(struct scenario *sc, int n);
const char *scenario_preset_name(int n);  /* "lunch rush", ...; NULL when out of range */
const char *scenario_preset_story(int n); /* its point in one line; NULL when out of range */
int scenario_preset_named(const char *name); /* the preset of that name, 0 when none */

/* Set one key from text ("rate", "120"). 0, or -EINVAL with a one-line reason in err
 * ("rate: 'abc' is not a number"); -ENOENT for an unknown key. */
int scenario_set(struct scenario *sc, const char *key, const char *value, char *err, size_t errlen);

/* Parse key=value text or a file on top of *sc (start from scenario_defaults).
 * 0, or a negative errno with "FILE:LINE: reason" in err. */
int scenario_parse_string(struct scenario *sc, const char *text, char *err, size_t errlen);
int scenario_parse_file(struct scenario *sc, const char *path, char *err, size_t errlen);

/* Consistency of the whole (rate or connections, at least one server, ...). 0 or
 * -EINVAL with the reason in err. */
int scenario_check(const struct scenario *sc, char *err, size_t errlen);

/* Write the scenario as a key=value file that scenario_parse_file reads back. */
void scenario_write(const struct scenario *sc, FILE *out);

/* One line for the status bar: "lunch rush: 120/s, cook 50 ms, cpu 0 us, 4 cashiers". */
void scenario_summary(const struct scenario *sc, char *buf, size_t len);

#endif
