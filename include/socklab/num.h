/*
 * num: the one bounded number parser (strtonum-like) for everything a user
 * types: options, SPEC fields, filter terms, the lab's commands.
 *
 * Decimal digits only: no sign, no blank, no base prefix, no exponent, so
 * " 5", "+5", "0x10" and "1e3" are refused rather than half-read. Leading
 * zeros are allowed ("080" is 80). Each parser returns NUM_OK or the
 * reason it refused, which num_error names in a few words for a message
 * such as "bad backlog '0': too small (expected 1..65535)".
 */
#ifndef SOCKLAB_NUM_H
#define SOCKLAB_NUM_H

#include <stddef.h>
#include <stdint.h>

enum num_result {
	NUM_OK = 0,
	NUM_EMPTY = -1,	    /* nothing given */
	NUM_INVALID = -2,   /* not a decimal number */
	NUM_TOO_SMALL = -3, /* below lo */
	NUM_TOO_LARGE = -4, /* above hi (or beyond 64 bits) */
	NUM_TOO_FINE = -5,  /* seconds: finer than a millisecond */
};

/* s[0..n) as an unsigned number in [lo, hi]; *out is set only on NUM_OK. */
enum num_result num_parse_un(const char *s, size_t n, uint64_t lo, uint64_t hi, uint64_t *out);
/* The NUL-terminated s (NULL counts as empty). */
enum num_result num_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* The same into a long, for options whose fields are int or size_t. */
enum num_result num_parse_long(const char *s, long lo, long hi, long *out);

/* Seconds with up to three decimals ("2", "0.5", "1.250"), as whole
 * milliseconds in [lo_ms, hi_ms]. */
enum num_result num_parse_ms(const char *s, int64_t lo_ms, int64_t hi_ms, int64_t *out);

/* A few words for a refusal: "not a number", "too large", ... */
const char *num_error(enum num_result r);

#endif
