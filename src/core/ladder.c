/*
 * ladder: joining events into one connection's timeline, deriving TCP
 * states from its packets, and drawing the rows (see ladder.h).
 */
#include "socklab/ladder.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/strbuf.h"

/* ---- keys ---- */

bool ladder_end_from(const struct sockaddr *sa, struct ladder_end *e)
{
	memset(e, 0, sizeof *e);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;

		e->family = AF_INET;
		memcpy(e->addr, &s4->sin_addr, 4);
		e->port = ntohs(s4->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		e->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			e->family = AF_INET;
			memcpy(e->addr, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			e->family = AF_INET6;
			memcpy(e->addr, &s6->sin6_addr, 16);
		}
		return true;
	}
	return false;
}

bool ladder_end_equal(const struct ladder_end *a, const struct ladder_end *b)
{
	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

static bool key_equal(const struct ladder_key *a, const struct ladder_key *b)
{
	return a->proto == b->proto && ladder_end_equal(&a->client, &b->client) &&
	       ladder_end_equal(&a->server, &b->server);
}

bool ladder_key_of_event(const struct event *ev, struct ladder_key *k)
{
	const struct sockaddr *l = (const void *)&ev->local, *p = (const void *)&ev->peer;
	bool ok;

	memset(k, 0, sizeof *k);
	if (!ev->has_local || !ev->has_peer || ev->kind == EV_PACKET)
		return false;
	k->proto = ev->transport == TRANSPORT_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	if (ev->server)
		ok = ladder_end_from(l, &k->server) && ladder_end_from(p, &k->client);
	else
		ok = ladder_end_from(l, &k->client) && ladder_end_from(p, &k->server);
	return ok;
}

static void ip_end(const struct packet_ip *ip, bool src, struct ladder_end *e)
{
	memset(e, 0, sizeof *e);
	e->family = ip->family;
	memcpy(e->addr, src ? ip->src : ip->dst, ip->family == AF_INET ? 4 : 16);
	e->port = src ? ip->sport : ip->dport;
}

/* Which side sent p, or -1 when p is not this connection's. */
static int packet_side(const struct ladder *l, const struct packet *p)
{
	const struct packet_ip *ip = &p->ip;
	struct ladder_end s, d;
	bool icmp = false;

	if (p->has_inner && p->inner.has_ports) {
		ip = &p->inner; /* the datagram the error answers */
		icmp = true;
	} else if (!ip->has_ports) {
		return -1;
	}
	if (ip->proto != l->key.proto)
		return -1;
	ip_end(ip, true, &s);
	ip_end(ip, false, &d);
	if (ladder_end_equal(&s, &l->key.client) && ladder_end_equal(&d, &l->key.server))
		return icmp ? LADDER_SERVER : LADDER_CLIENT; /* an error goes back to the sender */
	if (ladder_end_equal(&s, &l->key.server) && ladder_end_equal(&d, &l->key.client))
		return icmp ? LADDER_CLIENT : LADDER_SERVER;
	return -1;
}

/* ---- states ---- */

void ladder_init(struct ladder *l, const struct ladder_key *k, struct ladder_row *rows, size_t cap)
{
	memset(l, 0, sizeof *l);
	l->key = *k;
	l->rows = rows;
	l->cap = cap < LADDER_ROWS_MAX ? cap : LADDER_ROWS_MAX;
}

/* a >= b in sequence space. */
static bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/* RFC 9293 section 3.3.2, seen from the wire: s sent p, r receives it. */
static void derive(struct ladder *l, int s, const struct packet *p, bool *retrans)
{
	int r = 1 - s, *st = l->state;
	uint8_t f = p->flags;

	*retrans = false;
	if (f & PACKET_TCP_RST) {
		st[s] = LADDER_CLOSED;
		st[r] = LADDER_CLOSED;
		return;
	}
	if (f & PACKET_TCP_SYN) {
		if (l->has_syn[s] && l->syn_seq[s] == p->seq)
			*retrans = true;
		l->has_syn[s] = true;
		l->syn_seq[s] = p->seq;
		if (!(f & PACKET_TCP_ACK)) {
			st[s] = LADDER_SYN_SENT;
			if (st[r] == LADDER_UNKNOWN)
				st[r] = LADDER_LISTEN;
		} else {
			st[s] = LADDER_SYN_RECV;
			if (st[r] == LADDER_SYN_SENT)
				st[r] = LADDER_ESTABLISHED;
		}
		return;
	}
	if (f & PACKET_TCP_ACK) {
		if (st[r] == LADDER_SYN_RECV && l->has_syn[r] && p->ack == l->syn_seq[r] + 1)
			st[r] = LADDER_ESTABLISHED;
		if (l->has_fin[r] && seq_geq(p->ack, l->fin_next[r])) {
			if (st[r] == LADDER_FIN_WAIT_1)
				st[r] = LADDER_FIN_WAIT_2;
			else if (st[r] == LADDER_CLOSING)
				st[r] = LADDER_TIME_WAIT;
			else if (st[r] == LADDER_LAST_ACK)
				st[r] = LADDER_CLOSED;
		}
	}
	if (f & PACKET_TCP_FIN) {
		if (l->has_fin[s] && l->fin_next[s] == p->seq + p->payload_len + 1)
			*retrans = true;
		l->has_fin[s] = true;
		l->fin_next[s] = p->seq + p->payload_len + 1;
		if (st[s] == LADDER_ESTABLISHED || st[s] == LADDER_SYN_RECV ||
		    st[s] == LADDER_UNKNOWN)
			st[s] = LADDER_FIN_WAIT_1;
		else if (st[s] == LADDER_CLOSE_WAIT)
			st[s] = LADDER_LAST_ACK;
		if (st[r] == LADDER_ESTABLISHED || st[r] == LADDER_UNKNOWN)
			st[r] = LADDER_CLOSE_WAIT;
		else if (st[r] == LADDER_FIN_WAIT_1)
			st[r] = LADDER_CLOSING;
		else if (st[r] == LADDER_FIN_WAIT_2)
			st[r] = LADDER_TIME_WAIT;
	}
}

static struct ladder_row *new_row(struct ladder *l, enum ladder_row_kind kind,
				  const struct timespec *t)
{
	struct ladder_row *row;

	if (l->n == l->cap) {
		l->dropped++;
		return NULL;
	}
	row = &l->rows[l->n++];
	memset(row, 0, sizeof *row);
	row->kind = kind;
	row->time = *t;
	return row;
}

static void close_row(struct ladder *l, struct ladder_row *row, const int before[2], int from)
{
	for (int i = 0; i < 2; i++) {
		row->state[i] = l->state[i];
		row->changed[i] = l->state[i] != before[i];
		row->from[i] = from;
	}
}

bool ladder_add(struct ladder *l, const struct event *ev)
{
	struct ladder_row *row;
	int before[2] = {l->state[0], l->state[1]};

	if (ev->kind == EV_PACKET) {
		struct packet p;
		bool retrans = false;
		int side;

		packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
		side = packet_side(l, &p);
		if (side < 0)
			return false;
		if (p.has_tcp && l->key.proto == IPPROTO_TCP)
			derive(l, side, &p, &retrans);
		row = new_row(l, LADDER_ROW_PACKET, &ev->time);
		if (row == NULL)
			return true;
		row->ev = ev;
		row->side = side;
		row->retransmission = retrans;
		close_row(l, row, before, LADDER_FROM_PACKETS);
		return true;
	}
	{
		struct ladder_key k;

		if (ladder_key_of_event(ev, &k)) {
			if (!key_equal(&k, &l->key))
				return false;
			if (ev->server && ev->conn) {
				l->server = ev->server;
				l->conn = ev->conn;
			}
		} else if (!(ev->server && ev->conn && ev->server == l->server &&
			     ev->conn == l->conn)) {
			return false;
		}
	}
	row = new_row(l, LADDER_ROW_EVENT, &ev->time);
	if (row == NULL)
		return true;
	row->ev = ev;
	row->side = ev->server ? LADDER_SERVER : LADDER_CLIENT;
	close_row(l, row, before, LADDER_FROM_PACKETS);
	return true;
}

void ladder_add_sample(struct ladder *l, int side, int state, const struct timespec *t)
{
	int before[2] = {l->state[0], l->state[1]};
	struct ladder_row *row;

	if (side < 0 || side > 1 || state == l->state[side])
		return;
	l->state[side] = state;
	row = new_row(l, LADDER_ROW_SAMPLE, t);
	if (row == NULL)
		return;
	row->side = side;
	close_row(l, row, before, LADDER_FROM_KERNEL);
}

int ladder_state_from_linux(int s)
{
	static const int map[] = {
	    LADDER_UNKNOWN,    LADDER_ESTABLISHED, LADDER_SYN_SENT,  LADDER_SYN_RECV,
	    LADDER_FIN_WAIT_1, LADDER_FIN_WAIT_2,  LADDER_TIME_WAIT, LADDER_CLOSED,
	    LADDER_CLOSE_WAIT, LADDER_LAST_ACK,	   LADDER_LISTEN,    LADDER_CLOSING,
	    LADDER_SYN_RECV, /* NEW_SYN_RECV: a request socket */
	};

	return s >= 0 && s < (int)(sizeof map / sizeof map[0]) ? map[s] : LADDER_UNKNOWN;
}

const char *ladder_state_name(int s)
{
	static const char *const names[LADDER_STATE_COUNT] = {
	    "",		  "CLOSED",	"LISTEN",     "SYN_SENT", "SYN_RECV", "ESTABLISHED",
	    "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT"};

	return s >= 0 && s < LADDER_STATE_COUNT ? names[s] : "?";
}

/* ---- drawing ---- */

#define SIDE_W 12

/* Full time (HH:MM:SS.mmm) from 80 columns, seconds.milliseconds below. */
static int time_width(int width)
{
	return width >= 80 ? 12 : 6;
}

static int arrow_width(int width)
{
	int w = width - time_width(width) - 2 * SIDE_W - 3;

	return w < 10 ? 10 : w;
}

/* The side column: the new state (with * when the kernel said so), or
 * blanks. */
static void side_text(const struct ladder_row *row, int side, char *out, size_t cap)
{
	if (!row->changed[side] || row->state[side] == LADDER_UNKNOWN) {
		out[0] = '\0';
		return;
	}
	snprintf(out, cap, "%s%s", ladder_state_name(row->state[side]),
		 row->from[side] == LADDER_FROM_KERNEL ? "*" : "");
}

/* The label on an arrow: TCP's flags and numbers (Win left out for
 * room), a datagram's length, an ICMP error's name. */
static void packet_label(const struct ladder_row *row, char *out, size_t cap)
{
	const struct event *ev = row->ev;
	struct packet p;
	struct strbuf o = strbuf_on(out, cap);
	const struct packet_rel *rel = &ev->pkt.rel;

	packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
	if (p.has_tcp) {
		char f[48];

		packet_flags_text(p.flags, f, sizeof f);
		strbuf_fmt(&o, "[%s] Seq=%u", f, rel->has_seq_base ? p.seq - rel->seq_base : p.seq);
		if (p.flags & PACKET_TCP_ACK)
			strbuf_fmt(&o, " Ack=%u",
				   rel->has_ack_base ? p.ack - rel->ack_base : p.ack);
		strbuf_fmt(&o, " Len=%u", p.payload_len);
		if (row->retransmission)
			strbuf_fmt(&o, " (retransmission)");
	} else if (p.has_icmp) {
		char line[PACKET_FORMAT_MAX], *at;

		/* The decoder's text, from the ICMP name to before " for ". */
		packet_format_text(&p, NULL, line, sizeof line);
		at = strstr(line, p.ip.family == AF_INET ? " ICMP " : " ICMPv6 ");
		if (at != NULL) {
			char *name = strstr(at + 1, " > ");
			char *end = name ? strstr(name + 3, " for ") : NULL;

			name = name ? strchr(name + 3, ' ') : NULL;
			if (name && end && end > name)
				*end = '\0';
			strbuf_fmt(&o, "%s%s", p.ip.family == AF_INET ? "ICMP" : "ICMPv6",
				   name ? name : "");
		}
	} else {
		strbuf_fmt(&o, "%s Len=%u", p.ip.proto == IPPROTO_UDP ? "UDP" : "IP",
			   p.payload_len);
	}
}

/* A side's event as a short text: the system call as strace writes it, or
 * the event's name with its tuple / bytes (peer bytes escaped). */
static void event_label(const struct event *ev, char *out, size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);
	char a[ADDR_TEXT_MAX];

	switch (ev->kind) {
	case EV_SYSCALL:
		event_call_text(ev, out, cap);
		return;
	case EV_ACCEPT:
	case EV_CONNECT:
		addr_tuple((const void *)&ev->peer, a, sizeof a);
		strbuf_fmt(&o, "%s %s", ev->kind == EV_ACCEPT ? "accept" : "connect", a);
		return;
	case EV_RECV:
	case EV_SEND:
	case EV_READ_LINE:
	case EV_DGRAM_IN:
	case EV_DGRAM_OUT: {
		char esc[24 * 4 + 1];
		size_t used, k = ev->preview_len < 24 ? ev->preview_len : 24;

		esc_text(ev->preview, k, esc, sizeof esc, &used);
		strbuf_fmt(&o, "%s %llu \"%s%s\"", event_kind_name(ev->kind),
			   (unsigned long long)ev->bytes, esc, ev->bytes > used ? "..." : "");
		return;
	}
	case EV_CLOSE:
		strbuf_fmt(&o, "close (%s)", event_close_reason_name(ev->reason));
		return;
	default:
		strbuf_fmt(&o, "%s", event_kind_name(ev->kind));
		if (ev->message[0])
			strbuf_fmt(&o, ": %s", ev->message);
	}
}

/* Writes s into a field of w columns at out (no NUL), cut when longer;
 * right: aligned to the field's right edge. */
static void field(char *out, int w, const char *s, bool right)
{
	int n = (int)strlen(s);

	if (w <= 0)
		return;
	if (n > w)
		n = w;
	memcpy(out + (right ? w - n : 0), s, (size_t)n);
}

size_t ladder_format_row(const struct ladder *l, size_t i, int width, char *out, size_t cap)
{
	const struct ladder_row *row;
	int tw = time_width(width), aw = arrow_width(width);
	int total = tw + 1 + SIDE_W + 1 + aw + 1 + SIDE_W;
	char line[1024], c[32], s[32], label[PACKET_FORMAT_MAX];
	struct tm tm;
	int at;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (i >= l->n || total >= (int)sizeof line)
		return 0;
	row = &l->rows[i];
	memset(line, ' ', (size_t)total);
	line[total] = '\0';
	localtime_r(&row->time.tv_sec, &tm);
	if (tw == 12)
		snprintf(c, sizeof c, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 row->time.tv_nsec / 1000000);
	else
		snprintf(c, sizeof c, "%02d.%03ld", tm.tm_sec, row->time.tv_nsec / 1000000);
	field(line, tw, c, false);
	side_text(row, LADDER_CLIENT, c, sizeof c);
	side_text(row, LADDER_SERVER, s, sizeof s);
	field(line + tw + 1, SIDE_W, c, false);
	field(line + tw + 1 + SIDE_W + 1 + aw + 1, SIDE_W, s, false);
	at = tw + 1 + SIDE_W + 1;
	if (row->kind == LADDER_ROW_PACKET) {
		int n;

		packet_label(row, label, sizeof label);
		memset(line + at, '-', (size_t)aw);
		/* "-- label ---->" or "<- label -----". */
		n = (int)strlen(label);
		if (n > aw - 6)
			n = aw - 6;
		memcpy(line + at + 3, label, (size_t)n);
		line[at + 2] = line[at + 3 + n] = ' ';
		if (row->side == LADDER_CLIENT)
			line[at + aw - 1] = '>';
		else
			line[at] = '<';
	} else if (row->kind == LADDER_ROW_EVENT) {
		/* The event sits on its side, spilling into the middle. */
		event_label(row->ev, label, sizeof label);
		if (row->side == LADDER_CLIENT && !row->changed[LADDER_CLIENT])
			field(line + tw + 1, SIDE_W + 1 + aw, label, false);
		else if (row->side == LADDER_CLIENT)
			field(line + at, aw, label, false);
		else if (!row->changed[LADDER_SERVER])
			field(line + at, aw + 1 + SIDE_W, label, true);
		else
			field(line + at, aw, label, true);
	}
	/* Trailing blanks go. */
	for (at = total; at > 0 && line[at - 1] == ' '; at--)
		;
	line[at] = '\0';
	return (size_t)snprintf(out, cap, "%s", line) < cap ? strlen(out) : cap - 1;
}

size_t ladder_format_header(const struct ladder *l, int width, char *out, size_t cap)
{
	char c[ADDR_TEXT_MAX + 8], s[ADDR_TEXT_MAX + 8], line[1024];
	int tw = time_width(width), aw = arrow_width(width);
	int total = tw + 1 + SIDE_W + 1 + aw + 1 + SIDE_W;
	struct sockaddr_storage ss;

	if (cap == 0)
		return 0;
	for (int side = 0; side < 2; side++) {
		const struct ladder_end *e = side ? &l->key.server : &l->key.client;
		char a[ADDR_TEXT_MAX];

		memset(&ss, 0, sizeof ss);
		if (e->family == AF_INET) {
			struct sockaddr_in *s4 = (void *)&ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, e->addr, 4);
			s4->sin_port = htons(e->port);
		} else {
			struct sockaddr_in6 *s6 = (void *)&ss;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, e->addr, 16);
			s6->sin6_port = htons(e->port);
		}
		addr_hostport((const void *)&ss, a, sizeof a);
		snprintf(side ? s : c, sizeof c, "%s %s", side ? "server" : "client", a);
	}
	if (total >= (int)sizeof line)
		total = (int)sizeof line - 1;
	memset(line, ' ', (size_t)total);
	line[total] = '\0';
	field(line + tw + 1, total - tw - 1, c, false);
	field(line + tw + 1 + (int)strlen(c) + 1, total - tw - 2 - (int)strlen(c), s, true);
	snprintf(out, cap, "%s", line);
	return strlen(out);
}
