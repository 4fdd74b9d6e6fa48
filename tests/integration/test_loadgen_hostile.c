/* test_loadgen_hostile.c: bin/loadgen against servers that lie, files that cannot be
 * written, signals and rates that no server asked for (issue 19).
 *
 * A tiny server inside the test, on 127.0.0.1, answers each request as told: an
 * interim 103 before the 200, only 100 Continue forever, a final 000, 101 or 999, or
 * nothing at all (a listener nobody accepts on). Each test is written so that it failed
 * on the load generator before the fix (see docs/hostile.md): a 1xx taken for the final
 * answer, bad statuses counted as good ones, a waiting line without bound that ate
 * memory and ignored SIGTERM, a control-slot rate that skipped the cap, write errors
 * ignored with exit 0, SIGHUP killing the run and leaving its scoreboard behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scoreboard.h"
#include "../lib/testlib.h"

#define OUT_MAX 16384
#define HOSTILE_CONNS_MAX 64

static const char OK_200[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/* ---- the hostile server: one thread accepting, one per connection ---- */

struct hostile_mode {
	const char *interim;   /* sent at once for each request; NULL: none */
	int interim_every_ms;  /* > 0: the interim again this often, forever (no final) */
	int final_after_ms;    /* the final answer this long after the request */
	const char *final;     /* NULL: never answer */
};

struct hostile {
	int listen_fd;
	uint16_t port;
	struct hostile_mode mode;
	pthread_t acceptor;
	int stop;                         /* atomic */
	int active;                       /* atomic: connection threads running */
	int fds[HOSTILE_CONNS_MAX];       /* under mu: the connections, -1 when free */
	pthread_mutex_t mu;
};

struct hostile_conn {
	struct hostile *h;
	int fd;
};

static bool hostile_stopping(struct hostile *h)
{
	return __atomic_load_n(&h->stop, __ATOMIC_ACQUIRE) != 0;
}

/* Wait ms, in steps that notice the stop. */
static void hostile_pause(struct hostile *h, int ms)
{
	for (int left = ms; left > 0 && !hostile_stopping(h); left -= 20)
		tc_sleep_ms(left < 20 ? left : 20);
}

/* Read until a whole request head is in (our load generator sends no bodies). */
static int read_head(struct hostile *h, int fd, char *buf, size_t cap, size_t *len)
{
	while (!strstr(buf, "\r\n\r\n")) {
		if (hostile_stopping(h) || *len + 1 >= cap)
			return -1;
		ssize_t n = read(fd, buf + *len, cap - 1 - *len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return -1;
		*len += (size_t)n;
		buf[*len] = '\0';
	}
	return 0;
}

static int send_text(int fd, const char *s)
{
	return tc_send_all(fd, s, strlen(s));
}

static void *hostile_conn_main(void *arg)
{
	struct hostile_conn *hc = arg;
	struct hostile *h = hc->h;
	const struct hostile_mode *m = &h->mode;
	char buf[8192];
	size_t len = 0;
	buf[0] = '\0';
	while (read_head(h, hc->fd, buf, sizeof buf, &len) == 0) {
		char *end = strstr(buf, "\r\n\r\n") + 4;
		len -= (size_t)(end - buf);
		memmove(buf, end, len + 1);
		if (m->interim && send_text(hc->fd, m->interim))
			break;
		while (m->interim_every_ms > 0 && !hostile_stopping(h)) {
			hostile_pause(h, m->interim_every_ms);
			if (send_text(hc->fd, m->interim))
				goto out;
		}
		if (!m->final)
			continue; /* silent: read on, never answer */
		hostile_pause(h, m->final_after_ms);
		if (send_text(hc->fd, m->final) || strstr(m->final, "Connection: close"))
			break;
	}
out:
	pthread_mutex_lock(&h->mu);
	for (int i = 0; i < HOSTILE_CONNS_MAX; i++)
		if (h->fds[i] == hc->fd)
			h->fds[i] = -1;
	pthread_mutex_unlock(&h->mu);
	close(hc->fd);
	free(hc);
	__atomic_fetch_sub(&h->active, 1, __ATOMIC_ACQ_REL);
	return NULL;
}

static void *hostile_accept_main(void *arg)
{
	struct hostile *h = arg;
	while (!hostile_stopping(h)) {
		struct pollfd p = { .fd = h->listen_fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 }; /* reads notice the stop */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		int slot = -1;
		pthread_mutex_lock(&h->mu);
		for (int i = 0; i < HOSTILE_CONNS_MAX && slot < 0; i++)
			if (h->fds[i] < 0)
				slot = i;
		if (slot >= 0)
			h->fds[slot] = fd;
		pthread_mutex_unlock(&h->mu);
		struct hostile_conn *hc = malloc(sizeof *hc);
		pthread_t t;
		if (slot < 0 || !hc) {
			free(hc);
			close(fd);
			continue;
		}
		*hc = (struct hostile_conn){ .h = h, .fd = fd };
		__atomic_fetch_add(&h->active, 1, __ATOMIC_ACQ_REL);
		if (pthread_create(&t, NULL, hostile_conn_main, hc) != 0) {
			__atomic_fetch_sub(&h->active, 1, __ATOMIC_ACQ_REL);
			close(fd);
			free(hc);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static void hostile_start(struct hostile *h, const struct hostile_mode *mode)
{
	memset(h, 0, sizeof *h);
	h->mode = *mode;
	pthread_mutex_init(&h->mu, NULL);
	for (int i = 0; i < HOSTILE_CONNS_MAX; i++)
		h->fds[i] = -1;
	h->listen_fd = tc_listen_loopback(128, &h->port);
	assert_true(h->listen_fd >= 0);
	assert_int_equal(pthread_create(&h->acceptor, NULL, hostile_accept_main, h), 0);
}

/* Stop accepting, wake every connection thread and wait (bounded) for them to end. */
static void hostile_stop(struct hostile *h)
{
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	pthread_join(h->acceptor, NULL);
	pthread_mutex_lock(&h->mu);
	for (int i = 0; i < HOSTILE_CONNS_MAX; i++)
		if (h->fds[i] >= 0)
			shutdown(h->fds[i], SHUT_RDWR);
	pthread_mutex_unlock(&h->mu);
	double deadline = tc_now_ms() + 3000;
	while (__atomic_load_n(&h->active, __ATOMIC_ACQUIRE) > 0 && tc_now_ms() < deadline)
		tc_sleep_ms(10);
	assert_int_equal(__atomic_load_n(&h->active, __ATOMIC_ACQUIRE), 0);
	close(h->listen_fd);
	pthread_mutex_destroy(&h->mu);
}

/* ---- the load generator as a process: stdout, stderr, limits, rusage ---- */

struct proc {
	pid_t pid;
	int out_fd, err_fd;      /* the pipes; -1 once at their end */
	char out[OUT_MAX], err[OUT_MAX];
	size_t out_len, err_len;
	int code;                /* exit code; -1 when killed by a signal */
	int signo;               /* the signal that killed it, 0 if none */
	long maxrss_kb;
	double cpu_ms;           /* user + system time */
	double t0_ms, ms;
};

/* Start argv with stdout on a pipe (or on stdout_path), stderr on a pipe and, when
 * as_limit_mb > 0, an address-space limit (RLIMIT_AS) of that many MiB. */
static void proc_spawn(struct proc *p, char *const argv[], const char *stdout_path, long as_limit_mb)
{
	int po[2], pe[2];
	memset(p, 0, sizeof *p);
	assert_int_equal(pipe2(po, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	p->t0_ms = tc_now_ms();
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int out = stdout_path ? open(stdout_path, O_WRONLY) : po[1];
		if (out < 0)
			_exit(126);
		dup2(out, STDOUT_FILENO);
		dup2(pe[1], STDERR_FILENO);
		if (as_limit_mb > 0) {
			struct rlimit rl = { .rlim_cur = (rlim_t)as_limit_mb << 20, .rlim_max = (rlim_t)as_limit_mb << 20 };
			setrlimit(RLIMIT_AS, &rl);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	p->out_fd = po[0];
	p->err_fd = pe[0];
}

/* Read what the pipes give for up to ms; false once both are at their end. */
static bool proc_pump(struct proc *p, int ms)
{
	int *fds[2] = { &p->out_fd, &p->err_fd };
	char *bufs[2] = { p->out, p->err };
	size_t *lens[2] = { &p->out_len, &p->err_len };
	struct pollfd pf[2] = { { .fd = p->out_fd, .events = POLLIN }, { .fd = p->err_fd, .events = POLLIN } };
	if (p->out_fd < 0 && p->err_fd < 0)
		return false;
	if (poll(pf, 2, ms) <= 0)
		return true;
	for (int i = 0; i < 2; i++) {
		if (*fds[i] < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		char scratch[4096];
		size_t room = OUT_MAX - 1 - *lens[i];
		ssize_t n = read(*fds[i], room ? bufs[i] + *lens[i] : scratch, room ? room : sizeof scratch);
		if (n <= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		} else if (room) {
			*lens[i] += (size_t)n;
			bufs[i][*lens[i]] = '\0';
		}
	}
	return true;
}

/* Read to the end and reap it (SIGKILL after timeout_ms): exit code, rusage, time. */
static int proc_wait(struct proc *p, int timeout_ms)
{
	double deadline = tc_now_ms() + timeout_ms;
	int st = 0;
	struct rusage ru;
	while (proc_pump(p, 50) && tc_now_ms() < deadline)
		;
	for (;;) {
		pid_t r = wait4(p->pid, &st, WNOHANG, &ru);
		if (r == p->pid)
			break;
		if (tc_now_ms() > deadline) {
			kill(p->pid, SIGKILL);
			wait4(p->pid, &st, 0, &ru);
			break;
		}
		tc_sleep_ms(5);
	}
	p->ms = tc_now_ms() - p->t0_ms;
	p->maxrss_kb = ru.ru_maxrss;
	p->cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	p->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	p->signo = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
	return p->code;
}

static int proc_run(struct proc *p, char *const argv[], int timeout_ms)
{
	proc_spawn(p, argv, NULL, 0);
	return proc_wait(p, timeout_ms);
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
	return strtod(p + strlen(key), NULL);
}

static char *url(char *buf, size_t cap, uint16_t port)
{
	snprintf(buf, cap, "http://127.0.0.1:%u/order", port);
	return buf;
}

static const char *lg(void)
{
	return test_bin("loadgen");
}

/* Sanitizer builds reserve terabytes of address space: no RLIMIT_AS there. */
static bool sanitized(void)
{
	const char *san = getenv("SAN");
	return san && *san;
}

/* ---- defect 1: interim answers ---- */

/* 103 Early Hints, then the 200 30 ms later: the latency is the 200's and every
 * request succeeds on its kept-alive connection. The old loadgen took the 103 for the
 * answer (latency well under a millisecond) and dropped the 200 as stray bytes. */
static void test_hostile_early_hints_then_final(void **state)
{
	static struct proc p;
	struct hostile h;
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	hostile_start(&h, &(struct hostile_mode){ .interim = "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; "
								"rel=preload\r\n\r\n",
						  .final_after_ms = 30, .final = OK_200 });
	char *argv[] = { (char *)lg(), "-c", "2", "-d", "1s", "--json", url(u, sizeof u, h.port), NULL };
	proc_run(&p, argv, 15000);
	hostile_stop(&h);
	print_message("103 then 200 after 30 ms: exit %d, %.0f requests, p50 %.2f ms, min %.2f ms\n", p.code,
		      jnum(p.out, "requests"), jnum(p.out, "latency_ms.p50"), jnum(p.out, "latency_ms.min"));
	assert_int_equal(p.code, 0);
	assert_true(jnum(p.out, "latency_ms.min") >= 25.0); /* the final answer's latency */
	assert_true(jnum(p.out, "requests") >= 10);
	assert_true(jnum(p.out, "errors_total") == 0);
	assert_true(jnum(p.out, "interim_1xx") >= jnum(p.out, "requests"));
	assert_true(jnum(p.out, "status.200") == jnum(p.out, "requests"));
}

/* Only 100 Continue, every 100 ms, never a final answer: the requests time out and the
 * run failed. The old loadgen counted each 100 as a success: "errors: none", exit 0. */
static void test_hostile_only_interim_times_out(void **state)
{
	static struct proc p;
	struct hostile h;
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	hostile_start(&h, &(struct hostile_mode){ .interim = "HTTP/1.1 100 Continue\r\n\r\n", .interim_every_ms = 100 });
	char *argv[] = { (char *)lg(), "-c", "2", "-d", "1s", "--timeout", "400ms", "--json", url(u, sizeof u, h.port),
			 NULL };
	proc_run(&p, argv, 15000);
	hostile_stop(&h);
	print_message("only 100s: exit %d after %.0f ms: %s", p.code, p.ms, p.out);
	assert_true(jnum(p.out, "requests") == 0);
	assert_true(jnum(p.out, "errors.timeout") >= 2);
	assert_int_equal(p.code, 1);
	assert_true(p.ms < 1000 + 400 + 3000);
}

/* ---- defect 11: status codes ---- */

/* A final 000, an unasked 101 (with and without the upgrade headers) and 999 are no
 * good answers: counted as bad_status, every request failed, exit 1. The old loadgen
 * counted 000 and 101 as successes (exit 0) and 999 only as an unnamed status error. */
static void test_hostile_bad_status_codes(void **state)
{
	static struct proc p;
	static const char *const finals[] = {
		"HTTP/1.1 000 Zero\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n",
	};
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++) {
		struct hostile h;
		hostile_start(&h, &(struct hostile_mode){ .final = finals[i] });
		char *argv[] = { (char *)lg(), "-c", "1", "-n", "5", "--timeout", "2s", "--json", url(u, sizeof u, h.port),
				 NULL };
		proc_run(&p, argv, 15000);
		hostile_stop(&h);
		print_message("%.12s: exit %d, %.0f requests, bad_status %s\n", finals[i], p.code, jnum(p.out, "requests"),
			      strstr(p.out, "\"bad_status\":") ? "counted" : "MISSING");
		assert_int_equal(p.code, 1);
		assert_true(jnum(p.out, "requests") == 5);
		assert_true(jnum(p.out, "errors.bad_status") == 5);
		assert_true(jnum(p.out, "errors_total") == 5);
	}
}

/* ---- defect 2: the waiting line ---- */

/* bin/loadgen with flags (NULL-terminated), --json, against a listener that accepts
 * (its backlog does) and never answers; the outcome in *p. Skips without loadgen. */
static void run_against_silent(struct proc *p, int backlog, const char *const flags[], int timeout_ms)
{
	uint16_t port;
	char u[80];
	char *argv[32];
	int n = 0;
	if (!test_bin_built("loadgen"))
		skip();
	int fd = tc_listen_loopback(backlog, &port);
	assert_true(fd >= 0);
	argv[n++] = (char *)lg();
	for (int i = 0; flags[i]; i++) {
		assert_true(n < 29);
		argv[n++] = (char *)flags[i];
	}
	argv[n++] = (char *)"--json";
	argv[n++] = url(u, sizeof u, port);
	argv[n] = NULL;
	proc_run(p, argv, timeout_ms);
	close(fd);
}

/* A server that accepts (its backlog does) and never answers, 2 connections for 200
 * arrivals a second: the customers waiting for a connection expire at --timeout,
 * counted as expired, so at the end about 200/s x 0.3 s wait, not the whole window's.
 * The old line kept every one of them. */
static void test_hostile_line_expires_at_timeout(void **state)
{
	static struct proc p;
	(void)state;
	run_against_silent(&p, 128, (const char *const[]){ "-R", "200", "--arrivals", "even", "--max-conns", "2", "-d",
							    "1500ms", "--timeout", "300ms", "--drain", "0", NULL },
			   15000);
	print_message("silent server, -R 200, 2 conns, --timeout 300ms: exit %d, %.0f arrived, %.0f outstanding, "
		      "waiting_max %.0f\n", p.code, jnum(p.out, "arrived"), jnum(p.out, "outstanding"),
		      jnum(p.out, "waiting_max"));
	assert_true(jnum(p.out, "arrived") >= 250);
	assert_true(jnum(p.out, "outstanding") <= 120);  /* 60 within their timeout, + margin */
	assert_true(jnum(p.out, "waiting_max") <= 120);
	assert_true(jnum(p.out, "errors.expired") >= 0.5 * jnum(p.out, "arrived"));
	assert_int_equal(p.code, 1);
}

/* -R 1e7 (the cap) against a server that never answers: memory stays bounded (the
 * line's bound, 8 MiB), the overflow is counted as line_full, not as connect errors,
 * and the run ends on time. The old line doubled at 80 MB a second. */
static void test_hostile_huge_rate_bounded(void **state)
{
	static struct proc p;
	(void)state;
	run_against_silent(&p, 128, (const char *const[]){ "-R", "1e7", "--max-conns", "4", "-d", "2s", "--timeout", "1s",
							    "--drain", "0", NULL },
			   30000);
	print_message("-R 1e7 -d 2s, silent server: exit %d after %.0f ms, max RSS %ld KiB, %.0f arrived, "
		      "line_full %s\n", p.code, p.ms, p.maxrss_kb, jnum(p.out, "arrived"),
		      strstr(p.out, "\"line_full\":") ? "counted" : "MISSING");
	assert_true(p.maxrss_kb < (sanitized() ? 400 : 100) * 1024);
	assert_true(p.ms < 2000 + 4000);
	assert_true(jnum(p.out, "errors.line_full") > 0);
	assert_true(jnum(p.out, "errors.connect") == 0);
}

/* The same under an address-space limit: no arrival is counted as a connect error for
 * want of memory, the run ends on time, and SIGTERM ends it at once. The old loadgen
 * counted each as a connect error, took 31 s for -d 3s and ignored SIGTERM. */
static void test_hostile_huge_rate_memory_limit_and_sigterm(void **state)
{
	static struct proc p;
	uint16_t port;
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	if (sanitized()) {
		print_message("RLIMIT_AS cannot hold a sanitizer's shadow memory: skipped in SAN=%s\n", getenv("SAN"));
		skip();
	}
	int fd = tc_listen_loopback(128, &port);
	assert_true(fd >= 0);
	url(u, sizeof u, port);
	char *ends[] = { (char *)lg(), "-R", "1e7", "--max-conns", "4", "-d", "2s", "--timeout", "1s", "--drain", "0",
			 "--json", u, NULL };
	proc_spawn(&p, ends, NULL, 300);
	proc_wait(&p, 40000);
	print_message("under 300 MiB of address space, -d 2s: exit %d after %.0f ms, connect errors %.0f\n", p.code,
		      p.ms, strstr(p.out, "\"connect\":") ? jnum(p.out, "errors.connect") : -1.0);
	assert_true(p.ms < 2000 + 4000);
	assert_true(jnum(p.out, "errors.connect") == 0);
	assert_true(jnum(p.out, "errors.line_full") + jnum(p.out, "errors.nomem") > 0);

	char *stopped[] = { (char *)lg(), "-R", "1e7", "--max-conns", "4", "-d", "30s", "--timeout", "1s", "--drain",
			    "0", "--json", u, NULL };
	proc_spawn(&p, stopped, NULL, 300);
	for (double until = tc_now_ms() + 1500; tc_now_ms() < until;) /* let the line fill */
		proc_pump(&p, 50);
	double t_sig = tc_now_ms();
	kill(p.pid, SIGTERM);
	proc_wait(&p, 40000);
	double after = tc_now_ms() - t_sig;
	print_message("SIGTERM 1.5 s into -d 30s: exit %d, %.0f ms after the signal\n", p.code, after);
	close(fd);
	assert_true(after < 3000);
	assert_true(p.signo == 0);
	assert_true(jnum(p.out, "duration_s") < 10);
}

/* The dashboard's control slot asks for 56,000,000 arrivals a second with a new cook
 * time: the cook time is taken, the rate is refused as --rate would be, and it says so.
 * The old loadgen ran at 56 M/s in a run it reported as -R 200. */
static void test_hostile_control_rate_refused(void **state)
{
	static struct proc p;
	struct hostile h;
	struct scoreboard_loadgen *sb = NULL;
	size_t size = 0;
	char u[80], name[64];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	snprintf(name, sizeof name, "%s", test_scoreboard_name("test-hostile-ctl"));
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200 });
	char *argv[] = { (char *)lg(), "-R", "200", "-d", "4s", "--drain", "0", "--scoreboard", name, "--json",
			 url(u, sizeof u, h.port), NULL };
	proc_spawn(&p, argv, NULL, 0);
	double deadline = tc_now_ms() + 5000;
	while (scoreboard_open(name, SCOREBOARD_LOADGEN, true, (void **)&sb, &size) != 0 && tc_now_ms() < deadline)
		proc_pump(&p, 10); /* polling for the segment: the loadgen prints no line */
	assert_non_null(sb);
	while (SB_GET(sb->sent) == 0 && tc_now_ms() < deadline)
		proc_pump(&p, 10);
	assert_int_equal(SB_GET(sb->rate_milli), 200000);
	SB_SET(sb->ctl_rate_milli, 56000000000ULL);
	SB_SET(sb->ctl_cook_ms, 7);
	SB_SET(sb->ctl_work_us, UINT32_MAX);
	SB_SET(sb->ctl_paused, 0);
	SB_SET(sb->ctl_keepalive, 1);
	__atomic_fetch_add(&sb->ctl_seq, 1, __ATOMIC_RELEASE);
	while (SB_GET(sb->cook_ms) != 7 && tc_now_ms() < deadline) /* the change was applied */
		proc_pump(&p, 10);
	uint64_t in_force = SB_GET(sb->rate_milli);
	scoreboard_unmap(sb, size);
	kill(p.pid, SIGTERM);
	proc_wait(&p, 15000);
	hostile_stop(&h);
	print_message("control slot asked 56M/s: rate in force %.1f/s; stderr: %s", (double)in_force / 1000.0, p.err);
	assert_int_equal(in_force, 200000);
	assert_non_null(strstr(p.err, "refused"));
	assert_true(jnum(p.out, "arrived") < 200 * 4 * 2);
}

/* ---- defect 4: write errors ---- */

static void expect_output_failure(const char *label, char *const argv[], const char *stdout_path, const char *named)
{
	static struct proc p;
	proc_spawn(&p, argv, stdout_path, 0);
	proc_wait(&p, 15000);
	print_message("%s: exit %d; stderr: %s", label, p.code, p.err);
	assert_int_equal(p.code, 1);
	assert_non_null(strstr(p.err, named));
	assert_non_null(strstr(p.err, "No space left on device"));
}

/* --percentiles, --series, --json and the summary into /dev/full: each run says what
 * failed on which file and exits 1. The old loadgen exited 0 without a word. */
static void test_hostile_outputs_to_full_disk(void **state)
{
	struct hostile h;
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	if (access("/dev/full", W_OK) != 0) {
		print_message("no /dev/full here: skipped\n");
		skip();
	}
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200 });
	url(u, sizeof u, h.port);
	char *pct[] = { (char *)lg(), "-c", "1", "-n", "20", "--percentiles", "/dev/full", "--json", u, NULL };
	char *series[] = { (char *)lg(), "-c", "1", "-d", "1200ms", "--series", "/dev/full", "--json", u, NULL };
	char *json[] = { (char *)lg(), "-c", "1", "-n", "20", "--json", u, NULL };
	char *summary[] = { (char *)lg(), "-c", "1", "-n", "20", u, NULL };
	expect_output_failure("--percentiles /dev/full", pct, NULL, "--percentiles file /dev/full");
	expect_output_failure("--series /dev/full", series, NULL, "--series file /dev/full");
	expect_output_failure("--json > /dev/full", json, "/dev/full", "--json output to stdout");
	expect_output_failure("summary > /dev/full", summary, "/dev/full", "summary to stdout");
	hostile_stop(&h);
}

/* ---- defect 7: SIGHUP ---- */

/* SIGHUP mid-run ends it as SIGTERM does: the report, exit 0, the scoreboard removed.
 * The old loadgen died of the signal and left /dev/shm/lunchrush.NAME behind. */
static void test_hostile_sighup_drains(void **state)
{
	static struct proc p;
	struct hostile h;
	struct scoreboard_loadgen *sb = NULL;
	size_t size = 0;
	char u[80], name[64], path[96];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	snprintf(name, sizeof name, "%s", test_scoreboard_name("test-hostile-hup"));
	snprintf(path, sizeof path, "/dev/shm/lunchrush.%s", name);
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200, .final_after_ms = 5 });
	char *argv[] = { (char *)lg(), "-c", "2", "-d", "20s", "--scoreboard", name, "--json", url(u, sizeof u, h.port),
			 NULL };
	proc_spawn(&p, argv, NULL, 0);
	double deadline = tc_now_ms() + 5000;
	while (scoreboard_open(name, SCOREBOARD_LOADGEN, false, (void **)&sb, &size) != 0 && tc_now_ms() < deadline)
		proc_pump(&p, 10);
	assert_non_null(sb);
	while (SB_GET(sb->completed) < 10 && tc_now_ms() < deadline)
		proc_pump(&p, 10);
	scoreboard_unmap(sb, size);
	kill(p.pid, SIGHUP);
	proc_wait(&p, 10000);
	hostile_stop(&h);
	bool left = access(path, F_OK) == 0;
	if (left)
		shm_unlink(path + strlen("/dev/shm"));
	print_message("SIGHUP: exit %d, signal %d, segment %s\n", p.code, p.signo, left ? "LEFT BEHIND" : "removed");
	assert_int_equal(p.signo, 0);
	assert_int_equal(p.code, 0);
	assert_false(left);
	assert_true(jnum(p.out, "requests") >= 10);
	assert_true(jnum(p.out, "duration_s") < 15);
}

/* ---- issue 17: the load generator watches itself ---- */

/* The same open loop twice against a quick server: left alone its arrivals are taken
 * on time (client_saturated false); frozen for 400 ms (SIGSTOP) in the middle, it says
 * its own lag (max at least 300 ms, p99 over the bound) and that it was saturated,
 * instead of leaving the delay to be read as the server's. Before, it said nothing. */
static void test_loadgen_client_watches_itself(void **state)
{
	static struct proc p;
	struct hostile h;
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200 });
	char *argv[] = { (char *)lg(), "-R", "500", "--arrivals", "even", "-d", "1500ms", "--json", url(u, sizeof u, h.port),
			 NULL };
	proc_run(&p, argv, 15000);
	print_message("left alone: client_lag_ms p99 %.3f, max %.3f, cpu %.0f %%, %s\n", jnum(p.out, "client_lag_ms.p99"),
		      jnum(p.out, "client_lag_ms.max"), jnum(p.out, "client_cpu_pct"), strstr(p.out, "\"client_saturated\":false") ? "not saturated" : "SATURATED");
	assert_int_equal(p.code, 0);
	assert_true(jnum(p.out, "client_lag_ms.count") >= 600);
	/* a loaded 2-core machine can delay a few wakeups; most are on time */
	assert_true(jnum(p.out, "client_lag_ms.p50") < 5.0);

	proc_spawn(&p, argv, NULL, 0);
	for (double until = tc_now_ms() + 500; tc_now_ms() < until;)
		proc_pump(&p, 20);
	kill(p.pid, SIGSTOP);
	tc_sleep_ms(400); /* the freeze is the experiment, not a wait for readiness */
	kill(p.pid, SIGCONT);
	proc_wait(&p, 15000);
	hostile_stop(&h);
	print_message("frozen 400 ms: client_lag_ms p99 %.3f, max %.3f; %s\n", jnum(p.out, "client_lag_ms.p99"),
		      jnum(p.out, "client_lag_ms.max"), strstr(p.out, "\"client_saturated\":true") ? "saturated" : "NOT SAID");
	assert_int_equal(p.code, 0);
	assert_true(jnum(p.out, "client_lag_ms.max") >= 300.0);
	assert_true(jnum(p.out, "client_lag_ms.p99") > 5.0);
	assert_non_null(strstr(p.out, "\"client_saturated\":true"));
}

/* --arrival-slack-us takes arrivals on a grid: each is sent up to the slack late, and
 * that delay is counted, not hidden: the client's lag shows it (2 ms of slack: about
 * 1 ms late at the median), where the same run without slack is taken on time. */
static void test_loadgen_arrival_slack_counted(void **state)
{
	static struct proc p;
	struct hostile h;
	char u[80];
	double p50[2];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200 });
	url(u, sizeof u, h.port);
	for (int i = 0; i < 2; i++) {
		char *argv[] = { (char *)lg(), "-R", "2000", "--arrivals", "even", "-d", "1s", "--arrival-slack-us",
				 i ? "2000" : "0", "--json", u, NULL };
		proc_run(&p, argv, 15000);
		assert_int_equal(p.code, 0);
		p50[i] = jnum(p.out, "client_lag_ms.p50");
		print_message("slack %s us: arrivals late by p50 %.3f ms, p99 %.3f ms; latency p50 %.3f ms\n",
			      i ? "2000" : "0", p50[i], jnum(p.out, "client_lag_ms.p99"), jnum(p.out, "latency_ms.p50"));
		assert_true(jnum(p.out, "requests") >= 1500);
		assert_true(jnum(p.out, "arrival_grid_us") == (i ? 2000.0 : 0.0)); /* the grid it was on, reported */
		/* the grid's delay is not the loop falling behind: connections still open as
		 * customers need them, none waits in line for long */
		assert_true(jnum(p.out, "latency_ms.p50") < 5.0);
	}
	hostile_stop(&h);
	assert_true(p50[1] >= 0.4);
	assert_true(p50[1] > p50[0]);
}

/* --arrival-poll-us: a gap shorter than the bound is polled through, not slept. The
 * same even schedule (a gap of 500 us) polled (bound 1 ms) and slept (bound 0): polled,
 * the process stays on its core for most of the second yet each arrival is taken at
 * its time, never before (a customer taken early would show as a huge lag), and the
 * time it polled with nothing to do is not taken for work: client_cpu_pct stays low
 * and the run is not called saturated; slept, it costs a fraction of the CPU. */
static void test_loadgen_arrival_poll_on_time(void **state)
{
	static struct proc p;
	struct hostile h;
	char u[80];
	double cpu_ms[2];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200 });
	url(u, sizeof u, h.port);
	for (int i = 0; i < 2; i++) {
		char *argv[] = { (char *)lg(), "-R", "2000", "--arrivals", "even", "-d", "1s", "--arrival-slack-us", "0",
				 "--arrival-poll-us", i ? "1000" : "0", "--json", u, NULL };
		proc_run(&p, argv, 15000);
		assert_int_equal(p.code, 0);
		cpu_ms[i] = p.cpu_ms;
		print_message("poll %s us: %.0f ms of CPU, busy %.0f %% of the core, arrivals late by p50 %.3f ms, "
			      "p99 %.3f ms, %s\n", i ? "1000" : "0", p.cpu_ms, jnum(p.out, "client_cpu_pct"),
			      jnum(p.out, "client_lag_ms.p50"), jnum(p.out, "client_lag_ms.p99"),
			      strstr(p.out, "\"client_saturated\":false") ? "not saturated" : "SATURATED");
		assert_true(jnum(p.out, "requests") >= 1500);
		assert_true(jnum(p.out, "client_lag_ms.p50") < 1.0);
	}
	hostile_stop(&h);
	assert_true(cpu_ms[1] >= 300.0);           /* it polled: awake through the gaps */
	assert_true(cpu_ms[0] < cpu_ms[1] / 2);   /* sleeping through them costs less */
	assert_true(jnum(p.out, "client_cpu_pct") < 60.0);
	assert_non_null(strstr(p.out, "\"client_saturated\":false"));
}

/* On a grid the loop sleeps to the next cell without waking for each response and
 * reads them there, late: a response's time is the kernel's receive stamp of its last
 * bytes, not the read. A server that answers at once, arrivals 2.5 ms apart on a 5 ms
 * grid: from the send, the latency stays that of the answer (read at the next cell
 * it would be about 5 ms); from the schedule, it holds the grid's delay as well. */
static void test_loadgen_grid_reads_are_stamped(void **state)
{
	static struct proc p;
	struct hostile h;
	char u[80];
	(void)state;
	if (!test_bin_built("loadgen"))
		skip();
	hostile_start(&h, &(struct hostile_mode){ .final = OK_200 });
	char *argv[] = { (char *)lg(), "-R", "400", "--arrivals", "even", "-d", "1s", "--arrival-slack-us", "5000",
			 "--json", url(u, sizeof u, h.port), NULL };
	proc_run(&p, argv, 15000);
	hostile_stop(&h);
	double unc = jnum(p.out, "uncorrected_latency_ms.mean"), lat = jnum(p.out, "latency_ms.mean");
	print_message("5 ms grid, an answer at once: mean latency from the send %.3f ms, from the schedule %.3f ms, "
		      "arrivals late by p50 %.3f ms\n", unc, lat, jnum(p.out, "client_lag_ms.p50"));
	assert_int_equal(p.code, 0);
	assert_true(jnum(p.out, "requests") >= 350);
	assert_true(unc < 1.5);
	assert_true(lat - unc > 0.5);
}

/* A server that accepts (its backlog does) and never answers, 50,000 arrivals a second
 * for 100 ms: every connection stays busy, and a loop that opened one for each arrival
 * would open 5,000 (a storm that, against a server that only hiccups, makes the next
 * hiccup). New connections come at most OPENS_PER_MS (16) a millisecond: the others
 * wait in line, counted. */
static void test_loadgen_opens_at_a_bounded_pace(void **state)
{
	static struct proc p;
	(void)state;
	run_against_silent(&p, 4096, (const char *const[]){ "-R", "50000", "--arrivals", "even", "-d", "100ms", "--timeout",
							     "2s", "--drain", "0", NULL },
			   15000);
	print_message("silent server, -R 50000 -d 100ms: %.0f arrived, %.0f connections at most, %.0f waiting at most\n",
		      jnum(p.out, "arrived"), jnum(p.out, "conns_max"), jnum(p.out, "waiting_max"));
	assert_true(jnum(p.out, "arrived") >= 4000);
	assert_true(jnum(p.out, "conns_max") >= 16);
	assert_true(jnum(p.out, "conns_max") <= 16 * (100 + 20)); /* 100 ms and the run's ends */
	assert_true(jnum(p.out, "waiting_max") >= 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_early_hints_then_final),
		cmocka_unit_test(test_hostile_only_interim_times_out),
		cmocka_unit_test(test_hostile_bad_status_codes),
		cmocka_unit_test(test_hostile_line_expires_at_timeout),
		cmocka_unit_test(test_hostile_huge_rate_bounded),
		cmocka_unit_test(test_hostile_huge_rate_memory_limit_and_sigterm),
		cmocka_unit_test(test_hostile_control_rate_refused),
		cmocka_unit_test(test_hostile_outputs_to_full_disk),
		cmocka_unit_test(test_hostile_sighup_drains),
		cmocka_unit_test(test_loadgen_client_watches_itself),
		cmocka_unit_test(test_loadgen_arrival_slack_counted),
		cmocka_unit_test(test_loadgen_arrival_poll_on_time),
		cmocka_unit_test(test_loadgen_grid_reads_are_stamped),
		cmocka_unit_test(test_loadgen_opens_at_a_bounded_pace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
