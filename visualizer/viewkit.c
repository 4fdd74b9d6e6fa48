/* viewkit.c: see viewkit.h. Every glyph in both sets is one column wide, so clipping
 * counts UTF-8 lead bytes instead of calling wcwidth per character. */
#include "viewkit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "numclamp.h"

static const struct glyphs utf8 = {
	.customer = "\u25cf",       /* ● */
	.cooking = "\u2668",        /* ♨ */
	.cashier = {
		[CASHIER_IDLE] = "\u00b7",            /* · */
		[CASHIER_TAKING_ORDER] = "\u270e",    /* ✎ */
		[CASHIER_WAITING_KITCHEN] = "\u2668", /* ♨ */
		[CASHIER_HANDING_OVER] = "\u279c",    /* ➜ */
		[CASHIER_FROZEN] = "\u2716",          /* ✖ */
	},
	.spark = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
	.block = "\u2588",
	.vline = "\u2502",
	.ok = "\u2713",
	.bad = "\u2260",
	.lambda = "\u03bb",
	.none = "\u2014",           /* — */
	.mark = "\u2508",           /* ┈ */
	.point = "\u2584",          /* ▄ */
};

static const struct glyphs ascii = {
	.customer = "o",
	.cooking = "*",
	.cashier = {
		[CASHIER_IDLE] = ".",
		[CASHIER_TAKING_ORDER] = "T",
		[CASHIER_WAITING_KITCHEN] = "K",
		[CASHIER_HANDING_OVER] = "H",
		[CASHIER_FROZEN] = "X",
	},
	.spark = { "_", ".", "-", "~", "=", "+", "*", "#" },
	.block = "#",
	.vline = "|",
	.ok = "ok",
	.bad = "!=",
	.lambda = "lam",
	.none = "-",
	.mark = "-",
	.point = "o",
};

const struct glyphs *viewkit_glyphs(const struct view_opts *o)
{
	return o->ascii ? &ascii : &utf8;
}

/* Colour pairs are numbered as enum vattr (view_setup creates them). Without colour,
 * the same meaning is carried by bold, reverse and dim. */
attr_t viewkit_attr(const struct view_opts *o, enum vattr a)
{
	static const attr_t mono[VA_COUNT] = {
		[VA_NORMAL] = A_NORMAL, [VA_TITLE] = A_BOLD | A_REVERSE, [VA_GOOD] = A_NORMAL,
		[VA_WARN] = A_BOLD,     [VA_BAD] = A_BOLD | A_UNDERLINE,  [VA_DIM] = A_DIM,
		[VA_BAR] = A_REVERSE,   [VA_CUSTOMER] = A_BOLD,
	};
	if ((unsigned)a >= VA_COUNT)
		return A_NORMAL;
	if (!o->color)
		return mono[a];
	if (a == VA_NORMAL)
		return A_NORMAL;
	attr_t bold = (a == VA_TITLE || a == VA_BAD) ? A_BOLD : A_NORMAL;
	return COLOR_PAIR(a) | bold;
}

/* Bytes of s that fill at most cols columns (UTF-8: continuation bytes are free). */
static size_t clip_bytes(const char *s, int cols, int *used)
{
	size_t i = 0;
	int c = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (c == cols)
				break;
			c++;
		}
		i++;
	}
	*used = c;
	return i;
}

int vk_put(WINDOW *w, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (maxw <= 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	int used;
	size_t n = clip_bytes(buf, maxw, &used);
	wattr_on(w, attr, NULL);
	mvwaddnstr(w, y, x, buf, (int)n);
	wattr_off(w, attr, NULL);
	return used;
}

void vk_sparkline(WINDOW *w, int y, int x, int width, int height, const float *v, int n,
		  const struct glyphs *g, attr_t attr)
{
	if (width <= 0 || height <= 0)
		return;
	int first = n > width ? n - width : 0;
	float top = 0;
	for (int i = first; i < n; i++)
		if (v[i] > top)
			top = v[i];
	wattr_on(w, attr, NULL);
	for (int i = first; i < n; i++) {
		int col = x + (i - first);
		/* eighths of the whole height, at least one for any value above zero */
		/* clamped, not cast: an infinite value makes v / top NaN */
		int level = top > 0 && v[i] > 0 ? clamp_int(v[i] / top * (float)(height * 8) + 0.5f, 0, height * 8) : 0;
		if (v[i] > 0 && level == 0)
			level = 1;
		for (int r = 0; r < height; r++) {
			int cell = level - (height - 1 - r) * 8; /* eighths in this row, from the bottom */
			if (cell <= 0)
				continue;
			mvwaddstr(w, y + r, col, g->spark[cell >= 8 ? 7 : cell - 1]);
		}
	}
	wattr_off(w, attr, NULL);
}

/* 3x5 digits, and the few letters a unit needs, row by row: 5 rows of `width`
 * pixels. Lower-case letters sit on the digits' baseline, four rows high. */
struct big_glyph {
	char c;
	int width;
	const char *rows[5];
};

static const struct big_glyph big_glyphs[] = {
	{ '0', 3, { "###", "# #", "# #", "# #", "###" } }, { '1', 3, { " # ", "## ", " # ", " # ", "###" } },
	{ '2', 3, { "###", "  #", "###", "#  ", "###" } }, { '3', 3, { "###", "  #", "###", "  #", "###" } },
	{ '4', 3, { "# #", "# #", "###", "  #", "  #" } }, { '5', 3, { "###", "#  ", "###", "  #", "###" } },
	{ '6', 3, { "###", "#  ", "###", "# #", "###" } }, { '7', 3, { "###", "  #", "  #", "  #", "  #" } },
	{ '8', 3, { "###", "# #", "###", "# #", "###" } }, { '9', 3, { "###", "# #", "###", "  #", "###" } },
	{ 'm', 5, { "     ", "#### ", "# # #", "# # #", "# # #" } },
	{ 's', 3, { "   ", " ##", "#  ", "  #", "## " } },
	{ '/', 3, { "  #", "  #", " # ", "#  ", "#  " } },
	{ '-', 3, { "   ", "   ", "###", "   ", "   " } },
};

static const struct big_glyph *big_glyph(char c)
{
	for (size_t i = 0; i < sizeof big_glyphs / sizeof big_glyphs[0]; i++)
		if (big_glyphs[i].c == c)
			return &big_glyphs[i];
	return NULL;
}

/* A decimal point is a point only with room on both sides: one column of space, the
 * point glyph at the baseline, one more of space ("4.4" must not read "44"). */
int vk_bigtext(WINDOW *w, int y, int x, int maxw, const char *text, const struct glyphs *g, attr_t attr)
{
	int col = 0;
	wattr_on(w, attr, NULL);
	for (const char *p = text; *p; p++) {
		const struct big_glyph *d = big_glyph(*p);
		int cw = d ? d->width + 1 : *p == '.' ? 3 : *p == ':' ? 2 : 1;
		if (col + cw > maxw)
			break;
		if (d) {
			for (int r = 0; r < 5; r++)
				for (int c = 0; c < d->width; c++)
					if (d->rows[r][c] == '#')
						mvwaddstr(w, y + r, x + col + c, g->block);
		} else if (*p == '.') {
			mvwaddstr(w, y + 4, x + col + 1, g->point);
		} else if (*p == ':') {
			mvwaddstr(w, y + 1, x + col, g->block);
			mvwaddstr(w, y + 3, x + col, g->block);
		} else if (*p != ' ') {
			mvwaddnstr(w, y + 4, x + col, p, 1);
		}
		col += cw;
	}
	wattr_off(w, attr, NULL);
	return col;
}

void vk_frame(WINDOW *w, int h, int wd, const struct view_opts *o)
{
	const char *hz = o->ascii ? "-" : "\u2500", *vt = o->ascii ? "|" : "\u2502";
	const char *corner[4] = { o->ascii ? "+" : "\u250c", o->ascii ? "+" : "\u2510", o->ascii ? "+" : "\u2514",
				  o->ascii ? "+" : "\u2518" };
	for (int x = 1; x < wd - 1; x++) {
		mvwaddstr(w, 0, x, hz);
		mvwaddstr(w, h - 1, x, hz);
	}
	for (int y = 1; y < h - 1; y++) {
		mvwaddstr(w, y, 0, vt);
		mvwaddstr(w, y, wd - 1, vt);
	}
	mvwaddstr(w, 0, 0, corner[0]);
	mvwaddstr(w, 0, wd - 1, corner[1]);
	mvwaddstr(w, h - 1, 0, corner[2]);
	mvwaddstr(w, h - 1, wd - 1, corner[3]);
}
