/*
 * evlog: the `--log FILE` writer, one code path for `socklab serve` and the
 * lab. Every event becomes one JSON Lines record (the `serve --json`
 * schema), written from its own buffer straight to the descriptor, so
 * that a failure is seen where it happens: every write, flush and close is
 * checked. The first failure (ENOSPC on a full disk or /dev/full, EFBIG
 * past `ulimit -f` when SIGXFSZ is ignored, EIO...) is final: the log
 * stops there, the events not written from then on are counted, and
 * evlog_describe says which file failed, why and how many events were
 * lost. The caller keeps serving. Not thread-safe: one consumer writes.
 */
#ifndef SOCKLAB_EVLOG_H
#define SOCKLAB_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socklab/event.h"

struct evlog;

/* Creates (or truncates) path. A directory is refused, and so is
 * anything that could block (a FIFO without a reader). Returns NULL with
 * the reason in err. */
struct evlog *evlog_open(const char *path, char *err, size_t errcap);

/* Appends ev; it reaches the file at the latest at the next flush.
 * Returns 0, or -1 when the log has failed (now or before): the event is
 * then counted as lost. */
int evlog_write(struct evlog *l, const struct event *ev);

/* Writes what is buffered. Returns 0, or -1 when the log has failed. */
int evlog_flush(struct evlog *l);

/* Flushes and closes, then frees l. Returns 0, or -1 when the log failed
 * at any time (including now); err, when not NULL, then says why. NULL l
 * is fine. */
int evlog_close(struct evlog *l, char *err, size_t errcap);

bool evlog_failed(const struct evlog *l);
/* Events lost since the failure (buffered but unwritten ones included). */
uint64_t evlog_lost(const struct evlog *l);
const char *evlog_path(const struct evlog *l);

/* "FILE: No space left on device: 12 events not logged" (after a failure),
 * NUL-terminated. Returns the length written. */
size_t evlog_describe(const struct evlog *l, char *out, size_t cap);

#endif
