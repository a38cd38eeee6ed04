/*
 * msg: a sentence as a code and values (see msg.h).
 *
 * The core writes its sentences in English and never translates them: an
 * event keeps the English text (JSON Lines stay stable) plus the sentence's
 * code, its English printf format, and the values it was given, each
 * already turned into text. The edge that shows the sentence looks the
 * format up in its catalogue (the translator it installed) and puts the
 * same values into the translated format, in the order the translation's
 * %N$ conversions ask for.
 */
#include "socklab/msg.h"

#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static msg_translator *translate;
static msg_ntranslator *ntranslate;
static _Atomic unsigned generation = 1;

void msg_set_translator(msg_translator *one, msg_ntranslator *plural)
{
	translate = one;
	ntranslate = plural;
	if (++generation == 0)
		generation = 1;
}

unsigned msg_generation(void)
{
	return generation;
}

const char *msg_tr(const char *english)
{
	return translate != NULL && english != NULL && english[0] ? translate(english) : english;
}

const char *msg_ntr(const char *one, const char *many, unsigned long n)
{
	if (ntranslate != NULL)
		return ntranslate(one, many, n);
	return n == 1 ? one : many;
}

/* One printf conversion: where it starts and ends in the format, its
 * explicit argument number (0: the next one), and its letter. */
struct conv {
	const char *start, *end;
	int argno;
	char letter;
	int length; /* 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't', 'D' long double */
	int stars;  /* '*' width and precision: ints taken first */
};

static const char *parse_conv(const char *p, struct conv *c)
{
	const char *q = p + 1;

	memset(c, 0, sizeof *c);
	c->start = p;
	if (*q >= '1' && *q <= '9') {
		const char *d = q;
		int n = 0;

		while (*d >= '0' && *d <= '9')
			n = n * 10 + (*d++ - '0');
		if (*d == '$')
			c->argno = n, q = d + 1;
	}
	while (strchr("-+ #0'", *q) != NULL && *q)
		q++;
	if (*q == '*')
		c->stars++, q++;
	while (*q >= '0' && *q <= '9')
		q++;
	if (*q == '.') {
		q++;
		if (*q == '*')
			c->stars++, q++;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (q[0] == 'h' && q[1] == 'h')
		c->length = 'H', q += 2;
	else if (q[0] == 'l' && q[1] == 'l')
		c->length = 'L', q += 2;
	else if (*q == 'L')
		c->length = 'D', q++;
	else if (*q && strchr("hlzjt", *q) != NULL)
		c->length = *q++;
	c->letter = *q;
	c->end = *q ? q + 1 : q;
	return c->end;
}

/* Appends text + NUL to args if it fits; returns the new length. */
static size_t add_arg(char *args, size_t cap, size_t len, const char *text)
{
	size_t n = strlen(text);

	if (len + n + 1 >= cap)
		n = len + 1 < cap ? cap - len - 2 : 0;
	if (len + n + 1 < cap) {
		memcpy(args + len, text, n);
		args[len + n] = '\0';
		return len + n + 1;
	}
	return len;
}

/* Each spec is one conversion cut from fmt, whose values the compiler
 * checked at the caller (msg_pack and event_set_message are printf-like). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
size_t msg_vpack(char *args, size_t cap, const char *fmt, va_list ap)
{
	size_t len = 0;

	if (cap > 0)
		args[0] = '\0';
	for (const char *p = fmt; p != NULL && *p;) {
		struct conv c;
		char spec[32], text[MSG_ARG_MAX];
		size_t sl;

		if (*p != '%') {
			p++;
			continue;
		}
		p = parse_conv(p, &c);
		if (c.letter == '%' || c.letter == '\0')
			continue;
		/* The spec without its "N$", so snprintf formats this one value. */
		sl = (size_t)(c.end - c.start);
		if (sl >= sizeof spec || c.stars > 0 || c.argno > 0)
			break; /* the core's formats use neither: stop packing */
		memcpy(spec, c.start, sl);
		spec[sl] = '\0';
		text[0] = '\0';
		switch (c.letter) {
		case 'd':
		case 'i':
		case 'c':
			if (c.length == 'L')
				snprintf(text, sizeof text, spec, va_arg(ap, long long));
			else if (c.length == 'l')
				snprintf(text, sizeof text, spec, va_arg(ap, long));
			else if (c.length == 'z' || c.length == 't')
				snprintf(text, sizeof text, spec, va_arg(ap, ptrdiff_t));
			else if (c.length == 'j')
				snprintf(text, sizeof text, spec, va_arg(ap, intmax_t));
			else
				snprintf(text, sizeof text, spec, va_arg(ap, int));
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (c.length == 'L')
				snprintf(text, sizeof text, spec, va_arg(ap, unsigned long long));
			else if (c.length == 'l')
				snprintf(text, sizeof text, spec, va_arg(ap, unsigned long));
			else if (c.length == 'z' || c.length == 't')
				snprintf(text, sizeof text, spec, va_arg(ap, size_t));
			else if (c.length == 'j')
				snprintf(text, sizeof text, spec, va_arg(ap, uintmax_t));
			else
				snprintf(text, sizeof text, spec, va_arg(ap, unsigned));
			break;
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A':
			if (c.length == 'D')
				snprintf(text, sizeof text, spec, va_arg(ap, long double));
			else
				snprintf(text, sizeof text, spec, va_arg(ap, double));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			snprintf(text, sizeof text, spec, s != NULL ? s : "(null)");
			break;
		}
		case 'p':
			snprintf(text, sizeof text, spec, va_arg(ap, void *));
			break;
		default:
			return len; /* a conversion the core does not use */
		}
		len = add_arg(args, cap, len, text);
	}
	return len;
}

#pragma GCC diagnostic pop

size_t msg_pack(char *args, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = msg_vpack(args, cap, fmt, ap);
	va_end(ap);
	return n;
}

/* The k-th (0-based) value of args, or "" past the end. */
static const char *nth_arg(const char *args, size_t len, int k)
{
	size_t at = 0;

	for (; k > 0 && at < len; k--)
		at += strlen(args + at) + 1;
	return at < len ? args + at : "";
}

size_t msg_render(char *out, size_t cap, const char *fmt, const char *args, size_t args_len)
{
	size_t len = 0;
	int next = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	for (const char *p = fmt; p != NULL && *p;) {
		const char *piece;
		size_t n;
		struct conv c;

		if (*p != '%') {
			const char *pct = strchr(p, '%');

			piece = p;
			n = pct ? (size_t)(pct - p) : strlen(p);
			p += n;
		} else {
			p = parse_conv(p, &c);
			if (c.letter == '%') {
				piece = "%";
			} else if (c.letter == '\0') {
				break;
			} else {
				piece = nth_arg(args, args_len, c.argno > 0 ? c.argno - 1 : next);
				next++;
			}
			n = strlen(piece);
		}
		if (len + n >= cap)
			n = cap - len - 1;
		memcpy(out + len, piece, n);
		len += n;
		out[len] = '\0';
		if (len + 1 >= cap)
			break;
	}
	return len;
}

const char *msg_strerror(int err)
{
	const char *d = strerrordesc_np(err);

	return d != NULL ? d : "Unknown error";
}
