/* test_dashboard_hostile.c: the dashboard against hostile files, segments and numbers
 * (issue 19, defects 3, 4, 5, 6, 9, 12, 13, 14 and 15). Each test is written so that
 * the code before the fix fails it: a SIGBUS, a file cut mid-row, a flag passed on, a
 * predictable name, a recording refused, a read without end, stale words, an
 * overflow. The model's tests play the writer as test_dashboard_model does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "hist.h"
#include "scoreboard.h"
#include "../../visualizer/app.h"
#include "../../visualizer/arena.h"
#include "../../visualizer/control.h"
#include "../../lessons/engine/lesson_doc.h"
#include "../../visualizer/model.h"
#include "../../visualizer/record.h"
#include "../../visualizer/scenario.h"

/* ---- a server and a load generator the test writes, a model that reads them ---- */

struct fixture {
	char srv_name[64], lg_name[64];
	struct scoreboard_server *srv;
	struct scoreboard_loadgen *lg;
	struct model *m;
	uint64_t t0;
};

static int setup(void **state)
{
	static struct fixture f;
	static unsigned n;
	memset(&f, 0, sizeof f);
	snprintf(f.srv_name, sizeof f.srv_name, "tdh%d-%u-srv", (int)getpid(), n);
	snprintf(f.lg_name, sizeof f.lg_name, "tdh%d-%u-lg", (int)getpid(), n++);
	void *p;
	assert_int_equal(scoreboard_create(f.srv_name, SCOREBOARD_SERVER, "blocking", sizeof *f.srv, &p), 0);
	f.srv = p;
	assert_int_equal(scoreboard_create(f.lg_name, SCOREBOARD_LOADGEN, "loadgen", sizeof *f.lg, &p), 0);
	f.lg = p;
	hist_init(&f.srv->latency);
	hist_init(&f.srv->loop_lag);
	hist_init(&f.lg->latency);
	f.srv->cashiers = 4;
	f.lg->open_loop = 1;
	f.lg->rate_milli = 120000;
	f.t0 = clock_now_ns();
	f.srv->hdr.heartbeat_ns = f.lg->hdr.heartbeat_ns = f.t0;
	f.m = model_new();
	assert_non_null(f.m);
	assert_int_equal(model_attach(f.m, SIDE_BLOCKING, f.srv_name, f.lg_name), 0);
	model_reset(f.m, f.t0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	model_free(f->m);
	if (f->srv)
		scoreboard_unmap(f->srv, sizeof *f->srv);
	scoreboard_unmap(f->lg, sizeof *f->lg);
	scoreboard_remove(f->srv_name);
	scoreboard_remove(f->lg_name);
	return 0;
}

static void beat(struct fixture *f, uint64_t now)
{
	if (f->srv)
		f->srv->hdr.heartbeat_ns = now;
	f->lg->hdr.heartbeat_ns = now;
}

static const struct side_snapshot *side0(struct fixture *f)
{
	return &model_snapshot(f->m)->side[SIDE_BLOCKING];
}

static int shm_fd(const char *name)
{
	char path[128];
	snprintf(path, sizeof path, "/lunchrush.%s", name);
	int fd = shm_open(path, O_RDWR, 0);
	assert_true(fd >= 0);
	return fd;
}

/* A pid that ran and has been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

/* ---- defect 3: truncated and untrusted segments ---- */

/* The writer's segment shrinks to one page under the model's mapping: before the fix
 * the next read of the cashier slots was a SIGBUS that killed the dashboard. */
static void test_model_survives_truncated_segment(void **state)
{
	struct fixture *f = *state;
	model_update(f->m, f->t0);
	assert_true(side0(f)->server_up);
	/* our own mapping of it would fault too: drop it first */
	scoreboard_unmap(f->srv, sizeof *f->srv);
	f->srv = NULL;
	int fd = shm_fd(f->srv_name);
	assert_int_equal(ftruncate(fd, 4096), 0);
	close(fd);
	uint64_t t1 = f->t0 + 100 * NS_PER_MS;
	beat(f, t1);
	model_update(f->m, t1);
	const struct side_snapshot *ss = side0(f);
	print_message("after truncation: server_up %d, reason: %s\n", ss->server_up, ss->reason);
	assert_false(ss->server_up);
	assert_true(strstr(ss->reason, "shrank") || strstr(ss->reason, "truncated"));
	/* and it stays down, with the reason, on the next updates (retries refused) */
	model_update(f->m, t1 + NS_PER_SEC);
	assert_false(side0(f)->server_up);
	assert_true(strstr(side0(f)->reason, "truncated") != NULL);
}

/* A key press writes the load generator's control slot, at the end of its segment:
 * truncated, the write faults, and the key must do nothing instead. */
static void test_control_survives_truncated_segment(void **state)
{
	struct fixture *f = *state;
	model_update(f->m, f->t0);
	struct scoreboard_loadgen *lg = model_loadgen_board(f->m, SIDE_BLOCKING);
	assert_non_null(lg);
	assert_true(offsetof(struct scoreboard_loadgen, ctl_seq) >= 4096);
	int fd = shm_fd(f->lg_name);
	assert_int_equal(ftruncate(fd, 4096), 0);
	close(fd);
	struct load_ctl want = { .rate_milli = 5000, .cook_ms = 10, .work_us = 0 };
	int rc = control_load_apply(lg, &want);
	print_message("control_load_apply on a truncated segment: %d\n", rc);
	assert_int_equal(rc, -EFAULT);
	control_load_current(lg, &want); /* reads fault too: zeroed, not fatal */
	assert_true(want.rate_milli == 0);
	/* the fixture's own mapping must not be touched again past the end */
	scoreboard_unmap(f->lg, sizeof *f->lg);
	f->lg = mmap(NULL, sizeof *f->lg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->lg != MAP_FAILED);
}

static void test_model_refuses_world_writable_segment(void **state)
{
	struct fixture *f = *state;
	int fd = shm_fd(f->srv_name);
	assert_int_equal(fchmod(fd, 0666), 0);
	close(fd);
	model_update(f->m, f->t0);
	const struct side_snapshot *ss = side0(f);
	print_message("mode 0666: server_up %d, reason: %s\n", ss->server_up, ss->reason);
	assert_false(ss->server_up);
	assert_non_null(strstr(ss->reason, "0666"));
}

/* ---- defect 13: the words after a fault ---- */

static void test_model_killed_loadgen_clears_its_rate(void **state)
{
	struct fixture *f = *state;
	model_update(f->m, f->t0);
	f->lg->arrived += 120;
	f->lg->completed += 100;
	f->srv->served += 100;
	uint64_t t1 = f->t0 + NS_PER_SEC;
	beat(f, t1);
	assert_true(model_update(f->m, t1));
	assert_true(side0(f)->offered_rps > 100);

	f->lg->hdr.pid = dead_pid(); /* killed: alive stays 1, the process is gone */
	uint64_t t2 = t1 + NS_PER_SEC;
	beat(f, t2);
	model_update(f->m, t2);
	const struct side_snapshot *ss = side0(f);
	print_message("killed loadgen: up %d offered %.1f/s, loadgen_reason: %s\n", ss->loadgen_up, ss->offered_rps,
		      ss->loadgen_reason);
	assert_false(ss->loadgen_up);
	assert_true(ss->offered_rps == 0.0);
	assert_non_null(strstr(ss->loadgen_reason, "exited"));
	assert_true(ss->server_up);
}

static void test_model_stopped_server_says_stopped(void **state)
{
	struct fixture *f = *state;
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		for (;;)
			pause();
	}
	assert_int_equal(kill(child, SIGSTOP), 0);
	assert_int_equal(waitpid(child, NULL, WUNTRACED), child);
	f->srv->hdr.pid = child;
	f->srv->hdr.heartbeat_ns = f->t0;
	uint64_t t1 = f->t0 + 5 * NS_PER_SEC; /* no heartbeat for 5 s */
	f->lg->hdr.heartbeat_ns = t1;
	model_update(f->m, t1);
	const struct side_snapshot *ss = side0(f);
	print_message("stopped server: up %d, reason: %s\n", ss->server_up, ss->reason);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_false(ss->server_up);
	assert_non_null(strstr(ss->reason, "stopped"));
	assert_null(strstr(ss->reason, "not running"));
}

static void test_model_wrong_version_says_version(void **state)
{
	struct fixture *f = *state;
	f->srv->hdr.version = 7;
	model_update(f->m, f->t0);
	const struct side_snapshot *ss = side0(f);
	print_message("version 7: %s\n", ss->reason);
	assert_false(ss->server_up);
	assert_non_null(strstr(ss->reason, "version 7"));
	assert_null(strstr(ss->reason, "no scoreboard"));
}

static void test_model_kitchen_502_in_words(void **state)
{
	struct fixture *f = *state;
	f->srv->kitchen_remote = 1;
	model_update(f->m, f->t0);
	f->srv->errors[SERR_KITCHEN_DOWN] += 40;
	uint64_t t1 = f->t0 + NS_PER_SEC;
	beat(f, t1);
	model_update(f->m, t1);
	assert_non_null(strstr(side0(f)->kitchen_reason, ": 40 orders failed"));
	f->srv->errors[SERR_KITCHEN_DOWN] += 60;
	uint64_t t2 = t1 + NS_PER_SEC;
	beat(f, t2);
	model_update(f->m, t2);
	print_message("kitchen: %s\n", side0(f)->kitchen_reason);
	assert_non_null(strstr(side0(f)->kitchen_reason, "kitchen is not answering"));
	assert_non_null(strstr(side0(f)->kitchen_reason, ": 60 orders failed"));
	/* a quiet second clears it */
	beat(f, t2 + NS_PER_SEC);
	model_update(f->m, t2 + NS_PER_SEC);
	assert_string_equal(side0(f)->kitchen_reason, "");
}

/* The arena saw the kitchen die (waitpid): both halves say so. */
static void test_app_dead_kitchen_reason(void **state)
{
	struct fixture *f = *state;
	static struct arena a;
	memset(&a, 0, sizeof a);
	a.kitchen.started = true;
	a.kitchen.up = false;
	snprintf(a.kitchen.reason, sizeof a.kitchen.reason, "killed by SIGKILL");
	struct app app;
	memset(&app, 0, sizeof app);
	app.arena = &a;
	app.model = f->m;
	app_sync_reasons(&app);
	model_update(f->m, f->t0);
	print_message("kitchen: %s\n", side0(f)->kitchen_reason);
	assert_non_null(strstr(side0(f)->kitchen_reason, "kitchen down (killed by SIGKILL)"));
}

/* ---- defect 14: hostile numbers ---- */

static void test_model_huge_gauges_do_not_overflow(void **state)
{
	struct fixture *f = *state;
	f->srv->in_line = INT64_MAX;
	f->srv->at_counter = INT64_MAX;
	f->srv->in_kitchen = 1;
	f->srv->handing_over = INT64_MAX;
	model_update(f->m, f->t0);
	uint64_t t1 = f->t0 + NS_PER_SEC;
	beat(f, t1);
	model_update(f->m, t1);
	print_message("L with three gauges at INT64_MAX: %g\n", side0(f)->little_l);
	assert_true(side0(f)->little_l > 1e19); /* a wrapped sum would be negative */
}

/* ---- defect 5: pass-through flags ---- */

static void test_scenario_args_allow_list(void **state)
{
	(void)state;
	static const char *refused[] = {
		"loadgen_args = --percentiles /tmp/victim\n",
		"loadgen_args = --series /tmp/victim\n",
		"blocking_args = --host 0.0.0.0\n",
		"evented_args = --port 80\n",
		"loadgen_args = --scoreboard other\n",
		"loadgen_args = --allow-remote\n",
		"blocking_args = --max-conns=5\n",
		"blocking_args = --idle-ms /etc\n",
		"loadgen_args = --header-timeout-ms 5\n", /* a server flag, not the loadgen's */
		"blocking_args = --idle-ms 1 --idle-ms 2 --idle-ms 3 --idle-ms 4 --idle-ms 5\n", /* 10 words */
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct scenario sc;
		char err[256] = "";
		scenario_defaults(&sc);
		int rc = scenario_parse_string(&sc, refused[i], err, sizeof err);
		print_message("%s  -> %d %s\n", refused[i], rc, err);
		assert_int_equal(rc, -EINVAL);
		assert_string_equal(sc.loadgen_args, "");
		assert_string_equal(sc.blocking_args, "");
	}
	struct scenario sc;
	char err[256] = "";
	scenario_defaults(&sc);
	assert_int_equal(scenario_parse_string(&sc, "loadgen_args = --warmup 1s\nblocking_args = --header-timeout-ms 500 "
					       "--idle-ms 100\n", err, sizeof err), 0);
	assert_string_equal(sc.loadgen_args, "--warmup 1s");
	assert_string_equal(sc.blocking_args, "--header-timeout-ms 500 --idle-ms 100");
}

static void test_lesson_block_args_refused(void **state)
{
	(void)state;
	const char *text = "# A lesson\n\nText.\n\n```lesson\ntitle = one\nloadgen_args = --percentiles /tmp/x\n```\n";
	char err[256] = "";
	struct lesson *l = lesson_parse(text, "lessons/99-hostile.md", err, sizeof err);
	print_message("lesson: %s\n", err);
	assert_null(l);
	assert_non_null(strstr(err, "--percentiles"));
	assert_non_null(strstr(err, ":7:"));
}

/* ---- defect 15: a name with escape sequences ---- */

static void test_scenario_name_has_no_control_chars(void **state)
{
	(void)state;
	struct scenario sc;
	char err[256];
	scenario_defaults(&sc);
	assert_int_equal(scenario_parse_string(&sc, "name = \x1b]0;owned\x07\x1b[2Jrush\n", err, sizeof err), 0);
	print_message("name: %s\n", sc.name);
	for (const char *p = sc.name; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_non_null(strstr(sc.name, "rush"));
}

/* ---- defect 6: names the dashboard picks ---- */

static void test_arena_names_are_not_predictable(void **state)
{
	(void)state;
	static struct arena a, b;
	assert_int_equal(arena_init(&a, "bin"), 0);
	assert_int_equal(arena_init(&b, "bin"), 0);
	print_message("tags: %s %s\n", a.tag, b.tag);
	char predictable[64];
	for (unsigned n = 0; n < 4; n++) {
		snprintf(predictable, sizeof predictable, "dash%d-%u", (int)getpid(), n);
		assert_string_not_equal(a.tag, predictable);
	}
	assert_string_not_equal(a.tag, b.tag);
	char prefix[32];
	snprintf(prefix, sizeof prefix, "dash%d-", (int)getpid());
	assert_int_equal(strncmp(a.tag, prefix, strlen(prefix)), 0);
	assert_true(strlen(a.tag) >= strlen(prefix) + 12);
	arena_destroy(&a);
	arena_destroy(&b);
}

/* ---- defect 4: write errors ---- */

static void fill_tick(struct snapshot *s, int tick)
{
	memset(s, 0, sizeof *s);
	s->elapsed_s = tick + 1.0;
	for (int i = 0; i < SIDE_COUNT; i++) {
		s->side[i].present = true;
		s->side[i].server_up = true;
		snprintf(s->side[i].model, sizeof s->side[i].model, "%s", i ? "evented" : "blocking");
		s->side[i].throughput_rps = 100 + tick;
		s->side[i].p99_ms = 50 + i;
		s->side[i].cashiers = 4;
	}
}

static void test_recorder_dev_full_fails(void **state)
{
	(void)state;
	errno = 0;
	struct recorder *r = recorder_open("/dev/full", "x");
	print_message("recorder_open(/dev/full): %p errno %d\n", (void *)r, errno);
	if (r) { /* the header went unnoticed: the ticks must not */
		struct snapshot s;
		fill_tick(&s, 0);
		int w = recorder_write(r, &s);
		int c = recorder_close(r);
		print_message("write %d close %d\n", w, c);
		fail_msg("recorder_open(/dev/full) succeeded");
	}
	assert_int_equal(errno, ENOSPC);
}

/* A file size limit plays the full disk: the recording must end on a whole row (and
 * replay), and the failure must be reported. Run in a child: the limit is its own. */
static void test_recorder_ends_on_a_whole_row(void **state)
{
	(void)state;
	char path[] = "/tmp/test_dashboard_hostile.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit lim = { 3000, 3000 }; /* the header and a few rows, then a row cut */
		setrlimit(RLIMIT_FSIZE, &lim);
		struct recorder *r = recorder_open(path, "full disk");
		if (!r)
			_exit(3);
		int rc = 0;
		for (int t = 0; t < 100 && rc == 0; t++) {
			struct snapshot s;
			fill_tick(&s, t);
			rc = recorder_write(r, &s);
		}
		int c = recorder_close(r);
		_exit(rc < 0 && c < 0 ? 0 : 4);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	print_message("child: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, -1, SEEK_END);
	int last = fgetc(f);
	fclose(f);
	print_message("recording: %ld bytes, last byte 0x%02x\n", size, last);
	assert_int_equal(last, '\n');
	char err[256] = "";
	struct replay *rp = replay_open(path, err, sizeof err);
	if (!rp)
		print_error("replay: %s\n", err);
	assert_non_null(rp);
	assert_string_equal(replay_warning(rp), "");
	assert_true(replay_frames(rp) >= 1);
	replay_free(rp);
	unlink(path);
}

/* ---- defect 9: a cut last row ---- */

static void write_recording(const char *path, int ticks, bool cut)
{
	struct recorder *r = recorder_open(path, "cut: 120/s");
	assert_non_null(r);
	for (int t = 0; t < ticks; t++) {
		struct snapshot s;
		fill_tick(&s, t);
		assert_int_equal(recorder_write(r, &s), 0);
	}
	assert_int_equal(recorder_close(r), 0);
	if (cut) { /* half a row more, as a writer killed mid-row leaves it */
		FILE *f = fopen(path, "a");
		fputs("4.000,blocking,blocking,1,0,12.5,1", f);
		fclose(f);
	}
}

static void test_replay_plays_around_a_cut_last_row(void **state)
{
	(void)state;
	char path[] = "/tmp/test_dashboard_hostile.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_recording(path, 3, true);
	char err[256] = "";
	struct replay *rp = replay_open(path, err, sizeof err);
	print_message("cut recording: %s%s\n", rp ? "opened; warning: " : "refused: ", rp ? replay_warning(rp) : err);
	assert_non_null(rp);
	assert_int_equal(replay_frames(rp), 3);
	assert_non_null(strstr(replay_warning(rp), "cut"));
	struct snapshot s;
	replay_frame(rp, 2, &s);
	assert_true(fabs(s.side[0].throughput_rps - 102) < 1e-9);
	assert_int_equal(s.side[0].history_len, 3);
	replay_free(rp);
	unlink(path);
}

/* ---- defect 12: reads without a cap ---- */

static long rss_kb(void)
{
	char buf[4096];
	FILE *f = fopen("/proc/self/status", "r");
	long kb = -1;
	while (f && fgets(buf, sizeof buf, f))
		if (sscanf(buf, "VmRSS: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void test_replay_memory_does_not_grow_with_the_file(void **state)
{
	(void)state;
	char path[] = "/tmp/test_dashboard_hostile.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	enum { TICKS = 20000 };
	write_recording(path, TICKS, false);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	long before = rss_kb();
	char err[256];
	struct replay *rp = replay_open(path, err, sizeof err);
	assert_non_null(rp);
	long after = rss_kb();
	print_message("%d ticks, %.1f MB of recording: replay holds %ld KB (a snapshot is %zu bytes)\n", TICKS,
		      st.st_size / 1e6, after - before, sizeof(struct snapshot));
	assert_int_equal(replay_frames(rp), TICKS);
	/* a copy of every tick would be TICKS x sizeof(struct snapshot), over 40 MB */
	assert_true(after - before < 4096);
	struct snapshot s;
	for (size_t i = 0; i < replay_frames(rp); i += 997)
		replay_frame(rp, i, &s);
	replay_frame(rp, TICKS - 1, &s);
	assert_true(fabs(s.side[1].throughput_rps - (100 + TICKS - 1)) < 1e-9);
	assert_int_equal(s.side[1].history_len, MODEL_HISTORY);
	assert_true(fabs(s.side[1].history_rps[MODEL_HISTORY - 2] - (100 + TICKS - 2)) < 1e-3);
	replay_free(rp);
	unlink(path);
}

/* fn(path) in a child with a minute of CPU and 512 MB of address space at most (not
 * under ASan, which reserves far more): before the fix /dev/zero was read until memory
 * ran out, or for ever. Returns the child's message, or what ended it. */
static void run_capped(int (*fn)(const char *, char *, size_t), const char *path, char *out, size_t cap)
{
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) /* both reserve far more */
		struct rlimit as = { 512UL << 20, 512UL << 20 };
		setrlimit(RLIMIT_AS, &as);
#endif
		alarm(10);
		char err[256] = "";
		int rc = fn(path, err, sizeof err);
		dprintf(pfd[1], "%d %s", rc, err);
		_exit(0);
	}
	close(pfd[1]);
	ssize_t n = read(pfd[0], out, cap - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		snprintf(out, cap, "killed by signal %d", WTERMSIG(status));
}

static int load_lesson(const char *path, char *err, size_t len)
{
	struct lesson *l = lesson_load(path, err, len);
	lesson_free(l);
	return l ? 0 : -1;
}

static int load_scenario(const char *path, char *err, size_t len)
{
	struct scenario sc;
	scenario_defaults(&sc);
	return scenario_parse_file(&sc, path, err, len);
}

static void test_lesson_file_dev_zero(void **state)
{
	(void)state;
	char out[512];
	run_capped(load_lesson, "/dev/zero", out, sizeof out);
	print_message("lesson /dev/zero: %s\n", out);
	assert_non_null(strstr(out, "larger than"));
}

static void test_scenario_file_dev_zero(void **state)
{
	(void)state;
	char out[512];
	run_capped(load_scenario, "/dev/zero", out, sizeof out);
	print_message("scenario /dev/zero: %s\n", out);
	assert_non_null(strstr(out, "larger than"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_survives_truncated_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_survives_truncated_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_refuses_world_writable_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_killed_loadgen_clears_its_rate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_stopped_server_says_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_wrong_version_says_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_kitchen_502_in_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_app_dead_kitchen_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_huge_gauges_do_not_overflow, setup, teardown),
		cmocka_unit_test(test_scenario_args_allow_list),
		cmocka_unit_test(test_lesson_block_args_refused),
		cmocka_unit_test(test_scenario_name_has_no_control_chars),
		cmocka_unit_test(test_arena_names_are_not_predictable),
		cmocka_unit_test(test_recorder_dev_full_fails),
		cmocka_unit_test(test_recorder_ends_on_a_whole_row),
		cmocka_unit_test(test_replay_plays_around_a_cut_last_row),
		cmocka_unit_test(test_replay_memory_does_not_grow_with_the_file),
		cmocka_unit_test(test_lesson_file_dev_zero),
		cmocka_unit_test(test_scenario_file_dev_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
