/*
 * test_export: a session of events written as CSV and as JSON Lines and
 * every line read back: CSV by a small RFC 4180 reader written here (11
 * columns, from/to following the direction, quotes doubled, the hex column
 * decoding to the recorded bytes), JSON Lines by json_check.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "socklab/addr.h"
#include "socklab/export.h"
#include "json_check.h"

#define NCOLS 11
#define FIELD_MAX (EVENT_PREVIEW_MAX * 4 + 64)

enum {
	C_TIME,
	C_SERVER,
	C_EVENT,
	C_TRANSPORT,
	C_FROM,
	C_FROM_PORT,
	C_TO,
	C_TO_PORT,
	C_BYTES,
	C_ASCII,
	C_HEX
};

struct row {
	int n;
	char f[NCOLS + 1][FIELD_MAX];
};

/* Reads one CSV record from s (RFC 4180); returns where the next starts,
 * or NULL when the record is malformed. */
static const char *csv_read(const char *s, struct row *r)
{
	r->n = 0;
	for (;;) {
		size_t k = 0;
		char *out;

		if (r->n > NCOLS)
			return NULL;
		out = r->f[r->n++];
		if (*s == '"') {
			s++;
			for (;;) {
				if (*s == '\0')
					return NULL;
				if (*s == '"' && s[1] == '"') {
					out[k++] = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					out[k++] = *s++;
				}
				if (k + 1 >= FIELD_MAX)
					return NULL;
			}
			if (*s != ',' && *s != '\n')
				return NULL;
		} else {
			while (*s != ',' && *s != '\n' && *s != '\0') {
				if (*s == '"' || *s == '\r' || k + 1 >= FIELD_MAX)
					return NULL;
				out[k++] = *s++;
			}
		}
		out[k] = '\0';
		if (*s == ',') {
			s++;
			continue;
		}
		if (*s != '\n')
			return NULL;
		return s + 1;
	}
}

static void set_addr(struct sockaddr_storage *ss, const char *host, uint16_t port)
{
	char err[128];

	assert_int_equal(addr_parse_numeric(host, port, AF_UNSPEC, ss, err, sizeof err), 0);
}

static void mk(struct event *ev, enum event_kind kind, unsigned server, const char *local,
	       uint16_t lport, const char *peer, uint16_t pport, const void *data, size_t n)
{
	event_init(ev, kind);
	ev->time.tv_sec = 1700000000; /* 2023-11-14T22:13:20Z */
	ev->time.tv_nsec = 123456789;
	ev->server = server;
	ev->transport = kind == EV_DGRAM_IN || kind == EV_DGRAM_OUT ? TRANSPORT_UDP : TRANSPORT_TCP;
	if (local) {
		ev->has_local = true;
		set_addr(&ev->local, local, lport);
	}
	if (peer) {
		ev->has_peer = true;
		set_addr(&ev->peer, peer, pport);
	}
	if (data)
		event_set_data(ev, data, n);
}

#define NEVENTS 8

static struct event *session(void)
{
	static struct event evs[NEVENTS];
	static uint8_t big[6000];
	static const char nasty[] = "a,b \"q\"\r\n\x1b[31m\x00\xff ";

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7);
	mk(&evs[0], EV_LISTEN, 1, "127.0.0.1", 9101, NULL, 0, NULL, 0);
	mk(&evs[1], EV_ACCEPT, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, NULL, 0);
	mk(&evs[2], EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "hola\n", 5);
	mk(&evs[3], EV_SEND, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "eco: hola\n", 10);
	mk(&evs[4], EV_DGRAM_IN, 3, "0.0.0.0", 9201, "::ffff:127.0.0.1", 40000, nasty,
	   sizeof nasty - 1);
	mk(&evs[5], EV_DGRAM_OUT, 3, "0.0.0.0", 9201, "::ffff:127.0.0.1", 40000, big, sizeof big);
	mk(&evs[6], EV_CLOSE, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, NULL, 0);
	evs[6].reason = CLOSE_PEER_EOF;
	event_init(&evs[7], EV_DROPPED);
	evs[7].time = evs[0].time;
	evs[7].count = 12;
	return evs;
}

static char *write_all(enum export_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct event *evs = session();

	assert_non_null(f);
	assert_int_equal(export_begin(f, fmt), 0);
	for (int i = 0; i < NEVENTS; i++)
		assert_int_equal(export_event(f, fmt, &evs[i]), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void check_hex(const char *hex, const struct event *ev)
{
	assert_int_equal(strlen(hex), 2 * (size_t)ev->preview_len);
	for (size_t i = 0; i < ev->preview_len; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		assert_int_equal(v, ev->preview[i]);
	}
}

static void test_csv(void **state)
{
	static struct row r;
	size_t len;
	char *buf = write_all(EXPORT_CSV, &len);
	const char *p = buf;
	struct event *evs = session();

	(void)state;
	assert_int_equal(strlen(buf), len); /* no NUL byte inside */
	p = csv_read(p, &r);
	assert_non_null(p);
	assert_int_equal(r.n, NCOLS);
	assert_string_equal(r.f[C_FROM], "from address");
	assert_string_equal(r.f[C_HEX], "hex");
	for (int i = 0; i < NEVENTS; i++) {
		const struct event *ev = &evs[i];
		char n[32];

		p = csv_read(p, &r);
		if (p == NULL)
			fail_msg("row %d does not parse", i);
		assert_int_equal(r.n, NCOLS);
		assert_string_equal(r.f[C_TIME], "2023-11-14T22:13:20.123Z");
		snprintf(n, sizeof n, "%u", ev->server);
		assert_string_equal(r.f[C_SERVER], n);
		assert_string_equal(r.f[C_EVENT], event_kind_name(ev->kind));
		snprintf(n, sizeof n, "%llu", (unsigned long long)ev->bytes);
		assert_string_equal(r.f[C_BYTES], n);
		check_hex(r.f[C_HEX], ev);
		for (const char *c = r.f[C_ASCII]; *c; c++)
			assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
	}
	assert_int_equal(*p, '\0');
	free(buf);

	/* Direction, the quoting of a nasty payload, a cut one: row by row. */
	buf = write_all(EXPORT_CSV, &len);
	p = csv_read(buf, &r);
	p = csv_read(p, &r); /* listen: only a local address */
	assert_string_equal(r.f[C_FROM], "127.0.0.1");
	assert_string_equal(r.f[C_FROM_PORT], "9101");
	assert_string_equal(r.f[C_TO], "");
	assert_string_equal(r.f[C_TO_PORT], "");
	assert_string_equal(r.f[C_TRANSPORT], "tcp");
	p = csv_read(p, &r); /* accept: the peer came to us */
	assert_string_equal(r.f[C_FROM], "127.0.0.1");
	assert_string_equal(r.f[C_FROM_PORT], "50000");
	assert_string_equal(r.f[C_TO_PORT], "9101");
	p = csv_read(p, &r); /* recv: peer -> local */
	assert_string_equal(r.f[C_FROM_PORT], "50000");
	assert_string_equal(r.f[C_TO_PORT], "9101");
	assert_string_equal(r.f[C_ASCII], "hola\\n");
	assert_string_equal(r.f[C_HEX], "686f6c610a");
	p = csv_read(p, &r); /* send: local -> peer */
	assert_string_equal(r.f[C_FROM_PORT], "9101");
	assert_string_equal(r.f[C_TO_PORT], "50000");
	assert_string_equal(r.f[C_ASCII], "eco: hola\\n");
	p = csv_read(p, &r); /* dgram-in from a mapped peer, shown raw */
	assert_string_equal(r.f[C_TRANSPORT], "udp");
	assert_string_equal(r.f[C_FROM], "::ffff:127.0.0.1");
	assert_string_equal(r.f[C_FROM_PORT], "40000");
	assert_string_equal(r.f[C_TO], "0.0.0.0");
	assert_string_equal(r.f[C_ASCII], "a,b \"q\"\\r\\n\\x1b[31m\\x00\\xff ");
	assert_string_equal(r.f[C_HEX], "612c62202271220d0a1b5b33316d00ff20");
	p = csv_read(p, &r); /* dgram-out: local -> peer, 6000 bytes, 4096 kept */
	assert_string_equal(r.f[C_FROM], "0.0.0.0");
	assert_string_equal(r.f[C_TO], "::ffff:127.0.0.1");
	assert_string_equal(r.f[C_BYTES], "6000");
	assert_int_equal(strlen(r.f[C_HEX]), 2 * EVENT_PREVIEW_MAX);
	p = csv_read(p, &r); /* close */
	assert_string_equal(r.f[C_FROM_PORT], "50000");
	p = csv_read(p, &r); /* dropped: no transport, no address */
	assert_string_equal(r.f[C_EVENT], "dropped");
	assert_string_equal(r.f[C_TRANSPORT], "");
	assert_string_equal(r.f[C_FROM], "");
	assert_string_equal(r.f[C_ASCII], "");
	assert_int_equal(*p, '\0');
	free(buf);
}

static void test_jsonl(void **state)
{
	size_t len;
	char *buf = write_all(EXPORT_JSONL, &len);
	struct event *evs = session();
	const char *p = buf;
	char s[EVENT_PREVIEW_MAX * 4];

	(void)state;
	for (int i = 0; i < NEVENTS; i++) {
		const char *nl = strchr(p, '\n');

		assert_non_null(nl);
		if (!json_valid(p, (size_t)(nl - p)))
			fail_msg("line %d is not JSON: %.*s", i, (int)(nl - p), p);
		assert_true(json_get_str(p, (size_t)(nl - p), "event", s, sizeof s));
		assert_string_equal(s, event_kind_name(evs[i].kind));
		assert_true(json_get_str(p, (size_t)(nl - p), "time", s, sizeof s));
		assert_string_equal(s, "2023-11-14T22:13:20.123Z");
		if (evs[i].kind == EV_DGRAM_IN) {
			assert_true(json_get_str(p, (size_t)(nl - p), "data", s, sizeof s));
			assert_memory_equal(s, evs[i].preview, evs[i].preview_len - 2);
		}
		/* Every payload also as hex: the exact bytes. */
		if (json_member(p, (size_t)(nl - p), "data") != JSON_NONE) {
			static char hex[EVENT_PREVIEW_MAX * 2 + 1];

			assert_true(json_get_str(p, (size_t)(nl - p), "hex", hex, sizeof hex));
			check_hex(hex, &evs[i]);
		} else {
			assert_int_equal(json_member(p, (size_t)(nl - p), "hex"), JSON_NONE);
		}
		p = nl + 1;
	}
	assert_int_equal(*p, '\0');
	free(buf);
}

/* 0xff and U+00FF read the same in "data"; "hex" tells them apart. */
static void test_jsonl_lossless(void **state)
{
	struct event a, b;
	static char la[EXPORT_ROW_MAX], lb[EXPORT_ROW_MAX];
	char da[64], db[64], ha[64], hb[64];

	(void)state;
	mk(&a, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "\xff", 1);
	mk(&b, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "\xc3\xbf", 2);
	event_format_json(&a, la, sizeof la);
	event_format_json(&b, lb, sizeof lb);
	assert_true(json_get_str(la, strlen(la), "data", da, sizeof da));
	assert_true(json_get_str(lb, strlen(lb), "data", db, sizeof db));
	assert_string_equal(da, db); /* both U+00FF as text */
	assert_true(json_get_str(la, strlen(la), "hex", ha, sizeof ha));
	assert_true(json_get_str(lb, strlen(lb), "hex", hb, sizeof hb));
	assert_string_equal(ha, "ff");
	assert_string_equal(hb, "c3bf");
}

/* A peer's payload that a spreadsheet would run as a formula stays text. */
static void test_csv_formulas(void **state)
{
	static const char *const risky[] = {"=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"};
	static struct row r;
	static char line[EXPORT_ROW_MAX + 1];
	struct event ev;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof risky / sizeof risky[0]; i++) {
		mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, risky[i],
		   strlen(risky[i]));
		n = export_csv_row(&ev, line, EXPORT_ROW_MAX);
		line[n] = '\n';
		line[n + 1] = '\0';
		assert_non_null(csv_read(line, &r));
		assert_int_equal(r.f[C_ASCII][0], '\'');
		assert_string_equal(r.f[C_ASCII] + 1, risky[i]);
		check_hex(r.f[C_HEX], &ev);
		for (int c = 0; c < NCOLS; c++)
			assert_false(strchr("=+-@\t\r", r.f[c][0]) != NULL && r.f[c][0] != '\0');
	}
	mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "hola=1", 6);
	n = export_csv_row(&ev, line, EXPORT_ROW_MAX);
	line[n] = '\n';
	line[n + 1] = '\0';
	assert_non_null(csv_read(line, &r));
	assert_string_equal(r.f[C_ASCII], "hola=1"); /* only a leading sign is a risk */
}

/* An export is a file: a FIFO (that nobody reads), a device or a
 * directory is refused at once, never blocking. */
static void test_open_refuses(void **state)
{
	char dir[] = "/tmp/socklab-export-XXXXXX", path[300], err[400];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_null(export_open(path, err, sizeof err));
	assert_non_null(strstr(err, "a FIFO, not a regular file"));
	unlink(path);
	assert_null(export_open("/dev/null", err, sizeof err));
	assert_non_null(strstr(err, "/dev/null: a device, not a regular file"));
	assert_null(export_open(dir, err, sizeof err));
	assert_non_null(strstr(err, "a directory, not a regular file"));
	snprintf(path, sizeof path, "%s/ok.csv", dir);
	f = export_open(path, err, sizeof err);
	assert_non_null(f);
	assert_int_equal(export_begin(f, EXPORT_CSV), 0);
	assert_int_equal(fclose(f), 0);
	unlink(path);
	rmdir(dir);
}

static void test_names(void **state)
{
	enum export_format f;

	(void)state;
	assert_int_equal(export_format_from_name("csv", &f), 0);
	assert_int_equal(f, EXPORT_CSV);
	assert_int_equal(export_format_from_name("jsonl", &f), 0);
	assert_int_equal(f, EXPORT_JSONL);
	assert_int_equal(export_format_from_name("xml", &f), -1);
	assert_string_equal(export_format_name(EXPORT_CSV), "csv");
	/* Writing to a stream that fails says so. */
	{
		FILE *ro = fopen("/dev/null", "r");
		struct event *evs = session();

		assert_non_null(ro);
		assert_int_equal(export_event(ro, EXPORT_JSONL, &evs[2]), -1);
		fclose(ro);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_jsonl),
	    cmocka_unit_test(test_jsonl_lossless),
	    cmocka_unit_test(test_csv_formulas),
	    cmocka_unit_test(test_open_refuses),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
