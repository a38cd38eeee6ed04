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

static void draw_status(const struct lab *lab)
{
	const struct tui_rect *r = &lab->lay.status;
	const struct pane *modal = pane_modal(lab), *p = modal ? modal : lab->focus;
	const char *s = _(p->status);
	attr_t a = paint_role(ROLE_STATUS);

	if (lab->help)
		s = _(MSG_TUI_KEYS_HELP);
	else if (lab->status[0] && lab_ms_since(&lab->status_time) < TUI_STATUS_MS)
		s = lab->status, a = lab->status_error ? paint_role(ROLE_ERROR) | A_REVERSE : a;
	else if (p->status_text)
		s = _(p->status_text(lab));
	paint_fill(r->y, r->x, r->w, a);
	paint_put(r->y, r->x + 1, r->w - 1, s, a);
}

void frame_draw(struct lab *lab)
{
	int cy = 0, cx = 0;
	bool cursor = false;

	erase();
	if (lab->lay.too_small) {
		draw_too_small(lab);
		curs_set(0);
		refresh();
		return;
	}
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
	draw_status(lab);
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
