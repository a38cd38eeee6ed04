/*
 * num: bounded decimal parsing (see num.h).
 */
#include "socklab/num.h"
#include "socklab/msg.h"

#include <string.h>

enum num_result num_parse_un(const char *s, size_t n, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || n == 0)
		return NUM_EMPTY;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return NUM_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return NUM_TOO_LARGE;
		v = v * 10 + d;
	}
	if (v < lo)
		return NUM_TOO_SMALL;
	if (v > hi)
		return NUM_TOO_LARGE;
	*out = v;
	return NUM_OK;
}

enum num_result num_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	return num_parse_un(s, s ? strlen(s) : 0, lo, hi, out);
}

enum num_result num_parse_long(const char *s, long lo, long hi, long *out)
{
	uint64_t v;
	enum num_result r;

	if (lo < 0 || hi < lo)
		return NUM_INVALID; /* no caller needs a sign */
	r = num_parse_u64(s, (uint64_t)lo, (uint64_t)hi, &v);
	if (r == NUM_OK)
		*out = (long)v;
	return r;
}

enum num_result num_parse_ms(const char *s, int64_t lo_ms, int64_t hi_ms, int64_t *out)
{
	const char *dot;
	size_t whole, frac;
	uint64_t w, f = 0;
	enum num_result r;

	if (s == NULL || *s == '\0')
		return NUM_EMPTY;
	if (lo_ms < 0 || hi_ms < lo_ms)
		return NUM_INVALID;
	/* The form first (digits and at most one '.'), the size second, so
	 * "99999999999999999999x" is not a number rather than too large. */
	for (const char *p = s, *seen = NULL; *p; p++) {
		if (*p == '.' && seen == NULL)
			seen = p;
		else if (*p < '0' || *p > '9')
			return NUM_INVALID;
	}
	dot = strchr(s, '.');
	whole = dot ? (size_t)(dot - s) : strlen(s);
	frac = dot ? strlen(dot + 1) : 0;
	/* "5." and "." are not numbers; ".5" is half a second. */
	if (dot != NULL && frac == 0)
		return NUM_INVALID;
	if (whole == 0 && frac == 0)
		return NUM_INVALID;
	if (whole > 0) {
		r = num_parse_un(s, whole, 0, (uint64_t)hi_ms / 1000 + 1, &w);
		if (r != NUM_OK)
			return r;
	} else {
		w = 0;
	}
	if (frac > 0) {
		r = num_parse_un(dot + 1, frac, 0, UINT64_MAX, &f);
		if (r == NUM_TOO_LARGE)
			return NUM_TOO_FINE; /* digits enough to overflow are not all zero */
		if (r != NUM_OK)
			return r;
		for (size_t i = 3; i < frac; i++) {
			if (f % 10 != 0)
				return NUM_TOO_FINE;
			f /= 10;
		}
		for (size_t i = frac; i < 3; i++)
			f *= 10;
	}
	w = w * 1000 + f;
	if (w < (uint64_t)lo_ms)
		return NUM_TOO_SMALL;
	if (w > (uint64_t)hi_ms)
		return NUM_TOO_LARGE;
	*out = (int64_t)w;
	return NUM_OK;
}

const char *num_error(enum num_result r)
{
	switch (r) {
	case NUM_OK:
		return "ok";
	case NUM_EMPTY:
		return "empty";
	case NUM_INVALID:
		return "not a number";
	case NUM_TOO_SMALL:
		return msg_tr("too small");
	case NUM_TOO_LARGE:
		return msg_tr("too large");
	case NUM_TOO_FINE:
		return msg_tr("finer than a millisecond");
	}
	return "not a number";
}
