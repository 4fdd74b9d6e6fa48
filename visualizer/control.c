/* control.c: see control.h. The only code that writes into another process's
 * scoreboard; every write is a plain store followed by one release increment. */
#include "control.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "busguard.h"

/* Each access runs under busguard: a segment truncated since the model's last size
 * check faults here, and the key then does nothing (-EFAULT) instead of ending the run. */
struct load_call {
	struct scoreboard_loadgen *lg;
	const struct load_ctl *want;
	struct load_ctl *out;
};

static void load_current(void *ctx)
{
	struct load_call *c = ctx;
	const struct scoreboard_loadgen *lg = c->lg;
	struct load_ctl *out = c->out;
	if (__atomic_load_n(&lg->ctl_seq, __ATOMIC_ACQUIRE) != 0) {
		out->rate_milli = SB_GET(lg->ctl_rate_milli);
		out->cook_ms = SB_GET(lg->ctl_cook_ms);
		out->work_us = SB_GET(lg->ctl_work_us);
		out->paused = SB_GET(lg->ctl_paused) != 0;
		out->keepalive = SB_GET(lg->ctl_keepalive) != 0;
		return;
	}
	out->rate_milli = SB_GET(lg->rate_milli);
	out->cook_ms = SB_GET(lg->cook_ms);
	out->work_us = SB_GET(lg->work_us);
	out->paused = SB_GET(lg->paused) != 0;
	out->keepalive = SB_GET(lg->keepalive) != 0;
}

void control_load_current(const struct scoreboard_loadgen *lg, struct load_ctl *out)
{
	struct load_call c = { (struct scoreboard_loadgen *)lg, NULL, out };
	if (busguard_run(load_current, &c) < 0)
		memset(out, 0, sizeof *out);
}

static void load_in_force(void *ctx)
{
	struct load_call *c = ctx;
	const struct scoreboard_loadgen *lg = c->lg;
	c->out->rate_milli = SB_GET(lg->rate_milli);
	c->out->cook_ms = SB_GET(lg->cook_ms);
	c->out->work_us = SB_GET(lg->work_us);
	c->out->paused = SB_GET(lg->paused) != 0;
	c->out->keepalive = SB_GET(lg->keepalive) != 0;
}

void control_load_in_force(const struct scoreboard_loadgen *lg, struct load_ctl *out)
{
	struct load_call c = { (struct scoreboard_loadgen *)lg, NULL, out };
	if (busguard_run(load_in_force, &c) < 0)
		memset(out, 0, sizeof *out);
}

struct pid_call {
	const struct scoreboard_loadgen *lg;
	int32_t pid;
};

static void read_pid(void *ctx)
{
	struct pid_call *c = ctx;
	c->pid = SB_GET(c->lg->hdr.pid);
}

/* The writer's pid, or -1 when the segment faults. */
static int32_t board_pid(const struct scoreboard_loadgen *lg)
{
	struct pid_call c = { lg, -1 };
	if (busguard_run(read_pid, &c) < 0)
		return -1;
	return c.pid;
}

void control_memo_take(struct control_memo *m, struct scoreboard_loadgen *lg)
{
	if (m->lg || !lg)
		return; /* only the first change: what was found, not what we asked for since */
	int32_t pid = board_pid(lg);
	if (pid < 0)
		return;
	control_load_in_force(lg, &m->found);
	m->pid = pid;
	m->lg = lg;
}

int control_memo_restore(struct control_memo *m, struct scoreboard_loadgen *now)
{
	if (!m->lg)
		return 1;
	struct scoreboard_loadgen *lg = m->lg;
	m->lg = NULL;
	if (lg != now || board_pid(lg) != m->pid)
		return -ESRCH; /* not the process we changed any more */
	return control_load_apply(lg, &m->found);
}

static void load_apply(void *ctx)
{
	struct load_call *c = ctx;
	struct scoreboard_loadgen *lg = c->lg;
	const struct load_ctl *want = c->want;
	SB_SET(lg->ctl_rate_milli, want->rate_milli);
	SB_SET(lg->ctl_cook_ms, want->cook_ms);
	SB_SET(lg->ctl_work_us, want->work_us);
	SB_SET(lg->ctl_paused, want->paused ? 1u : 0u);
	SB_SET(lg->ctl_keepalive, want->keepalive ? 1u : 0u);
	__atomic_add_fetch(&lg->ctl_seq, 1, __ATOMIC_RELEASE);
}

int control_load_apply(struct scoreboard_loadgen *lg, const struct load_ctl *want)
{
	if (!lg)
		return -ENODEV;
	struct load_call c = { lg, want, NULL };
	return busguard_run(load_apply, &c);
}

struct freeze_call {
	struct scoreboard_server *sb;
	uint32_t ms, cashier;
};

static void freeze(void *ctx)
{
	struct freeze_call *c = ctx;
	SB_SET(c->sb->ctl_freeze_ms, c->ms);
	SB_SET(c->sb->ctl_cashier, c->cashier);
	__atomic_add_fetch(&c->sb->ctl_seq, 1, __ATOMIC_RELEASE);
}

int control_freeze(struct scoreboard_server *sb, uint32_t ms, uint32_t cashier)
{
	if (!sb)
		return -ENODEV;
	struct freeze_call c = { sb, ms, cashier };
	return busguard_run(freeze, &c);
}

double control_step_rate(double rate, int dir)
{
	double r = rate, step;
	if (dir > 0)
		step = r < 10 ? 1 : r < 200 ? 10 : r < 1000 ? 50 : r < 5000 ? 250 : 1000;
	else
		step = r <= 10 ? 1 : r <= 200 ? 10 : r <= 1000 ? 50 : r <= 5000 ? 250 : 1000;
	r = round((dir > 0 ? r + step : r - step) / step) * step; /* onto the grid */
	return r < 0 ? 0 : r > 100000 ? 100000 : r;
}

/* Move along a table of round values: the next one strictly above or below v. */
static uint32_t step_table(const uint32_t *t, int n, uint32_t v, int dir)
{
	if (dir > 0) {
		for (int i = 0; i < n; i++)
			if (t[i] > v)
				return t[i];
		return t[n - 1];
	}
	for (int i = n - 1; i >= 0; i--)
		if (t[i] < v)
			return t[i];
	return t[0];
}

uint32_t control_step_cook_ms(uint32_t cook_ms, int dir)
{
	static const uint32_t t[] = { 0, 1, 2, 5, 10, 20, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500, 1000, 2000 };
	return step_table(t, sizeof t / sizeof t[0], cook_ms == UINT32_MAX ? 50 : cook_ms, dir);
}

uint32_t control_step_work_us(uint32_t work_us, int dir)
{
	static const uint32_t t[] = { 0, 100, 200, 500, 1000, 2000, 3000, 5000, 8000, 10000, 20000, 50000, 100000 };
	return step_table(t, sizeof t / sizeof t[0], work_us == UINT32_MAX ? 0 : work_us, dir);
}
