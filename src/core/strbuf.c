/*
 * strbuf: bounded text appending (see strbuf.h).
 */
#include "socklab/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct strbuf strbuf_on(char *p, size_t cap)
{
	struct strbuf b = {p, 0, cap};

	if (cap > 0)
		p[0] = '\0';
	return b;
}

void strbuf_fmt(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len + 1 >= b->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n < b->cap - b->len ? (size_t)n : b->cap - b->len - 1;
}

void strbuf_put(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + 1 >= b->cap)
		return;
	if (n > b->cap - b->len - 1)
		n = b->cap - b->len - 1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void strbuf_put_u(struct strbuf *b, unsigned long long v)
{
	char d[20];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	strbuf_put(b, d + i, sizeof d - i);
}
