/* scoreboard.c: create, open and remove the shared-memory scoreboard (see scoreboard.h).
 *
 * The writer maps "/lunchrush.NAME" read-write; readers map it read-only and never lock
 * it. The magic number is stored last, with release order, so a reader that sees it
 * also sees a complete header. The dashboard (make demo, --attach) maps a server's scoreboard
 * beside it, and watching costs the server nothing.
 */
#include "scoreboard.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"

#define SHM_PREFIX "/lunchrush."

bool scoreboard_name_valid(const char *name)
{
	if (name == NULL || name[0] == '\0' || name[0] == '.')
		return false;
	size_t len = 0;
	for (const char *p = name; *p; p++, len++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (!ok || len >= SCOREBOARD_NAME_MAX)
			return false;
	}
	return true;
}

static void shm_path(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s%s", SHM_PREFIX, name);
}

/* The smallest size a reader may cast the mapping to, for a kind it knows. */
static size_t kind_min_size(uint32_t kind)
{
	switch (kind) {
	case SCOREBOARD_SERVER:
		return sizeof(struct scoreboard_server);
	case SCOREBOARD_LOADGEN:
		return sizeof(struct scoreboard_loadgen);
	default:
		return sizeof(struct scoreboard_header);
	}
}

/* May we trust a segment with this owner and mode? Ours or root's, and nobody else
 * may write it: anyone who can write it can truncate it under our mapping. */
static bool trusted(const struct stat *st)
{
	if (st->st_uid != geteuid() && st->st_uid != 0)
		return false;
	return (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* Is the header of a live writer? Its magic, a pid that runs (EPERM: it runs, as
 * another user), and a heartbeat younger than SCOREBOARD_STALE_NS: a pid alone may
 * have been reused by an unrelated process since the writer died. */
static bool header_is_live(const struct scoreboard_header *hdr)
{
	pid_t pid = (pid_t)__atomic_load_n(&hdr->pid, __ATOMIC_RELAXED);
	if (__atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != SCOREBOARD_MAGIC || pid <= 0)
		return false;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	uint64_t beat = __atomic_load_n(&hdr->heartbeat_ns, __ATOMIC_RELAXED);
	uint64_t now = clock_now_ns();
	return beat >= now || now - beat < SCOREBOARD_STALE_NS;
}

/* Is the segment at path owned by a writer that is still running? A segment too small
 * or without our magic is a leftover of a crash during creation: not live. Another
 * user's segment is -EACCES, whatever its state (we never replace it). Returns 1 live,
 * 0 stale, or a negative errno when the segment cannot be inspected. */
static int segment_is_live(const char *path)
{
	int fd = shm_open(path, O_RDONLY, 0);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;

	int live = 0;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		live = -errno;
		goto out_close;
	}
	if (st.st_uid != geteuid()) {
		live = -EACCES;
		goto out_close;
	}
	if ((size_t)st.st_size < sizeof(struct scoreboard_header))
		goto out_close;

	const struct scoreboard_header *hdr =
		mmap(NULL, sizeof(*hdr), PROT_READ, MAP_SHARED, fd, 0);
	if (hdr == MAP_FAILED) {
		live = -errno;
		goto out_close;
	}
	live = header_is_live(hdr);
	munmap((void *)hdr, sizeof(*hdr));
out_close:
	close(fd);
	return live;
}

/* Exclusive creation; an existing segment is replaced only when its writer is dead,
 * and only once (a second collision means another writer just took the name). */
static int create_exclusive(const char *path)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
		int live = segment_is_live(path);
		if (live < 0)
			return live;
		if (live)
			return -EEXIST;
		if (shm_unlink(path) < 0 && errno != ENOENT)
			return -errno;
	}
	return -EEXIST;
}

static void fill_header(struct scoreboard_header *hdr, uint32_t kind, const char *model,
			const char *name, size_t size)
{
	hdr->version = SCOREBOARD_VERSION;
	hdr->kind = kind;
	hdr->size = size;
	hdr->pid = (int32_t)getpid();
	hdr->alive = 1;
	hdr->started_unix_ms = clock_unix_ms();
	hdr->heartbeat_ns = clock_now_ns();
	snprintf(hdr->model, sizeof(hdr->model), "%s", model ? model : "");
	snprintf(hdr->name, sizeof(hdr->name), "%s", name);
	__atomic_store_n(&hdr->magic, SCOREBOARD_MAGIC, __ATOMIC_RELEASE);
}

/* Cost: a few system calls; the kernel hands over zeroed pages on first touch. */
int scoreboard_create(const char *name, uint32_t kind, const char *model, size_t size, void **out)
{
	char path[sizeof(SHM_PREFIX) + SCOREBOARD_NAME_MAX];
	int err;

	*out = NULL;
	if (!scoreboard_name_valid(name) || size < sizeof(struct scoreboard_header))
		return -EINVAL;
	shm_path(path, sizeof(path), name);

	int fd = create_exclusive(path);
	if (fd < 0)
		return fd;
	/* the umask may have taken bits away from 0600; set them exactly */
	if (fchmod(fd, 0600) < 0 || ftruncate(fd, (off_t)size) < 0) {
		err = -errno;
		goto out_unlink;
	}
	void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		goto out_unlink;
	}
	close(fd);
	fill_header(map, kind, model, name, size);
	*out = map;
	return 0;

out_unlink:
	shm_unlink(path);
	close(fd);
	return err;
}

/* Checks what a reader needs before casting the mapping: magic, version, kind, and a
 * size that covers the struct of that kind and lies inside the segment. */
static int check_header(const struct scoreboard_header *hdr, uint32_t kind, size_t seg_size)
{
	if (__atomic_load_n(&hdr->magic, __ATOMIC_ACQUIRE) != SCOREBOARD_MAGIC)
		return -EPROTO;
	if (hdr->version != SCOREBOARD_VERSION || hdr->kind != kind)
		return -EPROTO;
	if (hdr->size < kind_min_size(kind) || hdr->size > seg_size)
		return -EPROTO;
	return 0;
}

int scoreboard_open_fd(const char *name, uint32_t kind, bool writable, void **out, size_t *size, int *fd_out)
{
	char path[sizeof(SHM_PREFIX) + SCOREBOARD_NAME_MAX];
	int err;

	*out = NULL;
	*size = 0;
	*fd_out = -1;
	if (!scoreboard_name_valid(name))
		return -EINVAL;
	shm_path(path, sizeof(path), name);

	int fd = shm_open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out_close;
	}
	if (!trusted(&st)) {
		err = -EPERM;  /* not mapped at all: its owner could truncate it under us */
		goto out_close;
	}
	size_t seg_size = (size_t)st.st_size;
	if (seg_size < sizeof(struct scoreboard_header)) {
		err = -EPROTO;  /* empty or truncated: not (yet) a scoreboard */
		goto out_close;
	}
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	void *map = mmap(NULL, seg_size, prot, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		err = -errno;
		goto out_close;
	}
	err = check_header(map, kind, seg_size);
	if (err < 0) {
		munmap(map, seg_size);
		goto out_close;
	}
	*out = map;
	*size = seg_size;
	*fd_out = fd;
	return 0;

out_close:
	close(fd);
	return err;
}

int scoreboard_open(const char *name, uint32_t kind, bool writable, void **out, size_t *size)
{
	int fd;
	int rc = scoreboard_open_fd(name, kind, writable, out, size, &fd);
	if (rc == 0)
		close(fd);
	return rc;
}

int scoreboard_fd_check(int fd, size_t size)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	return (size_t)st.st_size < size ? -EFAULT : 0;
}

static const char *kind_name(uint32_t kind)
{
	return kind == SCOREBOARD_SERVER ? "server" : kind == SCOREBOARD_LOADGEN ? "load generator" : "lunchrush";
}

/* The owner of the file behind path, as "user bob (uid 1001)". */
static void owner_words(uid_t uid, char *buf, size_t len)
{
	char pwbuf[1024];
	struct passwd pw, *found = NULL;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof pwbuf, &found) == 0 && found)
		snprintf(buf, len, "user %s (uid %u)", found->pw_name, (unsigned)uid);
	else
		snprintf(buf, len, "uid %u", (unsigned)uid);
}

/* -EPROTO in words: what the header says it is. Maps the header alone, read-only. */
static void explain_header(const char *name, const char *path, uint32_t kind, char *buf, size_t len)
{
	struct scoreboard_header h;
	memset(&h, 0, sizeof h);
	int fd = shm_open(path, O_RDONLY | O_CLOEXEC, 0);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && (size_t)st.st_size >= sizeof h) {
		void *m = mmap(NULL, sizeof h, PROT_READ, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			memcpy(&h, m, sizeof h);
			munmap(m, sizeof h);
		}
	}
	if (fd >= 0)
		close(fd);
	if (h.magic != SCOREBOARD_MAGIC)
		snprintf(buf, len, "scoreboard %s is not a lunchrush scoreboard (or is still being created)", name);
	else if (h.version != SCOREBOARD_VERSION)
		snprintf(buf, len, "scoreboard %s has layout version %u, this program reads version %d: run "
			 "programs built from the same tree", name, h.version, SCOREBOARD_VERSION);
	else if (h.kind != kind)
		snprintf(buf, len, "scoreboard %s belongs to a %s, not a %s", name, kind_name(h.kind), kind_name(kind));
	else
		snprintf(buf, len, "scoreboard %s is smaller than its header says (%llu bytes): truncated", name,
			 (unsigned long long)h.size);
}

void scoreboard_explain(const char *name, uint32_t kind, int err, char *buf, size_t len)
{
	char path[sizeof(SHM_PREFIX) + SCOREBOARD_NAME_MAX], who[96];
	struct stat st;

	if (!scoreboard_name_valid(name)) {
		snprintf(buf, len, "invalid scoreboard name (use 1 to %d of A-Z a-z 0-9 . _ -)", SCOREBOARD_NAME_MAX);
		return;
	}
	shm_path(path, sizeof(path), name);
	char file[sizeof(path) + 8];
	snprintf(file, sizeof file, "/dev/shm%s", path);
	bool have_st = stat(file, &st) == 0;
	if (have_st)
		owner_words(st.st_uid, who, sizeof who);
	switch (-err) {
	case ENOENT:
		snprintf(buf, len, "no scoreboard %s: its %s is not running (or has not started yet)", name,
			 kind_name(kind));
		break;
	case EPROTO:
		explain_header(name, path, kind, buf, len);
		break;
	case EPERM:
	case EACCES:
		if (have_st && st.st_uid != geteuid())
			snprintf(buf, len, "scoreboard %s (/dev/shm%s) is held by %s, mode %04o: not ours to %s; pick "
				 "another name or ask them to remove it", name, path, who, (unsigned)(st.st_mode & 07777),
				 err == -EPERM ? "trust" : "use");
		else if (have_st)
			snprintf(buf, len, "scoreboard %s (/dev/shm%s) has mode %04o: others may write it, so it is not "
				 "trusted (remove it)", name, path, (unsigned)(st.st_mode & 07777));
		else
			snprintf(buf, len, "scoreboard %s: %s", name, strerror(-err));
		break;
	case EEXIST:
		snprintf(buf, len, "scoreboard %s is in use by a live %s%s%s: pick another name", name, kind_name(kind),
			 have_st ? " of " : "", have_st ? who : "");
		break;
	default:
		snprintf(buf, len, "scoreboard %s: %s", name, strerror(-err));
	}
}

int scoreboard_fresh_name(const char *prefix, char *out, size_t len)
{
	uint64_t r = 0;
	if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
		r = clock_now_ns() ^ ((uint64_t)getpid() << 32); /* no entropy yet: still unlikely to guess */
	int n = snprintf(out, len, "%s-%012llx", prefix, (unsigned long long)(r & 0xffffffffffffULL));
	if (n < 0 || (size_t)n >= len || !scoreboard_name_valid(out))
		return -EINVAL;
	return 0;
}

void scoreboard_unmap(void *mapping, size_t size)
{
	if (mapping != NULL && size > 0)
		munmap(mapping, size);
}

int scoreboard_remove(const char *name)
{
	char path[sizeof(SHM_PREFIX) + SCOREBOARD_NAME_MAX];

	if (!scoreboard_name_valid(name))
		return -EINVAL;
	shm_path(path, sizeof(path), name);
	return shm_unlink(path) < 0 ? -errno : 0;
}

/* One writer per slot (its cashier); readers in other processes see each field whole.
 * Time spent in any state but idle (frozen included: the cashier is unavailable) is
 * added to busy_ns when the slot leaves it. */
void scoreboard_cashier_set(struct scoreboard_cashier *c, enum cashier_state state, uint64_t now_ns)
{
	uint32_t old = SB_GET(c->state);
	uint64_t since = SB_GET(c->state_since_ns);

	if (old != CASHIER_IDLE && now_ns > since)
		SB_ADD(c->busy_ns, now_ns - since);
	SB_SET(c->state_since_ns, now_ns);
	SB_SET(c->state, (uint32_t)state);
}

static const char *const server_error_names[SERR_COUNT] = {
	[SERR_BAD_REQUEST] = "bad_request",
	[SERR_NOT_FOUND] = "not_found",
	[SERR_METHOD] = "method",
	[SERR_TOO_LARGE] = "too_large",
	[SERR_UNAVAILABLE] = "unavailable",
	[SERR_KITCHEN_DOWN] = "kitchen_down",
	[SERR_KITCHEN_TIMEOUT] = "kitchen_timeout",
	[SERR_TIMEOUT] = "timeout",
	[SERR_IO] = "io",
	[SERR_ACCEPT] = "accept",
	[SERR_THREAD] = "thread",
};

static const char *const loadgen_error_names[LERR_COUNT] = {
	[LERR_CONNECT] = "connect",
	[LERR_TIMEOUT] = "timeout",
	[LERR_READ] = "read",
	[LERR_WRITE] = "write",
	[LERR_STATUS] = "status",
	[LERR_PARSE] = "parse",
	[LERR_EMFILE] = "emfile",
};

static const char *const cashier_state_names[CASHIER_STATE_COUNT] = {
	[CASHIER_IDLE] = "idle",
	[CASHIER_TAKING_ORDER] = "taking_order",
	[CASHIER_WAITING_KITCHEN] = "waiting_kitchen",
	[CASHIER_HANDING_OVER] = "handing_over",
	[CASHIER_FROZEN] = "frozen",
};

const char *scoreboard_server_error_name(enum server_error e)
{
	return (unsigned)e < SERR_COUNT ? server_error_names[e] : "unknown";
}

const char *scoreboard_loadgen_error_name(enum loadgen_error e)
{
	return (unsigned)e < LERR_COUNT ? loadgen_error_names[e] : "unknown";
}

const char *scoreboard_cashier_state_name(enum cashier_state s)
{
	return (unsigned)s < CASHIER_STATE_COUNT ? cashier_state_names[s] : "unknown";
}
