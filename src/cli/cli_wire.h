/*
 * cli_wire: `serve --wire` and `serve --pcap FILE`: the capture of the
 * servers' own packets for the headless CLI, kept apart from cli_serve's
 * loop (which only calls these).
 */
#ifndef SOCKLAB_CLI_WIRE_H
#define SOCKLAB_CLI_WIRE_H

#include <stdbool.h>

#include "socklab/capture.h"
#include "socklab/event.h"
#include "socklab/msg.h"
#include "socklab/server.h"

#define MSG_WIRE_NOT_YET N_("capture: the filter for the servers' ports is not in place yet")
#define MSG_WIRE_COUNTS                                                                            \
	N_("capture: %llu packets on %s; dropped: %llu by the kernel (ring full), %llu by the "    \
	   "interfaces, %llu in the event queue")
#define MSG_WIRE_NO_IF N_("no interface")
#define MSG_WIRE_SKIPPED                                                                           \
	NN_("capture: %llu packet not written to %s (another link type)",                          \
	    "capture: %llu packets not written to %s (another link type)")

struct cli_wire {
	bool wire;	      /* --wire: each packet in the event stream */
	const char *pcap;     /* --pcap FILE */
	unsigned payload_max; /* capture_config's: what the output shows */
	struct capture *cap;
	bool failed; /* capture was asked for and could not be had */
};

static inline bool cli_wire_wanted(const struct cli_wire *w)
{
	return w->wire || w->pcap != NULL;
}

/* Opens the capture before the servers start (so that a failure to create
 * the file is known first). Without CAP_NET_RAW it says so on stderr and
 * returns 0: the servers run without capture, and the exit status will be
 * 1. Returns -1 for a failure that stops `serve` (the file). */
int cli_wire_open(struct cli_wire *w, struct event_queue *q);

/* Aims the capture at the running servers' sockets and waits (1 s at
 * most) until the filter is in place. */
void cli_wire_targets(struct cli_wire *w, struct server *const *servers, int n);

/* Stops the capture; prints its counts (packets, kernel and interface
 * drops, queue losses) on stderr. Returns 0, or 1 when capture failed or
 * a write to the pcap file did. */
int cli_wire_close(struct cli_wire *w);

#endif
