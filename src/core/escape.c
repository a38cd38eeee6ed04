/*
 * escape: peer bytes made safe for a terminal or a JSON document.
 */
#include "socklab/escape.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Set once by the front end, before any thread that formats text starts. */
static bool ascii_only;

void esc_set_ascii(bool on)
{
	ascii_only = on;
}

bool esc_ascii(void)
{
	return ascii_only;
}

bool esc_locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

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

/* The code point of the valid sequence s[0..len). */
static unsigned decode(const unsigned char *s, size_t len)
{
	static const unsigned char lead_mask[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	unsigned cp = s[0] & lead_mask[len];

	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* Characters that draw nothing or reorder what is around them, so that
 * "ho<U+200B>la" could pass for "hola" or a line lie about its order:
 * the bidi controls, zero-width and other format characters (Unicode's
 * Cf), the tag characters, and the line and paragraph separators. */
bool esc_is_invisible(unsigned cp)
{
	static const struct {
		unsigned lo, hi;
	} ranges[] = {
	    {0x00ad, 0x00ad},	{0x034f, 0x034f},   {0x0600, 0x0605},	{0x061c, 0x061c},
	    {0x06dd, 0x06dd},	{0x070f, 0x070f},   {0x08e2, 0x08e2},	{0x115f, 0x1160},
	    {0x17b4, 0x17b5},	{0x180b, 0x180f},   {0x200b, 0x200f},	{0x2028, 0x202e},
	    {0x2060, 0x206f},	{0x3164, 0x3164},   {0xfeff, 0xfeff},	{0xffa0, 0xffa0},
	    {0xfff9, 0xfffb},	{0x110bd, 0x110bd}, {0x110cd, 0x110cd}, {0x13430, 0x1343f},
	    {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a}, {0xe0000, 0xe007f},
	};

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return true;
	return false;
}

/* The two-character escapes both forms share: writes \\, \n, \r or \t
 * for c into tmp and returns 2, or returns 0 for any other byte. */
static size_t short_escape(unsigned char c, char tmp[2])
{
	static const char from[] = "\\\n\r\t", to[] = "\\nrt";
	const char *at = c != 0 ? strchr(from, c) : NULL;

	if (at == NULL)
		return 0;
	tmp[0] = '\\';
	tmp[1] = to[at - from];
	return 2;
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
		char tmp[16];
		size_t tl, take = 1;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			/* A run of printable ASCII, most of what peers send, goes
			 * over in one copy. */
			size_t run = 1;

			while (i + run < n && p[i + run] >= 0x20 && p[i + run] < 0x7f &&
			       p[i + run] != '\\')
				run++;
			if (run > cap - 1 - o)
				run = cap - 1 - o;
			memcpy(out + o, p + i, run);
			o += run;
			i += run;
			if (o + 1 >= cap)
				break;
			continue;
		} else if ((tl = short_escape(c, tmp)) > 0) {
			/* \\ \n \r \t */
		} else if (c >= 0x80 && !ascii_only && (take = esc_utf8_len(p + i, n - i)) > 1 &&
			   decode(p + i, take) >= 0xa0) {
			unsigned cp = decode(p + i, take);

			if (esc_is_invisible(cp)) {
				tl = (size_t)snprintf(tmp, sizeof tmp, "\\u{%04X}", cp);
			} else {
				memcpy(tmp, p + i, take);
				tl = take;
			}
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

		if (c == '"') {
			memcpy(tmp, "\\\"", 2);
			tl = 2;
		} else if ((tl = short_escape(c, tmp)) > 0) {
			/* \\ \n \r \t */
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

size_t esc_incomplete_tail(const void *data, size_t n)
{
	const unsigned char *p = data;

	/* A lead byte in the last three, with fewer continuation bytes after
	 * it than it announces, all of them continuations so far. */
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = p[n - k];
		size_t want;

		if ((c & 0xc0) == 0x80)
			continue;
		want = c >= 0xc2 && c <= 0xdf	? 2
		       : c >= 0xe0 && c <= 0xef ? 3
		       : c >= 0xf0 && c <= 0xf4 ? 4
						: 0;
		return want > k ? k : 0;
	}
	return 0;
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
