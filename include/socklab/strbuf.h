/*
 * strbuf: a bounded appender over a caller's buffer, for the formatters
 * (event lines, filters, exports). Writes stop at the cap, the text stays
 * NUL-terminated, and len counts what fitted.
 */
#ifndef SOCKLAB_STRBUF_H
#define SOCKLAB_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *p;
	size_t len, cap;
};

/* An empty text in p[0..cap). */
struct strbuf strbuf_on(char *p, size_t cap);

void strbuf_fmt(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The n bytes of s, as strbuf_fmt(b, "%.*s", n, s) would append them,
 * without a format to parse: the formatters' hot paths use these. */
void strbuf_put(struct strbuf *b, const char *s, size_t n);

/* v in decimal, as "%llu". */
void strbuf_put_u(struct strbuf *b, unsigned long long v);

#endif
