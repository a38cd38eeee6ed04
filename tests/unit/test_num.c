/*
 * test_num: the one number parser: digits only (no sign, blank, base or
 * exponent), bounds both ways, 64-bit overflow, length-bounded input,
 * seconds to milliseconds with at most three decimals, and the words for
 * each refusal; the byte-size formatter of util.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/num.h"
#include "socklab/util.h"

static void test_unsigned(void **state)
{
	uint64_t v = 7;
	long l = 7;

	(void)state;
	assert_int_equal(num_parse_u64("0", 0, 10, &v), NUM_OK);
	assert_int_equal(v, 0);
	assert_int_equal(num_parse_u64("080", 0, 100, &v), NUM_OK);
	assert_int_equal(v, 80);
	assert_int_equal(num_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), NUM_OK);
	assert_true(v == UINT64_MAX);
	v = 7;
	assert_int_equal(num_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), NUM_TOO_LARGE);
	assert_int_equal(num_parse_u64("99999999999999999999999", 0, 10, &v), NUM_TOO_LARGE);
	assert_int_equal(v, 7); /* untouched on a refusal */
	assert_int_equal(num_parse_u64("", 0, 10, &v), NUM_EMPTY);
	assert_int_equal(num_parse_u64(NULL, 0, 10, &v), NUM_EMPTY);
	static const char *const bad[] = {" 5", "5 ", "+5", "-5", "0x10", "1e3", "5a", "1.0", "٣"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(num_parse_u64(bad[i], 0, 1000, &v), NUM_INVALID);
	assert_int_equal(num_parse_u64("0", 1, 65535, &v), NUM_TOO_SMALL);
	assert_int_equal(num_parse_u64("65536", 1, 65535, &v), NUM_TOO_LARGE);
	assert_int_equal(num_parse_u64("65535", 1, 65535, &v), NUM_OK);
	assert_int_equal(v, 65535);
	/* Length-bounded: the rest of the text is not looked at. */
	assert_int_equal(num_parse_un("9101,9102", 4, 0, 65535, &v), NUM_OK);
	assert_int_equal(v, 9101);
	assert_int_equal(num_parse_un("9101", 0, 0, 65535, &v), NUM_EMPTY);
	assert_int_equal(num_parse_long("4096", 1, 65535, &l), NUM_OK);
	assert_int_equal(l, 4096);
	assert_int_equal(num_parse_long("-1", 0, 5, &l), NUM_INVALID);
	assert_int_equal(num_parse_long("3", 5, 1, &l), NUM_INVALID);
}

static void test_ms(void **state)
{
	int64_t ms = -1;

	(void)state;
	assert_int_equal(num_parse_ms("2", 0, 86400000, &ms), NUM_OK);
	assert_int_equal(ms, 2000);
	assert_int_equal(num_parse_ms("0.5", 0, 86400000, &ms), NUM_OK);
	assert_int_equal(ms, 500);
	assert_int_equal(num_parse_ms(".25", 0, 86400000, &ms), NUM_OK);
	assert_int_equal(ms, 250);
	assert_int_equal(num_parse_ms("1.250", 0, 86400000, &ms), NUM_OK);
	assert_int_equal(ms, 1250);
	assert_int_equal(num_parse_ms("1.5000", 0, 86400000, &ms), NUM_OK);
	assert_int_equal(ms, 1500);
	assert_int_equal(num_parse_ms("86400", 1, 86400000, &ms), NUM_OK);
	assert_int_equal(ms, 86400000);
	assert_int_equal(num_parse_ms("86400.001", 1, 86400000, &ms), NUM_TOO_LARGE);
	assert_int_equal(num_parse_ms("99999999999999999999", 1, 86400000, &ms), NUM_TOO_LARGE);
	assert_int_equal(num_parse_ms("0.0001", 0, 86400000, &ms), NUM_TOO_FINE);
	assert_int_equal(num_parse_ms("0.000000000000000000000001", 0, 1000, &ms), NUM_TOO_FINE);
	assert_int_equal(num_parse_ms("0.05", 100, 86400000, &ms), NUM_TOO_SMALL);
	assert_int_equal(num_parse_ms("0", 1, 86400000, &ms), NUM_TOO_SMALL);
	static const char *const bad[] = {".",	"5.",  "1..2", "1.2.3", "-1",  "+1",
					  " 1", "1e3", "inf",  "nan",	"0x1", "1,5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(num_parse_ms(bad[i], 0, 86400000, &ms), NUM_INVALID);
	assert_int_equal(num_parse_ms("", 0, 10, &ms), NUM_EMPTY);
	assert_int_equal(ms, 86400000); /* the last success */
}

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(num_error(NUM_INVALID), "not a number");
	assert_string_equal(num_error(NUM_TOO_SMALL), "too small");
	assert_string_equal(num_error(NUM_TOO_LARGE), "too large");
	assert_string_equal(num_error(NUM_TOO_FINE), "finer than a millisecond");
	assert_string_equal(num_error(NUM_EMPTY), "empty");
}

static void test_bytes(void **state)
{
	char s[32];

	(void)state;
	assert_int_equal(util_format_bytes(0, "", s, sizeof s), 3);
	assert_string_equal(s, "0 B");
	assert_int_equal(util_format_bytes(999, "", s, sizeof s), 5);
	assert_string_equal(s, "999 B");
	util_format_bytes(1000, "", s, sizeof s);
	assert_string_equal(s, "1.0 KiB");
	util_format_bytes(12.3 * 1024, "/s", s, sizeof s);
	assert_string_equal(s, "12.3 KiB/s");
	util_format_bytes(5.0 * 1024 * 1024 * 1024 * 1024, "", s, sizeof s);
	assert_string_equal(s, "5120.0 GiB");
	assert_int_equal(util_format_bytes(4.1 * 1024 * 1024, "", s, 4), 3);
	assert_string_equal(s, "4.1");
	assert_true(util_mono_ms() > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unsigned),
	    cmocka_unit_test(test_ms),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
