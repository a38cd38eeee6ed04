/*
 * test_frame: the bounded line framer. Bytes go in the way recv puts them
 * (into frame_space, at most room bytes at a time); lines come out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/frame.h"

/* What came out of the framer, flattened: each line followed by '|', each
 * overflow as '#'. */
struct sink {
	char text[1 << 20];
	size_t len;
	int lines, overflows;
};

static void sink_line(struct sink *k, const char *line, size_t len)
{
	assert_true(k->len + len + 1 < sizeof k->text);
	assert_null(memchr(line, '\n', len));
	memcpy(k->text + k->len, line, len);
	k->len += len;
	k->text[k->len++] = '|';
	k->text[k->len] = '\0';
	k->lines++;
}

static void drain(struct frame *fr, struct sink *k)
{
	enum frame_result r;
	const char *line;
	size_t len;

	while ((r = frame_next(fr, &line, &len)) != FRAME_MORE) {
		if (r == FRAME_LINE) {
			sink_line(k, line, len);
		} else {
			assert_int_equal(r, FRAME_OVERFLOW);
			k->text[k->len++] = '#';
			k->text[k->len] = '\0';
			k->overflows++;
		}
	}
}

/* Feeds data as one "read": as many recv-sized pieces as room allows,
 * draining after each, the way a server loop does. */
static void feed(struct frame *fr, struct sink *k, const char *data, size_t n)
{
	while (n > 0) {
		size_t room, take;
		char *p = frame_space(fr, &room);

		assert_true(room > 0);
		take = n < room ? n : room;
		memcpy(p, data, take);
		frame_commit(fr, take);
		data += take;
		n -= take;
		drain(fr, k);
		/* Memory stays bounded whatever comes in. */
		assert_true(frame_pending(fr) <= fr->cap);
	}
}

static struct sink *sink_new(void)
{
	struct sink *k = calloc(1, sizeof *k);

	assert_non_null(k);
	return k;
}

static void test_lines(void **state)
{
	struct frame fr;
	struct sink *k = sink_new();

	(void)state;
	assert_int_equal(frame_init(&fr, 64), 0);
	/* Several lines in one read; an empty line; CRLF normalised; a lone CR
	 * inside a line is data. */
	feed(&fr, k, "hola\nmundo\r\n\nfin\n", 17);
	assert_string_equal(k->text, "hola|mundo||fin|");
	feed(&fr, k, "a\rb\r\r\n", 6);
	assert_string_equal(k->text, "hola|mundo||fin|a\rb\r|");
	assert_int_equal(frame_pending(&fr), 0);
	/* Binary bytes pass through untouched. */
	feed(&fr, k, "\0\xff\x1b[2J\n", 8);
	assert_memory_equal(k->text + k->len - 7, "\0\xff\x1b[2J|", 7);
	frame_free(&fr);
	free(k);
}

static void test_partial_reads(void **state)
{
	struct frame fr;
	struct sink *k = sink_new();

	(void)state;
	assert_int_equal(frame_init(&fr, 64), 0);
	feed(&fr, k, "ho", 2);
	assert_int_equal(k->lines, 0);
	assert_int_equal(frame_pending(&fr), 2);
	feed(&fr, k, "la", 2);
	assert_int_equal(k->lines, 0);
	feed(&fr, k, "\r", 1);
	assert_int_equal(k->lines, 0);
	feed(&fr, k, "\nmun", 4);
	assert_string_equal(k->text, "hola|");
	assert_int_equal(frame_pending(&fr), 3);
	feed(&fr, k, "do\n", 3);
	assert_string_equal(k->text, "hola|mundo|");
	/* A trailing line without newline stays pending (the tutorial's echo
	 * buffer never answers it). */
	feed(&fr, k, "fin", 3);
	assert_int_equal(k->lines, 2);
	assert_int_equal(frame_pending(&fr), 3);
	frame_free(&fr);
	free(k);
}

/* The same stream cut in two at every byte position, and fed one byte at a
 * time, always gives the same lines. */
static void test_split_everywhere(void **state)
{
	static const char in[] = "hola\nmundo\r\n\nECHO con espacios  \r\nfin\n\r\nx\n";
	static const char want[] = "hola|mundo||ECHO con espacios  |fin||x|";
	size_t n = sizeof in - 1;

	(void)state;
	for (size_t cut = 0; cut <= n; cut++) {
		struct frame fr;
		struct sink *k = sink_new();

		assert_int_equal(frame_init(&fr, 64), 0);
		feed(&fr, k, in, cut);
		feed(&fr, k, in + cut, n - cut);
		assert_string_equal(k->text, want);
		frame_free(&fr);
		free(k);
	}
	{
		struct frame fr;
		struct sink *k = sink_new();

		assert_int_equal(frame_init(&fr, 64), 0);
		for (size_t i = 0; i < n; i++)
			feed(&fr, k, in + i, 1);
		assert_string_equal(k->text, want);
		frame_free(&fr);
		free(k);
	}
}

static void test_exact_max(void **state)
{
	struct frame fr;
	struct sink *k = sink_new();

	(void)state;
	assert_int_equal(frame_init(&fr, 8), 0);
	/* Exactly max_line bytes: a line. One more: an overflow. */
	feed(&fr, k, "01234567\n", 9);
	assert_string_equal(k->text, "01234567|");
	feed(&fr, k, "012345678\n", 10);
	assert_string_equal(k->text, "01234567|#");
	assert_int_equal(k->overflows, 1);
	/* A max-length line that starts after another line in the same read. */
	feed(&fr, k, "a\n76543210\nb\n", 13);
	assert_string_equal(k->text, "01234567|#a|76543210|b|");
	/* ... and one split into single bytes. */
	for (const char *p = "abcdefgh\n"; *p; p++)
		feed(&fr, k, p, 1);
	assert_string_equal(k->text, "01234567|#a|76543210|b|abcdefgh|");
	frame_free(&fr);
	free(k);
}

static void test_overflow_recovers(void **state)
{
	struct frame fr;
	struct sink *k = sink_new();
	char big[1000];

	(void)state;
	assert_int_equal(frame_init(&fr, 16), 0);
	/* Long line, its newline and the next line in one read. */
	feed(&fr, k, "0123456789abcdefXYZ\nok\n", 23);
	assert_string_equal(k->text, "#ok|");
	/* A long line arriving over many reads is reported once, then dropped
	 * up to its newline; the framer never holds more than its cap. */
	memset(big, 'x', sizeof big);
	for (int i = 0; i < 50; i++)
		feed(&fr, k, big, sizeof big);
	assert_int_equal(k->overflows, 2);
	assert_int_equal(k->lines, 1);
	feed(&fr, k, "tail of the long line\nnext\r\n", 28);
	assert_string_equal(k->text, "#ok|#next|");
	/* Two over-long lines back to back: two overflows. */
	feed(&fr, k, "AAAAAAAAAAAAAAAAAAAA\nBBBBBBBBBBBBBBBBBBBB\nc\n", 44);
	assert_string_equal(k->text, "#ok|#next|##c|");
	assert_int_equal(k->overflows, 4);
	assert_int_equal(frame_pending(&fr), 0);
	frame_free(&fr);
	free(k);
}

/* With a cap above the compaction threshold the framer keeps lines where
 * they are and compacts late; a max-length line after a short one, fed in
 * odd-sized pieces, must still come out whole. */
/* A read that ends a little way into the next line: that tail moves to
 * the front, so the next read has (nearly) the whole buffer, as a reader
 * that compacts after every read does, not what is left at the end. */
static void test_short_tail_moves_to_front(void **state)
{
	struct frame fr;
	const char *line;
	size_t room, len;
	char *p;

	(void)state;
	assert_int_equal(frame_init(&fr, 65536), 0);
	p = frame_space(&fr, &room);
	assert_int_equal(room, 65537);
	memset(p, 'x', 30000);
	p[29999] = '\n';
	memcpy(p + 30000, "next", 4);
	frame_commit(&fr, 30004);
	assert_int_equal(frame_next(&fr, &line, &len), FRAME_LINE);
	assert_int_equal(len, 29999);
	assert_int_equal(frame_next(&fr, &line, &len), FRAME_MORE);
	p = frame_space(&fr, &room);
	assert_ptr_equal(p, fr.buf + 4);
	assert_int_equal(room, 65537 - 4);
	assert_memory_equal(fr.buf, "next", 4);
	memcpy(p, " line\n", 6);
	frame_commit(&fr, 6);
	assert_int_equal(frame_next(&fr, &line, &len), FRAME_LINE);
	assert_int_equal(len, 9);
	assert_memory_equal(line, "next line", 9);
	frame_free(&fr);
}

static void test_big_cap_compaction(void **state)
{
	enum { MAX = 10000 };
	static char in[3 * (MAX + 6010)], want[3 * (MAX + 6010)];
	size_t n = 0, w = 0;
	uint32_t seed = 42;

	(void)state;
	for (int rep = 0; rep < 3; rep++) {
		memset(in + n, 's', 6000 + (size_t)rep);
		memset(want + w, 's', 6000 + (size_t)rep);
		n += 6000 + (size_t)rep;
		w += 6000 + (size_t)rep;
		in[n++] = '\n';
		want[w++] = '|';
		for (int i = 0; i < MAX; i++)
			in[n++] = want[w++] = (char)('a' + (i * 7 + rep) % 26);
		in[n++] = '\n';
		want[w++] = '|';
	}
	for (int round = 0; round < 20; round++) {
		struct frame fr;
		struct sink *k = sink_new();
		size_t off = 0;

		assert_int_equal(frame_init(&fr, MAX), 0);
		while (off < n) {
			size_t step;

			seed = seed * 1103515245u + 12345u;
			step = 1 + (seed >> 8) % 7000;
			if (step > n - off)
				step = n - off;
			feed(&fr, k, in + off, step);
			off += step;
		}
		assert_int_equal(k->overflows, 0);
		assert_int_equal(k->len, w);
		assert_memory_equal(k->text, want, w);
		frame_free(&fr);
		free(k);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_partial_reads),
	    cmocka_unit_test(test_split_everywhere),
	    cmocka_unit_test(test_exact_max),
	    cmocka_unit_test(test_overflow_recovers),
	    cmocka_unit_test(test_short_tail_moves_to_front),
	    cmocka_unit_test(test_big_cap_compaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
