/*
 * fuzz_escape: esc_text, esc_json and esc_utf8_len on arbitrary bytes.
 *
 * Input: 1 byte picking the output caps, then the peer bytes.
 * esc_text: the output is NUL-terminated within the cap, valid UTF-8, has
 * no C0 control, no DEL, no C1 control and no bidi override, unescapes to
 * exactly the input bytes it says it used, uses them all when the cap is
 * 4 * n + 1, and with a smaller cap is a prefix of the full output.
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

/* Undoes esc_text: \n \r \t \\ \xNN, everything else literal. */
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
		FUZZ_CHECK(!(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069));
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
	FUZZ_CHECK(used == n || len + 4 >= cap);
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
	size_t n = in.n, cap = capsel % 64 + 1;

	fuzz_text(p, n, cap);
	fuzz_json(p, n, cap);
	for (size_t i = 0; i < n; i++) {
		uint32_t cp;
		size_t want = fuzz_utf8_decode(p + i, n - i, &cp);

		FUZZ_CHECK(esc_utf8_len(p + i, n - i) == want);
	}
	return 0;
}
