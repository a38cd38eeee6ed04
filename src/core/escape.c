/*
 * escape: peer bytes made safe for a terminal or a JSON document.
 */
#include "socklab/escape.h"

#include <stdio.h>
#include <string.h>

size_t esc_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A valid sequence that is still not safe to draw: C1 controls (U+0080 to
 * U+009F, which some terminals obey as CSI and friends) and the bidi
 * overrides that can make a line lie about its order. */
static int unsafe_codepoint(const unsigned char *s, size_t len)
{
	if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 1;
	if (len == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] >= 0xaa && s[2] <= 0xae))
		return 1;
	if (len == 3 && s[0] == 0xe2 && s[1] == 0x81 && (s[2] >= 0xa6 && s[2] <= 0xa9))
		return 1;
	return 0;
}

size_t esc_text(const void *data, size_t n, char *out, size_t cap, size_t *used)
{
	const unsigned char *p = data;
	size_t i = 0, o = 0;

	if (cap == 0) {
		if (used)
			*used = 0;
		return 0;
	}
	while (i < n) {
		unsigned char c = p[i];
		char tmp[8];
		size_t tl, take = 1;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			tmp[0] = (char)c;
			tl = 1;
		} else if (c == '\\') {
			memcpy(tmp, "\\\\", 2);
			tl = 2;
		} else if (c == '\n') {
			memcpy(tmp, "\\n", 2);
			tl = 2;
		} else if (c == '\r') {
			memcpy(tmp, "\\r", 2);
			tl = 2;
		} else if (c == '\t') {
			memcpy(tmp, "\\t", 2);
			tl = 2;
		} else if (c >= 0x80 && (take = esc_utf8_len(p + i, n - i)) > 1 &&
			   !unsafe_codepoint(p + i, take)) {
			memcpy(tmp, p + i, take);
			tl = take;
		} else {
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
			tl = 4;
			take = 1;
		}
		if (o + tl >= cap)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
		i += take;
	}
	out[o] = '\0';
	if (used)
		*used = i;
	return o;
}

size_t esc_json(const void *data, size_t n, char *out, size_t cap)
{
	const unsigned char *p = data;
	size_t i = 0, o = 0;

	if (cap == 0)
		return 0;
	while (i < n) {
		unsigned char c = p[i];
		char tmp[8];
		size_t tl, take = 1;

		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			tl = 2;
		} else if (c == '\n') {
			memcpy(tmp, "\\n", 2);
			tl = 2;
		} else if (c == '\r') {
			memcpy(tmp, "\\r", 2);
			tl = 2;
		} else if (c == '\t') {
			memcpy(tmp, "\\t", 2);
			tl = 2;
		} else if (c >= 0x20 && c < 0x7f) {
			tmp[0] = (char)c;
			tl = 1;
		} else if (c >= 0x80 && (take = esc_utf8_len(p + i, n - i)) > 1) {
			memcpy(tmp, p + i, take);
			tl = take;
		} else {
			/* Control bytes and each byte of invalid UTF-8 as \u00NN:
			 * JSON cannot hold raw bytes, and this keeps them apart. */
			snprintf(tmp, sizeof tmp, "\\u%04x", c);
			tl = 6;
			take = 1;
		}
		if (o + tl >= cap)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
		i += take;
	}
	out[o] = '\0';
	return o;
}

size_t esc_hex(const void *data, size_t n, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t i;

	if (cap == 0)
		return 0;
	for (i = 0; i < n && 2 * i + 2 < cap; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * i] = '\0';
	return 2 * i;
}
