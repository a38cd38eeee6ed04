/*
 * jsoncheck: a small, strict JSON reader for the tests (RFC 8259).
 *
 * json_valid says whether a text is exactly one JSON value: strings must be
 * valid UTF-8 with no raw control character, escapes must be well formed
 * (a \uD800-\uDBFF must be followed by a low surrogate), numbers follow the
 * grammar. json_get finds a member of an object by key, json_str decodes a
 * string value to UTF-8. It is written apart from src/core/escape.c on
 * purpose, so the escaper is checked against an independent reader.
 */
#ifndef SOCKLAB_TEST_JSONCHECK_H
#define SOCKLAB_TEST_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jc {
	const unsigned char *p, *end;
	int depth;
};

static inline bool jc_value(struct jc *j);

static inline void jc_ws(struct jc *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static inline int jc_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads \uXXXX (the backslash already taken); -1 when malformed. */
static inline long jc_u4(struct jc *j)
{
	long v = 0;

	if (j->end - j->p < 5 || j->p[0] != 'u')
		return -1;
	for (int i = 1; i <= 4; i++) {
		int h = jc_hex(j->p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	j->p += 5;
	return v;
}

/* Length of a well-formed UTF-8 sequence at s (Unicode table 3-7), 0 if none. */
static inline size_t jc_utf8(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	if (c == 0xed)
		hi = 0x9f;
	if (c == 0xf0)
		lo = 0x90;
	if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static inline size_t jc_put_utf8(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Reads a string; when out is not NULL, decodes it there (cap bytes, NUL
 * terminated) and sets *outlen. */
static inline bool jc_string_dec(struct jc *j, char *out, size_t cap, size_t *outlen)
{
	size_t o = 0;
	char tmp[4];

	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = *j->p;
		size_t k;

		if (c == '"') {
			j->p++;
			if (out) {
				out[o < cap ? o : cap - 1] = '\0';
				*outlen = o;
			}
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (j->p >= j->end)
				return false;
			c = *j->p;
			k = 1;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				tmp[0] = (char)c;
				break;
			case 'b':
				tmp[0] = '\b';
				break;
			case 'f':
				tmp[0] = '\f';
				break;
			case 'n':
				tmp[0] = '\n';
				break;
			case 'r':
				tmp[0] = '\r';
				break;
			case 't':
				tmp[0] = '\t';
				break;
			case 'u': {
				long cp = jc_u4(j), lo;

				if (cp < 0 || (cp >= 0xdc00 && cp <= 0xdfff))
					return false;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (j->p >= j->end || *j->p != '\\')
						return false;
					j->p++;
					lo = jc_u4(j);
					if (lo < 0xdc00 || lo > 0xdfff)
						return false;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				k = jc_put_utf8((unsigned long)cp, tmp);
				j->p--; /* the loop's step below */
				break;
			}
			default:
				return false;
			}
			j->p++;
		} else {
			k = jc_utf8(j->p, (size_t)(j->end - j->p));
			if (k == 0)
				return false;
			memcpy(tmp, j->p, k);
			j->p += k;
		}
		if (out && o + k < cap)
			memcpy(out + o, tmp, k);
		o += k;
	}
	return false;
}

static inline bool jc_number(struct jc *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end)
		return false;
	if (*j->p == '0') {
		j->p++;
	} else if (*j->p >= '1' && *j->p <= '9') {
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	} else {
		return false;
	}
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || *j->p < '0' || *j->p > '9')
			return false;
		while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static inline bool jc_lit(struct jc *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static inline bool jc_container(struct jc *j, bool object)
{
	char close = object ? '}' : ']';

	if (++j->depth > 64)
		return false;
	j->p++;
	jc_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		jc_ws(j);
		if (object) {
			if (!jc_string_dec(j, NULL, 0, NULL))
				return false;
			jc_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return false;
			j->p++;
			jc_ws(j);
		}
		if (!jc_value(j))
			return false;
		jc_ws(j);
		if (j->p >= j->end)
			return false;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != close)
			return false;
		j->p++;
		j->depth--;
		return true;
	}
}

static inline bool jc_value(struct jc *j)
{
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return jc_container(j, true);
	case '[':
		return jc_container(j, false);
	case '"':
		return jc_string_dec(j, NULL, 0, NULL);
	case 't':
		return jc_lit(j, "true");
	case 'f':
		return jc_lit(j, "false");
	case 'n':
		return jc_lit(j, "null");
	default:
		return jc_number(j);
	}
}

/* True when s[0..n) is exactly one JSON value (surrounding spaces allowed). */
static inline bool json_valid(const char *s, size_t n)
{
	struct jc j = {(const unsigned char *)s, (const unsigned char *)s + n, 0};

	jc_ws(&j);
	if (!jc_value(&j))
		return false;
	jc_ws(&j);
	return j.p == j.end;
}

/* Finds member key of the object text obj (assumed valid). Sets *val and
 * *vlen to the value's text; false when there is no such member. */
static inline bool json_get(const char *obj, size_t n, const char *key, const char **val,
			    size_t *vlen)
{
	struct jc j = {(const unsigned char *)obj, (const unsigned char *)obj + n, 0};
	char name[256];
	size_t nlen;

	jc_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return false;
	j.p++;
	for (;;) {
		const unsigned char *start;

		jc_ws(&j);
		if (!jc_string_dec(&j, name, sizeof name, &nlen))
			return false;
		jc_ws(&j);
		if (j.p >= j.end || *j.p != ':')
			return false;
		j.p++;
		jc_ws(&j);
		start = j.p;
		if (!jc_value(&j))
			return false;
		if (strcmp(name, key) == 0) {
			*val = (const char *)start;
			*vlen = (size_t)(j.p - start);
			return true;
		}
		jc_ws(&j);
		if (j.p >= j.end || *j.p != ',')
			return false;
		j.p++;
	}
}

/* The string member key of obj decoded into out; false when absent or not
 * a string. */
static inline bool json_get_str(const char *obj, size_t n, const char *key, char *out, size_t cap)
{
	const char *v;
	size_t vlen, olen;
	struct jc j;

	if (!json_get(obj, n, key, &v, &vlen) || v[0] != '"')
		return false;
	j.p = (const unsigned char *)v;
	j.end = j.p + vlen;
	j.depth = 0;
	return jc_string_dec(&j, out, cap, &olen);
}

/* The member key of obj as raw text ("123", "true", {...}) in out. */
static inline bool json_get_raw(const char *obj, size_t n, const char *key, char *out, size_t cap)
{
	const char *v;
	size_t vlen;

	if (!json_get(obj, n, key, &v, &vlen) || vlen >= cap)
		return false;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return true;
}

#endif
