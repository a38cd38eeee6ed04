/*
 * hexdump: recorded payload bytes as a classic hex + ASCII dump, 16 bytes
 * a row:
 *
 *   0000  68 6f 6c 61 0a 00 ff 41  42 43 44 45 46 47 48 49  |hola...ABCDEFGHI|
 *
 * Offsets are hexadecimal, at least four digits; the ASCII column shows
 * printable ASCII and '.' for every other byte, so a row never holds a
 * control character. When fewer bytes were kept than the event carried, a
 * note says so (MSG_HEXDUMP_CUT). Pure: no I/O, no allocation.
 */
#ifndef SOCKLAB_HEXDUMP_H
#define SOCKLAB_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>

#define HEXDUMP_PER_ROW 16
#define HEXDUMP_ROW_MAX 96 /* longest row, NUL included */

/* Rows of the dump of n bytes (0 for none). */
size_t hexdump_rows(size_t n);

/* Row `row` of the dump of data[0..n) into out (NUL-terminated when
 * cap > 0). Returns the length written, 0 when row is past the end. */
size_t hexdump_row(const void *data, size_t n, size_t row, char *out, size_t cap);

/* The truncation note for kept of total bytes, or "" (length 0) when all
 * of them were kept. */
size_t hexdump_note(size_t kept, uint64_t total, char *out, size_t cap);

/* The whole dump: every row, then the note when there is one, each line
 * ending in '\n'. Stops at whole lines when out is too small. Returns the
 * length written. */
size_t hexdump_format(const void *data, size_t n, uint64_t total, char *out, size_t cap);

#endif
