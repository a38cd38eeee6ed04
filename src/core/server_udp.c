/*
 * server_udp: datagrams in batches (recvmmsg/sendmmsg), truncation and
 * kernel drops reported.
 */
#include "core/server_int.h"

/* How much of a datagram is kept: all of it (64 KiB) unless the spec asks
 * for less, as the tutorial's recvfrom(4096) does. */
static size_t dgram_room(const struct server *s)
{
	size_t max = s->spec.dgram_max;

	return max > 0 && max < IOBUF_SIZE - 1 ? max : IOBUF_SIZE - 1;
}

/* Reports datagrams the kernel dropped for a full receive buffer, from
 * the SO_RXQ_OVFL counter carried by each received datagram. */
static void dgram_drops(struct server *s, int sock, struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		uint32_t total, lost;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SO_RXQ_OVFL)
			continue;
		memcpy(&total, CMSG_DATA(cm), sizeof total);
		lost = total - s->kernel_drops[sock];
		if (lost == 0)
			continue;
		s->kernel_drops[sock] = total;
		atomic_fetch_add_explicit(&s->dgrams_dropped, lost, memory_order_relaxed);
		server_emit_msg(s, EV_WARNING, 0, MSG_KERNEL_DROPS, (unsigned long)lost);
	}
}

/* Receives a batch of datagrams with recvmmsg, echoes them with one
 * sendmmsg, and records each one in and out. */
void server_dgram_ready(struct server *s, int sock)
{
	int fd = s->lfd[sock];

	for (int round = 0; round < DGRAM_ROUNDS; round++) {
		struct dgram_batch *b = s->batch;
		int n, sent;

		for (int i = 0; i < DGRAM_BATCH; i++) {
			b->iov[i].iov_base = s->iobuf + (size_t)i * IOBUF_SIZE;
			b->iov[i].iov_len = dgram_room(s);
			b->msg[i].msg_hdr = (struct msghdr){
				.msg_name = &b->peer[i],
				.msg_namelen = sizeof b->peer[i],
				.msg_iov = &b->iov[i],
				.msg_iovlen = 1,
				.msg_control = b->cmsg[i],
				.msg_controllen = sizeof b->cmsg[i],
			};
		}
		n = recvmmsg(fd, b->msg, DGRAM_BATCH, MSG_TRUNC | MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				server_emit_msg(s, EV_WARNING, errno, MSG_RECVMMSG, msg_strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++) {
			size_t real = b->msg[i].msg_len, len = real;
			struct event ev;

			/* MSG_TRUNC in the flags: msg_len is the real size. */
			if (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC)
				len = dgram_room(s);
			dgram_drops(s, sock, &b->msg[i].msg_hdr);
			atomic_fetch_add_explicit(&s->dgrams_in, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->bytes_in, real, memory_order_relaxed);
			ev_base(s, &ev, EV_DGRAM_IN);
			ev.has_peer = ev.has_local = true;
			memcpy(&ev.peer, &b->peer[i], sizeof b->peer[i]);
			ev.local = s->bound[sock];
			if (real > len) {
				ev.truncated = true;
				event_set_message(&ev, MSG_DGRAM_TRUNCATED, real, len);
			}
			emit_data(s, &ev, b->iov[i].iov_base, len, real);
			/* The reply reuses the received header: same buffer, back
			 * to the sender's address. */
			b->iov[i].iov_len = len;
			b->msg[i].msg_hdr.msg_control = NULL;
			b->msg[i].msg_hdr.msg_controllen = 0;
			b->msg[i].msg_hdr.msg_flags = 0;
		}
		sent = sendmmsg(fd, b->msg, (unsigned)n, MSG_DONTWAIT);
		if (sent < 0) {
			server_emit_msg(s, EV_WARNING, errno, MSG_SENDMMSG, msg_strerror(errno));
			sent = 0;
		}
		for (int i = 0; i < sent; i++) {
			struct event ev;

			atomic_fetch_add_explicit(&s->dgrams_out, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->bytes_out, b->msg[i].msg_len, memory_order_relaxed);
			ev_base(s, &ev, EV_DGRAM_OUT);
			ev.has_peer = ev.has_local = true;
			memcpy(&ev.peer, &b->peer[i], sizeof b->peer[i]);
			ev.local = s->bound[sock];
			emit_data(s, &ev, b->iov[i].iov_base, b->msg[i].msg_len, b->msg[i].msg_len);
		}
		if (sent < n)
			server_emit_msg(s, EV_WARNING, 0, MSG_REPLIES_NOT_SENT, n - sent);
		if (n < DGRAM_BATCH)
			return;
	}
}
