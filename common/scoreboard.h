/* scoreboard.h: live state of a running server or load generator, in shared memory.
 *
 * The writer (a server or bin/loadgen) creates a POSIX shared-memory segment named
 * "/lunchrush.NAME" (mode 0600) and updates the struct below with relaxed atomics; any
 * other process (dashboard, tests, lessons) maps it read-only and reads it without
 * locks and without sending the server a request, as Varnish's shared-memory
 * statistics do. Counters only grow: readers take two snapshots and compute rates and
 * interval percentiles from their difference, so the writer never resets anything.
 * Gauges (in_line, at_counter, ...) are the state now. The segment is removed when the
 * writer exits.
 *
 * The layout is versioned: a reader checks magic, kind and version before trusting it.
 * Change SCOREBOARD_VERSION whenever a field moves.
 */
#ifndef LUNCHRUSH_SCOREBOARD_H
#define LUNCHRUSH_SCOREBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hist.h"

#define SCOREBOARD_MAGIC 0x4c554e4348525553ULL /* "LUNCHRUS" */
#define SCOREBOARD_VERSION 1
#define SCOREBOARD_NAME_MAX 64        /* characters in NAME, [A-Za-z0-9._-], not starting with '.' */
#define SCOREBOARD_MAX_CASHIERS 1024  /* slots drawn one by one; more are only counted */

/* Relaxed atomic access to a scoreboard field (any integer field). */
#define SB_ADD(field, n) __atomic_fetch_add(&(field), (n), __ATOMIC_RELAXED)
#define SB_SUB(field, n) __atomic_fetch_sub(&(field), (n), __ATOMIC_RELAXED)
#define SB_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define SB_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

enum scoreboard_kind {
	SCOREBOARD_SERVER = 1,
	SCOREBOARD_LOADGEN = 2,
};

/* What a cashier (a blocking worker thread, or an evented loop) is doing now. */
enum cashier_state {
	CASHIER_IDLE = 0,        /* waiting for a customer */
	CASHIER_TAKING_ORDER,    /* reading the request and doing the CPU part (work_us) */
	CASHIER_WAITING_KITCHEN, /* blocked on the kitchen (blocking model only) */
	CASHIER_HANDING_OVER,    /* writing the response */
	CASHIER_FROZEN,          /* "the chef faints": frozen on purpose by the control slot */
	CASHIER_STATE_COUNT
};

/* Server errors by kind; each is a counter. Names for output: scoreboard_server_error_name. */
enum server_error {
	SERR_BAD_REQUEST = 0, /* 400: malformed request or parameter out of range */
	SERR_NOT_FOUND,       /* 404 */
	SERR_METHOD,          /* 405 */
	SERR_TOO_LARGE,       /* 431 (head over 8 KiB) or 413 (body too large) */
	SERR_UNAVAILABLE,     /* 503: --max-conns reached, or a thread refused */
	SERR_KITCHEN_DOWN,    /* 502: kitchen refused or dropped the ticket */
	SERR_KITCHEN_TIMEOUT, /* 504: kitchen too slow */
	SERR_TIMEOUT,         /* header, idle or send timeout closed a connection */
	SERR_IO,              /* read or write failed (reset, broken pipe) */
	SERR_ACCEPT,          /* accept failed (EMFILE, ENFILE, ...) */
	SERR_THREAD,          /* pthread_create refused */
	SERR_COUNT
};

/* Load generator errors by kind. */
enum loadgen_error {
	LERR_CONNECT = 0, /* connect refused, reset or failed */
	LERR_TIMEOUT,     /* no full response within --timeout */
	LERR_READ,        /* read failed or the server closed mid-response */
	LERR_WRITE,       /* write failed */
	LERR_STATUS,      /* a response with status >= 400 (by code in the JSON) */
	LERR_PARSE,       /* the response was not valid HTTP */
	LERR_EMFILE,      /* out of descriptors: raise `ulimit -n` */
	LERR_COUNT
};

struct scoreboard_header {
	uint64_t magic;         /* SCOREBOARD_MAGIC */
	uint32_t version;       /* SCOREBOARD_VERSION */
	uint32_t kind;          /* enum scoreboard_kind */
	uint64_t size;          /* sizeof the whole struct */
	int32_t pid;            /* writer's process id, for /proc */
	uint32_t alive;         /* 1 while the writer runs; 0 once it is shutting down */
	uint64_t started_unix_ms;
	uint64_t heartbeat_ns;  /* writer's CLOCK_MONOTONIC, refreshed at least every 200 ms */
	char model[16];         /* "blocking", "evented", "loadgen" */
	char name[SCOREBOARD_NAME_MAX + 1];
	char pad[7];
};

struct scoreboard_cashier {
	uint32_t state;          /* enum cashier_state */
	uint32_t pad;
	uint64_t state_since_ns; /* CLOCK_MONOTONIC when the state began */
	uint64_t orders;         /* orders this cashier finished */
	uint64_t busy_ns;        /* time not idle; for a loop, time not waiting in poll */
};

struct scoreboard_server {
	struct scoreboard_header hdr;

	/* configuration, written once at start */
	char host[64];
	uint32_t port;
	uint32_t threads_cfg;     /* blocking --threads (0 = one per connection) */
	uint32_t loops_cfg;       /* evented --loops */
	uint32_t helpers_cfg;     /* evented --helpers */
	uint32_t cook_ms_default; /* --cook-ms */
	uint32_t work_us_default; /* --work-us */
	uint32_t max_conns;       /* --max-conns, 0 = none */
	uint32_t hold_connection; /* blocking --hold-connection */
	uint32_t kitchen_remote;  /* 1 when --kitchen sends the wait to bin/kitchen */
	uint32_t pad0;

	/* counters: only grow */
	uint64_t accepted;        /* connections accepted */
	uint64_t closed;          /* connections closed */
	uint64_t arrived;         /* orders that entered the line or the counter */
	uint64_t served;          /* orders answered 200 */
	uint64_t responses;       /* responses of any status written */
	uint64_t errors[SERR_COUNT];
	uint64_t kitchen_tickets; /* kitchen waits started (timer, sleep or remote) */

	/* gauges: the state now */
	int64_t conns_open;       /* open client connections */
	int64_t in_line;          /* customers waiting for a cashier */
	int64_t at_counter;       /* orders being taken: request read, CPU part */
	int64_t in_kitchen;       /* orders waiting on the kitchen */
	int64_t handing_over;     /* responses being written */
	int64_t threads_alive;    /* threads of the process that serve (cashiers, loops, helpers) */
	int64_t accept_queue;     /* the listener's accept queue now (TCP_INFO tcpi_unacked) */
	int64_t accept_queue_max; /* its limit (tcpi_sacked: the backlog) */

	/* latency of an order inside the server: from entering the line (blocking) or its
	 * first byte read (evented) to its response written, in us */
	struct hist latency;
	/* evented only: how late a 10 ms periodic timer fires, in us (monitorEventLoopDelay) */
	struct hist loop_lag;

	/* control slot: the dashboard writes ctl_* then increments ctl_seq */
	uint64_t ctl_seq;
	uint32_t ctl_freeze_ms;   /* freeze one cashier (the loop, or a blocking cashier) this long */
	uint32_t ctl_cashier;     /* which cashier slot to freeze */

	uint32_t cashiers;        /* slots in use (<= SCOREBOARD_MAX_CASHIERS) */
	uint32_t pad1;
	struct scoreboard_cashier cashier[SCOREBOARD_MAX_CASHIERS];
};

struct scoreboard_loadgen {
	struct scoreboard_header hdr;

	/* configuration, written once at start */
	char target[256];         /* the URL */
	uint32_t open_loop;       /* 1: -R rate, 0: -c connections */
	uint32_t connections;     /* -c, or --max-conns in open loop */
	uint64_t seed;
	uint32_t threads;
	uint32_t pad0;

	/* counters: only grow */
	uint64_t arrived;         /* customers whose scheduled arrival has come */
	uint64_t sent;            /* requests written */
	uint64_t completed;       /* responses read (any status) */
	uint64_t errors[LERR_COUNT];
	uint64_t status_2xx, status_3xx, status_4xx, status_5xx;

	/* gauges */
	int64_t waiting;          /* arrived, waiting for a free connection */
	int64_t in_flight;        /* sent, response not yet read */
	int64_t conns_open;

	/* latency from scheduled arrival (open loop) or from send (closed loop), in us;
	 * uncorrected: always from the actual send */
	struct hist latency;
	struct hist uncorrected;

	/* what is in force now (the loadgen updates these after applying the control slot) */
	uint64_t rate_milli;      /* arrivals per second x 1000 (open loop) */
	uint32_t cook_ms;         /* appended to every order; UINT32_MAX = not sent */
	uint32_t work_us;         /* appended to every order; UINT32_MAX = not sent */
	uint32_t paused;          /* 1: no new arrivals */
	uint32_t keepalive;       /* 1: reuse connections */
	uint32_t finished;        /* 1 once the run is over */
	uint32_t pad1;

	/* control slot: the dashboard writes ctl_* then increments ctl_seq (release);
	 * the loadgen polls ctl_seq (acquire) and applies all ctl_* fields */
	uint64_t ctl_seq;
	uint64_t ctl_rate_milli;
	uint32_t ctl_cook_ms;
	uint32_t ctl_work_us;
	uint32_t ctl_paused;
	uint32_t ctl_keepalive;
};

/* NAME rules: 1..SCOREBOARD_NAME_MAX of [A-Za-z0-9._-], not starting with '.'. */
bool scoreboard_name_valid(const char *name);

/* Create the segment for NAME (replacing a stale one: its writer is dead, or its
 * heartbeat is older than SCOREBOARD_STALE_NS), size bytes, zeroed, mode 0600, header
 * filled in. Another user's segment is never replaced: -EACCES. Returns 0 or a
 * negative errno (-EEXIST: a live writer has it); *out is the mapping. */
int scoreboard_create(const char *name, uint32_t kind, const char *model, size_t size, void **out);

/* Map an existing segment read-only (writable=false) or read-write (to use a control
 * slot). Checks magic, version and kind; -EPROTO when they do not match. A segment
 * that is not ours to trust (owned by another user than us or root, or writable by
 * group or others: anyone could truncate or rewrite it) is refused with -EPERM before
 * it is mapped. scoreboard_explain words any of these errors. */
int scoreboard_open(const char *name, uint32_t kind, bool writable, void **out, size_t *size);

/* The same, and keeps the descriptor open in *fd (the caller closes it) so that a
 * reader that keeps the mapping can check each tick that the segment still covers it
 * (scoreboard_fd_check): touching a page past a segment that shrank is a SIGBUS. */
int scoreboard_open_fd(const char *name, uint32_t kind, bool writable, void **out, size_t *size, int *fd);

/* 0 while the segment behind fd is at least size bytes; -EFAULT when it shrank (the
 * mapping must not be read any more), or the fstat error. One system call. */
int scoreboard_fd_check(int fd, size_t size);

/* One line for a person: why NAME could not be opened (err from scoreboard_open) or
 * created (err from scoreboard_create): missing, another version, another user's
 * (named, with its uid and mode), in use by a live writer (its pid). */
void scoreboard_explain(const char *name, uint32_t kind, int err, char *buf, size_t len);

/* A name nobody can guess ahead: "PREFIX-" and 12 random hex digits, for the names a
 * program picks itself (another local user could squat a predictable one). 0 or
 * -EINVAL when PREFIX leaves no room. */
int scoreboard_fresh_name(const char *prefix, char *out, size_t len);

/* A heartbeat older than this: the segment is stale even when its pid runs (the pid
 * was reused by another process). Writers refresh it at least every 200 ms. */
#define SCOREBOARD_STALE_NS (30ULL * 1000000000ULL)

void scoreboard_unmap(void *mapping, size_t size);
int scoreboard_remove(const char *name);   /* shm_unlink */

/* Mark a cashier slot's new state, keeping its busy time. now_ns from clock_now_ns. */
void scoreboard_cashier_set(struct scoreboard_cashier *c, enum cashier_state state, uint64_t now_ns);

const char *scoreboard_server_error_name(enum server_error e);   /* "bad_request", ... */
const char *scoreboard_loadgen_error_name(enum loadgen_error e); /* "connect", ... */
const char *scoreboard_cashier_state_name(enum cashier_state s); /* "idle", ... */

#endif
