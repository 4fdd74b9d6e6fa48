/* view_parts.c: see view_parts.h. */
#include "view_parts.h"

#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "numclamp.h"
#include "restaurant.h"

attr_t half_attr(const struct half *h, enum vattr a)
{
	return viewkit_attr(h->o, a);
}

void half_crowd(const struct half *h, int y, int x, int rows, int64_t n, const char *glyph, attr_t attr)
{
	int width = h->x + h->width - x;
	if (width < 6 || n <= 0 || rows <= 0)
		return;
	int64_t room = (int64_t)width * rows;
	int64_t shown = n <= room ? n : room - 7;  /* leave room for "+NNNNNN" */
	if (shown < 0)
		shown = 0;
	wattr_on(h->w, attr, NULL);
	for (int64_t i = 0; i < shown; i++)
		mvwaddstr(h->w, y + (int)(i / width), x + (int)(i % width), glyph);
	wattr_off(h->w, attr, NULL);
	if (shown < n) {
		int64_t i = shown;
		char more[24];
		vk_put(h->w, y + (int)(i / width), x + (int)(i % width), 7, half_attr(h, VA_WARN), "+%s",
		       fmt_count(more, sizeof more, (double)(n - shown)));
	}
}

void half_title(const struct half *h, int y, enum arena_side side, const struct side_snapshot *ss)
{
	char what[96];
	bool blocking = ss->model[0] ? ss->model[0] == 'b' : side == SIDE_BLOCKING;
	if (blocking && ss->threads_cfg == 0 && ss->server_up)
		snprintf(what, sizeof what, "a thread per customer");
	else if (blocking)
		snprintf(what, sizeof what, "%u cashiers (threads)", ss->threads_cfg);
	else
		snprintf(what, sizeof what, "%u loop%s, %u helpers", ss->loops_cfg, ss->loops_cfg == 1 ? "" : "s",
			 ss->helpers_cfg);
	const char *title = side == SIDE_BLOCKING ? "BLOCKING" : "EVENTED";
	int kind = restaurant_kind_named(ss->restaurant); /* any restaurant on either half */
	if (kind >= 0) {
		title = restaurant_title(kind);
		if (ss->black_box)
			snprintf(what, sizeof what, "%s", restaurant_about(kind));
	}
	wattr_on(h->w, half_attr(h, VA_TITLE), NULL);
	mvwhline(h->w, y, h->x, ' ', h->width);
	wattr_off(h->w, half_attr(h, VA_TITLE), NULL);
	int n = vk_put(h->w, y, h->x, h->width, half_attr(h, VA_TITLE), " %s ", title);
	if (ss->server_up)
		n += vk_put(h->w, y, h->x + n, h->width - n, half_attr(h, VA_TITLE), " %s", what);
	if (ss->server_up && half_frozen(ss))
		vk_put(h->w, y, h->x + n, h->width - n, half_attr(h, VA_BAD) | A_REVERSE, " FROZEN ");
}

void half_down(const struct half *h, int y, const struct side_snapshot *ss)
{
	if (!ss->present) {
		vk_put(h->w, y + 1, h->x, h->width, half_attr(h, VA_DIM), "not part of this scenario");
		return;
	}
	vk_put(h->w, y + 1, h->x, h->width, half_attr(h, VA_BAD), "DOWN");
	/* the model always says why; a recording keeps only that the side was down */
	const char *why = ss->reason[0] ? ss->reason : "the server was down (no reason recorded)";
	for (int r = 0; r < 3 && *why; r++) {
		int len = (int)strlen(why);
		vk_put(h->w, y + 2 + r, h->x, h->width, half_attr(h, VA_NORMAL), "%.*s", h->width, why);
		why += len < h->width ? len : h->width;
	}
	vk_put(h->w, y + 6, h->x, h->width, half_attr(h, VA_DIM), "r restarts the scenario");
}

char *half_ms(const struct half *h, char *buf, size_t len, bool has, double ms)
{
	if (!has) {
		snprintf(buf, len, "%s", h->g->none);
		return buf;
	}
	return fmt_ms(buf, len, ms);
}

int64_t half_waiting(const struct side_snapshot *ss)
{
	int64_t outside = ss->loadgen_up && ss->outside > 0 ? ss->outside : 0;
	int64_t door = ss->door > 0 ? ss->door : 0, line = ss->in_line > 0 ? ss->in_line : 0;
	return clamp_add_i64(clamp_add_i64(outside, door), ss->black_box ? 0 : line);
}

bool half_warming(const struct side_snapshot *ss)
{
	return ss->server_up && ss->history_len == 0;
}

bool half_frozen(const struct side_snapshot *ss)
{
	return ss->cashier_by_state[CASHIER_FROZEN] > 0;
}
