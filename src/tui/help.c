/*
 * help: the help overlay (F1, ?, /help). Every line comes from a table:
 * the client pane's command table, the lab's own keys (lab_keys), each
 * pane's key table in Tab order, and the presets; so the help lists
 * exactly the commands and keys that work.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_msg.h"
#include "tui/paint.h"
#include "tui/tui_cmd.h"
#include "tui/tui_lab.h"

#define HELP_KEY_COLS 18 /* the key names' column */
#define HELP_CMD_COLS 30 /* the commands' usage column */

/* Lines of one key table: its heading, its named entries. */
static int table_lines(const struct pane_key *keys, size_t n)
{
	int lines = 1;

	for (size_t i = 0; i < n; i++)
		lines += keys[i].name != NULL;
	return lines;
}

/* Line i of a key table's part (0: the heading); false past its end. */
static bool table_line(const char *heading, const struct pane_key *keys, size_t n, int *i,
		       char *out, size_t cap, bool *bold)
{
	if (*i == 0) {
		snprintf(out, cap, "%s", _(heading));
		*bold = true;
		return true;
	}
	for (size_t k = 0, seen = 1; k < n; k++) {
		if (keys[k].name == NULL)
			continue;
		if ((int)seen++ == *i) {
			snprintf(out, cap, "  %-*s %s", HELP_KEY_COLS, keys[k].name,
				 _(keys[k].help));
			return true;
		}
	}
	*i -= table_lines(keys, n);
	return false;
}

int help_lines(void)
{
	int n = 1 + table_lines(lab_keys, lab_nkeys);

	for (size_t p = 0; p < pane_count; p++)
		n += table_lines(pane_table[p]->keys, pane_table[p]->nkeys);
	return n + 1 + (int)tui_cmd_count + 1 + 1 + (int)tui_preset_count;
}

/* The commands' part: heading, one line each, the data line. */
static bool command_line(int *i, char *out, size_t cap, bool *bold)
{
	if (*i == 0) {
		snprintf(out, cap, "%s", _(MSG_TUI_HELP_COMMANDS));
		*bold = true;
		return true;
	}
	if (*i - 1 < (int)tui_cmd_count) {
		const struct tui_cmd_entry *e = &tui_cmd_table[*i - 1];

		snprintf(out, cap, "  %-*s %s", HELP_CMD_COLS, e->usage, _(e->help));
		return true;
	}
	if (*i - 1 == (int)tui_cmd_count) {
		snprintf(out, cap, "  %s", _(MSG_TUI_HELP_SEND));
		return true;
	}
	*i -= (int)tui_cmd_count + 2;
	return false;
}

void help_line(int i, char *out, size_t cap, bool *bold)
{
	*bold = false;
	out[0] = '\0';
	if (i-- == 0) {
		snprintf(out, cap, "%s", _(MSG_TUI_HELP_INTRO));
		return;
	}
	/* What a person types first, then the keys, pane by pane. */
	if (command_line(&i, out, cap, bold))
		return;
	if (table_line(MSG_TUI_HELP_KEYS, lab_keys, lab_nkeys, &i, out, cap, bold))
		return;
	for (size_t p = 0; p < pane_count; p++) {
		const struct pane *pn = pane_table[p];

		if (table_line(pn->title, pn->keys, pn->nkeys, &i, out, cap, bold))
			return;
	}
	if (i == 0) {
		snprintf(out, cap, "%s", _(MSG_TUI_HELP_PRESETS));
		*bold = true;
		return;
	}
	i--;
	if (i >= 0 && i < (int)tui_preset_count)
		snprintf(out, cap, "  F%d %-4s %s", i + 2, tui_presets[i].key,
			 _(tui_presets[i].teaches));
}

/* Where a wrapped line's continuation rows start: under its text, past
 * the key or usage column (or two columns in, for other lines). */
static int hang_of(const char *line, int width)
{
	int hang = 2;

	if (strncmp(line, "  /", 3) == 0)
		hang = 3 + HELP_CMD_COLS;
	else if (strncmp(line, "  ", 2) == 0 && (int)strlen(line) > 3 + HELP_KEY_COLS &&
		 line[2 + HELP_KEY_COLS] == ' ' && line[2] != ' ')
		hang = 3 + HELP_KEY_COLS;
	return hang < width / 2 ? hang : 2;
}

/* Rows of line i at width columns, and row k of them (0: the first). */
static int line_rows(const char *line, int width, int k, char *out, size_t cap)
{
	const char *s = line;
	int hang = hang_of(line, width), rows = 0;

	for (;;) {
		int w = rows == 0 ? width : width - hang;
		size_t n;

		if (rows > 0)
			while (*s == ' ')
				s++;
		n = tui_wrap_row(s, w);
		if (rows == k && out != NULL)
			snprintf(out, cap, "%*s%.*s", rows ? hang : 0, "", (int)n, s);
		rows++;
		s += n;
		if (n == 0 || *s == '\0')
			return rows;
	}
}

/* Every line wrapped at width: the rows they take, and row r of them. */
static int help_rows(int width, int r, char *out, size_t cap, bool *bold)
{
	char line[512];
	int total = 0, n = help_lines();

	for (int i = 0; i < n; i++) {
		bool b;
		int rows;

		help_line(i, line, sizeof line, &b);
		rows = line_rows(line, width, -1, NULL, 0);
		if (out != NULL && r >= total && r < total + rows) {
			line_rows(line, width, r - total, out, cap);
			*bold = b;
			return rows;
		}
		total += rows;
	}
	if (out != NULL)
		out[0] = '\0';
	return total;
}

void help_draw(struct lab *lab)
{
	int w = lab->lay.cols - 4 > 100 ? 100 : lab->lay.cols - 4;
	int total = help_rows(w - 4, -1, NULL, 0, NULL);
	int h = lab->lay.rows - 2 > total + 2 ? total + 2 : lab->lay.rows - 2;
	int y0 = (lab->lay.rows - 1 - h) / 2, x0 = (lab->lay.cols - w) / 2;
	int body = h - 2, max_scroll = total - body > 0 ? total - body : 0;
	char line[512];

	if (lab->help_scroll > max_scroll)
		lab->help_scroll = max_scroll;
	if (lab->help_scroll < 0)
		lab->help_scroll = 0;
	for (int y = y0; y < y0 + h; y++)
		paint_fill(y, x0, w, A_NORMAL);
	paint_title(&(struct tui_rect){y0, x0, 1, w}, _(MSG_TUI_HELP_TITLE), true,
		    max_scroll ? _(MSG_TUI_HELP_MORE) : _(MSG_TUI_HELP_CLOSE));
	paint_frame(&(struct tui_rect){y0, x0, h, w});
	for (int i = 0; i < body; i++) {
		bool bold = false;

		help_rows(w - 4, i + lab->help_scroll, line, sizeof line, &bold);
		paint_put(y0 + 1 + i, x0 + 2, w - 4, line, bold ? A_BOLD : A_NORMAL);
	}
}

enum pane_result help_key(struct lab *lab, int key)
{
	switch (key) {
	case KEY_UP:
		lab->help_scroll--;
		break;
	case KEY_DOWN:
		lab->help_scroll++;
		break;
	case KEY_PPAGE:
		lab->help_scroll -= 10;
		break;
	case KEY_NPAGE:
	case ' ':
		lab->help_scroll += 10;
		break;
	case KEY_HOME:
		lab->help_scroll = 0;
		break;
	case KEY_END:
		lab->help_scroll = help_lines() * 4; /* drawing clamps it */
		break;
	case KEY_F(10):
		return PANE_QUIT;
	default:
		lab->help = false; /* any other key closes it */
		break;
	}
	return PANE_REDRAW;
}
