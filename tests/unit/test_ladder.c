/*
 * test_ladder: the per-connection timeline on recorded sequences. The
 * packets are real frames (tests/unit/data/ladder-*.pcap, recorded on
 * loopback in a namespace by tools/ladder-record.sh); the server's and
 * client's events are made here with the tuples of those frames, as the
 * servers would have recorded them, and put in time order with them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "socklab/event.h"
#include "socklab/ladder.h"
#include "socklab/packet.h"

#define MAXEV 64

struct rec {
	struct event ev[MAXEV];
	const struct event *order[MAXEV];
	int n;
	struct packet_flows flows;
	struct ladder l;
	struct ladder_row rows[MAXEV];
};

static const char *data_dir(void)
{
	const char *d = getenv("SOCKLAB_TESTS");

	return d ? d : "tests";
}

/* Appends every frame of a pcap file as an EV_PACKET, with relative
 * sequence bases from a flows table as the capture thread does. */
static void load_pcap(struct rec *r, const char *name)
{
	char path[512];
	uint8_t hdr[24], ph[16];
	FILE *f;

	snprintf(path, sizeof path, "%s/unit/data/%s", data_dir(), name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fread(hdr, 1, 24, f), 24);
	packet_flows_init(&r->flows);
	while (fread(ph, 1, 16, f) == 16) {
		struct event *ev = &r->ev[r->n];
		uint32_t sec, usec, incl, orig;
		struct packet p;

		memcpy(&sec, ph, 4);
		memcpy(&usec, ph + 4, 4);
		memcpy(&incl, ph + 8, 4);
		memcpy(&orig, ph + 12, 4);
		assert_true(incl <= EVENT_PREVIEW_MAX);
		assert_true(r->n < MAXEV);
		event_init(ev, EV_PACKET);
		assert_int_equal(fread(ev->preview, 1, incl, f), incl);
		ev->preview_len = (uint16_t)incl;
		ev->bytes = orig;
		ev->time.tv_sec = sec;
		ev->time.tv_nsec = (long)usec * 1000;
		ev->pkt.link = PACKET_LINK_ETHERNET;
		strcpy(ev->pkt.ifname, "lo");
		packet_decode(ev->pkt.link, ev->preview, incl, orig, &p);
		packet_flows_track(&r->flows, &p, &ev->pkt.rel);
		r->order[r->n] = ev;
		r->n++;
	}
	fclose(f);
}

/* The ends of the i-th packet loaded (src, dst) as socket addresses; mapped: as the
 * IPv4-mapped IPv6 a dual-stack socket shows. */
static void ends_of(struct rec *r, int i, struct sockaddr_storage *src,
		    struct sockaddr_storage *dst, bool mapped)
{
	struct packet p;
	const struct event *ev = &r->ev[i]; /* the i-th frame loaded */

	packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
	for (int k = 0; k < 2; k++) {
		struct sockaddr_storage *ss = k ? dst : src;

		memset(ss, 0, sizeof *ss);
		if (mapped) {
			struct sockaddr_in6 *s6 = (void *)ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_addr.s6_addr[10] = s6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(s6->sin6_addr.s6_addr + 12, k ? p.ip.dst : p.ip.src, 4);
			s6->sin6_port = htons(k ? p.ip.dport : p.ip.sport);
		} else {
			struct sockaddr_in *s4 = (void *)ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, k ? p.ip.dst : p.ip.src, 4);
			s4->sin_port = htons(k ? p.ip.dport : p.ip.sport);
		}
	}
}

/* Inserts an event right after row `after` (its time + 1 us). */
static struct event *insert_after(struct rec *r, int after, enum event_kind kind)
{
	struct event *ev = &r->ev[r->n];

	assert_true(r->n < MAXEV);
	event_init(ev, kind);
	ev->time = r->order[after]->time;
	ev->time.tv_nsec += 1000;
	memmove(&r->order[after + 2], &r->order[after + 1],
		(size_t)(r->n - after - 1) * sizeof r->order[0]);
	r->order[after + 1] = ev;
	r->n++;
	return ev;
}

/* A server event of connection 1 of server 1, with the tuple of packet
 * `pkt` (client to server) when tuple is set. */
static struct event *server_event(struct rec *r, int after, enum event_kind kind, int pkt,
				  bool tuple, bool mapped)
{
	struct sockaddr_storage c, s;
	struct event *ev;

	ends_of(r, pkt, &c, &s, mapped);
	ev = insert_after(r, after, kind);
	ev->server = 1;
	ev->conn = 1;
	ev->transport = TRANSPORT_TCP;
	if (tuple) {
		ev->local = s;
		ev->peer = c;
		ev->has_local = ev->has_peer = true;
	}
	return ev;
}

/* Makes ev a system call as event_init_call does (ev's tuple stays). */
static void call(struct event *ev, const char *name, int fd, const char *args, int ret,
		 int call_addr)
{
	ev->kind = EV_SYSCALL;
	snprintf(ev->syscall, sizeof ev->syscall, "%s", name);
	snprintf(ev->message, sizeof ev->message, "%s", args ? args : "");
	ev->fd = fd;
	ev->ret = ret;
	ev->call_addr = call_addr;
}

/* The position of ev in r's time order. */
static int pos_of(const struct rec *r, const struct event *ev)
{
	for (int i = 0; i < r->n; i++)
		if (r->order[i] == ev)
			return i;
	fail_msg("event not in the order");
	return -1;
}

/* A client event (server 0) right after event `after`, with the tuple of
 * packet 0 seen from the client (local: its end) when tuple is set. */
static struct event *client_event(struct rec *r, const struct event *after, bool tuple)
{
	struct sockaddr_storage c, s;
	struct event *ev;

	ends_of(r, 0, &c, &s, false);
	ev = insert_after(r, pos_of(r, after), EV_SYSCALL);
	ev->transport = TRANSPORT_TCP;
	if (tuple) {
		ev->local = c;
		ev->peer = s;
		ev->has_local = ev->has_peer = true;
	}
	return ev;
}

static void build(struct rec *r, const struct ladder_key *k)
{
	ladder_init(&r->l, k, r->rows, MAXEV);
	for (int i = 0; i < r->n; i++)
		ladder_add(&r->l, r->order[i]);
	/* SOCKLAB_LADDER_DUMP=1 shows each ladder as drawn at 80 columns. */
	if (getenv("SOCKLAB_LADDER_DUMP")) {
		char t[256];

		ladder_format_header(&r->l, 80, t, sizeof t);
		printf("%s\n", t);
		for (size_t i = 0; i < r->l.n; i++) {
			ladder_format_row(&r->l, i, 80, t, sizeof t);
			printf("%s\n", t);
		}
	}
}

static void key_of_packet(struct rec *r, int i, int proto, struct ladder_key *k)
{
	struct sockaddr_storage c, s;

	ends_of(r, i, &c, &s, false);
	k->proto = proto;
	assert_true(ladder_end_from((void *)&c, &k->client));
	assert_true(ladder_end_from((void *)&s, &k->server));
}

/* The state changes, "c:SYN_SENT s:LISTEN | c:ESTABLISHED ..." row by row
 * (rows without a change are left out). */
static void changes(const struct ladder *l, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		const struct ladder_row *row = &l->rows[i];

		if (!row->changed[0] && !row->changed[1])
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s", len ? " |" : "");
		for (int s = 0; s < 2; s++)
			if (row->changed[s])
				len += (size_t)snprintf(
				    out + len, cap - len, " %c:%s%s", s ? 's' : 'c',
				    ladder_state_name(row->state[s]),
				    row->from[s] == LADDER_FROM_KERNEL ? "*" : "");
	}
}

static void row_text(const struct ladder *l, size_t i, char *out)
{
	ladder_format_row(l, i, 80, out, 256);
	assert_true(strlen(out) <= 80);
}

static void test_whole_connection(void **state)
{
	static struct rec r;
	struct ladder_key k;
	char t[1024];

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-whole.pcap");
	assert_int_equal(r.n, 10);
	server_event(&r, 2, EV_ACCEPT, 0, true, false); /* after the handshake's ACK */
	event_set_data(server_event(&r, 4, EV_RECV, 0, true, false), "hola\n",
		       5); /* after the data */
	/* A system call without a tuple joins through (server, conn). */
	{
		struct event *sc = server_event(&r, 5, EV_SYSCALL, 0, false, false);

		call(sc, "recv", 7, "4096", 5, EVENT_CALL_NO_ADDR);
	}
	/* accept4's trace step carries the connection's tuple, and shows the
	 * peer it returned. */
	call(server_event(&r, 2, EV_SYSCALL, 0, true, false), "accept4", 3, "...", 7,
	     EVENT_CALL_PEER_RET);
	key_of_packet(&r, 0, IPPROTO_TCP, &k);
	build(&r, &k);
	assert_int_equal(r.l.n, 14);
	row_text(&r.l, 3, t);
	assert_string_equal(t + 12,
			    "                            accept4(3, ...) = 7 ('127.0.0.1', 43054)");
	changes(&r.l, t, sizeof t);
	/* The client is ESTABLISHED when the SYN-ACK reaches it, the server
	 * when the ACK does; the server's FIN acknowledges the client's, so
	 * FIN_WAIT_2 lasts no time on the wire and TIME_WAIT follows at once. */
	assert_string_equal(t, " c:SYN_SENT s:LISTEN | c:ESTABLISHED s:SYN_RECV | s:ESTABLISHED |"
			       " c:FIN_WAIT_1 s:CLOSE_WAIT | c:TIME_WAIT s:LAST_ACK | s:CLOSED");
	row_text(&r.l, 0, t);
	assert_string_equal(
	    t, "09:20:43.969 SYN_SENT     -- [SYN] Seq=0 Len=0 -------------------> LISTEN");
	row_text(&r.l, 1, t);
	assert_string_equal(t + 12,
			    " ESTABLISHED  <- [SYN, ACK] Seq=0 Ack=1 Len=0 --------- SYN_RECV");
	row_text(&r.l, 4, t); /* the accept, on the server's side */
	assert_string_equal(t + 12,
			    "                                         accept ('127.0.0.1', 43054)");
	row_text(&r.l, 6, t);
	assert_string_equal(
	    t + 12, "                                                     recv 5 \"hola\\n\"");
	row_text(&r.l, 7, t);
	assert_string_equal(t + 12,
			    "                                                   recv(7, 4096) = 5");
	row_text(&r.l, 13, t);
	assert_string_equal(t + 12,
			    "              -- [ACK] Seq=7 Ack=12 Len=0 ------------> CLOSED");
}

/* Each side's system calls on the time line: the client's socket (no
 * tuple yet, so not on this ladder), connect (when the handshake is done),
 * send, shutdown and close on the left; the server's accept4, the recv
 * calls beneath echo-stdio's line reads and the line itself, its close
 * on the right. Packets: 0 SYN, 1 SYN-ACK, 2 ACK, 3 data, 4 ACK, 5 reply,
 * 6 ACK, 7 the client's FIN, 8 the server's FIN, 9 the last ACK. */
static void test_both_sides_calls(void **state)
{
	static struct rec r;
	struct ladder_key k;
	struct event *ev, *last;
	char t[1024];
	size_t i;

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-whole.pcap");
	assert_int_equal(r.n, 10);
	/* The client. */
	ev = insert_after(&r, 0, EV_SYSCALL);
	ev->time.tv_nsec -= 2000; /* before the SYN */
	r.order[0] = ev;
	r.order[1] = &r.ev[0];
	call(ev, "socket", -1, "AF_INET, SOCK_STREAM, 0", 5, EVENT_CALL_NO_ADDR);
	call(client_event(&r, &r.ev[1], true), "connect", 5, NULL, 0, EVENT_CALL_PEER_ARG);
	last = client_event(&r, &r.ev[2], true);
	call(last, "send", 5, "5", 5, EVENT_CALL_NO_ADDR);
	call(client_event(&r, &r.ev[6], true), "shutdown", 5, "SHUT_WR", 0, EVENT_CALL_NO_ADDR);
	call(client_event(&r, &r.ev[9], true), "close", 5, NULL, 0, EVENT_CALL_NO_ADDR);
	/* The server: echo-stdio. */
	call(server_event(&r, pos_of(&r, &r.ev[2]), EV_SYSCALL, 0, true, false), "accept4", 3,
	     "...", 7, EVENT_CALL_PEER_RET);
	ev = server_event(&r, pos_of(&r, &r.ev[3]), EV_SYSCALL, 0, true, false);
	call(ev, "recv", 7, "8192", 5, EVENT_CALL_NO_ADDR);
	event_set_data(server_event(&r, pos_of(&r, ev), EV_READ_LINE, 0, true, false), "hola\n", 5);
	call(server_event(&r, pos_of(&r, &r.ev[4]), EV_SYSCALL, 0, true, false), "send", 7, "10",
	     10, EVENT_CALL_NO_ADDR);
	ev = server_event(&r, pos_of(&r, &r.ev[7]), EV_SYSCALL, 0, true, false);
	call(ev, "recv", 7, "8192", 0, EVENT_CALL_NO_ADDR);
	call(server_event(&r, pos_of(&r, ev), EV_SYSCALL, 0, true, false), "close", 7, NULL, 0,
	     EVENT_CALL_NO_ADDR);
	/* Another client's call (another port) stays out. */
	ev = client_event(&r, last, true);
	call(ev, "send", 6, "3", 3, EVENT_CALL_NO_ADDR);
	((struct sockaddr_in *)(void *)&ev->local)->sin_port = htons(1);
	key_of_packet(&r, 0, IPPROTO_TCP, &k);
	build(&r, &k);
	/* 10 packets, 4 client calls (not socket, not the other client's),
	 * 6 server rows. */
	assert_int_equal(r.l.n, 20);
	for (i = 0; i < r.l.n; i++)
		assert_true(r.l.rows[i].ev != r.order[0]); /* socket() has no tuple */
	{
		static const char *const want[] = {
		    " SYN_SENT     -- [SYN] Seq=0 Len=0 -------------------> LISTEN",
		    " ESTABLISHED  <- [SYN, ACK] Seq=0 Ack=1 Len=0 --------- SYN_RECV",
		    " connect(5, ('127.0.0.1', 9101)) = 0",
		    "              -- [ACK] Seq=1 Ack=1 Len=0 -------------> ESTABLISHED",
		    "                            accept4(3, ...) = 7 ('127.0.0.1', 43054)",
		    " send(5, 5) = 5",
		    "              -- [PSH, ACK] Seq=1 Ack=1 Len=5 -------->",
		    "                                                   recv(7, 8192) = 5",
		    "                                                 readline 5 \"hola\\n\"",
		    "              <- [ACK] Seq=1 Ack=6 Len=0 --------------",
		    "                                                    send(7, 10) = 10",
		    "              <- [PSH, ACK] Seq=1 Ack=6 Len=10 --------",
		    "              -- [ACK] Seq=6 Ack=11 Len=0 ------------>",
		    " shutdown(5, SHUT_WR) = 0",
		    " FIN_WAIT_1   -- [FIN, ACK] Seq=6 Ack=11 Len=0 -------> CLOSE_WAIT",
		    "                                                   recv(7, 8192) = 0",
		    "                                                        close(7) = 0",
		    " TIME_WAIT    <- [FIN, ACK] Seq=11 Ack=7 Len=0 -------- LAST_ACK",
		    "              -- [ACK] Seq=7 Ack=12 Len=0 ------------> CLOSED",
		    " close(5) = 0",
		};

		assert_int_equal(sizeof want / sizeof want[0], r.l.n);
		for (i = 0; i < r.l.n; i++) {
			row_text(&r.l, i, t);
			assert_string_equal(t + 12, want[i]);
		}
	}
	/* Each call on its side. */
	for (i = 0; i < r.l.n; i++) {
		const struct ladder_row *row = &r.l.rows[i];

		if (row->kind == LADDER_ROW_EVENT)
			assert_int_equal(row->side,
					 row->ev->server ? LADDER_SERVER : LADDER_CLIENT);
	}
	/* The half-close (row 13) before the client's FIN, the server's EOF
	 * recv after it, its close before its own FIN; the server's rows stay
	 * in the states the packets gave. */
	assert_int_equal(r.l.rows[15].state[LADDER_SERVER], LADDER_CLOSE_WAIT);
	assert_int_equal(r.l.rows[16].side, LADDER_SERVER);
	assert_int_equal(r.l.rows[19].side, LADDER_CLIENT);
}

static void test_half_close(void **state)
{
	static struct rec r;
	struct ladder_key k;
	char t[1024];

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-halfclose.pcap");
	key_of_packet(&r, 0, IPPROTO_TCP, &k);
	build(&r, &k);
	assert_int_equal(r.l.n, 10);
	/* The client's FIN (row 5) comes before the reply (row 6): the reply
	 * arrives in FIN_WAIT_1 and is sent from CLOSE_WAIT. */
	assert_int_equal(r.l.rows[5].state[LADDER_CLIENT], LADDER_FIN_WAIT_1);
	assert_int_equal(r.l.rows[5].state[LADDER_SERVER], LADDER_CLOSE_WAIT);
	row_text(&r.l, 6, t);
	assert_string_equal(t + 12, "              <- [PSH, ACK] Seq=1 Ack=6 Len=10 --------");
	assert_int_equal(r.l.rows[6].state[LADDER_CLIENT], LADDER_FIN_WAIT_1);
	changes(&r.l, t, sizeof t);
	assert_string_equal(t, " c:SYN_SENT s:LISTEN | c:ESTABLISHED s:SYN_RECV | s:ESTABLISHED |"
			       " c:FIN_WAIT_1 s:CLOSE_WAIT | c:TIME_WAIT s:LAST_ACK | s:CLOSED");
}

static void test_closed_port(void **state)
{
	static struct rec r;
	struct ladder_key k;
	char t[1024];

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-rst.pcap");
	key_of_packet(&r, 0, IPPROTO_TCP, &k);
	build(&r, &k);
	assert_int_equal(r.l.n, 2);
	row_text(&r.l, 1, t);
	assert_string_equal(t + 12,
			    " CLOSED       <- [RST, ACK] Seq=1 Ack=1 Len=0 --------- CLOSED");
	/* The client's connect() failure, a client event, joins too. */
	{
		struct event *ev = insert_after(&r, 1, EV_ERROR);
		struct sockaddr_storage c, s;

		ends_of(&r, 0, &c, &s, false);
		ev->local = c;
		ev->peer = s;
		ev->has_local = ev->has_peer = true;
		strcpy(ev->message, "connect: Connection refused");
	}
	build(&r, &k);
	assert_int_equal(r.l.n, 3);
	row_text(&r.l, 2, t);
	assert_string_equal(t + 12, " error: connect: Connection refused");
}

static void test_udp_closed_port(void **state)
{
	static struct rec r;
	struct ladder_key k;
	char t[1024];

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-icmp.pcap");
	key_of_packet(&r, 0, IPPROTO_UDP, &k);
	build(&r, &k);
	assert_int_equal(r.l.n, 2);
	assert_int_equal(r.l.rows[1].side, LADDER_SERVER);
	row_text(&r.l, 0, t);
	assert_string_equal(t + 12, "              -- UDP Len=4 --------------------------->");
	row_text(&r.l, 1, t);
	assert_string_equal(t + 12, "              <- ICMP port unreachable ----------------");
	changes(&r.l, t, sizeof t);
	assert_string_equal(t, "");
}

static void test_full_backlog(void **state)
{
	static struct rec r;
	struct ladder_key k;
	char t[1024];

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-backlog.pcap");
	key_of_packet(&r, 0, IPPROTO_TCP, &k);
	build(&r, &k);
	assert_int_equal(r.l.n, 3);
	assert_false(r.l.rows[0].retransmission);
	assert_true(r.l.rows[1].retransmission);
	assert_true(r.l.rows[2].retransmission);
	assert_int_equal(r.l.rows[2].state[LADDER_CLIENT], LADDER_SYN_SENT);
	row_text(&r.l, 2, t);
	assert_string_equal(t + 12, "              -- [SYN] Seq=0 Len=0 (retransmission) -->");
	/* About a second apart: the client's retransmission timer. */
	assert_true(r.l.rows[1].time.tv_sec - r.l.rows[0].time.tv_sec <= 2);
	/* The kernel's word first: sock_diag saw the server's listener before
	 * the SYN came. The SYN then changes nothing on the server's side, and
	 * the state is marked as read from the kernel. */
	ladder_init(&r.l, &k, r.rows, MAXEV);
	ladder_add_sample(&r.l, LADDER_SERVER, ladder_state_from_linux(10), &r.order[0]->time);
	ladder_add_sample(&r.l, LADDER_SERVER, LADDER_LISTEN, &r.order[0]->time);
	assert_int_equal(r.l.n, 1); /* the same state again adds nothing */
	for (int i = 0; i < r.n; i++)
		ladder_add(&r.l, r.order[i]);
	row_text(&r.l, 0, t);
	assert_string_equal(t + 12,
			    "                                                        LISTEN*");
	assert_false(r.l.rows[1].changed[LADDER_SERVER]);
	assert_true(r.l.rows[1].changed[LADDER_CLIENT]);
}

static void test_dual_stack(void **state)
{
	static struct rec r;
	struct ladder_key k;
	char t[1024];

	(void)state;
	memset(&r, 0, sizeof r);
	load_pcap(&r, "ladder-dual.pcap");
	/* The server sees ('::ffff:127.0.0.1', port, 0, 0); the key comes from
	 * its accept event, and the IPv4 packets still join. */
	server_event(&r, 2, EV_ACCEPT, 0, true, true);
	assert_true(ladder_key_of_event(r.order[3], &k));
	assert_int_equal(k.client.family, AF_INET);
	build(&r, &k);
	assert_int_equal(r.l.n, 10);
	row_text(&r.l, 3, t);
	assert_string_equal(t + 12,
			    "                            accept ('::ffff:127.0.0.1', 56710, 0, 0)");
	row_text(&r.l, 4, t);
	assert_string_equal(t + 12, "              <- [PSH, ACK] Seq=1 Ack=1 Len=10 --------");
	ladder_format_header(&r.l, 80, t, sizeof t);
	assert_string_equal(
	    t, "             client 127.0.0.1:56710                        server 127.0.0.1:9401");
	/* Here the client's FIN went first and the server acknowledged it
	 * alone: FIN_WAIT_2 shows. */
	changes(&r.l, t, sizeof t);
	assert_string_equal(
	    t, " c:SYN_SENT s:LISTEN | c:ESTABLISHED s:SYN_RECV | s:ESTABLISHED |"
	       " c:FIN_WAIT_1 s:CLOSE_WAIT | c:FIN_WAIT_2 | c:TIME_WAIT s:LAST_ACK | s:CLOSED");
}

static void test_other_connections_stay_out(void **state)
{
	static struct rec r, o;
	struct ladder_key k;

	(void)state;
	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	load_pcap(&r, "ladder-whole.pcap");
	load_pcap(&o, "ladder-halfclose.pcap");
	key_of_packet(&r, 0, IPPROTO_TCP, &k);
	ladder_init(&r.l, &k, r.rows, MAXEV);
	for (int i = 0; i < o.n; i++)
		assert_false(ladder_add(&r.l, o.order[i]));
	/* Same ports, UDP: not this TCP connection. */
	k.proto = IPPROTO_UDP;
	ladder_init(&r.l, &k, r.rows, MAXEV);
	assert_false(ladder_add(&r.l, r.order[0]));
	/* A server event of another connection without a tuple. */
	k.proto = IPPROTO_TCP;
	ladder_init(&r.l, &k, r.rows, MAXEV);
	{
		struct event *ev = server_event(&r, 0, EV_SYSCALL, 0, false, false);

		assert_false(ladder_add(&r.l, ev)); /* its conn is not known yet */
	}
	/* Rows beyond the cap are counted, not written. */
	ladder_init(&r.l, &k, r.rows, 2);
	for (int i = 0; i < r.n; i++)
		ladder_add(&r.l, r.order[i]);
	assert_int_equal(r.l.n, 2);
	assert_int_equal(r.l.dropped, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_connection),
	    cmocka_unit_test(test_both_sides_calls),
	    cmocka_unit_test(test_half_close),
	    cmocka_unit_test(test_closed_port),
	    cmocka_unit_test(test_udp_closed_port),
	    cmocka_unit_test(test_full_backlog),
	    cmocka_unit_test(test_dual_stack),
	    cmocka_unit_test(test_other_connections_stay_out),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
