/* busguard.h: read another process's shared memory without dying of it.
 *
 * A page of a mapping past the end of a segment that shrank (a crashed writer, or
 * another program truncating it) raises SIGBUS on touch, and the default action kills
 * the dashboard with the terminal in raw mode. The model checks the segment's size
 * every update (scoreboard_fd_check), and runs its reads under this guard for the
 * window between that check and the read: a SIGBUS inside busguard_run returns
 * -EFAULT to the caller instead. Single-threaded use only (the dashboard's loop).
 */
#ifndef LUNCHRUSH_BUSGUARD_H
#define LUNCHRUSH_BUSGUARD_H

/* Run fn(ctx). 0, or -EFAULT when it touched a page that is gone (fn did not finish). */
int busguard_run(void (*fn)(void *ctx), void *ctx);

#endif
