/* test_server_board.c: a server's side of its scoreboard (common/server_board.c):
 * configuration fields, counters, cashier slots, the control slot under contention,
 * the accept-queue gauge, and the refusal of a name a live server holds. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "net.h"
#include "server_board.h"
#include "server_policy.h"

/* A name of our own per test, so parallel runs and other helpers never collide. */
static void board_config(struct server_config *cfg, enum server_model model, const char *tag)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->model = model;
	strcpy(cfg->host, "127.0.0.1");
	cfg->cook_ms = 50;
	cfg->work_us = 10;
	cfg->max_conns = 100;
	cfg->threads = 4;
	cfg->loops = 2;
	cfg->helpers = 3;
	cfg->hold_connection = true;
	snprintf(cfg->scoreboard, sizeof(cfg->scoreboard), "test-board-%s-%d", tag, (int)getpid());
}

static int setup(void **state)
{
	static struct server_board b;
	memset(&b, 0, sizeof(b));
	*state = &b;
	return 0;
}

static int teardown(void **state)
{
	server_board_close(*state);
	return 0;
}

static void test_server_board_open_fills_config(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;

	board_config(&cfg, MODEL_BLOCKING, "cfg");
	assert_int_equal(server_board_open(b, &cfg, 4242), 0);
	assert_non_null(b->sb);
	assert_string_equal(b->name, cfg.scoreboard);
	assert_int_equal(b->sb->hdr.kind, SCOREBOARD_SERVER);
	assert_int_equal(b->sb->hdr.alive, 1);
	assert_string_equal(b->sb->hdr.model, "blocking");
	assert_string_equal(b->sb->host, "127.0.0.1");
	assert_int_equal(b->sb->port, 4242);
	assert_int_equal(b->sb->threads_cfg, 4);
	assert_int_equal(b->sb->loops_cfg, 0);
	assert_int_equal(b->sb->cook_ms_default, 50);
	assert_int_equal(b->sb->work_us_default, 10);
	assert_int_equal(b->sb->max_conns, 100);
	assert_int_equal(b->sb->hold_connection, 1);
	assert_int_equal(b->sb->kitchen_remote, 0);
	assert_int_equal(hist_percentile(&b->sb->latency, 50), 0);
	assert_int_equal(hist_min(&b->sb->latency), 0);

	/* another process (or this one) reading it sees the same */
	void *map;
	size_t size;
	assert_int_equal(scoreboard_open(b->name, SCOREBOARD_SERVER, false, &map, &size), 0);
	assert_int_equal(((struct scoreboard_server *)map)->port, 4242);
	scoreboard_unmap(map, size);
}

static void test_server_board_default_name(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;

	board_config(&cfg, MODEL_EVENTED, "x");
	cfg.scoreboard[0] = '\0';
	/* a port below 1024 (no test server listens there), varied so parallel runs differ */
	uint16_t port = (uint16_t)(1 + getpid() % 1023);
	char want[32];
	snprintf(want, sizeof(want), "evented-%u", (unsigned)port);
	assert_int_equal(server_board_open(b, &cfg, port), 0);
	assert_string_equal(b->name, want);
	assert_int_equal(b->sb->loops_cfg, 2);
	assert_int_equal(b->sb->helpers_cfg, 3);
	assert_int_equal(b->sb->threads_cfg, 0);
}

static void test_server_board_close_removes(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;
	void *map;
	size_t size;

	board_config(&cfg, MODEL_BLOCKING, "close");
	assert_int_equal(server_board_open(b, &cfg, 1), 0);
	server_board_close(b);
	assert_null(b->sb);
	assert_int_equal(scoreboard_open(cfg.scoreboard, SCOREBOARD_SERVER, false, &map, &size), -ENOENT);
	server_board_close(b); /* twice is harmless */
}

static void test_server_board_in_use(void **state)
{
	struct server_board *b = *state;
	struct server_board other;
	struct server_config cfg;
	char msg[256], want[256];
	FILE *tmp = tmpfile();

	board_config(&cfg, MODEL_BLOCKING, "busy");
	assert_int_equal(server_board_open(b, &cfg, 1), 0);

	/* the same name again while its writer (us) lives: refused with the owner's pid */
	fflush(stderr);
	int saved = dup(2);
	dup2(fileno(tmp), 2);
	int rc = server_board_open(&other, &cfg, 1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	msg[fread(msg, 1, sizeof(msg) - 1, tmp)] = '\0';
	fclose(tmp);

	assert_int_equal(rc, -EEXIST);
	snprintf(want, sizeof(want), "scoreboard %s is in use by pid %d: pick another --scoreboard\n", cfg.scoreboard,
		 (int)getpid());
	assert_string_equal(msg, want);
	assert_non_null(b->sb); /* the first board is untouched */
}

static void test_server_board_counters(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;

	board_config(&cfg, MODEL_EVENTED, "count");
	assert_int_equal(server_board_open(b, &cfg, 1), 0);
	server_board_order_done(b, 2 * NS_PER_MS);
	server_board_order_done(b, 4 * NS_PER_MS);
	server_board_error(b, SERR_NOT_FOUND);
	server_board_error(b, SERR_KITCHEN_TIMEOUT);
	server_board_error(b, SERR_IO);      /* no response written */
	server_board_error(b, SERR_TIMEOUT); /* no response written */
	server_board_error(b, SERR_COUNT);   /* out of range: ignored */

	assert_int_equal(b->sb->served, 2);
	assert_int_equal(b->sb->responses, 4);
	assert_int_equal(b->sb->errors[SERR_NOT_FOUND], 1);
	assert_int_equal(b->sb->errors[SERR_KITCHEN_TIMEOUT], 1);
	assert_int_equal(b->sb->errors[SERR_IO], 1);
	assert_int_equal(b->sb->errors[SERR_TIMEOUT], 1);
	assert_int_equal(b->sb->latency.count, 2);
	uint64_t p100 = hist_percentile(&b->sb->latency, 100);
	assert_true(p100 >= 3960 && p100 <= 4040); /* 4 ms in us, within 1 % */
	assert_true(hist_min(&b->sb->latency) >= 1980 && hist_min(&b->sb->latency) <= 2020);
}

static void test_server_board_unopened_is_noop(void **state)
{
	struct server_board *b = *state;
	uint32_t ms, slot;

	server_board_tick(b, -1);
	server_board_order_done(b, 1000);
	server_board_error(b, SERR_IO);
	assert_int_equal(server_board_cashier_take(b), -1);
	assert_null(server_board_cashier(b, 0));
	assert_false(server_board_take_freeze(b, &ms, &slot));
}

static void test_server_board_cashier_take(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;

	board_config(&cfg, MODEL_BLOCKING, "slots");
	assert_int_equal(server_board_open(b, &cfg, 1), 0);
	for (int i = 0; i < SCOREBOARD_MAX_CASHIERS; i++)
		assert_int_equal(server_board_cashier_take(b), i);
	assert_int_equal(server_board_cashier_take(b), -1);
	assert_int_equal(server_board_cashier_take(b), -1);
	assert_int_equal(b->sb->cashiers, SCOREBOARD_MAX_CASHIERS);
	assert_ptr_equal(server_board_cashier(b, 3), &b->sb->cashier[3]);
	assert_null(server_board_cashier(b, -1));
	assert_null(server_board_cashier(b, SCOREBOARD_MAX_CASHIERS));
	assert_int_equal(b->sb->cashier[0].state, CASHIER_IDLE);
}

static void test_server_board_tick(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;
	char err[256];
	int lfd = net_listen("127.0.0.1", 0, false, false, err, sizeof(err));

	assert_true(lfd >= 0);
	board_config(&cfg, MODEL_BLOCKING, "tick");
	assert_int_equal(server_board_open(b, &cfg, 1), 0);
	uint64_t before = clock_now_ns();
	server_board_tick(b, lfd);
	assert_true(b->sb->hdr.heartbeat_ns >= before);
	assert_int_equal(b->sb->accept_queue, 0);
	assert_true(b->sb->accept_queue_max > 0);
	close(lfd);
}

struct freeze_race {
	struct server_board *b;
	int started;   /* threads polling (atomic) */
	int won;       /* set once somebody took the request (atomic) */
	int wins;      /* requests taken, all threads (atomic) */
	int bad_ms;    /* a taker saw the wrong duration (atomic) */
};

/* Poll until the request has been taken, then keep polling a while longer so that a
 * second, wrong taker would have every chance to appear. */
static void *freeze_taker(void *arg)
{
	struct freeze_race *r = arg;
	uint32_t ms, slot;
	int after = 0;

	__atomic_fetch_add(&r->started, 1, __ATOMIC_RELEASE);
	uint64_t deadline = clock_now_ns() + 5 * NS_PER_SEC;
	while (after < 100000 && clock_now_ns() < deadline) {
		if (server_board_take_freeze(r->b, &ms, &slot)) {
			__atomic_fetch_add(&r->wins, 1, __ATOMIC_RELAXED);
			if (ms != 250)
				__atomic_fetch_add(&r->bad_ms, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&r->won, 1, __ATOMIC_RELEASE);
		}
		if (__atomic_load_n(&r->won, __ATOMIC_ACQUIRE))
			after++;
	}
	return NULL;
}

static void test_server_board_take_freeze(void **state)
{
	struct server_board *b = *state;
	struct server_config cfg;
	uint32_t ms = 0, slot = 0;

	board_config(&cfg, MODEL_BLOCKING, "freeze");
	assert_int_equal(server_board_open(b, &cfg, 1), 0);
	assert_false(server_board_take_freeze(b, &ms, &slot));

	b->sb->ctl_freeze_ms = 250;
	b->sb->ctl_cashier = 2;
	__atomic_fetch_add(&b->sb->ctl_seq, 1, __ATOMIC_RELEASE);
	assert_true(server_board_take_freeze(b, &ms, &slot));
	assert_int_equal(ms, 250);
	assert_int_equal(slot, 2);
	assert_false(server_board_take_freeze(b, &ms, &slot)); /* taken once only */

	/* the slot is written by another process: a freeze of 49 days is cut to the cap */
	b->sb->ctl_freeze_ms = UINT32_MAX;
	__atomic_fetch_add(&b->sb->ctl_seq, 1, __ATOMIC_RELEASE);
	assert_true(server_board_take_freeze(b, &ms, &slot));
	assert_int_equal(ms, SERVER_FREEZE_MAX_MS);
	b->sb->ctl_freeze_ms = 250;

	/* four threads poll while one request is posted: exactly one wins it */
	struct freeze_race r = { .b = b };
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, freeze_taker, &r), 0);
	while (__atomic_load_n(&r.started, __ATOMIC_ACQUIRE) < 4)
		sched_yield();
	__atomic_fetch_add(&b->sb->ctl_seq, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(r.wins, 1);
	assert_int_equal(r.bad_ms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_server_board_open_fills_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_default_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_close_removes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_unopened_is_noop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_cashier_take, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_board_take_freeze, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
