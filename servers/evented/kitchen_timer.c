/* kitchen_timer.c: the built-in kitchen: a min-heap of deadlines on one timerfd.
 *
 * The timerfd is armed (absolute, CLOCK_MONOTONIC) for the earliest deadline and
 * watched by an ev_io; when it fires, every order whose time has come is handed
 * back, and the timerfd is armed for the next. Orders of equal cook time arrive in
 * deadline order, so adding one rarely changes the earliest: no system call then.
 * Lesson 2 ("the lunch rush") counts on the 50 ms being 50 ms.
 */
#include "kitchen_timer.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"

struct entry {
	uint64_t deadline_ns;
	void *arg;
	uint32_t *pos;          /* the owner's copy of this entry's index */
};

struct kitchen_timer {
	ev_io io;               /* the timerfd */
	struct ev_loop *loop;
	kitchen_timer_fn fn;
	int fd;
	uint64_t armed_ns;      /* what the timerfd is set to; 0: disarmed */
	struct entry *heap;
	uint32_t n, cap;
};

static void place(struct kitchen_timer *kt, uint32_t i, struct entry e)
{
	kt->heap[i] = e;
	*e.pos = i;
}

static void sift_up(struct kitchen_timer *kt, uint32_t i)
{
	struct entry e = kt->heap[i];
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (kt->heap[parent].deadline_ns <= e.deadline_ns)
			break;
		place(kt, i, kt->heap[parent]);
		i = parent;
	}
	place(kt, i, e);
}

static void sift_down(struct kitchen_timer *kt, uint32_t i)
{
	struct entry e = kt->heap[i];
	for (;;) {
		uint32_t child = 2 * i + 1;
		if (child >= kt->n)
			break;
		if (child + 1 < kt->n && kt->heap[child + 1].deadline_ns < kt->heap[child].deadline_ns)
			child++;
		if (e.deadline_ns <= kt->heap[child].deadline_ns)
			break;
		place(kt, i, kt->heap[child]);
		i = child;
	}
	place(kt, i, e);
}

/* Take out entry i; its owner's position becomes NONE. */
static void take(struct kitchen_timer *kt, uint32_t i)
{
	*kt->heap[i].pos = KITCHEN_TIMER_NONE;
	if (--kt->n == i)
		return;
	struct entry last = kt->heap[kt->n]; /* fills the hole, then finds its place */
	place(kt, i, last);
	sift_down(kt, i);
	sift_up(kt, *last.pos);
}

/* Arm the timerfd for the earliest deadline, if it is not already set to fire by then. */
static void arm(struct kitchen_timer *kt)
{
	if (kt->n == 0)
		return; /* a stale alarm only wakes the loop once, for nothing */
	uint64_t at = kt->heap[0].deadline_ns;
	if (kt->armed_ns != 0 && kt->armed_ns <= at)
		return;
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(at / NS_PER_SEC),
						.tv_nsec = (long)(at % NS_PER_SEC) } };
	if (at == 0)
		its.it_value.tv_nsec = 1; /* 0 would disarm it */
	timerfd_settime(kt->fd, TFD_TIMER_ABSTIME, &its, NULL);
	kt->armed_ns = at;
}

static void fire_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct kitchen_timer *kt = (struct kitchen_timer *)w;
	uint64_t expirations;

	(void)loop;
	(void)revents;
	if (read(kt->fd, &expirations, sizeof(expirations)) < 0 && errno == EAGAIN)
		return; /* re-armed since it became readable */
	kt->armed_ns = 0;
	uint64_t now = clock_now_ns();
	/* a callback may add orders (the next pipelined one): they are later than now */
	while (kt->n > 0 && kt->heap[0].deadline_ns <= now) {
		void *arg = kt->heap[0].arg;
		take(kt, 0);
		kt->fn(arg);
	}
	arm(kt);
}

int kitchen_timer_new(struct kitchen_timer **out, struct ev_loop *loop, kitchen_timer_fn fn)
{
	struct kitchen_timer *kt = calloc(1, sizeof(*kt));

	*out = NULL;
	if (kt == NULL)
		return -ENOMEM;
	kt->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (kt->fd < 0) {
		int err = -errno;
		free(kt);
		return err;
	}
	kt->loop = loop;
	kt->fn = fn;
	ev_io_init(&kt->io, fire_cb, kt->fd, EV_READ);
	ev_io_start(loop, &kt->io);
	ev_unref(loop); /* the kitchen alone does not keep a loop running */
	*out = kt;
	return 0;
}

void kitchen_timer_free(struct kitchen_timer *kt)
{
	if (kt == NULL)
		return;
	for (uint32_t i = 0; i < kt->n; i++)
		*kt->heap[i].pos = KITCHEN_TIMER_NONE;
	ev_ref(kt->loop);
	ev_io_stop(kt->loop, &kt->io);
	close(kt->fd);
	free(kt->heap);
	free(kt);
}

int kitchen_timer_add(struct kitchen_timer *kt, uint64_t deadline_ns, void *arg, uint32_t *pos)
{
	if (kt->n == kt->cap) {
		uint32_t cap = kt->cap ? kt->cap * 2 : 256;
		struct entry *h = realloc(kt->heap, cap * sizeof(*h));
		if (h == NULL)
			return -ENOMEM;
		kt->heap = h;
		kt->cap = cap;
	}
	kt->heap[kt->n] = (struct entry){ .deadline_ns = deadline_ns, .arg = arg, .pos = pos };
	*pos = kt->n;
	sift_up(kt, kt->n++);
	arm(kt);
	return 0;
}

void kitchen_timer_remove(struct kitchen_timer *kt, uint32_t *pos)
{
	if (*pos != KITCHEN_TIMER_NONE && *pos < kt->n)
		take(kt, *pos);
}
