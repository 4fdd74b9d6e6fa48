/* helpers.h: a pool of threads that run the CPU part of orders off the event loop.
 *
 * Like libuv's thread pool: the loop hands a job to the pool and goes on serving; a
 * helper burns the job's work_us (cpuwork.h) and posts it back to the loop it came
 * from through that loop's inbox, which wakes the loop with an ev_async. Lesson 5
 * ("the chef who cooks at the register") turns --helpers on and the loop lag falls.
 */
#ifndef EVENTED_HELPERS_H
#define EVENTED_HELPERS_H

#include <ev.h>
#include <pthread.h>
#include <stdint.h>

#include "scoreboard.h"

struct helper_inbox;

/* One job; embedded in the order it belongs to, never allocated by the pool. */
struct helper_job {
	struct helper_job *next;     /* queue link, owned by whoever holds the job */
	uint32_t work_us;            /* CPU to burn */
	struct helper_inbox *inbox;  /* where the finished job goes */
};

typedef void (*helper_done_fn)(struct helper_job *job, void *arg);

/* A loop's return queue. Helpers append under the lock and wake the loop; the loop
 * takes the whole list in one go and calls done for each job, in finishing order. */
struct helper_inbox {
	pthread_mutex_t lock;
	struct helper_job *head, *tail;  /* finished jobs not yet taken */
	ev_async async;
	struct ev_loop *loop;
	helper_done_fn done;
	void *arg;
};

struct helpers; /* opaque: the pool */

/* Start threads helpers; each counts itself in sb->threads_alive (sb may be NULL).
 * 0 or a negative errno. */
int helpers_new(struct helpers **out, unsigned threads, struct scoreboard_server *sb);

/* Stop and join the threads. Jobs still queued are dropped (their owners free them);
 * a job being worked on finishes and is posted first. helpers_free(NULL) is a no-op. */
void helpers_free(struct helpers *h);

/* Queue job (job->work_us and job->inbox set). Thread-safe. */
void helpers_submit(struct helpers *h, struct helper_job *job);

/* Jobs queued or running now. */
unsigned helpers_busy(struct helpers *h);

/* Attach an inbox to loop (starts its ev_async); done runs on the loop's thread. */
int helper_inbox_init(struct helper_inbox *in, struct ev_loop *loop, helper_done_fn done, void *arg);
void helper_inbox_destroy(struct helper_inbox *in);

#endif
