/* testlib.h: helpers for the integration tests: start the real binaries, wait for their
 * "listening on HOST:PORT" line (never a sleep), and talk HTTP to them over real sockets. */
#ifndef LUNCHRUSH_TESTLIB_H
#define LUNCHRUSH_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct child {
	pid_t pid;
	int out_fd;          /* the child's stdout, after the listening line */
	char host[64];
	uint16_t port;       /* from the listening line; 0 for programs that do not listen */
	char line[256];      /* the first line it printed */
};

/* $LUNCHRUSH_BIN/NAME (default bin/NAME). The result is a static buffer per call slot. */
const char *test_bin(const char *name);

/* $LUNCHRUSH_SERVER: "blocking" (default) or "evented". */
const char *test_server_model(void);

/* Start argv (argv[0] a path) with stdout on a pipe and a parent-death signal. With
 * wait_listening, read the first line and require "listening on HOST:PORT" within
 * timeout_ms. stderr goes to the test's stderr. 0 or -1 (with a message on stderr). */
int child_start(struct child *c, char *const argv[], bool wait_listening, int timeout_ms);

/* Send sig (0 = SIGTERM), wait up to timeout_ms, then SIGKILL. Returns the wait status,
 * or -1 if it had to be killed. Closes out_fd. */
int child_stop(struct child *c, int sig, int timeout_ms);

/* Read everything the child writes to stdout until it exits or timeout_ms passes. */
ssize_t child_read_all(struct child *c, char *buf, size_t cap, int timeout_ms);

/* Blocking TCP connect to 127.0.0.1:port with a receive timeout of timeout_ms. */
int tc_connect(uint16_t port, int timeout_ms);
int tc_send_all(int fd, const void *buf, size_t len);

struct tc_response {
	int status;             /* 0 when no response could be read */
	bool keep_alive;        /* the server keeps the connection */
	bool has_connection_hdr;
	char connection[32];    /* value of the Connection header, lowercased */
	long content_length;    /* -1 when absent */
	char body[4096];
	size_t body_len;
	char head[4096];
	bool closed;            /* the server closed after it */
};

/* Read one response from fd (with its body, unless head_only). Bytes past it stay in the
 * per-fd buffer kept in *carry (pass the same carry for pipelined responses; init with
 * tc_carry_init). 0, or -1 on timeout/close before a whole response. */
struct tc_carry { char buf[65536]; size_t len; };
void tc_carry_init(struct tc_carry *c);
int tc_read_response(int fd, struct tc_carry *carry, bool head_only, struct tc_response *r);

/* One request on a fresh connection: send raw, read one response. 0 or -1. */
int tc_request(uint16_t port, const char *raw, bool head_only, struct tc_response *r, int timeout_ms);

/* True when the peer closed fd (read returns 0 or ECONNRESET) within timeout_ms. */
bool tc_wait_closed(int fd, int timeout_ms);

/* Send "GET target HTTP/1.1" (with a Host header) on fd and read its response, keeping
 * pipelined bytes in carry. 0 or -1. */
int tc_get(int fd, struct tc_carry *carry, const char *target, struct tc_response *r);

/* Run argv to its end with stdout and stderr captured (each NUL-terminated, cut at its
 * cap); SIGKILL after timeout_ms. Returns the wait status, or -1. */
int child_run_capture(char *const argv[], char *out, size_t outcap, char *err, size_t errcap, int timeout_ms);

/* A scoreboard name unique to this test process and call: "PREFIX-PID-N". Static
 * buffer per call slot (4 slots), like test_bin. */
const char *test_scoreboard_name(const char *prefix);

/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC). */
double tc_now_ms(void);

/* Sleep ms milliseconds, resumed after a signal. */
void tc_sleep_ms(int ms);

/* Run a shell command (printf-style, at most 4 KiB) and wait for it: its standard output
 * into out (cap bytes with the NUL, cut beyond; NULL: read and dropped). Its exit status,
 * or -1 when it could not run or did not exit. */
int tc_sh(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* True when $LUNCHRUSH_BIN/NAME is there to run; otherwise says it is not built (for a
 * test that then skips). */
bool test_bin_built(const char *name);

/* A TCP socket on a free 127.0.0.1 port, listening with this backlog (only bound when
 * backlog < 0); its port in *port. Nothing accepts on it. The fd, or -1. */
int tc_listen_loopback(int backlog, uint16_t *port);

/* A non-blocking connection to 127.0.0.1:port whose receive buffer is set to rcvbuf
 * bytes before connect (shrinking it later makes the kernel drop segments): a client
 * whose window fills at once. The fd, or -1. */
int tc_connect_small_rcvbuf(uint16_t port, int rcvbuf);

/* Wait up to timeout_ms for the child to exit by itself (no signal sent), then SIGKILL.
 * Returns the wait status, or -1 if it had to be killed. Closes out_fd. */
int child_wait_exit(struct child *c, int timeout_ms);

/* Start argv like child_start (no listening line) with TMPDIR=tmpdir in its
 * environment; this process's TMPDIR is left as it was. 0 or -1. */
int child_start_in_tmpdir(struct child *c, char *const argv[], const char *tmpdir);

/* ---- other processes, from /proc ---- */

/* utime + stime of pid in seconds, or -1 when /proc/PID/stat cannot be read. */
double proc_cpu_seconds(pid_t pid);

/* The children of pid (up to max, into kids); how many. */
int proc_children(pid_t pid, pid_t *kids, int max);

/* Poll proc_children until pid has at least want children or timeout_ms passes; how
 * many it has then. */
int proc_wait_children(pid_t pid, pid_t *kids, int max, int want, int timeout_ms);

/* True when pid is gone, or a zombie (it has exited; only its parent's wait is missing). */
bool proc_gone(pid_t pid);

/* Poll proc_gone up to timeout_ms; true once pid is gone. */
bool proc_wait_gone(pid_t pid, int timeout_ms);

#endif
