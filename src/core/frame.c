/*
 * frame: bounded line framing (see frame.h).
 *
 * The buffer holds at most one line of max_line bytes plus its newline.
 * Lines are handed out as pointers into the buffer; the unconsumed tail is
 * moved to the front only when the free space at the end runs short.
 */
#include "socklab/frame.h"

#include <stdlib.h>
#include <string.h>

/* frame_space moves the unconsumed bytes to the front when fewer than
 * FRAME_MIN_ROOM are free at the end, or when they are at most
 * FRAME_SHORT_TAIL (the start of a next line): moving that little costs
 * less than the extra recv a smaller room would take. */
#define FRAME_MIN_ROOM 4096
#define FRAME_SHORT_TAIL 4096

int frame_init(struct frame *fr, size_t max_line)
{
	memset(fr, 0, sizeof *fr);
	fr->cap = max_line + 1;
	fr->buf = malloc(fr->cap);
	return fr->buf ? 0 : -1;
}

void frame_free(struct frame *fr)
{
	free(fr->buf);
	fr->buf = NULL;
}

char *frame_space(struct frame *fr, size_t *room)
{
	if (fr->start == fr->end) {
		fr->start = fr->end = fr->scanned = 0;
	} else if (fr->start > 0 && (fr->cap - fr->end < FRAME_MIN_ROOM ||
				     fr->end - fr->start <= FRAME_SHORT_TAIL)) {
		memmove(fr->buf, fr->buf + fr->start, fr->end - fr->start);
		fr->end -= fr->start;
		fr->start = 0;
	}
	*room = fr->cap - fr->end;
	return fr->buf + fr->end;
}

void frame_commit(struct frame *fr, size_t n)
{
	fr->end += n;
}

size_t frame_pending(const struct frame *fr)
{
	return fr->end - fr->start;
}

enum frame_result frame_next(struct frame *fr, const char **line, size_t *len)
{
	char *nl;

	if (fr->discarding) {
		nl = memchr(fr->buf + fr->start, '\n', fr->end - fr->start);
		if (nl == NULL) {
			fr->dropped += fr->end - fr->start;
			fr->start = fr->end = fr->scanned = 0;
			return FRAME_MORE;
		}
		fr->dropped += (size_t)(nl - (fr->buf + fr->start));
		fr->start = (size_t)(nl - fr->buf) + 1;
		fr->discarding = false;
		fr->scanned = 0;
	}
	nl = memchr(fr->buf + fr->start + fr->scanned, '\n', fr->end - fr->start - fr->scanned);
	if (nl != NULL) {
		size_t n = (size_t)(nl - (fr->buf + fr->start));

		*line = fr->buf + fr->start;
		if (n > 0 && (*line)[n - 1] == '\r')
			n--;
		*len = n;
		fr->start = (size_t)(nl - fr->buf) + 1;
		fr->scanned = 0;
		return FRAME_LINE;
	}
	fr->scanned = fr->end - fr->start;
	if (fr->scanned >= fr->cap) {
		fr->discarding = true;
		fr->dropped = fr->scanned;
		fr->start = fr->end = fr->scanned = 0;
		return FRAME_OVERFLOW;
	}
	return FRAME_MORE;
}
