/*
 * packet: frame decoding, relative TCP sequence numbers and the two
 * renderings (see packet.h).
 *
 * Every header is read through a cursor (struct rd) that knows how many
 * bytes are left; a field is only read after rd_need said it is there.
 * Length fields are believed only as far as the captured bytes go: a
 * shorter capture (snap length) is normal and noted only when headers are
 * cut; a length that contradicts the frame is noted as malformed.
 */
#include "socklab/packet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "socklab/strbuf.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8

struct rd {
	const uint8_t *p;
	size_t n;
	const uint8_t *base; /* the frame's first byte */
};

static bool rd_need(const struct rd *r, size_t k)
{
	return r->n >= k;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void rd_skip(struct rd *r, size_t k)
{
	r->p += k;
	r->n -= k;
}

/* Sets the note once: the first problem found is the one that matters. */
__attribute__((format(printf, 2, 3))) static void note(struct packet *p, const char *fmt, ...)
{
	va_list ap;

	if (p->note[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->note, sizeof p->note, fmt, ap);
	va_end(ap);
}

static void truncated(struct packet *p, const char *what, size_t have, size_t want)
{
	note(p, "truncated %s: %zu of %zu bytes", what, have, want);
}

/* ---- link layer ---- */

static bool link_null(struct rd *r, struct packet *p)
{
	uint32_t le, be;

	if (!rd_need(r, 4)) {
		truncated(p, "loopback header", r->n, 4);
		return false;
	}
	le = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	     (uint32_t)r->p[3] << 24;
	be = be32(r->p);
	rd_skip(r, 4);
	/* The family is in the capturing host's byte order: accept both.
	 * AF_INET6 differs between systems: 10 Linux, 24 NetBSD/OpenBSD,
	 * 28 FreeBSD, 30 macOS. */
	for (int i = 0; i < 2; i++) {
		uint32_t v = i ? be : le;

		if (v == 2) {
			p->ethertype = ETHERTYPE_IPV4;
			return true;
		}
		if (v == 10 || v == 24 || v == 28 || v == 30) {
			p->ethertype = ETHERTYPE_IPV6;
			return true;
		}
	}
	note(p, "loopback header with unknown family %u", (unsigned)le);
	return false;
}

static bool link_ethernet(struct rd *r, struct packet *p)
{
	if (!rd_need(r, 14)) {
		truncated(p, "Ethernet header", r->n, 14);
		return false;
	}
	p->ethertype = be16(r->p + 12);
	rd_skip(r, 14);
	for (int tags = 0; p->ethertype == ETHERTYPE_VLAN || p->ethertype == ETHERTYPE_QINQ;
	     tags++) {
		if (tags == 2) {
			note(p, "more than two VLAN tags");
			return false;
		}
		if (!rd_need(r, 4)) {
			truncated(p, "VLAN tag", r->n, 4);
			return false;
		}
		p->ethertype = be16(r->p + 2);
		rd_skip(r, 4);
	}
	return true;
}

static bool link_sll(struct rd *r, struct packet *p)
{
	if (!rd_need(r, 16)) {
		truncated(p, "Linux cooked header", r->n, 16);
		return false;
	}
	p->dir = be16(r->p);
	p->ethertype = be16(r->p + 14);
	rd_skip(r, 16);
	return true;
}

static bool link_sll2(struct rd *r, struct packet *p)
{
	if (!rd_need(r, 20)) {
		truncated(p, "Linux cooked v2 header", r->n, 20);
		return false;
	}
	p->ethertype = be16(r->p);
	p->ifindex = (int)(be32(r->p + 4) & 0x7fffffff);
	p->dir = r->p[10];
	rd_skip(r, 20);
	return true;
}

static bool link_raw(struct rd *r, struct packet *p)
{
	if (!rd_need(r, 1)) {
		truncated(p, "IP header", 0, 20);
		return false;
	}
	p->ethertype = (r->p[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
	return true;
}

/* ---- IP ---- */

/* Reads an IPv4 header into ip; r is left at its payload, cut to the
 * length the header gives. quoted: inside an ICMP error, where the rest
 * of the datagram is normally missing. */
static bool ipv4(struct rd *r, struct packet *p, struct packet_ip *ip, bool quoted)
{
	size_t ihl, total;
	uint16_t frag;

	if (!rd_need(r, 20)) {
		truncated(p, quoted ? "quoted IPv4 header" : "IPv4 header", r->n, 20);
		return false;
	}
	if ((r->p[0] >> 4) != 4) {
		note(p, "IPv4 header with version %u", r->p[0] >> 4);
		return false;
	}
	ihl = (size_t)(r->p[0] & 0x0f) * 4;
	total = be16(r->p + 2);
	if (ihl < 20 || total < ihl) {
		note(p, "malformed IPv4 header: header %zu, total length %zu bytes", ihl, total);
		return false;
	}
	if (!rd_need(r, ihl)) {
		truncated(p, "IPv4 options", r->n, ihl);
		return false;
	}
	ip->family = AF_INET;
	ip->ttl = r->p[8];
	ip->proto = r->p[9];
	memcpy(ip->src, r->p + 12, 4);
	memcpy(ip->dst, r->p + 16, 4);
	frag = be16(r->p + 6);
	ip->fragment = (frag & 0x1fff) != 0;
	ip->len = (uint32_t)(total - ihl);
	rd_skip(r, ihl);
	if (r->n > ip->len)
		r->n = ip->len; /* Ethernet padding after the datagram */
	return true;
}

static bool ipv6_ext(uint8_t h)
{
	return h == 0 || h == 43 || h == 44 || h == 60 || h == 51 || h == 135 || h == 139 ||
	       h == 140;
}

static bool ipv6(struct rd *r, struct packet *p, struct packet_ip *ip, bool quoted)
{
	uint8_t next;
	uint32_t plen;
	int k;

	if (!rd_need(r, 40)) {
		truncated(p, quoted ? "quoted IPv6 header" : "IPv6 header", r->n, 40);
		return false;
	}
	if ((r->p[0] >> 4) != 6) {
		note(p, "IPv6 header with version %u", r->p[0] >> 4);
		return false;
	}
	plen = be16(r->p + 4);
	next = r->p[6];
	ip->family = AF_INET6;
	ip->ttl = r->p[7];
	memcpy(ip->src, r->p + 8, 16);
	memcpy(ip->dst, r->p + 24, 16);
	rd_skip(r, 40);
	if (plen == 0 && next == 0)
		plen = (uint32_t)r->n; /* a jumbogram: the hop-by-hop option has the length */
	if (r->n > plen)
		r->n = plen;
	for (k = 0; ipv6_ext(next); k++) {
		size_t hlen;

		if (k == PACKET_IPV6_EXT_MAX) {
			note(p, "more than %d IPv6 extension headers", PACKET_IPV6_EXT_MAX);
			ip->proto = next;
			return false;
		}
		if (!rd_need(r, 8)) {
			truncated(p, "IPv6 extension header", r->n, 8);
			ip->proto = next;
			return false;
		}
		if (next == 44) { /* fragment: fixed 8 bytes */
			hlen = 8;
			if ((be16(r->p + 2) & 0xfff8) != 0)
				ip->fragment = true;
		} else if (next == 51) { /* AH counts 4-byte words, minus 2 */
			hlen = ((size_t)r->p[1] + 2) * 4;
		} else {
			hlen = ((size_t)r->p[1] + 1) * 8;
		}
		if (hlen > plen) {
			note(p, "malformed IPv6 extension header: %zu bytes in a %u-byte payload",
			     hlen, plen);
			ip->proto = next;
			return false;
		}
		if (!rd_need(r, hlen)) {
			truncated(p, "IPv6 extension header", r->n, hlen);
			ip->proto = next;
			return false;
		}
		next = r->p[0];
		plen -= (uint32_t)hlen;
		rd_skip(r, hlen);
	}
	ip->proto = next;
	ip->len = plen;
	return true;
}

/* ---- transport ---- */

static void tcp_options(const uint8_t *o, size_t n, struct packet *p)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = o[i], len;

		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= n || (len = o[i + 1]) < 2 || i + len > n) {
			note(p, "malformed TCP option %u", kind);
			return;
		}
		if (kind == 2 && len == 4)
			p->mss = be16(o + i + 2);
		else if (kind == 3 && len == 3)
			p->wscale = o[i + 2];
		else if (kind == 4 && len == 2)
			p->sack_perm = true;
		else if (kind == 2 || kind == 3 || kind == 4)
			note(p, "TCP option %u with length %u", kind, len);
		i += len;
	}
}

static void tcp(struct rd *r, struct packet *p)
{
	size_t doff;

	if (!rd_need(r, 20)) {
		truncated(p, "TCP header", r->n, 20);
		return;
	}
	p->ip.has_ports = true;
	p->ip.sport = be16(r->p);
	p->ip.dport = be16(r->p + 2);
	p->seq = be32(r->p + 4);
	p->ack = be32(r->p + 8);
	doff = (size_t)(r->p[12] >> 4) * 4;
	p->flags = r->p[13];
	p->window = be16(r->p + 14);
	p->has_tcp = true;
	if (doff < 20 || doff > p->ip.len) {
		note(p, "malformed TCP header: data offset %zu in a %u-byte segment", doff,
		     p->ip.len);
		return;
	}
	if (!rd_need(r, doff)) {
		truncated(p, "TCP options", r->n, doff);
		return;
	}
	tcp_options(r->p + 20, doff - 20, p);
	p->has_payload = true;
	p->payload_len = p->ip.len - (uint32_t)doff;
	rd_skip(r, doff);
	p->payload_off = (uint32_t)(r->p - r->base);
}

static void udp(struct rd *r, struct packet *p)
{
	uint16_t ulen;

	if (!rd_need(r, 8)) {
		truncated(p, "UDP header", r->n, 8);
		return;
	}
	p->ip.has_ports = true;
	p->ip.sport = be16(r->p);
	p->ip.dport = be16(r->p + 2);
	ulen = be16(r->p + 4);
	p->has_payload = true;
	if (ulen < 8 || ulen > p->ip.len) {
		note(p, "malformed UDP header: length %u in a %u-byte datagram", ulen, p->ip.len);
		p->payload_len = p->ip.len >= 8 ? p->ip.len - 8 : 0;
	} else {
		p->payload_len = (uint32_t)ulen - 8;
	}
	rd_skip(r, 8);
	p->payload_off = (uint32_t)(r->p - r->base);
}

/* The datagram an ICMP error quotes: its IP header and the first 8 bytes
 * of its transport header (RFC 792; RFC 4443 quotes more). */
static void icmp_inner(struct rd *r, struct packet *p, int family)
{
	struct packet_ip *in = &p->inner;
	bool ok = family == AF_INET ? ipv4(r, p, in, true) : ipv6(r, p, in, true);

	if (!ok)
		return;
	p->has_inner = true;
	if (in->fragment || (in->proto != IPPROTO_TCP && in->proto != IPPROTO_UDP))
		return;
	if (!rd_need(r, 4)) {
		truncated(p, "quoted transport header", r->n, 4);
		return;
	}
	in->has_ports = true;
	in->sport = be16(r->p);
	in->dport = be16(r->p + 2);
}

static bool icmp_is_error(int family, uint8_t type)
{
	if (family == AF_INET)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	return type >= 1 && type <= 4;
}

static void icmp(struct rd *r, struct packet *p, int family)
{
	bool echo;

	if (!rd_need(r, 8)) {
		truncated(p, family == AF_INET ? "ICMP header" : "ICMPv6 header", r->n, 8);
		return;
	}
	p->has_icmp = true;
	p->icmp_type = r->p[0];
	p->icmp_code = r->p[1];
	echo = family == AF_INET ? (p->icmp_type == 0 || p->icmp_type == 8)
				 : (p->icmp_type == 128 || p->icmp_type == 129);
	if (echo) {
		p->icmp_id = be16(r->p + 4);
		p->icmp_seq = be16(r->p + 6);
	}
	p->has_payload = true;
	p->payload_len = p->ip.len >= 8 ? p->ip.len - 8 : 0;
	rd_skip(r, 8);
	p->payload_off = (uint32_t)(r->p - r->base);
	if (icmp_is_error(family, p->icmp_type))
		icmp_inner(r, p, family);
}

bool packet_decode(int link, const void *frame, size_t caplen, size_t wirelen, struct packet *p)
{
	struct rd r = {frame, caplen, frame};
	bool ok;

	memset(p, 0, sizeof *p);
	p->link = link;
	p->caplen = (uint32_t)(caplen > UINT32_MAX ? UINT32_MAX : caplen);
	p->wirelen = (uint32_t)(wirelen < caplen       ? caplen
				: wirelen > UINT32_MAX ? UINT32_MAX
						       : wirelen);
	p->dir = PACKET_DIR_UNKNOWN;
	p->mss = -1;
	p->wscale = -1;
	if (frame == NULL)
		r.n = 0;
	switch (link) {
	case PACKET_LINK_NULL:
		ok = link_null(&r, p);
		break;
	case PACKET_LINK_ETHERNET:
		ok = link_ethernet(&r, p);
		break;
	case PACKET_LINK_SLL:
		ok = link_sll(&r, p);
		break;
	case PACKET_LINK_SLL2:
		ok = link_sll2(&r, p);
		break;
	case PACKET_LINK_RAW:
		ok = link_raw(&r, p);
		break;
	default:
		note(p, "unknown link type %d", link);
		return false;
	}
	if (!ok)
		return false;
	if (p->ethertype == ETHERTYPE_IPV4)
		ok = ipv4(&r, p, &p->ip, false);
	else if (p->ethertype == ETHERTYPE_IPV6)
		ok = ipv6(&r, p, &p->ip, false);
	else
		return true; /* ARP and the like: a frame, just not IP */
	if (!ok || p->ip.fragment)
		return ok;
	switch (p->ip.proto) {
	case IPPROTO_TCP:
		tcp(&r, p);
		break;
	case IPPROTO_UDP:
		udp(&r, p);
		break;
	case IPPROTO_ICMP:
		if (p->ip.family == AF_INET)
			icmp(&r, p, AF_INET);
		break;
	case IPPROTO_ICMPV6:
		if (p->ip.family == AF_INET6)
			icmp(&r, p, AF_INET6);
		break;
	default:
		break;
	}
	return p->note[0] == '\0';
}

/* ---- relative sequence numbers ---- */

void packet_flows_init(struct packet_flows *f)
{
	memset(f, 0, sizeof *f);
}

static size_t addr_size(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* Orders two endpoints: <0 when (x, px) sorts before (y, py). */
static int endpoint_cmp(const uint8_t *x, uint16_t px, const uint8_t *y, uint16_t py, size_t n)
{
	int c = memcmp(x, y, n);

	return c ? c : (int)px - (int)py;
}

static uint32_t flow_hash(int family, const uint8_t *a, const uint8_t *b, uint16_t pa, uint16_t pb)
{
	uint32_t h = 2166136261u ^ (uint32_t)family;
	size_t n = addr_size(family);

	for (size_t i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	h = (h ^ pa) * 16777619u;
	return (h ^ pb) * 16777619u;
}

#define FLOW_PROBE 8

static struct packet_flow *flow_find(struct packet_flows *f, int family, const uint8_t *a,
				     const uint8_t *b, uint16_t pa, uint16_t pb)
{
	size_t n = addr_size(family), at = flow_hash(family, a, b, pa, pb) % PACKET_FLOWS_SLOTS;
	struct packet_flow *victim = NULL;

	for (size_t i = 0; i < FLOW_PROBE; i++) {
		struct packet_flow *s = &f->slot[(at + i) % PACKET_FLOWS_SLOTS];

		if (s->used && s->family == family && s->pa == pa && s->pb == pb &&
		    memcmp(s->a, a, n) == 0 && memcmp(s->b, b, n) == 0)
			return s;
		if (victim == NULL || (victim->used && (!s->used || s->last < victim->last)))
			victim = s;
	}
	memset(victim, 0, sizeof *victim);
	victim->used = true;
	victim->family = family;
	memcpy(victim->a, a, n);
	memcpy(victim->b, b, n);
	victim->pa = pa;
	victim->pb = pb;
	victim->wscale[0] = victim->wscale[1] = -1;
	return victim;
}

bool packet_flows_track(struct packet_flows *f, const struct packet *p, struct packet_rel *rel)
{
	const struct packet_ip *ip = &p->ip;
	struct packet_flow *fl;
	size_t n;
	int s, o;
	bool syn = p->flags & PACKET_TCP_SYN, ack = p->flags & PACKET_TCP_ACK;

	memset(rel, 0, sizeof *rel);
	rel->wscale = -1;
	if (!p->has_tcp)
		return false;
	n = addr_size(ip->family);
	if (endpoint_cmp(ip->src, ip->sport, ip->dst, ip->dport, n) <= 0) {
		fl = flow_find(f, ip->family, ip->src, ip->dst, ip->sport, ip->dport);
		s = 0;
	} else {
		fl = flow_find(f, ip->family, ip->dst, ip->src, ip->dport, ip->sport);
		s = 1;
	}
	o = 1 - s;
	fl->last = ++f->clock;
	if (syn) {
		/* A fresh SYN with another ISN: the tuple is reused by a new
		 * connection (after TIME_WAIT); forget the old one. */
		if (!ack && fl->syn_seen[s] && fl->isn[s] != p->seq) {
			fl->has_isn[0] = fl->has_isn[1] = false;
			fl->syn_seen[0] = fl->syn_seen[1] = false;
			fl->wscale[0] = fl->wscale[1] = -1;
		}
		fl->isn[s] = p->seq;
		fl->has_isn[s] = true;
		fl->syn_seen[s] = true;
		fl->wscale[s] = p->wscale;
	} else if (!fl->has_isn[s]) {
		fl->isn[s] = p->seq - 1;
		fl->has_isn[s] = true;
	}
	if (ack && !fl->has_isn[o]) {
		fl->isn[o] = p->ack - 1;
		fl->has_isn[o] = true;
	}
	rel->has_seq_base = true;
	rel->seq_base = fl->isn[s];
	if (ack) {
		rel->has_ack_base = true;
		rel->ack_base = fl->isn[o];
	}
	/* RFC 7323: scaling holds when both SYNs offered it, never on a SYN. */
	if (!syn && fl->syn_seen[0] && fl->syn_seen[1] && fl->wscale[0] >= 0 && fl->wscale[1] >= 0)
		rel->wscale = fl->wscale[s];
	return true;
}

/* ---- rendering ---- */

const char *packet_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		return NULL;
	}
}

static const char *const flag_names[8] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
/* Wireshark's order: the ones a class reads first come first. */
static const int flag_order[8] = {1, 0, 2, 3, 4, 5, 6, 7};

size_t packet_flags_text(uint8_t flags, char *out, size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);

	for (int i = 0; i < 8; i++) {
		int b = flag_order[i];

		if (flags & (1u << b)) {
			if (o.len)
				strbuf_put(&o, ", ", 2);
			strbuf_put(&o, flag_names[b], strlen(flag_names[b]));
		}
	}
	return o.len;
}

static const char *icmp4_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[16] = {"net unreachable",
						"host unreachable",
						"protocol unreachable",
						"port unreachable",
						"fragmentation needed",
						"source route failed",
						"net unknown",
						"host unknown",
						"source host isolated",
						"net prohibited",
						"host prohibited",
						"net unreachable for TOS",
						"host unreachable for TOS",
						"administratively prohibited",
						"host precedence violation",
						"precedence cutoff"};

	switch (type) {
	case 0:
		return "echo reply";
	case 3:
		return code < 16 ? unreach[code] : "destination unreachable";
	case 4:
		return "source quench";
	case 5:
		return "redirect";
	case 8:
		return "echo request";
	case 11:
		return "time exceeded";
	case 12:
		return "parameter problem";
	default:
		return NULL;
	}
}

static const char *icmp6_name(uint8_t type, uint8_t code)
{
	static const char *const unreach[7] = {"no route",
					       "administratively prohibited",
					       "beyond scope of source address",
					       "address unreachable",
					       "port unreachable",
					       "source address failed policy",
					       "reject route"};

	switch (type) {
	case 1:
		return code < 7 ? unreach[code] : "destination unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded";
	case 4:
		return "parameter problem";
	case 128:
		return "echo request";
	case 129:
		return "echo reply";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	default:
		return NULL;
	}
}

static const char *icmp_name(const struct packet *p)
{
	return p->ip.family == AF_INET ? icmp4_name(p->icmp_type, p->icmp_code)
				       : icmp6_name(p->icmp_type, p->icmp_code);
}

static void host_text(int family, const uint8_t *a, char *out, size_t cap)
{
	if (inet_ntop(family, a, out, (socklen_t)cap) == NULL)
		snprintf(out, cap, "?");
}

/* The text lines' hot path appends without a format (a line per packet). */
static void put_str(struct strbuf *o, const char *s)
{
	strbuf_put(o, s, strlen(s));
}

/* host, or [host] for IPv6, and :port when the packet has ports. */
static void endpoint_text(struct strbuf *o, const struct packet_ip *ip, const uint8_t *a,
			  unsigned port)
{
	char h[INET6_ADDRSTRLEN];
	bool brackets = ip->family == AF_INET6 && ip->has_ports;

	host_text(ip->family, a, h, sizeof h);
	if (brackets)
		strbuf_put(o, "[", 1);
	put_str(o, h);
	if (brackets)
		strbuf_put(o, "]", 1);
	if (ip->has_ports) {
		strbuf_put(o, ":", 1);
		strbuf_put_u(o, port);
	}
}

/* "127.0.0.1:9101 > 127.0.0.1:58538", "[::1]:9301 > [::1]:35740", or the
 * bare hosts when there are no ports. */
static void endpoints_text(struct strbuf *o, const struct packet_ip *ip)
{
	endpoint_text(o, ip, ip->src, ip->sport);
	strbuf_put(o, " > ", 3);
	endpoint_text(o, ip, ip->dst, ip->dport);
}

static const char *proto_label(const struct packet_ip *ip)
{
	switch (ip->proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "ICMPv6";
	default:
		return NULL;
	}
}

static void proto_text(struct strbuf *o, const struct packet_ip *ip)
{
	const char *l = proto_label(ip);

	if (l)
		put_str(o, l);
	else
		strbuf_fmt(o, "proto %u", ip->proto);
}

static uint32_t rel_seq(const struct packet *p, const struct packet_rel *rel)
{
	return rel && rel->has_seq_base ? p->seq - rel->seq_base : p->seq;
}

static uint32_t rel_ack(const struct packet *p, const struct packet_rel *rel)
{
	return rel && rel->has_ack_base ? p->ack - rel->ack_base : p->ack;
}

static uint64_t rel_window(const struct packet *p, const struct packet_rel *rel)
{
	return rel && rel->wscale >= 0 && rel->wscale <= 14 ? (uint64_t)p->window << rel->wscale
							    : p->window;
}

size_t packet_format_text(const struct packet *p, const struct packet_rel *rel, char *out,
			  size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);
	const struct packet_ip *ip = &p->ip;

	if (ip->family == 0) {
		if (p->ethertype == ETHERTYPE_ARP)
			strbuf_fmt(&o, "ARP");
		else if (p->ethertype == ETHERTYPE_IPV4 || p->ethertype == ETHERTYPE_IPV6)
			strbuf_fmt(&o, "%s", p->ethertype == ETHERTYPE_IPV4 ? "IPv4" : "IPv6");
		else if (p->ethertype)
			strbuf_fmt(&o, "ethertype 0x%04x", p->ethertype);
		else
			strbuf_fmt(&o, "frame");
		strbuf_fmt(&o, " %u bytes", p->wirelen);
	} else {
		put_str(&o, ip->family == AF_INET ? "IPv4 " : "IPv6 ");
		proto_text(&o, ip);
		strbuf_put(&o, " ", 1);
		endpoints_text(&o, ip);
		if (ip->fragment)
			strbuf_fmt(&o, " fragment %u bytes", ip->len);
	}
	if (p->has_tcp) {
		char f[48];

		size_t fl = packet_flags_text(p->flags, f, sizeof f);

		strbuf_put(&o, " [", 2);
		strbuf_put(&o, f, fl);
		strbuf_put(&o, "] Seq=", 6);
		strbuf_put_u(&o, rel_seq(p, rel));
		if (p->flags & PACKET_TCP_ACK) {
			strbuf_put(&o, " Ack=", 5);
			strbuf_put_u(&o, rel_ack(p, rel));
		}
		strbuf_put(&o, " Win=", 5);
		strbuf_put_u(&o, rel_window(p, rel));
		if (p->has_payload) {
			strbuf_put(&o, " Len=", 5);
			strbuf_put_u(&o, p->payload_len);
		}
		if (p->flags & PACKET_TCP_SYN) {
			if (p->mss >= 0)
				strbuf_fmt(&o, " MSS=%d", p->mss);
			if (p->sack_perm)
				strbuf_fmt(&o, " SACK_PERM");
			if (p->wscale >= 0)
				strbuf_fmt(&o, " WS=%lu", p->wscale <= 14 ? 1ul << p->wscale : 0ul);
		}
	} else if (p->has_icmp) {
		const char *n = icmp_name(p);

		if (n)
			strbuf_fmt(&o, " %s", n);
		else
			strbuf_fmt(&o, " type %u code %u", p->icmp_type, p->icmp_code);
		if ((ip->family == AF_INET && (p->icmp_type == 0 || p->icmp_type == 8)) ||
		    (ip->family == AF_INET6 && (p->icmp_type == 128 || p->icmp_type == 129)))
			strbuf_fmt(&o, " id=%u seq=%u", p->icmp_id, p->icmp_seq);
		if (p->has_inner) {
			strbuf_fmt(&o, " for ");
			proto_text(&o, &p->inner);
			strbuf_fmt(&o, " ");
			endpoints_text(&o, &p->inner);
			if (p->inner.proto == IPPROTO_UDP && p->inner.len >= 8)
				strbuf_fmt(&o, " Len=%u", p->inner.len - 8);
		}
	} else if (p->has_payload) {
		strbuf_fmt(&o, " Len=%u", p->payload_len);
	}
	if (p->note[0])
		strbuf_fmt(&o, "  [%s]", p->note);
	return o.len;
}

static void json_ip(struct strbuf *o, const struct packet_ip *ip)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *pn = packet_proto_name(ip->proto);

	host_text(ip->family, ip->src, s, sizeof s);
	host_text(ip->family, ip->dst, d, sizeof d);
	strbuf_fmt(o, "\"family\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\",\"ttl\":%u,\"ip_len\":%u",
		   ip->family == AF_INET ? "ipv4" : "ipv6", s, d, ip->ttl, ip->len);
	if (pn)
		strbuf_fmt(o, ",\"proto\":\"%s\"", pn);
	else
		strbuf_fmt(o, ",\"proto\":%u", ip->proto);
	if (ip->fragment)
		strbuf_fmt(o, ",\"fragment\":true");
	if (ip->has_ports)
		strbuf_fmt(o, ",\"sport\":%u,\"dport\":%u", ip->sport, ip->dport);
}

static const char *link_name(int link)
{
	switch (link) {
	case PACKET_LINK_NULL:
		return "null";
	case PACKET_LINK_ETHERNET:
		return "ethernet";
	case PACKET_LINK_RAW:
		return "raw";
	case PACKET_LINK_SLL:
		return "sll";
	case PACKET_LINK_SLL2:
		return "sll2";
	default:
		return "unknown";
	}
}

size_t packet_format_json(const struct packet *p, const struct packet_rel *rel, char *out,
			  size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);

	strbuf_fmt(&o, "{\"link\":\"%s\",\"caplen\":%u,\"wirelen\":%u", link_name(p->link),
		   p->caplen, p->wirelen);
	if (p->dir == PACKET_DIR_HOST || p->dir == PACKET_DIR_OUTGOING)
		strbuf_fmt(&o, ",\"dir\":\"%s\"", p->dir == PACKET_DIR_HOST ? "in" : "out");
	if (p->ifindex)
		strbuf_fmt(&o, ",\"ifindex\":%d", p->ifindex);
	strbuf_fmt(&o, ",\"ethertype\":%u", p->ethertype);
	if (p->ip.family) {
		strbuf_fmt(&o, ",");
		json_ip(&o, &p->ip);
	}
	if (p->has_tcp) {
		strbuf_fmt(&o, ",\"flags\":[");
		for (int i = 0, n = 0; i < 8; i++) {
			int b = flag_order[i];

			if (p->flags & (1u << b))
				strbuf_fmt(&o, "%s\"%s\"", n++ ? "," : "", flag_names[b]);
		}
		strbuf_fmt(&o, "],\"seq\":%u,\"seq_raw\":%u", rel_seq(p, rel), p->seq);
		if (p->flags & PACKET_TCP_ACK)
			strbuf_fmt(&o, ",\"ack\":%u,\"ack_raw\":%u", rel_ack(p, rel), p->ack);
		strbuf_fmt(&o, ",\"win\":%llu,\"win_raw\":%u",
			   (unsigned long long)rel_window(p, rel), p->window);
		if (p->mss >= 0)
			strbuf_fmt(&o, ",\"mss\":%d", p->mss);
		if (p->wscale >= 0)
			strbuf_fmt(&o, ",\"wscale\":%d", p->wscale);
		if (p->sack_perm)
			strbuf_fmt(&o, ",\"sack_perm\":true");
	}
	if (p->has_icmp) {
		const char *n = icmp_name(p);

		strbuf_fmt(&o, ",\"icmp_type\":%u,\"icmp_code\":%u", p->icmp_type, p->icmp_code);
		if (n)
			strbuf_fmt(&o, ",\"icmp\":\"%s\"", n);
		if (p->has_inner) {
			strbuf_fmt(&o, ",\"inner\":{");
			json_ip(&o, &p->inner);
			strbuf_fmt(&o, "}");
		}
	}
	if (p->has_payload)
		strbuf_fmt(&o, ",\"len\":%u", p->payload_len);
	if (p->note[0])
		strbuf_fmt(&o, ",\"note\":\"%s\"", p->note);
	strbuf_fmt(&o, "}");
	return o.len;
}
