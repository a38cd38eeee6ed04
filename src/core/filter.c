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
#include <stddef.h>
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
	vsnprintf(err, cap, msg_tr(fmt), ap);
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
	/* Words for a class of kinds, then each kind by its name. */
	static const struct {
		const char *word;
		unsigned class;
	} classes[] = {
	    {"in", EVENT_CLASS_IN}, {"out", EVENT_CLASS_OUT}, {"data", EVENT_CLASS_DATA}};
	uint32_t bits = 0;

	for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
		if (same_word(s, n, classes[i].word))
			for (int k = 0; k < EV_KIND_COUNT; k++)
				if (event_kind_class((enum event_kind)k) & classes[i].class)
					bits |= 1u << k;
	if (bits != 0)
		return bits;
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

/* ---- the keys: each one's value parser, matcher and text form ---- */

static bool peer_match(const struct filter_addr *want, const struct event *ev);
static bool text_match(const struct filter *f, const struct event *ev);
static void put_peer(struct strbuf *o, const struct filter_addr *a);

/* Adds one comma-separated value v (n bytes; s is it made safe to show).
 * Returns 0, or -1 with a message. */
typedef int key_add_fn(struct filter *f, const char *v, size_t n, const char *s, char *err,
		       size_t errcap);

static int add_server(struct filter *f, const char *v, size_t n, const char *s, char *err,
		      size_t errcap)
{
	unsigned long x;

	if (!parse_uint(v, n, 0xffffffffUL, &x)) {
		say(err, errcap, MSG_FILTER_BAD_SERVER, s);
		return -1;
	}
	f->server[f->nserver++] = (unsigned)x;
	return 0;
}

static int add_port(struct filter *f, const char *v, size_t n, const char *s, char *err,
		    size_t errcap)
{
	unsigned long x;

	if (!parse_uint(v, n, 65535, &x)) {
		say(err, errcap, MSG_FILTER_BAD_PORT, s);
		return -1;
	}
	f->port[f->nport++] = (uint16_t)x;
	return 0;
}

static int add_peer(struct filter *f, const char *v, size_t n, const char *s, char *err,
		    size_t errcap)
{
	if (!parse_peer(v, n, &f->peer[f->npeer])) {
		say(err, errcap, MSG_FILTER_BAD_PEER, s);
		return -1;
	}
	f->npeer++;
	return 0;
}

static int add_kind(struct filter *f, const char *v, size_t n, const char *s, char *err,
		    size_t errcap)
{
	uint32_t bits = kind_bits(v, n);

	if (bits == 0) {
		say(err, errcap, MSG_FILTER_BAD_KIND, s);
		return -1;
	}
	f->kinds |= bits;
	return 0;
}

static int add_transport(struct filter *f, const char *v, size_t n, const char *s, char *err,
			 size_t errcap)
{
	enum transport t;
	char name[16];

	if (n < sizeof name && memchr(v, '\0', n) == NULL) {
		for (size_t i = 0; i < n; i++)
			name[i] = (char)lower((unsigned char)v[i]);
		name[n] = '\0';
		if (transport_from_name(name, &t) == 0) {
			f->transports |= 1u << t;
			return 0;
		}
	}
	say(err, errcap, MSG_FILTER_BAD_TRANSPORT, s);
	return -1;
}

static bool match_server(const struct filter *f, const struct event *ev)
{
	for (unsigned i = 0; i < f->nserver; i++)
		if (f->server[i] == ev->server)
			return true;
	return false;
}

static bool match_peer(const struct filter *f, const struct event *ev)
{
	for (unsigned i = 0; i < f->npeer; i++)
		if (peer_match(&f->peer[i], ev))
			return true;
	return false;
}

static bool match_port(const struct filter *f, const struct event *ev)
{
	uint16_t lp = ev->has_local ? addr_port((const void *)&ev->local) : 0;
	uint16_t pp = ev->has_peer ? addr_port((const void *)&ev->peer) : 0;

	for (unsigned i = 0; i < f->nport; i++)
		if ((ev->has_local && lp == f->port[i]) || (ev->has_peer && pp == f->port[i]))
			return true;
	return false;
}

static bool match_kind(const struct filter *f, const struct event *ev)
{
	return (unsigned)ev->kind < EV_KIND_COUNT && (f->kinds & 1u << ev->kind);
}

static bool match_transport(const struct filter *f, const struct event *ev)
{
	return (unsigned)ev->transport < TRANSPORT_COUNT && (f->transports & 1u << ev->transport);
}

static void format_server(struct strbuf *o, const struct filter *f)
{
	for (unsigned i = 0; i < f->nserver; i++)
		strbuf_fmt(o, "%s%u", i ? "," : "", f->server[i]);
}

static void format_peer(struct strbuf *o, const struct filter *f)
{
	for (unsigned i = 0; i < f->npeer; i++) {
		if (i)
			strbuf_fmt(o, ",");
		put_peer(o, &f->peer[i]);
	}
}

static void format_port(struct strbuf *o, const struct filter *f)
{
	for (unsigned i = 0; i < f->nport; i++)
		strbuf_fmt(o, "%s%u", i ? "," : "", f->port[i]);
}

static void format_kind(struct strbuf *o, const struct filter *f)
{
	bool first = true;

	for (int k = 0; k < EV_KIND_COUNT; k++)
		if (f->kinds & 1u << k) {
			strbuf_fmt(o, "%s%s", first ? "" : ",",
				   event_kind_name((enum event_kind)k));
			first = false;
		}
}

static void format_transport(struct strbuf *o, const struct filter *f)
{
	bool first = true;

	for (int t = 0; t < TRANSPORT_COUNT; t++)
		if (f->transports & 1u << t) {
			strbuf_fmt(o, "%s%s", first ? "" : ",", transport_name((enum transport)t));
			first = false;
		}
}

static void format_text(struct strbuf *o, const struct filter *f)
{
	strbuf_fmt(o, "\"");
	for (size_t i = 0; i < f->text_len; i++) {
		int c = f->text[i];

		if (c == '"' || c == '\\')
			strbuf_fmt(o, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			strbuf_fmt(o, "%c", c);
		else
			strbuf_fmt(o, "\\x%02x", c);
	}
	strbuf_fmt(o, "\"");
}

/* In the order filter_format writes them. add is NULL for text, whose
 * value is taken whole (commas included); count, where there is one, is
 * the term's list of alternatives. */
static const struct key_def {
	unsigned key;
	const char *name, *alias;
	key_add_fn *add;
	size_t count; /* offsetof the unsigned count in struct filter; 0: none */
	bool (*match)(const struct filter *f, const struct event *ev);
	void (*format)(struct strbuf *o, const struct filter *f);
} key_defs[] = {
    {FILTER_SERVER, "server", NULL, add_server, offsetof(struct filter, nserver), match_server,
     format_server},
    {FILTER_PEER, "peer", NULL, add_peer, offsetof(struct filter, npeer), match_peer, format_peer},
    {FILTER_PORT, "port", NULL, add_port, offsetof(struct filter, nport), match_port, format_port},
    {FILTER_KIND, "kind", NULL, add_kind, 0, match_kind, format_kind},
    {FILTER_TRANSPORT, "transport", "proto", add_transport, 0, match_transport, format_transport},
    {FILTER_TEXT, "text", NULL, NULL, 0, text_match, format_text},
};
#define NKEYS (sizeof key_defs / sizeof key_defs[0])

static const struct key_def *key_from(const char *s, size_t n)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (same_word(s, n, key_defs[i].name) ||
		    (key_defs[i].alias != NULL && same_word(s, n, key_defs[i].alias)))
			return &key_defs[i];
	return NULL;
}

/* One comma-separated value of a key (never text). */
static int add_value(struct filter *f, const struct key_def *k, const char *v, size_t n, char *err,
		     size_t errcap)
{
	char s[200];

	shown(v, n, s, sizeof s);
	if (k->count != 0 && *(unsigned *)(void *)((char *)f + k->count) == FILTER_ALT_MAX) {
		say(err, errcap, MSG_FILTER_TOO_MANY, k->name, FILTER_ALT_MAX);
		return -1;
	}
	return k->add(f, v, n, s, err, errcap);
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
		const struct key_def *key;
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
		if (key == NULL) {
			shown(term, klen, s, sizeof s);
			say(err, errcap, MSG_FILTER_UNKNOWN_KEY, s);
			goto fail;
		}
		if (f->keys & key->key) {
			say(err, errcap, MSG_FILTER_TWICE, key->name, key->name);
			goto fail;
		}
		p = eq + 1;
		n = decode_value(&p, value, term, (size_t)(p - term), err, errcap);
		if (n < 0)
			goto fail;
		if (n == 0) {
			say(err, errcap, MSG_FILTER_EMPTY, key->name);
			goto fail;
		}
		f->keys |= key->key;
		if (key->add == NULL) { /* text: the value whole */
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
	for (size_t i = 0; i < NKEYS; i++)
		if ((f->keys & key_defs[i].key) && !key_defs[i].match(f, ev))
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
	for (size_t i = 0; i < NKEYS; i++) {
		if (!(f->keys & key_defs[i].key))
			continue;
		strbuf_fmt(&o, "%s%s=", o.len ? " " : "", key_defs[i].name);
		key_defs[i].format(&o, f);
	}
	return o.len;
}
