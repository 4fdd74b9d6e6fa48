/* sim.h: a discrete-event model of one restaurant, blocking or evented.
 *
 * No sockets, no threads: customers are records, time is a number. The customers come
 * from loadgen's own arrival schedule (loadgen/schedule.c, the same seed, kind and rate
 * changes as bin/loadgen), or a closed loop of N customers with a think time. They
 * pass the door (the accept queue, a backlog; a full door drops the attempt and TCP
 * retries it 1 s, then 2 s, 4 s... later), join the line (FIFO), are served by a
 * cashier (a crew of N threads, or a thread per connection) or by an event loop (with
 * helper threads for the CPU part), whose CPU work shares the cores (cpu.h), then wait
 * on the kitchen (unlimited, or N stoves with a queue) and get their answer. The
 * figures are those the dashboard measures, from the same histogram (common/hist.h).
 * Same configuration and seed: the same result, bit for bit.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

#define SIM_RATE_MAX 1e7              /* arrivals per second the model accepts */
#define SIM_RATE_CHANGES_MAX 64
#define SIM_CONNECTIONS_MAX 10000000u
#define SIM_OUTSIDE_MAX (1u << 25)   /* customers waiting for a connection: 256 MB of times */

enum sim_server { SIM_BLOCKING = 0, SIM_EVENTED, SIM_SERVER_COUNT };

enum sim_dist {
	SIM_DIST_FIXED = 0,    /* every order takes exactly the time asked (the real servers) */
	SIM_DIST_EXP,          /* exponential with that mean (for checks against M/M/c, MVA) */
};

struct sim_rate_change {
	uint64_t at_ns;        /* from this time on */
	double rate;           /* arrivals per second (0 stops them) */
};

struct sim_config {
	enum sim_server server;
	/* the load (bin/loadgen) */
	double rate;                   /* open loop: arrivals per second; 0 = closed loop */
	bool poisson;                  /* Poisson (true) or evenly spaced arrivals */
	uint64_t seed;
	uint32_t loadgen_threads;      /* the schedule is split over this many, as in loadgen */
	uint32_t n_rate_changes;
	struct sim_rate_change rate_changes[SIM_RATE_CHANGES_MAX];
	uint32_t connections;          /* closed loop: customers */
	uint64_t think_ns;             /* closed loop: pause between a customer's orders */
	uint32_t max_conns;            /* open loop: connections the client may open */
	bool keepalive;                /* false: a connection per order */
	uint64_t timeout_ns;           /* client timeout: an answer later than this is an error */
	/* the order */
	uint64_t work_ns;              /* CPU work per order (work_us) */
	uint64_t cook_ns;              /* kitchen wait per order (cook_ms) */
	enum sim_dist work_dist, cook_dist;
	uint32_t stoves;               /* kitchen: orders cooking at once; 0 = unlimited */
	/* the server */
	double cores;                  /* cores the server may use */
	uint32_t backlog;              /* the door: accept queue length */
	uint32_t threads;              /* blocking: cashiers; 0 = a thread per connection */
	bool hold_connection;          /* blocking: a cashier keeps its keep-alive customer */
	uint32_t max_line;             /* blocking: 503 beyond this many in line; 0 = no cap */
	uint32_t loops;                /* evented: event loops (each with its own door) */
	uint32_t helpers;              /* evented: threads that run work_us off the loop */
	uint64_t idle_ns;              /* server closes idle keep-alive connections; 0 = never */
	uint64_t overhead_order_ns;    /* the real server's own CPU per order (calibration) */
	uint64_t overhead_conn_ns;     /* and per new connection */
	/* the run */
	uint64_t duration_ns;
};

/* Averages over a time window (a second, or the run). */
struct sim_window {
	double start_s, length_s;
	uint64_t offered;          /* arrivals the schedule asked for */
	uint64_t arrived;          /* orders that reached the server */
	uint64_t served;           /* answered 200 within the client's timeout */
	uint64_t shed;             /* 503 for a full line */
	uint64_t timeouts;         /* answered after the client's timeout */
	uint64_t door_drops;       /* connection attempts the full door refused */
	uint64_t latency_count;    /* answers in the latency figures */
	double min_ms, mean_ms, p50_ms, p90_ms, p99_ms, p999_ms, max_ms; /* from the
	                            * scheduled arrival (open loop) or the send (closed) */
	double loop_lag_p99_ms;    /* evented: p99 of the time a job waited for its loop */
	double in_server_mean;     /* Little's L: orders in the server, time average */
	double in_server_w_s;      /* mean time in the server of the orders served */
	double line_mean;          /* waiting for a cashier / for the loop */
	double kitchen_mean;       /* in the kitchen (cooking or waiting for a stove) */
	double cashiers_busy_mean; /* blocking: cashiers with an order; evented: loops busy */
	double cpu_cores_mean;     /* cores in use */
	double door_mean, outside_mean;
	int64_t line_max, door_max, outside_max, threads_max, conns_max;
	int64_t in_line_end;       /* the line when the window closed (a gauge reading) */
	double busy_pct;           /* cashiers (blocking) or loops (evented) not idle, % */
};

struct sim_result {
	struct sim_window run;     /* the whole run */
	struct hist latency;       /* the run's answers, us (common/hist.h) */
	struct hist loop_wait;     /* evented: waits for the loop, us */
	struct hist uncorrected;   /* from the request's send, not its schedule (lesson 7) */
	struct sim_window *second; /* one per simulated second */
	uint32_t seconds;
	uint64_t events;           /* events processed, for the speed figure */
	/* Little's law on the sample path, in integer ns: area under the number in the
	 * server, and the sum of every order's time inside within the run */
	uint64_t area_ns, sojourn_sum_ns;
	uint64_t still_inside;     /* orders in the server at the end */
};

/* Run the model of cfg. 0, or -ENOMEM / -EINVAL (a reason in err). The result's
 * seconds are freed by sim_result_free. */
int sim_run(const struct sim_config *cfg, struct sim_result *out, char *err, size_t errlen);
void sim_result_free(struct sim_result *r);

/* n (1 or 2) restaurants at once on one set of cores (cfgs[0].cores), as the dashboard
 * runs both servers on one machine: each one's CPU bursts slow the other's. Same
 * durations. 0 or a negative errno as sim_run. */
int sim_run_shared(const struct sim_config *cfgs, struct sim_result *outs, unsigned n, char *err, size_t errlen);

/* A configuration's consistency: 0 or -EINVAL with the reason. */
int sim_config_check(const struct sim_config *cfg, char *err, size_t errlen);

const char *sim_server_name(enum sim_server s); /* "blocking" / "evented" */

#endif
