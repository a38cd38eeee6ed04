/*
 * test_rate: rates over one and ten seconds from counter samples: a steady
 * flow, a burst that shows in the one-second rate and fades from it while
 * the ten-second rate remembers it, a short history, samples too close
 * together, and the ring wrapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/rate.h"

static struct server_stats st;

static void at(struct rate *r, int64_t ms)
{
	rate_sample(r, ms, &st);
}

static void test_steady_and_burst(void **state)
{
	struct rate r;
	struct rate_value v1, v10;
	int64_t t = 0;

	(void)state;
	memset(&st, 0, sizeof st);
	rate_init(&r);
	rate_get(&r, 1000, &v1);
	assert_false(v1.valid);
	at(&r, t);
	rate_get(&r, 1000, &v1);
	assert_false(v1.valid); /* one sample spans no time */
	/* 1000 B/s in, 10 datagrams/s out, sampled every 500 ms for 20 s. */
	for (int i = 0; i < 40; i++) {
		t += 500;
		st.bytes_in += 500;
		st.dgrams_out += 5;
		at(&r, t);
	}
	rate_get(&r, 1000, &v1);
	rate_get(&r, 10000, &v10);
	assert_true(v1.valid && v10.valid);
	assert_true(v1.bytes_in > 999.0 && v1.bytes_in < 1001.0);
	assert_true(v10.bytes_in > 999.0 && v10.bytes_in < 1001.0);
	assert_true(v1.dgrams_out > 9.99 && v1.dgrams_out < 10.01);
	assert_true(v1.bytes_out == 0.0 && v1.dgrams_in == 0.0);
	/* A burst of 100 kB in half a second. */
	t += 500;
	st.bytes_in += 100000;
	at(&r, t);
	rate_get(&r, 1000, &v1);
	rate_get(&r, 10000, &v10);
	assert_true(v1.bytes_in > 50000.0);
	assert_true(v10.bytes_in > 10000.0 && v10.bytes_in < 12000.0);
	/* Three quiet seconds: gone from the last second, not the last ten. */
	for (int i = 0; i < 6; i++) {
		t += 500;
		at(&r, t);
	}
	rate_get(&r, 1000, &v1);
	rate_get(&r, 10000, &v10);
	assert_true(v1.bytes_in == 0.0);
	assert_true(v10.bytes_in > 10000.0);
}

static void test_short_history_and_close_samples(void **state)
{
	struct rate r;
	struct rate_value v;

	(void)state;
	memset(&st, 0, sizeof st);
	rate_init(&r);
	at(&r, 1000);
	st.bytes_out = 300;
	at(&r, 1300);
	/* Only 300 ms of history: the rate over what there is. */
	rate_get(&r, 10000, &v);
	assert_true(v.valid);
	assert_true(v.bytes_out > 999.0 && v.bytes_out < 1001.0);
	/* A sample 50 ms after the last is skipped, not a 50 ms window. */
	st.bytes_out = 100300;
	at(&r, 1350);
	rate_get(&r, 1000, &v);
	assert_true(v.bytes_out > 999.0 && v.bytes_out < 1001.0);
	/* Counters never go back; if a server's did, no negative rate. */
	st.bytes_out = 0;
	at(&r, 2000);
	rate_get(&r, 1000, &v);
	assert_true(v.bytes_out == 0.0);
}

static void test_ring_wraps(void **state)
{
	struct rate r;
	struct rate_value v;

	(void)state;
	memset(&st, 0, sizeof st);
	rate_init(&r);
	for (int i = 0; i < RATE_SAMPLES * 3; i++) {
		st.dgrams_in += 20; /* every 100 ms: 200/s */
		at(&r, (int64_t)i * RATE_MIN_GAP_MS);
	}
	assert_int_equal(r.n, RATE_SAMPLES);
	/* The ring holds more than ten seconds. */
	assert_true((int64_t)(RATE_SAMPLES - 1) * RATE_MIN_GAP_MS > 10000);
	rate_get(&r, 10000, &v);
	assert_true(v.dgrams_in > 199.9 && v.dgrams_in < 200.1);
}

static void test_format(void **state)
{
	char s[32];

	(void)state;
	rate_format_bytes(0, s, sizeof s);
	assert_string_equal(s, "0 B/s");
	rate_format_bytes(512, s, sizeof s);
	assert_string_equal(s, "512 B/s");
	rate_format_bytes(12.3 * 1024, s, sizeof s);
	assert_string_equal(s, "12.3 KiB/s");
	rate_format_bytes(4.1 * 1024 * 1024, s, sizeof s);
	assert_string_equal(s, "4.1 MiB/s");
	rate_format_bytes(3.0 * 1024 * 1024 * 1024, s, sizeof s);
	assert_string_equal(s, "3.0 GiB/s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_steady_and_burst),
	    cmocka_unit_test(test_short_history_and_close_samples),
	    cmocka_unit_test(test_ring_wraps),
	    cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
