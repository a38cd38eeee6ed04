/*
 * proto: the command protocol of tutorial section 2 (see proto.h).
 */
#include "socklab/proto.h"

#include <stdbool.h>
#include <string.h>

/* Length of the whitespace character Python's str.strip() removes at s
 * (str.isspace: ASCII ones, U+0085, U+00A0, U+1680, U+2000..U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000), or 0. A UTF-8 lead byte never
 * continues an earlier sequence, so matching bytes decode as that char. */
static size_t py_space(const unsigned char *s, size_t n)
{
	if (n >= 1 &&
	    (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r') || (s[0] >= 0x1c && s[0] <= 0x1f)))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if ((s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) ||
	    (s[0] == 0xe2 && s[1] == 0x80 &&
	     ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf)) ||
	    (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) ||
	    (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80))
		return 3;
	return 0;
}

/* Length of the whitespace character that ends s[0..n), or 0. */
static size_t py_space_end(const unsigned char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++)
		if (py_space(s + n - k, k) == k)
			return k;
	return 0;
}

/* Length of the maximal invalid subpart at s (at least 1): what Python's
 * "replace" error handler turns into a single U+FFFD. */
static size_t invalid_run(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3;
	else
		return 1;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	for (i = 1; i <= need && i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	return i;
}

/* Copies a UTF-8 text, invalid parts replaced by U+FFFD. */
static size_t copy_replaced(const unsigned char *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		size_t k;

		if (s[i] < 0x80) {
			k = 1;
		} else {
			const unsigned char *p = s + i;
			unsigned c = p[0];
			size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			size_t bad = invalid_run(p, n - i);

			if (bad >= want) {
				k = want;
			} else {
				if (o + 3 > cap)
					break;
				memcpy(out + o, "\xef\xbf\xbd", 3);
				o += 3;
				i += bad;
				continue;
			}
		}
		if (o + k > cap)
			break;
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	return o;
}

static size_t put(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n > cap)
		n = cap;
	memcpy(out, s, n);
	return n;
}

size_t proto_reply(const char *line, size_t len, time_t now, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t o, k;

	while ((k = py_space(s, len)) > 0) {
		s += k;
		len -= k;
	}
	while ((k = py_space_end(s, len)) > 0)
		len -= k;

	if (len == 4 && memcmp(s, "PING", 4) == 0)
		return put(out, cap, "PONG\n");
	if (len >= 5 && memcmp(s, "ECHO ", 5) == 0) {
		if (cap == 0)
			return 0;
		o = copy_replaced(s + 5, len - 5, out, cap - 1);
		out[o++] = '\n';
		return o;
	}
	if (len == 4 && memcmp(s, "TIME", 4) == 0) {
		struct tm tm;
		char buf[64];

		localtime_r(&now, &tm);
		o = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S\n", &tm);
		buf[o] = '\0';
		return put(out, cap, buf);
	}
	return put(out, cap, "ERR\n");
}
