/*
 * rate: a ring of counter samples and the rates between them (rate.h).
 */
#include "socklab/rate.h"

#include "socklab/util.h"

#include <stdio.h>
#include <string.h>

void rate_init(struct rate *r)
{
	memset(r, 0, sizeof *r);
}

static const struct rate_sample *nth(const struct rate *r, size_t i)
{
	return &r->s[(r->head + i) % RATE_SAMPLES];
}

void rate_sample(struct rate *r, int64_t now_ms, const struct server_stats *st)
{
	struct rate_sample *s;

	if (r->n > 0 && now_ms - nth(r, r->n - 1)->ms < RATE_MIN_GAP_MS)
		return;
	if (r->n == RATE_SAMPLES) {
		r->head = (r->head + 1) % RATE_SAMPLES;
		r->n--;
	}
	s = &r->s[(r->head + r->n) % RATE_SAMPLES];
	s->ms = now_ms;
	s->bytes_in = st->bytes_in;
	s->bytes_out = st->bytes_out;
	s->dgrams_in = st->dgrams_in;
	s->dgrams_out = st->dgrams_out;
	r->n++;
}

static double per_s(uint64_t newer, uint64_t older, int64_t ms)
{
	return newer >= older ? (double)(newer - older) * 1000.0 / (double)ms : 0.0;
}

void rate_get(const struct rate *r, int64_t window_ms, struct rate_value *v)
{
	const struct rate_sample *a, *b;
	size_t i;

	memset(v, 0, sizeof *v);
	if (r->n < 2)
		return;
	b = nth(r, r->n - 1);
	/* The newest sample at least window_ms older than b, else the oldest. */
	for (i = r->n - 1; i > 0 && b->ms - nth(r, i)->ms < window_ms; i--)
		;
	a = nth(r, i);
	if (b->ms <= a->ms)
		return;
	v->valid = true;
	v->bytes_in = per_s(b->bytes_in, a->bytes_in, b->ms - a->ms);
	v->bytes_out = per_s(b->bytes_out, a->bytes_out, b->ms - a->ms);
	v->dgrams_in = per_s(b->dgrams_in, a->dgrams_in, b->ms - a->ms);
	v->dgrams_out = per_s(b->dgrams_out, a->dgrams_out, b->ms - a->ms);
}

size_t rate_format_bytes(double x, char *out, size_t cap)
{
	return util_format_bytes(x, "/s", out, cap);
}
