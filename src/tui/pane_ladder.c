/*
 * pane_ladder: one connection as a ladder (ladder.h): the client on the
 * left, the server on the right, each packet an arrow, each side's events
 * and TCP states, rebuilt from the kept events whenever it is drawn. It
 * is opened with Enter on a packet or L on a log line; Esc goes back.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/kernel.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"
#include "tui/tui_msg.h"

static void line(struct lab *lab, size_t i, char *out, size_t cap, unsigned *flags)
{
	struct tui_rect r = pane_rect(lab, &pane_ladder);
	struct lab_kernel *k = lab->kernel;

	*flags = 0;
	if (i == 0) {
		ladder_format_header(&k->ladder, r.w, out, cap);
		*flags = TUI_LOG_INFO;
	} else if (i == k->ladder.n + 1) {
		snprintf(out, cap, "%s", LADDER_LEGEND);
		*flags = TUI_LOG_INFO;
	} else {
		ladder_format_row(&k->ladder, i - 1, r.w, out, cap);
	}
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct lab_kernel *k = lab->kernel;

	paint_title(r, _(MSG_KERNEL_LADDER), focused, NULL);
	if (k == NULL)
		return;
	if (!k->has_key) {
		paint_put(r->y + 1, r->x, r->w, _(MSG_KERNEL_NO_LADDER), A_DIM);
		return;
	}
	kernel_build_ladder(lab);
	kernel_draw_list(r, k->ladder.n + 2, k->ladder_scroll, false, line, lab);
}

static enum pane_result on_key(struct lab *lab, int key)
{
	struct lab_kernel *k = lab->kernel;
	struct tui_rect r = pane_rect(lab, &pane_ladder);

	if (k == NULL || !kernel_scroll_key(key, &k->ladder_scroll, k->ladder.n + 2, r.h - 1))
		return PANE_IGNORED;
	return PANE_REDRAW;
}

static enum pane_result back(struct lab *lab, int key)
{
	struct lab_kernel *k = lab->kernel;

	(void)key;
	if (k == NULL || k->back == NULL || k->back == &pane_ladder)
		return PANE_HANDLED;
	pane_show(lab, k->back);
	lab->focus = k->back;
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{0}, "Up/Down, PgUp/PgDn, Home, End", MSG_KERNEL_HELP_SCROLL, NULL},
    {{27}, "Esc", MSG_KERNEL_HELP_BACK, back},
};

const struct pane pane_ladder = {
    .name = "ladder",
    .title = MSG_KERNEL_LADDER,
    .slot = PANE_SLOT_MAIN,
    .status = MSG_KERNEL_KEYS_LADDER,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .key = on_key,
};
