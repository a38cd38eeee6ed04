/*
 * hexdump: hex + ASCII rows of recorded payload (see hexdump.h).
 */
#include "socklab/hexdump.h"

#include <stdio.h>
#include <string.h>

#include "socklab/msg.h"

size_t hexdump_rows(size_t n)
{
	return (n + HEXDUMP_PER_ROW - 1) / HEXDUMP_PER_ROW;
}

size_t hexdump_row(const void *data, size_t n, size_t row, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *d = data;
	char buf[HEXDUMP_ROW_MAX + 32];
	size_t off = row * HEXDUMP_PER_ROW, len, k;
	int w;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (row >= hexdump_rows(n))
		return 0;
	w = snprintf(buf, sizeof buf, "%04zx  ", off);
	len = w > 0 ? (size_t)w : 0;
	for (size_t i = 0; i < HEXDUMP_PER_ROW; i++) {
		if (i == 8)
			buf[len++] = ' ';
		if (off + i < n) {
			buf[len++] = hex[d[off + i] >> 4];
			buf[len++] = hex[d[off + i] & 15];
		} else {
			buf[len++] = ' ';
			buf[len++] = ' ';
		}
		buf[len++] = ' ';
	}
	buf[len++] = ' ';
	buf[len++] = '|';
	for (size_t i = 0; i < HEXDUMP_PER_ROW && off + i < n; i++) {
		unsigned char c = d[off + i];

		buf[len++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	buf[len++] = '|';
	buf[len] = '\0';
	k = len < cap ? len : cap - 1;
	memcpy(out, buf, k);
	out[k] = '\0';
	return k;
}

size_t hexdump_note(size_t kept, uint64_t total, char *out, size_t cap)
{
	int w;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (total <= kept)
		return 0;
	w = snprintf(out, cap, msg_tr(MSG_HEXDUMP_CUT), kept, (unsigned long long)total);
	if (w < 0)
		return 0;
	return (size_t)w < cap ? (size_t)w : cap - 1;
}

size_t hexdump_format(const void *data, size_t n, uint64_t total, char *out, size_t cap)
{
	char line[HEXDUMP_ROW_MAX + 256];
	size_t len = 0, rows = hexdump_rows(n);

	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (size_t r = 0; r <= rows; r++) {
		size_t k = r < rows ? hexdump_row(data, n, r, line, sizeof line)
				    : hexdump_note(n, total, line, sizeof line);

		if (k == 0)
			continue;
		if (len + k + 2 > cap)
			break;
		memcpy(out + len, line, k);
		len += k;
		out[len++] = '\n';
		out[len] = '\0';
	}
	return len;
}
