/*
 * session: a client conversation over a non-blocking socket (see
 * session.h). The TCP queue is one buffer: out_off is what was sent,
 * out_len what was written; it is compacted when it empties.
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
	if (n == 0)
		return 0; /* and no arithmetic on a queue not yet allocated */
	if (s->out_len - s->out_off + n > s->out_max)
		return ENOBUFS;
	if (s->out_off > 0 && s->out_off == s->out_len)
		s->out_off = s->out_len = 0;
	if (s->out_len + n > s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap : 4096;
		char *p;

		if (s->out_off > 0) {
			memmove(s->out, s->out + s->out_off, s->out_len - s->out_off);
			s->out_len -= s->out_off;
			s->out_off = 0;
		}
		while (cap < s->out_len + n)
			cap *= 2;
		p = realloc(s->out, cap);
		if (p == NULL)
			return ENOMEM;
		s->out = p;
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, data, n);
	s->out_len += n;
	return 0;
}

int session_flush(struct session *s, bool *shut_now)
{
	if (shut_now)
		*shut_now = false;
	if (s->fd < 0 || s->udp)
		return 0;
	while (s->out_off < s->out_len) {
		ssize_t n = send(s->fd, s->out + s->out_off, s->out_len - s->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return errno;
		}
		s->out_off += (size_t)n;
	}
	s->out_off = s->out_len = 0;
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
	return s->fd >= 0 && !s->udp && (s->out_off < s->out_len || s->shut_pending);
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
	*len = s->out_len - s->out_off;
	return s->out != NULL ? s->out + s->out_off : "";
}

void session_drop_pending(struct session *s)
{
	s->out_off = s->out_len = 0;
}

void session_close(struct session *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->udp = false;
	s->out_off = s->out_len = 0;
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
	free(s->out);
	s->out = NULL;
	s->out_cap = 0;
}
