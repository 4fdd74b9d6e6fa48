/* test_net.c: socket helpers (common/net.c): host:port splitting, the loopback check,
 * listening on a free port, and the accept queue read from TCP_INFO. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "net.h"

/* net_split_hostport takes hostport apart into want_host and want_port. */
static void expect_split(const char *hostport, const char *want_host, uint16_t want_port)
{
	char host[64];
	uint16_t port = 0;

	assert_int_equal(net_split_hostport(hostport, host, sizeof(host), &port), 0);
	assert_string_equal(host, want_host);
	assert_int_equal(port, want_port);
}

static void test_net_split_hostport_ipv4(void **state)
{
	(void)state;
	expect_split("127.0.0.1:9090", "127.0.0.1", 9090);
	expect_split("localhost:65535", "localhost", 65535);
}

static void test_net_split_hostport_ipv6(void **state)
{
	(void)state;
	expect_split("[::1]:8080", "::1", 8080);
	expect_split("[fe80::1:2]:1", "fe80::1:2", 1);
}

static void test_net_split_hostport_errors(void **state)
{
	(void)state;
	const char *bad[] = { "", "host", "host:", ":80", "host:0", "host:65536", "host:80x", "host:-1",
			      "host:+80", "::1:80", "[::1]80", "[::1]", "[]:80", "[::1:80", "host:123456" };
	char host[64], tiny[4];
	uint16_t port;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (net_split_hostport(bad[i], host, sizeof(host), &port) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	}
	/* a host that does not fit the buffer */
	assert_int_equal(net_split_hostport("abcd:80", tiny, sizeof(tiny), &port), -EINVAL);
	assert_int_equal(net_split_hostport("abc:80", tiny, sizeof(tiny), &port), 0);
}

static bool loopback(const char *host)
{
	struct sockaddr_storage addr;
	socklen_t len;

	assert_int_equal(net_resolve(host, 80, &addr, &len), 0);
	return net_is_loopback(&addr);
}

static void test_net_is_loopback(void **state)
{
	(void)state;
	assert_true(loopback("127.0.0.1"));
	assert_true(loopback("127.255.0.1"));
	assert_true(loopback("::1"));
	assert_true(loopback("::ffff:127.0.0.2"));
	assert_false(loopback("10.0.0.1"));
	assert_false(loopback("8.8.8.8"));
	assert_false(loopback("::ffff:8.8.8.8"));
	assert_false(loopback("2001:db8::1"));
}

static void test_net_resolve_port_and_errors(void **state)
{
	(void)state;
	struct sockaddr_storage addr;
	socklen_t len;

	assert_int_equal(net_resolve("127.0.0.1", 4321, &addr, &len), 0);
	assert_int_equal(addr.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&addr)->sin_port), 4321);
	assert_int_equal(net_resolve("::1", 4321, &addr, &len), 0);
	assert_int_equal(addr.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_true(net_resolve("", 1, &addr, &len) < 0);
}

static void test_net_listen_port_zero(void **state)
{
	(void)state;
	char err[256] = "";
	int fd = net_listen("127.0.0.1", 0, false, false, err, sizeof(err));

	assert_true(fd >= 0);
	int port = net_local_port(fd);
	assert_true(port > 0 && port <= 65535);

	/* the port is really ours: a second listener on it is refused with a clear message */
	int fd2 = net_listen("127.0.0.1", (uint16_t)port, false, false, err, sizeof(err));
	assert_int_equal(fd2, -EADDRINUSE);
	char want[64];
	snprintf(want, sizeof(want), "cannot listen on 127.0.0.1:%d: ", port);
	assert_memory_equal(err, want, strlen(want));
	close(fd);
}

static void test_net_listen_reuseport_twice(void **state)
{
	(void)state;
	char err[256];
	int a = net_listen("127.0.0.1", 0, true, true, err, sizeof(err));

	assert_true(a >= 0);
	int b = net_listen("127.0.0.1", (uint16_t)net_local_port(a), true, true, err, sizeof(err));
	if (b < 0)
		fail_msg("second SO_REUSEPORT listener refused: %s", err);
	assert_int_equal(net_local_port(a), net_local_port(b));
	close(b);
	close(a);
}

static void test_net_listen_ipv6(void **state)
{
	(void)state;
	char err[256];
	int fd = net_listen("::1", 0, false, false, err, sizeof(err));

	if (fd == -EADDRNOTAVAIL || fd == -EAFNOSUPPORT)
		skip(); /* no IPv6 loopback in this container */
	assert_true(fd >= 0);
	assert_true(net_local_port(fd) > 0);
	close(fd);
}

static void test_net_listen_bad_host(void **state)
{
	(void)state;
	char err[256] = "";

	/* an empty host is refused before any lookup (no DNS in a unit test) */
	assert_int_equal(net_listen("", 0, false, false, err, sizeof(err)), -EINVAL);
	assert_memory_equal(err, "cannot listen on :0: ", 21);
	/* an address no interface has */
	assert_int_equal(net_listen("192.0.2.1", 0, false, false, err, sizeof(err)), -EADDRNOTAVAIL);
	assert_memory_equal(err, "cannot listen on 192.0.2.1:0: ", 30);
}

/* Connections the kernel completed but nobody accepted are the accept queue. */
static void test_net_accept_queue(void **state)
{
	(void)state;
	enum { N = 5 };
	char err[256];
	int lfd = net_listen("127.0.0.1", 0, false, false, err, sizeof(err));
	int cfd[N];
	int64_t queued = -1, limit = -1;
	struct sockaddr_storage addr;
	socklen_t len;

	assert_true(lfd >= 0);
	assert_int_equal(net_accept_queue(lfd, &queued, &limit), 0);
	assert_int_equal(queued, 0);
	assert_true(limit > 0 && limit <= NET_BACKLOG);

	assert_int_equal(net_resolve("127.0.0.1", (uint16_t)net_local_port(lfd), &addr, &len), 0);
	for (int i = 0; i < N; i++) {
		cfd[i] = net_connect(&addr, len, false);
		assert_true(cfd[i] >= 0);
	}
	/* the handshake completes in the kernel; poll the gauge briefly, no fixed sleep */
	uint64_t deadline = clock_now_ns() + 2 * NS_PER_SEC;
	do {
		assert_int_equal(net_accept_queue(lfd, &queued, &limit), 0);
	} while (queued < N && clock_now_ns() < deadline);
	printf("accept queue %lld of %lld\n", (long long)queued, (long long)limit);
	assert_int_equal(queued, N);

	for (int i = 0; i < N; i++)
		close(cfd[i]);
	close(lfd);
}

static void test_net_accept_queue_not_listener(void **state)
{
	(void)state;
	int64_t q, l;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(net_accept_queue(fd, &q, &l), -EINVAL);
	close(fd);
	assert_int_equal(net_accept_queue(-1, &q, &l), -EBADF);
}

static void test_net_connect_refused(void **state)
{
	(void)state;
	char err[256];
	struct sockaddr_storage addr;
	socklen_t len;
	int lfd = net_listen("127.0.0.1", 0, false, false, err, sizeof(err));
	uint16_t port = (uint16_t)net_local_port(lfd);

	close(lfd); /* nobody listens there now */
	assert_int_equal(net_resolve("127.0.0.1", port, &addr, &len), 0);
	assert_int_equal(net_connect(&addr, len, false), -ECONNREFUSED);
	/* non-blocking: in progress (or refused at once on loopback) */
	int fd = net_connect(&addr, len, true);
	assert_true(fd >= 0 || fd == -ECONNREFUSED);
	if (fd >= 0)
		close(fd);
}

static void test_net_set_options(void **state)
{
	(void)state;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(net_set_nonblock(fd), 0);
	assert_int_equal(net_set_nodelay(fd), 0);
	close(fd);
	assert_int_equal(net_set_nonblock(fd), -EBADF);
}

static void test_net_raise_nofile(void **state)
{
	(void)state;
	long n = net_raise_nofile();

	printf("RLIMIT_NOFILE soft limit now %ld\n", n);
	assert_true(n > 0);
	assert_int_equal(net_raise_nofile(), n); /* already raised: unchanged */
}

/* The descriptor size of this process's table, from /proc/self/status (FDSize). */
static long fd_table_size(void)
{
	char line[256];
	long n = -1;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "FDSize: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* net_reserve_fds grows the table at once (so that it never grows under threads), and
 * leaves a descriptor already open at the top alone. */
static void test_net_reserve_fds(void **state)
{
	(void)state;
	long limit = net_raise_nofile();
	if (limit < 3000)
		skip();
	long before = fd_table_size();
	net_reserve_fds(3000);
	long after = fd_table_size();
	printf("descriptor table: %ld slots before, %ld after net_reserve_fds(3000)\n", before, after);
	assert_true(after >= 3000);
	assert_int_equal(fcntl(2999, F_GETFD), -1); /* the probe was closed again */

	/* an open descriptor where the probe would go stays open */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 3999), 3999);
	net_reserve_fds(4000);
	assert_true(fcntl(3999, F_GETFD) >= 0);
	int type = 0;
	socklen_t len = sizeof type;
	assert_int_equal(getsockopt(3999, SOL_SOCKET, SO_TYPE, &type, &len), 0); /* still the socket */
	assert_int_equal(type, SOCK_STREAM);
	close(3999);
	close(fd);
	net_reserve_fds(limit + 1000); /* past the limit: as far as the limit, no error */
	assert_true(fd_table_size() >= 4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_split_hostport_ipv4),
		cmocka_unit_test(test_net_split_hostport_ipv6),
		cmocka_unit_test(test_net_split_hostport_errors),
		cmocka_unit_test(test_net_is_loopback),
		cmocka_unit_test(test_net_resolve_port_and_errors),
		cmocka_unit_test(test_net_listen_port_zero),
		cmocka_unit_test(test_net_listen_reuseport_twice),
		cmocka_unit_test(test_net_listen_ipv6),
		cmocka_unit_test(test_net_listen_bad_host),
		cmocka_unit_test(test_net_accept_queue),
		cmocka_unit_test(test_net_accept_queue_not_listener),
		cmocka_unit_test(test_net_connect_refused),
		cmocka_unit_test(test_net_set_options),
		cmocka_unit_test(test_net_raise_nofile),
		cmocka_unit_test(test_net_reserve_fds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
