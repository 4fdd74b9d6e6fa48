/* test_evented_kitchen_pool.c: the evented server's pooled connections to bin/kitchen
 * (servers/evented/kitchen_pool.c), against a fake kitchen played by the test itself
 * on a real loopback socket: answers matched by id in any order, ERR and a dropped
 * connection turn into 502, a cancelled ticket's late answer is ignored, a kitchen
 * that is not there fails fast, one that drops our SYNs fails after the connect timeout. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <ev.h>

#include "kitchen_proto.h"
#include "net.h"
#include "../../servers/evented/kitchen_pool.h"

#define MAX_CONNS 8
#define MAX_TICKETS 64

/* The fake kitchen: accepts, reads ticket lines, answers when the test says. */
struct fake {
	int listen_fd;
	uint16_t port;
	int conns[MAX_CONNS];
	int nconns;
	char buf[MAX_CONNS][256];
	size_t len[MAX_CONNS];
	struct { uint64_t id; uint32_t ms; int fd; } tickets[MAX_TICKETS];
	int ntickets;
};

/* What the pool called back with. */
static struct { void *arg; int status; } answers[MAX_TICKETS];
static int nanswers;

static void on_done(void *arg, int status)
{
	answers[nanswers].arg = arg;
	answers[nanswers].status = status;
	nanswers++;
}

static void fake_poll(struct fake *f)
{
	int fd;
	while (f->nconns < MAX_CONNS && (fd = accept4(f->listen_fd, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		f->conns[f->nconns++] = fd;
	for (int i = 0; i < f->nconns; i++) {
		ssize_t n = recv(f->conns[i], f->buf[i] + f->len[i], sizeof(f->buf[i]) - f->len[i], MSG_DONTWAIT);
		if (n <= 0)
			continue;
		f->len[i] += (size_t)n;
		char *nl;
		while ((nl = memchr(f->buf[i], '\n', f->len[i])) != NULL) {
			size_t ll = (size_t)(nl - f->buf[i]);
			uint32_t ms;
			uint64_t id;
			assert_int_equal(kitchen_parse_ticket(f->buf[i], ll, &ms, &id), 0);
			assert_true(f->ntickets < MAX_TICKETS);
			f->tickets[f->ntickets].id = id;
			f->tickets[f->ntickets].ms = ms;
			f->tickets[f->ntickets].fd = f->conns[i];
			f->ntickets++;
			memmove(f->buf[i], nl + 1, f->len[i] - ll - 1);
			f->len[i] -= ll + 1;
		}
	}
}

/* Run the loop and the fake until want tickets arrived and want_answers came back. */
static void pump(struct ev_loop *loop, struct fake *f, int want_tickets, int want_answers)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ev_run(loop, EVRUN_NOWAIT);
		if (f)
			fake_poll(f);
		if ((!f || f->ntickets >= want_tickets) && nanswers >= want_answers)
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 > 3000)
			fail_msg("timed out: %d tickets, %d answers", f ? f->ntickets : 0, nanswers);
		usleep(500);
	}
}

static void fake_answer(struct fake *f, int ticket, const char *verb)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%s %llu%s\n", verb, (unsigned long long)f->tickets[ticket].id,
			 strcmp(verb, "ERR") == 0 ? " burnt" : "");
	assert_int_equal(send(f->tickets[ticket].fd, line, (size_t)n, MSG_NOSIGNAL), n);
}

struct fixture {
	struct ev_loop *loop;
	struct fake fake;
	struct kitchen_pool *pool;
};

static int setup(void **state)
{
	static struct fixture fx;
	char err[128];
	memset(&fx, 0, sizeof(fx));
	nanswers = 0;
	fx.loop = ev_loop_new(EVFLAG_AUTO);
	fx.fake.listen_fd = net_listen("127.0.0.1", 0, false, true, err, sizeof(err));
	assert_true(fx.fake.listen_fd >= 0);
	fx.fake.port = (uint16_t)net_local_port(fx.fake.listen_fd);
	assert_int_equal(kitchen_pool_new(&fx.pool, fx.loop, "127.0.0.1", fx.fake.port, true), 0);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	kitchen_pool_free(fx->pool);
	for (int i = 0; i < fx->fake.nconns; i++)
		close(fx->fake.conns[i]);
	close(fx->fake.listen_fd);
	ev_loop_destroy(fx->loop);
	return 0;
}

static int arg_a, arg_b, arg_c;

static void test_kitchen_pool_answers_matched_by_id(void **state)
{
	struct fixture *fx = *state;
	uint64_t a = kitchen_pool_submit(fx->pool, 50, on_done, &arg_a);
	uint64_t b = kitchen_pool_submit(fx->pool, 60, on_done, &arg_b);
	uint64_t c = kitchen_pool_submit(fx->pool, 70, on_done, &arg_c);
	assert_true(a != 0 && b != 0 && c != 0);
	assert_true(a != b && b != c && a != c);
	assert_int_equal(kitchen_pool_in_flight(fx->pool), 3);
	pump(fx->loop, &fx->fake, 3, 0);
	assert_int_equal(nanswers, 0); /* nothing before the kitchen answers */

	/* the fake answers in reverse order of arrival (tickets may have come on either
	 * pooled connection, so in any order), one ERR among them */
	uint64_t refused = fx->fake.tickets[1].id;
	fake_answer(&fx->fake, 2, "DONE");
	fake_answer(&fx->fake, 1, "ERR");
	pump(fx->loop, &fx->fake, 3, 2);
	fake_answer(&fx->fake, 0, "DONE");
	pump(fx->loop, &fx->fake, 3, 3);
	assert_ptr_equal(answers[0].arg, fx->fake.tickets[2].id == a ? (void *)&arg_a
					 : fx->fake.tickets[2].id == b ? (void *)&arg_b : (void *)&arg_c);
	for (int i = 0; i < 3; i++) {
		uint64_t id = fx->fake.tickets[i].id;
		uint32_t ms = fx->fake.tickets[i].ms;
		void *arg = id == a ? (void *)&arg_a : id == b ? (void *)&arg_b : (void *)&arg_c;
		assert_int_equal(ms, id == a ? 50 : id == b ? 60 : 70);
		for (int j = 0; j < nanswers; j++)
			if (answers[j].arg == arg)
				assert_int_equal(answers[j].status, id == refused ? 502 : 0);
	}
	assert_int_equal(kitchen_pool_in_flight(fx->pool), 0);
}

static void test_kitchen_pool_late_answer_after_cancel_is_ignored(void **state)
{
	struct fixture *fx = *state;
	uint64_t a = kitchen_pool_submit(fx->pool, 10, on_done, &arg_a);
	assert_true(a != 0);
	pump(fx->loop, &fx->fake, 1, 0);
	kitchen_pool_cancel(fx->pool, a); /* the order timed out: 504 */
	assert_int_equal(kitchen_pool_in_flight(fx->pool), 0);
	uint64_t b = kitchen_pool_submit(fx->pool, 10, on_done, &arg_b); /* may reuse the slot */
	assert_true(b != 0 && b != a);
	pump(fx->loop, &fx->fake, 2, 0);
	fake_answer(&fx->fake, 0, "DONE"); /* late, for the cancelled ticket */
	fake_answer(&fx->fake, 1, "DONE");
	pump(fx->loop, &fx->fake, 2, 1);
	ev_run(fx->loop, EVRUN_NOWAIT);
	assert_int_equal(nanswers, 1);
	assert_ptr_equal(answers[0].arg, &arg_b);
	assert_int_equal(answers[0].status, 0);
}

static void test_kitchen_pool_dropped_connection_fails_its_tickets(void **state)
{
	struct fixture *fx = *state;
	for (int i = 0; i < 4; i++)
		assert_true(kitchen_pool_submit(fx->pool, 1000, on_done, &arg_a) != 0);
	pump(fx->loop, &fx->fake, 4, 0);
	for (int i = 0; i < fx->fake.nconns; i++) { /* the kitchen dies */
		close(fx->fake.conns[i]);
	}
	fx->fake.nconns = 0;
	pump(fx->loop, NULL, 0, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(answers[i].status, 502);
	assert_int_equal(kitchen_pool_in_flight(fx->pool), 0);

	/* and it reconnects for the next ticket */
	uint64_t id = kitchen_pool_submit(fx->pool, 5, on_done, &arg_b);
	assert_true(id != 0);
	pump(fx->loop, &fx->fake, 5, 4);
	fake_answer(&fx->fake, 4, "DONE");
	pump(fx->loop, &fx->fake, 5, 5);
	assert_int_equal(answers[4].status, 0);
}

static void test_kitchen_pool_no_kitchen_fails_fast(void **state)
{
	struct fixture *fx = *state;
	struct kitchen_pool *nowhere;
	char err[128];
	(void)fx;
	/* a port nobody listens on: bind one, then close it */
	int fd = net_listen("127.0.0.1", 0, false, true, err, sizeof(err));
	uint16_t port = (uint16_t)net_local_port(fd);
	close(fd);
	assert_int_equal(kitchen_pool_new(&nowhere, fx->loop, "127.0.0.1", port, true), 0);
	int refused_at_once = 0;
	for (int i = 0; i < 3; i++)
		if (kitchen_pool_submit(nowhere, 10, on_done, &arg_c) == 0)
			refused_at_once++;
	pump(fx->loop, NULL, 0, 3 - refused_at_once);
	for (int i = 0; i < nanswers; i++)
		assert_int_equal(answers[i].status, 502);
	print_message("3 tickets to a closed port: %d refused at once, %d failed on the loop\n", refused_at_once,
		      nanswers);
	kitchen_pool_free(nowhere);
}

/* A kitchen whose accept queue is full drops our SYNs: the connect neither succeeds
 * nor fails, and without a bound of its own the link would wait for the kernel's two
 * minutes of retries. Its tickets get 502 after KITCHEN_POOL_CONNECT_TIMEOUT_S. */
static void test_kitchen_pool_connect_times_out(void **state)
{
	struct fixture *fx = *state;
	struct kitchen_pool *stuck;
	struct timespec t0, t1;
	int fillers[4], nfill = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 0), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	for (; nfill < 4; nfill++) { /* fill the accept queue nobody empties */
		fillers[nfill] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fillers[nfill], (struct sockaddr *)&a, sizeof(a));
	}
	usleep(50000);
	assert_int_equal(kitchen_pool_new(&stuck, fx->loop, "127.0.0.1", ntohs(a.sin_port), true), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(kitchen_pool_submit(stuck, 10, on_done, &arg_c) != 0);
	pump(fx->loop, NULL, 0, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("a kitchen that drops SYNs: 502 after %.2f s\n", waited);
	assert_int_equal(answers[0].status, 502);
	assert_true(waited >= KITCHEN_POOL_CONNECT_TIMEOUT_S * 0.9 && waited < KITCHEN_POOL_CONNECT_TIMEOUT_S + 1.5);
	assert_int_equal(kitchen_pool_in_flight(stuck), 0);
	kitchen_pool_free(stuck);
	for (int i = 0; i < nfill; i++)
		close(fillers[i]);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kitchen_pool_answers_matched_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kitchen_pool_late_answer_after_cancel_is_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kitchen_pool_dropped_connection_fails_its_tickets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kitchen_pool_no_kitchen_fails_fast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kitchen_pool_connect_times_out, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
