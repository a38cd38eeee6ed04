/*
 * test_proto: the command protocol of tutorial section 2, checked against
 * what the tutorial's Python server does: handle(raw.decode("utf-8",
 * "replace")) with line.strip(), startswith("ECHO ") and
 * time.strftime("%Y-%m-%d %H:%M:%S").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "socklab/proto.h"

static char out[4096];

static const char *reply_at(const char *line, size_t len, time_t now)
{
	size_t n = proto_reply(line, len, now, out, 3 * len + 32);

	assert_true(n < sizeof out);
	out[n] = '\0';
	return out;
}

#define REPLY(lit) reply_at(lit, sizeof(lit) - 1, 0)

static void test_ping(void **state)
{
	(void)state;
	assert_string_equal(REPLY("PING"), "PONG\n");
	/* The line as the makefile() loop hands it over, newline included. */
	assert_string_equal(REPLY("PING\n"), "PONG\n");
	assert_string_equal(REPLY("PING\r\n"), "PONG\n");
	assert_string_equal(REPLY("  \tPING \x0b\x0c\r"), "PONG\n");
	/* Python's str.strip() also removes the separators 0x1c..0x1f. */
	assert_string_equal(REPLY("\x1cPING\x1f"), "PONG\n");
	assert_string_equal(REPLY("ping"), "ERR\n");
	assert_string_equal(REPLY("PING x"), "ERR\n");
	assert_string_equal(REPLY("PINGPING"), "ERR\n");
	assert_string_equal(REPLY("P ING"), "ERR\n");
	/* NUL is not whitespace for Python. */
	assert_string_equal(REPLY("PING\0"), "ERR\n");
}

static void test_echo(void **state)
{
	(void)state;
	assert_string_equal(REPLY("ECHO hola"), "hola\n");
	assert_string_equal(REPLY("ECHO hola\n"), "hola\n");
	/* Only the surroundings are stripped: inner spaces stay. */
	assert_string_equal(REPLY("  ECHO  hola  mundo \r\n"), " hola  mundo\n");
	assert_string_equal(REPLY("ECHO a\tb"), "a\tb\n");
	/* "ECHO" alone, or with trailing spaces only: strip() leaves "ECHO",
	 * which does not start with "ECHO ". */
	assert_string_equal(REPLY("ECHO"), "ERR\n");
	assert_string_equal(REPLY("ECHO "), "ERR\n");
	assert_string_equal(REPLY("ECHO    \n"), "ERR\n");
	assert_string_equal(REPLY("ECHOhola"), "ERR\n");
	assert_string_equal(REPLY("ECHO\thola"), "ERR\n");
	assert_string_equal(REPLY("echo hola"), "ERR\n");
	assert_string_equal(REPLY("ECHO PING"), "PING\n");
	/* Bytes Python keeps as they are. */
	{
		static const char in[] = "ECHO a\0b\x1b[2J";
		size_t n = proto_reply(in, sizeof in - 1, 0, out, sizeof out);

		assert_int_equal(n, 8);
		assert_memory_equal(out, "a\0b\x1b[2J\n", 8);
	}
	assert_string_equal(REPLY("ECHO canción ñ €"), "canción ñ €\n");
}

static void test_time(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(reply_at("TIME", 4, 0), "1970-01-01 00:00:00\n");
	assert_string_equal(reply_at("TIME\r\n", 6, 1700000000), "2023-11-14 22:13:20\n");
	assert_string_equal(reply_at(" TIME ", 6, 951782400), "2000-02-29 00:00:00\n");
	/* Local time, as time.strftime gives it. */
	setenv("TZ", "UTC-3", 1);
	tzset();
	assert_string_equal(reply_at("TIME", 4, 1700000000), "2023-11-15 01:13:20\n");
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(REPLY("TIME now"), "ERR\n");
	assert_string_equal(REPLY("time"), "ERR\n");
}

static void test_err(void **state)
{
	(void)state;
	assert_string_equal(REPLY("FOO"), "ERR\n");
	assert_string_equal(REPLY(""), "ERR\n");
	assert_string_equal(REPLY("\n"), "ERR\n");
	assert_string_equal(REPLY("   "), "ERR\n");
	assert_string_equal(REPLY("\xff\xfe"), "ERR\n");
}

/* str.strip() works on the decoded text, so Unicode whitespace goes too:
 * U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000 (the list Python 3 gives for str.isspace). */
static void test_unicode_strip(void **state)
{
	static const char *const ws[] = {
	    "\xc2\x85",	    "\xc2\xa0",	    "\xe1\x9a\x80", "\xe2\x80\x80",
	    "\xe2\x80\x85", "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9",
	    "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
	};
	char line[64];

	(void)state;
	for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
		snprintf(line, sizeof line, "%sPING%s\n", ws[i], ws[i]);
		assert_string_equal(reply_at(line, strlen(line), 0), "PONG\n");
		snprintf(line, sizeof line, "ECHO x%s%s", ws[i], ws[i]);
		assert_string_equal(reply_at(line, strlen(line), 0), "x\n");
		/* After "ECHO " it is part of the text. */
		snprintf(line, sizeof line, "ECHO %sx", ws[i]);
		snprintf(out + 1024, 64, "%sx\n", ws[i]);
		assert_string_equal(reply_at(line, strlen(line), 0), out + 1024);
		/* Between ECHO and the text it is not the space startswith wants. */
		snprintf(line, sizeof line, "ECHO%sx", ws[i]);
		assert_string_equal(reply_at(line, strlen(line), 0), "ERR\n");
	}
	/* Not whitespace: U+200B (zero width space), U+FEFF, U+180E. */
	assert_string_equal(REPLY("\xe2\x80\x8bPING"), "ERR\n");
	assert_string_equal(REPLY("\xef\xbb\xbfPING"), "ERR\n");
	assert_string_equal(REPLY("\xe1\xa0\x8ePING"), "ERR\n");
	/* A stray lead byte before whitespace is its own U+FFFD, not part of
	 * the whitespace character. */
	assert_string_equal(REPLY("ECHO x\xe2\xc2\xa0"), "x\xef\xbf\xbd\n");
	/* An invalid sequence is never whitespace, even when its first bytes
	 * are those of one (E2 80 then ASCII). */
	assert_string_equal(REPLY("ECHO x\xe2\x80!"), "x\xef\xbf\xbd!\n");
	assert_string_equal(REPLY("\xe2\x80\x0aPING"), "ERR\n");
	assert_string_equal(REPLY("\xc2PING"), "ERR\n");
	assert_string_equal(REPLY("PING\xe3\x80"), "ERR\n");
}

/* decode("utf-8", "replace"): one U+FFFD per maximal invalid subpart.
 * Expected strings come from CPython 3. */
static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(REPLY("ECHO \xff"), "\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO a\xc3"), "a\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO \xc3(x"), "\xef\xbf\xbd(x\n");
	/* Truncated 3- and 4-byte sequences: one replacement each. */
	assert_string_equal(REPLY("ECHO \xe2\x82"), "\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO \xf0\x9f\x98"), "\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO \xf0\x9f\x98"
				  "A"),
			    "\xef\xbf\xbd"
			    "A\n");
	/* Overlong, surrogate, above U+10FFFF: each byte on its own. */
	assert_string_equal(REPLY("ECHO \xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO \xe0\x80\xaf"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO \xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n");
	assert_string_equal(REPLY("ECHO \xf4\x90\x80\x80"),
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n");
	/* b'\xe0\x80\xaf\xf0\x90\x80\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80'
	 * decodes to 13 replacement characters in CPython. */
	{
		static const char in[] =
		    "ECHO \xe0\x80\xaf\xf0\x90\x80\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80";
		const char *r = reply_at(in, sizeof in - 1, 0);

		assert_int_equal(strlen(r), 13 * 3 + 1);
		for (int i = 0; i < 13; i++)
			assert_memory_equal(r + 3 * i, "\xef\xbf\xbd", 3);
	}
	/* Valid text around the damage is kept. */
	assert_string_equal(REPLY("ECHO á\xffñ"), "á\xef\xbf\xbdñ\n");
	assert_string_equal(REPLY("ECHO 😀"), "😀\n");
}

static void test_small_cap(void **state)
{
	char small[8];
	size_t n;

	(void)state;
	n = proto_reply("PING", 4, 0, small, 3);
	assert_int_equal(n, 3);
	assert_memory_equal(small, "PON", 3);
	n = proto_reply("ECHO abcdefghij", 15, 0, small, sizeof small);
	assert_true(n <= sizeof small);
	assert_memory_equal(small, "abcdefg\n", n);
	assert_int_equal(proto_reply("PING", 4, 0, small, 0), 0);
	/* The documented bound always fits: the worst case is all invalid
	 * bytes, each becoming three. */
	{
		char in[100], big[3 * 100 + 32];

		memset(in, 0xff, sizeof in);
		memcpy(in, "ECHO ", 5);
		n = proto_reply(in, sizeof in, 0, big, sizeof big);
		assert_int_equal(n, 95 * 3 + 1);
		assert_int_equal(big[n - 1], '\n');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ping),	  cmocka_unit_test(test_echo),
	    cmocka_unit_test(test_time),	  cmocka_unit_test(test_err),
	    cmocka_unit_test(test_unicode_strip), cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_small_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
