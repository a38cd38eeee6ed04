/*
 * tui_watch_ui: the watched log on screen: the log pane (filter in its
 * title, paused and folded counts, the selected line, the filter prompt),
 * the detail overlay, and the keys that drive them.
 *
 * tui_draw.c owns the look (colour pairs, titles, clipping); it lends its
 * painters through struct watch_paint so the log keeps the lab's style.
 */
#ifndef SOCKLAB_TUI_WATCH_UI_H
#define SOCKLAB_TUI_WATCH_UI_H

#include <curses.h>
#include <stdbool.h>

#include "tui/tui_layout.h"
#include "tui/tui_watch.h"

struct watch_paint {
	/* Writes s at (y, x) cut to width columns; returns the columns used. */
	int (*put)(int y, int x, int width, const char *s, attr_t a);
	void (*fill)(int y, int x, int width, attr_t a);
	void (*title)(const struct tui_rect *r, const char *name, bool focused, const char *right);
	attr_t (*line_attr)(unsigned flags); /* enum tui_log_flag -> look */
};

/* Draws text word-wrapped into the area's columns from row y, leaving out
 * its first skip rows and stopping at the area's bottom; highlight fills
 * each drawn row first (a selected line). Returns the next free row. */
int watch_draw_wrapped(const struct watch_paint *p, const struct tui_rect *area, int y,
		       const char *s, attr_t a, int skip, bool highlight);

/* The log pane in r. dropped: events the queue lost. */
void watch_draw_log(struct watch *w, const struct tui_rect *r, bool focused,
		    unsigned long long dropped, const struct watch_paint *p);

/* The detail overlay over a screen of rows x cols (when w->detail). */
void watch_draw_detail(struct watch *w, int rows, int cols, const struct watch_paint *p);

/* True while the detail view or the filter prompt takes every key. */
bool watch_modal(const struct watch *w);

/* A key for the log pane (or, when modal, for the open view). page: rows
 * in a page. Returns true when the key was used. */
bool watch_key(struct watch *w, int key, int page);

#endif
