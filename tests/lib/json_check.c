/*
 * json_check: the tests' one strict JSON reader (see json_check.h): a
 * recursive-descent validator, a string decoder and member accessors.
 * Written apart from src/core/escape.c and event.c on purpose, with a
 * UTF-8 decoder of its own, so the escaper is checked against an
 * independent reader.
 */
#include "json_check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys remembered per object to catch duplicates; more are not checked. */
#define JSON_KEYS_MAX 64

struct json_p {
	const unsigned char *s;
	size_t n, i;
	int depth;
	char *why;
	size_t whycap;
};

static bool json_fail(struct json_p *p, const char *what)
{
	if (p->why != NULL && p->whycap > 0)
		snprintf(p->why, p->whycap, "%s at byte %zu", what, p->i);
	return false;
}

static void json_ws(struct json_p *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static int json_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool json_u4(const unsigned char *s, size_t n, uint32_t *v)
{
	*v = 0;
	if (n < 4)
		return false;
	for (int k = 0; k < 4; k++) {
		int h = json_hex(s[k]);

		if (h < 0)
			return false;
		*v = *v << 4 | (uint32_t)h;
	}
	return true;
}

size_t json_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len, i;
	uint32_t v;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static size_t json_put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Scans a string body from s up to its closing quote (or to n when
 * quoted is false). Returns the bytes consumed before the quote, or
 * (size_t)-1 when invalid. Decodes into out when out is not NULL. */
static size_t json_body(const unsigned char *s, size_t n, bool quoted, char *out, size_t *outlen)
{
	size_t i = 0, o = 0;

	for (;;) {
		uint32_t cp;
		size_t k;

		if (i == n)
			break;
		if (s[i] == '"') {
			if (quoted)
				break;
			return (size_t)-1;
		}
		if (s[i] < 0x20)
			return (size_t)-1;
		if (s[i] == '\\') {
			if (i + 1 >= n)
				return (size_t)-1;
			switch (s[i + 1]) {
			case '"':
				cp = '"';
				break;
			case '\\':
				cp = '\\';
				break;
			case '/':
				cp = '/';
				break;
			case 'b':
				cp = '\b';
				break;
			case 'f':
				cp = '\f';
				break;
			case 'n':
				cp = '\n';
				break;
			case 'r':
				cp = '\r';
				break;
			case 't':
				cp = '\t';
				break;
			case 'u':
				if (!json_u4(s + i + 2, n - i - 2, &cp))
					return (size_t)-1;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return (size_t)-1;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					uint32_t lo;

					if (i + 7 >= n || s[i + 6] != '\\' || s[i + 7] != 'u' ||
					    !json_u4(s + i + 8, n - i - 8, &lo) || lo < 0xdc00 ||
					    lo > 0xdfff)
						return (size_t)-1;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				i += 4;
				break;
			default:
				return (size_t)-1;
			}
			i += 2;
			if (out != NULL)
				o += json_put_utf8(cp, out + o);
			continue;
		}
		k = json_utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return (size_t)-1;
		if (out != NULL)
			memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	if (outlen != NULL)
		*outlen = o;
	if (quoted && i == n)
		return (size_t)-1;
	return i;
}

bool json_decode_body(const char *s, size_t n, char *out, size_t *outlen)
{
	return json_body((const unsigned char *)s, n, false, out, outlen) != (size_t)-1;
}

static bool json_string(struct json_p *p, size_t *start, size_t *len)
{
	size_t k;

	if (p->i >= p->n || p->s[p->i] != '"')
		return json_fail(p, "expected '\"'");
	p->i++;
	k = json_body(p->s + p->i, p->n - p->i, true, NULL, NULL);
	if (k == (size_t)-1)
		return json_fail(p, "bad string");
	if (start != NULL) {
		*start = p->i;
		*len = k;
	}
	p->i += k + 1;
	return true;
}

static bool json_digits(struct json_p *p)
{
	size_t at = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > at;
}

static bool json_number(struct json_p *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!json_digits(p))
		return json_fail(p, "bad number");
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!json_digits(p))
			return json_fail(p, "bad fraction");
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!json_digits(p))
			return json_fail(p, "bad exponent");
	}
	return true;
}

static bool json_word(struct json_p *p, const char *w)
{
	size_t k = strlen(w);

	if (p->n - p->i < k || memcmp(p->s + p->i, w, k) != 0)
		return json_fail(p, "bad literal");
	p->i += k;
	return true;
}

static bool json_value(struct json_p *p);

static bool json_object(struct json_p *p)
{
	size_t key_at[JSON_KEYS_MAX], key_len[JSON_KEYS_MAX];
	int keys = 0;

	p->i++;
	json_ws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return true;
	}
	for (;;) {
		size_t at, len;

		json_ws(p);
		if (!json_string(p, &at, &len))
			return false;
		for (int k = 0; k < keys; k++)
			if (key_len[k] == len && memcmp(p->s + key_at[k], p->s + at, len) == 0)
				return json_fail(p, "duplicate key");
		if (keys < JSON_KEYS_MAX) {
			key_at[keys] = at;
			key_len[keys] = len;
			keys++;
		}
		json_ws(p);
		if (p->i >= p->n || p->s[p->i] != ':')
			return json_fail(p, "expected ':'");
		p->i++;
		if (!json_value(p))
			return false;
		json_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			return true;
		}
		return json_fail(p, "expected ',' or '}'");
	}
}

static bool json_array(struct json_p *p)
{
	p->i++;
	json_ws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return true;
	}
	for (;;) {
		if (!json_value(p))
			return false;
		json_ws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			return true;
		}
		return json_fail(p, "expected ',' or ']'");
	}
}

static bool json_value(struct json_p *p)
{
	bool ok;

	json_ws(p);
	if (p->i >= p->n)
		return json_fail(p, "expected a value");
	if (++p->depth > JSON_CHECK_DEPTH)
		return json_fail(p, "nested too deep");
	switch (p->s[p->i]) {
	case '{':
		ok = json_object(p);
		break;
	case '[':
		ok = json_array(p);
		break;
	case '"':
		ok = json_string(p, NULL, NULL);
		break;
	case 't':
		ok = json_word(p, "true");
		break;
	case 'f':
		ok = json_word(p, "false");
		break;
	case 'n':
		ok = json_word(p, "null");
		break;
	default:
		ok = json_number(p);
		break;
	}
	p->depth--;
	return ok;
}

bool json_check(const char *s, size_t n, char *why, size_t whycap)
{
	struct json_p p = {(const unsigned char *)s, n, 0, 0, why, whycap};

	if (!json_value(&p))
		return false;
	json_ws(&p);
	if (p.i != n)
		return json_fail(&p, "trailing bytes");
	return true;
}

bool json_valid(const char *s, size_t n)
{
	return json_check(s, n, NULL, 0);
}

/* ---- accessors ---- */

bool json_get(const char *obj, size_t n, const char *key, const char **val, size_t *vlen)
{
	struct json_p p = {(const unsigned char *)obj, n, 0, 0, NULL, 0};
	size_t klen = strlen(key);

	json_ws(&p);
	if (p.i >= n || p.s[p.i] != '{')
		return false;
	p.i++;
	json_ws(&p);
	if (p.i < n && p.s[p.i] == '}')
		return false;
	for (;;) {
		size_t at, len, start;
		char name[256];
		size_t nlen;
		bool match;

		json_ws(&p);
		if (!json_string(&p, &at, &len))
			return false;
		match = len < sizeof name &&
			json_body(p.s + at, len, false, name, &nlen) != (size_t)-1 &&
			nlen == klen && memcmp(name, key, klen) == 0;
		json_ws(&p);
		if (p.i >= n || p.s[p.i] != ':')
			return false;
		p.i++;
		json_ws(&p);
		start = p.i;
		if (!json_value(&p))
			return false;
		if (match) {
			*val = obj + start;
			*vlen = p.i - start;
			return true;
		}
		json_ws(&p);
		if (p.i >= n || p.s[p.i] != ',')
			return false;
		p.i++;
	}
}

bool json_get_raw(const char *obj, size_t n, const char *key, char *out, size_t cap)
{
	const char *v;
	size_t vlen;

	if (!json_get(obj, n, key, &v, &vlen) || vlen >= cap)
		return false;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return true;
}

bool json_get_str(const char *obj, size_t n, const char *key, char *out, size_t cap)
{
	const char *v;
	size_t vlen, olen;

	if (!json_get(obj, n, key, &v, &vlen) || vlen < 2 || v[0] != '"' || vlen - 2 >= cap)
		return false;
	if (!json_decode_body(v + 1, vlen - 2, out, &olen))
		return false;
	out[olen] = '\0';
	return true;
}

enum json_type json_type(const char *v, size_t vlen)
{
	if (vlen == 0)
		return JSON_NONE;
	switch (v[0]) {
	case '{':
		return JSON_OBJECT;
	case '[':
		return JSON_ARRAY;
	case '"':
		return JSON_STRING;
	case 't':
	case 'f':
		return JSON_BOOL;
	case 'n':
		return JSON_NULL;
	default:
		for (size_t i = 0; i < vlen; i++)
			if (v[i] == '.' || v[i] == 'e' || v[i] == 'E')
				return JSON_NUMBER;
		return JSON_INTEGER;
	}
}

enum json_type json_member(const char *obj, size_t n, const char *key)
{
	const char *v;
	size_t vlen;

	if (!json_get(obj, n, key, &v, &vlen))
		return JSON_NONE;
	return json_type(v, vlen);
}

bool json_get_int(const char *obj, size_t n, const char *key, long long *out)
{
	char buf[32], *end;

	if (json_member(obj, n, key) != JSON_INTEGER || !json_get_raw(obj, n, key, buf, sizeof buf))
		return false;
	*out = strtoll(buf, &end, 10);
	return *end == '\0';
}

size_t json_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;

	return json_utf8_decode(s, n, &cp);
}
