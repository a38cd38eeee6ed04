/*
 * tui_layout: pane geometry and text wrapping (see tui_layout.h).
 */
#include "tui/tui_layout.h"

#include <string.h>
#include <wchar.h>

#include "socklab/escape.h"

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void tui_layout_compute(int rows, int cols, struct tui_layout *lay)
{
	int client_h, top_h, left_w;

	memset(lay, 0, sizeof *lay);
	lay->rows = rows;
	lay->cols = cols;
	lay->too_small = rows < TUI_MIN_ROWS || cols < TUI_MIN_COLS;
	if (lay->too_small)
		return;
	client_h = clamp(rows - 17, 5, 12);
	top_h = rows - 1 - client_h;
	left_w = clamp(cols * 9 / 20, 30, 52);

	lay->status = (struct tui_rect){rows - 1, 0, 1, cols};
	lay->client = (struct tui_rect){top_h, 0, client_h, cols};
	lay->rule_x = left_w;
	lay->rule_h = top_h;
	lay->log = (struct tui_rect){0, left_w + 1, top_h, cols - left_w - 1};
	/* The presets need their title and six lines; below that height the
	 * servers keep the whole column (the F-keys still work). */
	if (top_h >= 14) {
		lay->presets = (struct tui_rect){top_h - 7, 0, 7, left_w};
		lay->servers = (struct tui_rect){0, 0, top_h - 7, left_w};
	} else {
		lay->presets = (struct tui_rect){top_h, 0, 0, left_w};
		lay->servers = (struct tui_rect){0, 0, top_h, left_w};
	}
}

bool tui_rect_contains(const struct tui_rect *r, int y, int x)
{
	return r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

int tui_char_cols(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t l = esc_utf8_len(u, n);
	wchar_t wc;
	int w;

	if (l == 0) {
		*len = 1;
		return 1;
	}
	*len = l;
	if (l == 1)
		return 1;
	if (l == 2)
		wc = ((u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	else if (l == 3)
		wc = ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
	else
		wc = ((u[0] & 0x07) << 18) | ((u[1] & 0x3F) << 12) | ((u[2] & 0x3F) << 6) |
		     (u[3] & 0x3F);
	w = wcwidth(wc);
	/* Unknown to the locale: count one column, the terminal's usual
	 * guess; combining marks take none. */
	return w < 0 ? 1 : w;
}

int tui_text_cols(const char *s)
{
	size_t n = strlen(s), i = 0, len;
	int cols = 0;

	while (i < n) {
		cols += tui_char_cols(s + i, n - i, &len);
		i += len;
	}
	return cols;
}

size_t tui_text_fit(const char *s, int width, int *cols)
{
	size_t n = strlen(s), i = 0, len;
	int used = 0;

	while (i < n) {
		int w = tui_char_cols(s + i, n - i, &len);

		if (used + w > width && i > 0)
			break;
		if (used + w > width && width <= 0)
			break;
		used += w;
		i += len;
		if (used >= width)
			break;
	}
	if (cols)
		*cols = used;
	return i;
}

size_t tui_wrap_row(const char *s, int width)
{
	size_t k = tui_text_fit(s, width, NULL), brk = 0;
	int cols = 0;

	if (s[k] == '\0' || s[k] == ' ' || k == 0)
		return k;
	/* Inside a word: go back to the last space, unless that leaves most
	 * of the row empty. */
	for (size_t i = 0; i < k;) {
		size_t len;

		cols += tui_char_cols(s + i, k - i, &len);
		i += len;
		if (s[i - 1] == ' ' && cols >= width / 2)
			brk = i;
	}
	return brk ? brk : k;
}

int tui_wrap_width(int width, int row)
{
	if (row == 0 || width <= 4 * TUI_WRAP_INDENT)
		return width;
	return width - TUI_WRAP_INDENT;
}

int tui_text_rows(const char *s, int width)
{
	int rows = 0;

	if (width <= 0)
		return 1;
	while (*s) {
		size_t k;

		if (rows > 0)
			while (*s == ' ')
				s++;
		if (*s == '\0')
			break;
		k = tui_wrap_row(s, tui_wrap_width(width, rows));
		if (k == 0)
			break;
		s += k;
		rows++;
	}
	return rows > 0 ? rows : 1;
}

size_t tui_layout_first_line(size_t count, size_t scroll, int height,
			     int (*rows_of)(size_t i, void *arg), void *arg, int *skip)
{
	size_t end, i;
	int used = 0;

	*skip = 0;
	if (count == 0 || height <= 0)
		return count;
	if (scroll >= count)
		scroll = count - 1;
	end = count - scroll; /* one past the newest line shown */
	i = end;
	while (i > 0) {
		int r = rows_of(i - 1, arg);

		if (used + r >= height) {
			*skip = used + r - height;
			return i - 1;
		}
		used += r;
		i--;
	}
	return 0;
}
