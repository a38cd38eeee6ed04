/*
 * capture: the lab's own packets, captured with libpcap at the edge of the
 * core and handed to the event queue as EV_PACKET events.
 *
 * One thread owns every pcap handle: loopback always, plus each interface
 * that holds a target's address (all interfaces that are up, for a
 * wildcard address). Each handle has a BPF filter limited to the targets'
 * ports: TCP and UDP on those ports, and the ICMP / ICMPv6 errors that
 * quote a datagram to or from them. Targets change as servers start and
 * stop and as the client connects; capture_set_targets only records them
 * and wakes the thread, which reopens and refilters. The thread pushes
 * with event_push_batch, so a full queue drops packets (counted) and
 * never blocks anyone; servers never wait on capture.
 *
 * The kernel side is libpcap's memory-mapped ring (TPACKET_V3 on Linux)
 * with a short block timeout (CAPTURE_TIMEOUT_MS) rather than immediate
 * mode: libpcap falls back to TPACKET_V2 in immediate mode, and the ring
 * of blocks is what keeps a flood cheap. Packets are seen at most
 * CAPTURE_TIMEOUT_MS late.
 *
 * Capturing needs CAP_NET_RAW; without it capture_open fails with
 * CAPTURE_ERR_PERMISSION and a message saying how to get it.
 */
#ifndef SOCKLAB_CAPTURE_H
#define SOCKLAB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "socklab/msg.h"
#include "socklab/event.h"

#define CAPTURE_TIMEOUT_MS 20
/* How much of each frame the kernel copies into the ring. Live, only
 * what an EV_PACKET keeps (every header and the start of the payload):
 * on loopback a frame is up to 64 KiB, and copying all of it doubled the
 * kernel's work for each segment the servers sent. A pcap file gets
 * whole frames, as tcpdump -w writes them. */
#define CAPTURE_SNAPLEN 262144
#define CAPTURE_SNAPLEN_LIVE EVENT_PREVIEW_MAX
#define CAPTURE_RING_BYTES (2u * 1024 * 1024)
#define CAPTURE_TARGETS_MAX 128
#define CAPTURE_IF_MAX 16
#define CAPTURE_ERR_MAX 512

/* For people; %s is this program's path. Also in the README and the man
 * page ("What the kernel does"). */
#define CAPTURE_MSG_PERMISSION                                                                     \
	N_("capturing packets needs CAP_NET_RAW, which this process lacks: run socklab as root, "  \
	   "or give the binary the capability once with `sudo setcap cap_net_raw+ep %s`, "         \
	   "or, without root, use a sandbox of your own (socklab --sandbox); "                     \
	   "everything else works without it")

enum capture_error {
	CAPTURE_ERR_PERMISSION = -2, /* no CAP_NET_RAW */
	CAPTURE_ERR_OTHER = -1,
};

struct capture_config {
	bool events;	       /* push an EV_PACKET per frame */
	const char *pcap_path; /* also write every frame there (pcap), whole
				  (CAPTURE_SNAPLEN), or NULL: frames are cut at
				  CAPTURE_SNAPLEN_LIVE */
	/* At most this many EV_PACKET a second (0: no cap); the rest are
	 * counted in rate_skipped, and still written to the file. The lab
	 * uses it so that a flood does not starve its keys. */
	unsigned max_events_per_sec;
	/* An EV_PACKET of TCP or UDP keeps its headers and then at most this
	 * many payload bytes (0: all that was captured, up to
	 * CAPTURE_SNAPLEN_LIVE). A front end that shows no payload (serve's
	 * text lines) asks for little and spares the queue a copy of up to
	 * 4 KiB per frame, twice. */
	unsigned payload_max;
};

struct capture_stats {
	uint64_t packets;		   /* frames handed to us by libpcap */
	uint64_t kernel_drops;		   /* dropped by the kernel: the ring was full */
	uint64_t if_drops;		   /* dropped by the interfaces */
	uint64_t queue_drops;		   /* not queued: the event queue was full */
	uint64_t rate_skipped;		   /* not queued: over max_events_per_sec */
	uint64_t file_skipped;		   /* not written: another link type than the file's */
	int nifs;			   /* interfaces being captured on */
	char ifnames[CAPTURE_IF_MAX * 17]; /* their names, space separated */
	int write_errno;		   /* the first failed write to the pcap file, 0: none */
	int filter_errors;		   /* BPF filters libpcap refused */
};

struct capture;

/* Opens loopback, starts the thread. Without targets nothing matches yet.
 * Returns 0, or CAPTURE_ERR_PERMISSION / CAPTURE_ERR_OTHER with a message
 * in err for people (how to get the capability, the file that could not
 * be made, ...). */
int capture_open(const struct capture_config *cfg, struct event_queue *q, struct capture **out,
		 char *err, size_t errcap);

/* The addresses (with their ports) whose traffic to capture: the servers'
 * bound sockets, the client's local end. Replaces the previous set; the
 * capture thread applies it within one poll. Ports 0 are ignored. */
void capture_set_targets(struct capture *c, const struct sockaddr_storage *targets, size_t n);

/* Blocks until the thread has applied the last capture_set_targets (or
 * timeout_ms passes); returns whether it did. For callers that must not
 * miss the first packet after a change (tests, `serve`'s start). */
bool capture_sync(struct capture *c, int timeout_ms);

void capture_stats(struct capture *c, struct capture_stats *st);

/* Stops the thread after it has drained what the kernel already holds,
 * flushes and closes the pcap file; last (when not NULL) gets the final
 * stats. Returns 0, or the errno of a failed write or close of the file
 * (the caller reports it). */
int capture_close(struct capture *c, struct capture_stats *last);

/* The BPF filter for the given ports (pure, for the tests); "less 0"
 * (nothing) when there are none. Returns the length written. */
size_t capture_filter_text(const uint16_t *ports, size_t n, char *out, size_t cap);

#endif
