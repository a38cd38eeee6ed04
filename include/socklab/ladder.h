/*
 * ladder: one connection's timeline, the diagram a teacher draws on the
 * blackboard, built from what really happened: the client on the left,
 * the server on the right, each packet an arrow between them, each side's
 * events and system calls, and each side's TCP state where it changes.
 * Pure: events in (the caller keeps them), rows out, text out.
 *
 * The key is the connection's 5-tuple, normalised so that an IPv4-mapped
 * address (::ffff:a.b.c.d, what a dual-stack server sees) meets the plain
 * IPv4 address on the wire. Server events (server != 0) have the server's
 * end as local; client events (server == 0) the client's end. System
 * calls on a connection carry its tuple too (event_call_text shows only
 * the address the call itself names), so each side's accept4, connect,
 * recv, send, shutdown and close sit on that side; a server event without
 * a tuple joins through its (server, conn) once a tuple-carrying event of
 * that connection has. echo-stdio's line reads (EV_READ_LINE) are drawn
 * with their bytes, beside the recv calls beneath them.
 * An ICMP error joins the datagram it quotes.
 *
 * TCP states: a sock_diag sample (ladder_add_sample) is the kernel's word
 * and wins; between samples, each packet moves the sender's and the
 * receiver's state by RFC 9293's transitions. Each state change on a row
 * says where it came from (LADDER_FROM_PACKETS or LADDER_FROM_KERNEL).
 * A SYN repeated with the same sequence number is marked as a
 * retransmission (the client waiting on a full backlog).
 *
 * Rows point at the caller's events; nothing is copied. A ladder holds at
 * most LADDER_ROWS_MAX rows; later ones are counted in `dropped`.
 */
#ifndef SOCKLAB_LADDER_H
#define SOCKLAB_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "socklab/event.h"
#include "socklab/packet.h"
#include "socklab/msg.h"

#define LADDER_ROWS_MAX 4096

enum ladder_side { LADDER_CLIENT = 0, LADDER_SERVER = 1 };

/* RFC 9293's states (and Linux's names for them). */
enum ladder_state {
	LADDER_UNKNOWN = 0, /* nothing seen yet */
	LADDER_CLOSED,
	LADDER_LISTEN,
	LADDER_SYN_SENT,
	LADDER_SYN_RECV,
	LADDER_ESTABLISHED,
	LADDER_FIN_WAIT_1,
	LADDER_FIN_WAIT_2,
	LADDER_CLOSE_WAIT,
	LADDER_CLOSING,
	LADDER_LAST_ACK,
	LADDER_TIME_WAIT,
	LADDER_STATE_COUNT
};

enum ladder_from { LADDER_FROM_PACKETS, LADDER_FROM_KERNEL };

/* One end, normalised: IPv4-mapped IPv6 is stored as IPv4. */
struct ladder_end {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

struct ladder_key {
	int proto; /* IPPROTO_TCP or IPPROTO_UDP */
	struct ladder_end client, server;
};

enum ladder_row_kind {
	LADDER_ROW_PACKET, /* an arrow */
	LADDER_ROW_EVENT,  /* a server or client event on one side (syscalls too) */
	LADDER_ROW_SAMPLE, /* a sock_diag sample that changed a state */
};

struct ladder_row {
	enum ladder_row_kind kind;
	const struct event *ev; /* the caller's (NULL for a sample) */
	struct timespec time;
	int side;	     /* the sender (packet), or where it happened */
	bool retransmission; /* a SYN sent again with the same sequence number */
	/* States after this row, and whether this row changed them. */
	int state[2]; /* enum ladder_state, by side */
	bool changed[2];
	int from[2]; /* enum ladder_from of the change */
};

struct ladder {
	struct ladder_key key;
	struct ladder_row *rows; /* the caller's */
	size_t n, cap;
	uint64_t dropped;
	/* What the derivation needs between rows. */
	int state[2];
	bool has_fin[2];
	uint32_t fin_next[2]; /* sequence number right after each side's FIN */
	bool has_syn[2];
	uint32_t syn_seq[2];
	unsigned server; /* the server id and conn id, once known */
	uint64_t conn;
};

/* Normalises a socket address into an end. Returns false for another
 * family. */
bool ladder_end_from(const struct sockaddr *sa, struct ladder_end *e);
bool ladder_end_equal(const struct ladder_end *a, const struct ladder_end *b);

/* The key of an event that carries both ends (accept, recv, connect, ...):
 * false when it does not. */
bool ladder_key_of_event(const struct event *ev, struct ladder_key *k);

/* rows: the caller's array of LADDER_ROWS_MAX (or fewer: cap). */
void ladder_init(struct ladder *l, const struct ladder_key *k, struct ladder_row *rows, size_t cap);

/* Adds an event in time order; returns true when it belongs to this
 * connection (and was added). Packets are decoded here. */
bool ladder_add(struct ladder *l, const struct event *ev);

/* A sock_diag sample of one side's state (enum ladder_state) at time t;
 * adds a row when it differs from the derived state. */
void ladder_add_sample(struct ladder *l, int side, int state, const struct timespec *t);

/* Linux's TCP_* state number (as sock_diag gives it) as a ladder state. */
int ladder_state_from_linux(int tcp_state);
const char *ladder_state_name(int state);

/* The text of one row for a terminal `width` columns wide (at least 60):
 * time (HH:MM:SS.mmm from 80 columns, SS.mmm below), the client's column,
 * the arrow or the event, the server's column.
 * Returns the length written (NUL-terminated, no newline). */
size_t ladder_format_row(const struct ladder *l, size_t i, int width, char *out, size_t cap);

/* The header (both ends) and the legend, in the same columns. */
size_t ladder_format_header(const struct ladder *l, int width, char *out, size_t cap);
#define LADDER_LEGEND N_("states from packets (RFC 9293); * = read from the kernel (sock_diag)")

#endif
