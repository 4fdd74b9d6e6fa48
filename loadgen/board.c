/* board.c: publish the load generator's state and read its control slot (board.h). */
#include "board.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

int board_open(struct lg_board *b, const char *name, const struct lg_config *cfg,
	       const struct lg_control *in_force)
{
	void *map = NULL;
	memset(b, 0, sizeof *b);
	int rc = scoreboard_create(name, SCOREBOARD_LOADGEN, "loadgen", sizeof(struct scoreboard_loadgen), &map);
	if (rc)
		return rc;
	b->sb = map;
	b->size = sizeof(struct scoreboard_loadgen);
	snprintf(b->name, sizeof b->name, "%s", name);

	struct scoreboard_loadgen *sb = b->sb;
	snprintf(sb->target, sizeof sb->target, "%s", cfg->target);
	sb->open_loop = cfg->mode == LG_OPEN;
	sb->connections = cfg->mode == LG_OPEN ? cfg->max_conns : cfg->connections;
	sb->seed = cfg->seed;
	sb->threads = cfg->threads;
	hist_init(&sb->latency);
	hist_init(&sb->uncorrected);
	b->ctl_seq_seen = SB_GET(sb->ctl_seq);
	board_in_force(b, in_force);
	SB_SET(sb->hdr.heartbeat_ns, clock_now_ns());
	return 0;
}

/* Field by field with relaxed stores, count last, so that a reader's hist_snapshot
 * never sees a count ahead of its buckets by more than one tick. */
static void publish_hist(struct hist *dst, const struct hist *src)
{
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		SB_SET(dst->buckets[i], src->buckets[i]);
	SB_SET(dst->sum_us, src->sum_us);
	SB_SET(dst->min_us, src->min_us);
	SB_SET(dst->max_us, src->max_us);
	SB_SET(dst->count, src->count);
}

void board_publish(struct lg_board *b, const struct lg_stats *all, const struct lg_gauges *g, uint64_t now_ns)
{
	struct scoreboard_loadgen *sb = b->sb;
	if (!sb)
		return;
	SB_SET(sb->arrived, all->arrived);
	SB_SET(sb->sent, all->sent);
	SB_SET(sb->completed, all->completed);
	uint64_t errors[LERR_COUNT] = { 0 };
	for (int i = 0; i < LG_ERR_COUNT; i++)
		errors[lg_error_board_kind(i)] += all->errors[i];
	for (int i = 0; i < LERR_COUNT; i++)
		SB_SET(sb->errors[i], errors[i]);
	SB_SET(sb->status_2xx, all->status_class[2]);
	SB_SET(sb->status_3xx, all->status_class[3]);
	SB_SET(sb->status_4xx, all->status_class[4]);
	SB_SET(sb->status_5xx, all->status_class[5]);
	SB_SET(sb->waiting, g->waiting);
	SB_SET(sb->in_flight, g->in_flight);
	SB_SET(sb->conns_open, g->conns_open);
	publish_hist(&sb->latency, &all->latency);
	publish_hist(&sb->uncorrected, &all->uncorrected);
	SB_SET(sb->hdr.heartbeat_ns, now_ns);
}

bool board_poll_control(struct lg_board *b, struct lg_control *ctl)
{
	struct scoreboard_loadgen *sb = b->sb;
	if (!sb)
		return false;
	uint64_t seq = __atomic_load_n(&sb->ctl_seq, __ATOMIC_ACQUIRE);
	if (seq == b->ctl_seq_seen)
		return false;
	b->ctl_seq_seen = seq;
	ctl->rate_milli = SB_GET(sb->ctl_rate_milli);
	if (ctl->rate_milli > (uint64_t)(LG_RATE_MAX * 1000.0)) {
		b->refused_rate_milli = ctl->rate_milli;
		ctl->rate_milli = SB_GET(sb->rate_milli);
	}
	ctl->cook_ms = SB_GET(sb->ctl_cook_ms);
	ctl->work_us = SB_GET(sb->ctl_work_us);
	ctl->paused = SB_GET(sb->ctl_paused) != 0;
	ctl->keepalive = SB_GET(sb->ctl_keepalive) != 0;
	return true;
}

void board_in_force(struct lg_board *b, const struct lg_control *ctl)
{
	struct scoreboard_loadgen *sb = b->sb;
	if (!sb)
		return;
	SB_SET(sb->rate_milli, ctl->rate_milli);
	SB_SET(sb->cook_ms, ctl->cook_ms);
	SB_SET(sb->work_us, ctl->work_us);
	SB_SET(sb->paused, ctl->paused ? 1u : 0u);
	SB_SET(sb->keepalive, ctl->keepalive ? 1u : 0u);
}

void board_close(struct lg_board *b)
{
	if (!b->sb)
		return;
	SB_SET(b->sb->finished, 1u);
	SB_SET(b->sb->hdr.alive, 0u);
	scoreboard_unmap(b->sb, b->size);
	scoreboard_remove(b->name);
	b->sb = NULL;
}
