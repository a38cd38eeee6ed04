/*
 * outq: the bytes a connection has to send and the peer has not taken yet,
 * one growing buffer used by the servers' connections and by the client
 * session.
 *
 * Data model: buf[off, len) is unsent; bytes are appended at len and sent
 * from off. The buffer is compacted (the unsent part moved to the front)
 * only when the end runs short, and reset when it empties, so a steady
 * stream costs no copy. It grows by doubling from OUTQ_MIN; the caller
 * bounds it (see the servers' flow control), the queue itself never
 * refuses but for a failed allocation. Nothing here does I/O.
 */
#ifndef SOCKLAB_OUTQ_H
#define SOCKLAB_OUTQ_H

#include <stdbool.h>
#include <stddef.h>

#define OUTQ_MIN 4096

struct outq {
	char *buf;
	size_t off; /* first unsent byte */
	size_t len; /* one past the last queued byte */
	size_t cap; /* bytes allocated */
};

void outq_init(struct outq *q);
/* Frees the memory; the queue is empty and usable again. */
void outq_free(struct outq *q);

/* Room for n more bytes at the end: the caller writes there and then
 * outq_commit()s what it used. NULL when the memory cannot be had (the
 * queue is unchanged). Pointers into the queue end at the next reserve.
 * Inline for the common case (there is room), which runs once per line. */
char *outq_reserve_slow(struct outq *q, size_t n);

static inline char *outq_reserve(struct outq *q, size_t n)
{
	if (q->buf != NULL && q->cap - q->len >= n)
		return q->buf + q->len;
	return outq_reserve_slow(q, n);
}

/* Room for n bytes at the end without growing or moving anything, or NULL:
 * a reader may receive into it and commit what came. */
static inline char *outq_room(struct outq *q, size_t n)
{
	return q->buf != NULL && q->cap - q->len >= n ? q->buf + q->len : NULL;
}

static inline void outq_commit(struct outq *q, size_t n)
{
	q->len += n;
}

/* Appends n bytes. Returns 0, or -1 when out of memory (nothing queued). */
int outq_append(struct outq *q, const void *data, size_t n);

/* The unsent bytes: where they start and how many. */
static inline const char *outq_data(const struct outq *q)
{
	return q->buf != NULL ? q->buf + q->off : "";
}

static inline size_t outq_pending(const struct outq *q)
{
	return q->len - q->off;
}

static inline bool outq_empty(const struct outq *q)
{
	return q->len == q->off;
}

/* n bytes (at most outq_pending) were sent. */
void outq_consume(struct outq *q, size_t n);

/* Forgets every unsent byte, keeping the memory. */
void outq_clear(struct outq *q);

#endif
