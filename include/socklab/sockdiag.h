/*
 * sockdiag: every TCP and UDP socket on given ports as the kernel sees
 * them, read with NETLINK_SOCK_DIAG's inet_diag dump (through libmnl),
 * which is what `ss` does. Other programs' sockets are included, and
 * TIME_WAIT entries that no process holds any more. No privileges are
 * needed (the kernel shows every socket's state to every user).
 *
 * One query is a handful of dumps (IPv4 and IPv6, TCP and UDP), filtered
 * here by port; nothing is kept between queries. The caller polls while
 * a view is shown (a few times a second).
 */
#ifndef SOCKLAB_SOCKDIAG_H
#define SOCKLAB_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The timer a socket has running (inet_diag's idiag_timer). */
enum sockdiag_timer {
	SOCKDIAG_TIMER_NONE = 0,
	SOCKDIAG_TIMER_RETRANS = 1, /* retransmission (SYN or data) */
	SOCKDIAG_TIMER_KEEPALIVE = 2,
	SOCKDIAG_TIMER_TIMEWAIT = 3, /* TIME_WAIT's countdown */
	SOCKDIAG_TIMER_PROBE = 4,    /* zero window probe */
};

struct sockdiag_entry {
	int protocol;			     /* IPPROTO_TCP or IPPROTO_UDP */
	int state;			     /* Linux's TCP_* state numbers (1 ESTABLISHED .. 12) */
	struct sockaddr_storage local, peer; /* peer port 0 and address any: none */
	/* Recv-Q and Send-Q; for a TCP listener, connections waiting for
	 * accept() and the backlog they wait against. */
	uint32_t rqueue, wqueue;
	int timer;	     /* enum sockdiag_timer */
	uint32_t timer_ms;   /* until it fires */
	unsigned retrans;    /* retransmissions so far (RETRANS), probes (others) */
	uint32_t uid, inode; /* owner; inode 0 for TIME_WAIT (no file) */
};

#define SOCKDIAG_ERR_MAX 256

/* Every socket whose local or remote port is one of ports[0..nports)
 * (all sockets when nports is 0), IPv4 then IPv6, TCP then UDP, at most
 * cap of them in out; *total counts all that matched (more than cap
 * when some did not fit). Returns 0, or -1 with err set (no netlink, the
 * kernel lacks inet_diag, ...). */
int sockdiag_query(const uint16_t *ports, size_t nports, struct sockdiag_entry *out, size_t cap,
		   size_t *n, size_t *total, char *err, size_t errcap);

/* "LISTEN", "ESTABLISHED", "TIME_WAIT", ... as ss names them in full;
 * UDP's unconnected sockets are "UNCONN". */
const char *sockdiag_state_name(int protocol, int state);
const char *sockdiag_timer_name(int timer);

/* One line for people:
 *   tcp  LISTEN       127.0.0.1:9101        *:*                   accept queue 2/8
 *   tcp  TIME_WAIT    127.0.0.1:58538       127.0.0.1:9101        timewait 59.2 s
 * Returns the length written (NUL-terminated). */
size_t sockdiag_format_text(const struct sockdiag_entry *e, char *out, size_t cap);

/* The same as one JSON object. */
size_t sockdiag_format_json(const struct sockdiag_entry *e, char *out, size_t cap);

#define SOCKDIAG_FORMAT_MAX 512

#endif
