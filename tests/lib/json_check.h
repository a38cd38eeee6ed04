/*
 * json_check: the tests' one strict JSON (RFC 8259) reader, behind the
 * unit tests, the fuzz targets and tests/tools/jsoncheck (the shell
 * tests' checker): one value with optional surrounding whitespace,
 * strings in valid UTF-8 with no raw control character, escapes limited
 * to the nine the RFC names, \u surrogates paired, numbers in the RFC's
 * grammar, no duplicate key within an object, nesting at most
 * JSON_CHECK_DEPTH deep. The accessors read members of an object that
 * json_check accepted.
 */
#ifndef SOCKLAB_JSON_CHECK_H
#define SOCKLAB_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_CHECK_DEPTH 64

/* Whether s[0..n) is one valid JSON text. On false, why (when not NULL)
 * says what was wrong and where. */
bool json_check(const char *s, size_t n, char *why, size_t whycap);
/* json_check without the reason. */
bool json_valid(const char *s, size_t n);

/* Decodes the body of a JSON string (what goes between the quotes) into
 * UTF-8 at out. Returns false when the body is not valid; *outlen is the
 * decoded length. out needs room for n bytes (decoding never grows). */
bool json_decode_body(const char *s, size_t n, char *out, size_t *outlen);

/* Length (1..4) of the well-formed UTF-8 sequence at s, or 0 (overlong,
 * surrogate, beyond U+10FFFF, cut): the reader's own decoder. */
size_t json_utf8_len(const unsigned char *s, size_t n);
/* The same, *cp its code point: the tests' one UTF-8 decoder, kept apart
 * from the core's so that it can judge it. */
size_t json_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

enum json_type {
	JSON_NONE, /* no such member */
	JSON_OBJECT,
	JSON_ARRAY,
	JSON_STRING,
	JSON_INTEGER, /* a number without fraction or exponent */
	JSON_NUMBER,  /* any other number */
	JSON_BOOL,
	JSON_NULL,
};

/* Member key of the object text obj: *val and *vlen give its value's
 * text. False when there is no such member. */
bool json_get(const char *obj, size_t n, const char *key, const char **val, size_t *vlen);
/* The member's value as raw text ("123", "true", {...}), NUL-terminated. */
bool json_get_raw(const char *obj, size_t n, const char *key, char *out, size_t cap);
/* A string member decoded to UTF-8, NUL-terminated; false when absent,
 * not a string or longer than cap - 1. */
bool json_get_str(const char *obj, size_t n, const char *key, char *out, size_t cap);
/* An integer member. */
bool json_get_int(const char *obj, size_t n, const char *key, long long *out);
/* The type of a value's text, and of a member (JSON_NONE when absent). */
enum json_type json_type(const char *v, size_t vlen);
enum json_type json_member(const char *obj, size_t n, const char *key);

#endif
