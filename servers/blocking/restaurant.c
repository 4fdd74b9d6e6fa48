/* restaurant.c: the helpers every part of the blocking server shares (see restaurant.h):
 * connections opened and closed with their counters, the line joined, cashier slots.
 */
#include "restaurant.h"

#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "net.h"

bool server_stopping(const struct blocking_server *s)
{
	return __atomic_load_n(&s->stopping, __ATOMIC_ACQUIRE) != 0;
}

struct conn *server_conn_open(struct blocking_server *s, int fd)
{
	struct scoreboard_server *sb = s->board.sb;
	struct conn *c = conn_new(fd);

	if (sb) {
		SB_ADD(sb->accepted, 1);
		SB_ADD(sb->conns_open, 1);
	}
	if (!c) {
		close(fd);
		if (sb) {
			SB_ADD(sb->closed, 1);
			SB_SUB(sb->conns_open, 1);
		}
		return NULL;
	}
	net_set_nodelay(fd); /* a response is one write; do not let Nagle hold the next */
	return c;
}

void server_conn_close(struct blocking_server *s, struct conn *c)
{
	struct scoreboard_server *sb = s->board.sb;

	if (!c)
		return;
	if (c->counted)
		__atomic_fetch_sub(&s->customers, 1, __ATOMIC_RELAXED);
	conn_free(c);
	if (sb) {
		SB_ADD(sb->closed, 1);
		SB_SUB(sb->conns_open, 1);
	}
}

/* in_line goes up before the push, so a cashier's decrement can never come first. */
void server_line_join(struct blocking_server *s, struct conn *c)
{
	struct scoreboard_server *sb = s->board.sb;

	if (sb)
		SB_ADD(sb->in_line, 1);
	if (line_push(&s->line, &c->line, clock_now_ns()) < 0) {
		if (sb)
			SB_SUB(sb->in_line, 1);
		server_conn_close(s, c);
		return;
	}
	if (sb)
		SB_ADD(sb->arrived, 1);
}

bool server_line_full(struct blocking_server *s)
{
	return s->cfg.max_line && line_length(&s->line) >= s->cfg.max_line;
}

int server_slot_take(struct blocking_server *s)
{
	int slot;

	pthread_mutex_lock(&s->solo_mu);
	if (s->free_slot_count > 0)
		slot = s->free_slots[--s->free_slot_count];
	else
		slot = server_board_cashier_take(&s->board);
	pthread_mutex_unlock(&s->solo_mu);
	return slot;
}

void server_slot_give(struct blocking_server *s, int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&s->solo_mu);
	if (s->free_slot_count < SCOREBOARD_MAX_CASHIERS)
		s->free_slots[s->free_slot_count++] = slot;
	pthread_mutex_unlock(&s->solo_mu);
}
