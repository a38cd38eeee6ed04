/*
 * test_hexdump: rows of 16 bytes with offset, hex and ASCII columns, a
 * short last row that keeps the columns aligned, no control byte in the
 * output, and the note when fewer bytes were kept than the event carried.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/event.h"
#include "socklab/hexdump.h"

static void test_rows(void **state)
{
	static const char data[] = "hola\n\x00\xff"
				   "ABCDEFGHI"
				   "xyz";
	char row[HEXDUMP_ROW_MAX];
	size_t n = sizeof data - 1; /* 19 bytes */

	(void)state;
	assert_int_equal(hexdump_rows(0), 0);
	assert_int_equal(hexdump_rows(1), 1);
	assert_int_equal(hexdump_rows(16), 1);
	assert_int_equal(hexdump_rows(17), 2);
	assert_int_equal(hexdump_rows(n), 2);
	hexdump_row(data, n, 0, row, sizeof row);
	assert_string_equal(row, "0000  68 6f 6c 61 0a 00 ff 41  42 43 44 45 46 47 48 49  "
				 "|hola...ABCDEFGHI|");
	hexdump_row(data, n, 1, row, sizeof row);
	assert_string_equal(row, "0010  78 79 7a                                          "
				 "|xyz|");
	/* Past the end: nothing. */
	assert_int_equal(hexdump_row(data, n, 2, row, sizeof row), 0);
	assert_string_equal(row, "");
	/* A small buffer gets a terminated prefix. */
	assert_int_equal(hexdump_row(data, n, 0, row, 8), 7);
	assert_string_equal(row, "0000  6");
}

static void test_every_byte_is_safe(void **state)
{
	uint8_t all[256];
	char row[HEXDUMP_ROW_MAX];

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	for (size_t r = 0; r < hexdump_rows(sizeof all); r++) {
		size_t len = hexdump_row(all, sizeof all, r, row, sizeof row);

		assert_int_equal(len, strlen(row));
		assert_int_equal(len, 6 + 16 * 3 + 1 + 1 + 16 + 2);
		for (size_t i = 0; i < len; i++)
			assert_true(row[i] >= 0x20 && row[i] < 0x7f);
		/* Each hex pair reads back as the byte at its place. */
		for (int i = 0; i < 16; i++) {
			unsigned v;
			int col = 6 + i * 3 + (i >= 8 ? 1 : 0);

			assert_int_equal(sscanf(row + col, "%2x", &v), 1);
			assert_int_equal(v, r * 16 + (size_t)i);
		}
	}
	hexdump_row(all, sizeof all, 15, row, sizeof row);
	assert_string_equal(row + 6 + 50, "|................|");
	hexdump_row(all, sizeof all, 4, row, sizeof row);
	assert_string_equal(row + 6 + 50, "|@ABCDEFGHIJKLMNO|");
}

static void test_note_and_whole_dump(void **state)
{
	char note[128], *out;
	uint8_t big[EVENT_PREVIEW_MAX];
	size_t len, lines = 0;

	(void)state;
	assert_int_equal(hexdump_note(5, 5, note, sizeof note), 0);
	assert_string_equal(note, "");
	hexdump_note(EVENT_PREVIEW_MAX, 10000, note, sizeof note);
	assert_string_equal(note,
			    "truncated: 4096 of 10000 bytes kept (the rest was not recorded)");

	memset(big, 'A', sizeof big);
	out = malloc(400 * 1024);
	assert_non_null(out);
	len = hexdump_format(big, sizeof big, 10000, out, 400 * 1024);
	assert_int_equal(len, strlen(out));
	for (size_t i = 0; i < len; i++)
		lines += out[i] == '\n';
	assert_int_equal(lines, EVENT_PREVIEW_MAX / 16 + 1);
	assert_non_null(strstr(out, "0ff0  41 41"));
	assert_non_null(strstr(out, "\ntruncated: 4096 of 10000 bytes kept"));
	/* Everything kept: no note. */
	len = hexdump_format("hi", 2, 2, out, 400 * 1024);
	assert_string_equal(out, "0000  68 69                                             |hi|\n");
	/* Too small for a row: whole lines only. */
	len = hexdump_format(big, sizeof big, sizeof big, out, 100);
	assert_int_equal(len, 75);
	assert_int_equal(out[74], '\n');
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_every_byte_is_safe),
	    cmocka_unit_test(test_note_and_whole_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
