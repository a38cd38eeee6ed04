/*
 * fuzz_proto: the command protocol (proto_reply) on arbitrary lines.
 *
 * Input: 1 byte picking the output cap, 5 bytes of time, then the line.
 * With the documented cap (3 * len + 32) the reply always ends with '\n',
 * is valid UTF-8 and matches the protocol: PONG, ERR, a time stamp or the
 * ECHO text (unchanged when it is valid UTF-8). With a smaller cap it
 * still never writes past the cap (the buffer is exactly cap bytes, so
 * ASan sees any overrun).
 */
#include <string.h>
#include <time.h>

#include "fuzz_util.h"
#include "socklab/proto.h"

/* What Python's str.isspace() is true for: str.strip() removes these. */
static bool py_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || (cp >= 0x1c && cp <= 0x1f) ||
	       cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Bytes of the whitespace character that starts at s[a], 0 if none. */
static size_t space_at(const unsigned char *s, size_t a, size_t b)
{
	uint32_t cp;
	size_t k = fuzz_utf8_decode(s + a, b - a, &cp);

	return k > 0 && py_space(cp) ? k : 0;
}

/* Bytes of the whitespace character that ends at s[b - 1], 0 if none. A
 * valid sequence at the end always decodes as itself: whatever comes
 * before it stops at its lead byte. */
static size_t space_before(const unsigned char *s, size_t a, size_t b)
{
	for (size_t k = 1; k <= 4 && k <= b - a; k++) {
		uint32_t cp;

		if (fuzz_utf8_decode(s + b - k, k, &cp) == k)
			return py_space(cp) ? k : 0;
	}
	return 0;
}

static bool is_timestamp(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd\n";

	if (n < sizeof shape - 1)
		return false;
	/* The year may have more than four digits far in the future. */
	for (size_t i = 0, j = 0; i < n; i++, j++) {
		if (shape[j] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return false;
			if (j == 0)
				while (i + 4 < n && s[i + 4] >= '0' && s[i + 4] <= '9')
					i++;
		} else if (s[i] != shape[j]) {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t capsel = fuzz_u8(&in);
	/* Up to ~1100 years from the epoch: localtime_r always succeeds. */
	time_t now = (time_t)(fuzz_u32(&in) | (uint64_t)(fuzz_u8(&in) & 7) << 32);
	char *line = fuzz_strndup(in.p, in.n);
	size_t len = in.n, full = 3 * len + 32, cap, n;
	const unsigned char *s = (const unsigned char *)line;
	size_t a = 0, b = len;
	char *out;

	cap = capsel < 0x80 ? full : capsel & 0x7f;
	out = malloc(cap ? cap : 1);
	if (out == NULL)
		abort();
	n = proto_reply(line, len, now, out, cap);
	FUZZ_CHECK(n <= cap);
	if (cap < full) {
		free(out);
		free(line);
		return 0;
	}

	FUZZ_CHECK(n > 0 && out[n - 1] == '\n');
	/* The line from the framer has no '\n'; then neither has the reply
	 * but for its end. */
	FUZZ_CHECK(memchr(out, '\n', n - 1) == NULL || memchr(s, '\n', len) != NULL);
	FUZZ_CHECK(fuzz_utf8_valid(out, n));

	/* line.strip() after decode("utf-8", "replace"), as the tutorial. */
	for (size_t k; a < b && (k = space_at(s, a, b)) > 0;)
		a += k;
	for (size_t k; b > a && (k = space_before(s, a, b)) > 0;)
		b -= k;
	if (b - a == 4 && memcmp(s + a, "PING", 4) == 0) {
		FUZZ_CHECK(n == 5 && memcmp(out, "PONG\n", 5) == 0);
	} else if (b - a == 4 && memcmp(s + a, "TIME", 4) == 0) {
		FUZZ_CHECK(is_timestamp(out, n));
	} else if (b - a >= 5 && memcmp(s + a, "ECHO ", 5) == 0) {
		size_t tl = b - a - 5;

		FUZZ_CHECK(n - 1 <= 3 * tl);
		if (fuzz_utf8_valid(s + a + 5, tl))
			FUZZ_CHECK(n - 1 == tl && memcmp(out, s + a + 5, tl) == 0);
		else
			FUZZ_CHECK(memmem(out, n, "\xef\xbf\xbd", 3) != NULL);
	} else {
		FUZZ_CHECK(n == 4 && memcmp(out, "ERR\n", 4) == 0);
	}
	free(out);
	free(line);
	return 0;
}
