/* crew.c: the cashier threads of the blocking server (see crew.h).
 *
 * A fixed crew (--threads N) fed from the line, or with --threads 0 a detached thread
 * born for each connection and gone with it. What a cashier does with a customer is in
 * cashier.c; this file only decides who serves whom, and for how long.
 */
#include "crew.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "cashier.h"
#include "clock.h"
#include "restaurant.h"

#define CASHIER_STACK_BYTES (512 * 1024) /* --threads 0 may run thousands of threads */

/* A crew cashier: take the oldest customer in line, serve one order, repeat until the
 * line is closed and empty. A freeze request wakes an idle cashier (LINE_WOKEN). */
static void *crew_main(void *arg)
{
	struct cashier *c = arg;
	struct blocking_server *s = c->srv;
	const uint32_t *wake = c->slot >= 0 ? &s->freeze_ms[c->slot] : NULL;

	for (;;) {
		struct line_item *it;
		cashier_freeze_if_asked(c);
		cashier_set_state(c, CASHIER_IDLE, clock_now_ns());
		enum line_pop_result r = line_pop(&s->line, &it, wake);
		if (r == LINE_CLOSED)
			break;
		if (r == LINE_WOKEN)
			continue;
		struct conn *conn = (struct conn *)((char *)it - offsetof(struct conn, line));
		if (s->board.sb)
			SB_SUB(s->board.sb->in_line, 1);
		uint64_t joined = it->joined_ns, now = clock_now_ns();
		if (s->cfg.hold_connection) {
			if (cashier_serve_order(c, conn, joined, now - joined, now) == SERVED_KEEP)
				cashier_serve_connection(c, conn);
		} else if (cashier_serve_order(c, conn, joined, now - joined, now) == SERVED_KEEP) {
			cashier_send_back(c, conn);
		}
	}
	cashier_goodbye(c);
	return NULL;
}

int crew_start(struct blocking_server *s)
{
	uint32_t n = s->cfg.threads;
	pthread_attr_t attr;
	int err = 0;

	s->crew = calloc(n, sizeof(*s->crew));
	if (!s->crew)
		return -ENOMEM;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CASHIER_STACK_BYTES); /* --threads 10000 must fit */
	for (uint32_t i = 0; i < n && err == 0; i++) {
		struct cashier *c = calloc(1, sizeof(*c));
		if (!c) {
			err = ENOMEM;
			break;
		}
		c->srv = s;
		cashier_hello(c, server_board_cashier_take(&s->board));
		err = pthread_create(&c->thread, &attr, crew_main, c);
		if (err) {
			cashier_goodbye(c);
			free(c);
			break;
		}
		s->crew[s->crew_running++] = c;
	}
	pthread_attr_destroy(&attr);
	return -err;
}

/* pthread_timedjoin_np counts on CLOCK_REALTIME: turn a monotonic deadline into one. */
static struct timespec realtime_deadline(uint64_t deadline_ns)
{
	struct timespec rt;
	uint64_t now = clock_now_ns();
	uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;

	clock_gettime(CLOCK_REALTIME, &rt);
	uint64_t ns = (uint64_t)rt.tv_sec * NS_PER_SEC + (uint64_t)rt.tv_nsec + wait;
	rt.tv_sec = (time_t)(ns / NS_PER_SEC);
	rt.tv_nsec = (long)(ns % NS_PER_SEC);
	return rt;
}

uint32_t crew_join(struct blocking_server *s, uint64_t deadline_ns)
{
	uint32_t left = 0;

	for (uint32_t i = 0; i < s->crew_running; i++) {
		struct cashier *c = s->crew[i];
		if (!c)
			continue;
		struct timespec ts = realtime_deadline(deadline_ns);
		if (pthread_timedjoin_np(c->thread, NULL, &ts) == 0) {
			free(c);
			s->crew[i] = NULL;
		} else {
			left++;
		}
	}
	return left;
}

/* --threads 0: a thread for one connection, with a reused scoreboard slot. */
static void *solo_main(void *arg)
{
	struct cashier *c = arg;
	struct blocking_server *s = c->srv;

	cashier_hello(c, server_slot_take(s));
	cashier_serve_connection(c, c->first);
	cashier_goodbye(c);
	server_slot_give(s, c->slot);
	free(c);
	/* last touch of s: the server may be freed as soon as solo_threads reaches 0 */
	pthread_mutex_lock(&s->solo_mu);
	s->solo_threads--;
	pthread_cond_broadcast(&s->solo_cv);
	pthread_mutex_unlock(&s->solo_mu);
	return NULL;
}

int crew_solo_spawn(struct blocking_server *s, struct conn *conn)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct cashier *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->srv = s;
	c->first = conn;
	c->slot = -1;
	err = pthread_attr_init(&attr);
	if (err)
		goto out_free;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, CASHIER_STACK_BYTES);
	pthread_mutex_lock(&s->solo_mu);
	s->solo_threads++;
	pthread_mutex_unlock(&s->solo_mu);
	err = pthread_create(&tid, &attr, solo_main, c);
	pthread_attr_destroy(&attr);
	if (err == 0)
		return 0;
	pthread_mutex_lock(&s->solo_mu);
	s->solo_threads--;
	pthread_cond_broadcast(&s->solo_cv);
	pthread_mutex_unlock(&s->solo_mu);
out_free:
	free(c);
	return -err;
}

uint32_t crew_solo_wait(struct blocking_server *s, uint64_t deadline_ns)
{
	uint32_t left;

	pthread_mutex_lock(&s->solo_mu);
	while (s->solo_threads > 0 && clock_now_ns() < deadline_ns) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->solo_cv, &s->solo_mu, &ts);
	}
	left = s->solo_threads;
	pthread_mutex_unlock(&s->solo_mu);
	return left;
}
