/*
 * fuzz_hexdump: the hex + ASCII dump of recorded payload.
 *
 * Input: 1 byte picking a cap, 8 bytes of "real size", then the bytes.
 * There are ceil(n / 16) rows; each is shorter than HEXDUMP_ROW_MAX,
 * holds no control character, starts with its offset, and its hex and
 * ASCII columns read back as exactly its 16 (or fewer) bytes. The whole
 * dump is the rows and then the truncation note when fewer bytes were
 * kept than the real size, one per line; with a short buffer it is a
 * prefix of that ending at a whole line. Nothing is written past a cap.
 */
#include <string.h>

#include "event_fill.h"
#include "socklab/hexdump.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void check_row(const uint8_t *d, size_t n, size_t r, const char *row, size_t len)
{
	char off[32];
	size_t ol = (size_t)snprintf(off, sizeof off, "%04zx  ", r * HEXDUMP_PER_ROW);
	size_t have = n - r * HEXDUMP_PER_ROW, i = ol;
	const char *bar;

	if (have > HEXDUMP_PER_ROW)
		have = HEXDUMP_PER_ROW;
	FUZZ_CHECK(len < HEXDUMP_ROW_MAX && strlen(row) == len);
	event_fill_check_safe(row, len);
	FUZZ_CHECK(strncmp(row, off, ol) == 0);
	for (size_t k = 0; k < HEXDUMP_PER_ROW; k++) {
		if (k == 8) {
			FUZZ_CHECK(row[i] == ' ');
			i++;
		}
		if (k < have) {
			int hi = hexval(row[i]), lo = hexval(row[i + 1]);

			FUZZ_CHECK(hi >= 0 && lo >= 0 &&
				   (hi << 4 | lo) == d[r * HEXDUMP_PER_ROW + k]);
		} else {
			FUZZ_CHECK(row[i] == ' ' && row[i + 1] == ' ');
		}
		FUZZ_CHECK(row[i + 2] == ' ');
		i += 3;
	}
	FUZZ_CHECK(row[i] == ' ' && row[i + 1] == '|');
	bar = row + i + 2;
	FUZZ_CHECK(len == i + 2 + have + 1 && bar[have] == '|');
	for (size_t k = 0; k < have; k++) {
		uint8_t c = d[r * HEXDUMP_PER_ROW + k];

		FUZZ_CHECK(bar[k] == (c >= 0x20 && c < 0x7f ? (char)c : '.'));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	size_t capsel = fuzz_u8(&in), total_sel = fuzz_u64(&in);
	const uint8_t *d = in.p;
	size_t n = in.n, rows = hexdump_rows(n), cap, len, flen = 0;
	uint64_t total = (total_sel & 1) ? n + (total_sel >> 1) : n;
	size_t full_cap = (rows + 1) * (HEXDUMP_ROW_MAX + 256) + 1;
	char *full = malloc(full_cap), *want = malloc(full_cap), row[HEXDUMP_ROW_MAX], *small;

	if (full == NULL || want == NULL)
		abort();
	FUZZ_CHECK(rows * HEXDUMP_PER_ROW >= n && rows * HEXDUMP_PER_ROW < n + HEXDUMP_PER_ROW);
	for (size_t r = 0; r < rows; r++) {
		len = hexdump_row(d, n, r, row, sizeof row);
		check_row(d, n, r, row, len);
		memcpy(want + flen, row, len);
		flen += len;
		want[flen++] = '\n';
	}
	FUZZ_CHECK(hexdump_row(d, n, rows, row, sizeof row) == 0 && row[0] == '\0');
	len = hexdump_note(n, total, row, sizeof row);
	FUZZ_CHECK(len < sizeof row && strlen(row) == len);
	FUZZ_CHECK((len > 0) == (total > n));
	event_fill_check_safe(row, len);
	if (len > 0) {
		memcpy(want + flen, row, len);
		flen += len;
		want[flen++] = '\n';
	}
	len = hexdump_format(d, n, total, full, full_cap);
	FUZZ_CHECK(len == flen && memcmp(full, want, flen) == 0 && full[len] == '\0');

	cap = capsel * 3 + 1;
	small = malloc(cap);
	if (small == NULL)
		abort();
	len = hexdump_format(d, n, total, small, cap);
	FUZZ_CHECK(len < cap && strlen(small) == len && memcmp(small, full, len) == 0);
	FUZZ_CHECK(len == 0 || small[len - 1] == '\n');
	/* Stopping early is only for a line that does not fit. */
	if (len < flen) {
		const char *next = memchr(full + len, '\n', flen - len);

		FUZZ_CHECK(next != NULL && (size_t)(next - full) + 2 > cap);
	}
	if (rows > 0) {
		len = hexdump_row(d, n, rows - 1, small, cap);
		FUZZ_CHECK(len < cap && strlen(small) == len);
	}
	free(small);
	free(want);
	free(full);
	return 0;
}
