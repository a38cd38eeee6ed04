/*
 * tui_log: the lab's scrollback, a bounded ring of ready-made lines.
 *
 * Each line is already escaped text (no control character in it) with a
 * few style flags. When the ring is full the oldest line is freed and
 * counted in `evicted`; memory stays bounded whatever the traffic. Lines
 * are addressed from the oldest kept (0) to the newest (count - 1).
 * Pure data: no curses, used by the log and the client pane alike.
 */
#ifndef SOCKLAB_TUI_LOG_H
#define SOCKLAB_TUI_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tui_log_flag {
	TUI_LOG_MAPPED = 1 << 0, /* the peer is an IPv4-mapped IPv6 address */
	TUI_LOG_ERROR = 1 << 1,	 /* an error or a failure */
	TUI_LOG_WARN = 1 << 2,	 /* a warning or a drop */
	TUI_LOG_IN = 1 << 3,	 /* bytes that came in */
	TUI_LOG_OUT = 1 << 4,	 /* bytes that went out */
	TUI_LOG_INFO = 1 << 5,	 /* lifecycle: listen, stop, connect */
	TUI_LOG_IPV6 = 1 << 6,	 /* the peer is a native IPv6 address */
};

struct tui_log_line {
	char *text;
	unsigned flags;
};

struct tui_log {
	struct tui_log_line *slots;
	size_t cap;	  /* lines kept at most */
	size_t head;	  /* index of the oldest line in slots[] */
	size_t count;	  /* lines held now */
	uint64_t total;	  /* lines ever pushed */
	uint64_t evicted; /* lines pushed out of the ring by newer ones */
	size_t scroll;	  /* lines the view is scrolled back from the newest; 0 follows */
};

/* cap of at least 1. Returns 0, or -1 when out of memory. */
int tui_log_init(struct tui_log *log, size_t cap);
void tui_log_free(struct tui_log *log);

/* Copies text (at most max_len bytes, see below) as the newest line. When
 * the ring is full the oldest line goes. Keeps the view where it was when
 * the user has scrolled back. Returns false when out of memory (the line
 * is then lost, and counted as evicted). */
bool tui_log_push(struct tui_log *log, const char *text, unsigned flags);

/* Line i, 0 = oldest kept; NULL when i >= count. */
const struct tui_log_line *tui_log_get(const struct tui_log *log, size_t i);

/* Scrolls by delta lines (positive: back in time), clamped to what is
 * kept. A scroll of 0 follows new lines. */
void tui_log_scroll(struct tui_log *log, long delta);

void tui_log_clear(struct tui_log *log);

/* Longest line kept; longer text is cut at a UTF-8 boundary. */
#define TUI_LOG_LINE_MAX 4096

#endif
