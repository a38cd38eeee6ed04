/*
 * fuzz_escape: esc_text, esc_json and esc_utf8_len on arbitrary bytes.
 *
 * Input: 1 byte picking the output caps (its top bit: ASCII-only mode),
 * then the peer bytes.
 * esc_text: the output is NUL-terminated within the cap, valid UTF-8, has
 * no C0 control, no DEL, no C1 control and no invisible or reordering
 * character (bidi controls, zero-width and format characters, tags,
 * U+2028/2029: those come as \u{...}), is pure ASCII in ASCII-only mode,
 * unescapes to exactly the input bytes it says it used, uses them all
 * when the cap is 4 * n + 1, and with a smaller cap is a prefix of the
 * full output. esc_incomplete_tail names a tail that the reference decoder
 * finds cut, and never a complete character.
 * esc_json: the output is the body of a valid JSON string (checked by
 * json_check, an independent strict validator) and decodes back to the
 * input when the input is valid UTF-8. esc_utf8_len agrees with the
 * reference decoder at every offset.
 */
#include <string.h>

#include "fuzz_util.h"
#include "json_check.h"
#include "socklab/escape.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Encodes cp as UTF-8 at out; returns the length. */
static size_t put_utf8(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static int hexval_upper(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The reference list (independent of escape.c's table): what must never
 * reach a terminal as itself. */
static bool invisible(uint32_t cp)
{
	return cp == 0xad || cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0xe0000 && cp <= 0xe007f);
}

/* Undoes esc_text: \n \r \t \\ \xNN \u{X...}, everything else literal. */
static size_t unescape_text(const char *s, size_t n, unsigned char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		if (s[i] != '\\') {
			out[o++] = (unsigned char)s[i++];
			continue;
		}
		FUZZ_CHECK(i + 1 < n);
		switch (s[i + 1]) {
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case '\\':
			out[o++] = '\\';
			break;
		case 'x':
			FUZZ_CHECK(i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0);
			out[o++] = (unsigned char)(hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
			i += 2;
			break;
		case 'u': {
			uint32_t cp = 0;
			size_t k = i + 3, digits = 0;

			FUZZ_CHECK(i + 2 < n && s[i + 2] == '{');
			for (; k < n && s[k] != '}'; k++, digits++) {
				FUZZ_CHECK(hexval_upper(s[k]) >= 0);
				cp = cp << 4 | (uint32_t)hexval_upper(s[k]);
			}
			FUZZ_CHECK(k < n && digits >= 4 && digits <= 5);
			/* Only what had to be hidden comes as \u{...}. */
			FUZZ_CHECK(invisible(cp) || cp > 0x7f);
			o += put_utf8(cp, out + o);
			i = k - 1;
			break;
		}
		default:
			FUZZ_CHECK(!"known escape");
		}
		i += 2;
	}
	return o;
}

/* Terminal-safe: valid UTF-8 without any control or bidi override. */
static void check_terminal_safe(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = fuzz_utf8_decode(p + i, n - i, &cp);

		FUZZ_CHECK(k > 0);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f);
		FUZZ_CHECK(cp < 0x80 || cp > 0x9f);
		FUZZ_CHECK(!invisible(cp));
		FUZZ_CHECK(!esc_ascii() || cp < 0x80);
		i += k;
	}
}

static void fuzz_text(const uint8_t *data, size_t n, size_t cap)
{
	size_t full_cap = 4 * n + 1, used, len, flen, fused;
	char *out = malloc(cap), *full = malloc(full_cap);
	unsigned char *back = malloc(full_cap);

	if (out == NULL || full == NULL || back == NULL)
		abort();
	flen = esc_text(data, n, full, full_cap, &fused);
	FUZZ_CHECK(flen < full_cap && full[flen] == '\0');
	FUZZ_CHECK(fused == n);
	check_terminal_safe(full, flen);
	FUZZ_CHECK(unescape_text(full, flen, back) == n);
	FUZZ_CHECK(n == 0 || memcmp(back, data, n) == 0);

	len = esc_text(data, n, out, cap, &used);
	FUZZ_CHECK(len < cap && out[len] == '\0');
	FUZZ_CHECK(used <= n);
	FUZZ_CHECK(len <= flen && memcmp(out, full, len) == 0);
	FUZZ_CHECK(unescape_text(out, len, back) == used);
	/* Stopping early is only for an escape that does not fit. */
	FUZZ_CHECK(used == n || len + ESC_TEXT_ESCAPE_MAX >= cap);
	free(back);
	free(full);
	free(out);
}

static void fuzz_json(const uint8_t *data, size_t n, size_t cap)
{
	size_t full_cap = 6 * n + 1, len, dlen;
	char *out = malloc(cap), *full = malloc(full_cap), *dec = malloc(full_cap);
	char *quoted = malloc(full_cap + 2), why[128];

	if (out == NULL || full == NULL || dec == NULL || quoted == NULL)
		abort();
	len = esc_json(data, n, full, full_cap);
	FUZZ_CHECK(len < full_cap && full[len] == '\0');
	quoted[0] = '"';
	memcpy(quoted + 1, full, len);
	quoted[len + 1] = '"';
	if (!json_check(quoted, len + 2, why, sizeof why)) {
		fprintf(stderr, "esc_json output is not a JSON string: %s\n", why);
		FUZZ_CHECK(!"valid JSON string");
	}
	FUZZ_CHECK(json_decode_body(full, len, dec, &dlen));
	if (fuzz_utf8_valid(data, n))
		FUZZ_CHECK(dlen == n && (n == 0 || memcmp(dec, data, n) == 0));

	/* A short buffer: a prefix of the full output, still valid content. */
	len = esc_json(data, n, out, cap);
	FUZZ_CHECK(len < cap && out[len] == '\0');
	FUZZ_CHECK(memcmp(out, full, len) == 0);
	FUZZ_CHECK(json_decode_body(out, len, dec, &dlen));
	free(quoted);
	free(dec);
	free(full);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t capsel = fuzz_u8(&in);
	const uint8_t *p = in.p;
	size_t n = in.n, cap = capsel % 64 + 1, tail;

	esc_set_ascii(capsel & 0x80);
	fuzz_text(p, n, cap);
	esc_set_ascii(false);
	/* The held-back tail: a cut start of a sequence, never a whole one. */
	tail = esc_incomplete_tail(p, n);
	FUZZ_CHECK(tail <= 3 && tail <= n);
	if (tail > 0) {
		uint32_t cp;

		FUZZ_CHECK(fuzz_utf8_decode(p + n - tail, tail, &cp) == 0);
		FUZZ_CHECK(p[n - tail] >= 0xc2 && p[n - tail] <= 0xf4);
	}
	fuzz_json(p, n, cap);
	for (size_t i = 0; i < n; i++) {
		uint32_t cp;
		size_t want = fuzz_utf8_decode(p + i, n - i, &cp);

		FUZZ_CHECK(esc_utf8_len(p + i, n - i) == want);
	}
	return 0;
}
