/* line.c: the FIFO line between the acceptor and the cashiers (see line.h).
 *
 * One lock for the whole line: pushes and pops are a few pointer moves, so the lock is
 * held for nanoseconds and a fancier queue would teach nothing. */
#include "line.h"

#include <errno.h>

int line_init(struct line *l)
{
	int err = pthread_mutex_init(&l->mu, NULL);
	if (err)
		return -err;
	err = pthread_cond_init(&l->cv, NULL);
	if (err) {
		pthread_mutex_destroy(&l->mu);
		return -err;
	}
	l->head = l->tail = NULL;
	l->len = 0;
	l->closed = false;
	return 0;
}

void line_destroy(struct line *l)
{
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
}

int line_push(struct line *l, struct line_item *it, uint64_t now_ns)
{
	pthread_mutex_lock(&l->mu);
	if (l->closed) {
		pthread_mutex_unlock(&l->mu);
		return -EPIPE;
	}
	it->next = NULL;
	it->joined_ns = now_ns;
	if (l->tail)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
	l->len++;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return 0;
}

static bool woken(const uint32_t *wake_flag)
{
	return wake_flag && __atomic_load_n(wake_flag, __ATOMIC_ACQUIRE) != 0;
}

enum line_pop_result line_pop(struct line *l, struct line_item **out, const uint32_t *wake_flag)
{
	enum line_pop_result r;

	pthread_mutex_lock(&l->mu);
	while (!l->head && !l->closed && !woken(wake_flag))
		pthread_cond_wait(&l->cv, &l->mu);
	if (woken(wake_flag)) {
		r = LINE_WOKEN;
	} else if (l->head) {
		*out = l->head;
		l->head = l->head->next;
		if (!l->head)
			l->tail = NULL;
		l->len--;
		(*out)->next = NULL;
		r = LINE_GOT;
	} else {
		r = LINE_CLOSED;
	}
	pthread_mutex_unlock(&l->mu);
	return r;
}

/* Taking the lock orders this broadcast after the flag the caller set, so a cashier
 * between its check and its wait cannot miss it. */
void line_wake_all(struct line *l)
{
	pthread_mutex_lock(&l->mu);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

void line_close(struct line *l)
{
	pthread_mutex_lock(&l->mu);
	l->closed = true;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

size_t line_length(struct line *l)
{
	pthread_mutex_lock(&l->mu);
	size_t n = l->len;
	pthread_mutex_unlock(&l->mu);
	return n;
}
