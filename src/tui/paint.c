/*
 * paint: the lab's look (see paint.h).
 */
#include "tui/paint.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "socklab/util.h"
#include "tui/tui_log.h"

/* Roles, indexed by enum paint_role: the colour pair and what is added to
 * it in colour, and the attributes that stand for it in monochrome. */
static const struct {
	short fg, bg;
	attr_t colour_extra;
	attr_t mono;
} roles[ROLE_COUNT] = {
    [ROLE_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [ROLE_TITLE] = {COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE},
    [ROLE_FOCUS] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_REVERSE | A_BOLD},
    [ROLE_MAPPED] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [ROLE_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [ROLE_WARN] = {COLOR_MAGENTA, -1, A_NORMAL, A_UNDERLINE},
    [ROLE_IN] = {COLOR_GREEN, -1, A_NORMAL, A_NORMAL},
    [ROLE_OUT] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [ROLE_INFO] = {COLOR_BLUE, -1, A_NORMAL, A_NORMAL},
    [ROLE_IPV6] = {COLOR_CYAN, -1, A_NORMAL, A_NORMAL},
    [ROLE_STATUS] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ROLE_KEY] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD},
};

/* A line's flags to its role, first match wins. */
static const struct {
	unsigned flag;
	enum paint_role role;
} line_roles[] = {
    {TUI_LOG_ERROR, ROLE_ERROR}, {TUI_LOG_MAPPED, ROLE_MAPPED}, {TUI_LOG_WARN, ROLE_WARN},
    {TUI_LOG_IPV6, ROLE_IPV6},	 {TUI_LOG_IN, ROLE_IN},		{TUI_LOG_OUT, ROLE_OUT},
    {TUI_LOG_INFO, ROLE_INFO},
};

static bool g_colour;
static bool g_utf8;

void paint_init(bool colour)
{
	g_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	g_colour = colour && has_colors();
	if (!g_colour)
		return;
	start_color();
	use_default_colors();
	for (int r = ROLE_NORMAL + 1; r < ROLE_COUNT; r++)
		init_pair((short)r, roles[r].fg, roles[r].bg);
}

bool paint_utf8(void)
{
	return g_utf8;
}

attr_t paint_role(enum paint_role r)
{
	if (r <= ROLE_NORMAL || r >= ROLE_COUNT)
		return A_NORMAL;
	if (g_colour)
		return COLOR_PAIR(r) | roles[r].colour_extra;
	return roles[r].mono;
}

attr_t paint_line_attr(unsigned flags)
{
	for (size_t i = 0; i < sizeof line_roles / sizeof line_roles[0]; i++)
		if (flags & line_roles[i].flag)
			return paint_role(line_roles[i].role);
	return A_NORMAL;
}

int paint_put(int y, int x, int width, const char *s, attr_t a)
{
	int cols;
	size_t n;

	if (width <= 0)
		return 0;
	n = tui_text_fit(s, width, &cols);
	attron(a);
	mvaddnstr(y, x, s, (int)n);
	attroff(a);
	return cols;
}

int paint_put_ellipsis(int y, int x, int width, const char *s, attr_t a)
{
	const char *dots = g_utf8 ? "\u2026" : "...";
	int dw = g_utf8 ? 1 : 3, cols;
	size_t n;

	if (width <= 0)
		return 0;
	if (tui_text_cols(s) <= width || width <= dw)
		return paint_put(y, x, width, s, a);
	n = tui_text_fit(s, width - dw, &cols);
	attron(a);
	mvaddnstr(y, x, s, (int)n);
	mvaddstr(y, x + cols, dots);
	attroff(a);
	return cols + dw;
}

void paint_fill(int y, int x, int width, attr_t a)
{
	attron(a);
	for (int i = 0; i < width; i++)
		mvaddch(y, x + i, ' ');
	attroff(a);
}

void paint_title(const struct tui_rect *r, const char *name, bool focused, const char *right)
{
	attr_t a = paint_role(focused ? ROLE_FOCUS : ROLE_TITLE);
	int used, rw;

	paint_fill(r->y, r->x, r->w, a);
	used = paint_put(r->y, r->x + 1, r->w - 1, name, a);
	if (right && right[0]) {
		rw = tui_text_cols(right);
		if (rw > r->w - used - 3)
			rw = r->w - used - 3;
		if (rw > 0)
			paint_put(r->y, r->x + r->w - rw - 1, rw, right, a);
	}
}

/* Rules: Unicode box drawing on a UTF-8 terminal (it survives captures
 * and copy-paste), plain ASCII elsewhere (a terminal in another locale
 * may not draw the line-drawing set). */
void paint_hrule(int y, int x, int n)
{
	for (int i = 0; i < n; i++)
		mvaddstr(y, x + i, g_utf8 ? "\u2500" : "-");
}

void paint_vrule(int y, int x, int n)
{
	for (int i = 0; i < n; i++)
		mvaddstr(y + i, x, g_utf8 ? "\u2502" : "|");
}

void paint_frame(const struct tui_rect *r)
{
	int bottom = r->y + r->h - 1, right = r->x + r->w - 1;

	if (r->h < 2 || r->w < 2)
		return;
	attron(A_BOLD);
	paint_vrule(r->y + 1, r->x, r->h - 1);
	paint_vrule(r->y + 1, right, r->h - 1);
	paint_hrule(bottom, r->x, r->w);
	mvaddstr(bottom, r->x, g_utf8 ? "\u2514" : "+");
	mvaddstr(bottom, right, g_utf8 ? "\u2518" : "+");
	attroff(A_BOLD);
}

int paint_wrapped(const struct tui_rect *area, int y, const char *s, attr_t a, int skip,
		  bool highlight)
{
	int row = 0;

	while (y < area->y + area->h) {
		int width = tui_wrap_width(area->w, row);
		size_t k;

		if (row > 0) {
			while (*s == ' ')
				s++;
			if (*s == '\0')
				break;
		}
		k = tui_wrap_row(s, width);
		if (row++ >= skip) {
			/* paint_put cuts at columns; draw only this row's bytes. */
			char part[TUI_LOG_LINE_MAX + 64];

			if (k >= sizeof part)
				k = sizeof part - 1;
			memcpy(part, s, k);
			part[k] = '\0';
			if (highlight)
				paint_fill(y, area->x, area->w, a);
			paint_put(y++, area->x + area->w - width, width, part, a);
		}
		s += k;
		if (k == 0 || *s == '\0')
			break;
	}
	return y;
}

void paint_bytes(uint64_t n, char *out, size_t cap)
{
	util_format_bytes((double)n, "", out, cap);
}
