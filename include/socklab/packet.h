/*
 * packet: the decoder of captured frames. Bytes in, a packet record out;
 * pure (no libpcap, no I/O, no allocation), so it is unit-tested and
 * fuzzed on raw frames.
 *
 * A frame is read link layer first (Ethernet with up to two VLAN tags,
 * Linux cooked SLL and SLL2, BSD loopback DLT_NULL, bare IP), then IPv4 or
 * IPv6 (extension headers skipped, at most PACKET_IPV6_EXT_MAX of them),
 * then TCP, UDP, ICMP or ICMPv6. An ICMP error carries the start of the
 * datagram it answers; that is decoded too, into packet.inner. Every read
 * is checked against the captured length: a frame that ends early or has
 * a length field that lies gives a record with what could be read and a
 * note saying what was wrong, never a read past the bytes given.
 *
 * TCP sequence numbers are absolute in the record. Showing them relative
 * to each side's initial sequence number, as Wireshark does, needs state
 * across packets: the caller keeps a packet_flows table, asks it for each
 * TCP packet's packet_rel and hands that to the renderers.
 */
#ifndef SOCKLAB_PACKET_H
#define SOCKLAB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link-layer types, numbered as pcap's LINKTYPE_ values, so that a pcap
 * file header or pcap_datalink() gives them directly. */
enum packet_link {
	PACKET_LINK_NULL = 0,	  /* BSD loopback: 4-byte address family, either byte order */
	PACKET_LINK_ETHERNET = 1, /* Linux loopback too (all-zero MACs) */
	PACKET_LINK_RAW = 101,	  /* the IP header first */
	PACKET_LINK_SLL = 113,	  /* Linux cooked capture v1 (the "any" device) */
	PACKET_LINK_SLL2 = 276,	  /* Linux cooked capture v2 */
};

#define PACKET_TCP_FIN 0x01
#define PACKET_TCP_SYN 0x02
#define PACKET_TCP_RST 0x04
#define PACKET_TCP_PSH 0x08
#define PACKET_TCP_ACK 0x10
#define PACKET_TCP_URG 0x20
#define PACKET_TCP_ECE 0x40
#define PACKET_TCP_CWR 0x80

#define PACKET_IPV6_EXT_MAX 8
#define PACKET_NOTE_MAX 96

/* What the cooked headers say about direction (SLL/SLL2 packet types). */
enum packet_dir {
	PACKET_DIR_UNKNOWN = -1,
	PACKET_DIR_HOST = 0,	 /* to us */
	PACKET_DIR_OUTGOING = 4, /* from us */
};

/* One IP header and the transport ports behind it. */
struct packet_ip {
	int family;		  /* AF_INET, AF_INET6; 0: no IP header was read */
	uint8_t src[16], dst[16]; /* network order; IPv4 uses the first 4 bytes */
	uint8_t proto;		  /* the transport protocol (after IPv6 extensions) */
	uint8_t ttl;		  /* TTL or hop limit */
	uint32_t len;		  /* bytes after the IP headers, by the length fields */
	bool fragment;		  /* a later fragment: no transport header in it */
	bool has_ports;		  /* TCP or UDP ports were read */
	uint16_t sport, dport;
};

struct packet {
	int link;		  /* enum packet_link */
	uint32_t caplen, wirelen; /* bytes given, bytes the frame had on the wire */
	int dir;		  /* enum packet_dir */
	int ifindex;		  /* SLL2's interface index, 0: not given */
	uint16_t ethertype;	  /* 0x0800, 0x86dd, 0x0806 (ARP), ... */
	struct packet_ip ip;

	/* TCP (ip.proto == 6 and has_tcp). */
	bool has_tcp;
	uint8_t flags;	   /* PACKET_TCP_* */
	uint32_t seq, ack; /* absolute */
	uint16_t window;   /* as sent, before any window scaling */
	int mss;	   /* option 2, -1: absent */
	int wscale;	   /* option 3's shift count, -1: absent */
	bool sack_perm;	   /* option 4 */

	/* ICMP or ICMPv6 (has_icmp). */
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq; /* echo request/reply */
	bool has_inner;		    /* an error quoting the datagram it answers */
	struct packet_ip inner;

	/* Transport payload by the headers' lengths, and where it starts in the
	 * frame; fewer than payload_len bytes may have been captured. */
	bool has_payload; /* TCP, UDP or ICMP: payload_len is known */
	uint32_t payload_len;
	uint32_t payload_off;

	/* Empty when the frame was read whole; otherwise what was wrong, in
	 * plain words ("truncated TCP header: 12 of 20 bytes"). */
	char note[PACKET_NOTE_MAX];
};

/* Decodes frame[0..caplen) of link type link; wirelen is the frame's real
 * size (caplen when not known). Always fills p. Returns true when the
 * frame was read whole and coherent, false when p->note says why not. */
bool packet_decode(int link, const void *frame, size_t caplen, size_t wirelen, struct packet *p);

/* Relative sequence numbers for one TCP packet: subtract seq_base from
 * seq and ack_base from ack (when the has_ flag is set); window scaling
 * applies when wscale >= 0 (the sender's shift, both sides offered it). */
struct packet_rel {
	bool has_seq_base, has_ack_base;
	uint32_t seq_base, ack_base;
	int wscale;
};

/* The caller's state for relative sequence numbers: each direction's
 * initial sequence number and window scale, per TCP connection. A fixed
 * table, oldest entry reused when full; no allocation. */
#define PACKET_FLOWS_SLOTS 1024
struct packet_flow {
	bool used;
	int family;
	uint8_t a[16], b[16]; /* a/pa: the lower endpoint, so both directions meet */
	uint16_t pa, pb;
	bool has_isn[2]; /* [0]: a's, [1]: b's */
	uint32_t isn[2];
	int wscale[2]; /* -1: not offered on the SYN */
	bool syn_seen[2];
	uint64_t last; /* use stamp, for reuse of the oldest */
};
struct packet_flows {
	struct packet_flow slot[PACKET_FLOWS_SLOTS];
	uint64_t clock;
};

void packet_flows_init(struct packet_flows *f);

/* Takes one decoded packet (in capture order) and gives its packet_rel.
 * A SYN sets the sender's base (a new SYN with another sequence number
 * starts a new connection on the same tuple); a side first seen without
 * its SYN gets a base that makes that packet's sequence number 1, as
 * Wireshark does mid-stream. Returns false (rel with no bases) for a
 * packet that is not TCP. */
bool packet_flows_track(struct packet_flows *f, const struct packet *p, struct packet_rel *rel);

/* "SYN, ACK" style list of the set flags ("" for none). */
size_t packet_flags_text(uint8_t flags, char *out, size_t cap);

/* One line for people, Wireshark's words:
 *   IPv4 TCP 127.0.0.1:58538 > 127.0.0.1:9101 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM
 * WS=128 IPv6 ICMPv6 ::1 > ::1 port unreachable for UDP [::1]:40000 > [::1]:9 Len=4 followed by "
 * [note]" when the frame had one. rel may be NULL (absolute numbers). Returns the length written
 * (NUL-terminated). */
size_t packet_format_text(const struct packet *p, const struct packet_rel *rel, char *out,
			  size_t cap);

/* The same as one JSON object (valid JSON, whatever the frame held). */
size_t packet_format_json(const struct packet *p, const struct packet_rel *rel, char *out,
			  size_t cap);

/* Largest output of either renderer. */
#define PACKET_FORMAT_MAX 1024

/* Protocol name for an IP protocol number ("tcp", "udp", "icmp",
 * "icmpv6", or NULL for another). */
const char *packet_proto_name(uint8_t proto);

#endif
