/* numclamp.h: numbers from another process (a scoreboard) or a file (a recording) made
 * safe to compute with. Converting NaN, infinity or an out-of-range double to an int is
 * undefined behaviour in C, and so is a signed sum that overflows; a hostile or corrupt
 * input has both. The view and the model go through these instead of casting. */
#ifndef LUNCHRUSH_NUMCLAMP_H
#define LUNCHRUSH_NUMCLAMP_H

#include <stdint.h>

/* v rounded toward zero into [lo, hi]; NaN gives lo. */
int clamp_int(double v, int lo, int hi);

/* v into [lo, hi] as a double; NaN gives lo (for a figure drawn or counted). */
double clamp_double(double v, double lo, double hi);

/* a + b, saturated at INT64_MIN and INT64_MAX instead of overflowing. */
int64_t clamp_add_i64(int64_t a, int64_t b);

#endif
