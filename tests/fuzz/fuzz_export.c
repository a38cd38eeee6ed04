/*
 * fuzz_export: the CSV and JSON Lines writers on events filled from fuzz
 * bytes (event_fill).
 *
 * A CSV row is one line (no CR or LF, no control character, valid UTF-8)
 * that an RFC 4180 reader splits into exactly the header's 11 fields,
 * and those fields say what the event holds: kind, server, real byte
 * count, the payload escaped as esc_text does and in lowercase hex, and
 * the addresses in the direction export_inbound gives. A short buffer is
 * never overrun. export_event writes exactly one line: the row, or a
 * JSON object that json_check accepts.
 */
#include <string.h>

#include "event_fill.h"
#include "json_check.h"
#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/export.h"

#define CSV_FIELDS 11

/* Splits an RFC 4180 record into at most max fields (unquoted, into
 * store). Returns the field count, or -1 when the quoting is broken. */
static int csv_split(const char *s, size_t n, char **field, int max, char *store)
{
	size_t i = 0, o = 0;
	int k = 0;

	for (;;) {
		if (k == max)
			return -1;
		field[k++] = store + o;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						store[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				store[o++] = s[i++];
			}
			if (i < n && s[i] != ',')
				return -1;
		} else {
			while (i < n && s[i] != ',') {
				if (s[i] == '"')
					return -1;
				store[o++] = s[i++];
			}
		}
		store[o++] = '\0';
		if (i == n)
			return k;
		i++; /* the comma */
	}
}

static void check_addr(char **f, bool has, const struct sockaddr_storage *ss)
{
	char host[ADDR_TEXT_MAX], port[8];

	if (!has || addr_len((const void *)ss) == 0) {
		FUZZ_CHECK(f[0][0] == '\0' && f[1][0] == '\0');
		return;
	}
	addr_host((const void *)ss, host, sizeof host);
	snprintf(port, sizeof port, "%u", addr_port((const void *)ss));
	FUZZ_CHECK(strcmp(f[0], host) == 0 && strcmp(f[1], port) == 0);
}

static void check_csv(const struct event *ev, const char *row, size_t n)
{
	static char store[EXPORT_ROW_MAX], text[EVENT_PREVIEW_MAX * 4 + 1],
	    hex[EVENT_PREVIEW_MAX * 2 + 1];
	char *f[CSV_FIELDS + 1], num[32];
	bool in = export_inbound(ev);

	FUZZ_CHECK(memchr(row, '\n', n) == NULL && memchr(row, '\r', n) == NULL);
	event_fill_check_safe(row, n);
	FUZZ_CHECK(csv_split(row, n, f, CSV_FIELDS + 1, store) == CSV_FIELDS);
	snprintf(num, sizeof num, "%u", ev->server);
	FUZZ_CHECK(strcmp(f[1], num) == 0);
	FUZZ_CHECK(strcmp(f[2], event_kind_name(ev->kind)) == 0);
	check_addr(f + 4, in ? ev->has_peer : ev->has_local, in ? &ev->peer : &ev->local);
	check_addr(f + 6, in ? ev->has_local : ev->has_peer, in ? &ev->local : &ev->peer);
	snprintf(num, sizeof num, "%llu", (unsigned long long)ev->bytes);
	FUZZ_CHECK(strcmp(f[8], num) == 0);
	esc_text(ev->preview, ev->preview_len, text, sizeof text, NULL);
	/* A cell a spreadsheet would take for a formula starts with '. */
	if (text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL)
		FUZZ_CHECK(f[9][0] == '\'' && strcmp(f[9] + 1, text) == 0);
	else
		FUZZ_CHECK(strcmp(f[9], text) == 0);
	for (int i = 0; i < CSV_FIELDS; i++)
		FUZZ_CHECK(f[i][0] == '\0' || strchr("=+-@\t\r", f[i][0]) == NULL);
	for (size_t i = 0; i < ev->preview_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", ev->preview[i]);
	hex[2 * ev->preview_len] = '\0';
	FUZZ_CHECK(strcmp(f[10], hex) == 0);
}

/* export_event's output for one event: exactly one line, returned in a
 * malloc'ed buffer without its newline. */
static char *export_line(enum export_format fmt, const struct event *ev, size_t *len)
{
	size_t cap = EXPORT_ROW_MAX + 16;
	char *buf = calloc(1, cap);
	FILE *f;
	long n;

	if (buf == NULL || (f = fmemopen(buf, cap, "w")) == NULL)
		abort();
	FUZZ_CHECK(export_event(f, fmt, ev) == 0);
	n = ftell(f);
	fclose(f);
	FUZZ_CHECK(n > 0 && (size_t)n < cap);
	FUZZ_CHECK(buf[n - 1] == '\n' && memchr(buf, '\n', (size_t)n - 1) == NULL);
	*len = (size_t)n - 1;
	buf[*len] = '\0';
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event ev;
	struct fuzz_in in = {data, size};
	char *row = malloc(EXPORT_ROW_MAX), *line, *small, why[128];
	size_t n, cap, len;

	if (row == NULL)
		abort();
	event_fill(&in, &ev);
	n = export_csv_row(&ev, row, EXPORT_ROW_MAX);
	FUZZ_CHECK(n < EXPORT_ROW_MAX && strlen(row) == n);
	check_csv(&ev, row, n);

	line = export_line(EXPORT_CSV, &ev, &len);
	FUZZ_CHECK(len == n && memcmp(line, row, n) == 0);
	free(line);
	line = export_line(EXPORT_JSONL, &ev, &len);
	if (!json_check(line, len, why, sizeof why)) {
		fprintf(stderr, "JSON line is not JSON (%s): %s\n", why, line);
		FUZZ_CHECK(!"valid JSON line");
	}
	free(line);

	cap = (ev.conn & 0x1ff) + 1;
	small = malloc(cap);
	if (small == NULL)
		abort();
	len = export_csv_row(&ev, small, cap);
	FUZZ_CHECK(len < cap && strlen(small) == len && memcmp(small, row, len) == 0);
	len = export_csv_header(small, cap);
	FUZZ_CHECK(len < cap && strlen(small) == len);
	free(small);
	free(row);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char head[256], store[256], *f[CSV_FIELDS + 1];
	size_t n = export_csv_header(head, sizeof head);

	(void)argc;
	(void)argv;
	if (csv_split(head, n, f, CSV_FIELDS + 1, store) != CSV_FIELDS) {
		fprintf(stderr, "the CSV header does not have %d fields: %s\n", CSV_FIELDS, head);
		abort();
	}
	return 0;
}
