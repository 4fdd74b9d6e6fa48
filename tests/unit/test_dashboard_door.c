/* test_dashboard_door.c: the door as the kernel sees it (visualizer/door.c), against a
 * listening socket nobody accepts on: the queue equals the connections made, up to the
 * backlog; the same reading for our two servers and for the Node.js peer, each stopped
 * (SIGSTOP) so that nobody accepts. Also /proc/net/netstat's parsing and a process tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../visualizer/door.h"
#include "../../visualizer/procstat.h"
#include "../lib/testlib.h"

#define CONNS_MAX 64

/* A non-blocking connect to 127.0.0.1:port (the handshake completes in the kernel while
 * the queue has room; a SYN beyond it is dropped, so a blocking connect would wait). */
static int connect_nb(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Poll door_read until the queue holds want (the handshakes are asynchronous), at most
 * 3 s; the last reading in *d. */
static int wait_queue(uint16_t port, uint32_t want, struct door_reading *d)
{
	int rc = -1;
	for (int i = 0; i < 150; i++) {
		rc = door_read(port, d);
		if (rc == 0 && d->queued >= want)
			return 0;
		tc_sleep_ms(20);
	}
	return rc;
}

static void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void test_door_read_counts_unaccepted(void **state)
{
	(void)state;
	uint16_t port;
	int lfd = tc_listen_loopback(8, &port);
	assert_true(lfd >= 0);
	struct door_reading d;
	assert_int_equal(door_read(port, &d), 0);
	assert_int_equal(d.queued, 0);
	assert_int_equal(d.backlog, 8);
	assert_int_equal(d.sockets, 1);

	int fds[CONNS_MAX];
	for (int i = 0; i < 5; i++)
		fds[i] = connect_nb(port);
	assert_int_equal(wait_queue(port, 5, &d), 0);
	print_message("5 connections: queue %u, backlog %u\n", d.queued, d.backlog);
	assert_int_equal(d.queued, 5);

	/* past the backlog the kernel queues backlog + 1 at most and drops the rest */
	for (int i = 5; i < 20; i++)
		fds[i] = connect_nb(port);
	assert_int_equal(wait_queue(port, 8, &d), 0);
	tc_sleep_ms(100);
	assert_int_equal(door_read(port, &d), 0);
	print_message("20 connections, backlog 8: queue %u\n", d.queued);
	assert_true(d.queued >= 8 && d.queued <= 9);
	close_all(fds, 20);
	close(lfd);
}

static void test_door_read_nothing_listening(void **state)
{
	(void)state;
	uint16_t port;
	int fd = tc_listen_loopback(-1, &port); /* bound, not listening */
	assert_true(fd >= 0);
	struct door_reading d;
	assert_int_equal(door_read(port, &d), -ENOENT);
	close(fd);
}

static void test_door_parse_netstat(void **state)
{
	(void)state;
	const char *text = "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPBacklogDrop\n"
			   "TcpExt: 0 17 23 4\n"
			   "IpExt: InNoRoutes\nIpExt: 0\n";
	struct door_kernel k;
	assert_int_equal(door_parse_netstat(text, &k), 0);
	assert_int_equal(k.listen_overflows, 17);
	assert_int_equal(k.listen_drops, 23);
	assert_int_equal(door_parse_netstat("IpExt: a\nIpExt: 1\n", &k), -EPROTO);
	assert_int_equal(door_parse_netstat("TcpExt: ListenDrops\n", &k), -EPROTO);
	assert_int_equal(door_kernel_read(&k), 0); /* this machine's: readable */
}

/* The first executable `name` on PATH into out; false when there is none. */
static bool find_program(const char *name, char *out, size_t len)
{
	char copy[4096], *save = NULL;
	const char *path = getenv("PATH");
	snprintf(copy, sizeof copy, "%s", path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, name);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/* kill() returns before every thread has stopped: poll each thread's state until all
 * are 'T' (a thread still in accept() would take the connections), at most 2 s. */
static bool wait_stopped(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	for (int i = 0; i < 100; i++) {
		DIR *d = opendir(path);
		if (!d)
			return false;
		bool all = true;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char stat[128], buf[512];
			snprintf(stat, sizeof stat, "%s/%.20s/stat", path, e->d_name);
			FILE *f = fopen(stat, "r");
			size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
			if (f)
				fclose(f);
			buf[n] = '\0';
			const char *p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] != 'T' && p[2] != 't')
				all = false;
		}
		closedir(d);
		if (all)
			return true;
		tc_sleep_ms(20);
	}
	return false;
}

/* A server stopped with SIGSTOP accepts nobody: its door holds every connection. */
static void door_of_stopped_server(char *const argv[], const char *what)
{
	struct child c;
	assert_int_equal(child_start(&c, argv, true, 10000), 0);
	kill(c.pid, SIGSTOP);
	assert_true(wait_stopped(c.pid));
	struct door_reading d;
	int fds[6];
	for (int i = 0; i < 6; i++)
		fds[i] = connect_nb(c.port);
	int rc = wait_queue(c.port, 6, &d);
	print_message("%s stopped, 6 connections: queue %u, backlog %u (%u sockets, rc %d)\n", what, d.queued,
		      d.backlog, d.sockets, rc);
	kill(c.pid, SIGCONT);
	close_all(fds, 6);
	child_stop(&c, SIGTERM, 3000);
	assert_int_equal(rc, 0);
	assert_int_equal(d.queued, 6);
	assert_true(d.backlog >= 6);
}

static void test_door_our_servers(void **state)
{
	(void)state;
	static const char *const models[] = { "blocking", "evented" };
	for (int i = 0; i < 2; i++) {
		if (!test_bin_built(models[i]))
			skip();
		char *argv[] = { (char *)test_bin(models[i]), "--port", "0", "--quiet", NULL };
		door_of_stopped_server(argv, models[i]);
	}
}

static void test_door_node_peer(void **state)
{
	(void)state;
	char node[512];
	if (!find_program("node", node, sizeof node) && !find_program("nodejs", node, sizeof node)) {
		print_message("skip: Node.js is not installed (Debian package nodejs)\n");
		skip();
	}
	if (access("peers/node/server.js", R_OK) != 0) {
		print_message("skip: run from the project's folder (peers/node/server.js)\n");
		skip();
	}
	char *argv[] = { node, "peers/node/server.js", "--port", "0", NULL };
	door_of_stopped_server(argv, "node");
}

/* procstat_read_tree sums a process and its children: a shell with two sleeping
 * children is three processes, each with its memory. */
static void test_procstat_tree(void **state)
{
	(void)state;
	struct child c;
	char *argv[] = { "/bin/sh", "-c", "sleep 5 & sleep 5 & echo listening on 127.0.0.1:1; wait", NULL };
	assert_int_equal(child_start(&c, argv, true, 5000), 0);
	struct procstat one, tree;
	uint32_t n = 0;
	for (int i = 0; i < 100 && n < 3; i++) {
		assert_int_equal(procstat_read_tree(c.pid, &tree, &n), 0);
		if (n < 3)
			tc_sleep_ms(20);
	}
	assert_int_equal(procstat_read(c.pid, &one), 0);
	print_message("tree of %u processes: %ld threads, %ld KB (the shell alone %ld KB)\n", n, tree.threads,
		      tree.rss_kb, one.rss_kb);
	assert_int_equal(n, 3);
	assert_int_equal(tree.threads, 3);
	assert_true(tree.rss_kb > one.rss_kb);
	pid_t kids[4];
	int nk = proc_children(c.pid, kids, 4);
	for (int i = 0; i < nk; i++)
		kill(kids[i], SIGKILL);
	child_stop(&c, SIGKILL, 1000);
	int rc = procstat_read_tree(c.pid, &tree, &n);
	assert_true(rc == -ENOENT || rc == -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_door_read_counts_unaccepted),
		cmocka_unit_test(test_door_read_nothing_listening),
		cmocka_unit_test(test_door_parse_netstat),
		cmocka_unit_test(test_door_our_servers),
		cmocka_unit_test(test_door_node_peer),
		cmocka_unit_test(test_procstat_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
