/*
 * test_outq: the output queue: bytes come out in the order they went in
 * across partial sends, reservations and growth; the queue resets when it
 * empties, compacts instead of growing when the front is free, and grows
 * by doubling; a reservation that cannot be had leaves it unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/outq.h"

static void test_append_consume_order(void **state)
{
	struct outq q;
	unsigned char want[100000];
	size_t in = 0, out = 0;

	(void)state;
	for (size_t i = 0; i < sizeof want; i++)
		want[i] = (unsigned char)(i * 13 + i / 7);
	outq_init(&q);
	assert_true(outq_empty(&q));
	assert_int_equal(outq_pending(&q), 0);
	assert_string_equal(outq_data(&q), "");
	/* Irregular appends and partial sends, as a real socket makes them. */
	while (out < sizeof want) {
		size_t a = in < sizeof want ? (in * 7 + 3) % 5000 + 1 : 0, s;

		if (a > sizeof want - in)
			a = sizeof want - in;
		assert_int_equal(outq_append(&q, want + in, a), 0);
		in += a;
		assert_int_equal(outq_pending(&q), in - out);
		s = (out * 11 + 5) % 4000 + 1;
		if (s > in - out)
			s = in - out;
		assert_memory_equal(outq_data(&q), want + out, s);
		outq_consume(&q, s);
		out += s;
	}
	assert_true(outq_empty(&q));
	/* Emptied: the next byte goes to the front again. */
	assert_int_equal(q.off, 0);
	assert_int_equal(q.len, 0);
	outq_free(&q);
	assert_null(q.buf);
	assert_int_equal(q.cap, 0);
}

static void test_reserve_commit(void **state)
{
	struct outq q;
	char *p;

	(void)state;
	outq_init(&q);
	p = outq_reserve(&q, 10);
	assert_non_null(p);
	assert_int_equal(q.cap, OUTQ_MIN);
	memcpy(p, "eco: hola\n", 10);
	/* Reserved but not committed: not queued. */
	assert_int_equal(outq_pending(&q), 0);
	outq_commit(&q, 10);
	p = outq_reserve(&q, 200); /* reserve more than is used */
	memcpy(p, "PONG\n", 5);
	outq_commit(&q, 5);
	assert_int_equal(outq_pending(&q), 15);
	assert_memory_equal(outq_data(&q), "eco: hola\nPONG\n", 15);
	outq_clear(&q);
	assert_true(outq_empty(&q));
	assert_int_equal(q.cap, OUTQ_MIN); /* clear keeps the memory */
	outq_free(&q);
}

static void test_growth_and_compaction(void **state)
{
	struct outq q;
	char big[5 * OUTQ_MIN];
	size_t cap;

	(void)state;
	memset(big, 'x', sizeof big);
	outq_init(&q);
	assert_int_equal(outq_append(&q, big, OUTQ_MIN + 1), 0);
	assert_int_equal(q.cap, 2 * OUTQ_MIN); /* doubled */
	assert_int_equal(outq_append(&q, big, 3 * OUTQ_MIN), 0);
	assert_int_equal(q.cap, 8 * OUTQ_MIN); /* 16 KiB + 1, doubled twice */
	cap = q.cap;
	/* Send all but one byte: the front is free, so room for 20 KiB is
	 * made by moving the unsent byte there, not by growing. */
	outq_consume(&q, 4 * OUTQ_MIN);
	assert_int_equal(outq_pending(&q), 1);
	big[0] = 'y';
	assert_int_equal(outq_append(&q, big, 5 * OUTQ_MIN), 0);
	assert_int_equal(q.cap, cap);
	assert_int_equal(q.off, 0);
	assert_int_equal(outq_pending(&q), 5 * OUTQ_MIN + 1);
	assert_memory_equal(outq_data(&q), "xyx", 3);
	outq_consume(&q, 1);
	/* A queue that cannot be had leaves everything as it was. */
	assert_null(outq_reserve(&q, SIZE_MAX - 10));
	assert_int_equal(q.cap, cap);
	assert_int_equal(outq_pending(&q), 5 * OUTQ_MIN);
	assert_int_equal(outq_append(&q, big, 0), 0);
	outq_free(&q);
}

/* outq_room: the free end, only when it is already there: never grows
 * or moves the queue (a reader receives straight into it). */
static void test_room(void **state)
{
	struct outq q;
	char buf[5000];
	char *r;

	(void)state;
	outq_init(&q);
	assert_null(outq_room(&q, 1)); /* no buffer yet */
	memset(buf, 'a', sizeof buf);
	assert_int_equal(outq_append(&q, buf, 100), 0);
	r = outq_room(&q, q.cap - q.len);
	assert_non_null(r);
	assert_ptr_equal(r, q.buf + 100);
	assert_null(outq_room(&q, q.cap - q.len + 1));
	memcpy(r, "xyz", 3);
	outq_commit(&q, 3);
	assert_int_equal(outq_pending(&q), 103);
	assert_memory_equal(outq_data(&q) + 100, "xyz", 3);
	outq_consume(&q, 103);
	assert_non_null(outq_room(&q, q.cap)); /* drained: the whole buffer */
	outq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_consume_order),
	    cmocka_unit_test(test_reserve_commit),
	    cmocka_unit_test(test_growth_and_compaction),
	    cmocka_unit_test(test_room),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
