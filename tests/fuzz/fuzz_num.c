/*
 * fuzz_num: the one number parser on arbitrary text.
 *
 * Input: 2 bytes picking the bounds, then the text (cut at its first NUL).
 * num_parse_u64 and num_parse_un agree with a reference written here
 * (digits only, accumulated in 128 bits): NUM_OK exactly when the text is
 * 1+ digits whose value is within [lo, hi], with that value; NUM_EMPTY for
 * no text; NUM_INVALID for any non-digit; otherwise too small or too
 * large, whichever is true. num_parse_ms gives NUM_OK only for digits
 * with at most one '.' and a value that is a whole number of
 * milliseconds within its bounds, and then that value; *out is never
 * touched on a refusal. num_error names every result.
 */
#include <string.h>

#include "fuzz_util.h"
#include "socklab/num.h"

static const uint64_t bounds[] = {
    0, 1, 9, 10, 100, 1000, 65535, 65536, 86400000, UINT32_MAX, UINT64_MAX / 10, UINT64_MAX};
#define NB (sizeof bounds / sizeof bounds[0])

/* The reference: -1 not all digits (or empty), else 0 with *v (capped
 * at UINT64_MAX + 1 as "too big" in *big). */
static int ref_digits(const char *s, size_t n, unsigned __int128 *v)
{
	*v = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (*v <= (unsigned __int128)UINT64_MAX)
			*v = *v * 10 + (unsigned)(s[i] - '0');
	}
	return 0;
}

static void check_u(const char *s, size_t n, uint64_t lo, uint64_t hi)
{
	unsigned __int128 v;
	uint64_t out = 12345;
	enum num_result r = num_parse_un(s, n, lo, hi, &out), want;

	if (n == 0)
		want = NUM_EMPTY;
	else if (ref_digits(s, n, &v) < 0)
		want = NUM_INVALID;
	else if (v > (unsigned __int128)UINT64_MAX || v > hi)
		want = v < lo ? NUM_TOO_SMALL : NUM_TOO_LARGE;
	else if (v < lo)
		want = NUM_TOO_SMALL;
	else
		want = NUM_OK;
	/* lo > hi: nothing is OK; which refusal is then the parser's call. */
	if (lo > hi)
		FUZZ_CHECK(r != NUM_OK);
	else
		FUZZ_CHECK(r == want);
	if (r == NUM_OK)
		FUZZ_CHECK(out == (uint64_t)v && out >= lo && out <= hi);
	else
		FUZZ_CHECK(out == 12345);
	FUZZ_CHECK(num_error(r) != NULL && num_error(r)[0] != '\0');
}

static void check_ms(const char *s, int64_t lo, int64_t hi)
{
	int64_t out = -7;
	enum num_result r = num_parse_ms(s, lo, hi, &out);
	size_t dots = 0, digits = 0, n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
	}
	if (r == NUM_OK) {
		const char *dot = strchr(s, '.');
		unsigned __int128 w = 0, f = 0;
		size_t fl = dot ? strlen(dot + 1) : 0;

		FUZZ_CHECK(dots <= 1 && dots + digits == n && digits > 0);
		for (const char *p = s; *p && p != dot; p++)
			w = w * 10 + (unsigned)(*p - '0');
		/* Up to 3 decimals count; more must be zeros. */
		for (size_t i = 0; i < fl; i++) {
			if (i < 3)
				f = f * 10 + (unsigned)(dot[1 + i] - '0');
			else
				FUZZ_CHECK(dot[1 + i] == '0');
		}
		for (size_t i = fl; i < 3; i++)
			f *= 10;
		FUZZ_CHECK((unsigned __int128)out == w * 1000 + f);
		FUZZ_CHECK(out >= lo && out <= hi);
	} else {
		FUZZ_CHECK(out == -7);
		if (n == 0)
			FUZZ_CHECK(r == NUM_EMPTY);
		if (dots + digits != n || dots > 1)
			FUZZ_CHECK(r == NUM_INVALID);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint64_t lo = bounds[fuzz_u8(&in) % NB], hi = bounds[fuzz_u8(&in) % NB];
	char *s = malloc(in.n + 1);
	size_t n;

	if (s == NULL)
		abort();
	memcpy(s, in.p, in.n);
	s[in.n] = '\0';
	n = strlen(s);
	check_u(s, n, lo, hi);
	if (n > 0)
		check_u(s, n - 1, lo, hi); /* length-bounded: the last byte unseen */
	if (hi <= INT64_MAX && lo <= hi)
		check_ms(s, (int64_t)lo, (int64_t)hi);
	free(s);
	return 0;
}
