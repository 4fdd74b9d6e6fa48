/* test_loadgen_multihost.c: three load generators on three "hosts" act as one load
 * (issue 17). The hosts are network namespaces this test makes and removes: a bridge
 * in a namespace of its own, a veth pair from it to each host, addresses in 10.77.1.0/24
 * that exist only inside them. bin/evented serves in one; three bin/loadgen
 * --allow-remote --start-at T --hlog run in the others; bin/loadgen merge must give
 * (a) the sum of their throughputs, (b) the percentiles of one histogram of every
 * host's values (summed here by tests/lib/hdrdecode.c, not by the code under test),
 * (c) intervals aligned within one interval; and with one host SIGKILLed mid-run, name
 * the cut log and still merge the rest. Each host's log is checked against its own
 * --json (the same count and percentiles), and the --json outputs merge to the same
 * fleet. Skipped, with the reason, where namespaces cannot be made (not root, no
 * ip(8), no netns support). No packet leaves them. Without namespaces: --start-at's
 * bounds and wait, merge naming every file it leaves out, and dashboard --attach
 * summing two local load generators.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/hdrdecode.h"
#include "../lib/testlib.h"

#define HOSTS 3
#define RATE "300"              /* per host, open loop */
#define SERVER_ADDR "10.77.1.1"
#define OUT_MAX 65536

static char ns_prefix[32];      /* lrmh-PID */
static const char *ip_bin;
static bool ns_ready;
static char ns_why[512];        /* why the tests skip */
static char tmp_dir[200];

static const char *find_ip(void)
{
	static const char *const paths[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" };
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* Every namespace of this test process, and with them their veths and the bridge. */
static void ns_teardown(void)
{
	char cmd[600];
	if (!ip_bin || !ns_prefix[0])
		return;
	snprintf(cmd, sizeof cmd, "for n in br sv h1 h2 h3; do %s netns del %s-$n 2>/dev/null; done; true", ip_bin,
		 ns_prefix);
	if (system(cmd) != 0)
		fprintf(stderr, "test_loadgen_multihost: could not remove namespaces %s-*\n", ns_prefix);
}

static void on_signal(int sig)
{
	ns_teardown();  /* best effort (system() in a handler): the test is going anyway */
	signal(sig, SIG_DFL);
	raise(sig);
}

static int ns_setup(void **state)
{
	char cmd[2048], err[OUT_MAX];
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(tmp_dir, sizeof tmp_dir, "%s", t && *t ? t : "/tmp");
	snprintf(ns_prefix, sizeof ns_prefix, "lrmh-%d", (int)getpid());
	if (geteuid() != 0) {
		snprintf(ns_why, sizeof ns_why, "network namespaces need root (uid %d)", (int)geteuid());
		return 0;
	}
	if (!(ip_bin = find_ip())) {
		snprintf(ns_why, sizeof ns_why, "no ip(8): apt-get install iproute2");
		return 0;
	}
	atexit(ns_teardown);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	snprintf(cmd, sizeof cmd,
		 "set -e; ip=%s; P=%s\n"
		 "$ip netns add $P-br; $ip -n $P-br link set lo up\n"
		 "$ip -n $P-br link add br0 type bridge; $ip -n $P-br link set br0 up\n"
		 "for x in sv:1 h1:11 h2:12 h3:13; do n=${x%%%%:*}; a=${x##*:}\n"
		 "  $ip netns add $P-$n; $ip -n $P-$n link set lo up\n"
		 "  $ip -n $P-br link add $n type veth peer name eth0 netns $P-$n\n"
		 "  $ip -n $P-br link set $n master br0 up\n"
		 "  $ip -n $P-$n addr add 10.77.1.$a/24 dev eth0; $ip -n $P-$n link set eth0 up\n"
		 "done\n", ip_bin, ns_prefix);
	char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
	char out[256];
	int st = child_run_capture(argv, out, sizeof out, err, sizeof err, 10000);
	if (st != 0) {
		snprintf(ns_why, sizeof ns_why, "cannot make network namespaces: %.400s", err[0] ? err : "sh failed");
		ns_teardown();
		return 0;
	}
	ns_ready = true;
	return 0;
}

static int ns_group_teardown(void **state)
{
	(void)state;
	ns_teardown();
	return 0;
}

/* ---- reading the JSON we need (our own outputs: keys written once per object) ---- */

static double num_after(const char *text, const char *anchor, const char *key)
{
	const char *p = anchor ? strstr(text, anchor) : text;
	if (!p)
		return NAN;
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	p = strstr(p, pat);
	return p ? strtod(p + strlen(pat), NULL) : NAN;
}

struct ran {
	int code;
	double ms;
	char out[OUT_MAX], err[OUT_MAX];
};

static void run(struct ran *r, char *const argv[])
{
	double t0 = tc_now_ms();
	int st = child_run_capture(argv, r->out, sizeof r->out, r->err, sizeof r->err, 15000);
	r->ms = tc_now_ms() - t0;
	r->code = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct host_run {
	struct child c;
	char hlog[300];
	char out[OUT_MAX];
	double rps, max_ms, p99;
	int status;
};

static void start_host(struct host_run *h, int k, const char *url, const char *start_at, const char *duration)
{
	char ns[64], seed[16];
	snprintf(ns, sizeof ns, "%s-h%d", ns_prefix, k + 1);
	snprintf(seed, sizeof seed, "%d", k + 1);
	snprintf(h->hlog, sizeof h->hlog, "%s/%s-h%d.hlog", tmp_dir, ns_prefix, k + 1);
	char *const argv[] = { (char *)ip_bin, "netns", "exec", ns, (char *)test_bin("loadgen"), "--allow-remote",
			       "-R", RATE, "--seed", seed, "-d", (char *)duration, "--start-at", (char *)start_at,
			       "--hlog", h->hlog, "--json", (char *)url, NULL };
	assert_int_equal(child_start(&h->c, argv, false, 0), 0);
}

static void finish_host(struct host_run *h)
{
	child_read_all(&h->c, h->out, sizeof h->out, 20000);
	h->status = child_wait_exit(&h->c, 5000);
	h->rps = num_after(h->out, NULL, "throughput_rps");
	h->max_ms = num_after(h->out, "\"latency_ms\":", "max");
	h->p99 = num_after(h->out, "\"latency_ms\":", "p99");
}

static void start_server(struct child *server, char *url, size_t cap)
{
	char ns[64];
	snprintf(ns, sizeof ns, "%s-sv", ns_prefix);
	char *const argv[] = { (char *)ip_bin, "netns", "exec", ns, (char *)test_bin("evented"), "--host", SERVER_ADDR,
			       "--port", "0", "--quiet", NULL };
	assert_int_equal(child_start(server, argv, true, 5000), 0);
	snprintf(url, cap, "http://%s:%u/order?cook_ms=2", SERVER_ADDR, server->port);
}

static void start_time(char *buf, size_t cap, double ahead_s)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, cap, "%.3f", (double)ts.tv_sec + ts.tv_nsec / 1e9 + ahead_s);
}

static int merge_files(const char *f0, const char *f1, const char *f2, char *out, char *err)
{
	char *const argv[] = { (char *)test_bin("loadgen"), "merge", "--json", (char *)f0, (char *)f1, (char *)f2, NULL };
	int st = child_run_capture(argv, out, OUT_MAX, err, OUT_MAX, 10000);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int merge(struct host_run *h, char *out, char *err)
{
	return merge_files(h[0].hlog, h[1].hlog, h[2].hlog, out, err);
}

/* The hosts' --json outputs, merged: the same fleet as their hlogs give. */
static void check_json_merge(struct host_run *h, const char *from_hlogs)
{
	static char merged[OUT_MAX], err[OUT_MAX];
	char path[HOSTS][320];
	for (int k = 0; k < HOSTS; k++) {
		snprintf(path[k], sizeof path[k], "%s.json", h[k].hlog);
		FILE *f = fopen(path[k], "w");
		assert_non_null(f);
		fputs(h[k].out, f);
		fclose(f);
	}
	assert_int_equal(merge_files(path[0], path[1], path[2], merged, err), 0);
	static const char *const keys[] = { "requests", "throughput_rps", "p50", "p90", "p99", "p999", "max", "count" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_true(num_after(merged, "\"merged\":", keys[i]) == num_after(from_hlogs, "\"merged\":", keys[i]));
	print_message("the hosts' --json outputs merge to the same figures as their hlogs\n");
	for (int k = 0; k < HOSTS; k++)
		unlink(path[k]);
}

static bool skip_reason(void)
{
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		return true;
	if (!ns_ready) {
		print_message("skipped: %s\n", ns_why);
		return true;
	}
	return false;
}

/* (c): in every merged interval that several hosts share, their starts lie within
 * one interval of each other; returns how many intervals all HOSTS share. */
static int check_intervals(const char *merged, int hosts_expected)
{
	double len = num_after(merged, NULL, "interval_s");
	int shared = 0;
	assert_true(len > 0.5 && len < 1.5);
	for (const char *p = strstr(merged, "{\"t_s\":"); p; p = strstr(p + 1, "{\"t_s\":")) {
		double t = num_after(p, NULL, "t_s"), hosts = num_after(p, NULL, "hosts");
		double spread = num_after(p, NULL, "spread_s");
		print_message("  interval t=%.3f s: %g hosts, starts %.3f s apart\n", t, hosts, spread);
		assert_true(spread < len);
		if ((int)hosts == hosts_expected)
			shared++;
	}
	return shared;
}

/* A host's log holds exactly the histogram its own --json summarised: the same count
 * and, decoded by the tests' decoder, the same percentiles to the microsecond; and in
 * open loop the uncorrected latency under its tag. */
static void check_log_is_the_run(const struct host_run *h, const struct hdrd_hist *log)
{
	static const char *const keys[] = { "p50", "p90", "p99", "p999", "max" };
	static const double pct[] = { 50.0, 90.0, 99.0, 99.9, 100.0 };
	uint64_t max_us = (uint64_t)llround(h->max_ms * 1000.0);
	assert_true((double)log->total == num_after(h->out, "\"latency_ms\":", "count"));
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(hdrd_percentile(log, pct[i], max_us),
				 (uint64_t)llround(num_after(h->out, "\"latency_ms\":", keys[i]) * 1000.0));
	static struct hdrd_hist unc;
	int lines;
	double m;
	bool v;
	assert_int_equal(hdrd_read_log(h->hlog, "uncorrected", &unc, &lines, &m, &v), 0);
	assert_true(lines >= 2);
	assert_true((double)unc.total == num_after(h->out, "\"uncorrected_latency_ms\":", "count"));
}

static void test_merge_three_hosts_exact(void **state)
{
	static struct host_run h[HOSTS];
	static char merged[OUT_MAX], err[OUT_MAX];
	struct child server;
	char url[128], at[32];
	(void)state;
	if (skip_reason())
		skip();
	start_server(&server, url, sizeof url);
	{	/* the loopback rule holds inside a namespace too */
		static struct ran r;
		char ns[64];
		snprintf(ns, sizeof ns, "%s-h1", ns_prefix);
		char *const argv[] = { (char *)ip_bin, "netns", "exec", ns, (char *)test_bin("loadgen"), "-d", "1s", url, NULL };
		run(&r, argv);
		assert_int_equal(r.code, 2);
		assert_non_null(strstr(r.err, "--allow-remote"));
	}
	start_time(at, sizeof at, 1.5);
	for (int k = 0; k < HOSTS; k++)
		start_host(&h[k], k, url, at, "2s");
	for (int k = 0; k < HOSTS; k++)
		finish_host(&h[k]);
	child_stop(&server, SIGTERM, 3000);

	double sum_rps = 0, max_ms = 0;
	for (int k = 0; k < HOSTS; k++) {
		static struct hdrd_hist one;
		int lines;
		double log_max;
		bool v13;
		print_message("host %d: exit %d, %.2f req/s, p99 %.3f ms, max %.3f ms\n", k + 1,
			      WIFEXITED(h[k].status) ? WEXITSTATUS(h[k].status) : -1, h[k].rps, h[k].p99, h[k].max_ms);
		assert_true(WIFEXITED(h[k].status) && WEXITSTATUS(h[k].status) == 0);
		assert_true(h[k].rps > 100);  /* it reached the server in its namespace */
		assert_int_equal(hdrd_read_log(h[k].hlog, NULL, &one, &lines, &log_max, &v13), 0);
		assert_true(v13);
		assert_true(lines >= 2);
		assert_int_equal(one.digits, 2);
		check_log_is_the_run(&h[k], &one);
		sum_rps += h[k].rps;
		if (h[k].max_ms > max_ms)
			max_ms = h[k].max_ms;
	}
	/* the values of all hosts in one histogram, summed by the tests' own decoder */
	static struct hdrd_hist sum;
	memset(&sum, 0, sizeof sum);
	for (int k = 0; k < HOSTS; k++) {
		int lines;
		double m;
		bool v;
		static struct hdrd_hist one;
		hdrd_read_log(h[k].hlog, NULL, &one, &lines, &m, &v);
		for (size_t i = 0; i < one.ncounts; i++)
			sum.counts[i] += one.counts[i];
		sum.total += one.total;
		if (one.ncounts > sum.ncounts)
			sum.ncounts = one.ncounts;
	}

	int rc = merge(h, merged, err);
	print_message("merge: exit %d%s%s", rc, err[0] ? ", stderr: " : "\n", err);
	assert_int_equal(rc, 0);
	double m_rps = num_after(merged, "\"merged\":", "throughput_rps");
	print_message("merged: %.2f req/s (hosts sum %.2f), p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f ms, "
		      "%.0f values\n", m_rps, sum_rps, num_after(merged, "\"merged\":", "p50"),
		      num_after(merged, "\"merged\":", "p90"), num_after(merged, "\"merged\":", "p99"),
		      num_after(merged, "\"merged\":", "p999"), num_after(merged, "\"merged\":", "max"),
		      num_after(merged, "\"merged\":", "count"));
	/* (a) */
	assert_true(fabs(m_rps - sum_rps) < 0.011 * HOSTS);
	assert_int_equal((uint64_t)num_after(merged, "\"merged\":", "count"), sum.total);
	/* (b) to the microsecond (the JSON prints milliseconds with three decimals) */
	uint64_t max_us = (uint64_t)llround(max_ms * 1000.0);
	static const char *const keys[] = { "p50", "p90", "p99", "p999", "max" };
	static const double pct[] = { 50.0, 90.0, 99.0, 99.9, 100.0 };
	for (size_t i = 0; i < 5; i++) {
		uint64_t want = hdrd_percentile(&sum, pct[i], max_us);
		uint64_t got = (uint64_t)llround(num_after(merged, "\"merged\":", keys[i]) * 1000.0);
		print_message("  %-5s merged %llu us, one histogram of all values %llu us\n", keys[i],
			      (unsigned long long)got, (unsigned long long)want);
		assert_int_equal(got, want);
	}
	check_json_merge(h, merged);
	/* (c), and the hosts started together */
	assert_true(check_intervals(merged, HOSTS) >= 2);
	for (int k = 0; k < HOSTS; k++) {
		char anchor[400];
		snprintf(anchor, sizeof anchor, "\"file\":\"%s\"", h[k].hlog);
		double s = num_after(merged, anchor, "start_epoch_s");
		assert_true(fabs(s - atof(at)) < 0.5);
		unlink(h[k].hlog);
	}
	assert_null(strstr(err, "truncated"));
}

/* Poll (no sleep-and-hope) until the log has its first interval line. */
static bool wait_for_interval(const char *path, int timeout_ms)
{
	double end = tc_now_ms() + timeout_ms;
	while (tc_now_ms() < end) {
		static struct hdrd_hist one;
		int lines = 0;
		double m;
		bool v;
		if (hdrd_read_log(path, NULL, &one, &lines, &m, &v) == 0 && lines >= 1)
			return true;
		tc_sleep_ms(50);
	}
	return false;
}

static void test_merge_with_one_host_killed(void **state)
{
	static struct host_run h[HOSTS];
	static char merged[OUT_MAX], err[OUT_MAX];
	struct child server;
	char url[128], at[32];
	(void)state;
	if (skip_reason())
		skip();
	start_server(&server, url, sizeof url);
	start_time(at, sizeof at, 1.5);
	for (int k = 0; k < HOSTS; k++)
		start_host(&h[k], k, url, at, "3s");
	assert_true(wait_for_interval(h[2].hlog, 8000));
	kill(h[2].c.pid, SIGKILL);
	for (int k = 0; k < HOSTS; k++)
		finish_host(&h[k]);
	child_stop(&server, SIGTERM, 3000);
	assert_true(WIFSIGNALED(h[2].status) && WTERMSIG(h[2].status) == SIGKILL);

	static struct hdrd_hist cut;
	int lines;
	double m;
	bool v;
	assert_int_equal(hdrd_read_log(h[2].hlog, NULL, &cut, &lines, &m, &v), 0);
	int rc = merge(h, merged, err);
	print_message("merge: exit %d, stderr: %s", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(err, h[2].hlog));
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal((int)num_after(merged, NULL, "merged_files"), HOSTS);
	char anchor[400];
	snprintf(anchor, sizeof anchor, "\"file\":\"%s\"", h[2].hlog);
	assert_non_null(strstr(merged, anchor));
	assert_non_null(strstr(strstr(merged, anchor), "\"complete\":false"));
	double req = num_after(merged, "\"merged\":", "requests");
	double whole = num_after(h[0].out, NULL, "requests") + num_after(h[1].out, NULL, "requests");
	print_message("merged %.0f requests: %.0f from the two whole hosts, %llu logged by the killed one "
		      "(%d interval%s), %.2f req/s in all\n", req, whole, (unsigned long long)cut.total, lines, lines == 1 ? "" : "s",
		      num_after(merged, "\"merged\":", "throughput_rps"));
	assert_true(req == whole + (double)cut.total);
	assert_true(cut.total > 0);
	assert_true(check_intervals(merged, HOSTS) >= 1);
	for (int k = 0; k < HOSTS; k++)
		unlink(h[k].hlog);
}

/* ---- without namespaces: the flags' and merge's refusals ---- */

static void test_start_at_bounds_and_wait(void **state)
{
	static struct ran r;
	char at[32];
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented"))
		skip();
	start_time(at, sizeof at, 7200);
	char *const far[] = { (char *)test_bin("loadgen"), "--start-at", at, "-d", "1s", "http://127.0.0.1:9/", NULL };
	run(&r, far);
	print_message("--start-at in two hours: exit %d: %.*s\n", r.code, (int)strcspn(r.err, "\n"), r.err);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "--start-at is 7200 s from now"));
	start_time(at, sizeof at, -30);
	run(&r, far);
	print_message("--start-at 30 s ago: exit %d: %.*s\n", r.code, (int)strcspn(r.err, "\n"), r.err);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "ago"));
	char *const bad[] = { (char *)test_bin("loadgen"), "--start-at", "tomorrow", "http://127.0.0.1:9/", NULL };
	run(&r, bad);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "--start-at"));

	/* it waits for the time, then runs its whole window */
	struct child server;
	char *const sv[] = { (char *)test_bin("evented"), "--port", "0", "--quiet", NULL };
	assert_int_equal(child_start(&server, sv, true, 5000), 0);
	char url[96], hlog[300];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/order?cook_ms=1", server.port);
	snprintf(hlog, sizeof hlog, "%s/lrmh-%d-wait.hlog", tmp_dir[0] ? tmp_dir : "/tmp", (int)getpid());
	start_time(at, sizeof at, 1.0);
	char *const wait[] = { (char *)test_bin("loadgen"), "--start-at", at, "-d", "300ms", "-c", "2", "--hlog", hlog,
			       "--json", url, NULL };
	run(&r, wait);
	child_stop(&server, SIGTERM, 3000);
	print_message("--start-at 1 s ahead, -d 300ms: exit %d after %.0f ms\n", r.code, r.ms);
	assert_int_equal(r.code, 0);
	assert_true(r.ms >= 900);  /* a lower bound: it slept until the time */
	double start = num_after(r.out, "\"hlog\":", "start_epoch_s");
	assert_true(start >= atof(at) - 0.01 && start < atof(at) + 2.0);
	unlink(hlog);
}

static void test_merge_names_what_it_leaves_out(void **state)
{
	static struct ran r;
	char bad[300], cut[300], none[300];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	const char *dir = tmp_dir[0] ? tmp_dir : "/tmp";
	snprintf(bad, sizeof bad, "%s/lrmh-%d-bad.hlog", dir, (int)getpid());
	snprintf(cut, sizeof cut, "%s/lrmh-%d-cut.json", dir, (int)getpid());
	snprintf(none, sizeof none, "%s/lrmh-%d-none.hlog", dir, (int)getpid());
	FILE *f = fopen(bad, "w");
	assert_non_null(f);
	fputs("#[Histogram log format version 1.3]\n0.000,1.000,1.000,HISTFAAAA!!\n", f);
	fclose(f);
	f = fopen(cut, "w");
	assert_non_null(f);
	fputs("{\"mode\":\"open\",\"requests\":10,\"dura", f);
	fclose(f);
	char *const argv[] = { (char *)test_bin("loadgen"), "merge", bad, cut, none, NULL };
	run(&r, argv);
	print_message("merge of three unusable files: exit %d:\n%s", r.code, r.err);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, bad));
	assert_non_null(strstr(r.err, "line 2"));
	assert_non_null(strstr(r.err, cut));
	assert_non_null(strstr(r.err, "truncated JSON"));
	assert_non_null(strstr(r.err, none));
	assert_non_null(strstr(r.err, "No such file"));
	char *const help[] = { (char *)test_bin("loadgen"), "merge", "--help", NULL };
	run(&r, help);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "Usage: loadgen merge"));
	char *const empty[] = { (char *)test_bin("loadgen"), "merge", NULL };
	run(&r, empty);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "try 'loadgen merge --help'"));
	unlink(bad);
	unlink(cut);
}

static bool wait_for_board(const char *name, uint32_t kind, int timeout_ms)
{
	double end = tc_now_ms() + timeout_ms;
	while (tc_now_ms() < end) {
		void *p;
		size_t size;
		if (scoreboard_open(name, kind, false, &p, &size) == 0) {
			scoreboard_unmap(p, size);
			return true;
		}
		tc_sleep_ms(20);
	}
	return false;
}

/* Two local load generators on one server: the dashboard attached to the three
 * scoreboards shows one side with their sum (rate in force, connections, counts). */
static void test_dashboard_attach_sums_loadgens(void **state)
{
	static struct ran r;
	struct child server, lg[2];
	char url[96], srv_name[80], lg_name[2][80];
	(void)state;
	if (!test_bin_built("loadgen") || !test_bin_built("evented") || !test_bin_built("dashboard"))
		skip();
	snprintf(srv_name, sizeof srv_name, "%s", test_scoreboard_name("lrmh-srv"));
	snprintf(lg_name[0], sizeof lg_name[0], "%s", test_scoreboard_name("lrmh-lg"));
	snprintf(lg_name[1], sizeof lg_name[1], "%s", test_scoreboard_name("lrmh-lg"));
	char *const sv[] = { (char *)test_bin("evented"), "--port", "0", "--quiet", "--scoreboard", srv_name, NULL };
	assert_int_equal(child_start(&server, sv, true, 5000), 0);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/order?cook_ms=1", server.port);
	static const char *const rates[2] = { "200", "300" };
	for (int k = 0; k < 2; k++) {
		char *const argv[] = { (char *)test_bin("loadgen"), "-R", (char *)rates[k], "--seed", k ? "2" : "1", "-d",
				       "4s", "--max-conns", "50", "--scoreboard", lg_name[k], url, NULL };
		assert_int_equal(child_start(&lg[k], argv, false, 0), 0);
		assert_true(wait_for_board(lg_name[k], SCOREBOARD_LOADGEN, 5000));
	}
	char *const dash[] = { (char *)test_bin("dashboard"), "--attach", srv_name, lg_name[0], lg_name[1], "--headless",
			       "--duration", "2s", "--json", NULL };
	run(&r, dash);
	for (int k = 0; k < 2; k++)
		child_stop(&lg[k], SIGTERM, 5000);
	child_stop(&server, SIGTERM, 3000);
	for (int k = 0; k < 2; k++)
		scoreboard_remove(lg_name[k]);
	scoreboard_remove(srv_name);
	print_message("dashboard --attach, two load generators: exit %d: %.300s\n", r.code, r.out);
	assert_int_equal(r.code, 0);
	assert_true(num_after(r.out, NULL, "loadgens") == 2.0);
	assert_true(num_after(r.out, NULL, "rate") == 500.0);
	assert_true(num_after(r.out, NULL, "connections") == 100.0);
	assert_true(num_after(r.out, NULL, "requests") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_at_bounds_and_wait),
		cmocka_unit_test(test_merge_names_what_it_leaves_out),
		cmocka_unit_test(test_dashboard_attach_sums_loadgens),
		cmocka_unit_test(test_merge_three_hosts_exact),
		cmocka_unit_test(test_merge_with_one_host_killed),
	};
	return cmocka_run_group_tests(tests, ns_setup, ns_group_teardown);
}
