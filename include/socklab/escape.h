/*
 * escape: peer bytes made safe to show or store.
 *
 * Bytes from the network are data, never terminal output. esc_text keeps
 * printable ASCII and valid UTF-8 text and writes everything else as an
 * escape (\n, \r, \t, \\, \xNN): C0 and C1 controls, DEL, ESC and so every
 * CSI/OSC/DCS sequence, invalid or overlong UTF-8, surrogates. Characters
 * that draw nothing or reorder text (esc_is_invisible: bidi controls,
 * zero-width and format characters, tags, U+2028/2029) are written as
 * \u{200B}, so "ho\u{200B}la" can never pass for "hola". The result is
 * always valid UTF-8 with no control character in it; under esc_set_ascii
 * (a terminal whose locale is not UTF-8) it is plain ASCII, every byte
 * from 0x80 up written as \xNN.
 */
#ifndef SOCKLAB_ESCAPE_H
#define SOCKLAB_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* The longest single escape esc_text writes (\u{E007F}). */
#define ESC_TEXT_ESCAPE_MAX 9

/* Escapes n bytes into out (always NUL-terminated when cap > 0). Stops
 * before an escape that would not fit; *used, when not NULL, says how many
 * input bytes were consumed. 4 * n + 1 bytes of out always hold it all.
 * Returns the length written. */
size_t esc_text(const void *data, size_t n, char *out, size_t cap, size_t *used);

/* Writes s as the body of a JSON string (no quotes): ", \ and control
 * characters escaped, invalid UTF-8 as \u00NN of each byte so the result
 * is always valid JSON. Returns the length written (NUL-terminated). */
size_t esc_json(const void *data, size_t n, char *out, size_t cap);

/* n bytes as lowercase hex, two digits each (NUL-terminated; stops at a
 * whole byte when cap is short). Returns the length written. */
size_t esc_hex(const void *data, size_t n, char *out, size_t cap);

/* ASCII-only output for esc_text (on: a non-UTF-8 terminal). Set it
 * before starting threads that format text; esc_ascii says which. */
void esc_set_ascii(bool on);
bool esc_ascii(void);
/* Whether the current LC_CTYPE (after setlocale) is UTF-8. */
bool esc_locale_is_utf8(void);

/* Whether esc_text writes code point cp as \u{...} (see above). */
bool esc_is_invisible(unsigned cp);

/* How many bytes at the end of data[0..n) begin a UTF-8 sequence that is
 * not complete yet (0..3): a reader that escapes what it received holds
 * them back for the next read, so a character is not split in two. */
size_t esc_incomplete_tail(const void *data, size_t n);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t esc_utf8_len(const unsigned char *s, size_t n);

#endif
