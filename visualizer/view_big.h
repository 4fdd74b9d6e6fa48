/* view_big.h: the projector layout of a half (--big): how many wait (outside, at the
 * door and in line), how many are served a second, and the p99, each in digits five
 * rows high with its unit as large, both halves in the same unit; the rest of the
 * half is the line of dots, everyone waiting, at full height.
 */
#ifndef LUNCHRUSH_VIEW_BIG_H
#define LUNCHRUSH_VIEW_BIG_H

#include "view_parts.h"

void view_big_half(const struct half *h, enum arena_side side, const struct side_snapshot *ss,
		   const struct shared_scales *sc);

#endif
