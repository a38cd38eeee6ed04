/*
 * export: events written out for other tools, as JSON Lines (one
 * event_format_json object a line, the `serve --json` schema) or as CSV
 * (RFC 4180: a header row, fields quoted when they hold a comma, a quote,
 * a line break or an outer blank, quotes doubled).
 *
 * CSV columns: time (UTC, ISO 8601 with milliseconds), server, event,
 * transport, from address, from port, to address, to port, bytes, ASCII,
 * hex. From and to follow the direction of the bytes: what came in (recv,
 * dgram-in) and what the peer started (accept, close) goes peer -> local,
 * everything else local -> peer; an address the event lacks is left
 * empty. ASCII is the recorded payload escaped as in the log (esc_text:
 * no control byte, so a row is one line), hex the recorded payload in
 * lowercase hex; bytes is always the real size. A cell that starts with
 * =, +, -, @, a tab or a CR gets a leading ' so that a spreadsheet shows
 * it as text instead of running it as a formula (the hex column keeps the
 * bytes exact).
 *
 * JSON Lines carry the payload twice: "data", the bytes as JSON text
 * (invalid UTF-8 as U+00NN of each byte), and "hex", the same bytes in
 * lowercase hex, which tells 0xff from U+00FF.
 */
#ifndef SOCKLAB_EXPORT_H
#define SOCKLAB_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "socklab/event.h"

enum export_format { EXPORT_JSONL, EXPORT_CSV };

/* Longest CSV row or JSON line, newline and NUL included. */
#define EXPORT_ROW_MAX                                                                             \
	(EVENT_FORMAT_MAX > EVENT_PREVIEW_MAX * 8 + 2048 ? EVENT_FORMAT_MAX + 2                    \
							 : EVENT_PREVIEW_MAX * 8 + 2048)

/* "csv", "jsonl" (or "json"): returns 0, or -1 for anything else. */
int export_format_from_name(const char *name, enum export_format *fmt);
const char *export_format_name(enum export_format fmt);

/* The CSV header row, without newline. Returns the length written. */
size_t export_csv_header(char *out, size_t cap);
/* One event as a CSV row, without newline. Returns the length written. */
size_t export_csv_row(const struct event *ev, char *out, size_t cap);

/* Whether bytes went from the peer to us for this kind of event. */
bool export_inbound(const struct event *ev);

/* Creates (or truncates) path for an export and opens it for writing. A
 * FIFO, a device, a socket or a directory is refused with a reason in err
 * (never blocking on a FIFO nobody reads): an export is a file. Returns
 * NULL after a refusal or a failure. */
FILE *export_open(const char *path, char *err, size_t errcap);

/* Writes what comes before the first event (the CSV header; nothing for
 * JSON Lines). Returns 0, or -1 with errno set. */
int export_begin(FILE *f, enum export_format fmt);
/* Writes one event as a line. Returns 0, or -1 with errno set. */
int export_event(FILE *f, enum export_format fmt, const struct event *ev);

#endif
