/*
 * fuzz_util: the fuzz-byte reader and the reference UTF-8 decoder shared
 * by the targets (see fuzz_util.h).
 */
#include "fuzz_util.h"
#include "json_check.h"

#include <string.h>

uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v = 0;

	fuzz_bytes(in, &v, 1);
	return v;
}

uint16_t fuzz_u16(struct fuzz_in *in)
{
	return (uint16_t)(fuzz_u8(in) | fuzz_u8(in) << 8);
}

uint32_t fuzz_u32(struct fuzz_in *in)
{
	return (uint32_t)fuzz_u16(in) | (uint32_t)fuzz_u16(in) << 16;
}

uint64_t fuzz_u64(struct fuzz_in *in)
{
	return (uint64_t)fuzz_u32(in) | (uint64_t)fuzz_u32(in) << 32;
}

size_t fuzz_bytes(struct fuzz_in *in, void *dst, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	if (k > 0)
		memcpy(dst, in->p, k);
	if (n > k)
		memset((char *)dst + k, 0, n - k);
	in->p += k;
	in->n -= k;
	return k;
}

size_t fuzz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	return json_utf8_decode(s, n, cp);
}

bool fuzz_utf8_valid(const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = fuzz_utf8_decode(p + i, n - i, &cp);

		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

char *fuzz_strndup(const void *s, size_t n)
{
	char *c = malloc(n + 1);

	if (c == NULL)
		abort();
	if (n > 0)
		memcpy(c, s, n);
	c[n] = '\0';
	return c;
}
