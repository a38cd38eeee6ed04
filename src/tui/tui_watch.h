/*
 * tui_watch: the live log as a person watches it: every event kept with
 * its bytes (for the detail view and /save), folded when it repeats,
 * narrowed by a filter, frozen by a pause.
 *
 * Data model: a bounded ring of records, oldest first. A record is one log
 * line: a compact copy of the event (cut to its recorded preview) or a
 * lab notice (no event), its ready-made text and style flags, and how
 * many identical events it stands for (fold: only a run of consecutive
 * identical events, never across another line). Records get consecutive
 * sequence numbers, so a record is found from its number in O(1). The
 * shown list is a second ring of the sequence numbers that pass the
 * filter and, while paused, arrived before the pause. The view's scroll
 * counts shown lines back from the newest shown; the line it lands on is
 * the selected one (Enter opens it). Pure: no curses, no I/O but /save.
 */
#ifndef SOCKLAB_TUI_WATCH_H
#define SOCKLAB_TUI_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "socklab/event.h"
#include "socklab/evlog.h"
#include "socklab/export.h"
#include "socklab/filter.h"
#include "socklab/server.h"

#define WATCH_PROMPT_MAX FILTER_FORMAT_MAX

struct watch_rec {
	struct event *ev;     /* a copy cut to its preview; NULL for a lab notice */
	char *text;	      /* the line, escaped; the fold count is added when shown */
	unsigned flags;	      /* enum tui_log_flag */
	uint64_t seq;	      /* arrival number, from 1, consecutive */
	uint64_t count;	      /* events this line stands for: 1, or more when folded */
	struct timespec last; /* time of the newest event folded in */
};

struct watch {
	struct watch_rec *recs;
	size_t cap, head, count; /* ring of records */
	uint64_t next_seq;
	uint64_t evicted; /* records pushed out by newer ones */
	uint64_t folded;  /* events folded into an earlier line */
	bool no_fold;	  /* folding turned off */

	struct filter filter;
	char filter_text[FILTER_FORMAT_MAX]; /* canonical; "" when none */

	bool paused;
	uint64_t pause_seq;  /* while paused, records from this one on are hidden */
	uint64_t paused_new; /* events that arrived and passed the filter since */

	uint64_t *shown; /* ring of sequence numbers, same capacity */
	size_t shown_head, nshown;
	size_t scroll; /* shown lines back from the newest shown; the selection */

	bool detail;	     /* the detail overlay is open */
	uint64_t detail_seq; /* on this record */
	int detail_scroll;

	bool prompting; /* the filter prompt is open */
	char prompt[WATCH_PROMPT_MAX];
	size_t prompt_len;
	char error[FILTER_ERR_MAX]; /* why the last filter was refused */

	struct evlog *log; /* --log FILE: every event as JSON Lines; NULL: none */
	bool log_said;	   /* its failure was said */
};

/* cap >= 1 records. Returns 0, or -1 when out of memory. */
int watch_init(struct watch *w, size_t cap);
void watch_free(struct watch *w);

/* Records ev with its log line. Folds it into the newest line when that
 * is the same event (fold_same), or a loss report into the loss report
 * just before it (the counts add up), when folding is on and that line is
 * not frozen by a pause. Returns false when out of memory (the event is
 * then counted as evicted). */
bool watch_push(struct watch *w, const struct event *ev, const char *text, unsigned flags);
/* A lab notice (no event): shown only while no filter is set. */
bool watch_note(struct watch *w, const char *text, unsigned flags);

/* Sets the filter from an expression ("" clears it). Returns 0, or -1
 * with the reason in err (and in w->error); the filter then stays as it
 * was. */
int watch_set_filter(struct watch *w, const char *expr, char *err, size_t errcap);

/* Folding on or off. Off unfolds what is kept: each folded line becomes
 * its events' lines again (the newest kept when they do not all fit). */
void watch_set_fold(struct watch *w, bool on);

/* Pause on or off; resuming shows what arrived meanwhile. */
void watch_pause(struct watch *w, bool on);
/* Scrolls by delta shown lines (positive: back in time), clamped. */
void watch_scroll(struct watch *w, long delta);
/* Back to live: resume and follow the newest line. */
void watch_end(struct watch *w);

size_t watch_nshown(const struct watch *w);
/* Shown line i (0 = oldest shown); NULL past the end. */
const struct watch_rec *watch_shown_rec(const struct watch *w, size_t i);
/* The selected record (the one scroll lands on); NULL when none shown. */
const struct watch_rec *watch_selected(const struct watch *w);
/* A record by sequence number; NULL when gone or never made. */
const struct watch_rec *watch_find(const struct watch *w, uint64_t seq);

/* The line as shown: its text, then "  x1532" when it stands for more
 * than one event. Returns the length written. */
size_t watch_line_text(const struct watch_rec *r, char *out, size_t cap);

/* Lines of the detail view of r, and line i of them (false past the
 * end): the event, its time, both ends in full (tuple, flowinfo,
 * scope_id and its interface, a mapped address raw and normalised), the
 * byte count and the payload as a hex + ASCII dump with its truncation
 * note. *heading, when not NULL, is set for section headings. */
size_t watch_detail_count(const struct watch_rec *r);
bool watch_detail_line(const struct watch_rec *r, size_t i, char *out, size_t cap, bool *heading);

/* Writes the events of the shown lines (all: of every kept line, filter
 * or not) to path as fmt, a folded line as each of its events. Lab
 * notices are not events and are left out. Returns 0 with *nlines (events
 * written) and *folded_events (how many of them stood in folded lines),
 * or -1 with a reason in err. */
int watch_save(const struct watch *w, const char *path, enum export_format fmt, bool all,
	       size_t *nlines, uint64_t *folded_events, char *err, size_t errcap);

/* --log FILE: opens path for writing (truncated). Returns 0, or -1 with
 * a reason in err. */
int watch_log_open(struct watch *w, const char *path, char *err, size_t errcap);
/* Writes ev to the log, when there is one, as a JSON Lines line. When
 * the log fails, -1 is returned once with the reason in err (which file,
 * why, how many events lost); 0 otherwise. */
int watch_log_event(struct watch *w, const struct event *ev, char *err, size_t errcap);
/* Pushes what is buffered to the file (call after each batch); the same
 * returns as watch_log_event. */
int watch_log_flush(struct watch *w, char *err, size_t errcap);
/* Closes the log. Returns 0, or -1 when it failed at any time, with the
 * reason (and the count of events lost) in err. */
int watch_log_close(struct watch *w, char *err, size_t errcap);

#endif
