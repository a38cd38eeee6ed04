/*
 * fuzz_event: event_format_json and event_format_text on events filled
 * from fuzz bytes.
 *
 * The event comes from event_fill (every field fuzzed, within what the
 * core guarantees).
 * The JSON, at EVENT_FORMAT_MAX, must pass json_check (a strict
 * validator, self-tested at start) as one object; with a short buffer it
 * must stay inside it. The text line, with syscall and message made
 * printable (they are program text, never peer bytes), must be valid
 * UTF-8 without a single control character, whatever the payload and
 * the addresses hold.
 */
#include <string.h>

#include "fuzz_util.h"
#include "event_fill.h"
#include "json_check.h"

static void printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s >= 0x7f)
			*s = '?';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct event ev;
	size_t n, cap;
	char *out;
	char why[128];

	event_fill(&in, &ev);

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
	/* Where there is data, hex holds exactly the recorded bytes. */
	if (json_member(out, n, "data") != JSON_NONE) {
		static char hex[EVENT_PREVIEW_MAX * 2 + 1], want[EVENT_PREVIEW_MAX * 2 + 1];

		FUZZ_CHECK(json_get_str(out, n, "hex", hex, sizeof hex));
		for (size_t i = 0; i < ev.preview_len; i++)
			snprintf(want + 2 * i, 3, "%02x", ev.preview[i]);
		want[2 * ev.preview_len] = '\0';
		FUZZ_CHECK(strcmp(hex, want) == 0);
	}
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
	event_fill_check_safe(out, n);
	free(out);
	return 0;
}

/* json_check is the oracle here: make sure it tells good from bad. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const good[] = {
	    "{}",
	    "[]",
	    "0",
	    "-0.5e+3",
	    "\"\"",
	    " {\"a\":[1,true,false,null,\"x\"]} ",
	    "\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
	    "\"\xc3\xa9\xf0\x9f\x98\x80\"",
	    "{\"a\":{\"a\":1},\"b\":2}",
	};
	static const char *const bad[] = {
	    "",
	    "{",
	    "{\"a\":1,}",
	    "[1,]",
	    "01",
	    "1.",
	    ".5",
	    "+1",
	    "1e",
	    "tru",
	    "nul",
	    "\"\x01\"",
	    "\"\\x41\"",
	    "\"\\u12\"",
	    "\"\\ud800\"",
	    "\"\\udc00\"",
	    "\"\\ud800\\u0041\"",
	    "\"\xff\"",
	    "\"\xc0\xaf\"",
	    "\"\xed\xa0\x80\"",
	    "\"abc",
	    "{\"a\":1,\"a\":2}",
	    "{\"a\" 1}",
	    "{1:2}",
	    "[1 2]",
	    "{} {}",
	    "'a'",
	    "\"\x7f\"x",
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
