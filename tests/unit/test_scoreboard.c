/* test_scoreboard.c: the shared-memory scoreboard, written by one process and read by
 * another, its permissions, header checks, stale-segment recovery and cashier slots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "scoreboard.h"

#define STEPS 1000          /* lock-step rounds between writer and reader */
#define BURST_NS (50 * NS_PER_MS) /* how long the writer counts while the reader watches */
#define DEADLINE_NS (20 * NS_PER_SEC)

/* A name of our own, so parallel runs of this test do not collide. */
static const char *test_name(const char *what)
{
	static char buf[SCOREBOARD_NAME_MAX + 1];
	snprintf(buf, sizeof(buf), "test-sb-%d-%s", (int)getpid(), what);
	return buf;
}

static void test_scoreboard_name_valid(void **state)
{
	(void)state;
	char longest[SCOREBOARD_NAME_MAX + 2];
	memset(longest, 'a', sizeof(longest));
	longest[SCOREBOARD_NAME_MAX] = '\0';

	assert_true(scoreboard_name_valid("blocking-8080"));
	assert_true(scoreboard_name_valid("a"));
	assert_true(scoreboard_name_valid("Evented_2.loop-0"));
	assert_true(scoreboard_name_valid(longest));
	longest[SCOREBOARD_NAME_MAX] = 'a';
	longest[SCOREBOARD_NAME_MAX + 1] = '\0';
	assert_false(scoreboard_name_valid(longest));
	assert_false(scoreboard_name_valid(""));
	assert_false(scoreboard_name_valid(NULL));
	assert_false(scoreboard_name_valid(".x"));
	assert_false(scoreboard_name_valid("a/b"));
	assert_false(scoreboard_name_valid("../x"));
	assert_false(scoreboard_name_valid("a b"));
	assert_false(scoreboard_name_valid("caf\xc3\xa9"));

	void *map = NULL;
	size_t size = 0;
	assert_int_equal(scoreboard_create("../x", SCOREBOARD_SERVER, "blocking",
					   sizeof(struct scoreboard_server), &map), -EINVAL);
	assert_int_equal(scoreboard_open("a/b", SCOREBOARD_SERVER, false, &map, &size), -EINVAL);
	assert_int_equal(scoreboard_remove(""), -EINVAL);
}

/* The child: create the scoreboard, then move counters in lock step with the parent
 * (which answers through the control slot), then in a free burst, then leave. Exits
 * 0 on success; any other status names the step that failed. */
static int writer_child(const char *name, int ready_fd)
{
	struct scoreboard_server *sb;
	if (scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb), (void **)&sb) < 0)
		return 10;
	SB_SET(sb->port, 8080);
	if (write(ready_fd, "r", 1) != 1)
		return 11;
	close(ready_fd);

	uint64_t deadline = clock_now_ns() + DEADLINE_NS;
	for (uint64_t k = 1; k <= STEPS; k++) {
		SB_ADD(sb->arrived, 1);
		SB_SET(sb->in_line, (int64_t)k);
		hist_record_atomic(&sb->latency, k);
		__atomic_store_n(&sb->served, k, __ATOMIC_RELEASE);
		while (__atomic_load_n(&sb->ctl_seq, __ATOMIC_ACQUIRE) != k) {
			if (clock_now_ns() > deadline)
				return 12;
			sched_yield();
		}
	}
	uint64_t k = STEPS, burst_end = clock_now_ns() + BURST_NS;
	do {
		for (int i = 0; i < 1000; i++)
			__atomic_store_n(&sb->served, ++k, __ATOMIC_RELEASE);
	} while (clock_now_ns() < burst_end);
	SB_SET(sb->responses, k);  /* the final count, for the reader to check */
	__atomic_store_n(&sb->hdr.alive, 0, __ATOMIC_RELEASE);
	/* wait for the parent's last look before the segment goes away */
	while (__atomic_load_n(&sb->ctl_seq, __ATOMIC_ACQUIRE) != UINT64_MAX) {
		if (clock_now_ns() > deadline)
			return 13;
		sched_yield();
	}
	if (scoreboard_remove(name) < 0)
		return 14;
	scoreboard_unmap(sb, sizeof(*sb));
	return 0;
}

static void test_scoreboard_two_processes(void **state)
{
	(void)state;
	const char *name = test_name("2proc");
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pipefd[0]);
		_exit(writer_child(name, pipefd[1]));
	}
	close(pipefd[1]);
	char c;
	assert_int_equal(read(pipefd[0], &c, 1), 1);  /* the segment exists now */
	close(pipefd[0]);

	struct scoreboard_server *sb;
	size_t size;
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, true, (void **)&sb, &size), 0);
	assert_true(size >= sizeof(*sb));
	assert_int_equal(sb->hdr.pid, pid);
	assert_int_equal(sb->hdr.version, SCOREBOARD_VERSION);
	assert_int_equal(sb->hdr.size, sizeof(*sb));
	assert_string_equal(sb->hdr.model, "blocking");
	assert_string_equal(sb->hdr.name, name);
	assert_int_equal(SB_GET(sb->port), 8080);
	uint64_t now_ms = clock_unix_ms();
	assert_true(sb->hdr.started_unix_ms <= now_ms && sb->hdr.started_unix_ms + 60000 > now_ms);

	/* lock step: see each value the child publishes, then answer it */
	uint64_t deadline = clock_now_ns() + DEADLINE_NS;
	for (uint64_t k = 1; k <= STEPS; k++) {
		while (__atomic_load_n(&sb->served, __ATOMIC_ACQUIRE) < k) {
			assert_true(clock_now_ns() < deadline);
			sched_yield();
		}
		assert_int_equal(SB_GET(sb->arrived), k);
		assert_int_equal(SB_GET(sb->in_line), (int64_t)k);
		assert_int_equal(SB_GET(sb->latency.count), k);
		__atomic_store_n(&sb->ctl_seq, k, __ATOMIC_RELEASE);
	}

	/* free burst: counters only grow, whatever moment we look */
	uint64_t last = 0, looks = 0, moved = 0;
	while (__atomic_load_n(&sb->hdr.alive, __ATOMIC_ACQUIRE)) {
		uint64_t v = __atomic_load_n(&sb->served, __ATOMIC_ACQUIRE);
		assert_true(v >= last);
		moved += v != last;
		last = v;
		looks++;
		assert_true(clock_now_ns() < deadline);
	}
	uint64_t final = SB_GET(sb->responses);
	assert_true(final > STEPS);
	assert_int_equal(SB_GET(sb->served), final);
	assert_true(last <= final);
	assert_int_equal(SB_GET(sb->latency.count), STEPS);
	assert_int_equal(SB_GET(sb->latency.max_us), STEPS);
	print_message("reader: %llu looks during a burst of %llu increments, %llu saw it move\n",
		      (unsigned long long)looks, (unsigned long long)(final - STEPS),
		      (unsigned long long)moved);
	__atomic_store_n(&sb->ctl_seq, UINT64_MAX, __ATOMIC_RELEASE);

	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* our mapping outlives the unlink; the name does not */
	assert_int_equal(SB_GET(sb->served), final);
	scoreboard_unmap(sb, size);
	void *map;
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size), -ENOENT);
}

static void test_scoreboard_mode_0600(void **state)
{
	(void)state;
	static const mode_t masks[] = { 0022, 0277, 0 };
	const char *name = test_name("mode");
	char path[128];
	snprintf(path, sizeof(path), "/dev/shm/lunchrush.%s", name);

	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		mode_t old = umask(masks[i]);
		void *map;
		int rc = scoreboard_create(name, SCOREBOARD_LOADGEN, "loadgen",
					   sizeof(struct scoreboard_loadgen), &map);
		umask(old);
		assert_int_equal(rc, 0);

		int fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		struct stat st;
		assert_int_equal(fstat(fd, &st), 0);
		close(fd);
		print_message("umask %03o: segment mode %03o\n", (unsigned)masks[i],
			      (unsigned)(st.st_mode & 0777));
		assert_int_equal(st.st_mode & 0777, 0600);
		assert_int_equal(st.st_uid, geteuid());
		assert_int_equal((size_t)st.st_size, sizeof(struct scoreboard_loadgen));

		scoreboard_unmap(map, sizeof(struct scoreboard_loadgen));
		assert_int_equal(scoreboard_remove(name), 0);
	}
}

static void test_scoreboard_header_checks(void **state)
{
	(void)state;
	const char *name = test_name("proto");
	struct scoreboard_server *sb;
	void *map;
	size_t size;

	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "evented", sizeof(*sb),
					   (void **)&sb), 0);
	assert_int_equal(scoreboard_open(name, SCOREBOARD_LOADGEN, false, &map, &size), -EPROTO);
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size), 0);
	scoreboard_unmap(map, size);

	sb->hdr.version = SCOREBOARD_VERSION + 1;
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size), -EPROTO);
	sb->hdr.version = SCOREBOARD_VERSION;
	sb->hdr.size = sizeof(*sb) + 4096;  /* claims more than the segment holds */
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size), -EPROTO);
	sb->hdr.size = sizeof(*sb);
	sb->hdr.magic ^= 1;
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size), -EPROTO);
	sb->hdr.magic ^= 1;
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size), 0);
	scoreboard_unmap(map, size);

	/* a live writer (us) keeps its name */
	void *other;
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "evented", sizeof(*sb), &other),
			 -EEXIST);
	scoreboard_unmap(sb, sizeof(*sb));
	assert_int_equal(scoreboard_remove(name), 0);

	/* a segment too small for the kind a reader asks for */
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "tiny",
					   sizeof(struct scoreboard_header), &map), 0);
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &other, &size), -EPROTO);
	scoreboard_unmap(map, sizeof(struct scoreboard_header));
	assert_int_equal(scoreboard_remove(name), 0);
}

static void test_scoreboard_remove(void **state)
{
	(void)state;
	const char *name = test_name("remove");
	void *map, *r;
	size_t size;

	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &r, &size), -ENOENT);
	assert_null(r);
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "blocking",
					   sizeof(struct scoreboard_server), &map), 0);
	assert_int_equal(scoreboard_remove(name), 0);
	assert_int_equal(scoreboard_open(name, SCOREBOARD_SERVER, false, &r, &size), -ENOENT);
	assert_int_equal(scoreboard_remove(name), -ENOENT);
	scoreboard_unmap(map, sizeof(struct scoreboard_server));
}

/* A pid that belonged to a process that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return pid;
}

static void test_scoreboard_replaces_stale(void **state)
{
	(void)state;
	const char *name = test_name("stale");
	struct scoreboard_server *sb, *again;

	/* a writer that died without removing its segment */
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb),
					   (void **)&sb), 0);
	pid_t gone = dead_pid();
	sb->hdr.pid = gone;
	sb->served = 42;
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb),
					   (void **)&again), 0);
	assert_int_equal(again->hdr.pid, getpid());
	assert_int_equal(again->served, 0);   /* a fresh segment, not the old one */
	assert_int_equal(sb->served, 42);     /* the old mapping is untouched */
	scoreboard_unmap(sb, sizeof(*sb));

	/* the same name held by a live process (our parent) is refused */
	again->hdr.pid = getppid();
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb),
					   (void **)&sb), -EEXIST);
	scoreboard_unmap(again, sizeof(*again));
	assert_int_equal(scoreboard_remove(name), 0);

	/* an empty leftover of a crash during creation is replaced too */
	char path[128];
	snprintf(path, sizeof(path), "/lunchrush.%s", name);
	int fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb),
					   (void **)&sb), 0);
	assert_int_equal(sb->hdr.magic, SCOREBOARD_MAGIC);
	scoreboard_unmap(sb, sizeof(*sb));
	assert_int_equal(scoreboard_remove(name), 0);
}

static void test_scoreboard_cashier_busy(void **state)
{
	(void)state;
	struct scoreboard_cashier c;
	memset(&c, 0, sizeof(c));

	scoreboard_cashier_set(&c, CASHIER_IDLE, 100);          /* idle time is not busy */
	scoreboard_cashier_set(&c, CASHIER_TAKING_ORDER, 1000);
	assert_int_equal(c.busy_ns, 0);
	assert_int_equal(c.state, CASHIER_TAKING_ORDER);
	assert_int_equal(c.state_since_ns, 1000);
	scoreboard_cashier_set(&c, CASHIER_WAITING_KITCHEN, 1500);
	assert_int_equal(c.busy_ns, 500);
	scoreboard_cashier_set(&c, CASHIER_HANDING_OVER, 1800);
	scoreboard_cashier_set(&c, CASHIER_IDLE, 2000);
	assert_int_equal(c.busy_ns, 1000);
	assert_int_equal(c.state, CASHIER_IDLE);
	scoreboard_cashier_set(&c, CASHIER_FROZEN, 5000);       /* 3000 idle: not counted */
	assert_int_equal(c.busy_ns, 1000);
	scoreboard_cashier_set(&c, CASHIER_IDLE, 6000);         /* frozen counts as busy */
	assert_int_equal(c.busy_ns, 2000);
	assert_int_equal(c.state_since_ns, 6000);
}

static void test_scoreboard_names(void **state)
{
	(void)state;
	static const char *const serr[] = { "bad_request", "not_found", "method", "too_large",
		"unavailable", "kitchen_down", "kitchen_timeout", "timeout", "io", "accept", "thread" };
	static const char *const lerr[] = { "connect", "timeout", "read", "write", "status",
		"parse", "emfile" };
	static const char *const cs[] = { "idle", "taking_order", "waiting_kitchen",
		"handing_over", "frozen" };

	assert_int_equal(sizeof(serr) / sizeof(serr[0]), SERR_COUNT);
	assert_int_equal(sizeof(lerr) / sizeof(lerr[0]), LERR_COUNT);
	assert_int_equal(sizeof(cs) / sizeof(cs[0]), CASHIER_STATE_COUNT);
	for (int i = 0; i < SERR_COUNT; i++)
		assert_string_equal(scoreboard_server_error_name((enum server_error)i), serr[i]);
	for (int i = 0; i < LERR_COUNT; i++)
		assert_string_equal(scoreboard_loadgen_error_name((enum loadgen_error)i), lerr[i]);
	for (int i = 0; i < CASHIER_STATE_COUNT; i++)
		assert_string_equal(scoreboard_cashier_state_name((enum cashier_state)i), cs[i]);
	assert_string_equal(scoreboard_server_error_name(SERR_COUNT), "unknown");
	assert_string_equal(scoreboard_loadgen_error_name(LERR_COUNT), "unknown");
	assert_string_equal(scoreboard_cashier_state_name(CASHIER_STATE_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scoreboard_name_valid),
		cmocka_unit_test(test_scoreboard_two_processes),
		cmocka_unit_test(test_scoreboard_mode_0600),
		cmocka_unit_test(test_scoreboard_header_checks),
		cmocka_unit_test(test_scoreboard_remove),
		cmocka_unit_test(test_scoreboard_replaces_stale),
		cmocka_unit_test(test_scoreboard_cashier_busy),
		cmocka_unit_test(test_scoreboard_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
