/*
 * server_stdio: echo-stdio, the C twin of Python's makefile(): one worker
 * thread per connection doing blocking stdio.
 *
 * Flow control comes with blocking I/O: a reply that the peer does not
 * take blocks the worker in its write, so it reads no more (at most the
 * stdio buffers and one line are held). SO_SNDTIMEO set to the stall
 * time makes a write that moves no byte for that long fail, and the
 * connection is closed as the other services close a stalled peer.
 */
#include "core/server_int.h"

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
	int rfd = -1, wfd = -1, err = 0, fl;
	FILE *in = NULL, *out = NULL;
	size_t cap = s->spec.max_line + 1;
	/* "eco: " + a line + "\n", or the error line however small cap is. */
	size_t room = s->svc->reply_max(cap) + 64;
	char *line = malloc(cap), *reply = malloc(room);
	const char *step = NULL;
	struct event ev;

	/* Blocking I/O, as the tutorial's makefile() does; server_stop wakes
	 * us with shutdown(). Each step that fails is named. */
	if (line == NULL || reply == NULL) {
		err = ENOMEM;
		step = "malloc";
	} else if ((fl = fcntl(c->fd, F_GETFL)) < 0 || fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		err = errno;
		step = "fcntl";
	} else if (s->spec.stall_ms > 0 &&
		   setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO,
			      &(struct timeval){.tv_sec = s->spec.stall_ms / 1000,
						.tv_usec = s->spec.stall_ms % 1000 * 1000},
			      sizeof(struct timeval)) < 0) {
		err = errno;
		step = "setsockopt SO_SNDTIMEO";
	} else if ((rfd = dup(c->fd)) < 0 || (wfd = dup(c->fd)) < 0) {
		err = errno;
		step = "dup";
	} else if ((in = fdopen(rfd, "r")) == NULL || (out = fdopen(wfd, "w")) == NULL) {
		err = errno;
		step = "fdopen";
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
		conn_event(s, c, &ev, EV_RECV);
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
		if (fwrite(reply, 1, len, out) != len || fflush(out) != 0) {
			err = errno;
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
	conn_event(s, c, &ev, EV_CLOSE);
	ev.reason = why;
	ev.err = why == CLOSE_STOP ? 0 : err;
	if (step != NULL)
		snprintf(ev.message, sizeof ev.message, "%s", step);
	emit(s, &ev);
	event_queue_kick(s->q);
	if (in)
		fclose(in);
	else if (rfd >= 0)
		close(rfd);
	if (out)
		fclose(out);
	else if (wfd >= 0)
		close(wfd);
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
