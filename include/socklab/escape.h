/*
 * escape: peer bytes made safe to show or store.
 *
 * Bytes from the network are data, never terminal output. esc_text keeps
 * printable ASCII and valid UTF-8 text and writes everything else as an
 * escape (\n, \r, \t, \\, \xNN): C0 and C1 controls, DEL, ESC and so every
 * CSI/OSC/DCS sequence, invalid or overlong UTF-8, surrogates. The result
 * is always valid UTF-8 with no control character in it.
 */
#ifndef SOCKLAB_ESCAPE_H
#define SOCKLAB_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* Escapes n bytes into out (always NUL-terminated when cap > 0). Stops
 * before an escape that would not fit; *used, when not NULL, says how many
 * input bytes were consumed. Returns the length written. */
size_t esc_text(const void *data, size_t n, char *out, size_t cap, size_t *used);

/* Writes s as the body of a JSON string (no quotes): ", \ and control
 * characters escaped, invalid UTF-8 as \u00NN of each byte so the result
 * is always valid JSON. Returns the length written (NUL-terminated). */
size_t esc_json(const void *data, size_t n, char *out, size_t cap);

/* n bytes as lowercase hex, two digits each (NUL-terminated; stops at a
 * whole byte when cap is short). Returns the length written. */
size_t esc_hex(const void *data, size_t n, char *out, size_t cap);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t esc_utf8_len(const unsigned char *s, size_t n);

#endif
