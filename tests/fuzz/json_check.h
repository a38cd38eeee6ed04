/*
 * json_check: a small strict JSON (RFC 8259) validator for the fuzz
 * targets: one value with optional surrounding whitespace, strings in
 * valid UTF-8 with no raw control character, escapes limited to the nine
 * the RFC names, \u surrogates paired, numbers in the RFC's grammar, no
 * duplicate key within an object, nesting at most JSON_CHECK_DEPTH deep.
 */
#ifndef SOCKLAB_JSON_CHECK_H
#define SOCKLAB_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_CHECK_DEPTH 64

/* Whether s[0..n) is one valid JSON text. On false, why (when not NULL)
 * says what was wrong and where. */
bool json_check(const char *s, size_t n, char *why, size_t whycap);

/* Decodes the body of a JSON string (what goes between the quotes) into
 * UTF-8 at out. Returns false when the body is not valid; *outlen is the
 * decoded length. out needs room for n bytes (decoding never grows). */
bool json_decode_body(const char *s, size_t n, char *out, size_t *outlen);

#endif
