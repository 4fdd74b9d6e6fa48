/* legend.c: see legend.h. One word per meaning: "cpu" is the process's CPU, the CPU
 * work the cashier does per order is "work/order" (issue 15's metaphor: the kitchen is
 * the I/O wait, the work is done at the register). */
#include "legend.h"

#include <stdio.h>

#include "viewkit.h"

const char *const legend_words[] = {
	"outside   customers waiting in the client for a connection",
	"door      the accept backlog: connected, not yet accepted",
	"conns     connections the server holds open",
	"line      accepted, waiting for a cashier",
	"cashier   a thread (blocking), or the event loop (evented)",
	"counter   a cashier taking an order: work/order on the CPU",
	"kitchen   the I/O wait: orders cooking at the backend",
	"pickup    the response being written back",
	"loop lag  how late the loop's timer fires (busy elsewhere)",
	"L         everyone inside: outside + in flight, 10 s mean",
	"\xce\xbbW        arrivals x time inside: Little says L = \xce\xbbW",
	"cpu       the server process's CPU, % of one core",
	"work/order  CPU work per order (the { } keys)",
	"charts    last 60 s; latency on one log axis for both halves",
	NULL,
};

static const char *const ascii_lambda_w = "lamW      arrivals x time inside: Little says L = lamW";

const char *legend_explain(enum legend_part p)
{
	static const char *const text[PART_COUNT] = {
		[PART_OUTSIDE] = "outside: in the client; door: accept backlog",
		[PART_LINE] = "accepted, waiting for a cashier",
		[PART_CASHIERS] = "cashiers: one thread per order",
		[PART_LOOP] = "one loop serves every customer",
		[PART_KITCHEN] = "kitchen: I/O wait; pickup: writing back",
		[PART_SERVED] = "orders served a second, arrivals dotted",
		[PART_LATENCY] = "p99 a second, log axis shared by both",
		[PART_PROCESS] = "the server process: threads, memory, cpu",
		[PART_LOOP_LAG] = "loop lag: how late the loop wakes",
		[PART_LITTLE] = "L: everyone inside; rate x wait must match",
	};
	return (unsigned)p < PART_COUNT && text[p] ? text[p] : "";
}

static const char *const replay_lines[] = {
	"space  pause / resume the replay",
	"x      speed x1 / x4 (or 1 and 4)",
	". ->   one frame forward (pauses)",
	", <-   one frame back (pauses)",
	"r      rewind to the first frame",
	"e      name each part of the screen",
	"?      this help        q  quit",
	"every figure was measured live and recorded",
	NULL,
};

static const char *const live_lines[] = {
	"+ -    arrival rate up / down (both restaurants)",
	"[ ]    cook time (kitchen wait) down / up",
	"{ }    work/order (CPU work per order) down / up",
	"space  pause / resume the arrivals",
	"k      keep-alive on / off",
	"1-9 p  preset scenarios (restarts the servers); p: their menu",
	"f      the chef faints: freeze the event loop and",
	"       one blocking cashier for 2 s",
	"r      restart the scenario",
	"e      name each part of the screen",
	"?      this help        q  quit",
	"every figure is measured from the scoreboards",
	NULL,
};

static int count(const char *const *l)
{
	int n = 0;
	while (l[n])
		n++;
	return n;
}

/* The legend from row y, column x, at most rows rows of width w; the cashier glyphs
 * drawn with the set in use. Returns the rows used. */
static int draw_legend(WINDOW *f, int y, int x, int w, int rows, const struct view_opts *o)
{
	const struct glyphs *g = viewkit_glyphs(o);
	int n = 0;
	vk_put(f, y + n++, x, w, A_BOLD, "what the words mean");
	for (int i = 0; legend_words[i] && n < rows - 1; i++) {
		const char *line = legend_words[i];
		if (o->ascii && line[0] == '\xce')
			line = ascii_lambda_w;
		vk_put(f, y + n++, x, w, A_NORMAL, "%s", line);
	}
	if (n < rows)
		vk_put(f, y + n++, x, w, A_NORMAL, "cashier: idle %s taking %s kitchen %s handing %s fainted %s",
		       g->cashier[CASHIER_IDLE], g->cashier[CASHIER_TAKING_ORDER], g->cashier[CASHIER_WAITING_KITCHEN],
		       g->cashier[CASHIER_HANDING_OVER], g->cashier[CASHIER_FROZEN]);
	return n;
}

/* Keys and legend side by side when the terminal is wide enough, else one above the
 * other; what does not fit is cut at the bottom of the box. */
void legend_help(WINDOW *w, int rows, int cols, const struct view_opts *o, bool replay)
{
	const char *const *keys = replay ? replay_lines : live_lines;
	int nk = count(keys), nl = count(legend_words) + 2;
	bool wide = cols >= 122;
	int bw = wide ? 120 : (64 < cols - 2 ? 64 : cols - 2);
	int inner = wide ? (nk > nl ? nk : nl) + 1 : nk + nl + 2;
	int bh = inner + 2 < rows - 2 ? inner + 2 : rows - 2;
	WINDOW *f = derwin(w, bh, bw, (rows - bh) / 2, (cols - bw) / 2);
	if (!f)
		return;
	werase(f);
	vk_frame(f, bh, bw, o);
	vk_put(f, 1, 2, bw - 4, viewkit_attr(o, VA_TITLE), "lunchrush dashboard: %s", replay ? "replay keys" : "keys");
	int kw = wide ? 52 : bw - 4;
	for (int i = 0; i < nk && i + 2 < bh - 1; i++)
		vk_put(f, i + 2, 2, kw, A_NORMAL, "%s", keys[i]);
	if (wide)
		draw_legend(f, 1, 58, bw - 60, bh - 2, o);
	else if (nk + 3 < bh - 1)
		draw_legend(f, nk + 3, 2, bw - 4, bh - 1 - (nk + 3), o);
	delwin(f);
}
