/* sim_priv.h: the state of one simulated run, shared by sim.c (the clock, the events
 * and the figures), sim_client.c (the customers, their connections and the door) and
 * sim_server.c (the cashiers or the loops, the cores, the kitchen). Not for callers:
 * they see sim.h.
 */
#ifndef SIM_PRIV_H
#define SIM_PRIV_H

#include "cpu.h"
#include "heap.h"
#include "sim.h"
#include "../loadgen/schedule.h"

#define NIL UINT32_MAX
#define SIM_SCHEDULES_MAX 64
#define SYN_RETRY_NS 1000000000ULL   /* TCP's initial retransmission timeout: 1 s, doubling */

enum ev_kind {
	EV_TICK = 1,      /* a simulated second ends */
	EV_RATE,          /* id: the rate change to apply */
	EV_RETRY,         /* id: a connection attempt after a dropped SYN */
	EV_COOK_DONE,     /* id: the kitchen is done with this connection's order */
	EV_THINK_DONE,    /* id: a closed-loop customer orders again */
	EV_IDLE,          /* id: the server closes this idle keep-alive connection */
};

/* What the loop does next with a connection (evented). */
enum loop_job { JOB_ACCEPT = 1, JOB_READ, JOB_BACK, JOB_RESPOND };

/* tags of CPU bursts: who runs */
#define TAG_THREAD (UINT64_C(1) << 32)  /* | connection: a cashier or connection thread */
#define TAG_LOOP (UINT64_C(2) << 32)    /* | loop index */
#define TAG_HELPER (UINT64_C(3) << 32)  /* | connection a helper works for */

enum gauge {
	G_IN_SERVER = 0, G_LINE, G_KITCHEN, G_BUSY, G_DOOR, G_OUTSIDE, G_THREADS, G_CONNS, G_COUNT
};

struct sconn {
	uint32_t gen;          /* bumped when the record is reused: old events are stale */
	uint32_t next;         /* link in one queue at a time (door/line/loop/helpers/kitchen) */
	uint32_t loop;         /* evented: the loop (and door) it belongs to */
	int32_t holder;        /* blocking --hold-connection: its cashier, or -1 */
	int32_t cashier;       /* blocking: the cashier serving it now, or -1 */
	uint32_t pool_pos;     /* client's idle pool position, NIL when not in it */
	uint32_t tries;        /* connection attempts dropped at the door */
	uint8_t job;           /* enum loop_job: the job it waits for on its loop */
	bool in_use;           /* the record is a live connection */
	bool accepted;         /* past the door */
	bool fresh;            /* no order yet: the first pays the per-connection overhead */
	bool ordering;         /* an order in flight */
	bool inside;           /* its order is in the server (Little's L) */
	uint64_t start_ns;     /* the order's start: its latency origin */
	uint64_t in_ns;        /* the order reached the server */
	uint64_t queued_ns;    /* joined its loop's queue (the loop lag) */
	uint64_t idle_from_ns; /* keep-alive: idle since (the server's idle timeout) */
};

struct fifo {
	uint32_t head, tail;
	uint64_t len;
};

struct sim_loop {
	struct fifo jobs;      /* connections waiting for this loop: accepts and reads */
	struct fifo urgent;    /* orders in hand (back from a helper, answers): first, as
	                        * libev runs the timers and wake-ups fed last first */
	uint32_t running;      /* connection whose job is on the CPU, NIL when idle */
	uint32_t door;         /* accepts waiting in this loop's queue */
};

struct sim {
	const struct sim_config *cfg;
	struct sim_result *res;
	uint64_t now_ns;
	struct heap events;
	struct cpu *cpu;                 /* the cores: this restaurant's, or shared with the other */
	unsigned cls;                    /* this restaurant's class on them */
	struct prng rng;                 /* service times (exponential), never the arrivals */
	struct schedule sched[SIM_SCHEDULES_MAX];
	uint32_t n_sched;

	struct sconn *conns;             /* every connection record */
	uint32_t n_conns, cap_conns;
	uint32_t free_conn;              /* free list through next */
	uint32_t *pool;                  /* client: idle keep-alive connections (a stack) */
	uint32_t n_pool, cap_pool;
	uint64_t *outside;               /* client: start times of customers with no connection */
	uint64_t out_head, out_len, out_cap;
	int64_t client_conns;            /* connections the client holds (against max_conns) */
	uint32_t conn_serial;            /* connections opened: spreads them over the loops */

	/* blocking */
	struct fifo line;
	uint32_t *free_cashiers;         /* a stack of idle cashier indices */
	uint32_t n_free_cashiers;
	/* evented */
	struct sim_loop *loops;
	struct fifo helper_q;
	uint32_t helpers_free;
	/* kitchen */
	struct fifo kitchen_q;
	uint32_t stoves_busy;

	/* figures */
	int64_t g[G_COUNT];              /* gauges now */
	double area_run[G_COUNT], area_sec[G_COUNT];
	int64_t max_run[G_COUNT], max_sec[G_COUNT];
	uint64_t gauge_ns;               /* gauges integrated up to here */
	uint64_t in_server_area_ns;      /* exact, for Little's law */
	struct sim_window sec;           /* the second being counted */
	double sec_cpu_ns0;
	double sec_sojourn_ns, run_sojourn_ns;
	uint64_t sec_left;               /* orders that left the server this second */
	uint64_t run_left;
	struct hist *sec_latency, *sec_loop_wait;
	uint32_t cap_seconds;
	int err;                         /* first allocation failure */
};

/* sim.c */
void sim_gauge_add(struct sim *s, enum gauge g, int64_t delta);
void sim_order_left(struct sim *s, uint32_t id);      /* out of the server: Little */
void sim_answered(struct sim *s, uint32_t id, bool ok); /* a 200 (ok) or a 503 */
void sim_loop_waited(struct sim *s, uint64_t wait_ns);
void sim_push(struct sim *s, uint64_t at_ns, enum ev_kind kind, uint32_t id, uint32_t gen);
uint64_t sim_draw(struct sim *s, uint64_t mean_ns, enum sim_dist dist);
void fifo_init(struct fifo *q);
void fifo_push(struct sim *s, struct fifo *q, uint32_t id);
uint32_t fifo_pop(struct sim *s, struct fifo *q);

/* One restaurant's state up to its first events (0 or -ENOMEM); the events of n
 * restaurants on one set of cores up to end_ns; the state freed (not the result). */
int sim_open(struct sim *s, const struct sim_config *cfg, struct sim_result *out, struct cpu *cpu, unsigned cls);
void sim_run_events(struct sim *ss, unsigned n, struct cpu *cpu, uint64_t end_ns);
void sim_free_state(struct sim *s);

/* sim_client.c */
int client_start(struct sim *s);
void client_arrival(struct sim *s, uint64_t start_ns);
void client_retry(struct sim *s, uint32_t id);
void client_think_done(struct sim *s, uint32_t id);
void client_answered(struct sim *s, uint32_t id, bool close);
void client_idle_closed(struct sim *s, uint32_t id);

/* sim_server.c */
int server_start(struct sim *s);
void server_stop(struct sim *s);
bool server_door_full(struct sim *s, uint32_t id);
void server_connect(struct sim *s, uint32_t id);
void server_request(struct sim *s, uint32_t id);
void server_cpu_done(struct sim *s, uint64_t tag);
void server_cook_done(struct sim *s, uint32_t id);
void server_idle(struct sim *s, uint32_t id);
void server_conn_closed(struct sim *s, uint32_t id);

#endif
