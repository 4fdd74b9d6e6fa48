/* housekeeping.c: heartbeat and freeze requests (see housekeeping.h).
 *
 * A freeze is handed to a cashier through s->freeze_ms[slot]; an idle cashier waiting
 * in line_pop is woken to take it, a busy one takes it before its next order. */
#include "housekeeping.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "restaurant.h"

struct housekeeping {
	struct blocking_server *srv;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;     /* CLOCK_MONOTONIC; signalled by housekeeping_stop */
	bool stop;
};

static void take_freeze(struct blocking_server *s)
{
	uint32_t ms, slot;

	if (!server_board_take_freeze(&s->board, &ms, &slot))
		return;
	if (slot >= SB_GET(s->board.sb->cashiers) || slot >= SCOREBOARD_MAX_CASHIERS)
		slot = 0; /* no such cashier: the first one faints */
	__atomic_store_n(&s->freeze_ms[slot], ms, __ATOMIC_RELEASE);
	line_wake_all(&s->line);
}

/* Connection buffers (about 10 KiB each) are freed when customers leave, but malloc
 * keeps the pages: after a burst of connections resident memory would stay at the
 * burst's high-water mark. Give them back every few seconds (as bin/evented does after
 * a burst), so resident memory follows the connections open now. Costs microseconds
 * on a heap of a few MB. */
#define TRIM_EVERY_TICKS 50

static void *housekeeping_main(void *arg)
{
	struct housekeeping *h = arg;
	struct timespec next;
	unsigned ticks = 0;

	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		pthread_mutex_unlock(&h->mu);
		server_board_tick(&h->srv->board, h->srv->listen_fd);
		take_freeze(h->srv);
		if (++ticks % TRIM_EVERY_TICKS == 0)
			malloc_trim(0);
		pthread_mutex_lock(&h->mu);
		next.tv_nsec += HOUSEKEEPING_TICK_MS * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int housekeeping_start(struct blocking_server *s, struct housekeeping **out)
{
	pthread_condattr_t attr;
	struct housekeeping *h = calloc(1, sizeof(*h));
	int err;

	if (!h)
		return -ENOMEM;
	h->srv = s;
	pthread_mutex_init(&h->mu, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->cv, &attr);
	pthread_condattr_destroy(&attr);
	err = pthread_create(&h->thread, NULL, housekeeping_main, h);
	if (err) {
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return -err;
	}
	*out = h;
	return 0;
}

void housekeeping_stop(struct housekeeping *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
