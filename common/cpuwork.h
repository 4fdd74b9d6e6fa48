/* cpuwork.h: the cashier's CPU part of an order (work_us), calibrated.
 *
 * A real computation (an integer hash chain) whose iterations per microsecond are
 * measured at start-up, so that cpuwork_do(1000) costs about 1 ms of CPU on this
 * machine. Its result is published through a volatile sink so the compiler cannot
 * remove it. Lesson 5 ("the chef who cooks at the register") leans on it.
 */
#ifndef LUNCHRUSH_CPUWORK_H
#define LUNCHRUSH_CPUWORK_H

#include <stdint.h>

/* Measure this CPU (about 30 ms). Called once at start-up; thread-safe afterwards. */
void cpuwork_calibrate(void);

/* Burn work_us microseconds of CPU. Returns the hash (also stored in the sink). */
uint64_t cpuwork_do(uint32_t work_us);

/* Iterations of the hash chain per microsecond, as calibrated. */
double cpuwork_iterations_per_us(void);

#endif
