/* fmt.h: figures as people read them ("4.80s", "0.42ms", "2.1MB", "80.1/s"), shared
 * by the screen and the headless table. No ncurses. */
#ifndef LUNCHRUSH_FMT_H
#define LUNCHRUSH_FMT_H

#include <stddef.h>

/* Each writes into buf (size len) and returns buf. */
char *fmt_ms(char *buf, size_t len, double ms);       /* "0.42ms" "12.3ms" "4.80s" "125s" */
char *fmt_rate(char *buf, size_t len, double per_s);  /* "80.1/s" "1250/s" */
char *fmt_kb(char *buf, size_t len, long kb);         /* "812KB" "2.1MB" "1.25GB" */
char *fmt_count(char *buf, size_t len, double n);     /* "312" "12.5k" "1.2M" */

#endif
