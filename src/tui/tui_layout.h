/*
 * tui_layout: where each pane goes for a terminal size, and how text
 * wraps into a pane. Pure arithmetic, no curses, so it is unit tested.
 *
 *   +-------------+-------------------+
 *   | Servers     | Log               |   the left column holds the
 *   |             |                   |   server form and running list,
 *   +-------------+                   |   then the presets (hidden when
 *   | Presets     |                   |   the terminal is short)
 *   +-------------+-------------------+
 *   | Client (output lines, then the readline prompt)  |
 *   +--------------------------------------------------+
 *   status bar (one line)
 *
 * Each pane's first row is its title bar; a one-column rule separates the
 * left and right columns.
 */
#ifndef SOCKLAB_TUI_LAYOUT_H
#define SOCKLAB_TUI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* Smallest terminal the lab draws into; below it a notice is shown. */
#define TUI_MIN_COLS 60
#define TUI_MIN_ROWS 16

struct tui_rect {
	int y, x, h, w;
};

struct tui_layout {
	int rows, cols;
	bool too_small;
	struct tui_rect servers, presets, log, client, status;
	int rule_x; /* column of the vertical rule, rows 0 .. rule_h - 1 */
	int rule_h;
};

void tui_layout_compute(int rows, int cols, struct tui_layout *lay);

/* True when (y, x) lies inside r. */
bool tui_rect_contains(const struct tui_rect *r, int y, int x);

/* Display columns of one UTF-8 character at s (n bytes available):
 * *len gets its byte length (an invalid byte counts as one column of one
 * byte). */
int tui_char_cols(const char *s, size_t n, size_t *len);

/* Display columns of the whole string. */
int tui_text_cols(const char *s);

/* Bytes of s that fit in width columns (at least one character when
 * width > 0 and s is not empty); *cols gets the columns they take. */
size_t tui_text_fit(const char *s, int width, int *cols);

/* Continuation rows of a wrapped line start this many columns in. */
#define TUI_WRAP_INDENT 2

/* Bytes of s for one row of width columns, breaking after a space when
 * the row would end inside a word (and the space is not too far back);
 * long words are cut. At least one character when s is not empty. */
size_t tui_wrap_row(const char *s, int width);

/* Width of a row of a wrapped line: the first gets width, the others
 * width - TUI_WRAP_INDENT (when the pane is wide enough for an indent). */
int tui_wrap_width(int width, int row);

/* Rows s takes when wrapped at width columns: at least 1. The spaces a
 * row breaks after are dropped from the next row's start. */
int tui_text_rows(const char *s, int width);

/* Where to start drawing a list of wrapped lines bottom-aligned in a pane
 * of height rows: given the rows of each line (rows_of(i) for i in
 * 0..count-1) and a scroll (lines back from the newest), returns the first
 * line index to draw and, in *skip, how many of its leading rows are cut
 * off at the top. */
size_t tui_layout_first_line(size_t count, size_t scroll, int height,
			     int (*rows_of)(size_t i, void *arg), void *arg, int *skip);

#endif
