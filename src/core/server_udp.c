/*
 * server_udp: datagrams in batches (recvmmsg/sendmmsg), truncation and
 * kernel drops reported. On a wildcard address each datagram's destination
 * comes with it (IP_PKTINFO / IPV6_PKTINFO): the reply is sent from that
 * address and the events show it as the local end. A reply that fails is
 * reported with its errno and peer, and the rest of its batch still goes.
 * Under --trace each recvmmsg and sendmmsg is a step, with a line per
 * datagram it moved (size and peer) beside the tutorial's recvfrom/sendto.
 */
#include "core/server_int.h"

/* How much of a datagram is kept: all of it (64 KiB) unless the spec asks
 * for less, as the tutorial's recvfrom(4096) does. */
static size_t dgram_room(const struct server *s)
{
	size_t max = s->spec.dgram_max;

	return max > 0 && max < IOBUF_SIZE - 1 ? max : IOBUF_SIZE - 1;
}

/* Reads the control messages of one received datagram: the kernel's drop
 * counter (SO_RXQ_OVFL, reported when it moved) and the destination
 * (into *local, port included, and as the reply's source in reply).
 * Returns the reply's control length, 0 when there is no destination. */
static size_t dgram_cmsgs(struct server *s, int sock, struct msghdr *mh,
			  struct sockaddr_storage *local, char *reply, size_t replycap)
{
	size_t rlen = 0;

	*local = s->bound[sock];
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL) {
			uint32_t total, lost;

			memcpy(&total, CMSG_DATA(cm), sizeof total);
			lost = total - s->kernel_drops[sock];
			if (lost == 0)
				continue;
			s->kernel_drops[sock] = total;
			atomic_fetch_add_explicit(&s->dgrams_dropped, lost, memory_order_relaxed);
			server_emit_msg_n(s, EV_WARNING, 0, MSG_KERNEL_DROPS, lost,
					  (unsigned long)lost);
		} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
			   replycap >= CMSG_SPACE(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi, out = {0};
			struct cmsghdr *rc = (struct cmsghdr *)(void *)reply;

			/* Padding included: sendmsg reads the whole space. */
			memset(reply, 0, CMSG_SPACE(sizeof out));
			memcpy(&pi, CMSG_DATA(cm), sizeof pi);
			((struct sockaddr_in *)(void *)local)->sin_addr = pi.ipi_addr;
			/* The source is the address it was sent to; the route
			 * picks the interface. */
			out.ipi_spec_dst = pi.ipi_addr;
			rc->cmsg_level = IPPROTO_IP;
			rc->cmsg_type = IP_PKTINFO;
			rc->cmsg_len = CMSG_LEN(sizeof out);
			memcpy(CMSG_DATA(rc), &out, sizeof out);
			rlen = CMSG_SPACE(sizeof out);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
			   replycap >= CMSG_SPACE(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;
			struct cmsghdr *rc = (struct cmsghdr *)(void *)reply;
			struct sockaddr_in6 *l6 = (void *)local;

			memset(reply, 0, CMSG_SPACE(sizeof pi));
			memcpy(&pi, CMSG_DATA(cm), sizeof pi);
			l6->sin6_addr = pi.ipi6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				l6->sin6_scope_id = (uint32_t)pi.ipi6_ifindex;
			/* An IPv4 datagram on a dual socket has its destination
			 * as ::ffff:a.b.c.d; Linux takes that back as the source
			 * of the IPv4 reply. */
			rc->cmsg_level = IPPROTO_IPV6;
			rc->cmsg_type = IPV6_PKTINFO;
			rc->cmsg_len = CMSG_LEN(sizeof pi);
			memcpy(CMSG_DATA(rc), &pi, sizeof pi);
			rlen = CMSG_SPACE(sizeof pi);
		}
	}
	return rlen;
}

static void dgram_record(struct server *s, enum event_kind kind, const struct dgram_batch *b, int i,
			 const void *data, size_t len, size_t real)
{
	struct event ev;

	ev_base(s, &ev, kind);
	ev.has_peer = ev.has_local = true;
	memcpy(&ev.peer, &b->peer[i], sizeof b->peer[i]);
	ev.local = b->local[i];
	ev.local_dst = b->msg[i].msg_hdr.msg_controllen > 0;
	if (real > len) {
		ev.truncated = true;
		snprintf(ev.message, sizeof ev.message, MSG_DGRAM_TRUNCATED, real, len);
	}
	emit_data(s, &ev, data, len, real);
}

/* The reply to datagram i could not be sent: said with its cause and
 * its peer. */
static void dgram_reply_failed(struct server *s, const struct dgram_batch *b, int i, int e)
{
	struct event ev;

	ev_base(s, &ev, EV_WARNING);
	ev.err = e;
	ev.has_peer = ev.has_local = true;
	memcpy(&ev.peer, &b->peer[i], sizeof b->peer[i]);
	ev.local = b->local[i];
	ev.local_dst = b->msg[i].msg_hdr.msg_controllen > 0;
	event_set_message(&ev, MSG_DGRAM_REPLY_FAILED, msg_strerror(e));
	emit(s, &ev);
}

/* The trace's line for a recvmmsg or sendmmsg of vlen datagrams on fd
 * that returned n (errno err when n < 0); the datagrams' lines follow. */
static void trace_mmsg(struct server *s, const char *call, int fd, int vlen, int n, int err)
{
	char what[16];

	snprintf(what, sizeof what, "%d", vlen);
	server_trace(s, NULL, call, fd, n, err, NULL, what);
}

/* sendmmsg, or under the test seam SERVER_FAULT_REPLY_EACCES the same with
 * the reply to each datagram "fail" refused as the kernel refuses one:
 * what comes before it is sent, then it fails alone. */
static int dgram_sendmmsg(struct server *s, int fd, struct mmsghdr *m, int n)
{
	if (s->opt.faults & SERVER_FAULT_REPLY_EACCES) {
		for (int k = 0; k < n; k++) {
			if (m[k].msg_hdr.msg_iov[0].iov_len != 4 ||
			    memcmp(m[k].msg_hdr.msg_iov[0].iov_base, "fail", 4) != 0)
				continue;
			if (k == 0) {
				errno = EACCES;
				return -1;
			}
			n = k;
			break;
		}
	}
	return sendmmsg(fd, m, (unsigned)n, MSG_DONTWAIT);
}

/* Echoes the n datagrams of the batch: sendmmsg sends up to the first
 * that fails; that one is reported and skipped and the rest are sent. A
 * full send buffer (EAGAIN) drops what is left, said once. */
static void dgram_replies(struct server *s, int fd, struct dgram_batch *b, int n)
{
	int at = 0;

	while (at < n) {
		int sent = dgram_sendmmsg(s, fd, b->msg + at, n - at);

		if (s->opt.trace && (sent >= 0 || errno != EINTR))
			trace_mmsg(s, "sendmmsg", fd, n - at, sent, errno);
		if (sent < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) {
				server_emit_msg_n(s, EV_WARNING, e, MSG_DGRAM_REPLIES_DROPPED,
						  (unsigned long)(n - at), n - at, msg_strerror(e));
				return;
			}
			dgram_reply_failed(s, b, at, e);
			at++;
			continue;
		}
		for (int i = at; i < at + sent; i++) {
			atomic_fetch_add_explicit(&s->dgrams_out, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->bytes_out, b->msg[i].msg_len,
						  memory_order_relaxed);
			if (s->opt.trace)
				server_trace_dgram(s, "sendmmsg", fd, i - at, b->msg[i].msg_len,
						   &b->peer[i], &b->local[i]);
			dgram_record(s, EV_DGRAM_OUT, b, i, b->iov[i].iov_base, b->msg[i].msg_len,
				     b->msg[i].msg_len);
		}
		at += sent;
	}
}

/* Receives a batch of datagrams with recvmmsg, echoes them with sendmmsg,
 * and records each one in and out. */
void server_dgram_ready(struct server *s, int sock)
{
	int fd = s->lfd[sock];

	for (int round = 0; round < DGRAM_ROUNDS; round++) {
		struct dgram_batch *b = s->batch;
		int n;

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
		if (s->opt.trace && (n >= 0 || (errno != EAGAIN && errno != EINTR)))
			trace_mmsg(s, "recvmmsg", fd, DGRAM_BATCH, n, errno);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				server_emit_msg(s, EV_WARNING, errno, MSG_RECVMMSG,
						msg_strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++) {
			size_t real = b->msg[i].msg_len, len = real, clen;

			/* MSG_TRUNC in the flags: msg_len is the real size. */
			if (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC)
				len = dgram_room(s);
			clen = dgram_cmsgs(s, sock, &b->msg[i].msg_hdr, &b->local[i], b->reply[i],
					   sizeof b->reply[i]);
			atomic_fetch_add_explicit(&s->dgrams_in, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->bytes_in, real, memory_order_relaxed);
			/* The reply reuses the received header: same buffer, back
			 * to the sender's address, from the address it came to. */
			b->iov[i].iov_len = len;
			b->msg[i].msg_hdr.msg_control = clen ? b->reply[i] : NULL;
			b->msg[i].msg_hdr.msg_controllen = clen;
			b->msg[i].msg_hdr.msg_flags = 0;
			if (s->opt.trace)
				server_trace_dgram(s, "recvmmsg", fd, i, real, &b->peer[i],
						   &b->local[i]);
			dgram_record(s, EV_DGRAM_IN, b, i, b->iov[i].iov_base, len, real);
		}
		dgram_replies(s, fd, b, n);
		if (n < DGRAM_BATCH)
			return;
	}
}
