/*
 * frame: a bounded line framer over a byte stream, the tutorial's
 * hand-made buffer (section 1) in C.
 *
 * Bytes are received straight into the framer's free space, then complete
 * lines are taken out without copying. A line longer than the cap is not
 * kept: the framer reports FRAME_OVERFLOW once and drops bytes up to the
 * next newline, so memory stays bounded whatever a peer sends.
 */
#ifndef SOCKLAB_FRAME_H
#define SOCKLAB_FRAME_H

#include <stdbool.h>
#include <stddef.h>

enum frame_result {
	FRAME_MORE,	/* no complete line yet: receive more */
	FRAME_LINE,	/* *line, *len hold one line, without \n or \r\n */
	FRAME_OVERFLOW, /* a line passed the cap; its bytes are being dropped */
};

struct frame {
	char *buf;
	size_t cap;	 /* max line length + 1 for the newline */
	size_t start;	 /* first unconsumed byte */
	size_t end;	 /* one past the last received byte */
	size_t scanned;	 /* bytes after start known to hold no newline */
	bool discarding; /* dropping an over-long line up to its newline */
	size_t dropped;	 /* bytes dropped from the current over-long line */
};

/* max_line is the longest line accepted, not counting the newline (a CR
 * before it counts: the cap is on bytes received, before CRLF becomes LF).
 * Returns 0, or -1 when out of memory. */
int frame_init(struct frame *fr, size_t max_line);
void frame_free(struct frame *fr);

/* Where the next recv may write, and how much. Never 0 after a frame_next
 * loop has returned FRAME_MORE. */
char *frame_space(struct frame *fr, size_t *room);
void frame_commit(struct frame *fr, size_t n);

/* Takes the next line out. Returned pointers stay valid until the next
 * frame_space call. CRLF is normalised to LF, as in the tutorial. */
enum frame_result frame_next(struct frame *fr, const char **line, size_t *len);

/* Bytes received but not yet part of a complete line. */
size_t frame_pending(const struct frame *fr);

#endif
