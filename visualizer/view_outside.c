/* view_outside.c: see view_outside.h. Only what was measured is drawn: a black box's
 * line and kitchen are not guessed, the screen says they cannot be seen. */
#include "view_outside.h"

#include <stdio.h>

#include "fmt.h"
#include "viewkit.h"

/* n glyphs from x to the edge, rows rows, "+N" for those that do not fit. */
static void crowd(WINDOW *w, int y, int x, int end_x, int rows, int64_t n, const char *glyph, attr_t attr,
		  attr_t warn)
{
	int width = end_x - x;
	if (width < 6 || n <= 0)
		return;
	int64_t room = (int64_t)width * rows;
	int64_t shown = n <= room ? n : room - 6;
	if (shown < 0)
		shown = 0;
	wattr_on(w, attr, NULL);
	for (int64_t i = 0; i < shown; i++)
		mvwaddstr(w, y + (int)(i / width), x + (int)(i % width), glyph);
	wattr_off(w, attr, NULL);
	if (shown < n)
		vk_put(w, y + (int)(shown / width), x + (int)(shown % width), 6, warn, "+%lld", (long long)(n - shown));
}

int view_outside_scene(WINDOW *w, int y, int x, int width, int line_rows, const struct side_snapshot *ss,
		       const struct view_opts *o)
{
	const struct glyphs *g = viewkit_glyphs(o);
	attr_t normal = viewkit_attr(o, VA_NORMAL), dim = viewkit_attr(o, VA_DIM);
	char outside[24] = "-", door[40] = "?";
	if (ss->loadgen_up)
		snprintf(outside, sizeof outside, "%lld", (long long)ss->outside);
	if (ss->door_kernel)
		snprintf(door, sizeof door, "%lld/%lld", (long long)ss->door, (long long)ss->door_max);
	vk_put(w, y++, x, width, normal, "outside %s  door %s  in flight %lld", outside, door,
	       (long long)ss->in_flight);
	/* everyone the load generator has sent and not yet heard back from is inside */
	int n = vk_put(w, y, x, width, normal, "inside %-6lld ", (long long)ss->in_flight);
	crowd(w, y, x + n, x + width, line_rows, ss->in_flight, g->customer, viewkit_attr(o, VA_CUSTOMER),
	      viewkit_attr(o, VA_WARN));
	y += line_rows;
	vk_put(w, y++, x, width, dim, "no scoreboard: line, cashiers, kitchen unseen");
	vk_put(w, y++, x, width, ss->listen_overflows ? viewkit_attr(o, VA_WARN) : dim,
	       "kernel: listen overflows %llu  drops %llu (all ports)", (unsigned long long)ss->listen_overflows,
	       (unsigned long long)ss->listen_drops);
	return y;
}

void view_outside_process(WINDOW *w, int y, int x, int width, const struct side_snapshot *ss,
			  const struct view_opts *o)
{
	char a[24], b[24];
	if (ss->pid <= 0) {
		vk_put(w, y, x, width, viewkit_attr(o, VA_DIM), "process unknown (give --pid)");
		return;
	}
	vk_put(w, y, x, width, viewkit_attr(o, VA_NORMAL), "threads %ld  rss %s  cpu %.0f%%  ctx %s/s%s", ss->threads,
	       fmt_kb(a, sizeof a, ss->rss_kb), ss->cpu_pct, fmt_count(b, sizeof b, ss->ctx_switches_rps),
	       ss->processes > 1 ? "  (tree)" : "");
}
