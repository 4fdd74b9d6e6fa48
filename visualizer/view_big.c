/* view_big.c: see view_big.h. From the back of a room "6.2 s" against "51 ms" in one
 * size of digits made the faster restaurant look worse (issue 18): the unit is one
 * for both halves and drawn as large as the digits. */
#include "view_big.h"

#include <stdio.h>

#include "fmt.h"
#include "numclamp.h"
#include "scale.h"
#include "verdict.h"

#define FIGURE_ROWS 6   /* the label, then five rows of digits */

/* A label, then value and unit in big characters on one baseline. */
static void big_figure(const struct half *h, int y, const char *label, const char *value, const char *unit, attr_t attr)
{
	char text[48];
	vk_put(h->w, y, h->x, h->width, half_attr(h, VA_NORMAL), "%s", label);
	snprintf(text, sizeof text, "%s%s%s", value, unit[0] ? " " : "", unit);
	vk_bigtext(h->w, y + 1, h->x + 1, h->width - 2, text, h->g, attr);
}

/* The p99 in the unit both halves share: seconds once either is a second or more. */
static void p99_text(const struct side_snapshot *ss, const struct shared_scales *sc, char *v, size_t len)
{
	double ms = clamp_double(ss->p99_ms, 0, 1e12);
	if (!scale_has_latency(ss))
		snprintf(v, len, "-");
	else if (!sc->p99_in_s)
		snprintf(v, len, "%.0f", ms);
	else
		snprintf(v, len, ms < 1000 ? "%.2f" : ms < 10000 ? "%.1f" : "%.0f", ms / 1000);
}

void view_big_half(const struct half *h, enum arena_side side, const struct side_snapshot *ss,
		   const struct shared_scales *sc)
{
	half_title(h, h->y, side, ss);
	if (!ss->present || !ss->server_up) {
		half_down(h, h->y, ss);
		return;
	}
	char v[32], label[64], a[24], b[24];
	bool warming = half_warming(ss);
	int y = h->y + 1;
	int64_t waiting = half_waiting(ss);
	snprintf(v, sizeof v, "%lld", (long long)waiting);
	big_figure(h, y, ss->black_box ? "waiting (outside + door)" : "waiting (outside + door + line)", v, "",
		   half_attr(h, waiting > 0 ? VA_WARN : VA_GOOD));
	y += FIGURE_ROWS;
	double arriving = ss->offered_rps > 0 ? ss->offered_rps : ss->arrival_rps;
	snprintf(v, sizeof v, warming ? "-" : "%.0f", clamp_double(ss->throughput_rps, 0, 1e12));
	snprintf(label, sizeof label, "served per second (arriving %s)",
		 warming ? h->g->none : fmt_rate(a, sizeof a, arriving));
	enum vattr pace = ss->verdict_pace == PACE_KEEPING_UP ? VA_GOOD
			  : ss->verdict_pace == PACE_FALLING_BEHIND ? VA_BAD : VA_NORMAL;
	big_figure(h, y, label, v, "/s", half_attr(h, pace));
	y += FIGURE_ROWS;
	p99_text(ss, sc, v, sizeof v);
	enum vattr speed = ss->verdict_speed == SPEED_SLOW ? VA_BAD : ss->verdict_speed == SPEED_FAST ? VA_GOOD : VA_NORMAL;
	big_figure(h, y, "p99 latency", v, sc->p99_in_s ? "s" : "ms", half_attr(h, speed));
	y += FIGURE_ROWS;
	bool has = scale_has_latency(ss);
	vk_put(h->w, y++, h->x, h->width, half_attr(h, VA_NORMAL), "p50 %s  max %s  errors %llu",
	       half_ms(h, a, sizeof a, has, ss->p50_ms), half_ms(h, b, sizeof b, has, ss->max_ms),
	       (unsigned long long)ss->errors_total);
	if (ss->loadgen_reason[0] || ss->kitchen_reason[0])
		vk_put(h->w, y++, h->x, h->width, half_attr(h, VA_BAD), "%s",
		       ss->kitchen_reason[0] ? ss->kitchen_reason : ss->loadgen_reason);
	/* the best picture: everyone waiting, a dot each, to the bottom of the half */
	int rows = h->y + h->height - y;
	if (waiting == 0) /* an empty half says why it is empty */
		vk_put(h->w, y, h->x, h->width, half_attr(h, VA_GOOD), "nobody waits: every customer is being served");
	half_crowd(h, y, h->x, rows, waiting, h->g->customer, half_attr(h, VA_CUSTOMER));
}
