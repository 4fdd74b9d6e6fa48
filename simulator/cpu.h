/* cpu.h: the cores of one server, shared by the threads that want them.
 *
 * Processor sharing: n runnable threads on c cores each run at min(1, c/n) of a core,
 * the way a fair scheduler spreads them over a scheduling period. Kept as virtual
 * time: V advances at min(1, c/n) per nanosecond, a burst of w ns added at V0 is done
 * when V reaches V0 + w, so only the smallest finish is ever looked at. Adding a burst
 * or finishing one costs O(log n). An event loop is one thread here: its burst runs to
 * completion and blocks the loop's other customers meanwhile (the caller's job).
 */
#ifndef SIM_CPU_H
#define SIM_CPU_H

#include <stddef.h>
#include <stdint.h>

#define CPU_CLASSES 2   /* whose bursts: one restaurant each when two share the cores */

struct cpu_burst {
	double finish_v;   /* virtual time at which it is done */
	uint64_t seq;      /* tie-break, for determinism */
	uint64_t tag;      /* the caller's: who is running */
	unsigned cls;      /* whose (0 .. CPU_CLASSES-1) */
};

struct cpu {
	double cores;      /* how many the server may use */
	double v;          /* virtual time */
	uint64_t last_ns;  /* real time v was last brought up to date */
	uint64_t seq;
	struct cpu_burst *b;
	size_t n, cap;     /* runnable bursts */
	size_t n_cls[CPU_CLASSES];          /* runnable bursts per class */
	double busy_core_ns[CPU_CLASSES];   /* integral of the cores each class uses */
};

void cpu_init(struct cpu *c, double cores);
void cpu_destroy(struct cpu *c);

/* A burst of work_ns of CPU from now_ns on, of class cls. 0 or -ENOMEM. */
int cpu_add(struct cpu *c, uint64_t now_ns, uint64_t work_ns, uint64_t tag, unsigned cls);

/* When the next burst is done (real ns), UINT64_MAX when none runs. */
uint64_t cpu_next_ns(const struct cpu *c);

/* At now_ns (>= the last call's time): take one finished burst's tag and class. 0, or
 * -ENOENT when none is finished yet. */
int cpu_pop_done(struct cpu *c, uint64_t now_ns, uint64_t *tag, unsigned *cls);

/* Bring the busy integral up to now_ns. */
void cpu_advance(struct cpu *c, uint64_t now_ns);

#endif
