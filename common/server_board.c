/* server_board.c: a server's side of its scoreboard (see server_board.h).
 *
 * Both servers publish through these few calls, so a field means the same in each and
 * the dashboard compares them column by column. Everything here is lock-free: relaxed
 * atomic counters, one CAS for cashier slots and one for the control slot. Every call is
 * a no-op on a board that was never opened, so a server runs fine without one.
 */
#include "server_board.h"

#include "server_policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "hist.h"
#include "net.h"

/* The pid of the process holding a live segment NAME, or 0 if it cannot be read. */
static int32_t board_owner_pid(const char *name)
{
	static const uint32_t kinds[] = { SCOREBOARD_SERVER, SCOREBOARD_LOADGEN };
	int32_t pid = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && pid == 0; i++) {
		void *map;
		size_t size;
		if (scoreboard_open(name, kinds[i], false, &map, &size) == 0) {
			pid = SB_GET(((struct scoreboard_header *)map)->pid);
			scoreboard_unmap(map, size);
		}
	}
	return pid;
}

static void board_open_error(const char *name, int err)
{
	int32_t pid;
	char why[256];

	switch (-err) {
	case EEXIST:
		pid = board_owner_pid(name);
		if (pid > 0)
			fprintf(stderr, "scoreboard %s is in use by pid %d: pick another --scoreboard\n", name, (int)pid);
		else
			fprintf(stderr, "scoreboard %s is in use by another process: pick another --scoreboard\n", name);
		break;
	case EACCES:
	case EPERM: /* names the user holding it (scoreboard_explain) */
		scoreboard_explain(name, SCOREBOARD_SERVER, err, why, sizeof(why));
		fprintf(stderr, "cannot create %s\n", why);
		break;
	case EINVAL:
		fprintf(stderr, "cannot create scoreboard %s: invalid name (use A-Z a-z 0-9 . _ -)\n", name);
		break;
	case ELOOP: /* shm_open never follows a link: somebody planted one at the name */
		fprintf(stderr, "cannot create scoreboard %s: /dev/shm/lunchrush.%s is a symbolic link, which is "
				"never followed: remove it or pick another --scoreboard\n", name, name);
		break;
	default:
		fprintf(stderr, "cannot create scoreboard %s: %s (is /dev/shm mounted and writable?)\n", name,
			strerror(-err));
	}
}

static void board_fill_config(struct scoreboard_server *sb, const struct server_config *cfg, uint16_t port)
{
	snprintf(sb->host, sizeof(sb->host), "%s", cfg->host);
	sb->port = port;
	sb->threads_cfg = cfg->model == MODEL_BLOCKING ? cfg->threads : 0;
	sb->loops_cfg = cfg->model == MODEL_EVENTED ? cfg->loops : 0;
	sb->helpers_cfg = cfg->model == MODEL_EVENTED ? cfg->helpers : 0;
	sb->cook_ms_default = cfg->cook_ms;
	sb->work_us_default = cfg->work_us;
	sb->max_conns = cfg->max_conns;
	sb->hold_connection = cfg->model == MODEL_BLOCKING && cfg->hold_connection;
	sb->kitchen_remote = cfg->kitchen_host[0] != '\0';
	/* the segment comes zeroed, but an empty histogram's min is UINT64_MAX */
	hist_init(&sb->latency);
	hist_init(&sb->loop_lag);
}

int server_board_open(struct server_board *b, const struct server_config *cfg, uint16_t port)
{
	void *map;
	int rc;

	memset(b, 0, sizeof(*b));
	server_config_scoreboard_name(cfg, port, b->name, sizeof(b->name));
	rc = scoreboard_create(b->name, SCOREBOARD_SERVER, server_model_name(cfg->model),
			       sizeof(struct scoreboard_server), &map);
	/* MODEL-PORT is our choice, and predictable: held by someone else, take a fresh
	 * name rather than refuse to start (a name given with --scoreboard is refused) */
	if (rc < 0 && rc != -EINVAL && cfg->scoreboard[0] == '\0') {
		char taken[sizeof(b->name)];
		snprintf(taken, sizeof(taken), "%s", b->name);
		if (scoreboard_fresh_name(taken, b->name, sizeof(b->name)) == 0) {
			rc = scoreboard_create(b->name, SCOREBOARD_SERVER, server_model_name(cfg->model),
					       sizeof(struct scoreboard_server), &map);
			if (rc == 0)
				fprintf(stderr, "scoreboard %s is taken: using %s\n", taken, b->name);
		}
	}
	if (rc < 0) {
		board_open_error(b->name, rc);
		return rc;
	}
	b->sb = map;
	board_fill_config(b->sb, cfg, port);
	b->ctl_seq_seen = __atomic_load_n(&b->sb->ctl_seq, __ATOMIC_ACQUIRE);
	if (!cfg->quiet) /* so that a server started by hand can be watched */
		fprintf(stderr, "%s: scoreboard %s (watch it: bin/dashboard --attach %s)\n",
			server_model_name(cfg->model), b->name, b->name);
	return 0;
}

void server_board_close(struct server_board *b)
{
	if (b == NULL || b->sb == NULL)
		return;
	__atomic_store_n(&b->sb->hdr.alive, 0, __ATOMIC_RELEASE);
	scoreboard_unmap(b->sb, sizeof(struct scoreboard_server));
	scoreboard_remove(b->name);
	b->sb = NULL;
}

/* Cost: one clock read and one getsockopt. */
void server_board_tick(struct server_board *b, int listen_fd)
{
	int64_t queued, limit;

	if (b->sb == NULL)
		return;
	SB_SET(b->sb->hdr.heartbeat_ns, clock_now_ns());
	if (listen_fd >= 0 && net_accept_queue(listen_fd, &queued, &limit) == 0) {
		SB_SET(b->sb->accept_queue, queued);
		SB_SET(b->sb->accept_queue_max, limit);
	}
}

void server_board_order_done(struct server_board *b, uint64_t total_ns)
{
	if (b->sb == NULL)
		return;
	hist_record_atomic(&b->sb->latency, (total_ns + NS_PER_US / 2) / NS_PER_US);
	SB_ADD(b->sb->served, 1);
	SB_ADD(b->sb->responses, 1);
}

/* Kinds that are an answer to the customer (4xx/5xx written) also count a response;
 * timeouts, I/O, accept and thread failures end without one. */
static bool error_has_response(enum server_error e)
{
	switch (e) {
	case SERR_BAD_REQUEST:
	case SERR_NOT_FOUND:
	case SERR_METHOD:
	case SERR_TOO_LARGE:
	case SERR_UNAVAILABLE:
	case SERR_KITCHEN_DOWN:
	case SERR_KITCHEN_TIMEOUT:
		return true;
	default:
		return false;
	}
}

void server_board_error(struct server_board *b, enum server_error e)
{
	if (b->sb == NULL || (unsigned)e >= SERR_COUNT)
		return;
	SB_ADD(b->sb->errors[e], 1);
	if (error_has_response(e))
		SB_ADD(b->sb->responses, 1);
}

/* A CAS loop rather than fetch_add, so `cashiers` never passes the number of slots. */
int server_board_cashier_take(struct server_board *b)
{
	uint32_t n;

	if (b->sb == NULL)
		return -1;
	n = SB_GET(b->sb->cashiers);
	do {
		if (n >= SCOREBOARD_MAX_CASHIERS)
			return -1;
	} while (!__atomic_compare_exchange_n(&b->sb->cashiers, &n, n + 1, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	scoreboard_cashier_set(&b->sb->cashier[n], CASHIER_IDLE, clock_now_ns());
	return (int)n;
}

struct scoreboard_cashier *server_board_cashier(struct server_board *b, int slot)
{
	if (b->sb == NULL || slot < 0 || slot >= SCOREBOARD_MAX_CASHIERS)
		return NULL;
	return &b->sb->cashier[slot];
}

/* The dashboard writes ctl_freeze_ms and ctl_cashier, then bumps ctl_seq (release).
 * Whoever moves ctl_seq_seen up to ctl_seq first owns the request; everyone else sees
 * their CAS fail. Requests that arrive faster than they are polled merge into the last. */
bool server_board_take_freeze(struct server_board *b, uint32_t *ms, uint32_t *cashier)
{
	uint64_t seq, seen;

	if (b->sb == NULL)
		return false;
	seq = __atomic_load_n(&b->sb->ctl_seq, __ATOMIC_ACQUIRE);
	seen = __atomic_load_n(&b->ctl_seq_seen, __ATOMIC_RELAXED);
	/* only forward: a thread that loaded seq before a new request must not move
	 * seen back (that would hand the request out a second time) */
	if ((int64_t)(seq - seen) <= 0)
		return false;
	if (!__atomic_compare_exchange_n(&b->ctl_seq_seen, &seen, seq, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return false;
	*ms = SB_GET(b->sb->ctl_freeze_ms);
	if (*ms > SERVER_FREEZE_MAX_MS)
		*ms = SERVER_FREEZE_MAX_MS; /* the slot is writable by the dashboard: bound it */
	*cashier = SB_GET(b->sb->ctl_cashier);
	return true;
}
