/* lesson_run.c: one lesson step, for real (see lesson_run.h).
 *
 * The arena starts the step's restaurants and their load; lessons add two things the
 * dashboard has no key for: slow talkers (a second bin/loadgen per server that sends
 * its order one byte every few ms: lesson 6) and a chef who faints at a set moment of
 * the measurement (lesson 7), through the control slot or SIGSTOP. Every process
 * started here is stopped here, by its pid.
 */
#include "lesson_run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "../../visualizer/control.h"
#include "../../visualizer/procstat.h"

#define SAMPLE_NS (100 * NS_PER_MS)   /* gauges and the screen, ten times a second */
#define BOARDS_TIMEOUT_NS (6 * NS_PER_SEC)
#define CHECK_TAIL_S 3                /* loadgen -d beyond the window under --check */
#define LIVE_TAIL_S 120               /* ... and interactively, to watch after the run */
#define CHECK_STOP_MS 1000            /* SIGTERM to SIGKILL under --check */
#define LIVE_STOP_MS 2000

int lesson_runner_init(struct lesson_runner *r, const char *bin_dir, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	snprintf(r->bin_dir, sizeof r->bin_dir, "%s", bin_dir);
	r->model = model_new();
	r->measure = measure_new();
	int rc = r->model && r->measure ? arena_init(&r->arena, bin_dir) : -ENOMEM;
	if (rc < 0) {
		snprintf(err, errlen, "cannot prepare the lesson's processes: %s", strerror(-rc));
		model_free(r->model);
		measure_free(r->measure);
		r->model = NULL;
		r->measure = NULL;
		return rc;
	}
	r->arena_ready = true;
	return 0;
}

/* A slow talker: bin/loadgen in closed loop, n customers trickling one byte every
 * trickle_ms, for duration_s, against the server of one side. */
static pid_t spawn_slow(struct lesson_runner *r, enum arena_side side, const struct lesson_step *st,
			unsigned duration_s)
{
	char exe[ARENA_PATH_MAX + 16], url[64], c[16], trickle[16], dur[16], cook[32], work[32], err_path[ARENA_PATH_MAX + 32];
	snprintf(exe, sizeof exe, "%s/loadgen", r->bin_dir);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/order", r->arena.server[side].port);
	snprintf(c, sizeof c, "%u", st->slow_talkers);
	snprintf(trickle, sizeof trickle, "%u", st->slow_trickle_ms ? st->slow_trickle_ms : 100);
	snprintf(dur, sizeof dur, "%us", duration_s);
	snprintf(cook, sizeof cook, "cook_ms=%u", st->sc.cook_ms);
	snprintf(work, sizeof work, "work_us=%u", st->sc.work_us);
	snprintf(err_path, sizeof err_path, "%s/slow-%s.err", r->arena.dir, arena_side_name(side));
	char *argv[] = { exe, url, "-c", c, "--trickle-ms", trickle, "-d", dur, "--timeout", "600s",
			 "--param", cook, "--param", work, NULL };
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return pid < 0 ? 0 : pid;
	/* the child: like arena.c's, quiet and tied to our life */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	int null = open("/dev/null", O_RDWR), e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(e >= 0 ? e : null, STDERR_FILENO);
	signal(SIGPIPE, SIG_DFL);
	execv(exe, argv);
	_exit(127);
}

/* SIGTERM, up to a second to leave, then SIGKILL; always reaped. */
static void stop_pid(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(*pid, NULL, WNOHANG) == *pid)
			goto out;
		clock_sleep_ns(10 * NS_PER_MS);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
out:
	*pid = 0;
}

void lesson_runner_stop(struct lesson_runner *r)
{
	if (r->stopped > 0) {
		kill(r->stopped, SIGCONT);
		r->stopped = 0;
	}
	for (int i = 0; i < SIDE_COUNT; i++)
		stop_pid(&r->slow[i]);
	if (r->arena_ready && r->running)
		arena_stop(&r->arena, r->stop_timeout_ms ? r->stop_timeout_ms : 2000);
	r->running = false;
}

void lesson_runner_destroy(struct lesson_runner *r)
{
	lesson_runner_stop(r);
	if (r->arena_ready)
		arena_destroy(&r->arena);
	r->arena_ready = false;
	model_free(r->model);
	measure_free(r->measure);
	r->model = NULL;
	r->measure = NULL;
}

const struct snapshot *lesson_runner_poll(struct lesson_runner *r)
{
	if (r->running) {
		arena_poll(&r->arena);
		model_update(r->model, clock_now_ns());
	}
	return model_snapshot(r->model);
}

/* Every board of the running sides is mapped and its writer live, as the model's last
 * update saw them (it retries the unmapped ones five times a second); a peer restaurant
 * (restaurant.h) has only its load generator's. */
static bool boards_ready(struct lesson_runner *r)
{
	bool on[SIDE_COUNT] = { r->arena.sc.blocking, r->arena.sc.evented };
	const struct snapshot *snap = model_snapshot(r->model);
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct side_snapshot *ss = &snap->side[i];
		if (on[i] && ((restaurant_is_ours(r->arena.sc.half[i].kind) && !ss->server_up) || !ss->loadgen_up))
			return false;
	}
	return true;
}

/* The chef faints at faint_at and wakes faint_ms later (SIGSTOP needs the SIGCONT). */
static const char *faint_step(struct lesson_runner *r, const struct lesson_step *st, double t_s, bool *fainted)
{
	if (st->faint == FAINT_NONE)
		return NULL;
	if (!*fainted && t_s >= st->faint_at_s) {
		*fainted = true;
		if (st->faint == FAINT_FREEZE) {
			control_freeze(model_server_board(r->model, st->faint_side), st->faint_ms, 0);
		} else if (r->arena.server[st->faint_side].pid > 0) {
			r->stopped = r->arena.server[st->faint_side].pid;
			kill(r->stopped, SIGSTOP);
		}
		return "the chef faints";
	}
	if (r->stopped > 0 && t_s >= st->faint_at_s + st->faint_ms / 1000.0) {
		kill(r->stopped, SIGCONT);
		r->stopped = 0;
		return "the chef wakes up";
	}
	return NULL;
}

/* CPU time at one instant: the whole machine's busy time (/proc/stat) and ours (every
 * process of the step, from /proc/PID/stat), in seconds. */
struct cpu_account {
	double busy_s, ours_s;
	bool ok;
};

static void cpu_account_read(const struct lesson_runner *r, struct cpu_account *a)
{
	uint64_t busy_ns;
	a->ok = procstat_machine_busy(&busy_ns) == 0;
	a->busy_s = busy_ns / 1e9;
	pid_t pids[2 * SIDE_COUNT + 1 + SIDE_COUNT];
	int k = 0;
	for (int i = 0; i < SIDE_COUNT; i++) {
		pids[k++] = r->arena.server[i].pid;
		pids[k++] = r->arena.loadgen[i].pid;
		pids[k++] = r->slow[i];
	}
	pids[k++] = r->arena.kitchen.pid;
	a->ours_s = 0;
	for (int i = 0; i < k; i++) {
		struct procstat ps;
		if (pids[i] > 0 && procstat_read(pids[i], &ps) == 0)
			a->ours_s += ps.cpu_ns / 1e9;
	}
}

/* Cores other programs left to the step over window_s: all cores minus what the rest of
 * the machine kept busy. What a step that needs free cores (lesson 8) can count on. */
static double free_cores(const struct cpu_account *a, const struct cpu_account *b, double window_s)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (!a->ok || !b->ok || window_s <= 0)
		return NAN;
	double others = ((b->busy_s - a->busy_s) - (b->ours_s - a->ours_s)) / window_s;
	double free = (double)(cores > 0 ? cores : 1) - (others > 0 ? others : 0);
	return free > 0 ? free : 0;
}

/* Start the step's processes and wait until the model sees their scoreboards. */
static int start_step(struct lesson_runner *r, const struct lesson_step *st, bool check_mode, char *err,
		      size_t errlen)
{
	lesson_runner_stop(r);
	/* a server drains what it holds on SIGTERM; under --check nobody watches that */
	r->stop_timeout_ms = check_mode ? CHECK_STOP_MS : LIVE_STOP_MS;
	double run_s = check_mode ? st->check_run_s : st->run_s;
	r->arena.duration_s = (uint32_t)ceil(st->warmup_s + run_s) + (check_mode ? CHECK_TAIL_S : LIVE_TAIL_S);
	int rc = arena_start(&r->arena, &st->sc, err, errlen);
	if (rc < 0)
		return rc;
	r->running = true;
	if (st->slow_talkers) {
		bool on[SIDE_COUNT] = { st->sc.blocking, st->sc.evented };
		for (int i = 0; i < SIDE_COUNT; i++)
			if (on[i])
				r->slow[i] = spawn_slow(r, i, st, r->arena.duration_s);
	}
	model_attach_arena(r->model, &r->arena, clock_now_ns());
	return 0;
}

/* Why a step's figures may be off: a process that went down during it. */
static void note_down(struct lesson_runner *r, char *err, size_t errlen)
{
	arena_poll(&r->arena);
	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct arena_proc *p[2] = { &r->arena.server[i], &r->arena.loadgen[i] };
		for (int k = 0; k < 2; k++)
			if (p[k]->started && !p[k]->up) {
				snprintf(err, errlen, "the %s %s went down: %s", arena_side_name(i),
					 k ? "load generator" : "server", p[k]->reason);
				return;
			}
	}
}

int lesson_runner_step(struct lesson_runner *r, const struct lesson_step *st, bool check_mode, run_tick_fn tick,
		       void *ctx, struct measured_side out[SIDE_COUNT], char *err, size_t errlen)
{
	err[0] = '\0';
	r->free_cores = NAN;
	int rc = start_step(r, st, check_mode, err, errlen);
	if (rc < 0)
		return rc;
	double run_s = check_mode ? st->check_run_s : st->run_s;
	uint64_t t0 = clock_now_ns(), warm_end = t0 + (uint64_t)(st->warmup_s * 1e9), begin = 0;
	enum run_phase phase = PHASE_STARTING;
	bool fainted = false;
	struct cpu_account cpu_begin, cpu_end;
	for (uint64_t now = t0;; now = clock_now_ns()) {
		arena_poll(&r->arena);
		model_update(r->model, now);
		const char *event = NULL;
		if (phase == PHASE_STARTING && boards_ready(r))
			phase = PHASE_WARMUP;
		if (phase == PHASE_STARTING && now - t0 > BOARDS_TIMEOUT_NS) {
			note_down(r, err, errlen);
			if (!err[0])
				snprintf(err, errlen, "the scoreboards of the step's processes did not appear within %llu s",
					 BOARDS_TIMEOUT_NS / NS_PER_SEC);
			return -ETIMEDOUT;
		}
		if (phase == PHASE_WARMUP && now >= warm_end) {
			phase = PHASE_MEASURING;
			begin = now;
			measure_begin(r->measure, r->model, now);
			cpu_account_read(r, &cpu_begin);
		} else if (phase == PHASE_MEASURING) {
			measure_sample(r->measure, r->model, now);
			event = faint_step(r, st, (now - begin) / 1e9, &fainted);
			if ((now - begin) / 1e9 >= run_s)
				break;
		}
		double left = phase == PHASE_MEASURING ? run_s - (now - begin) / 1e9
						       : st->warmup_s + run_s - (now - t0) / 1e9;
		if (tick && tick(ctx, model_snapshot(r->model), phase, left, event)) {
			snprintf(err, errlen, "stopped before the end");
			return -ECANCELED;
		}
		clock_sleep_ns(SAMPLE_NS);
	}
	uint64_t end_ns = clock_now_ns();
	measure_end(r->measure, r->model, end_ns, out);
	cpu_account_read(r, &cpu_end);
	r->free_cores = free_cores(&cpu_begin, &cpu_end, (end_ns - begin) / 1e9);
	if (r->stopped > 0) {
		kill(r->stopped, SIGCONT);
		r->stopped = 0;
	}
	note_down(r, err, errlen);
	if (check_mode)
		lesson_runner_stop(r);
	return 0;
}

/* Whether an executable named name is on PATH. */
static bool on_path(const char *name)
{
	const char *path = getenv("PATH");
	char dir[512], file[1024];
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(dir, sizeof dir, "%.*s", (int)n, p);
		snprintf(file, sizeof file, "%s/%s", dir[0] ? dir : ".", name);
		if (access(file, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* The Go restaurant (peers/go/server.go) runs in an arena half only once the
 * dashboard can start a peer server (--left go, branch peers); this build says
 * whether it can with LUNCHRUSH_ARENA_PEERS. */
#ifndef LUNCHRUSH_ARENA_PEERS
#define LUNCHRUSH_ARENA_PEERS 1 /* the arena runs peers (arena_peer.c, right = go) */
#endif

/* Whether bin_dir/loadgen's --help offers --mix (it lands with issue 16's mixed menu). */
static bool loadgen_has_mix(const char *bin_dir)
{
	char cmd[ARENA_PATH_MAX + 64], line[256];
	snprintf(cmd, sizeof cmd, "'%s/loadgen' --help 2>&1", bin_dir);
	if (strchr(bin_dir, '\''))
		return false;
	FILE *p = popen(cmd, "r");
	bool found = false;
	if (!p)
		return false;
	while (fgets(line, sizeof line, p))
		found |= strstr(line, "--mix") != NULL;
	pclose(p);
	return found;
}

bool lesson_step_unmet(const struct lesson_step *st, const char *bin_dir, char *why, size_t len)
{
	if (strcmp(st->needs, "mix") == 0) {
		if (loadgen_has_mix(bin_dir))
			return false;
		snprintf(why, len, "needs bin/loadgen --mix (a mixed menu, issue 16); this %s/loadgen has none", bin_dir);
		return true;
	}
	if (strcmp(st->needs, "go") != 0)
		return false;
	if (!on_path("go"))
		snprintf(why, len, "needs Go (the go command is not on PATH: apt-get install golang-go), "
			 "which builds the Go restaurant of peers/go/server.go");
	else if (!LUNCHRUSH_ARENA_PEERS)
		snprintf(why, len, "needs a dashboard that can run the Go restaurant in a half (--left go, "
			 "from branch peers); this build cannot yet");
	else
		return false;
	return true;
}
