/*
 * event_fill: a struct event filled from fuzz bytes, for the targets that
 * format events (fuzz_event, fuzz_export).
 *
 * Every field is fuzzed (enums also one past their range), within what
 * the core itself guarantees: tv_nsec below 1e9, a time within ~17000
 * years of 1970, NUL-terminated syscall and message (always written with
 * snprintf), the preview set through event_set_data from the bytes left.
 */
#ifndef SOCKLAB_EVENT_FILL_H
#define SOCKLAB_EVENT_FILL_H

#include "fuzz_util.h"
#include "socklab/event.h"

void event_fill(struct fuzz_in *in, struct event *ev);

/* Valid UTF-8 without any control character (C0, DEL, C1). */
void event_fill_check_safe(const char *s, size_t n);

#endif
