/* model_words.h: what the model says, in words, about a writer that is not live and a
 * kitchen that fails orders (issue 19: after a fault the screen says what happened,
 * not "not running"). Plain functions of a header or a count: no model state. */
#ifndef LUNCHRUSH_MODEL_WORDS_H
#define LUNCHRUSH_MODEL_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "scoreboard.h"

/* Why the writer of h (a "server", a "load generator") is not live: shut down, exited
 * without closing its scoreboard, stopped (SIGSTOP: /proc says state T), or silent.
 * Costs one kill(pid, 0) and a read of /proc/PID/stat. */
void model_words_not_live(const struct scoreboard_header *h, const char *what, uint64_t now_ns, char *buf,
			  size_t len);

/* "the kitchen is not answering: N orders failed with 502 in the last second" when the
 * 502 count (SERR_KITCHEN_DOWN) grew since *prev (its last tick's value), else "".
 * The first call only takes the baseline. */
void model_words_kitchen(uint64_t kitchen_down, uint64_t *prev, char *buf, size_t len);

#endif
