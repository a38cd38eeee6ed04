/*
 * fuzz_event: event_format_json and event_format_text on events filled
 * from fuzz bytes.
 *
 * Every field is fuzzed (enums also one past their range), within what
 * the core itself guarantees: tv_nsec below 1e9, a time within ~17000
 * years of 1970, NUL-terminated syscall and message (they are always
 * written with snprintf), the preview set through event_set_data.
 * The JSON, at EVENT_FORMAT_MAX, must pass json_check (a strict
 * validator, self-tested at start) as one object; with a short buffer it
 * must stay inside it. The text line, with syscall and message made
 * printable (they are program text, never peer bytes), must be valid
 * UTF-8 without a single control character, whatever the payload and
 * the addresses hold.
 */
#include <string.h>

#include "fuzz_util.h"
#include "json_check.h"
#include "socklab/event.h"

static void fill_addr(struct fuzz_in *in, struct sockaddr_storage *ss, uint8_t how)
{
	fuzz_bytes(in, ss, sizeof *ss);
	if (how == 0)
		ss->ss_family = AF_INET;
	else if (how == 1)
		ss->ss_family = AF_INET6;
	else if (how == 2)
		ss->ss_family = AF_UNSPEC;
}

static void fill_string(struct fuzz_in *in, char *dst, size_t cap)
{
	size_t n = fuzz_u8(in) % cap;

	fuzz_bytes(in, dst, n);
	dst[n] = '\0';
}

static void check_terminal_safe(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = fuzz_utf8_decode(p + i, n - i, &cp);

		FUZZ_CHECK(k > 0);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f));
		i += k;
	}
}

static void printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s >= 0x7f)
			*s = '?';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t flags;
	struct event ev;
	size_t n, cap;
	char *out;
	char why[128];

	event_init(&ev, (enum event_kind)(fuzz_u8(&in) % (EV_KIND_COUNT + 1)));
	flags = fuzz_u8(&in);
	ev.time.tv_sec = (time_t)((int64_t)(fuzz_u64(&in) >> 24) - ((int64_t)1 << 39));
	ev.time.tv_nsec = (long)(fuzz_u32(&in) % 1000000000u);
	ev.server = fuzz_u32(&in);
	ev.conn = fuzz_u64(&in);
	ev.transport = (enum transport)(fuzz_u8(&in) % (TRANSPORT_COUNT + 1));
	ev.service = (enum service)(fuzz_u8(&in) % (SERVICE_COUNT + 1));
	ev.family = (enum family)(fuzz_u8(&in) % (FAMILY_COUNT + 1));
	ev.reason = (enum close_reason)(fuzz_u8(&in) % (CLOSE_LOCAL + 2));
	ev.err = (int)(int16_t)fuzz_u16(&in);
	ev.ret = (int)fuzz_u32(&in);
	ev.v6only = fuzz_u8(&in) % 3 - 1;
	ev.count = fuzz_u64(&in);
	ev.has_local = flags & 1;
	ev.has_peer = flags & 2;
	ev.truncated = flags & 4;
	fill_addr(&in, &ev.local, (flags >> 3) & 3);
	fill_addr(&in, &ev.peer, (flags >> 5) & 3);
	fill_string(&in, ev.syscall, sizeof ev.syscall);
	fill_string(&in, ev.message, sizeof ev.message);
	if (flags & 0x80) {
		uint64_t bytes = fuzz_u64(&in);

		event_set_data(&ev, in.p, in.n);
		if (bytes > ev.bytes)
			ev.bytes = bytes; /* a preview cut from a bigger payload */
	} else {
		event_set_data(&ev, in.p, in.n);
	}

	out = malloc(EVENT_FORMAT_MAX);
	if (out == NULL)
		abort();
	n = event_format_json(&ev, out, EVENT_FORMAT_MAX);
	FUZZ_CHECK(n < EVENT_FORMAT_MAX && strlen(out) == n);
	if (!json_check(out, n, why, sizeof why)) {
		fprintf(stderr, "not JSON (%s): %s\n", why, out);
		FUZZ_CHECK(!"event_format_json gives valid JSON");
	}
	FUZZ_CHECK(strncmp(out, "{\"event\":\"", 10) == 0 && out[n - 1] == '}');
	free(out);

	/* A short buffer: cut, but never overrun (exact-size buffer). */
	cap = (ev.conn & 0x3ff) + 1;
	out = malloc(cap);
	if (out == NULL)
		abort();
	n = event_format_json(&ev, out, cap);
	FUZZ_CHECK(n < cap && strlen(out) == n);
	n = event_format_text(&ev, out, cap);
	FUZZ_CHECK(n < cap && strlen(out) == n);
	free(out);

	printable(ev.syscall);
	printable(ev.message);
	out = malloc(EVENT_FORMAT_MAX);
	if (out == NULL)
		abort();
	n = event_format_text(&ev, out, EVENT_FORMAT_MAX);
	FUZZ_CHECK(n < EVENT_FORMAT_MAX && strlen(out) == n);
	check_terminal_safe(out, n);
	free(out);
	return 0;
}

/* json_check is the oracle here: make sure it tells good from bad. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const good[] = {
		"{}", "[]", "0", "-0.5e+3", "\"\"", " {\"a\":[1,true,false,null,\"x\"]} ",
		"\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\xc3\xa9\xf0\x9f\x98\x80\"",
		"{\"a\":{\"a\":1},\"b\":2}",
	};
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "1e", "tru", "nul",
		"\"\x01\"", "\"\\x41\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
		"\"\\ud800\\u0041\"", "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"abc",
		"{\"a\":1,\"a\":2}", "{\"a\" 1}", "{1:2}", "[1 2]", "{} {}", "'a'", "\"\x7f\"x",
	};

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!json_check(good[i], strlen(good[i]), NULL, 0)) {
			fprintf(stderr, "json_check rejects valid %s\n", good[i]);
			abort();
		}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (json_check(bad[i], strlen(bad[i]), NULL, 0)) {
			fprintf(stderr, "json_check accepts invalid %s\n", bad[i]);
			abort();
		}
	return 0;
}
