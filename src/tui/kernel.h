/*
 * kernel: what the lab shows of the kernel beneath its sockets: captured
 * packets (capture.h), the servers' and the client's system calls, the kernel's socket
 * table (sockdiag.h) and one connection's ladder (ladder.h), for the
 * panes pane_wire, pane_trace, pane_sockets and pane_ladder.
 *
 * Data model: two rings of event copies cut to their preview (as the
 * watch keeps them): packets (EV_PACKET, which the live log does not
 * show) and system calls (EV_SYSCALL). The ladder is built on demand from
 * those rings and the watch's records, in time order; nothing more is
 * copied. The capture's targets are the running servers' sockets and the
 * client pane's connection, recomputed on the lab's stats tick and as soon
 * as /connect names a port (so the first SYN is caught). The socket table
 * is queried again on the tick while its pane is shown.
 *
 * Capture needs CAP_NET_RAW; without it the packets pane says why and how
 * to get it, and everything else works.
 */
#ifndef SOCKLAB_TUI_KERNEL_H
#define SOCKLAB_TUI_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socklab/capture.h"
#include "socklab/event.h"
#include "socklab/ladder.h"
#include "socklab/msg.h"
#include "socklab/sockdiag.h"
#include "tui/pane.h"

/* Each kept event is a whole struct event (about 4.6 KiB): ~9 MiB. */
#define KERNEL_PACKETS_MAX 1000
#define KERNEL_CALLS_MAX 500
/* Packets a second the lab takes from the capture: more is unreadable, and
 * a flood must not starve the keys (the rest are counted and shown). */
#define KERNEL_PACKETS_PER_SEC 2000
#define KERNEL_PACKET_KEEP 1024 /* bytes of each frame kept (/save FILE.pcap's snap length) */
#define KERNEL_SOCKETS_MAX 512
#define KERNEL_SOCKETS_MS 300 /* the table's refresh while shown */

#define MSG_KERNEL_WIRE N_("Packets")
#define MSG_KERNEL_TRACE N_("System calls")
#define MSG_KERNEL_SOCKETS N_("Kernel sockets")
#define MSG_KERNEL_LADDER N_("Ladder")
#define MSG_KERNEL_KEYS_WIRE N_("Up/Down Select  Enter Ladder  F8 Next view  Tab Pane  q Quit")
#define MSG_KERNEL_KEYS_LIST N_("Up/Down Scroll  End Follow  F8 Next view  Tab Pane  q Quit")
#define MSG_KERNEL_KEYS_LADDER N_("Up/Down Scroll  Esc Back  F8 Next view  Tab Pane  q Quit")
#define MSG_KERNEL_HELP_SELECT N_("select a packet (End: the newest again)")
#define MSG_KERNEL_HELP_LADDER N_("the ladder of that packet's connection")
#define MSG_KERNEL_HELP_SCROLL N_("scroll")
#define MSG_KERNEL_HELP_BACK N_("back to the view before")
#define MSG_KERNEL_HELP_LOG_LADDER N_("the ladder of the selected line's connection")
#define MSG_KERNEL_NO_PACKETS N_("no packets yet: start a server and connect to it")
#define MSG_KERNEL_NO_CALLS N_("no system calls yet: start a server or connect")
#define MSG_KERNEL_NO_SOCKETS N_("no socket on the lab's ports (%s)")
#define MSG_KERNEL_NO_PORTS N_("no ports yet: start a server or connect")
#define MSG_KERNEL_NO_LADDER N_("no connection chosen: Enter on a packet, or L on a log line")
#define MSG_KERNEL_NOT_CONN N_("that line is not about a connection")
#define MSG_KERNEL_COUNTS N_("%llu seen, dropped %llu kernel %llu if %llu queue")
#define MSG_KERNEL_SKIPPED N_(", %llu over %d/s not shown")
#define MSG_KERNEL_SAVED NN_("saved %llu packet to %s", "saved %llu packets to %s")
#define MSG_KERNEL_SAVE_FAILED N_("cannot save %s: %s")
#define MSG_KERNEL_NO_CAPTURE N_("no packets were captured: %s")

struct lab;

struct kernel_ring {
	struct event **ev; /* cut copies, oldest at head */
	size_t cap, head, count;
	uint64_t total; /* ever added */
};

struct lab_kernel {
	struct capture *cap;
	int cap_rc; /* 0, or CAPTURE_ERR_* */
	char cap_err[CAPTURE_ERR_MAX];
	struct capture_stats st;
	struct kernel_ring packets, calls;
	size_t wire_scroll, trace_scroll; /* lines back from the newest */

	struct sockaddr_storage targets[CAPTURE_TARGETS_MAX];
	size_t ntargets;
	uint16_t expect_port; /* the port /connect is dialling, 0: none */

	struct sockdiag_entry socks[KERNEL_SOCKETS_MAX];
	size_t nsocks, socks_total;
	char socks_err[SOCKDIAG_ERR_MAX];
	int64_t socks_time; /* util_mono_ms() of the last query */
	bool socks_done;

	bool has_key; /* a connection chosen for the ladder */
	struct ladder_key key;
	struct ladder ladder;
	struct ladder_row rows[LADDER_ROWS_MAX];
	size_t ladder_scroll;
	const struct pane *back; /* the pane the ladder was opened from */
};

/* At start and end (from pane_wire's init/fini). init returns 0, or -1
 * when out of memory; a capture that cannot be had is not a failure. */
int kernel_init(struct lab *lab);
void kernel_fini(struct lab *lab);

/* Every event the lab takes, first. Returns true when it was a packet
 * (kept here, not shown in the live log). */
bool kernel_take(struct lab *lab, const struct event *ev);

/* The lab's stats tick: targets, the capture's counts, the socket table. */
void kernel_tick(struct lab *lab);

/* /connect is about to dial port (text as typed): capture it now. */
void kernel_expect_port(struct lab *lab, const char *port);

/* /save FILE.pcap: the kept packets. Returns 0, or -1 with err set. */
int kernel_save_pcap(struct lab *lab, const char *path, uint64_t *saved, char *err, size_t errcap);

/* Chooses ev's connection for the ladder and shows the ladder pane.
 * Returns false (and says why) when ev has no connection. */
bool kernel_open_ladder(struct lab *lab, const struct event *ev);

/* Rebuilds the ladder from the kept events (before drawing it). */
void kernel_build_ladder(struct lab *lab);

/* The ports the lab captures and samples (servers', client's). */
size_t kernel_ports(const struct lab *lab, uint16_t *ports, size_t cap);

/* The i-th kept event of a ring, 0 the oldest. */
const struct event *kernel_ring_get(const struct kernel_ring *r, size_t i);

/* The log pane's key L (its row in pane_log's table). */
enum pane_result kernel_key_log_ladder(struct lab *lab, int key);

extern const struct pane pane_wire, pane_trace, pane_sockets, pane_ladder;

#endif

/* For the panes: draws count lines (line(i) gives line i, 0 the oldest)
 * bottom-aligned in the rows of r below its title, scroll lines back from
 * the newest, that line highlighted when mark. Lines are cut, not
 * wrapped. */
void kernel_draw_list(const struct tui_rect *r, size_t count, size_t scroll, bool mark,
		      void (*line)(struct lab *lab, size_t i, char *out, size_t cap,
				   unsigned *flags),
		      struct lab *lab);
/* The scroll keys every kernel pane shares: Up/Down, PgUp/PgDn, Home, End
 * on *scroll over count lines with a page of page rows. */
bool kernel_scroll_key(int key, size_t *scroll, size_t count, int page);
