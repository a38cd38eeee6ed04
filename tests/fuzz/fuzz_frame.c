/*
 * fuzz_frame: the line framer (frame_*) fed fuzz bytes in fuzz-chosen
 * chunk splits, checked against a plain model of what it must hand out.
 *
 * Input: 2 bytes max_line selector, 2 bytes chunk-size seed, then the
 * stream. The model splits the stream at each '\n': a line whose raw
 * length (its '\r' included) is at most max_line comes out as FRAME_LINE
 * with a final '\r' removed; a longer one gives exactly one FRAME_OVERFLOW
 * and nothing else, and frame.dropped ends up as its raw length.
 */
#include <string.h>

#include "fuzz_util.h"
#include "socklab/frame.h"

struct model {
	const uint8_t *s;
	size_t n, at; /* stream, its length, start of the next line */
	size_t max_line;
	bool overflowed; /* any over-long line seen */
};

/* The next complete line among the first fed bytes of the stream that the
 * framer has not handed out yet. */
static bool model_next(struct model *m, size_t fed, size_t *start, size_t *raw)
{
	const uint8_t *nl;

	if (m->at >= fed)
		return false;
	nl = memchr(m->s + m->at, '\n', fed - m->at);
	if (nl == NULL)
		return false;
	*start = m->at;
	*raw = (size_t)(nl - (m->s + m->at));
	m->at += *raw + 1;
	return true;
}

static size_t pick_max_line(uint16_t v)
{
	switch (v & 3) {
	case 0:
		return (v >> 2) % 16; /* tiny, including 0 */
	case 1:
		return (v >> 2) % 300; /* around a short line */
	case 2:
		return 4000 + (v >> 2) % 300; /* straddles the compaction threshold */
	default:
		return 64 * 1024; /* the default */
	}
}

/* The over-long line being dropped has ended: it must be the model's next
 * complete line, longer than the cap. */
static size_t model_close_overflow(struct model *m, size_t fed)
{
	size_t start, raw;

	FUZZ_CHECK(model_next(m, fed, &start, &raw));
	FUZZ_CHECK(raw > m->max_line);
	return raw;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint16_t sel = fuzz_u16(&in);
	uint32_t rng = fuzz_u16(&in) | 0x10000u;
	struct model m = {in.p, in.n, 0, pick_max_line(sel), false};
	size_t fed = 0, rlen = 0;
	bool in_overflow = false;
	struct frame fr;
	/* The lines handed out, each followed by '\n'. */
	char *rebuilt = malloc(m.n + 1);

	if (rebuilt == NULL || frame_init(&fr, m.max_line) < 0)
		abort();
	while (fed < m.n) {
		size_t room, chunk, tail;
		char *p = frame_space(&fr, &room);
		enum frame_result r;
		const char *line;
		size_t len;

		FUZZ_CHECK(room > 0);
		FUZZ_CHECK(p >= fr.buf && p + room <= fr.buf + fr.cap);
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		chunk = 1 + rng % ((sel & 0x8000) ? 7 : 1500);
		if (chunk > room)
			chunk = room;
		if (chunk > m.n - fed)
			chunk = m.n - fed;
		memcpy(p, m.s + fed, chunk);
		frame_commit(&fr, chunk);
		fed += chunk;

		while ((r = frame_next(&fr, &line, &len)) != FRAME_MORE) {
			size_t start, raw, want;

			/* Anything after an overflow means that line ended. */
			if (in_overflow) {
				model_close_overflow(&m, fed);
				in_overflow = false;
			}
			if (r == FRAME_OVERFLOW) {
				const uint8_t *nl = memchr(m.s + m.at, '\n', fed - m.at);

				/* Only for a line already longer than the cap,
				 * complete or not. */
				FUZZ_CHECK((nl ? (size_t)(nl - (m.s + m.at)) : fed - m.at) >
					   m.max_line);
				in_overflow = true;
				m.overflowed = true;
				continue;
			}
			FUZZ_CHECK(r == FRAME_LINE);
			FUZZ_CHECK(model_next(&m, fed, &start, &raw));
			FUZZ_CHECK(start + raw < fed);
			FUZZ_CHECK(raw <= m.max_line);
			want = raw;
			if (want > 0 && m.s[start + want - 1] == '\r')
				want--;
			FUZZ_CHECK(len == want);
			FUZZ_CHECK(len == 0 || memchr(line, '\n', len) == NULL);
			FUZZ_CHECK(len == 0 || memcmp(line, m.s + start, len) == 0);
			FUZZ_CHECK(rlen + len + 1 <= m.n);
			if (len > 0)
				memcpy(rebuilt + rlen, line, len);
			rlen += len;
			rebuilt[rlen++] = '\n';
		}
		/* An over-long line whose newline has come: dropped counts all
		 * of its bytes. */
		if (in_overflow && !fr.discarding) {
			FUZZ_CHECK(fr.dropped == model_close_overflow(&m, fed));
			in_overflow = false;
		}
		if (in_overflow) {
			FUZZ_CHECK(fr.discarding);
			FUZZ_CHECK(frame_pending(&fr) == 0);
		} else {
			/* Nothing complete is left behind; the rest is pending,
			 * and it fits. */
			tail = fed - m.at;
			FUZZ_CHECK(memchr(m.s + m.at, '\n', tail) == NULL);
			FUZZ_CHECK(frame_pending(&fr) == tail);
			FUZZ_CHECK(tail <= m.max_line);
		}
		FUZZ_CHECK(fr.start <= fr.end && fr.end <= fr.cap);
	}
	/* Without an overflow the lines handed out, each with its newline,
	 * are the input up to its last newline with CRLF read as LF, and the
	 * rest is pending. */
	if (!m.overflowed) {
		size_t i = 0, o = 0;

		while (i < m.at) {
			if (m.s[i] == '\r' && i + 1 < m.at && m.s[i + 1] == '\n')
				i++;
			FUZZ_CHECK(o < rlen && (uint8_t)rebuilt[o] == m.s[i]);
			o++;
			i++;
		}
		FUZZ_CHECK(o == rlen);
		FUZZ_CHECK(frame_pending(&fr) == m.n - m.at);
	}
	free(rebuilt);
	frame_free(&fr);
	return 0;
}
