/*
 * fuzz_spec: the SPEC parser and formatter.
 *
 * Input: 1 byte picking the error buffer's size, then the text. Whatever
 * spec_parse accepts, spec_format writes back as text that spec_parse
 * accepts again, giving the same server (transport, service, family,
 * port, effective host), and formatting that gives the same text. What
 * it rejects gets a NUL-terminated message. Buffers are exactly the size
 * passed, so ASan sees any overrun.
 */
#include <string.h>

#include "fuzz_util.h"
#include "socklab/spec.h"

#define FUZZ_SPEC_OUT 512

static void check_same(const struct spec *a, const struct spec *b)
{
	FUZZ_CHECK(a->transport == b->transport);
	FUZZ_CHECK(a->service == b->service);
	FUZZ_CHECK(a->family == b->family);
	FUZZ_CHECK(a->port == b->port);
	FUZZ_CHECK(strcmp(spec_host(a), spec_host(b)) == 0);
	FUZZ_CHECK(spec_service_allowed(a->transport, a->service));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	size_t errcap = fuzz_u8(&in) % 160 + 1;
	char *text = fuzz_strndup(in.p, in.n);
	char *err = malloc(errcap);
	char *out = malloc(FUZZ_SPEC_OUT), *out2 = malloc(FUZZ_SPEC_OUT);
	struct spec a, b;
	size_t n, n2;

	if (err == NULL || out == NULL || out2 == NULL)
		abort();
	spec_default(&a);
	if (spec_parse(text, &a, err, errcap) < 0) {
		FUZZ_CHECK(memchr(err, '\0', errcap) != NULL);
		goto done;
	}
	FUZZ_CHECK(a.host[sizeof a.host - 1] == '\0' || strlen(a.host) < sizeof a.host);
	n = spec_format(&a, out, FUZZ_SPEC_OUT);
	FUZZ_CHECK(n < FUZZ_SPEC_OUT && strlen(out) == n);

	spec_default(&b);
	if (spec_parse(out, &b, err, errcap) < 0) {
		fprintf(stderr, "'%s' formatted as '%s', which does not parse: %s\n", text, out,
			err);
		FUZZ_CHECK(!"formatted spec parses");
	}
	check_same(&a, &b);
	n2 = spec_format(&b, out2, FUZZ_SPEC_OUT);
	FUZZ_CHECK(n2 == n && memcmp(out, out2, n) == 0);

	/* A short buffer still gets a NUL-terminated prefix. */
	for (size_t cap = 1; cap <= n + 1; cap += 7) {
		char *small = malloc(cap);

		if (small == NULL)
			abort();
		n2 = spec_format(&a, small, cap);
		FUZZ_CHECK(n2 < cap && strlen(small) == n2 && memcmp(small, out, n2) == 0);
		free(small);
	}
done:
	free(out2);
	free(out);
	free(err);
	free(text);
	return 0;
}
