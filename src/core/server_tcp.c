/*
 * server_tcp: TCP connections: accepting (with the sequential mode and the
 * EMFILE backoff), reading and framing, replies queued and flushed under
 * the output cap, closing, idle timeouts and stopping.
 */
#include "core/server_int.h"

static void set_accepting(struct server *s, bool on)
{
	if (s->accepting == on)
		return;
	for (int i = 0; i < s->nsock; i++) {
		struct epoll_event ee = {.events = on ? EPOLLIN : 0, .data.ptr = &s->lfd[i]};

		epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->lfd[i], &ee);
	}
	s->accepting = on;
}

void server_update_accepting(struct server *s)
{
	bool busy = s->spec.sequential && s->nconns > 0;

	set_accepting(s, !busy && s->backoff_until == 0);
}

static void conn_free(struct server *s, struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	atomic_fetch_sub(&s->conns_now, 1);
	frame_free(&c->fr);
	free(c->out);
	free(c);
	server_update_accepting(s);
}

static void record_recv(struct server *s, struct conn *c);

static void conn_close(struct server *s, struct conn *c, enum close_reason why, int err)
{
	struct event ev;

	record_recv(s, c);
	conn_event(s, c, &ev, EV_CLOSE);
	ev.reason = why;
	ev.err = err;
	emit(s, &ev);
	close(c->fd);
	server_trace(s, "close", 0, 0, NULL, NULL);
	conn_free(s, c);
}

static void conn_want_out(struct server *s, struct conn *c, bool on)
{
	/* After the peer's EOF only EPOLLOUT matters: the EOF stays readable
	 * and, level-triggered, would wake this thread in a busy loop while a
	 * slow reader drains its echo. */
	struct epoll_event ee = {.events = (c->eof ? 0 : EPOLLIN) | (on ? EPOLLOUT : 0),
				 .data.ptr = c};

	if (c->want_out == on && c->in_off == c->eof)
		return;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ee);
	c->want_out = on;
	c->in_off = c->eof;
}

/* Room for n more bytes at the end of the output buffer; the caller
 * writes there and adds what it used to out_len. NULL when out of memory. */
static char *conn_reserve(struct conn *c, size_t n)
{
	if (c->out_off > 0 && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *p;

		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		while (cap < c->out_len + n)
			cap *= 2;
		if (cap != c->out_cap) {
			p = realloc(c->out, cap);
			if (p == NULL)
				return NULL;
			c->out = p;
			c->out_cap = cap;
		}
	}
	return c->out + c->out_len;
}

/* Queues bytes for the peer. Returns -1 when out of memory. */
static int conn_queue(struct conn *c, const void *data, size_t n)
{
	char *p = conn_reserve(c, n);

	if (p == NULL)
		return -1;
	memcpy(p, data, n);
	c->out_len += n;
	return 0;
}

/* Sends what is queued. Returns false when the connection was closed. */
/* Records the last recv, if that is still to be done, with its own time. */
static void record_recv(struct server *s, struct conn *c)
{
	struct event ev;

	if (!c->unrecorded.pending)
		return;
	c->unrecorded.pending = false;
	conn_event(s, c, &ev, EV_RECV);
	ev.time = c->unrecorded.time;
	emit_data(s, &ev, c->unrecorded.data, c->unrecorded.len, c->unrecorded.len);
}

bool server_conn_flush(struct server *s, struct conn *c)
{
	size_t pending = c->out_len - c->out_off;

	if (pending > 0) {
		ssize_t n = send(c->fd, c->out + c->out_off, pending, MSG_NOSIGNAL);
		int e = errno;

		record_recv(s, c); /* now that the reply is on its way */
		if (n < 0 && e != EAGAIN && e != EINTR) {
			conn_close(s, c, e == ECONNRESET || e == EPIPE ? CLOSE_RESET : CLOSE_ERROR, e);
			return false;
		}
		if (n > 0) {
			struct event ev;

			conn_event(s, c, &ev, EV_SEND);
			emit_data(s, &ev, c->out + c->out_off, (size_t)n, (size_t)n);
			atomic_fetch_add_explicit(&s->bytes_out, (uint64_t)n, memory_order_relaxed);
			c->out_off += (size_t)n;
			pending -= (size_t)n;
		}
		if (pending > s->spec.output_cap) {
			struct event ev;

			conn_event(s, c, &ev, EV_WARNING);
			event_set_message(&ev, MSG_OUTPUT_CAP, pending);
			emit(s, &ev);
			conn_close(s, c, CLOSE_OVERFLOW, 0);
			return false;
		}
	}
	record_recv(s, c);
	if (pending == 0 && (c->eof || c->close_after_flush)) {
		conn_close(s, c, c->eof ? CLOSE_PEER_EOF : CLOSE_SERVER, 0);
		return false;
	}
	conn_want_out(s, c, pending > 0);
	return true;
}

static void reply_line(struct server *s, struct conn *c, const char *line, size_t len)
{
	/* Replies are built in place in the output buffer: one reservation
	 * and no intermediate copy per line. */
	if (s->spec.service == SERVICE_ECHO) {
		char *p = conn_reserve(c, len + 6);

		if (p == NULL)
			return;
		memcpy(p, "eco: ", 5);
		memcpy(p + 5, line, len);
		p[5 + len] = '\n';
		c->out_len += len + 6;
	} else {
		size_t need = 3 * len + 32; /* proto_reply's documented bound */
		char *p = conn_reserve(c, need);

		if (p == NULL)
			return;
		c->out_len += proto_reply(line, len, time(NULL), p, need);
	}
}

static void line_overflow(struct server *s, struct conn *c)
{
	char msg[96];
	int n = snprintf(msg, sizeof msg, MSG_LINE_TOO_LONG, s->spec.max_line);
	struct event ev;

	conn_queue(c, msg, (size_t)n);
	record_recv(s, c); /* the recv comes before what it caused */
	conn_event(s, c, &ev, EV_WARNING);
	event_set_message(&ev, MSG_LINE_TOO_LONG_LOG, s->spec.max_line);
	emit(s, &ev);
}

void server_conn_readable(struct server *s, struct conn *c)
{
	bool raw = s->spec.service == SERVICE_RAW;
	size_t room;
	char *p;
	ssize_t n;

	if (raw) {
		p = (char *)s->iobuf;
		room = IOBUF_SIZE - 1;
	} else {
		p = frame_space(&c->fr, &room);
	}
	n = recv(c->fd, p, room, 0);
	if (n < 0) {
		int e = errno;

		if (e == EAGAIN || e == EINTR)
			return;
		conn_close(s, c, e == ECONNRESET ? CLOSE_RESET : CLOSE_ERROR, e);
		return;
	}
	c->last_ms = now_ms();
	if (n == 0) {
		/* The tutorial's cmd server (makefile) still answers a last line
		 * without a newline; its hand-made echo buffer drops it. */
		if (s->spec.service == SERVICE_CMD && frame_pending(&c->fr) > 0) {
			size_t len = c->fr.end - c->fr.start;

			reply_line(s, c, c->fr.buf + c->fr.start, len);
			c->fr.start = c->fr.end;
		}
		c->eof = true;
		server_conn_flush(s, c);
		return;
	}
	c->unrecorded.pending = true;
	clock_gettime(CLOCK_REALTIME, &c->unrecorded.time);
	c->unrecorded.data = p;
	c->unrecorded.len = (size_t)n;
	atomic_fetch_add_explicit(&s->bytes_in, (uint64_t)n, memory_order_relaxed);
	if (raw) {
		conn_queue(c, p, (size_t)n);
	} else {
		const char *line;
		size_t len;
		enum frame_result r;

		frame_commit(&c->fr, (size_t)n);
		while ((r = frame_next(&c->fr, &line, &len)) != FRAME_MORE) {
			if (r == FRAME_LINE)
				reply_line(s, c, line, len);
			else
				line_overflow(s, c);
		}
	}
	server_conn_flush(s, c);
}

void server_accept_ready(struct server *s, int lfd)
{
	for (int i = 0; i < ACCEPTS_PER_WAKE && s->accepting; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		struct epoll_event ee;
		struct conn *c;
		struct event ev;
		int fd, e;

		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			e = errno;
			if (e == EAGAIN || e == EINTR || e == ECONNABORTED)
				return;
			server_trace(s, "accept", -1, e, NULL, NULL);
			/* Said once per episode, not every ACCEPT_BACKOFF_MS. */
			if (!s->accept_failing)
				server_emit_msg(s, EV_ERROR, e, MSG_ACCEPT_BACKOFF, msg_strerror(e));
			s->accept_failing = true;
			/* EMFILE and friends: the listener stays readable, so
			 * stop watching it for a moment instead of spinning. */
			s->backoff_until = now_ms() + ACCEPT_BACKOFF_MS;
			set_accepting(s, false);
			return;
		}
		server_trace(s, "accept", fd, 0, (void *)&peer, NULL);
		if (s->accept_failing) {
			s->accept_failing = false;
			server_emit_msg(s, EV_WARNING, 0, MSG_ACCEPT_RECOVERED);
		}
		c = calloc(1, sizeof *c);
		if (c == NULL || (s->spec.service != SERVICE_RAW && s->spec.service != SERVICE_HELLO &&
				  frame_init(&c->fr, s->spec.max_line) < 0)) {
			server_emit_msg(s, EV_ERROR, ENOMEM, MSG_ACCEPT_NOMEM);
			free(c);
			close(fd);
			return;
		}
		c->srv = s;
		c->fd = fd;
		c->id = ++s->next_conn;
		c->peer = peer;
		plen = sizeof c->local;
		getsockname(fd, (struct sockaddr *)&c->local, &plen);
		c->last_ms = now_ms();
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->nconns++;
		atomic_fetch_add(&s->conns_now, 1);
		atomic_fetch_add(&s->conns_total, 1);
		conn_event(s, c, &ev, EV_ACCEPT);
		emit(s, &ev);
		server_update_accepting(s);

		switch (s->spec.service) {
		case SERVICE_ECHO_STDIO:
			c->has_worker = true;
			if (pthread_create(&c->worker, NULL, server_stdio_worker, c) != 0) {
				c->has_worker = false;
				conn_close(s, c, CLOSE_ERROR, EAGAIN);
			}
			continue;
		case SERVICE_HELLO:
			ee.events = EPOLLIN;
			ee.data.ptr = c;
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ee);
			conn_queue(c, MSG_HELLO, strlen(MSG_HELLO));
			c->close_after_flush = true;
			server_conn_flush(s, c);
			continue;
		default:
			ee.events = EPOLLIN;
			ee.data.ptr = c;
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ee);
			continue;
		}
	}
}

void server_reap_workers(struct server *s)
{
	uint64_t v;
	ssize_t r = read(s->reapfd, &v, sizeof v);
	struct conn *c, *next;

	(void)r;
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->has_worker && atomic_load(&c->done)) {
			pthread_join(c->worker, NULL);
			close(c->fd);
			conn_free(s, c);
		}
	}
}

/* ---- idle connections and stopping ------------------------------------ */

void server_check_idle(struct server *s, int64_t now)
{
	struct conn *c, *next;

	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (now - c->last_ms < s->spec.idle_timeout_ms)
			continue;
		if (c->has_worker) {
			atomic_store(&c->idle, true);
			shutdown(c->fd, SHUT_RDWR);
		} else {
			conn_close(s, c, CLOSE_IDLE, 0);
		}
	}
}

void server_stop_all(struct server *s)
{
	struct conn *c, *next;

	atomic_store(&s->stopping, true);
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->has_worker) {
			shutdown(c->fd, SHUT_RDWR);
			pthread_join(c->worker, NULL);
			close(c->fd);
			conn_free(s, c);
		} else {
			conn_close(s, c, CLOSE_STOP, 0);
		}
	}
}
