/*
 * fold: when two events say the same thing, so a log can show them as one
 * line with a count ("x1532") during a flood.
 *
 * Two events are the same when they come from the same server, are of the
 * same kind over the same transport, with the same peer (address and
 * port, so the same connection or datagram sender) and local address, and
 * carry the same bytes (real size and every recorded byte), the same close
 * reason, errno and message. Times and connection ids are not compared.
 * EV_DROPPED never folds: each one reports its own loss.
 */
#ifndef SOCKLAB_FOLD_H
#define SOCKLAB_FOLD_H

#include <stdbool.h>

#include "socklab/event.h"

bool fold_same(const struct event *a, const struct event *b);

#endif
