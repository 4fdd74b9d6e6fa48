/* test_evented_helpers.c: the helper pool (servers/evented/helpers.c) runs the CPU part
 * off the loop and hands every job back to the loop it came from, exactly once, through
 * an ev_async; freeing the pool with jobs queued neither waits for them nor posts them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <ev.h>
#include <pthread.h>

#include "clock.h"
#include "cpuwork.h"
#include "../../servers/evented/helpers.h"

#define JOBS 40

struct back {
	int count[JOBS];     /* times each job came back */
	int total;
	pthread_t thread;    /* the thread done ran on */
	bool other_thread;
};

static struct helper_job jobs[JOBS];

static void on_done(struct helper_job *job, void *arg)
{
	struct back *b = arg;
	b->count[job - jobs]++;
	b->total++;
	if (!pthread_equal(pthread_self(), b->thread))
		b->other_thread = true;
}

/* A fresh loop whose inbox counts the jobs coming back into *b, and a pool of n
 * helpers posting to it. */
static struct ev_loop *pool_start(struct back *b, struct helper_inbox *inbox, struct helpers **h, int n)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(loop);
	memset(b, 0, sizeof(*b));
	b->thread = pthread_self();
	assert_int_equal(helper_inbox_init(inbox, loop, on_done, b), 0);
	assert_int_equal(helpers_new(h, n, NULL), 0);
	return loop;
}

/* JOBS jobs of work_us each, coming back to inbox. */
static void submit_jobs(struct helpers *h, struct helper_inbox *inbox, uint32_t work_us)
{
	for (int i = 0; i < JOBS; i++) {
		jobs[i] = (struct helper_job){ .work_us = work_us, .inbox = inbox };
		helpers_submit(h, &jobs[i]);
	}
}

static int setup(void **state)
{
	(void)state;
	cpuwork_calibrate();
	return 0;
}

static void test_helpers_run_off_the_loop_and_come_back(void **state)
{
	static struct back b;
	struct helper_inbox inbox;
	struct helpers *h;
	(void)state;
	struct ev_loop *loop = pool_start(&b, &inbox, &h, 2);

	uint64_t cpu0 = clock_thread_cpu_ns(), t0 = clock_now_ns();
	submit_jobs(h, &inbox, 2000);
	while (b.total < JOBS && clock_now_ns() - t0 < 10 * NS_PER_SEC)
		ev_run(loop, EVRUN_ONCE);
	uint64_t loop_cpu = clock_thread_cpu_ns() - cpu0, wall = clock_now_ns() - t0;
	print_message("%d jobs of 2 ms on 2 helpers: back after %.1f ms, the loop's own CPU %.1f ms\n", JOBS,
		      wall / 1e6, loop_cpu / 1e6);
	assert_int_equal(b.total, JOBS);
	for (int i = 0; i < JOBS; i++)
		assert_int_equal(b.count[i], 1);
	assert_false(b.other_thread); /* done runs on the loop's thread */
	assert_true(loop_cpu < JOBS * 2 * NS_PER_MS / 4); /* the work was not done here */
	assert_int_equal(helpers_busy(h), 0);

	helpers_free(h);
	helper_inbox_destroy(&inbox);
	ev_loop_destroy(loop);
}

static void test_helpers_free_drops_queued_jobs(void **state)
{
	static struct back b;
	struct helper_inbox inbox;
	struct helpers *h;
	(void)state;
	struct ev_loop *loop = pool_start(&b, &inbox, &h, 1);
	submit_jobs(h, &inbox, 20000);
	uint64_t t0 = clock_now_ns();
	helpers_free(h); /* at most the job in hand finishes: 20 ms, not 800 */
	uint64_t took = clock_now_ns() - t0;
	ev_run(loop, EVRUN_NOWAIT);
	print_message("freeing a pool with %d queued jobs of 20 ms took %.1f ms; %d came back\n", JOBS, took / 1e6,
		      b.total);
	assert_true(took < 400 * NS_PER_MS);
	assert_true(b.total <= 1);
	helper_inbox_destroy(&inbox);
	ev_loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers_run_off_the_loop_and_come_back),
		cmocka_unit_test(test_helpers_free_drops_queued_jobs),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
