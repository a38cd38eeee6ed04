/*
 * paint: the lab's look, shared by every pane: the colour roles (each
 * with its monochrome fallback), clipped text, blank fills, title bars,
 * rules and overlay frames, and word-wrapped lines.
 *
 * Only the main thread paints. Every string handed in is ours or already
 * escaped; each painter clips to the width it is given, in display
 * columns, so no text leaves its pane.
 */
#ifndef SOCKLAB_TUI_PAINT_H
#define SOCKLAB_TUI_PAINT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/tui_layout.h"

/* One role per look; each is a colour pair (its number) in colour and
 * plain attributes in monochrome (paint.c's role table). */
enum paint_role {
	ROLE_NORMAL,
	ROLE_TITLE,  /* a pane title */
	ROLE_FOCUS,  /* the focused pane's title */
	ROLE_MAPPED, /* IPv4-mapped peers */
	ROLE_ERROR,
	ROLE_WARN,
	ROLE_IN,
	ROLE_OUT,
	ROLE_INFO,
	ROLE_IPV6, /* native IPv6 peers */
	ROLE_STATUS,
	ROLE_KEY, /* key names in the status bar */
	ROLE_COUNT
};

/* Once, after curses has started: colour when wanted and available;
 * Unicode rules on a UTF-8 locale, ASCII ones elsewhere. */
void paint_init(bool colour);
/* True when the locale's character set is UTF-8. */
bool paint_utf8(void);

attr_t paint_role(enum paint_role r);
/* The look of a line with these enum tui_log_flag flags. */
attr_t paint_line_attr(unsigned flags);

/* Writes s at (y, x) cut to width columns; returns the columns used. */
int paint_put(int y, int x, int width, const char *s, attr_t a);
/* The same, but a cut string ends in an ellipsis ("..." in ASCII). */
int paint_put_ellipsis(int y, int x, int width, const char *s, attr_t a);
/* Fills a row segment with blanks in attribute a. */
void paint_fill(int y, int x, int width, attr_t a);
/* A pane's title bar on r's first row: name on the left, right (may be
 * NULL) on the right, cut so that the name stays. */
void paint_title(const struct tui_rect *r, const char *name, bool focused, const char *right);
void paint_hrule(int y, int x, int n);
void paint_vrule(int y, int x, int n);
/* An overlay's frame: the sides and bottom of r (its first row is the
 * title, painted by paint_title). */
void paint_frame(const struct tui_rect *r);

/* Draws text word-wrapped into the area's columns from row y, leaving out
 * its first skip rows and stopping at the area's bottom; highlight fills
 * each drawn row first (a selected line). Returns the next free row. */
int paint_wrapped(const struct tui_rect *area, int y, const char *s, attr_t a, int skip,
		  bool highlight);

/* "1234 B", "12.3 KiB", ...: a byte count for a person. */
void paint_bytes(uint64_t n, char *out, size_t cap);

#endif
