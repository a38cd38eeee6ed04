/*
 * event_fill: fuzz bytes to an event (see event_fill.h).
 */
#include "event_fill.h"

#include <string.h>

static void fill_addr(struct fuzz_in *in, struct sockaddr_storage *ss, uint8_t how)
{
	fuzz_bytes(in, ss, sizeof *ss);
	if (how == 0)
		ss->ss_family = AF_INET;
	else if (how == 1)
		ss->ss_family = AF_INET6;
	else if (how == 2)
		ss->ss_family = AF_UNSPEC;
}

static void fill_string(struct fuzz_in *in, char *dst, size_t cap)
{
	size_t n = fuzz_u8(in) % cap;

	fuzz_bytes(in, dst, n);
	dst[n] = '\0';
}

void event_fill(struct fuzz_in *in, struct event *ev)
{
	uint8_t flags;

	event_init(ev, (enum event_kind)(fuzz_u8(in) % (EV_KIND_COUNT + 1)));
	flags = fuzz_u8(in);
	ev->time.tv_sec = (time_t)((int64_t)(fuzz_u64(in) >> 24) - ((int64_t)1 << 39));
	ev->time.tv_nsec = (long)(fuzz_u32(in) % 1000000000u);
	ev->server = fuzz_u32(in);
	ev->conn = fuzz_u64(in);
	ev->transport = (enum transport)(fuzz_u8(in) % (TRANSPORT_COUNT + 1));
	ev->service = (enum service)(fuzz_u8(in) % (SERVICE_COUNT + 1));
	ev->family = (enum family)(fuzz_u8(in) % (FAMILY_COUNT + 1));
	ev->reason = (enum close_reason)(fuzz_u8(in) % (CLOSE_LOCAL + 2));
	ev->err = (int)(int16_t)fuzz_u16(in);
	ev->ret = (int)fuzz_u32(in);
	ev->v6only = fuzz_u8(in) % 3 - 1;
	ev->count = fuzz_u64(in);
	ev->has_local = flags & 1;
	ev->has_peer = flags & 2;
	ev->truncated = flags & 4;
	fill_addr(in, &ev->local, (flags >> 3) & 3);
	fill_addr(in, &ev->peer, (flags >> 5) & 3);
	fill_string(in, ev->syscall, sizeof ev->syscall);
	/* From bytes already taken, so the corpus keeps its meaning: a call's
	 * socket (-1 included) and which address it shows (one out of range). */
	ev->fd = (int)(ev->conn & 0xffff) - 1;
	ev->call_addr = (int)(ev->count % 5);
	fill_string(in, ev->message, sizeof ev->message);
	if (flags & 0x80) {
		uint64_t bytes = fuzz_u64(in);

		event_set_data(ev, in->p, in->n);
		if (bytes > ev->bytes)
			ev->bytes = bytes; /* a preview cut from a bigger payload */
	} else {
		event_set_data(ev, in->p, in->n);
	}
}

void event_fill_check_safe(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = fuzz_utf8_decode(p + i, n - i, &cp);

		FUZZ_CHECK(k > 0);
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f));
		i += k;
	}
}
