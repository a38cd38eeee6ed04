/*
 * server_tcp: TCP connections: accepting (with the sequential mode and the
 * EMFILE backoff), reading and framing, replies queued and flushed,
 * flow control, closing, idle timeouts and stopping. What a connection
 * does with its bytes comes from its service's entry (service.h).
 *
 * Flow control: while a connection has more than spec.output_cap bytes of
 * replies unsent, it is not read (EPOLLIN off) and the lines its framer
 * still holds wait unanswered; TCP's own window then slows the sender, as
 * a blocking sendall() would. Once the output drains below half the cap,
 * held lines are answered and reading resumes. The output queue so stays
 * below output_cap plus the largest reply to one read, and doubles at
 * most to twice that. A peer whose output has not moved at all for
 * spec.stall_ms is closed (CLOSE_OVERFLOW) with a warning saying so.
 */
#include "core/server_int.h"

/* Registers (EPOLL_CTL_ADD) or changes (MOD) fd's events. Returns 0, or
 * the errno of the failed epoll_ctl. */
static int watch(struct server *s, int op, int fd, uint32_t events, void *ptr)
{
	struct epoll_event ee = {.events = events, .data.ptr = ptr};

	return epoll_ctl(s->epfd, op, fd, &ee) < 0 ? errno : 0;
}

static void set_accepting(struct server *s, bool on)
{
	if (s->accepting == on)
		return;
	for (int i = 0; i < s->nsock; i++) {
		int e = watch(s, EPOLL_CTL_MOD, s->lfd[i], on ? EPOLLIN : 0, &s->lfd[i]);

		if (e != 0) {
			/* The listener keeps its old state; said, not hidden. */
			server_emit_msg(s, EV_ERROR, e, MSG_EPOLL_FAILED, "MOD (listener)",
					msg_strerror(e));
			return;
		}
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
	conn_uncount(s, c);
	if (c->waiting)
		s->nwaiting--;
	atomic_fetch_sub_explicit(&s->out_queued, c->accounted, memory_order_relaxed);
	frame_free(&c->fr);
	outq_free(&c->out);
	free(c);
	server_update_accepting(s);
}

static void record_recv(struct server *s, struct conn *c);

/* Closes c and records why; fmt, when not NULL, names the step that
 * failed (a MSG_ format and its values). c is freed. */
static void conn_close_msg(struct server *s, struct conn *c, enum close_reason why, int err,
			   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void conn_close_msg(struct server *s, struct conn *c, enum close_reason why, int err,
			   const char *fmt, ...)
{
	struct event ev;

	record_recv(s, c);
	conn_uncount(s, c);
	conn_event(s, c, &ev, EV_CLOSE);
	ev.reason = why;
	ev.err = err;
	if (fmt != NULL) {
		va_list ap;

		va_start(ap, fmt);
		event_vset_message(&ev, fmt, ap);
		va_end(ap);
	}
	emit(s, &ev);
	{
		struct timespec t0;
		int r;

		clock_gettime(CLOCK_REALTIME, &t0);
		r = close(c->fd);
		server_trace_at(s, c, &t0, "close", c->fd, r, errno, NULL, NULL);
	}
	conn_free(s, c);
}

static void conn_close(struct server *s, struct conn *c, enum close_reason why, int err)
{
	conn_close_msg(s, c, why, err, NULL);
}

/* Closes c after an epoll_ctl on it failed: it could never be served. */
static void conn_close_epoll(struct server *s, struct conn *c, const char *op, int e)
{
	conn_close_msg(s, c, CLOSE_ERROR, e, "epoll_ctl %s", op);
}

/* Sets the events c waits for: EPOLLIN unless the peer's EOF was seen
 * (it stays readable and, level-triggered, would spin this thread while a
 * slow reader drains its echo) or reading is paused; EPOLLOUT while output
 * is queued. Returns false when epoll refused and c was closed. */
static bool conn_watch(struct server *s, struct conn *c)
{
	uint32_t want = (c->eof || c->paused ? 0 : EPOLLIN) | (outq_empty(&c->out) ? 0 : EPOLLOUT);
	int e;

	if (want == c->events)
		return true;
	e = watch(s, EPOLL_CTL_MOD, c->fd, want, c);
	if (e != 0) {
		conn_close_epoll(s, c, "MOD", e);
		return false;
	}
	c->events = want;
	return true;
}

/* The server's view of c's output after a change: its share of
 * out_queued, the peaks, and the stall clock (started when output begins
 * to wait, restarted whenever some of it is sent). */
static void conn_account(struct server *s, struct conn *c, bool moved)
{
	size_t pending = outq_pending(&c->out);

	if (pending != c->accounted) {
		if (pending > c->accounted)
			atomic_fetch_add_explicit(&s->out_queued, pending - c->accounted,
						  memory_order_relaxed);
		else
			atomic_fetch_sub_explicit(&s->out_queued, c->accounted - pending,
						  memory_order_relaxed);
		c->accounted = pending;
		if (pending > atomic_load_explicit(&s->out_queued_peak, memory_order_relaxed))
			atomic_store_explicit(&s->out_queued_peak, pending, memory_order_relaxed);
		if (c->out.cap > atomic_load_explicit(&s->out_buffer_peak, memory_order_relaxed))
			atomic_store_explicit(&s->out_buffer_peak, c->out.cap,
					      memory_order_relaxed);
	}
	if (pending > 0 && (!c->waiting || moved))
		c->progress_ms = now_ms();
	if ((pending > 0) != c->waiting) {
		c->waiting = pending > 0;
		if (c->waiting)
			s->nwaiting++;
		else
			s->nwaiting--;
	}
}

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

/* Stops reading c until its output drains (flow control). */
static void conn_pause(struct server *s, struct conn *c)
{
	if (!c->paused)
		atomic_fetch_add_explicit(&s->paused_total, 1, memory_order_relaxed);
	c->paused = true;
}

/* Queues n bytes for the peer, or closes c when the memory cannot be had.
 * Returns false when c was closed. */
static bool conn_queue(struct server *s, struct conn *c, const void *data, size_t n)
{
	if (outq_append(&c->out, data, n) == 0)
		return true;
	conn_close_msg(s, c, CLOSE_ERROR, ENOMEM, MSG_NO_MEMORY_REPLY, n);
	return false;
}

static bool serve_lines(struct server *s, struct conn *c);

bool server_conn_flush(struct server *s, struct conn *c)
{
	size_t pending = outq_pending(&c->out);
	bool moved = false;

	if (pending > 0) {
		struct timespec t0;
		ssize_t n;
		int e;

		if (s->opt.trace) /* the call, before the packet it makes */
			clock_gettime(CLOCK_REALTIME, &t0);
		n = send(c->fd, outq_data(&c->out), pending, MSG_NOSIGNAL);
		e = errno;
		record_recv(s, c); /* now that the reply is on its way */
		if (s->opt.trace && (n >= 0 || (e != EAGAIN && e != EINTR))) {
			char what[24];

			snprintf(what, sizeof what, "%zu", pending);
			server_trace_at(s, c, &t0, "send", c->fd, (int)n, e, NULL, what);
		}
		if (n < 0 && e != EAGAIN && e != EINTR) {
			conn_close(s, c, e == ECONNRESET || e == EPIPE ? CLOSE_RESET : CLOSE_ERROR,
				   e);
			return false;
		}
		if (n > 0) {
			struct event ev;

			conn_event(s, c, &ev, EV_SEND);
			emit_data(s, &ev, outq_data(&c->out), (size_t)n, (size_t)n);
			atomic_fetch_add_explicit(&s->bytes_out, (uint64_t)n, memory_order_relaxed);
			outq_consume(&c->out, (size_t)n);
			pending -= (size_t)n;
			moved = true;
		}
	}
	record_recv(s, c);
	/* Drained enough: answer what the framer held, then read again. */
	if (c->paused && pending <= s->spec.output_cap / 2) {
		c->paused = false;
		if (c->lines_held && !serve_lines(s, c))
			return false;
		pending = outq_pending(&c->out);
	}
	conn_account(s, c, moved);
	if (pending == 0 && (c->eof || c->close_after_flush)) {
		conn_close(s, c, c->eof ? CLOSE_PEER_EOF : CLOSE_SERVER, 0);
		return false;
	}
	return conn_watch(s, c);
}

/* Queues the service's reply to one line, built in place in the output
 * queue: one reservation and no intermediate copy per line. Returns false
 * when c was closed (out of memory, said). */
static bool reply_line(struct server *s, struct conn *c, const char *line, size_t len)
{
	size_t need = s->svc->reply_max(len);
	char *p = s->opt.faults & SERVER_FAULT_REPLY_NOMEM ? NULL : outq_reserve(&c->out, need);
	if (p != NULL) {
		outq_commit(&c->out, s->svc->reply(line, len, p));
		return true;
	}
	conn_close_msg(s, c, CLOSE_ERROR, ENOMEM, MSG_NO_MEMORY_REPLY, need);
	return false;
}

/* The error line for a line over the cap. Returns false when c was closed. */
static bool line_overflow(struct server *s, struct conn *c)
{
	char msg[96];
	int n = snprintf(msg, sizeof msg, MSG_LINE_TOO_LONG, s->spec.max_line);
	struct event ev;

	if (!conn_queue(s, c, msg, (size_t)n))
		return false;
	record_recv(s, c); /* the recv comes before what it caused */
	conn_event(s, c, &ev, EV_WARNING);
	event_set_message(&ev, MSG_LINE_TOO_LONG_LOG, s->spec.max_line);
	emit(s, &ev);
	return true;
}

/* Answers the complete lines in c's framer while the output is below the
 * cap; past it, reading pauses with the rest held in the framer. Returns
 * false when c was closed. */
static bool serve_lines(struct server *s, struct conn *c)
{
	const char *line;
	size_t len;
	enum frame_result r;

	c->lines_held = false;
	for (;;) {
		if (outq_pending(&c->out) > s->spec.output_cap) {
			c->lines_held = true;
			conn_pause(s, c);
			return true;
		}
		r = frame_next(&c->fr, &line, &len);
		if (r == FRAME_MORE)
			return true;
		if (r == FRAME_LINE ? !reply_line(s, c, line, len) : !line_overflow(s, c))
			return false;
	}
}

void server_conn_readable(struct server *s, struct conn *c)
{
	bool framed = s->svc->framed, direct = false;
	size_t room;
	char *p;
	ssize_t n;

	if (c->paused) {
		/* An error or hangup while not reading: sending says which. */
		server_conn_flush(s, c);
		return;
	}
	if (framed) {
		p = frame_space(&c->fr, &room);
	} else if ((p = outq_room(&c->out, TCP_READ_MAX)) != NULL) {
		/* A busy raw connection's output already has the room: the
		 * bytes go straight where they are sent from, one copy fewer. A
		 * quiet one reads into the shared buffer, and its queue holds
		 * only what it got. */
		direct = true;
		room = TCP_READ_MAX;
	} else {
		p = (char *)s->iobuf;
		room = IOBUF_SIZE - 1;
	}
	if (room > TCP_READ_MAX)
		room = TCP_READ_MAX;
	n = recv(c->fd, p, room, 0);
	if (s->opt.trace && (n >= 0 || (errno != EAGAIN && errno != EINTR))) {
		int e = errno;
		char what[24];

		snprintf(what, sizeof what, "%zu", room);
		server_trace(s, c, "recv", c->fd, (int)n, e, NULL, what);
		errno = e;
	}
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
		if (s->svc->answers_partial_line && frame_pending(&c->fr) > 0) {
			size_t len = c->fr.end - c->fr.start;

			if (!reply_line(s, c, c->fr.buf + c->fr.start, len))
				return;
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
	if (framed) {
		frame_commit(&c->fr, (size_t)n);
		if (!serve_lines(s, c))
			return;
	} else {
		if (direct)
			outq_commit(&c->out, (size_t)n);
		else if (!conn_queue(s, c, p, (size_t)n))
			return;
		if (outq_pending(&c->out) > s->spec.output_cap)
			conn_pause(s, c);
	}
	server_conn_flush(s, c);
}

/* A new connection's record, or NULL (said) when out of memory. */
static struct conn *conn_new(struct server *s, int fd, const struct sockaddr_storage *peer)
{
	struct conn *c = calloc(1, sizeof *c);
	socklen_t len = sizeof c->local;

	if (c == NULL ||
	    (s->svc->framed && !s->svc->threaded && frame_init(&c->fr, s->spec.max_line) < 0)) {
		server_emit_msg(s, EV_ERROR, ENOMEM, MSG_ACCEPT_NO_MEMORY);
		free(c);
		return NULL;
	}
	c->srv = s;
	c->fd = fd;
	c->id = ++s->next_conn;
	c->peer = *peer;
	if (getsockname(fd, (struct sockaddr *)&c->local, &len) < 0) {
		/* Only the local end is unknown: said with the ACCEPT. */
		memset(&c->local, 0, sizeof c->local);
		c->local.ss_family = peer->ss_family;
		c->local_err = errno;
	}
	c->last_ms = now_ms();
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	atomic_fetch_add(&s->conns_now, 1);
	atomic_fetch_add(&s->conns_total, 1);
	return c;
}

/* How long an accepted connection waited, complete, for accept(): Linux
 * stamps a new connection's last send at the end of the handshake, and
 * the server has sent nothing yet. -1 when the kernel does not say. */
static int accept_wait_ms(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    len < offsetof(struct tcp_info, tcpi_last_data_sent) + sizeof ti.tcpi_last_data_sent)
		return -1;
	return ti.tcpi_last_data_sent > INT32_MAX ? INT32_MAX : (int)ti.tcpi_last_data_sent;
}

void server_accept_ready(struct server *s, int lfd)
{
	for (int i = 0; i < ACCEPTS_PER_WAKE && s->accepting; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		struct conn *c;
		struct event ev;
		int fd, e;

		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			e = errno;
			if (e == EAGAIN || e == EINTR || e == ECONNABORTED)
				return;
			server_trace(s, NULL, "accept4", lfd, -1, e, NULL, "...");
			/* Said once per episode, not every ACCEPT_BACKOFF_MS. */
			if (!s->accept_failing)
				server_emit_msg(s, EV_ERROR, e, MSG_ACCEPT_BACKOFF,
						msg_strerror(e));
			s->accept_failing = true;
			/* EMFILE and friends: the listener stays readable, so
			 * stop watching it for a moment instead of spinning. */
			s->backoff_until = now_ms() + ACCEPT_BACKOFF_MS;
			set_accepting(s, false);
			return;
		}
		if (s->accept_failing) {
			s->accept_failing = false;
			server_emit_msg(s, EV_WARNING, 0, MSG_ACCEPT_RECOVERED);
		}
		c = conn_new(s, fd, &peer);
		if (c == NULL) {
			server_trace(s, NULL, "accept4", lfd, fd, 0, NULL, "...");
			close(fd);
			return;
		}
		/* After conn_new: the step carries the connection's id and tuple. */
		server_trace(s, c, "accept4", lfd, fd, 0, NULL, "...");
		conn_event(s, c, &ev, EV_ACCEPT);
		ev.accept_wait_ms = accept_wait_ms(fd);
		if (c->local_err != 0) {
			ev.has_local = false;
			event_set_message(&ev, "getsockname: %s", msg_strerror(c->local_err));
		}
		emit(s, &ev);
		server_update_accepting(s);

		if (s->svc->threaded) {
			c->has_worker = true;
			e = s->opt.faults & SERVER_FAULT_THREAD
				? EAGAIN
				: pthread_create(&c->worker, NULL, server_stdio_worker, c);
			if (e != 0) {
				/* Said as what it is: this server could not make a
				 * thread, not an error on the connection. */
				c->has_worker = false;
				server_emit_msg(s, EV_ERROR, e, MSG_NO_WORKER, msg_strerror(e));
				conn_close(s, c, CLOSE_NO_THREAD, 0);
			}
			continue;
		}
		e = s->opt.faults & SERVER_FAULT_EPOLL_ADD
			? ENOSPC
			: watch(s, EPOLL_CTL_ADD, fd, EPOLLIN, c);
		if (e != 0) {
			conn_close_epoll(s, c, "ADD", e);
			continue;
		}
		c->events = EPOLLIN;
		if (s->svc->greeting != NULL) {
			if (!conn_queue(s, c, s->svc->greeting, strlen(s->svc->greeting)))
				continue;
			c->close_after_flush = true;
			server_conn_flush(s, c);
		}
	}
}

void server_reap_workers(struct server *s)
{
	uint64_t v;
	ssize_t r = read(s->reapfd, &v, sizeof v);
	struct conn *c, *next;

	(void)r; /* EAGAIN: a reap already ran for this wake; the scan below is what counts */
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (c->has_worker && atomic_load(&c->done)) {
			int rc;

			pthread_join(c->worker, NULL);
			rc = close(c->fd);
			server_trace(s, c, "close", c->fd, rc, errno, NULL, NULL);
			conn_free(s, c);
		}
	}
}

/* ---- stalled and idle connections, stopping ---------------------------- */

void server_check_stalls(struct server *s, int64_t now)
{
	struct conn *c, *next;

	for (c = s->conns; c != NULL; c = next) {
		struct event ev;

		next = c->next;
		if (!c->waiting || now - c->progress_ms < s->spec.stall_ms)
			continue;
		conn_event(s, c, &ev, EV_WARNING);
		event_set_message(&ev, MSG_OUTPUT_CAP, outq_pending(&c->out),
				  (double)(now - c->progress_ms) / 1000.0);
		emit(s, &ev);
		conn_close(s, c, CLOSE_OVERFLOW, 0);
	}
}

void server_check_idle(struct server *s, int64_t now)
{
	struct conn *c, *next;

	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if (now - c->last_ms < s->spec.idle_timeout_ms)
			continue;
		if (c->has_worker) {
			int r;

			atomic_store(&c->idle, true);
			r = shutdown(c->fd, SHUT_RDWR);
			server_trace(s, c, "shutdown", c->fd, r, errno, NULL, "SHUT_RDWR");
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
			int r = shutdown(c->fd, SHUT_RDWR);

			server_trace(s, c, "shutdown", c->fd, r, errno, NULL, "SHUT_RDWR");
			pthread_join(c->worker, NULL);
			r = close(c->fd);
			server_trace(s, c, "close", c->fd, r, errno, NULL, NULL);
			conn_free(s, c);
		} else {
			conn_close(s, c, CLOSE_STOP, 0);
		}
	}
}
