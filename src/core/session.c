/*
 * session: a client conversation over a non-blocking socket (see
 * session.h). The TCP queue is an outq.
 */
#include "socklab/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "socklab/client.h"

void session_init(struct session *s, size_t out_max)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->out_max = out_max;
}

void session_adopt(struct session *s, int fd)
{
	s->fd = fd;
	s->udp = false;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s->peer_len = sizeof s->peer;
	if (getpeername(fd, (struct sockaddr *)&s->peer, &s->peer_len) < 0)
		s->peer_len = 0;
	{
		socklen_t len = sizeof s->local;

		if (getsockname(fd, (struct sockaddr *)&s->local, &len) < 0)
			memset(&s->local, 0, sizeof s->local);
	}
}

/* A call on the session's socket, for the trace. */
static void trace(const struct session *s, const char *call, ssize_t ret, int err, const char *args,
		  int call_addr, const struct timespec *t0)
{
	client_trace(&s->trace, call, s->fd, args, (int)ret, err, &s->local, &s->peer, call_addr,
		     s->udp, t0);
}

static void trace_size(const struct session *s, const char *call, ssize_t ret, int err, size_t n,
		       int call_addr, const struct timespec *t0)
{
	char args[32];

	snprintf(args, sizeof args, "%zu", n);
	trace(s, call, ret, err, args, call_addr, t0);
}

/* When a call is made, for its trace (only when there is a trace). */
static void stamp(const struct session *s, struct timespec *t0)
{
	if (s->trace.fn != NULL)
		clock_gettime(CLOCK_REALTIME, t0);
	else
		t0->tv_sec = t0->tv_nsec = 0;
}

int session_open_udp(struct session *s, const struct sockaddr *to, socklen_t len, bool connect_it)
{
	int fd = socket(to->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int e = errno;

	s->udp = true;
	memset(&s->local, 0, sizeof s->local);
	memset(&s->peer, 0, sizeof s->peer);
	memcpy(&s->peer, to, len < sizeof s->peer ? len : sizeof s->peer);
	s->peer_len = len;
	client_trace(&s->trace, "socket", -1,
		     to->sa_family == AF_INET6 ? "AF_INET6, SOCK_DGRAM, 0"
					       : "AF_INET, SOCK_DGRAM, 0",
		     fd, e, NULL, &s->peer, EVENT_CALL_NO_ADDR, true, NULL);
	if (fd < 0) {
		s->udp = false;
		return e;
	}
	s->fd = fd;
	if (connect_it) {
		socklen_t ll = sizeof s->local;
		int r = connect(fd, to, len);

		e = errno;
		if (r == 0 && getsockname(fd, (struct sockaddr *)&s->local, &ll) < 0)
			memset(&s->local, 0, sizeof s->local);
		trace(s, "connect", r, e, NULL, EVENT_CALL_PEER_ARG, NULL);
		if (r < 0) {
			r = close(fd);
			trace(s, "close", r, errno, NULL, EVENT_CALL_NO_ADDR, NULL);
			s->fd = -1;
			s->udp = false;
			return e;
		}
	}
	return 0;
}

int session_write(struct session *s, const void *data, size_t n)
{
	if (s->shut_pending || s->shut_wr)
		return ESHUTDOWN;
	if (n > s->out_max || outq_pending(&s->out) > s->out_max - n)
		return ENOBUFS;
	return outq_append(&s->out, data, n) < 0 ? ENOMEM : 0;
}

size_t session_queued(const struct session *s)
{
	return outq_pending(&s->out);
}

int session_flush(struct session *s, bool *shut_now)
{
	if (shut_now)
		*shut_now = false;
	if (s->fd < 0 || s->udp)
		return 0;
	while (!outq_empty(&s->out)) {
		size_t want = outq_pending(&s->out);
		struct timespec t0;
		ssize_t n;
		int e;

		stamp(s, &t0);
		n = send(s->fd, outq_data(&s->out), want, MSG_NOSIGNAL | MSG_DONTWAIT);
		e = errno;

		if (n < 0 && (e == EINTR || e == EAGAIN || e == EWOULDBLOCK)) {
			if (e == EINTR)
				continue;
			return 0;
		}
		trace_size(s, "send", n, e, want, EVENT_CALL_NO_ADDR, &t0);
		if (n < 0)
			return e;
		outq_consume(&s->out, (size_t)n);
	}
	if (s->shut_pending) {
		struct timespec t0;
		int r, e;

		s->shut_pending = false;
		stamp(s, &t0);
		r = shutdown(s->fd, SHUT_WR);
		e = errno;
		trace(s, "shutdown", r, e, "SHUT_WR", EVENT_CALL_NO_ADDR, &t0);
		if (r < 0)
			return e;
		s->shut_wr = true;
		if (shut_now)
			*shut_now = true;
	}
	return 0;
}

bool session_want_write(const struct session *s)
{
	return s->fd >= 0 && !s->udp && (!outq_empty(&s->out) || s->shut_pending);
}

void session_shutdown(struct session *s)
{
	if (!s->shut_wr)
		s->shut_pending = true;
}

int session_send_dgram(struct session *s, const void *data, size_t n)
{
	ssize_t r;

	struct timespec t0;
	int e;

	stamp(s, &t0);
	do
		r = sendto(s->fd, data, n, MSG_DONTWAIT, (const struct sockaddr *)&s->peer,
			   s->peer_len);
	while (r < 0 && errno == EINTR);
	e = errno;
	if (r >= 0 && s->local.ss_family == AF_UNSPEC) {
		/* The kernel bound the socket for its first datagram: its end
		 * is the client's side of the exchange (the ladder's key). */
		socklen_t ll = sizeof s->local;

		if (getsockname(s->fd, (struct sockaddr *)&s->local, &ll) < 0)
			memset(&s->local, 0, sizeof s->local);
	}
	trace_size(s, "sendto", r, e, n, EVENT_CALL_PEER_ARG, &t0);
	return r < 0 ? e : 0;
}

ssize_t session_read(struct session *s, void *buf, size_t cap, struct sockaddr_storage *from,
		     int *err)
{
	socklen_t len = from ? sizeof *from : 0;
	ssize_t n;

	do
		n = recvfrom(s->fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from,
			     from ? &len : NULL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		*err = errno == EWOULDBLOCK ? EAGAIN : errno;
	if (n >= 0 || *err != EAGAIN) {
		if (s->udp && from != NULL && n >= 0) {
			/* recvfrom shows the sender it returned. */
			char args[32];

			snprintf(args, sizeof args, "%zu", cap);
			client_trace(&s->trace, "recvfrom", s->fd, args, (int)n, 0, &s->local, from,
				     EVENT_CALL_PEER_RET, true, NULL);
		} else {
			trace_size(s, s->udp ? "recvfrom" : "recv", n, n < 0 ? *err : 0, cap,
				   EVENT_CALL_NO_ADDR, NULL);
		}
	}
	return n;
}

const char *session_pending(const struct session *s, size_t *len)
{
	*len = outq_pending(&s->out);
	return outq_data(&s->out);
}

void session_drop_pending(struct session *s)
{
	outq_clear(&s->out);
}

void session_close(struct session *s)
{
	if (s->fd >= 0) {
		struct timespec t0;
		int r;

		stamp(s, &t0);
		r = close(s->fd);
		trace(s, "close", r, errno, NULL, EVENT_CALL_NO_ADDR, &t0);
	}
	s->fd = -1;
	s->udp = false;
	outq_clear(&s->out);
	s->shut_pending = s->shut_wr = false;
	s->peer_len = 0;
}

void session_close_attempt(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void session_free(struct session *s)
{
	session_close(s);
	outq_free(&s->out);
}
