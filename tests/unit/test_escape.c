/*
 * test_escape: esc_text keeps peer bytes from acting on a terminal, and
 * esc_json always yields a valid JSON string body (checked with an
 * independent JSON reader, json_check.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/escape.h"
#include "json_check.h"

static char out[8192];

static const char *esc(const char *s, size_t n)
{
	size_t used;
	size_t len = esc_text(s, n, out, sizeof out, &used);

	assert_int_equal(used, n);
	assert_int_equal(len, strlen(out));
	return out;
}

#define ESC(lit) esc(lit, sizeof(lit) - 1)

/* The terminal-safety property: no C0 control, no DEL, no C1 (raw or
 * encoded), no ESC, and the whole output valid UTF-8. */
static void assert_terminal_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t k = json_utf8_len(p + i, n - i);

		assert_true(k > 0);
		assert_false(p[i] < 0x20 || p[i] == 0x7f);
		if (k == 2)
			assert_false(p[i] == 0xc2 && p[i + 1] < 0xa0);
		i += k;
	}
}

static void test_text_plain(void **state)
{
	(void)state;
	assert_string_equal(ESC("hola mundo"), "hola mundo");
	assert_string_equal(ESC(""), "");
	assert_string_equal(ESC("a\\b"), "a\\\\b");
	assert_string_equal(ESC("l1\nl2\r\n\tx"), "l1\\nl2\\r\\n\\tx");
}

static void test_text_csi_osc_dcs(void **state)
{
	(void)state;
	/* CSI: clear screen, cursor home. */
	assert_string_equal(ESC("\x1b[2J\x1b[H"), "\\x1b[2J\\x1b[H");
	/* OSC: set the window title, BEL- and ST-terminated. */
	assert_string_equal(ESC("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
	assert_string_equal(ESC("\x1b]2;t\x1b\\"), "\\x1b]2;t\\x1b\\\\");
	/* DCS ... ST */
	assert_string_equal(ESC("\x1bPq#0\x1b\\"), "\\x1bPq#0\\x1b\\\\");
	assert_terminal_safe(out);
}

static void test_text_c0_nul_cr_bs_del(void **state)
{
	char in[1], want[8];

	(void)state;
	assert_string_equal(ESC("a\0b"), "a\\x00b");
	assert_string_equal(ESC("abc\rXY"), "abc\\rXY");
	assert_string_equal(ESC("abc\b\b\bxyz"), "abc\\x08\\x08\\x08xyz");
	assert_string_equal(ESC("\x7f"), "\\x7f");
	for (int c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		esc(in, 1);
		if (c == '\n')
			strcpy(want, "\\n");
		else if (c == '\r')
			strcpy(want, "\\r");
		else if (c == '\t')
			strcpy(want, "\\t");
		else
			snprintf(want, sizeof want, "\\x%02x", c);
		assert_string_equal(out, want);
	}
}

static void test_text_c1_raw_and_encoded(void **state)
{
	char in[2], want[16];

	(void)state;
	for (int c = 0x80; c <= 0x9f; c++) {
		/* Raw: a lone continuation byte, which an 8-bit terminal obeys. */
		in[0] = (char)c;
		esc(in, 1);
		snprintf(want, sizeof want, "\\x%02x", c);
		assert_string_equal(out, want);
		/* UTF-8 encoded U+0080..U+009F: valid UTF-8, still a control. */
		in[0] = (char)0xc2;
		in[1] = (char)c;
		esc(in, 2);
		snprintf(want, sizeof want, "\\xc2\\x%02x", c);
		assert_string_equal(out, want);
	}
	/* 0x9b is CSI on its own. */
	assert_string_equal(ESC("\x9b"
				"2J"),
			    "\\x9b2J");
	/* U+00A0 is the first printable one after the C1 block. */
	assert_string_equal(ESC("\xc2\xa0"), "\xc2\xa0");
}

static void test_text_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(ESC("\xff\xfe"), "\\xff\\xfe");
	/* Overlong encodings of '/' and of NUL. */
	assert_string_equal(ESC("\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(ESC("\xc0\x80"), "\\xc0\\x80");
	assert_string_equal(ESC("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	assert_string_equal(ESC("\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
	/* A UTF-16 surrogate and a code point past U+10FFFF. */
	assert_string_equal(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	/* Truncated at the end, and interrupted by ASCII. */
	assert_string_equal(ESC("ok\xc3"), "ok\\xc3");
	assert_string_equal(ESC("\xe2\x82"
				"A"),
			    "\\xe2\\x82A");
	/* The longest overlong sequence must not swallow the next char. */
	assert_string_equal(ESC("\xc1\xbf\xc3\xa1"), "\\xc1\\xbf\xc3\xa1");
}

static void test_text_valid_utf8_kept(void **state)
{
	(void)state;
	assert_string_equal(ESC("á ñ €"), "á ñ €");
	assert_string_equal(ESC("canción 😀 日本"), "canción 😀 日本");
	assert_string_equal(ESC("\xef\xbf\xbd"), "\xef\xbf\xbd"); /* U+FFFD */
	/* Bidi overrides would make a log line lie about its order. */
	assert_string_equal(ESC("a\xe2\x80\xae"
				"b"),
			    "a\\u{202E}b");
	assert_string_equal(ESC("\xe2\x81\xa6"), "\\u{2066}");
}

/* What hides or reorders text is shown, so ho<ZWSP>la never reads hola. */
static void test_text_invisible(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"ho\xe2\x80\x8bla", "ho\\u{200B}la"}, /* zero-width space */
	    {"\xe2\x80\x8c\xe2\x80\x8d", "\\u{200C}\\u{200D}"},
	    {"\xe2\x81\xa0", "\\u{2060}"}, /* word joiner */
	    {"\xef\xbb\xbf"
	     "BOM",
	     "\\u{FEFF}BOM"},
	    {"soft\xc2\xadhyphen", "soft\\u{00AD}hyphen"},
	    {"\xe2\x80\x8e\xe2\x80\x8f", "\\u{200E}\\u{200F}"}, /* LRM, RLM */
	    {"\xd8\x9c", "\\u{061C}"},				/* Arabic letter mark */
	    {"\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	     "\\u{202A}\\u{202B}\\u{202C}\\u{202D}"},
	    {"\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u{2067}\\u{2068}\\u{2069}"},
	    {"\xe2\x80\xa8\xe2\x80\xa9", "\\u{2028}\\u{2029}"},		  /* line, paragraph sep. */
	    {"\xf3\xa0\x80\x81\xf3\xa0\x81\xbf", "\\u{E0001}\\u{E007F}"}, /* tags */
	    /* Neighbours that are ordinary text stay as they are. */
	    {"\xe2\x80\x90\xe2\x80\xaf", "\xe2\x80\x90\xe2\x80\xaf"}, /* U+2010, U+202F */
	    {"\xf3\xa0\x82\x80", "\xf3\xa0\x82\x80"},		      /* U+E0080, past the tags */
	    {"\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4\xef\xb8\x8f"}, /* emoji + VS16 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(esc(cases[i].in, strlen(cases[i].in)), cases[i].out);
	assert_true(esc_is_invisible(0x200b));
	assert_false(esc_is_invisible('a'));
}

/* A terminal whose locale is not UTF-8 gets ASCII only. */
static void test_text_ascii(void **state)
{
	(void)state;
	esc_set_ascii(true);
	assert_true(esc_ascii());
	assert_string_equal(ESC("h\xc3\xa9llo"), "h\\xc3\\xa9llo");
	assert_string_equal(ESC("\xe2\x82\xac \xf0\x9f\x98\x80"),
			    "\\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80");
	assert_string_equal(ESC("ho\xe2\x80\x8bla"), "ho\\xe2\\x80\\x8bla");
	esc_set_ascii(false);
	assert_string_equal(ESC("h\xc3\xa9llo"), "h\xc3\xa9llo");
}

/* A read that ends inside a character: the tail to hold back. */
static void test_incomplete_tail(void **state)
{
	(void)state;
	assert_int_equal(esc_incomplete_tail("abc", 3), 0);
	assert_int_equal(esc_incomplete_tail("", 0), 0);
	assert_int_equal(esc_incomplete_tail("a\xc3", 2), 1);
	assert_int_equal(esc_incomplete_tail("a\xc3\xa9", 3), 0);
	assert_int_equal(esc_incomplete_tail("\xe2\x82", 2), 2);
	assert_int_equal(esc_incomplete_tail("\xe2\x82\xac", 3), 0);
	assert_int_equal(esc_incomplete_tail("x\xf0\x9f\x98", 4), 3);
	assert_int_equal(esc_incomplete_tail("\xf0\x9f\x98\x80", 4), 0);
	/* Not a sequence that could ever complete: nothing to hold. */
	assert_int_equal(esc_incomplete_tail("a\xff", 2), 0);
	assert_int_equal(esc_incomplete_tail("a\x80\x80\x80", 4), 0);
	assert_int_equal(esc_incomplete_tail("a\xc0", 2), 0);
}

static void test_text_cap(void **state)
{
	char small[8];
	size_t used, len;

	(void)state;
	/* An escape that would not fit is not started. */
	len = esc_text("ab\x1b", 3, small, 5, &used);
	assert_int_equal(len, 2);
	assert_int_equal(used, 2);
	assert_string_equal(small, "ab");
	len = esc_text("ab\x1b", 3, small, 7, &used);
	assert_int_equal(used, 3);
	assert_string_equal(small, "ab\\x1b");
	/* A UTF-8 sequence is never split. */
	len = esc_text("x\xe2\x82\xac", 4, small, 4, &used);
	assert_int_equal(used, 1);
	assert_string_equal(small, "x");
	/* cap 1: just the terminator. */
	len = esc_text("abc", 3, small, 1, &used);
	assert_int_equal(len, 0);
	assert_int_equal(used, 0);
	assert_string_equal(small, "");
	assert_int_equal(esc_text("abc", 3, small, 0, &used), 0);
	assert_int_equal(used, 0);
	/* A run of printable text is cut at the cap, and an escape after a
	 * run that ends just short of it is not started. */
	len = esc_text("abcdefghijk", 11, small, sizeof small, &used);
	assert_int_equal(len, 7);
	assert_int_equal(used, 7);
	assert_string_equal(small, "abcdefg");
	len = esc_text("abcdef\\", 7, small, sizeof small, &used);
	assert_int_equal(used, 6);
	assert_string_equal(small, "abcdef");
	len = esc_text("abcd\\ef", 7, small, sizeof small, &used);
	assert_int_equal(len, 7);
	assert_int_equal(used, 6);
	assert_string_equal(small, "abcd\\\\e");
}

/* Every byte string made of a hostile alphabet, escaped: always safe, and
 * the escaped prefix reported by used is the whole input. */
static void test_text_property(void **state)
{
	static const unsigned char alpha[] = {0x00, 0x07, 0x08, 0x0a, 0x0d, 0x1b, '[',	'a',  '\\',
					      0x7f, 0x80, 0x9b, 0x9f, 0xa0, 0xc0, 0xc2, 0xc3, 0xe2,
					      0x80, 0xed, 0xf0, 0xf4, 0x90, 0xbf, 0xff};
	unsigned char in[64];
	uint32_t seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 63) + 1;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alpha[(seed >> 16) % sizeof alpha];
		}
		esc((const char *)in, n);
		assert_terminal_safe(out);
	}
}

/* ---- JSON ---- */

static void check_json(const char *in, size_t n, const char *want)
{
	char doc[8192];
	size_t len;

	len = esc_json(in, n, doc, sizeof doc);
	assert_int_equal(len, strlen(doc));
	assert_string_equal(doc, want);
	/* Quoted, it parses. */
	{
		char q[8200];

		snprintf(q, sizeof q, "\"%s\"", doc);
		assert_true(json_valid(q, strlen(q)));
	}
}

#define JSON(lit, want) check_json(lit, sizeof(lit) - 1, want)

static void test_json_escapes(void **state)
{
	(void)state;
	JSON("hola", "hola");
	JSON("", "");
	JSON("say \"hi\"", "say \\\"hi\\\"");
	JSON("a\\b", "a\\\\b");
	JSON("l1\nl2\r\t", "l1\\nl2\\r\\t");
	JSON("\x1b[2J", "\\u001b[2J");
	JSON("a\0b", "a\\u0000b");
	JSON("\x7f", "\\u007f");
	JSON("á ñ €", "á ñ €");
	JSON("😀", "😀");
	/* Invalid UTF-8: each byte as \u00NN, so the document stays valid. */
	JSON("\xff", "\\u00ff");
	JSON("\xc0\xaf", "\\u00c0\\u00af");
	JSON("\xed\xa0\x80", "\\u00ed\\u00a0\\u0080");
	JSON("ok\xe2\x82", "ok\\u00e2\\u0082");
	JSON("\x9b", "\\u009b");
}

static void test_json_decodes_back(void **state)
{
	static const char *const texts[] = {
	    "hola",	     "say \"hi\" \\ /", "tab\there\nnew\r",	    "\x01\x02\x1f\x7f",
	    "canción ñ € 😀", "</script>",	"\xe2\x80\xa8\xe2\x80\xa9",
	};
	char doc[1024], q[1100], back[1024];
	size_t blen;

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		esc_json(texts[i], strlen(texts[i]), doc, sizeof doc);
		snprintf(q, sizeof q, "\"%s\"", doc);
		assert_true(json_valid(q, strlen(q)));
		assert_true(json_decode_body(q + 1, strlen(q) - 2, back, &blen));
		assert_int_equal(blen, strlen(texts[i]));
		assert_memory_equal(back, texts[i], blen);
	}
}

/* Random bytes from a hostile alphabet: the quoted result is always valid
 * JSON, whatever the cap (cut output included). */
static void test_json_property(void **state)
{
	static const unsigned char alpha[] = {0x00, 0x1b, '"',	'\\', 'a',  0x7f, 0x80,
					      0x9b, 0xc0, 0xc2, 0xa0, 0xe2, 0x82, 0xac,
					      0xed, 0xf0, 0x9f, 0x98, 0xff, '\n'};
	unsigned char in[64];
	char doc[512], q[520];
	uint32_t seed = 777;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % 63) + 1, cap = (size_t)(round % 97) + 1, len;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alpha[(seed >> 16) % sizeof alpha];
		}
		len = esc_json(in, n, doc, cap);
		assert_true(len < cap);
		assert_int_equal(len, strlen(doc));
		snprintf(q, sizeof q, "\"%s\"", doc);
		assert_true(json_valid(q, strlen(q)));
	}
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(esc_utf8_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xc3\xa1", 2), 2);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xc0\x80", 2), 0);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xed\xbf\xbf", 3), 0);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(esc_utf8_len((const unsigned char *)"\x80", 1), 0);
}

/* The checker itself must reject what is not JSON, or the tests above
 * would prove nothing. */
static void test_checker_rejects(void **state)
{
	static const char *const bad[] = {
	    "\"a\x01\"",   "\"\\x41\"", "\"\xff\"",   "\"\xc0\xaf\"", "\"\\ud800\"",
	    "\"\\udc00\"", "\"abc",	"{\"a\":1,}", "{\"a\" 1}",    "[1,]",
	    "01",	   "1.",	"-",	      "{\"a\":tru}",  "\"\xed\xa0\x80\"",
	    "{} {}",	   "",
	};
	static const char *const good[] = {
	    "\"\\ud83d\\ude00\"",
	    "{\"a\":[1,-2.5e3,true,false,null,{}]}",
	    " 0 ",
	    "\"\\/\"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(json_valid(bad[i], strlen(bad[i])));
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(json_valid(good[i], strlen(good[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_plain),
	    cmocka_unit_test(test_text_csi_osc_dcs),
	    cmocka_unit_test(test_text_c0_nul_cr_bs_del),
	    cmocka_unit_test(test_text_c1_raw_and_encoded),
	    cmocka_unit_test(test_text_invalid_utf8),
	    cmocka_unit_test(test_text_valid_utf8_kept),
	    cmocka_unit_test(test_text_invisible),
	    cmocka_unit_test(test_text_ascii),
	    cmocka_unit_test(test_incomplete_tail),
	    cmocka_unit_test(test_text_cap),
	    cmocka_unit_test(test_text_property),
	    cmocka_unit_test(test_json_escapes),
	    cmocka_unit_test(test_json_decodes_back),
	    cmocka_unit_test(test_json_property),
	    cmocka_unit_test(test_utf8_len),
	    cmocka_unit_test(test_checker_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
