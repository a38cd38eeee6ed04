/*
 * filter: the event filter expression, parsed into a struct filter and
 * matched against events (see filter.h for the grammar).
 *
 * The parser walks the expression once: a term is KEY=VALUE up to the next
 * unquoted blank; the value is decoded (quotes and escapes) into a bounded
 * buffer, then split on commas for every key but text. Peers are compared
 * in a normal form where an IPv4-mapped IPv6 address is its IPv4 address,
 * so peer=127.0.0.1 finds the dual-stack server's ::ffff:127.0.0.1 peers.
 */
#include "socklab/filter.h"
#include "socklab/strbuf.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/msg.h"
#include "socklab/num.h"
#include "socklab/spec.h"

#define VALUE_MAX 1024 /* decoded bytes of one value */

static void say(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

/* What a person typed, made safe to show and short enough for a message. */
static void shown(const void *s, size_t n, char *out, size_t cap)
{
	size_t used;
	size_t len = esc_text(s, n < 48 ? n : 48, out, cap, &used);

	if ((used < n || n > 48) && len + 4 <= cap)
		memcpy(out + len, "...", 4);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool same_word(const char *a, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n && word[i]; i++)
		if (lower((unsigned char)a[i]) != word[i])
			return false;
	return i == n && word[i] == '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Digits only, at most max. */
static bool parse_uint(const char *s, size_t n, unsigned long max, unsigned long *v)
{
	uint64_t x;

	if (num_parse_un(s, n, 0, max, &x) != NUM_OK)
		return false;
	*v = (unsigned long)x;
	return true;
}

static void norm_sockaddr(const struct sockaddr_storage *ss, struct filter_addr *a)
{
	memset(a, 0, sizeof *a);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		a->family = AF_INET;
		memcpy(a->addr, &s4->sin_addr, 4);
		a->port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		a->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			a->family = AF_INET;
			memcpy(a->addr, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->family = AF_INET6;
			memcpy(a->addr, &s6->sin6_addr, 16);
			a->scope_id = s6->sin6_scope_id;
		}
	} else {
		a->family = AF_UNSPEC;
	}
	a->has_port = true;
}

/* ADDR, ADDR:PORT (IPv4), [ADDR]:PORT, [ADDR] or PORT. */
static bool parse_peer(const char *v, size_t n, struct filter_addr *a)
{
	char host[VALUE_MAX + 1], e[128];
	const char *port = NULL;
	size_t hn = n, pn = 0;
	unsigned long p;
	struct sockaddr_storage ss;
	const char *colon = memchr(v, ':', n);

	memset(a, 0, sizeof *a);
	if (memchr(v, '\0', n) != NULL)
		return false;
	if (parse_uint(v, n, 65535, &p)) {
		a->family = AF_UNSPEC;
		a->has_port = true;
		a->port = (uint16_t)p;
		return true;
	}
	if (n > 0 && v[0] == '[') {
		const char *close = memchr(v, ']', n);
		size_t after;

		if (close == NULL)
			return false;
		hn = (size_t)(close - v) - 1;
		after = n - (size_t)(close - v) - 1;
		if (after > 0) {
			if (close[1] != ':')
				return false;
			port = close + 2;
			pn = after - 1;
		}
		v++;
	} else if (colon != NULL && memchr(colon + 1, ':', n - (size_t)(colon - v) - 1) == NULL) {
		hn = (size_t)(colon - v);
		port = colon + 1;
		pn = n - hn - 1;
	}
	if (hn == 0 || hn >= sizeof host)
		return false;
	memcpy(host, v, hn);
	host[hn] = '\0';
	if (addr_parse_numeric(host, 0, AF_UNSPEC, &ss, e, sizeof e) < 0)
		return false;
	norm_sockaddr(&ss, a);
	a->has_port = false;
	a->port = 0;
	if (port != NULL) {
		if (!parse_uint(port, pn, 65535, &p))
			return false;
		a->has_port = true;
		a->port = (uint16_t)p;
	}
	return true;
}

static uint32_t kind_bits(const char *s, size_t n)
{
	const uint32_t in = 1u << EV_RECV | 1u << EV_DGRAM_IN;
	const uint32_t out = 1u << EV_SEND | 1u << EV_DGRAM_OUT;

	if (same_word(s, n, "in"))
		return in;
	if (same_word(s, n, "out"))
		return out;
	if (same_word(s, n, "data"))
		return in | out;
	for (int k = 0; k < EV_KIND_COUNT; k++)
		if (same_word(s, n, event_kind_name((enum event_kind)k)))
			return 1u << k;
	return 0;
}

/* Decodes the value starting at *pp (quotes, escapes) up to an unquoted
 * blank. Returns its length, or -1 with a message. */
static long decode_value(const char **pp, uint8_t *out, const char *term, size_t termlen, char *err,
			 size_t errcap)
{
	const char *p = *pp;
	bool quoted = false;
	size_t n = 0;
	char s[200];

	for (; *p && (quoted || (*p != ' ' && *p != '\t')); p++) {
		int c = (unsigned char)*p;

		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\') {
			int h, l;

			switch (p[1]) {
			case '\\':
			case '"':
				c = p[1];
				p++;
				break;
			case 'n':
				c = '\n';
				p++;
				break;
			case 'r':
				c = '\r';
				p++;
				break;
			case 't':
				c = '\t';
				p++;
				break;
			case 'x':
				h = hexval((unsigned char)p[2]);
				l = h < 0 ? -1 : hexval((unsigned char)p[3]);
				if (l < 0)
					goto bad_escape;
				c = h * 16 + l;
				p += 3;
				break;
			default:
				goto bad_escape;
			}
		}
		if (n == VALUE_MAX) {
			shown(term, termlen, s, sizeof s);
			say(err, errcap, MSG_FILTER_TOO_LONG, s, VALUE_MAX);
			return -1;
		}
		out[n++] = (uint8_t)c;
	}
	if (quoted) {
		shown(term, strlen(term), s, sizeof s);
		say(err, errcap, MSG_FILTER_BAD_QUOTE, s);
		return -1;
	}
	*pp = p;
	return (long)n;
bad_escape:
	shown(term, strcspn(term, " \t"), s, sizeof s);
	say(err, errcap, MSG_FILTER_BAD_ESCAPE, s);
	return -1;
}

static const char *key_name(unsigned key)
{
	switch (key) {
	case FILTER_SERVER:
		return "server";
	case FILTER_PEER:
		return "peer";
	case FILTER_PORT:
		return "port";
	case FILTER_KIND:
		return "kind";
	case FILTER_TRANSPORT:
		return "transport";
	default:
		return "text";
	}
}

static unsigned key_from(const char *s, size_t n)
{
	static const unsigned keys[] = {FILTER_SERVER, FILTER_PEER,	 FILTER_PORT,
					FILTER_KIND,   FILTER_TRANSPORT, FILTER_TEXT};

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (same_word(s, n, key_name(keys[i])))
			return keys[i];
	if (same_word(s, n, "proto"))
		return FILTER_TRANSPORT;
	return 0;
}

/* One comma-separated value of a key (never text). */
static int add_value(struct filter *f, unsigned key, const char *v, size_t n, char *err,
		     size_t errcap)
{
	char s[200];
	unsigned long x;
	unsigned *count = key == FILTER_SERVER ? &f->nserver
			  : key == FILTER_PEER ? &f->npeer
			  : key == FILTER_PORT ? &f->nport
					       : NULL;
	uint32_t bits;
	enum transport t;
	char name[16];

	shown(v, n, s, sizeof s);
	if (count != NULL && *count == FILTER_ALT_MAX) {
		say(err, errcap, MSG_FILTER_TOO_MANY, key_name(key), FILTER_ALT_MAX);
		return -1;
	}
	switch (key) {
	case FILTER_SERVER:
		if (!parse_uint(v, n, 0xffffffffUL, &x)) {
			say(err, errcap, MSG_FILTER_BAD_SERVER, s);
			return -1;
		}
		f->server[f->nserver++] = (unsigned)x;
		return 0;
	case FILTER_PORT:
		if (!parse_uint(v, n, 65535, &x)) {
			say(err, errcap, MSG_FILTER_BAD_PORT, s);
			return -1;
		}
		f->port[f->nport++] = (uint16_t)x;
		return 0;
	case FILTER_PEER:
		if (!parse_peer(v, n, &f->peer[f->npeer])) {
			say(err, errcap, MSG_FILTER_BAD_PEER, s);
			return -1;
		}
		f->npeer++;
		return 0;
	case FILTER_KIND:
		bits = kind_bits(v, n);
		if (bits == 0) {
			say(err, errcap, MSG_FILTER_BAD_KIND, s);
			return -1;
		}
		f->kinds |= bits;
		return 0;
	default: /* FILTER_TRANSPORT */
		if (n >= sizeof name || memchr(v, '\0', n) != NULL)
			goto bad_transport;
		for (size_t i = 0; i < n; i++)
			name[i] = (char)lower((unsigned char)v[i]);
		name[n] = '\0';
		if (transport_from_name(name, &t) < 0)
			goto bad_transport;
		f->transports |= 1u << t;
		return 0;
	}
bad_transport:
	say(err, errcap, MSG_FILTER_BAD_TRANSPORT, s);
	return -1;
}

int filter_parse(const char *expr, struct filter *f, char *err, size_t errcap)
{
	const char *p = expr;
	uint8_t value[VALUE_MAX];
	char s[200];

	memset(f, 0, sizeof *f);
	if (errcap > 0)
		err[0] = '\0';
	for (;;) {
		const char *term, *eq;
		size_t klen;
		unsigned key;
		long n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		term = p;
		klen = strcspn(p, "= \t");
		eq = p + klen;
		if (*eq != '=') {
			shown(term, klen, s, sizeof s);
			say(err, errcap, MSG_FILTER_NOT_PAIR, s);
			goto fail;
		}
		key = key_from(term, klen);
		if (key == 0) {
			shown(term, klen, s, sizeof s);
			say(err, errcap, MSG_FILTER_UNKNOWN_KEY, s);
			goto fail;
		}
		if (f->keys & key) {
			say(err, errcap, MSG_FILTER_TWICE, key_name(key), key_name(key));
			goto fail;
		}
		p = eq + 1;
		n = decode_value(&p, value, term, (size_t)(p - term), err, errcap);
		if (n < 0)
			goto fail;
		if (n == 0) {
			say(err, errcap, MSG_FILTER_EMPTY, key_name(key));
			goto fail;
		}
		f->keys |= key;
		if (key == FILTER_TEXT) {
			if ((size_t)n > FILTER_TEXT_MAX) {
				say(err, errcap, MSG_FILTER_TOO_LONG, "text", FILTER_TEXT_MAX);
				goto fail;
			}
			memcpy(f->text, value, (size_t)n);
			f->text_len = (size_t)n;
			continue;
		}
		for (size_t i = 0; i <= (size_t)n;) {
			const uint8_t *c = memchr(value + i, ',', (size_t)n - i);
			size_t end = c ? (size_t)(c - value) : (size_t)n;

			if (add_value(f, key, (const char *)value + i, end - i, err, errcap) < 0)
				goto fail;
			i = end + 1;
		}
	}
fail:
	memset(f, 0, sizeof *f);
	return -1;
}

bool filter_empty(const struct filter *f)
{
	return f->keys == 0;
}

static bool peer_match(const struct filter_addr *want, const struct event *ev)
{
	struct filter_addr a;
	size_t len;

	if (!ev->has_peer)
		return false;
	norm_sockaddr(&ev->peer, &a);
	if (want->has_port && want->port != a.port)
		return false;
	if (want->family == AF_UNSPEC)
		return true;
	if (want->family != a.family)
		return false;
	if (want->scope_id != 0 && want->scope_id != a.scope_id)
		return false;
	len = want->family == AF_INET ? 4 : 16;
	return memcmp(want->addr, a.addr, len) == 0;
}

static bool text_match(const struct filter *f, const struct event *ev)
{
	size_t n = ev->preview_len <= EVENT_PREVIEW_MAX ? ev->preview_len : EVENT_PREVIEW_MAX;

	if (f->text_len > n)
		return false;
	for (size_t i = 0; i + f->text_len <= n; i++) {
		size_t k = 0;

		while (k < f->text_len && lower(ev->preview[i + k]) == lower(f->text[k]))
			k++;
		if (k == f->text_len)
			return true;
	}
	return false;
}

bool filter_match(const struct filter *f, const struct event *ev)
{
	if (f->keys & FILTER_SERVER) {
		unsigned i;

		for (i = 0; i < f->nserver && f->server[i] != ev->server; i++)
			;
		if (i == f->nserver)
			return false;
	}
	if ((f->keys & FILTER_KIND) &&
	    ((unsigned)ev->kind >= EV_KIND_COUNT || !(f->kinds & 1u << ev->kind)))
		return false;
	if ((f->keys & FILTER_TRANSPORT) &&
	    ((unsigned)ev->transport >= TRANSPORT_COUNT || !(f->transports & 1u << ev->transport)))
		return false;
	if (f->keys & FILTER_PORT) {
		uint16_t lp = ev->has_local ? addr_port((const void *)&ev->local) : 0;
		uint16_t pp = ev->has_peer ? addr_port((const void *)&ev->peer) : 0;
		unsigned i;

		for (i = 0; i < f->nport; i++)
			if ((ev->has_local && lp == f->port[i]) ||
			    (ev->has_peer && pp == f->port[i]))
				break;
		if (i == f->nport)
			return false;
	}
	if (f->keys & FILTER_PEER) {
		unsigned i;

		for (i = 0; i < f->npeer && !peer_match(&f->peer[i], ev); i++)
			;
		if (i == f->npeer)
			return false;
	}
	if ((f->keys & FILTER_TEXT) && !text_match(f, ev))
		return false;
	return true;
}

/* ---- back to text ---- */

static void put_peer(struct strbuf *o, const struct filter_addr *a)
{
	char host[INET6_ADDRSTRLEN];
	char scope[16] = "";

	if (a->family == AF_UNSPEC) {
		strbuf_fmt(o, "%u", a->port);
		return;
	}
	inet_ntop(a->family, a->addr, host, sizeof host);
	if (a->scope_id)
		snprintf(scope, sizeof scope, "%%%u", a->scope_id);
	if (a->family == AF_INET6 && a->has_port)
		strbuf_fmt(o, "[%s%s]:%u", host, scope, a->port);
	else if (a->has_port)
		strbuf_fmt(o, "%s:%u", host, a->port);
	else
		strbuf_fmt(o, "%s%s", host, scope);
}

size_t filter_format(const struct filter *f, char *out, size_t cap)
{
	struct strbuf o = {out, 0, cap};

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (f->keys & FILTER_SERVER) {
		strbuf_fmt(&o, "server=");
		for (unsigned i = 0; i < f->nserver; i++)
			strbuf_fmt(&o, "%s%u", i ? "," : "", f->server[i]);
	}
	if (f->keys & FILTER_PEER) {
		strbuf_fmt(&o, "%speer=", o.len ? " " : "");
		for (unsigned i = 0; i < f->npeer; i++) {
			if (i)
				strbuf_fmt(&o, ",");
			put_peer(&o, &f->peer[i]);
		}
	}
	if (f->keys & FILTER_PORT) {
		strbuf_fmt(&o, "%sport=", o.len ? " " : "");
		for (unsigned i = 0; i < f->nport; i++)
			strbuf_fmt(&o, "%s%u", i ? "," : "", f->port[i]);
	}
	if (f->keys & FILTER_KIND) {
		bool first = true;

		strbuf_fmt(&o, "%skind=", o.len ? " " : "");
		for (int k = 0; k < EV_KIND_COUNT; k++)
			if (f->kinds & 1u << k) {
				strbuf_fmt(&o, "%s%s", first ? "" : ",",
				    event_kind_name((enum event_kind)k));
				first = false;
			}
	}
	if (f->keys & FILTER_TRANSPORT) {
		bool first = true;

		strbuf_fmt(&o, "%stransport=", o.len ? " " : "");
		for (int t = 0; t < TRANSPORT_COUNT; t++)
			if (f->transports & 1u << t) {
				strbuf_fmt(&o, "%s%s", first ? "" : ",",
				    transport_name((enum transport)t));
				first = false;
			}
	}
	if (f->keys & FILTER_TEXT) {
		strbuf_fmt(&o, "%stext=\"", o.len ? " " : "");
		for (size_t i = 0; i < f->text_len; i++) {
			int c = f->text[i];

			if (c == '"' || c == '\\')
				strbuf_fmt(&o, "\\%c", c);
			else if (c >= 0x20 && c < 0x7f)
				strbuf_fmt(&o, "%c", c);
			else
				strbuf_fmt(&o, "\\x%02x", c);
		}
		strbuf_fmt(&o, "\"");
	}
	return o.len;
}
