/* test_loadgen.c: bin/loadgen against real servers.
 *
 * What the figures must show: Little's law in a closed loop (blocking, 4 cashiers,
 * cook 50 ms, 16 customers -> 80 orders/s, 200 ms each); an open loop beyond capacity
 * whose latency grows second after second instead of stopping at a cap; and the
 * coordinated-omission test of lesson 7 (the evented server stopped for 2 s in a
 * 10 s run at 1,000 orders/s: the open loop reports the stall in its p99, the
 * uncorrected figures of customers who queued for a connection hide it, the closed
 * loop shows it only in its max and an empty second). Also: nginx and Node.js are
 * driven without errors when installed, a dying server is reported, the control slot
 * changes a running load, and non-loopback targets are refused. Customers still waiting
 * when the window closes are awaited (--drain) or counted at their age: a server that
 * leaves them at its door cannot hide them.
 * Binaries that are missing make their tests skip with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define OUT_MAX 8192

/* ---- helpers ---- */

static bool have(const char *path)
{
	return access(path, X_OK) == 0;
}

/* A load generator running in the background; its JSON is read by lg_finish. */
struct lg {
	struct child c;
	char out[OUT_MAX];
	int status;      /* exit status, or -1 */
};

static void lg_start(struct lg *l, char *const argv[])
{
	memset(l, 0, sizeof *l);
	assert_int_equal(child_start(&l->c, argv, false, 0), 0);
}

/* Read its stdout to the end and reap it; returns its exit status. */
static int lg_finish(struct lg *l, int timeout_ms)
{
	int st = 0;
	child_read_all(&l->c, l->out, sizeof l->out, timeout_ms);
	pid_t r = waitpid(l->c.pid, &st, 0);
	l->c.pid = 0;
	close(l->c.out_fd);
	l->c.out_fd = -1;
	l->status = r > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return l->status;
}

static int lg_run(struct lg *l, char *const argv[], int timeout_ms)
{
	lg_start(l, argv);
	return lg_finish(l, timeout_ms);
}

/* A number from the JSON: "key" at the top level, or "object.key". */
static double jnum(const char *json, const char *path)
{
	char obj[64], key[80];
	const char *scope = json, *dot = strchr(path, '.');
	if (dot) {
		snprintf(obj, sizeof obj, "\"%.*s\":{", (int)(dot - path), path);
		scope = strstr(json, obj);
		if (!scope)
			fail_msg("no object %s in %s", obj, json);
		path = dot + 1;
	}
	snprintf(key, sizeof key, "\"%s\":", path);
	const char *p = strstr(scope, key);
	if (!p)
		fail_msg("no key %s in %s", key, json);
	char *end;
	double v = strtod(p + strlen(key), &end);
	if (end == p + strlen(key))
		fail_msg("key %s is not a number in %s", key, json);
	return v;
}

static char *url(char *buf, size_t cap, uint16_t port, const char *target)
{
	snprintf(buf, cap, "http://127.0.0.1:%u%s", port, target);
	return buf;
}

static void start_server(struct child *srv, const char *model, const char *extra1, const char *extra2)
{
	char *argv[] = { (char *)test_bin(model), "--port", "0", "--quiet", (char *)extra1, (char *)extra2, NULL };
	if (!extra1)
		argv[4] = NULL;
	assert_int_equal(child_start(srv, argv, true, 5000), 0);
}

/* SIGKILL a server started above and remove the scoreboard it could not remove itself
 * (its default name, MODEL-PORT), so runs leave nothing in /dev/shm. */
static void kill_server(struct child *srv, const char *model)
{
	char name[64];
	snprintf(name, sizeof name, "/lunchrush.%s-%u", model, (unsigned)srv->port);
	child_stop(srv, SIGKILL, 5000);
	assert_int_equal(shm_unlink(name), 0);
}

/* Rows of a --series file: t, sent, completed, errors, outstanding, p50, p99, max. */
struct row {
	double t, sent, completed, errors, outstanding, p50, p99, max;
};

static int read_series(const char *path, struct row *rows, int cap)
{
	char line[256];
	int n = 0;
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "t,sent,completed,errors,outstanding,p50_ms,p99_ms,max_ms\n");
	while (n < cap && fgets(line, sizeof line, f)) {
		struct row *r = &rows[n];
		assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &r->t, &r->sent, &r->completed,
					&r->errors, &r->outstanding, &r->p50, &r->p99, &r->max), 8);
		n++;
	}
	fclose(f);
	return n;
}

/* ---- safety and exit status ---- */

static void test_loadgen_refuses_remote_and_unbounded(void **state)
{
	struct lg l;
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	char *remote[] = { (char *)test_bin("loadgen"), "-c", "1", "-d", "1s", "http://10.0.0.1:8080/", NULL };
	double t0 = tc_now_ms();
	assert_int_equal(lg_run(&l, remote, 3000), 2);
	print_message("10.0.0.1 refused with exit 2 in %.0f ms\n", tc_now_ms() - t0);
	assert_true(tc_now_ms() - t0 < 1000); /* refused before any connect: no timeout */
	assert_string_equal(l.out, "");       /* no run, no report */

	static const char *bad[][2] = { { "-d", "0" }, { "-d", "-1s" }, { "-d", "2h" }, { "--timeout", "0" },
					{ "-c", "0" }, { "--keepalive", "maybe" }, { "--arrivals", "bursty" } };
	int saved = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, STDERR_FILENO); /* seven refusals would bury the log */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = { (char *)test_bin("loadgen"), (char *)bad[i][0], (char *)bad[i][1],
				 "http://127.0.0.1:1/", NULL };
		int rc = lg_run(&l, argv, 3000);
		if (rc != 2)
			fprintf(stdout, "%s %s: exit %d\n", bad[i][0], bad[i][1], rc);
		dup2(saved, STDERR_FILENO);
		assert_int_equal(rc, 2);
		dup2(devnull, STDERR_FILENO);
	}
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(devnull);
}

/* A port nobody listens on (bound a moment, then closed). */
static uint16_t free_port(void)
{
	uint16_t port;
	int fd = tc_listen_loopback(-1, &port);
	assert_true(fd >= 0);
	close(fd);
	return port;
}

static void test_loadgen_all_failed_exits_1(void **state)
{
	struct lg l;
	char u[64];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "4", "-d", "500ms", "--json",
			 url(u, sizeof u, free_port(), "/"), NULL };
	assert_int_equal(lg_run(&l, argv, 5000), 1);
	print_message("refused port: %.0f connect errors in 0.5 s over 4 connections\n", jnum(l.out, "errors.connect"));
	assert_true(jnum(l.out, "errors.connect") >= 4);
	assert_true(jnum(l.out, "errors.connect") < 1000); /* backed off, not spinning */
	assert_true(jnum(l.out, "requests") == 0);
}

/* ---- the closed loop: Little's law ---- */

static void test_loadgen_closed_loop_littles_law(void **state)
{
	struct child srv;
	struct lg l;
	char u[96];
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("blocking"))
		skip();
	start_server(&srv, "blocking", "--threads", "4");
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "16", "-d", "3s", "--warmup", "500ms", "--json",
			 url(u, sizeof u, srv.port, "/order?cook_ms=50"), NULL };
	assert_int_equal(lg_run(&l, argv, 15000), 0);
	child_stop(&srv, SIGTERM, 5000);

	double x = jnum(l.out, "throughput_rps"), w = jnum(l.out, "latency_ms.mean") / 1000.0;
	print_message("blocking, 4 cashiers, cook 50 ms, 16 customers: %.1f orders/s (bound 80), mean %.0f ms "
		      "(model 200), L = X W = %.2f (16), p50 %.0f ms\n", x, w * 1000, x * w, jnum(l.out, "latency_ms.p50"));
	assert_true(jnum(l.out, "errors_total") == 0);
	assert_true(x > 64.0 && x <= 84.0);          /* 4 / 0.05 s = 80, never above (with 5 % slack) */
	assert_true(fabs(x * w - 16.0) < 16.0 * 0.15); /* Little: L = lambda W, L = 16 customers */
	assert_true(jnum(l.out, "latency_ms.p50") > 150 && jnum(l.out, "latency_ms.p50") < 300);
	/* the 16 customers waiting when the window closed were awaited (--drain: 3 s) */
	assert_true(jnum(l.out, "outstanding") == 16);
	assert_true(jnum(l.out, "answered_late") == 16 && jnum(l.out, "unanswered") == 0);
	assert_true(jnum(l.out, "latency_ms.count") == jnum(l.out, "requests") + 16);
}

/* ---- customers left at the door count: the drain after the window ---- */

/* A server that never takes its customers: a listening socket nobody accepts on. The
 * kernel completes the handshakes, so every request is sent and then waits. Without
 * the drain the run would report no latency at all; with it, every customer counts
 * at its age when the drain ends (the run's whole length: at least 1.5 s). */
static void test_loadgen_door_left_closed(void **state)
{
	struct lg l;
	char u[64];
	uint16_t port;
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	int fd = tc_listen_loopback(64, &port);
	assert_true(fd >= 0);

	char *argv[] = { (char *)test_bin("loadgen"), "-c", "4", "-d", "1s", "--drain", "500ms", "--json",
			 url(u, sizeof u, port, "/order"), NULL };
	lg_run(&l, argv, 10000);
	print_message("door left closed: %.0f requests, %.0f outstanding, %.0f unanswered, p50 %.0f ms\n",
		      jnum(l.out, "requests"), jnum(l.out, "outstanding"), jnum(l.out, "unanswered"),
		      jnum(l.out, "latency_ms.p50"));
	assert_true(jnum(l.out, "requests") == 0);
	assert_true(jnum(l.out, "outstanding") == 4 && jnum(l.out, "unanswered") == 4);
	assert_true(jnum(l.out, "answered_late") == 0);
	assert_true(jnum(l.out, "latency_ms.count") == 4);
	assert_true(jnum(l.out, "latency_ms.p50") >= 1450 && jnum(l.out, "latency_ms.max") < 5000);

	/* --drain 0: stop at once, as wrk does; the four are outstanding and nowhere else */
	char *now[] = { (char *)test_bin("loadgen"), "-c", "4", "-d", "500ms", "--drain", "0", "--json",
			url(u, sizeof u, port, "/order"), NULL };
	lg_run(&l, now, 10000);
	close(fd);
	assert_true(jnum(l.out, "outstanding") == 4 && jnum(l.out, "unanswered") == 0);
	assert_true(jnum(l.out, "latency_ms.count") == 0);
}

/* ---- the open loop beyond capacity: latency grows, it is not capped ---- */

static void test_loadgen_open_loop_overload_grows(void **state)
{
	struct child srv;
	struct lg l;
	struct row rows[16];
	char u[96], series[] = "/tmp/lunchrush-lg-seriesXXXXXX";
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("blocking"))
		skip();
	int fd = mkstemp(series);
	assert_true(fd >= 0);
	close(fd);
	start_server(&srv, "blocking", "--threads", "2");
	/* capacity 2 / 0.05 s = 40/s; 100/s arrive: the line grows by 60 a second */
	char *argv[] = { (char *)test_bin("loadgen"), "-R", "100", "--arrivals", "even", "-d", "4s", "--json",
			 "--series", series, url(u, sizeof u, srv.port, "/order?cook_ms=50"), NULL };
	assert_int_equal(lg_run(&l, argv, 15000), 0);
	kill_server(&srv, "blocking"); /* its drain of 240 queued orders is not under test */
	int n = read_series(series, rows, 16);
	unlink(series);

	for (int i = 0; i < n; i++)
		print_message("t=%.0f s: %3.0f sent %3.0f completed, %3.0f outstanding, p50 %6.0f ms\n", rows[i].t,
			      rows[i].sent, rows[i].completed, rows[i].outstanding, rows[i].p50);
	assert_true(n >= 4);
	assert_true(rows[3].p50 > 2.0 * rows[0].p50);      /* ~2.4 s against ~0.6 s in theory */
	assert_true(rows[3].p50 > rows[1].p50 && rows[1].p50 > rows[0].p50);
	assert_true(rows[3].outstanding > rows[0].outstanding + 60); /* the line keeps growing */
	assert_true(jnum(l.out, "throughput_rps") < 50);   /* the server's bound, not the rate */
	assert_true(jnum(l.out, "latency_ms.max") > 1500); /* and nothing caps the latency */
	assert_true(jnum(l.out, "outstanding") > 100);
}

/* ---- coordinated omission ---- */

static void test_loadgen_coordinated_omission(void **state)
{
	struct child srv;
	struct lg open_any, open_10, closed;
	struct row rows[16];
	char u[96], series[] = "/tmp/lunchrush-lg-coXXXXXX";
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		skip();
	int fd = mkstemp(series);
	assert_true(fd >= 0);
	close(fd);
	start_server(&srv, "evented", NULL, NULL);
	url(u, sizeof u, srv.port, "/order?cook_ms=1");
	const char *lgb = test_bin("loadgen");
	/* the three runs share the stall: open loop, open loop with 10 connections, closed loop */
	char *a1[] = { (char *)lgb, "-R", "1000", "-d", "5s", "--json", u, NULL };
	char *a2[] = { (char *)lgb, "-R", "1000", "-d", "5s", "--json", "--max-conns", "10", u, NULL };
	char *a3[] = { (char *)lgb, "-c", "2", "-d", "5s", "--json", "--series", series, u, NULL };
	lg_start(&open_any, a1);
	lg_start(&open_10, a2);
	lg_start(&closed, a3);
	tc_sleep_ms(2000);               /* the stall's place in the run, not a wait for readiness */
	kill(srv.pid, SIGSTOP);       /* the chef faints */
	tc_sleep_ms(2000);
	kill(srv.pid, SIGCONT);
	assert_int_equal(lg_finish(&open_any, 20000), 0);
	assert_int_equal(lg_finish(&open_10, 20000), 0);
	assert_int_equal(lg_finish(&closed, 20000), 0);
	child_stop(&srv, SIGTERM, 5000);
	int n = read_series(series, rows, 16);
	unlink(series);

	print_message("open loop:           p99 %7.1f ms, max %7.1f ms, uncorrected p99 %7.1f ms\n",
		      jnum(open_any.out, "latency_ms.p99"), jnum(open_any.out, "latency_ms.max"),
		      jnum(open_any.out, "uncorrected_latency_ms.p99"));
	print_message("open, 10 conns:      p99 %7.1f ms, max %7.1f ms, uncorrected p99 %7.1f ms, %.0f waited\n",
		      jnum(open_10.out, "latency_ms.p99"), jnum(open_10.out, "latency_ms.max"),
		      jnum(open_10.out, "uncorrected_latency_ms.p99"), jnum(open_10.out, "waiting_max"));
	print_message("closed loop, 2 conns: p99 %7.1f ms, max %7.1f ms, %.0f requests\n",
		      jnum(closed.out, "latency_ms.p99"), jnum(closed.out, "latency_ms.max"), jnum(closed.out, "requests"));

	/* open loop: over a quarter of the customers arrive during the stall, p99 shows it */
	assert_true(jnum(open_any.out, "latency_ms.p99") > 1500);
	assert_true(jnum(open_any.out, "latency_ms.max") > 1800 && jnum(open_any.out, "latency_ms.max") < 3500);
	/* 10 connections: the customers who queued show in the corrected figure only */
	assert_true(jnum(open_10.out, "latency_ms.p99") > 1500);
	assert_true(jnum(open_10.out, "uncorrected_latency_ms.p99") < 200);
	assert_true(jnum(open_10.out, "uncorrected_latency_ms.p99") * 5 < jnum(open_10.out, "latency_ms.p99"));
	assert_true(jnum(open_10.out, "waiting_max") > 500);
	/* closed loop: the stall is one slow order per customer, in the max, hidden from p99 */
	assert_true(jnum(closed.out, "latency_ms.max") > 1800 && jnum(closed.out, "latency_ms.max") < 3500);
	assert_true(jnum(closed.out, "latency_ms.p99") < 500);
	/* ... and as what it is in the series: seconds with nothing completed */
	int empty = 0;
	for (int i = 0; i < n; i++)
		empty += rows[i].completed == 0;
	print_message("closed loop series: %d of %d seconds with nothing completed\n", empty, n);
	assert_true(empty >= 1);
	for (int i = 0; i < 3; i++)
		assert_true(jnum(i == 0 ? open_any.out : i == 1 ? open_10.out : closed.out, "errors_total") == 0);
}

/* ---- a server that dies mid-run ---- */

static void test_loadgen_server_dies(void **state)
{
	struct child srv;
	struct lg l;
	char u[96];
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		skip();
	start_server(&srv, "evented", NULL, NULL);
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "4", "-d", "2s", "--json",
			 url(u, sizeof u, srv.port, "/order?cook_ms=1"), NULL };
	lg_start(&l, argv);
	tc_sleep_ms(500);
	kill_server(&srv, "evented");
	assert_int_equal(lg_finish(&l, 10000), 0); /* some orders were served: the run completed */
	print_message("server killed at 0.5 s: %.0f requests, %.0f connect and %.0f read errors, quiet for %.1f s\n",
		      jnum(l.out, "requests"), jnum(l.out, "errors.connect"), jnum(l.out, "errors.read"),
		      jnum(l.out, "quiet_tail_s"));
	assert_true(jnum(l.out, "requests") > 10);
	assert_true(jnum(l.out, "errors.connect") + jnum(l.out, "errors.read") > 0);
	assert_true(jnum(l.out, "quiet_tail_s") > 1.0);
}

/* ---- counts, percentiles file, trickle ---- */

static void test_loadgen_request_count(void **state)
{
	struct child srv;
	struct lg l;
	char u[96], pct[] = "/tmp/lunchrush-lg-pctXXXXXX", line[128];
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		skip();
	int fd = mkstemp(pct);
	close(fd);
	start_server(&srv, "evented", NULL, NULL);
	url(u, sizeof u, srv.port, "/order?cook_ms=1");
	char *closed[] = { (char *)test_bin("loadgen"), "-c", "8", "-t", "2", "-n", "301", "--json",
			   "--percentiles", pct, u, NULL };
	double t0 = tc_now_ms();
	assert_int_equal(lg_run(&l, closed, 10000), 0);
	print_message("-n 301 over 2 threads: %.0f sent in %.0f ms\n", jnum(l.out, "sent"), tc_now_ms() - t0);
	assert_true(jnum(l.out, "sent") == 301 && jnum(l.out, "requests") == 301);
	assert_true(tc_now_ms() - t0 < 5000);

	FILE *f = fopen(pct, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, "Value   Percentile   TotalCount 1/(1-Percentile)"));
	int rows = 0;
	while (fgets(line, sizeof line, f))
		rows += line[0] != '#' && line[0] != '\n';
	fclose(f);
	unlink(pct);
	assert_true(rows > 10);

	char *open[] = { (char *)test_bin("loadgen"), "-R", "2000", "-n", "300", "--json", u, NULL };
	assert_int_equal(lg_run(&l, open, 10000), 0);
	assert_true(jnum(l.out, "arrived") == 300 && jnum(l.out, "requests") == 300);

	/* trickle: ~55 request bytes, 5 ms apart, so no order is faster than ~250 ms */
	char *slow[] = { (char *)test_bin("loadgen"), "-c", "2", "-n", "2", "--trickle-ms", "5", "--json", u, NULL };
	assert_int_equal(lg_run(&l, slow, 10000), 0);
	print_message("trickled at 5 ms a byte: min latency %.0f ms\n", jnum(l.out, "latency_ms.min"));
	assert_true(jnum(l.out, "requests") == 2 && jnum(l.out, "latency_ms.min") > 200);
	child_stop(&srv, SIGTERM, 5000);
}

/* --mix: 10 % of 2,000 orders need 3 ms of CPU, the rest none; the kinds' shares and
 * their latency are reported apart, and the same seed sends the same kinds. */
static void test_loadgen_mix_reports_each_kind(void **state)
{
	struct child srv;
	struct lg l;
	char u[96];
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		skip();
	start_server(&srv, "evented", NULL, NULL);
	url(u, sizeof u, srv.port, "/order?cook_ms=0");
	char *argv[] = { (char *)test_bin("loadgen"), "-c", "4", "-n", "2000", "--seed", "7", "--mix",
			 "work_us=3000:10,work_us=0:90", "--json", u, NULL };
	assert_int_equal(lg_run(&l, argv, 20000), 0);
	const char *by = strstr(l.out, "\"latency_ms_by_kind\":{");
	assert_non_null(by);
	double heavy_n = jnum(by, "work_us=3000.count"), light_n = jnum(by, "work_us=0.count");
	double heavy_min = jnum(by, "work_us=3000.min"), light_p50 = jnum(by, "work_us=0.p50");
	print_message("--mix 10/90 over 2000 orders: %.0f heavy (min %.3f ms), %.0f light (p50 %.3f ms)\n", heavy_n,
		      heavy_min, light_n, light_p50);
	assert_true(heavy_n + light_n >= 2000);
	assert_in_range((unsigned long)heavy_n, 140, 260);
	assert_true(heavy_min >= 3.0); /* each heavy order did its 3 ms at the register */
	double first = heavy_n;
	assert_int_equal(lg_run(&l, argv, 20000), 0);
	by = strstr(l.out, "\"latency_ms_by_kind\":{");
	assert_non_null(by);
	print_message("the same seed again: %.0f heavy\n", jnum(by, "work_us=3000.count"));
	assert_true(jnum(by, "work_us=3000.count") == first);
	child_stop(&srv, SIGTERM, 5000);
}

/* ---- the scoreboard and its control slot ---- */

static uint64_t arrived_after(struct scoreboard_loadgen *sb, int ms)
{
	uint64_t a = SB_GET(sb->arrived);
	tc_sleep_ms(ms);
	return SB_GET(sb->arrived) - a;
}

static void test_loadgen_scoreboard_control(void **state)
{
	struct child srv;
	struct lg l;
	char u[96], name[64];
	struct scoreboard_loadgen *sb = NULL;
	size_t size = 0;
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		skip();
	snprintf(name, sizeof name, "test-loadgen-%d", (int)getpid());
	start_server(&srv, "evented", NULL, NULL);
	char *argv[] = { (char *)test_bin("loadgen"), "-R", "200", "--arrivals", "even", "-d", "2500ms", "--json",
			 "--scoreboard", name, url(u, sizeof u, srv.port, "/order?cook_ms=1"), NULL };
	lg_start(&l, argv);
	double deadline = tc_now_ms() + 3000;
	while (scoreboard_open(name, SCOREBOARD_LOADGEN, true, (void **)&sb, &size) != 0 && tc_now_ms() < deadline)
		tc_sleep_ms(10); /* polling for the segment to appear: the loadgen prints no line */
	assert_non_null(sb);
	/* the segment is visible from its creation; the configuration is complete once
	 * the first figures are published */
	while (SB_GET(sb->sent) == 0 && tc_now_ms() < deadline)
		tc_sleep_ms(10);
	assert_int_equal(SB_GET(sb->open_loop), 1);
	assert_int_equal(SB_GET(sb->rate_milli), 200000);
	assert_int_equal(SB_GET(sb->cook_ms), 1);
	uint64_t before = arrived_after(sb, 500);
	assert_true(SB_GET(sb->hdr.heartbeat_ns) > 0 && SB_GET(sb->hdr.alive) == 1);

	/* the dashboard's "+": 1000/s, cook 100 ms, no work_us */
	SB_SET(sb->ctl_rate_milli, 1000000);
	SB_SET(sb->ctl_cook_ms, 100);
	SB_SET(sb->ctl_work_us, UINT32_MAX);
	SB_SET(sb->ctl_paused, 0);
	SB_SET(sb->ctl_keepalive, 1);
	__atomic_fetch_add(&sb->ctl_seq, 1, __ATOMIC_RELEASE);
	tc_sleep_ms(200); /* the loadgen polls every 50 ms */
	assert_int_equal(SB_GET(sb->rate_milli), 1000000);
	assert_int_equal(SB_GET(sb->cook_ms), 100);
	struct hist h0, h1, d;
	hist_snapshot(&h0, &sb->latency);
	uint64_t after = arrived_after(sb, 500);
	hist_snapshot(&h1, &sb->latency);
	hist_diff(&d, &h1, &h0);
	print_message("arrivals per 0.5 s: %llu at 200/s, %llu at 1000/s; p50 after cook 100 ms: %.1f ms\n",
		      (unsigned long long)before, (unsigned long long)after, hist_percentile(&d, 50) / 1000.0);
	assert_true(before >= 80 && before <= 120);
	assert_true(after >= 400 && after <= 600);
	assert_true(hist_percentile(&d, 50) >= 95000); /* the new cook time reached the server */

	SB_SET(sb->ctl_paused, 1);                     /* space: no more arrivals */
	__atomic_fetch_add(&sb->ctl_seq, 1, __ATOMIC_RELEASE);
	tc_sleep_ms(150);
	assert_int_equal(SB_GET(sb->paused), 1);
	assert_int_equal(arrived_after(sb, 300), 0);
	scoreboard_unmap(sb, size);

	assert_int_equal(lg_finish(&l, 10000), 0);
	child_stop(&srv, SIGTERM, 5000);
	/* gone with the loadgen */
	assert_int_not_equal(scoreboard_open(name, SCOREBOARD_LOADGEN, false, (void **)&sb, &size), 0);
}

/* ---- peers: nginx and Node.js ---- */

static const char *find_nginx(void)
{
	static const char *paths[] = { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" };
	for (size_t i = 0; i < 3; i++)
		if (have(paths[i]))
			return paths[i];
	return NULL;
}

/* nginx prints no listening line: poll until it accepts, bounded. */
static bool wait_accepting(uint16_t port, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	while (tc_now_ms() < deadline) {
		int fd = tc_connect(port, 200);
		if (fd >= 0) {
			close(fd);
			return true;
		}
		tc_sleep_ms(10);
	}
	return false;
}

static void expect_clean_runs(const char *who, uint16_t port)
{
	struct lg l;
	char u[96];
	url(u, sizeof u, port, "/");
	char *ka[] = { (char *)test_bin("loadgen"), "-c", "10", "-d", "600ms", "--json", u, NULL };
	char *close_each[] = { (char *)test_bin("loadgen"), "-c", "4", "-d", "600ms", "--keepalive", "no", "--json", u, NULL };
	char *open[] = { (char *)test_bin("loadgen"), "-R", "500", "-d", "600ms", "--json", u, NULL };
	char *const *runs[] = { ka, close_each, open };
	static const char *names[] = { "keep-alive", "close", "open loop" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(lg_run(&l, runs[i], 10000), 0);
		print_message("%s, %s: %.0f requests, %.0f errors, p99 %.2f ms\n", who, names[i], jnum(l.out, "requests"),
			      jnum(l.out, "errors_total"), jnum(l.out, "latency_ms.p99"));
		assert_true(jnum(l.out, "errors_total") == 0);
		assert_true(jnum(l.out, "requests") > 100);
	}
}

static void test_loadgen_drives_nginx(void **state)
{
	const char *nginx = find_nginx();
	char dir[] = "/tmp/lunchrush-nginxXXXXXX", conf[128], errlog[128];
	struct child ngx;
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	if (!nginx) {
		print_message("nginx is not installed: skipping\n");
		skip();
	}
	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755);
	uint16_t port = free_port();
	snprintf(conf, sizeof conf, "%s/nginx.conf", dir);
	snprintf(errlog, sizeof errlog, "%s/error.log", dir);
	FILE *f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "worker_processes 1;\npid %s/nginx.pid;\nerror_log %s warn;\nevents { worker_connections 1024; }\n"
		"http {\n access_log off;\n client_body_temp_path %s/body;\n proxy_temp_path %s/proxy;\n"
		" fastcgi_temp_path %s/fcgi;\n uwsgi_temp_path %s/uwsgi;\n scgi_temp_path %s/scgi;\n"
		" server { listen 127.0.0.1:%u; location / { return 200 \"ok\\n\"; } }\n}\n",
		dir, errlog, dir, dir, dir, dir, dir, port);
	fclose(f);
	char *argv[] = { (char *)nginx, "-p", dir, "-e", errlog, "-c", conf, "-g", "daemon off;", NULL };
	assert_int_equal(child_start(&ngx, argv, false, 0), 0);
	if (!wait_accepting(port, 5000)) {
		child_stop(&ngx, SIGTERM, 3000);
		fail_msg("nginx did not accept on port %u (see %s)", port, errlog);
	}
	expect_clean_runs("nginx", port);
	child_stop(&ngx, SIGTERM, 5000);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Node.js answers in chunks (no Content-Length): the response glue must follow. */
static void test_loadgen_drives_node(void **state)
{
	static const char *paths[] = { "/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs" };
	const char *node = NULL;
	struct child srv;
	(void)state;
	for (size_t i = 0; i < 3 && !node; i++)
		if (have(paths[i]))
			node = paths[i];
	if (!test_bin_built("loadgen"))
		skip();
	if (!node) {
		print_message("Node.js is not installed: skipping\n");
		skip();
	}
	static const char script[] =
		"const s = require('http').createServer((q, r) => { r.write('chunk one '); r.end('and two\\n'); });"
		"s.listen(0, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + s.address().port));"
		"process.on('SIGTERM', () => process.exit(0));";
	char *argv[] = { (char *)node, "-e", (char *)script, NULL };
	assert_int_equal(child_start(&srv, argv, true, 10000), 0);
	expect_clean_runs("node", srv.port);
	child_stop(&srv, SIGTERM, 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loadgen_refuses_remote_and_unbounded),
		cmocka_unit_test(test_loadgen_all_failed_exits_1),
		cmocka_unit_test(test_loadgen_closed_loop_littles_law),
		cmocka_unit_test(test_loadgen_door_left_closed),
		cmocka_unit_test(test_loadgen_open_loop_overload_grows),
		cmocka_unit_test(test_loadgen_coordinated_omission),
		cmocka_unit_test(test_loadgen_server_dies),
		cmocka_unit_test(test_loadgen_request_count),
		cmocka_unit_test(test_loadgen_mix_reports_each_kind),
		cmocka_unit_test(test_loadgen_scoreboard_control),
		cmocka_unit_test(test_loadgen_drives_nginx),
		cmocka_unit_test(test_loadgen_drives_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
