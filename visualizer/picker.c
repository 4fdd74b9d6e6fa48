/* picker.c: the preset menu and the story line (see picker.h). A preset's name and
 * story come from scenario.c's table, so the menu, the key row and --preset agree. */
#include "picker.h"

#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "viewkit.h"

#define PICKER_KEY_ESC 27
#define PICKER_KEY_CR 13
#define PICKER_WIDTH_MAX 96

void picker_open(struct picker *p, int running)
{
	p->open = true;
	p->selected = running >= 1 && running <= SCENARIO_PRESETS ? running : 1;
}

int picker_key(struct picker *p, int key)
{
	switch (key) {
	case KEY_UP: case 'k':
		p->selected = p->selected > 1 ? p->selected - 1 : SCENARIO_PRESETS;
		return 0;
	case KEY_DOWN: case 'j':
		p->selected = p->selected < SCENARIO_PRESETS ? p->selected + 1 : 1;
		return 0;
	case '\n': case PICKER_KEY_CR: case KEY_ENTER:
		p->open = false;
		return p->selected;
	case PICKER_KEY_ESC: case 'p': case 'q': case 'Q':
		p->open = false;
		return 0;
	}
	if (key >= '1' && key < '1' + SCENARIO_PRESETS) {
		p->open = false;
		return p->selected = key - '0';
	}
	return 0;
}

const char *picker_story_line(int n, char *buf, size_t len)
{
	const char *name = scenario_preset_name(n), *story = scenario_preset_story(n);
	if (name && story)
		snprintf(buf, len, " preset %d, %s: %s", n, name, story);
	else if (len)
		buf[0] = '\0';
	return buf;
}

/* The menu: a title, one row per preset (name, then its story on the next row), the
 * keys. Costs one derwin per frame, as the help box. */
static void draw_menu(WINDOW *w, int rows, int cols, const struct picker *p, const struct view_opts *o)
{
	int bw = cols - 2 < PICKER_WIDTH_MAX ? cols - 2 : PICKER_WIDTH_MAX;
	int bh = 2 * SCENARIO_PRESETS + 5 < rows - 2 ? 2 * SCENARIO_PRESETS + 5 : rows - 2;
	WINDOW *box = derwin(w, bh, bw, (rows - 2 - bh) / 2 > 0 ? (rows - 2 - bh) / 2 : 0, (cols - bw) / 2);
	if (!box)
		return;
	werase(box);
	vk_frame(box, bh, bw, o);
	vk_put(box, 1, 2, bw - 4, viewkit_attr(o, VA_TITLE), " presets: each restarts both restaurants ");
	bool two_rows = bh >= 2 * SCENARIO_PRESETS + 5; /* else the story follows the name */
	for (int n = 1, y = 2; n <= SCENARIO_PRESETS && y < bh - 2; n++) {
		attr_t a = n == p->selected ? A_REVERSE : A_NORMAL;
		if (two_rows) {
			vk_put(box, y++, 2, bw - 4, a | A_BOLD, " %d  %-*s", n, bw - 9, scenario_preset_name(n));
			vk_put(box, y++, 2, bw - 4, a, "    %-*s", bw - 8, scenario_preset_story(n));
		} else
			vk_put(box, y++, 2, bw - 4, a, " %d  %s: %s", n, scenario_preset_name(n), scenario_preset_story(n));
	}
	vk_put(box, bh - 2, 2, bw - 4, viewkit_attr(o, VA_DIM), "1-9 or Up/Down + Enter: run it   Esc or p: close");
	delwin(box);
}

void picker_draw(WINDOW *w, const struct view_status *st, const struct view_opts *o)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	char story[200];
	if (st->preset && !st->keys && picker_story_line(st->preset, story, sizeof story)[0]) {
		char line[256];
		const char *hint = "   p presets  ? keys";
		if ((int)(strlen(story) + strlen(hint)) > cols) /* the story first, then the hint */
			hint = (int)(strlen(story) + 12) <= cols ? "  p presets" : "";
		snprintf(line, sizeof line, "%s%s", story, hint);
		mvwhline(w, rows - 1, 0, ' ', cols);
		vk_put(w, rows - 1, 0, cols, viewkit_attr(o, VA_DIM), "%s", line);
	}
	if (st->picker && st->picker->open)
		draw_menu(w, rows, cols, st->picker, o);
}
