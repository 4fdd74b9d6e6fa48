/* helpers.c: the thread pool that runs work_us off the loop (see helpers.h).
 *
 * One FIFO of jobs under a mutex and a condition variable; N threads take jobs, burn
 * the CPU and post each job to its loop's inbox. The only thing a helper touches in
 * a loop is the inbox (its own lock) and ev_async_send, which libev makes safe to call
 * from any thread. Cost per job: two lock round trips and one wake-up of the loop.
 */
#include "helpers.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cpuwork.h"

struct helpers {
	pthread_mutex_t lock;
	pthread_cond_t wake;              /* a job was queued, or stop */
	struct helper_job *head, *tail;   /* queued jobs */
	unsigned busy;                    /* queued + running */
	bool stop;
	unsigned nthreads;                /* threads started */
	struct scoreboard_server *sb;
	pthread_t threads[];
};

static void inbox_post(struct helper_inbox *in, struct helper_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&in->lock);
	if (in->tail)
		in->tail->next = job;
	else
		in->head = job;
	in->tail = job;
	pthread_mutex_unlock(&in->lock);
	ev_async_send(in->loop, &in->async);
}

/* Take the next job, or NULL once the pool stops. */
static struct helper_job *pool_take(struct helpers *h)
{
	struct helper_job *job;

	pthread_mutex_lock(&h->lock);
	while (!h->stop && h->head == NULL)
		pthread_cond_wait(&h->wake, &h->lock);
	job = h->stop ? NULL : h->head;
	if (job) {
		h->head = job->next;
		if (h->head == NULL)
			h->tail = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	return job;
}

static void *helper_main(void *arg)
{
	struct helpers *h = arg;
	struct helper_job *job;

	pthread_setname_np(pthread_self(), "helper");
	if (h->sb)
		SB_ADD(h->sb->threads_alive, 1);
	while ((job = pool_take(h)) != NULL) {
		cpuwork_do(job->work_us);
		struct helper_inbox *in = job->inbox;
		pthread_mutex_lock(&h->lock);
		h->busy--;
		pthread_mutex_unlock(&h->lock);
		inbox_post(in, job); /* job may be reused by its loop from here on */
	}
	if (h->sb)
		SB_SUB(h->sb->threads_alive, 1);
	return NULL;
}

int helpers_new(struct helpers **out, unsigned threads, struct scoreboard_server *sb)
{
	struct helpers *h = calloc(1, sizeof(*h) + threads * sizeof(pthread_t));
	int err;

	*out = NULL;
	if (h == NULL)
		return -ENOMEM;
	h->sb = sb;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	for (unsigned i = 0; i < threads; i++) {
		err = pthread_create(&h->threads[i], NULL, helper_main, h);
		if (err) {
			helpers_free(h);
			return -err;
		}
		h->nthreads++;
	}
	*out = h;
	return 0;
}

void helpers_free(struct helpers *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	h->head = h->tail = NULL; /* dropped: the jobs belong to their orders */
	pthread_cond_broadcast(&h->wake);
	pthread_mutex_unlock(&h->lock);
	for (unsigned i = 0; i < h->nthreads; i++)
		pthread_join(h->threads[i], NULL);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void helpers_submit(struct helpers *h, struct helper_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&h->lock);
	if (h->tail)
		h->tail->next = job;
	else
		h->head = job;
	h->tail = job;
	h->busy++;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
}

unsigned helpers_busy(struct helpers *h)
{
	pthread_mutex_lock(&h->lock);
	unsigned n = h->busy;
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* Runs on the loop's thread: take every finished job, then hand each to done. */
static void inbox_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	struct helper_inbox *in = w->data;
	struct helper_job *job, *next;

	(void)loop;
	(void)revents;
	pthread_mutex_lock(&in->lock);
	job = in->head;
	in->head = in->tail = NULL;
	pthread_mutex_unlock(&in->lock);
	for (; job; job = next) {
		next = job->next;
		in->done(job, in->arg);
	}
}

int helper_inbox_init(struct helper_inbox *in, struct ev_loop *loop, helper_done_fn done, void *arg)
{
	int err = pthread_mutex_init(&in->lock, NULL);

	if (err)
		return -err;
	in->head = in->tail = NULL;
	in->loop = loop;
	in->done = done;
	in->arg = arg;
	ev_async_init(&in->async, inbox_cb);
	in->async.data = in;
	ev_async_start(loop, &in->async);
	return 0;
}

/* Call once no helper can post any more (the pool is freed) and the loop has stopped. */
void helper_inbox_destroy(struct helper_inbox *in)
{
	if (in->loop == NULL)
		return;
	ev_async_stop(in->loop, &in->async);
	pthread_mutex_destroy(&in->lock);
	in->loop = NULL;
}
