/* test_scoreboard_hostile.c: scoreboards that others can reach (issue 19, defects 3, 6
 * and 15): segments not ours to trust are refused before they are mapped, a name
 * another user holds is refused with the owner named, a name the server picks itself
 * falls back to a fresh one, and a segment whose pid runs but whose heartbeat is old
 * is stale. "Another user" is played by chown to nobody (65534): the tests that need
 * it are skipped when not run as root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "scoreboard.h"
#include "server_board.h"

#define NOBODY 65534

static const char *test_name(const char *what)
{
	static char buf[SCOREBOARD_NAME_MAX + 1];
	snprintf(buf, sizeof(buf), "test-sbh-%d-%s", (int)getpid(), what);
	return buf;
}

/* A live-looking server segment NAME (our parent's pid, a fresh heartbeat). */
static struct scoreboard_server *make_board(const char *name)
{
	struct scoreboard_server *sb;
	assert_int_equal(scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb), (void **)&sb), 0);
	sb->hdr.pid = getppid();
	sb->hdr.heartbeat_ns = clock_now_ns();
	return sb;
}

static int shm_fd(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/lunchrush.%s", name);
	int fd = shm_open(path, O_RDWR, 0);
	assert_true(fd >= 0);
	return fd;
}

/* What fn printed on stderr, into buf. */
static void capture_stderr(char *buf, size_t cap, int (*fn)(void *), void *arg, int *rc)
{
	char path[] = "/tmp/test_sbh_err.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	*rc = fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	ssize_t n = pread(fd, buf, cap - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
}

static void test_scoreboard_refuses_group_or_world_writable(void **state)
{
	(void)state;
	const char *name = test_name("mode");
	struct scoreboard_server *sb = make_board(name);
	int fd = shm_fd(name);
	assert_int_equal(fchmod(fd, 0666), 0);
	close(fd);
	void *map = NULL;
	size_t size;
	int rc = scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size);
	print_message("mode 0666: scoreboard_open = %d\n", rc);
	assert_int_equal(rc, -EPERM);
	assert_null(map);
	char why[256];
	scoreboard_explain(name, SCOREBOARD_SERVER, rc, why, sizeof why);
	print_message("%s\n", why);
	assert_non_null(strstr(why, "0666"));
	scoreboard_unmap(sb, sizeof(*sb));
	scoreboard_remove(name);
}

static void test_scoreboard_refuses_other_owner(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	const char *name = test_name("owner");
	struct scoreboard_server *sb = make_board(name);
	int fd = shm_fd(name);
	assert_int_equal(fchown(fd, NOBODY, NOBODY), 0);
	close(fd);
	void *map = NULL;
	size_t size;
	int rc = scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size);
	assert_int_equal(rc, -EPERM);
	char why[256];
	scoreboard_explain(name, SCOREBOARD_SERVER, rc, why, sizeof why);
	print_message("%s\n", why);
	assert_non_null(strstr(why, "uid 65534"));
	scoreboard_unmap(sb, sizeof(*sb));
	scoreboard_remove(name);
}

/* A port of our own for the default name MODEL-PORT (nothing listens on it). */
static uint16_t test_port(void)
{
	return (uint16_t)(20000 + getpid() % 30000);
}

static int open_board(void *arg)
{
	struct server_config *cfg = arg;
	static struct server_board b;
	int rc = server_board_open(&b, cfg, test_port());
	if (rc == 0) {
		fprintf(stderr, "opened %s\n", b.name);
		server_board_close(&b);
	}
	return rc;
}

static void squat_config(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->model = MODEL_BLOCKING;
	strcpy(cfg->host, "127.0.0.1");
	cfg->threads = 1;
	cfg->loops = 1;
}

/* The squatter's segment looks live (a running pid, a fresh heartbeat) and is theirs. */
static void test_scoreboard_squatted_name_names_the_owner(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	const char *name = test_name("squat");
	struct scoreboard_server *sb = make_board(name);
	int fd = shm_fd(name);
	assert_int_equal(fchown(fd, NOBODY, NOBODY), 0);
	close(fd);

	struct server_config cfg;
	squat_config(&cfg);
	snprintf(cfg.scoreboard, sizeof cfg.scoreboard, "%s", name);
	char msg[512];
	int rc;
	capture_stderr(msg, sizeof msg, open_board, &cfg, &rc);
	print_message("rc %d: %s", rc, msg);
	assert_true(rc < 0);
	assert_non_null(strstr(msg, "uid 65534"));
	assert_non_null(strstr(msg, name));
	scoreboard_unmap(sb, sizeof(*sb));
	scoreboard_remove(name);
}

/* MODEL-PORT is the server's own choice: squatted, it starts on a fresh name. */
static void test_scoreboard_default_name_falls_back(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char name[32], opened[48];
	snprintf(name, sizeof name, "blocking-%u", (unsigned)test_port());
	snprintf(opened, sizeof opened, "opened %s-", name);
	struct scoreboard_server *sb;
	int made = scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb), (void **)&sb);
	if (made == -EEXIST)
		skip(); /* a real server of this machine holds it: not ours to touch */
	assert_int_equal(made, 0);
	sb->hdr.pid = getppid();
	sb->hdr.heartbeat_ns = clock_now_ns();
	int fd = shm_fd(name);
	assert_int_equal(fchown(fd, NOBODY, NOBODY), 0);
	close(fd);

	struct server_config cfg;
	squat_config(&cfg);
	char msg[512];
	int rc;
	capture_stderr(msg, sizeof msg, open_board, &cfg, &rc);
	print_message("rc %d: %s", rc, msg);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(msg, opened));
	scoreboard_unmap(sb, sizeof(*sb));
	scoreboard_remove(name);
}

/* A pid that runs (our parent) but a heartbeat a minute old: the pid was reused. */
static void test_scoreboard_stale_by_heartbeat(void **state)
{
	(void)state;
	char name[SCOREBOARD_NAME_MAX + 1], name2[SCOREBOARD_NAME_MAX + 1];
	snprintf(name, sizeof name, "%s", test_name("beat"));
	snprintf(name2, sizeof name2, "%s", test_name("beat2"));
	struct scoreboard_server *sb = make_board(name), *again = NULL;
	sb->hdr.heartbeat_ns = clock_now_ns() - 60 * NS_PER_SEC;
	int rc = scoreboard_create(name, SCOREBOARD_SERVER, "blocking", sizeof(*sb), (void **)&again);
	print_message("heartbeat 60 s old, pid %d alive: create = %d\n", (int)sb->hdr.pid, rc);
	assert_int_equal(rc, 0);
	assert_int_equal(again->hdr.pid, getpid());
	scoreboard_unmap(again, sizeof(*again));
	scoreboard_unmap(sb, sizeof(*sb));

	/* a fresh heartbeat still holds the name */
	sb = make_board(name2);
	assert_int_equal(scoreboard_create(name2, SCOREBOARD_SERVER, "blocking", sizeof(*sb), (void **)&again),
			 -EEXIST);
	scoreboard_unmap(sb, sizeof(*sb));
	scoreboard_remove(name2);
	scoreboard_remove(name);
}

static void test_scoreboard_fresh_names_differ(void **state)
{
	(void)state;
	char a[SCOREBOARD_NAME_MAX + 1], b[SCOREBOARD_NAME_MAX + 1];
	assert_int_equal(scoreboard_fresh_name("dash1", a, sizeof a), 0);
	assert_int_equal(scoreboard_fresh_name("dash1", b, sizeof b), 0);
	print_message("%s %s\n", a, b);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), strlen("dash1-") + 12);
	assert_true(scoreboard_name_valid(a));
	assert_int_equal(scoreboard_fresh_name("x", a, 8), -EINVAL);
}

static void test_scoreboard_explains_wrong_version(void **state)
{
	(void)state;
	const char *name = test_name("ver");
	struct scoreboard_server *sb = make_board(name);
	sb->hdr.version = 99;
	void *map;
	size_t size;
	int rc = scoreboard_open(name, SCOREBOARD_SERVER, false, &map, &size);
	assert_int_equal(rc, -EPROTO);
	char why[256];
	scoreboard_explain(name, SCOREBOARD_SERVER, rc, why, sizeof why);
	print_message("%s\n", why);
	assert_non_null(strstr(why, "version 99"));
	scoreboard_explain("test-sbh-none", SCOREBOARD_SERVER, -ENOENT, why, sizeof why);
	assert_non_null(strstr(why, "not running"));
	scoreboard_unmap(sb, sizeof(*sb));
	scoreboard_remove(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scoreboard_refuses_group_or_world_writable),
		cmocka_unit_test(test_scoreboard_refuses_other_owner),
		cmocka_unit_test(test_scoreboard_squatted_name_names_the_owner),
		cmocka_unit_test(test_scoreboard_default_name_falls_back),
		cmocka_unit_test(test_scoreboard_stale_by_heartbeat),
		cmocka_unit_test(test_scoreboard_fresh_names_differ),
		cmocka_unit_test(test_scoreboard_explains_wrong_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
