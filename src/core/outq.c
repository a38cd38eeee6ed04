/*
 * outq: a connection's unsent output (see outq.h): one buffer, sent from
 * off, appended at len, compacted only when the end runs short.
 */
#include "socklab/outq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void outq_init(struct outq *q)
{
	memset(q, 0, sizeof *q);
}

void outq_free(struct outq *q)
{
	free(q->buf);
	outq_init(q);
}

char *outq_reserve_slow(struct outq *q, size_t n)
{
	size_t pending = q->len - q->off, cap;
	char *p;

	if (q->off > 0 && pending == 0)
		q->off = q->len = 0;
	if (q->cap - q->len >= n && q->buf != NULL)
		return q->buf + q->len;
	if (n > SIZE_MAX / 2 - pending)
		return NULL;
	/* Moving the unsent part to the front may be room enough. */
	if (q->off > 0 && q->cap - pending >= n) {
		memmove(q->buf, q->buf + q->off, pending);
		q->off = 0;
		q->len = pending;
		return q->buf + q->len;
	}
	cap = q->cap ? q->cap : OUTQ_MIN;
	while (cap < pending + n)
		cap *= 2;
	if (q->off > 0) {
		/* A new buffer takes only the unsent part. */
		p = malloc(cap);
		if (p == NULL)
			return NULL;
		memcpy(p, q->buf + q->off, pending);
		free(q->buf);
	} else {
		p = realloc(q->buf, cap);
		if (p == NULL)
			return NULL;
	}
	q->buf = p;
	q->cap = cap;
	q->off = 0;
	q->len = pending;
	return q->buf + q->len;
}

int outq_append(struct outq *q, const void *data, size_t n)
{
	char *p;

	if (n == 0)
		return 0;
	p = outq_reserve(q, n);
	if (p == NULL)
		return -1;
	memcpy(p, data, n);
	q->len += n;
	return 0;
}

void outq_consume(struct outq *q, size_t n)
{
	q->off += n;
	if (q->off == q->len)
		q->off = q->len = 0;
}

void outq_clear(struct outq *q)
{
	q->off = q->len = 0;
}
