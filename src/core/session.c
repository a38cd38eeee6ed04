/*
 * session: a client conversation over a non-blocking socket (see
 * session.h). The TCP queue is an outq.
 */
#include "socklab/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int session_open_udp(struct session *s, const struct sockaddr *to, socklen_t len, bool connect_it)
{
	int fd = socket(to->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	if (connect_it && connect(fd, to, len) < 0) {
		int e = errno;

		close(fd);
		return e;
	}
	s->fd = fd;
	s->udp = true;
	memcpy(&s->peer, to, len);
	s->peer_len = len;
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
		ssize_t n = send(s->fd, outq_data(&s->out), outq_pending(&s->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return errno;
		}
		outq_consume(&s->out, (size_t)n);
	}
	if (s->shut_pending) {
		s->shut_pending = false;
		if (shutdown(s->fd, SHUT_WR) < 0)
			return errno;
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

	do
		r = sendto(s->fd, data, n, MSG_DONTWAIT, (const struct sockaddr *)&s->peer,
			   s->peer_len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? errno : 0;
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
	if (s->fd >= 0)
		close(s->fd);
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
