/*
 * server_stdio: echo-stdio, the C twin of Python's makefile(): one worker
 * thread per connection doing blocking stdio.
 *
 * Flow control comes with blocking I/O: a reply that the peer does not
 * take blocks the worker in its write, so it reads no more (at most the
 * stdio buffers and one line are held). SO_SNDTIMEO set to the stall
 * time makes a write that moves no byte for that long fail, and the
 * connection is closed as the other services close a stalled peer.
 *
 * The streams are fopencookie() streams whose read and write are recv and
 * send on the socket, so the trace shows the system calls underneath the
 * line reads (EV_READ_LINE: one line, which may take one recv or many, or
 * share one with other lines) and the flushes.
 */
#include "core/server_int.h"

/* The socket under a stdio stream: recv and send, each traced. */
static ssize_t sock_read(void *cookie, char *buf, size_t size)
{
	struct conn *c = cookie;
	ssize_t n;
	int e;
	char what[48];

	do
		n = recv(c->fd, buf, size, 0);
	while (n < 0 && errno == EINTR);
	e = errno;
	snprintf(what, sizeof what, "%zu", size);
	server_trace(c->srv, c, "recv", c->fd, (int)n, e, NULL, what);
	errno = e;
	return n;
}

/* All of buf, or -1: glibc takes a short write from a cookie as an error,
 * so a partial send (SO_SNDTIMEO after some progress) is continued here,
 * each send with a stall time of its own. */
static ssize_t sock_write(void *cookie, const char *buf, size_t size)
{
	struct conn *c = cookie;
	size_t done = 0;
	char what[48];

	while (done < size) {
		ssize_t n = send(c->fd, buf + done, size - done, MSG_NOSIGNAL);
		int e = errno;

		if (n < 0 && e == EINTR)
			continue;
		snprintf(what, sizeof what, "%zu", size - done);
		server_trace(c->srv, c, "send", c->fd, (int)n, e, NULL, what);
		if (n < 0) {
			/* Kept apart too: stdio (and a sanitizer's runtime) may
			 * change errno before fwrite's caller reads it. */
			c->write_err = e;
			errno = e;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int sock_close(void *cookie)
{
	(void)cookie; /* the server thread closes the socket when it reaps */
	return 0;
}

static const cookie_io_functions_t sock_io = {
    .read = sock_read, .write = sock_write, .seek = NULL, .close = sock_close};

/* Reads one line through stdio, keeping at most cap bytes of it; bytes
 * past the cap are read and dropped up to the newline (*over says so).
 * Returns the bytes kept, or -1 at EOF with nothing read. */
static ssize_t stdio_line(FILE *f, char *buf, size_t cap, bool *over, size_t *total)
{
	size_t n = 0, all = 0;
	int ch;

	*over = false;
	while ((ch = getc_unlocked(f)) != EOF) {
		all++;
		if (n < cap)
			buf[n++] = (char)ch;
		else
			*over = true;
		if (ch == '\n')
			break;
	}
	*total = all;
	return all == 0 ? -1 : (ssize_t)n;
}

void *server_stdio_worker(void *arg)
{
	struct conn *c = arg;
	struct server *s = c->srv;
	enum close_reason why = CLOSE_PEER_EOF;
	int err = 0, fl;
	FILE *in = NULL, *out = NULL;
	size_t cap = s->spec.max_line + 1;
	/* "eco: " + a line + "\n", or the error line however small cap is. */
	size_t room = s->svc->reply_max(cap) + 64;
	char *line = malloc(cap), *reply = malloc(room);
	const char *step = NULL;
	struct event ev;

	pthread_setname_np(pthread_self(), "stdio-worker");
	/* Blocking I/O, as the tutorial's makefile() does; server_stop wakes
	 * us with shutdown(). Each step that fails is named. */
	if (line == NULL || reply == NULL) {
		err = ENOMEM;
		step = "malloc";
	} else if ((fl = fcntl(c->fd, F_GETFL)) < 0 ||
		   fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		err = errno;
		step = "fcntl";
	} else if (s->spec.stall_ms > 0 &&
		   setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO,
			      &(struct timeval){.tv_sec = s->spec.stall_ms / 1000,
						.tv_usec = s->spec.stall_ms % 1000 * 1000},
			      sizeof(struct timeval)) < 0) {
		err = errno;
		step = "setsockopt SO_SNDTIMEO";
	} else if ((in = fopencookie(c, "r", sock_io)) == NULL ||
		   (out = fopencookie(c, "w", sock_io)) == NULL) {
		err = errno;
		step = "fopencookie";
	}
	if (step != NULL) {
		why = CLOSE_ERROR;
		goto done;
	}
	for (;;) {
		bool over;
		size_t total;
		ssize_t n = stdio_line(in, line, cap, &over, &total);
		size_t len;

		if (n < 0) {
			if (ferror(in)) {
				err = errno;
				why = err == ECONNRESET ? CLOSE_RESET : CLOSE_ERROR;
			}
			break;
		}
		conn_event(s, c, &ev, EV_READ_LINE);
		emit_data(s, &ev, line, (size_t)n, total);
		atomic_fetch_add_explicit(&s->bytes_in, total, memory_order_relaxed);
		c->last_ms = now_ms();
		if (over) {
			len = (size_t)snprintf(reply, room, MSG_LINE_TOO_LONG, s->spec.max_line);
			conn_event(s, c, &ev, EV_WARNING);
			event_set_message(&ev, MSG_LINE_TOO_LONG_LOG, s->spec.max_line);
			emit(s, &ev);
		} else {
			/* raw.rstrip(b"\r\n"): every trailing CR and LF goes. */
			len = (size_t)n;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				len--;
			len = s->svc->reply(line, len, reply);
		}
		c->write_err = 0;
		if (fwrite(reply, 1, len, out) != len || fflush(out) != 0) {
			err = c->write_err != 0 ? c->write_err : errno;
			why = err == EPIPE || err == ECONNRESET ? CLOSE_RESET : CLOSE_ERROR;
			if (err == EAGAIN || err == EWOULDBLOCK) {
				/* SO_SNDTIMEO: not a byte taken for the stall time. */
				conn_event(s, c, &ev, EV_WARNING);
				snprintf(ev.message, sizeof ev.message, MSG_OUTPUT_CAP, len,
					 (double)s->spec.stall_ms / 1000.0);
				emit(s, &ev);
				why = CLOSE_OVERFLOW;
				err = 0;
			}
			break;
		}
		conn_event(s, c, &ev, EV_SEND);
		emit_data(s, &ev, reply, len, len);
		atomic_fetch_add_explicit(&s->bytes_out, len, memory_order_relaxed);
		event_queue_kick(s->q);
	}
done:
	if (atomic_load(&s->stopping))
		why = CLOSE_STOP;
	else if (atomic_load(&c->idle))
		why = CLOSE_IDLE;
	conn_uncount(s, c);
	conn_event(s, c, &ev, EV_CLOSE);
	ev.reason = why;
	ev.err = why == CLOSE_STOP ? 0 : err;
	if (step != NULL)
		snprintf(ev.message, sizeof ev.message, "%s", step);
	emit(s, &ev);
	event_queue_kick(s->q);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	free(line);
	free(reply);
	atomic_store(&c->done, true);
	{
		uint64_t one = 1;
		ssize_t r = write(s->reapfd, &one, sizeof one);
		(void)r;
	}
	return NULL;
}
