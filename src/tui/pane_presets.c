/*
 * pane_presets: the presets pane: one row per tutorial section, F2..F7
 * (or Enter on the selected row) starts it. The presets themselves are
 * tui_servers.c's table. Digits start nothing: typed here they are
 * text for the prompt (tui.c moves them there).
 */
#include <curses.h>
#include <stdio.h>

#include "tui/tui_msg.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"

/* The row preset i is drawn on, and the preset at a row (-1: none). */
static int row_of(const struct tui_rect *r, size_t i)
{
	return r->y + 1 + (int)i;
}

static int preset_at(const struct tui_rect *r, int y)
{
	int i = y - row_of(r, 0);

	return i >= 0 && i < (int)tui_preset_count && i + 1 < r->h ? i : -1;
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	paint_title(r, _(MSG_TUI_PRESETS), focused, "F2-F7");
	for (size_t i = 0; i < tui_preset_count && (int)i + 1 < r->h; i++) {
		char line[256];
		bool sel = focused && (int)i == lab->preset_sel;
		attr_t a = sel ? A_REVERSE : A_NORMAL;

		snprintf(line, sizeof line, " F%zu %-4s%s", i + 2, tui_presets[i].key,
			 _(tui_presets[i].summary));
		paint_fill(row_of(r, i), r->x, r->w, a);
		paint_put(row_of(r, i), r->x, r->w, line, a);
	}
}

static enum pane_result up(struct lab *lab, int key)
{
	(void)key;
	if (lab->preset_sel > 0)
		lab->preset_sel--;
	return PANE_REDRAW;
}

static enum pane_result down(struct lab *lab, int key)
{
	(void)key;
	if (lab->preset_sel + 1 < (int)tui_preset_count)
		lab->preset_sel++;
	return PANE_REDRAW;
}

static enum pane_result start(struct lab *lab, int key)
{
	(void)key;
	servers_preset(lab, (size_t)lab->preset_sel);
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{KEY_UP}, "Up/Down", MSG_TUI_HELP_PRESETS_MOVE, up},
    {{KEY_DOWN}, NULL, NULL, down},
    {{'\r', '\n', KEY_ENTER}, "Enter", MSG_TUI_HELP_PRESETS_START, start},
};

static enum pane_result on_mouse(struct lab *lab, const struct tui_rect *r, int y, int x, int wheel)
{
	int i = preset_at(r, y);

	(void)x;
	if (wheel == 0 && i >= 0)
		lab->preset_sel = i;
	return PANE_REDRAW;
}

static const char *status_text(const struct lab *lab)
{
	return tui_presets[lab->preset_sel].teaches; /* translated by the frame */
}

const struct pane pane_presets = {
    .name = "presets",
    .title = MSG_TUI_PRESETS,
    .slot = PANE_SLOT_PRESETS,
    .status = MSG_TUI_KEYS_PRESETS,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .mouse = on_mouse,
    .status_text = status_text,
};
