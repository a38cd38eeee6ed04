/*
 * frame: paints one frame of the lab: each shown pane of the pane table
 * in its rect, the rule between the columns, the status bar, the panes'
 * overlays and the help, then puts the terminal cursor where the focused
 * pane wants it.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_msg.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"

static void draw_too_small(const struct lab *lab)
{
	char msg[160];
	const char *m = msg;

	snprintf(msg, sizeof msg, _(MSG_TUI_TOO_SMALL), TUI_MIN_COLS, TUI_MIN_ROWS, lab->lay.cols,
		 lab->lay.rows);
	for (int y = 0; *m && y < lab->lay.rows; y++) {
		size_t k = tui_wrap_row(m, lab->lay.cols);
		char row[160];

		memcpy(row, m, k);
		row[k] = '\0';
		paint_put(y, 0, lab->lay.cols, row, A_BOLD);
		m += k;
		while (*m == ' ')
			m++;
	}
}

/* The status bar's text now, and its look. */
static const char *status_text(const struct lab *lab, attr_t *a)
{
	const struct pane *modal = pane_modal(lab), *p = modal ? modal : lab->focus;

	*a = paint_role(ROLE_STATUS);
	if (lab->help)
		return _(MSG_TUI_KEYS_HELP);
	if (lab->status[0] && lab_ms_since(lab->status_time) < TUI_STATUS_MS) {
		if (lab->status_error)
			*a = paint_role(ROLE_ERROR) | A_REVERSE;
		return lab->status;
	}
	if (p->status_text)
		return _(p->status_text(lab));
	return _(p->status);
}

/* A notice is never cut: one that does not fit the bar's row takes
 * STATUS_ROWS_MAX rows, the client pane giving up the rows above. */
#define STATUS_ROWS_MAX 3

static void draw_status(const struct lab *lab, const char *s, attr_t a)
{
	const struct tui_rect *r = &lab->lay.status;

	for (int y = r->y; y < r->y + r->h; y++)
		paint_fill(y, r->x, r->w, a);
	if (r->h == 1)
		paint_put_ellipsis(r->y, r->x + 1, r->w - 1, s, a);
	else
		paint_wrapped(&(struct tui_rect){r->y, r->x + 1, r->h, r->w - 1}, r->y, s, a, 0,
			      false);
}

/* Makes room for a long status text: the status bar grows upwards. */
static void status_room(struct lab *lab, const char *s)
{
	struct tui_layout *lay = &lab->lay;
	int rows = tui_text_rows(s, lay->cols - 1);

	if (rows > STATUS_ROWS_MAX)
		rows = STATUS_ROWS_MAX;
	if (rows <= 1 || lay->client.h - (rows - 1) < 3)
		return;
	lay->client.h -= rows - 1;
	lay->status.y -= rows - 1;
	lay->status.h = rows;
}

void frame_draw(struct lab *lab)
{
	struct tui_layout saved = lab->lay;
	const char *status;
	int cy = 0, cx = 0;
	bool cursor = false;
	attr_t sa;

	erase();
	if (lab->lay.too_small) {
		draw_too_small(lab);
		curs_set(0);
		refresh();
		return;
	}
	status = status_text(lab, &sa);
	if (!lab->zoom)
		status_room(lab, status);
	for (size_t i = 0; i < pane_count; i++) {
		const struct pane *p = pane_table[i];
		struct tui_rect r = pane_rect(lab, p);

		if (r.h <= 0)
			continue;
		p->draw(lab, &r, p == lab->focus);
		if (p == lab->focus && p->cursor)
			cursor = p->cursor(lab, &cy, &cx);
	}
	if (!lab->zoom) {
		attron(A_DIM);
		paint_vrule(0, lab->lay.rule_x, lab->lay.rule_h);
		attroff(A_DIM);
	}
	draw_status(lab, status, sa);
	lab->lay = saved; /* the mouse and the keys use the usual layout */
	for (size_t i = 0; i < pane_count; i++)
		if (pane_table[i]->overlay)
			pane_table[i]->overlay(lab);
	if (lab->help) {
		help_draw(lab);
		cursor = false;
	} else if (pane_modal(lab) != NULL) {
		cursor = false;
	}
	if (cursor) {
		move(cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}
