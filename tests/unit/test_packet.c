/*
 * test_packet: the frame decoder, relative sequence numbers and the two
 * renderings. Frames are built here field by field (so each test says
 * what is in them), in every framing; real captured frames are the fuzz
 * corpus's job (tests/fuzz/corpus/packet).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "socklab/event.h"
#include "socklab/packet.h"
#include "json_check.h"

/* ---- a frame builder ---- */

struct fb {
	uint8_t b[2048];
	size_t n;
};

static void put(struct fb *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof f->b);
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct fb *f, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(f, &c, 1);
}

static void put16(struct fb *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void put32(struct fb *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void set16(struct fb *f, size_t at, unsigned v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static void ethernet(struct fb *f, unsigned ethertype)
{
	static const uint8_t mac[12] = {0};

	put(f, mac, 12);
	put16(f, ethertype);
}

/* An IPv4 header for len payload bytes; returns where it starts. */
static size_t ipv4(struct fb *f, unsigned proto, uint32_t src, uint32_t dst, size_t len)
{
	size_t at = f->n;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, (unsigned)(20 + len));
	put32(f, 0x12344000); /* id, DF */
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, src);
	put32(f, dst);
	return at;
}

static const uint8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

static size_t ipv6(struct fb *f, unsigned next, size_t len)
{
	size_t at = f->n;

	put32(f, 0x60000000);
	put16(f, (unsigned)len);
	put8(f, next);
	put8(f, 64);
	put(f, lo6, 16);
	put(f, lo6, 16);
	return at;
}

#define LO4 0x7f000001u

/* A TCP header with the given options (a multiple of 4 bytes). */
static void tcp(struct fb *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
		unsigned flags, unsigned win, const uint8_t *opt, size_t optlen)
{
	put16(f, sport);
	put16(f, dport);
	put32(f, seq);
	put32(f, ack);
	put8(f, (unsigned)((20 + optlen) / 4) << 4);
	put8(f, flags);
	put16(f, win);
	put32(f, 0);
	put(f, opt, optlen);
}

static const uint8_t syn_opts[20] = {2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0,
				     0, 1, 0,	 0,    0, 0, 1, 3,  3, 7};

/* Ethernet + IPv4 + TCP, payload bytes of 'x'. */
static void tcp4(struct fb *f, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
		 unsigned flags, size_t payload)
{
	bool syn = flags & PACKET_TCP_SYN;
	size_t optlen = syn ? sizeof syn_opts : 0;

	f->n = 0;
	ethernet(f, 0x0800);
	ipv4(f, 6, LO4, LO4, 20 + optlen + payload);
	tcp(f, sport, dport, seq, ack, flags, syn ? 65495 : 512, syn_opts, optlen);
	for (size_t i = 0; i < payload; i++)
		put8(f, 'x');
}

static void decode_ok(const struct fb *f, int link, struct packet *p)
{
	bool ok = packet_decode(link, f->b, f->n, f->n, p);

	if (!ok)
		fail_msg("unexpected note: %s", p->note);
}

static void text_of(const struct packet *p, const struct packet_rel *rel, char *out)
{
	char json[PACKET_FORMAT_MAX];
	size_t n = packet_format_json(p, rel, json, sizeof json);

	assert_true(json_valid(json, n));
	packet_format_text(p, rel, out, PACKET_FORMAT_MAX);
}

/* ---- tests ---- */

static void test_tcp_syn_options(void **state)
{
	struct fb f = {0};
	struct packet p;
	char t[PACKET_FORMAT_MAX], json[PACKET_FORMAT_MAX], v[64];

	(void)state;
	tcp4(&f, 58538, 9101, 1000, 0, PACKET_TCP_SYN, 0);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_int_equal(p.ip.family, AF_INET);
	assert_int_equal(p.ip.sport, 58538);
	assert_int_equal(p.ip.dport, 9101);
	assert_int_equal(p.flags, PACKET_TCP_SYN);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.mss, 65495);
	assert_int_equal(p.wscale, 7);
	assert_true(p.sack_perm);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.payload_off, f.n);
	text_of(&p, NULL, t);
	assert_string_equal(t, "IPv4 TCP 127.0.0.1:58538 > 127.0.0.1:9101 [SYN] Seq=1000 Win=65495 "
			       "Len=0 MSS=65495 SACK_PERM WS=128");
	packet_format_json(&p, NULL, json, sizeof json);
	assert_true(json_get_raw(json, strlen(json), "flags", v, sizeof v));
	assert_string_equal(v, "[\"SYN\"]");
	assert_true(json_get_str(json, strlen(json), "src", v, sizeof v));
	assert_string_equal(v, "127.0.0.1");
	assert_true(json_get_raw(json, strlen(json), "wscale", v, sizeof v));
	assert_string_equal(v, "7");
}

static void test_ethernet_padding_and_payload(void **state)
{
	struct fb f = {0};
	struct packet p;

	(void)state;
	/* A 1-byte segment padded to Ethernet's 60-byte minimum: the IP
	 * length rules, the padding is not payload. */
	tcp4(&f, 1, 2, 5, 6, PACKET_TCP_ACK | PACKET_TCP_PSH, 1);
	while (f.n < 60)
		put8(&f, 0xee);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_int_equal(p.payload_len, 1);
	assert_int_equal(f.b[p.payload_off], 'x');
}

static void test_framings(void **state)
{
	struct fb eth = {0}, f;
	struct packet p;
	const uint8_t *ip;
	size_t iplen;

	(void)state;
	tcp4(&eth, 40000, 9101, 1, 2, PACKET_TCP_ACK, 3);
	ip = eth.b + 14;
	iplen = eth.n - 14;

	/* DLT_NULL, host order family, both byte orders; AF_INET6 as BSD. */
	f.n = 0;
	put(&f, "\x02\0\0\0", 4);
	put(&f, ip, iplen);
	decode_ok(&f, PACKET_LINK_NULL, &p);
	assert_int_equal(p.ip.dport, 9101);
	f.n = 0;
	put(&f, "\0\0\0\x02", 4);
	put(&f, ip, iplen);
	decode_ok(&f, PACKET_LINK_NULL, &p);
	assert_int_equal(p.payload_len, 3);
	f.n = 0;
	put(&f, "\x07\0\0\0", 4);
	put(&f, ip, iplen);
	assert_false(packet_decode(PACKET_LINK_NULL, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "loopback header with unknown family 7");

	/* SLL: packet type 4 (outgoing), ARPHRD_LOOPBACK, 6-byte address. */
	f.n = 0;
	put16(&f, 4);
	put16(&f, 772);
	put16(&f, 6);
	put(&f, "\0\0\0\0\0\0\0\0", 8);
	put16(&f, 0x0800);
	put(&f, ip, iplen);
	decode_ok(&f, PACKET_LINK_SLL, &p);
	assert_int_equal(p.dir, PACKET_DIR_OUTGOING);
	assert_int_equal(p.ip.sport, 40000);

	/* SLL2: protocol first, interface index 1, packet type 0 (host). */
	f.n = 0;
	put16(&f, 0x0800);
	put16(&f, 0);
	put32(&f, 1);
	put16(&f, 772);
	put8(&f, 0);
	put8(&f, 6);
	put(&f, "\0\0\0\0\0\0\0\0", 8);
	put(&f, ip, iplen);
	decode_ok(&f, PACKET_LINK_SLL2, &p);
	assert_int_equal(p.dir, PACKET_DIR_HOST);
	assert_int_equal(p.ifindex, 1);
	assert_int_equal(p.payload_len, 3);

	/* Raw IP, and Ethernet with a VLAN tag. */
	f.n = 0;
	put(&f, ip, iplen);
	decode_ok(&f, PACKET_LINK_RAW, &p);
	assert_int_equal(p.ip.dport, 9101);
	f.n = 0;
	put(&f, eth.b, 12);
	put16(&f, 0x8100);
	put16(&f, 42);
	put16(&f, 0x0800);
	put(&f, ip, iplen);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_int_equal(p.payload_len, 3);

	/* Not IP: ARP is a frame with a name, no note. */
	f.n = 0;
	ethernet(&f, 0x0806);
	put(&f, ip, 28);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_int_equal(p.ip.family, 0);
	{
		char t[PACKET_FORMAT_MAX];

		text_of(&p, NULL, t);
		assert_string_equal(t, "ARP 42 bytes");
	}
	assert_false(packet_decode(999, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "unknown link type 999");
}

static void test_ipv6_extension_headers(void **state)
{
	struct fb f = {0};
	struct packet p;
	char t[PACKET_FORMAT_MAX];
	size_t at;

	(void)state;
	/* Hop-by-hop (8 bytes) then destination options (16) then UDP. */
	ethernet(&f, 0x86dd);
	ipv6(&f, 0, 8 + 16 + 8 + 4);
	put8(&f, 60);
	put8(&f, 0);
	put(&f, "\1\4\0\0\0\0", 6);
	put8(&f, 17);
	put8(&f, 1);
	put(&f, "\1\14\0\0\0\0\0\0\0\0\0\0\0\0", 14);
	put16(&f, 35740);
	put16(&f, 9301);
	put16(&f, 12);
	put16(&f, 0);
	put(&f, "hola", 4);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_int_equal(p.ip.proto, 17);
	assert_int_equal(p.ip.len, 12);
	assert_int_equal(p.payload_len, 4);
	assert_memory_equal(f.b + p.payload_off, "hola", 4);
	text_of(&p, NULL, t);
	assert_string_equal(t, "IPv6 UDP [::1]:35740 > [::1]:9301 Len=4");

	/* Nine destination-options headers: more than the bound. */
	f.n = 0;
	ethernet(&f, 0x86dd);
	at = ipv6(&f, 60, 9 * 8);
	for (int i = 0; i < 9; i++) {
		put8(&f, 60);
		put8(&f, 0);
		put(&f, "\1\4\0\0\0\0", 6);
	}
	(void)at;
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "more than 8 IPv6 extension headers");
	assert_false(p.has_payload);

	/* An extension header longer than the payload length says. */
	f.n = 0;
	ethernet(&f, 0x86dd);
	ipv6(&f, 0, 8);
	put8(&f, 17);
	put8(&f, 3);
	put(&f, "\0\0\0\0\0\0", 6);
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note,
			    "malformed IPv6 extension header: 32 bytes in a 8-byte payload");
}

/* Every prefix of a frame decodes without reading past it (the test runs
 * under ASan in `make check`: each prefix is its own allocation) and says
 * what was cut. */
static void test_truncated_everywhere(void **state)
{
	struct fb f = {0};
	struct packet p;

	(void)state;
	tcp4(&f, 58538, 9101, 1, 0, PACKET_TCP_SYN, 0);
	for (size_t n = 0; n < f.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, f.b, n);
		assert_false(packet_decode(PACKET_LINK_ETHERNET, copy, n, f.n, &p));
		assert_non_null(strstr(p.note, "truncated"));
		assert_true(p.payload_off <= n);
		free(copy);
	}
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, 14 + 20 + 12, f.n, &p));
	assert_string_equal(p.note, "truncated TCP header: 12 of 20 bytes");
	assert_int_equal(p.wirelen, f.n);
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, 14 + 20 + 30, f.n, &p));
	assert_string_equal(p.note, "truncated TCP options: 30 of 40 bytes");
	assert_true(p.has_tcp);
	assert_int_equal(p.ip.dport, 9101);
	assert_false(packet_decode(PACKET_LINK_ETHERNET, NULL, 0, 0, &p));
	assert_string_equal(p.note, "truncated Ethernet header: 0 of 14 bytes");
}

static void test_malformed(void **state)
{
	struct fb f = {0};
	struct packet p;
	char t[PACKET_FORMAT_MAX];

	(void)state;
	/* IHL below 5. */
	tcp4(&f, 1, 2, 0, 0, PACKET_TCP_ACK, 0);
	f.b[14] = 0x43;
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "malformed IPv4 header: header 12, total length 40 bytes");
	text_of(&p, NULL, t);
	assert_string_equal(t, "IPv4 54 bytes  [malformed IPv4 header: header 12, total length 40 "
			       "bytes]");
	/* A TCP data offset past the segment. */
	tcp4(&f, 1, 2, 0, 0, PACKET_TCP_ACK, 0);
	f.b[14 + 20 + 12] = 0xf0;
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "malformed TCP header: data offset 60 in a 20-byte segment");
	/* An option whose length runs past the header. */
	tcp4(&f, 1, 2, 0, 0, PACKET_TCP_SYN, 0);
	f.b[14 + 20 + 20 + 18] = 9; /* the window scale option claims 9 bytes */
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "malformed TCP option 3");
	assert_int_equal(p.mss, 65495); /* what came before it stays */
	/* A UDP length that lies. */
	f.n = 0;
	ethernet(&f, 0x0800);
	ipv4(&f, 17, LO4, LO4, 8 + 4);
	put16(&f, 1);
	put16(&f, 2);
	put16(&f, 300);
	put16(&f, 0);
	put(&f, "ping", 4);
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "malformed UDP header: length 300 in a 12-byte datagram");
	assert_int_equal(p.payload_len, 4);
	/* An IPv6 header that says version 4. */
	f.n = 0;
	ethernet(&f, 0x86dd);
	ipv6(&f, 17, 0);
	f.b[14] = 0x40;
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "IPv6 header with version 4");
}

static void test_icmp_port_unreachable(void **state)
{
	struct fb f = {0};
	struct packet p;
	char t[PACKET_FORMAT_MAX], json[PACKET_FORMAT_MAX], v[256];

	(void)state;
	/* ICMP 3/3 quoting the UDP datagram 127.0.0.1:33245 > :9, "nadie". */
	ethernet(&f, 0x0800);
	ipv4(&f, 1, LO4, LO4, 8 + 20 + 8 + 5);
	put8(&f, 3);
	put8(&f, 3);
	put16(&f, 0);
	put32(&f, 0);
	ipv4(&f, 17, LO4, LO4, 8 + 5);
	put16(&f, 33245);
	put16(&f, 9);
	put16(&f, 13);
	put16(&f, 0);
	put(&f, "nadie", 5);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_true(p.has_icmp);
	assert_true(p.has_inner);
	assert_int_equal(p.inner.proto, 17);
	assert_int_equal(p.inner.sport, 33245);
	assert_int_equal(p.inner.dport, 9);
	text_of(&p, NULL, t);
	assert_string_equal(t, "IPv4 ICMP 127.0.0.1 > 127.0.0.1 port unreachable for UDP "
			       "127.0.0.1:33245 > 127.0.0.1:9 Len=5");
	packet_format_json(&p, NULL, json, sizeof json);
	assert_true(json_get_raw(json, strlen(json), "inner", v, sizeof v));
	assert_non_null(strstr(v, "\"dport\":9"));
	assert_true(json_get_str(json, strlen(json), "icmp", v, sizeof v));
	assert_string_equal(v, "port unreachable");

	/* The quote cut after the ports (RFC 792's minimum is 8 bytes; only
	 * the ports are needed). */
	f.n -= 5 + 4;
	set16(&f, 14 + 2, (unsigned)(f.n - 14));
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	assert_int_equal(p.inner.dport, 9);
	/* Cut inside the quoted IP header: a note, the outer part decoded. */
	f.n = 14 + 20 + 8 + 10;
	set16(&f, 14 + 2, 20 + 8 + 10);
	assert_false(packet_decode(PACKET_LINK_ETHERNET, f.b, f.n, f.n, &p));
	assert_string_equal(p.note, "truncated quoted IPv4 header: 10 of 20 bytes");
	assert_true(p.has_icmp);
	assert_false(p.has_inner);
}

static void test_icmpv6(void **state)
{
	struct fb f = {0};
	struct packet p;
	char t[PACKET_FORMAT_MAX];

	(void)state;
	ethernet(&f, 0x86dd);
	ipv6(&f, 58, 8 + 40 + 8 + 5);
	put8(&f, 1);
	put8(&f, 4);
	put16(&f, 0);
	put32(&f, 0);
	ipv6(&f, 17, 8 + 5);
	put16(&f, 37850);
	put16(&f, 9);
	put16(&f, 13);
	put16(&f, 0);
	put(&f, "nadie", 5);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	text_of(&p, NULL, t);
	assert_string_equal(t, "IPv6 ICMPv6 ::1 > ::1 port unreachable for UDP [::1]:37850 > "
			       "[::1]:9 Len=5");
	/* An echo request names its id and sequence. */
	f.n = 0;
	ethernet(&f, 0x86dd);
	ipv6(&f, 58, 8);
	put8(&f, 128);
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 7);
	put16(&f, 1);
	decode_ok(&f, PACKET_LINK_ETHERNET, &p);
	text_of(&p, NULL, t);
	assert_string_equal(t, "IPv6 ICMPv6 ::1 > ::1 echo request id=7 seq=1");
}

static void track(struct packet_flows *fl, const struct fb *f, char *t)
{
	struct packet p;
	struct packet_rel rel;

	decode_ok(f, PACKET_LINK_ETHERNET, &p);
	assert_true(packet_flows_track(fl, &p, &rel));
	text_of(&p, &rel, t);
}

static void test_relative_sequence_numbers(void **state)
{
	static struct packet_flows fl;
	struct fb f = {0};
	char t[PACKET_FORMAT_MAX];
	const uint32_t c = 4000000000u, s = 77; /* the client's ISN wraps */

	(void)state;
	packet_flows_init(&fl);
	tcp4(&f, 50000, 9101, c, 0, PACKET_TCP_SYN, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "[SYN] Seq=0 Win=65495"));
	tcp4(&f, 9101, 50000, s, c + 1, PACKET_TCP_SYN | PACKET_TCP_ACK, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "[SYN, ACK] Seq=0 Ack=1 Win=65495"));
	tcp4(&f, 50000, 9101, c + 1, s + 1, PACKET_TCP_ACK | PACKET_TCP_PSH, 5);
	track(&fl, &f, t);
	/* Both sides offered a scale of 7: 512 << 7. */
	assert_non_null(strstr(t, "[PSH, ACK] Seq=1 Ack=1 Win=65536 Len=5"));
	tcp4(&f, 9101, 50000, s + 1, c + 6, PACKET_TCP_ACK | PACKET_TCP_FIN, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "[FIN, ACK] Seq=1 Ack=6"));

	/* The same tuple, a new connection (new ISN): counted from 0 again. */
	tcp4(&f, 50000, 9101, 123, 0, PACKET_TCP_SYN, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "[SYN] Seq=0 "));
	/* A closed port: the RST answers with seq 0, shown as Wireshark does. */
	tcp4(&f, 9101, 50000, 0, 124, PACKET_TCP_RST | PACKET_TCP_ACK, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "[RST, ACK] Seq=1 Ack=1 Win=512 Len=0"));

	/* Mid-stream, no SYN seen: the first packet counts as 1 on each side. */
	tcp4(&f, 50001, 9101, 5000, 9000, PACKET_TCP_ACK, 10);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "Seq=1 Ack=1 Win=512 Len=10"));
	tcp4(&f, 9101, 50001, 9000, 5010, PACKET_TCP_ACK, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "Seq=1 Ack=11 "));

	/* Not TCP: no bases. */
	{
		struct packet p;
		struct packet_rel rel;

		f.n = 0;
		ethernet(&f, 0x0800);
		ipv4(&f, 17, LO4, LO4, 8);
		put16(&f, 1);
		put16(&f, 2);
		put16(&f, 8);
		put16(&f, 0);
		decode_ok(&f, PACKET_LINK_ETHERNET, &p);
		assert_false(packet_flows_track(&fl, &p, &rel));
		assert_false(rel.has_seq_base);
	}
}

/* More connections than the table holds: it keeps going, reusing the
 * oldest slots, and recent connections keep their bases. */
static void test_flows_table_full(void **state)
{
	static struct packet_flows fl;
	struct fb f = {0};
	char t[PACKET_FORMAT_MAX];

	(void)state;
	packet_flows_init(&fl);
	for (unsigned i = 0; i < 3 * PACKET_FLOWS_SLOTS; i++) {
		tcp4(&f, 10000 + i, 9101, 1000 * i, 0, PACKET_TCP_SYN, 0);
		track(&fl, &f, t);
	}
	tcp4(&f, 10000 + 3 * PACKET_FLOWS_SLOTS - 1, 9101, 1000 * (3 * PACKET_FLOWS_SLOTS - 1) + 1,
	     1, PACKET_TCP_ACK, 0);
	track(&fl, &f, t);
	assert_non_null(strstr(t, "[ACK] Seq=1 "));
}

static void test_flags_text(void **state)
{
	char t[64];

	(void)state;
	assert_int_equal(packet_flags_text(0, t, sizeof t), 0);
	assert_string_equal(t, "");
	packet_flags_text(0xff, t, sizeof t);
	assert_string_equal(t, "SYN, FIN, RST, PSH, ACK, URG, ECE, CWR");
	packet_flags_text(PACKET_TCP_FIN | PACKET_TCP_ACK, t, sizeof t);
	assert_string_equal(t, "FIN, ACK");
}

/* serve's text lines keep a packet's headers and EVENT_TEXT_PREVIEW bytes
 * of its payload (capture_config.payload_max): the line decoded from that
 * cut frame is the line of the whole one, with no note. */
static void same_line_cut(const struct fb *f)
{
	struct packet whole, cut;
	char a[PACKET_FORMAT_MAX], b[PACKET_FORMAT_MAX];
	size_t keep;

	decode_ok(f, PACKET_LINK_ETHERNET, &whole);
	assert_true(whole.has_payload);
	keep = whole.payload_off + EVENT_TEXT_PREVIEW;
	assert_true(keep < f->n);
	assert_true(packet_decode(PACKET_LINK_ETHERNET, f->b, keep, f->n, &cut));
	packet_format_text(&whole, NULL, a, sizeof a);
	packet_format_text(&cut, NULL, b, sizeof b);
	assert_string_equal(a, b);
	assert_int_equal(cut.payload_len, whole.payload_len);
}

static void test_cut_after_headers(void **state)
{
	struct fb f = {0};

	(void)state;
	tcp4(&f, 58538, 9101, 1, 1, PACKET_TCP_ACK | PACKET_TCP_PSH, 1500);
	same_line_cut(&f);
	f.n = 0;
	ethernet(&f, 0x86dd);
	ipv6(&f, 6, 20 + 1000);
	tcp(&f, 35740, 9101, 7, 9, PACKET_TCP_ACK, 512, syn_opts, 0);
	for (int i = 0; i < 1000; i++)
		put8(&f, 'y');
	same_line_cut(&f);
	f.n = 0;
	ethernet(&f, 0x0800);
	ipv4(&f, 17, LO4, LO4, 8 + 800);
	put16(&f, 40000);
	put16(&f, 9201);
	put16(&f, 8 + 800);
	put16(&f, 0);
	for (int i = 0; i < 800; i++)
		put8(&f, 'z');
	same_line_cut(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_syn_options),
	    cmocka_unit_test(test_ethernet_padding_and_payload),
	    cmocka_unit_test(test_framings),
	    cmocka_unit_test(test_ipv6_extension_headers),
	    cmocka_unit_test(test_truncated_everywhere),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_icmp_port_unreachable),
	    cmocka_unit_test(test_icmpv6),
	    cmocka_unit_test(test_relative_sequence_numbers),
	    cmocka_unit_test(test_flows_table_full),
	    cmocka_unit_test(test_flags_text),
	    cmocka_unit_test(test_cut_after_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
