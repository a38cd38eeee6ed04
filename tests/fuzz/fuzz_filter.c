/*
 * fuzz_filter: the event filter's parser, its canonical form and matcher.
 *
 * Input: 1 byte picking the error buffer's size, then the expression up
 * to the first newline, then the payload of an event it is matched
 * against (the rest: a 1-byte kind, a 1-byte server, then the bytes).
 * Whatever filter_parse accepts, filter_format writes as printable ASCII
 * that filter_parse accepts again into the very same filter, which formats
 * to the same text; both decide the same for the event. What it rejects
 * gets a NUL-terminated message and leaves a filter that lets everything
 * through. A text term is checked against a naive case-folding search.
 */
#include <string.h>

#include "fuzz_util.h"
#include "socklab/filter.h"

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool naive_contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++) {
		size_t j = 0;

		while (j < k && fold(hay[i + j]) == fold(needle[j]))
			j++;
		if (j == k)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	size_t errcap = fuzz_u8(&in) % 200 + 1;
	const uint8_t *nl = memchr(in.p, '\n', in.n);
	size_t elen = nl ? (size_t)(nl - in.p) : in.n;
	char *expr = fuzz_strndup(in.p, elen);
	char *err = malloc(errcap);
	char *out = malloc(FILTER_FORMAT_MAX), *out2 = malloc(FILTER_FORMAT_MAX);
	static struct filter a, b;
	static struct event ev;
	size_t n, n2;

	if (err == NULL || out == NULL || out2 == NULL)
		abort();
	in.p += nl ? elen + 1 : elen;
	in.n -= nl ? elen + 1 : elen;
	event_init(&ev, (enum event_kind)(fuzz_u8(&in) % EV_KIND_COUNT));
	ev.server = fuzz_u8(&in) % 4;
	ev.has_peer = true;
	ev.peer.ss_family = AF_INET;
	event_set_data(&ev, in.p, in.n);

	if (filter_parse(expr, &a, err, errcap) < 0) {
		FUZZ_CHECK(memchr(err, '\0', errcap) != NULL);
		FUZZ_CHECK(filter_empty(&a));
		FUZZ_CHECK(filter_match(&a, &ev));
		goto done;
	}
	n = filter_format(&a, out, FILTER_FORMAT_MAX);
	FUZZ_CHECK(n < FILTER_FORMAT_MAX && strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(out[i] >= 0x20 && out[i] < 0x7f);
	if (filter_parse(out, &b, err, errcap) < 0) {
		fprintf(stderr, "'%s' formatted as '%s', which does not parse\n", expr, out);
		FUZZ_CHECK(!"formatted filter parses");
	}
	FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0);
	n2 = filter_format(&b, out2, FILTER_FORMAT_MAX);
	FUZZ_CHECK(n2 == n && memcmp(out, out2, n) == 0);
	FUZZ_CHECK(filter_match(&a, &ev) == filter_match(&b, &ev));
	if (a.keys == FILTER_TEXT)
		FUZZ_CHECK(filter_match(&a, &ev) ==
			   naive_contains(ev.preview, ev.preview_len, a.text, a.text_len));
done:
	free(out2);
	free(out);
	free(err);
	free(expr);
	return 0;
}
