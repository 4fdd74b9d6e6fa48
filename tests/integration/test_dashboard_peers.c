/* test_dashboard_peers.c: any server as a restaurant (issue 14), end to end: the
 * dashboard starts each peer (Node.js, Go, nginx) itself, the black-box half shows
 * served > 0, the door from the kernel and the process's threads and memory; a server
 * already running is watched through url: and --pid, and left running; nothing the
 * dashboard started is left after its end, a SIGTERM, a SIGKILL or 'q'. A peer whose
 * program is missing is skipped with the package it needs. Every process the dashboard
 * starts inherits a TMPDIR private to the test, which is how they are found in /proc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/testlib.h"

#define TAGGED_MAX 32

static char tmpdir[128];

static bool have_ours(void)
{
	return test_bin_built("dashboard") && test_bin_built("evented") && test_bin_built("blocking") &&
	       test_bin_built("loadgen");
}

static bool on_path(const char *name)
{
	char copy[4096], path[4200], *save = NULL;
	const char *p = getenv("PATH");
	snprintf(copy, sizeof copy, "%s:/usr/sbin", p ? p : "/usr/bin:/bin");
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof path, "%s/%s", d, name);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* The peer's program is here, or the test skips saying which package it needs. */
static bool peer_present(const char *peer)
{
	const char *prog = strcmp(peer, "node") == 0 ? "node" : strcmp(peer, "go") == 0 ? "go" : "nginx";
	const char *pkg = strcmp(peer, "node") == 0 ? "nodejs" : strcmp(peer, "go") == 0 ? "golang-go" : "nginx-light";
	if (on_path(prog) || (strcmp(peer, "node") == 0 && on_path("nodejs")))
		return true;
	print_message("skip: %s is not installed (Debian package %s: scripts/deps.sh %s)\n", prog, pkg, pkg);
	return false;
}

/* pid's parent from /proc/PID/stat, or -1. */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	const char *p = strrchr(buf, ')');
	int ppid;
	return p && sscanf(p + 2, "%*c %d", &ppid) == 1 ? (pid_t)ppid : -1;
}

/* Does the file (environ or cmdline: NUL-separated) of pid hold text? */
static bool proc_file_has(const char *e, const char *file, const char *text)
{
	char path[64], buf[16384];
	snprintf(path, sizeof path, "/proc/%.20s/%s", e, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t len = read(fd, buf, sizeof buf - 1);
	close(fd);
	for (ssize_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	buf[len > 0 ? len : 0] = '\0';
	return strstr(buf, text) != NULL;
}

/* Everything the dashboard under test started: processes whose environment holds
 * TMPDIR=tmpdir or whose command line names it (nginx rewrites its environment for its
 * process title), and their children (nginx's worker, whose environment nginx clears). */
static int tagged(pid_t *pids, int max)
{
	char want[160];
	snprintf(want, sizeof want, "TMPDIR=%s\n", tmpdir);
	pid_t all[4096], parent[4096];
	int nall = 0, found = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL && nall < 4096) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		pid_t pid = (pid_t)atoi(e->d_name);
		if (proc_gone(pid))
			continue;
		if ((proc_file_has(e->d_name, "environ", want) || proc_file_has(e->d_name, "cmdline", tmpdir)) &&
		    found < max)
			pids[found++] = pid;
		else {
			all[nall] = pid;
			parent[nall++] = parent_of(pid);
		}
	}
	if (d)
		closedir(d);
	for (int i = 0; i < nall && found < max; i++)
		for (int j = 0; j < found; j++)
			if (parent[i] == pids[j] && pids[j] != getpid()) {
				pids[found++] = all[i];
				break;
			}
	return found;
}

/* Nothing tagged within timeout_ms; prints what is left otherwise. */
static bool none_left(int timeout_ms)
{
	pid_t pids[TAGGED_MAX];
	int n = 0;
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		if ((n = tagged(pids, TAGGED_MAX)) == 0)
			return true;
		tc_sleep_ms(50);
	}
	for (int i = 0; i < n; i++)
		print_error("process %d is still running\n", (int)pids[i]);
	return false;
}

/* Wait for at least want tagged processes (servers and load generators started). */
static int wait_tagged(int want, int timeout_ms)
{
	pid_t pids[TAGGED_MAX];
	int n = 0;
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		if ((n = tagged(pids, TAGGED_MAX)) >= want)
			return n;
		tc_sleep_ms(50);
	}
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/lunchrush-peers-test.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("LUNCHRUSH_NO_INSTALL", "1", 1); /* a missing peer is a skip, not an apt-get */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dashboard --headless --json for 3 s with these halves; its JSON summary, parsed. */
static cJSON *run_headless(const char *left, const char *right, const char *extra1, const char *extra2)
{
	static char out[256 * 1024];
	char *argv[] = { (char *)test_bin("dashboard"), "--headless", "--json", "--duration", "3s", "--left",
			 (char *)left, "--right", (char *)right, (char *)extra1, (char *)extra2, NULL };
	struct child c;
	assert_int_equal(child_start_in_tmpdir(&c, argv, tmpdir), 0);
	ssize_t n = child_read_all(&c, out, sizeof out - 1, 60000);
	int status = child_stop(&c, SIGTERM, 5000);
	out[n > 0 ? n : 0] = '\0';
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		print_error("dashboard --left %s --right %s: status %d, output %.300s\n", left, right, status, out);
		fail();
	}
	cJSON *root = cJSON_Parse(out);
	if (!root) {
		print_error("not JSON: %.400s\n", out);
		fail();
	}
	return root;
}

static double num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(v)) {
		print_error("no number \"%s\"\n", key);
		fail();
	}
	return v->valuedouble;
}

static const cJSON *half(const cJSON *root, const char *key)
{
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "servers"), key);
	if (!cJSON_IsObject(h)) {
		print_error("no servers.%s in the summary\n", key);
		fail();
	}
	return h;
}

/* A half measured from outside: served, the kernel's door, its threads and memory. */
static void check_black_box(const cJSON *h, const char *what)
{
	print_message("%s: served %.0f, door max %.0f of backlog %.0f, threads max %.0f, rss max %.0f KB, "
		      "%.0f processes, p99 %.1f ms\n", what, num(h, "served"), num(h, "door_max"),
		      num(h, "door_backlog"), num(h, "threads_max"), num(h, "rss_max_kb"), num(h, "processes"),
		      num(cJSON_GetObjectItemCaseSensitive(h, "latency_ms"), "p99"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "black_box")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h, "door_kernel")));
	assert_true(num(h, "served") > 0);
	assert_true(num(h, "door_backlog") > 0);
	assert_true(num(h, "door_max") >= 0);
	assert_true(num(h, "threads_max") >= 1);
	assert_true(num(h, "rss_max_kb") > 0);
}

/* Node.js against Go: both black boxes, both started by the dashboard. */
static void test_peers_node_vs_go(void **state)
{
	(void)state;
	if (!have_ours() || !peer_present("node") || !peer_present("go"))
		skip();
	cJSON *root = run_headless("node", "go", "--gomaxprocs", "1");
	check_black_box(half(root, "node"), "node");
	check_black_box(half(root, "go"), "go");
	cJSON_Delete(root);
	assert_true(none_left(5000));
}

/* Ours against nginx: our half keeps its scoreboard and reads its door from the kernel too. */
static void test_peers_evented_vs_nginx(void **state)
{
	(void)state;
	if (!have_ours() || !peer_present("nginx"))
		skip();
	cJSON *root = run_headless("evented", "nginx", NULL, NULL);
	const cJSON *ours = half(root, "evented");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ours, "black_box")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ours, "door_kernel")));
	assert_true(num(ours, "served") > 0);
	const cJSON *ngx = half(root, "nginx");
	check_black_box(ngx, "nginx");
	assert_true(num(ngx, "processes") >= 2); /* the master and its worker, summed */
	cJSON_Delete(root);
	assert_true(none_left(5000));
}

/* url: + --pid: a Node.js server started here is measured, and still runs afterwards. */
static void test_peers_url_is_watched_not_stopped(void **state)
{
	(void)state;
	if (!have_ours() || !peer_present("node") || access("peers/node/server.js", R_OK) != 0)
		skip();
	char *argv[] = { "/bin/sh", "-c", "exec node peers/node/server.js --port 0", NULL };
	struct child srv;
	assert_int_equal(child_start(&srv, argv, true, 10000), 0);
	char url[96], pid[24];
	snprintf(url, sizeof url, "url:http://127.0.0.1:%u/order", srv.port);
	snprintf(pid, sizeof pid, "%d", (int)srv.pid);
	cJSON *root = run_headless("blocking", url, "--pid", pid);
	check_black_box(half(root, "url"), "url");
	cJSON_Delete(root);
	bool alive = !proc_gone(srv.pid);
	child_stop(&srv, SIGTERM, 3000);
	assert_true(alive);
}

/* A missing peer program: one clear line and exit 2. */
static void test_peers_missing_program_says_so(void **state)
{
	(void)state;
	if (!test_bin_built("dashboard"))
		skip();
	char *argv[] = { (char *)test_bin("dashboard"), "--headless", "--duration", "1s", "--right", "node", NULL };
	char out[4096], err[4096];
	setenv("PATH", "/nonexistent", 1);
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 10000);
	setenv("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", 1);
	print_message("no node on PATH: %s", err);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	assert_non_null(strstr(err, "nodejs"));
}

/* The dashboard ended by sig while a peer runs: everything it started goes too. */
static void stop_with(int sig, const char *peer)
{
	char *argv[] = { (char *)test_bin("dashboard"), "--headless", "--duration", "60s", "--left", "blocking",
			 "--right", (char *)peer, NULL };
	struct child c;
	assert_int_equal(child_start_in_tmpdir(&c, argv, tmpdir), 0);
	int n = wait_tagged(5, 20000); /* the dashboard, two servers, two load generators */
	print_message("%s: %d processes running, then SIG%s\n", peer, n, sigabbrev_np(sig));
	kill(c.pid, sig);
	child_stop(&c, SIGKILL, 8000);
	assert_true(n >= 5);
	assert_true(none_left(8000));
}

static const char *const peers[] = { "node", "go", "nginx" };

/* Each peer that is installed; skips when none is. */
static void stop_each_with(int sig)
{
	if (!have_ours())
		skip();
	int ran = 0;
	for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++)
		if (peer_present(peers[i])) {
			stop_with(sig, peers[i]);
			ran++;
		}
	if (!ran)
		skip();
}

static void test_peers_sigterm_leaves_nothing(void **state)
{
	(void)state;
	stop_each_with(SIGTERM);
}

static void test_peers_sigkill_leaves_nothing(void **state)
{
	(void)state;
	stop_each_with(SIGKILL);
}

/* 'q' on the screen, in a private tmux server, with peer on the right; title is the
 * word its half's title shows. */
static void quit_with_q(const char *peer, const char *title)
{
	char sock[64], cmd[1024];
	snprintf(sock, sizeof sock, "lunchrush-peers-%d", (int)getpid());
	snprintf(cmd, sizeof cmd, "tmux -L %s new-session -d -x 120 -y 36 \"env TMPDIR=%s LUNCHRUSH_NO_INSTALL=1 %s "
		 "--left evented --right %s\"", sock, tmpdir, test_bin("dashboard"), peer);
	assert_int_equal(system(cmd), 0);
	int n = wait_tagged(5, 20000);
	snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p | grep -q ' %s '", sock, title);
	int seen = -1;
	for (int i = 0; i < 40 && seen != 0; i++) { /* the first frame follows the processes */
		seen = system(cmd);
		if (seen != 0)
			tc_sleep_ms(50);
	}
	snprintf(cmd, sizeof cmd, "tmux -L %s send-keys q", sock);
	assert_int_equal(system(cmd), 0);
	bool gone = none_left(8000);
	snprintf(cmd, sizeof cmd, "tmux -L %s kill-server 2>/dev/null", sock);
	if (system(cmd) != 0)
		print_message("(tmux had already ended)\n");
	print_message("%s on screen: %d processes, then q\n", peer, n);
	assert_true(n >= 5);
	assert_int_equal(seen, 0);
	assert_true(gone);
}

static void test_peers_q_leaves_nothing(void **state)
{
	(void)state;
	static const char *const titles[] = { "NODE.JS", "GO", "NGINX" };
	if (!have_ours() || !on_path("tmux"))
		skip();
	int ran = 0;
	for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++)
		if (peer_present(peers[i])) {
			quit_with_q(peers[i], titles[i]);
			ran++;
		}
	if (!ran)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_peers_node_vs_go, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_evented_vs_nginx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_url_is_watched_not_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_missing_program_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_sigterm_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_sigkill_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peers_q_leaves_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
