/*
 * proto: the tutorial's command protocol (section 2) as a pure function.
 *
 *   PING        -> PONG
 *   ECHO <text> -> <text>
 *   TIME        -> YYYY-mm-dd HH:MM:SS (local time)
 *   anything    -> ERR
 *
 * Surrounding whitespace is stripped first, as Python's str.strip() does,
 * and invalid UTF-8 is replaced by U+FFFD, as decode("utf-8", "replace").
 */
#ifndef SOCKLAB_PROTO_H
#define SOCKLAB_PROTO_H

#include <stddef.h>
#include <time.h>

/* Writes the reply for one line (newline included) into out and returns
 * its length. A reply that does not fit is cut at cap; cap of at least
 * 3 * len + 32 always fits. now is the time TIME reports. */
size_t proto_reply(const char *line, size_t len, time_t now, char *out, size_t cap);

#endif
