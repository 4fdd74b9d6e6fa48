/* stats.c: copy and sum per-thread statistics (see stats.h). */
#include "stats.h"

#include <string.h>

void stats_init(struct lg_stats *s)
{
	memset(s, 0, sizeof *s);
	hist_init(&s->latency);
	hist_init(&s->uncorrected);
}

/* About 60 KB of relaxed loads: a few microseconds, done 20 times a second. */
void stats_snapshot(struct lg_stats *dst, const struct lg_stats *src)
{
	dst->arrived = STAT_GET(src->arrived);
	dst->sent = STAT_GET(src->sent);
	dst->completed = STAT_GET(src->completed);
	dst->retried = STAT_GET(src->retried);
	dst->late = STAT_GET(src->late);
	dst->unanswered = STAT_GET(src->unanswered);
	dst->interim = STAT_GET(src->interim);
	dst->bytes_read = STAT_GET(src->bytes_read);
	for (int i = 0; i < LG_ERR_COUNT; i++)
		dst->errors[i] = STAT_GET(src->errors[i]);
	for (int i = 0; i < 6; i++)
		dst->status_class[i] = STAT_GET(src->status_class[i]);
	for (int i = 0; i < STATUS_CODE_MAX; i++)
		dst->status_code[i] = STAT_GET(src->status_code[i]);
	dst->last_ok_ns = STAT_GET(src->last_ok_ns);
	hist_snapshot(&dst->latency, &src->latency);
	hist_snapshot(&dst->uncorrected, &src->uncorrected);
}

void stats_merge(struct lg_stats *dst, const struct lg_stats *src)
{
	dst->arrived += src->arrived;
	dst->sent += src->sent;
	dst->completed += src->completed;
	dst->retried += src->retried;
	dst->late += src->late;
	dst->unanswered += src->unanswered;
	dst->interim += src->interim;
	dst->bytes_read += src->bytes_read;
	for (int i = 0; i < LG_ERR_COUNT; i++)
		dst->errors[i] += src->errors[i];
	for (int i = 0; i < 6; i++)
		dst->status_class[i] += src->status_class[i];
	for (int i = 0; i < STATUS_CODE_MAX; i++)
		dst->status_code[i] += src->status_code[i];
	if (src->last_ok_ns > dst->last_ok_ns)
		dst->last_ok_ns = src->last_ok_ns;
	hist_merge(&dst->latency, &src->latency);
	hist_merge(&dst->uncorrected, &src->uncorrected);
}

uint64_t stats_errors_total(const struct lg_stats *s)
{
	uint64_t n = 0;
	for (int i = 0; i < LG_ERR_COUNT; i++)
		n += s->errors[i];
	return n;
}

uint64_t stats_ok(const struct lg_stats *s)
{
	uint64_t bad = s->errors[LERR_STATUS] + s->errors[LGERR_BAD_STATUS];
	return s->completed > bad ? s->completed - bad : 0;
}

const char *lg_error_name(int kind)
{
	static const char *const extra[LG_ERR_COUNT - LERR_COUNT] = {
		[LGERR_BAD_STATUS - LERR_COUNT] = "bad_status",
		[LGERR_EXPIRED - LERR_COUNT] = "expired",
		[LGERR_LINE_FULL - LERR_COUNT] = "line_full",
		[LGERR_NOMEM - LERR_COUNT] = "nomem",
	};
	if (kind >= 0 && kind < LERR_COUNT)
		return scoreboard_loadgen_error_name((enum loadgen_error)kind);
	return kind >= LERR_COUNT && kind < LG_ERR_COUNT ? extra[kind - LERR_COUNT] : "unknown";
}

/* A bad status is a status error to the dashboard; a customer expired in line, a
 * timeout; the line's bound and a failed allocation are the client's own limits, as
 * running out of descriptors is. */
enum loadgen_error lg_error_board_kind(int kind)
{
	switch (kind) {
	case LGERR_BAD_STATUS:
		return LERR_STATUS;
	case LGERR_EXPIRED:
		return LERR_TIMEOUT;
	case LGERR_LINE_FULL:
	case LGERR_NOMEM:
		return LERR_EMFILE;
	}
	return kind >= 0 && kind < LERR_COUNT ? (enum loadgen_error)kind : LERR_CONNECT;
}

void gauges_snapshot(struct lg_gauges *dst, const struct lg_gauges *src)
{
	dst->waiting = STAT_GET(src->waiting);
	dst->in_flight = STAT_GET(src->in_flight);
	dst->conns_open = STAT_GET(src->conns_open);
	dst->waiting_max = STAT_GET(src->waiting_max);
	dst->conns_max = STAT_GET(src->conns_max);
}

void gauges_merge(struct lg_gauges *dst, const struct lg_gauges *src)
{
	dst->waiting += src->waiting;
	dst->in_flight += src->in_flight;
	dst->conns_open += src->conns_open;
	dst->waiting_max += src->waiting_max;  /* peaks of different threads: an upper bound */
	dst->conns_max += src->conns_max;
}
