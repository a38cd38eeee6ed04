/*
 * server: running servers (see server.h): the server thread and the public
 * API; server_int.h says which file holds the rest.
 *
 * Data model: a server owns one or two listening (or UDP) sockets, a stop
 * eventfd, a reap eventfd for echo-stdio workers, and a list of
 * connections. All of it belongs to the server thread; workers touch only
 * their own connection and say they are done through the reap eventfd.
 * epoll is level-triggered: one recv per readable connection per wake
 * keeps every client served in turn, however busy one of them is.
 */
#include "core/server_int.h"

void server_emit_msg(struct server *s, enum event_kind kind, int err, const char *fmt, ...)
{
	struct event ev;
	va_list ap;

	ev_base(s, &ev, kind);
	ev.err = err;
	va_start(ap, fmt);
	event_vset_message(&ev, fmt, ap);
	va_end(ap);
	emit(s, &ev);
}

/* The tutorial's Python line for a connection's recv or send: each
 * section's own (1.b and 2 read through makefile()'s f). */
static const char *conn_python(enum service svc, bool recv)
{
	switch (svc) {
	case SERVICE_ECHO:
		return recv ? "chunk = conn.recv(4096)" : "conn.sendall(resp)";
	case SERVICE_ECHO_STDIO:
		return recv ? "for raw in f:" : "f.write(b\"eco: \" + line + b\"\\n\")";
	case SERVICE_CMD:
		return recv ? "for raw in f:" : "f.write(resp.encode(\"utf-8\"))";
	case SERVICE_RAW:
		return recv ? "b = conn.recv(4096)" : "conn.sendall(b)";
	case SERVICE_HELLO:
		return recv ? "" : "conn.sendall(b\"hola dual\\n\")";
	default:
		return "";
	}
}

void server_emit_msg_n(struct server *s, enum event_kind kind, int err, const char *one,
		       const char *many, unsigned long n, ...)
{
	struct event ev;
	va_list ap;

	ev_base(s, &ev, kind);
	ev.err = err;
	va_start(ap, n);
	event_vset_message_n(&ev, one, many, n, ap);
	va_end(ap);
	emit(s, &ev);
}

/* The tutorial's Python line for a step, where it has one: the server's
 * socket is srv (s for UDP), an accepted connection conn, and
 * echo-stdio's stream over it f (its makefile()). */
static void trace_python(const struct server *s, const struct event *ev,
			 const struct sockaddr *addr, char *out, size_t cap)
{
	bool udp = s->spec.transport == TRANSPORT_UDP;
	const char *var = udp ? "s" : "srv", *call = ev->syscall, *args = ev->message;
	char host[INET6_ADDRSTRLEN];

	out[0] = '\0';
	if (ev->call_dgram > 0 && strcmp(call, "recvmmsg") == 0)
		snprintf(out, cap, "data, addr = s.recvfrom(%zu)",
			 s->spec.dgram_max > 0 ? s->spec.dgram_max : (size_t)4096);
	else if (ev->call_dgram > 0)
		snprintf(out, cap, "s.sendto(data, addr)");
	else if (strcmp(call, "socket") == 0)
		snprintf(out, cap, "%s = socket.socket(socket.%s, socket.%s)", var,
			 strncmp(args, "AF_INET6", 8) == 0 ? "AF_INET6" : "AF_INET",
			 udp ? "SOCK_DGRAM" : "SOCK_STREAM");
	else if (strcmp(call, "setsockopt") == 0 && strstr(args, "SO_REUSEADDR") != NULL)
		snprintf(out, cap, "%s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)", var);
	else if (strcmp(call, "setsockopt") == 0 && strstr(args, "IPV6_V6ONLY") != NULL)
		snprintf(out, cap, "%s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, %c)",
			 var, args[strlen(args) - 1]);
	else if (strcmp(call, "bind") == 0 && addr != NULL) {
		addr_host(addr, host, sizeof host);
		snprintf(out, cap, "%s.bind(('%s', %u))", var, host, addr_port(addr));
	} else if (strcmp(call, "listen") == 0)
		snprintf(out, cap, "srv.listen(%d)", spec_backlog(&s->spec));
	else if (strcmp(call, "accept4") == 0)
		snprintf(out, cap, "conn, addr = srv.accept()");
	else if (strcmp(call, "recv") == 0 || strcmp(call, "send") == 0)
		snprintf(out, cap, "%s", conn_python(s->spec.service, strcmp(call, "recv") == 0));
	else if (strcmp(call, "close") == 0)
		snprintf(out, cap, "%s.close()", ev->conn ? "conn" : var);
}

void server_trace(struct server *s, const struct conn *c, const char *call, int fd, int ret,
		  int err, const struct sockaddr *addr, const char *args)
{
	server_trace_at(s, c, NULL, call, fd, ret, err, addr, args);
}

void server_trace_at(struct server *s, const struct conn *c, const struct timespec *t0,
		     const char *call, int fd, int ret, int err, const struct sockaddr *addr,
		     const char *args)
{
	struct event ev;

	if (!s->opt.trace)
		return;
	event_init_call(&ev, call, fd, args, ret, err);
	if (t0 != NULL)
		ev.time = *t0;
	ev.server = s->id;
	ev.transport = s->spec.transport;
	ev.service = s->spec.service;
	ev.family = s->spec.family;
	if (c != NULL) {
		ev.conn = c->id;
		ev.local = c->local;
		ev.peer = c->peer;
		ev.has_local = c->local_err == 0;
		ev.has_peer = true;
		if (strcmp(call, "accept4") == 0)
			ev.call_addr = EVENT_CALL_PEER_RET;
	} else if (addr != NULL && addr_len(addr) > 0) {
		memcpy(&ev.local, addr, addr_len(addr));
		ev.has_local = true;
		if (strcmp(call, "bind") == 0)
			ev.call_addr = EVENT_CALL_LOCAL_ARG;
	}
	trace_python(s, &ev, addr, ev.python, sizeof ev.python);
	if (strcmp(call, "listen") == 0)
		ev.backlog = spec_backlog(&s->spec);
	emit(s, &ev);
}

void server_trace_dgram(struct server *s, const char *call, int fd, int i, size_t len,
			const struct sockaddr_storage *peer, const struct sockaddr_storage *local)
{
	struct event ev;

	if (!s->opt.trace)
		return;
	/* ret: what the kernel set as this datagram's msg_len. */
	event_init_call(&ev, call, fd, NULL, (int)len, 0);
	ev.call_dgram = i + 1;
	ev.bytes = len;
	ev.server = s->id;
	ev.transport = s->spec.transport;
	ev.service = s->spec.service;
	ev.family = s->spec.family;
	ev.has_peer = ev.has_local = true;
	ev.peer = *peer;
	ev.local = *local;
	trace_python(s, &ev, NULL, ev.python, sizeof ev.python);
	emit(s, &ev);
}

/* ---- the server thread ------------------------------------------------ */

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct epoll_event evs[EPOLL_BATCH];
	int64_t next_idle = 0;
	char name[16];

	/* As top -H, ps -L and gdb list it, and make bench counts its CPU. */
	snprintf(name, sizeof name, "server#%u", s->id);
	pthread_setname_np(pthread_self(), name);

	for (;;) {
		int timeout = -1, n;
		int64_t now;

		if (s->backoff_until)
			timeout = ACCEPT_BACKOFF_MS;
		if ((s->spec.idle_timeout_ms > 0 && s->nconns > 0) || s->nwaiting > 0)
			timeout = 100;
		/* Everything the last batch recorded, replies already sent. */
		event_queue_kick(s->q);
		n = epoll_wait(s->epfd, evs, EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR) {
			server_emit_msg(s, EV_ERROR, errno, MSG_EPOLL_WAIT_FAILED,
					msg_strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == &s->stopfd) {
				server_stop_all(s);
				return NULL;
			}
			if (p == &s->reapfd) {
				server_reap_workers(s);
			} else if (p == &s->lfd[0] || p == &s->lfd[1]) {
				int sock = p == &s->lfd[0] ? 0 : 1;

				if (s->spec.transport == TRANSPORT_UDP)
					server_dgram_ready(s, sock);
				else
					server_accept_ready(s, s->lfd[sock]);
			} else {
				struct conn *c = p;

				/* A connection closed earlier in this batch is gone;
				 * its fd left epoll when it was closed, and closed
				 * ones are never in this batch twice. */
				if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
					server_conn_readable(s, c);
				else if (evs[i].events & EPOLLOUT)
					server_conn_flush(s, c);
			}
		}
		now = now_ms();
		if (s->backoff_until && now >= s->backoff_until) {
			s->backoff_until = 0;
			server_update_accepting(s);
		}
		if ((s->spec.idle_timeout_ms > 0 || s->nwaiting > 0) && now >= next_idle) {
			if (s->nwaiting > 0)
				server_check_stalls(s, now);
			if (s->spec.idle_timeout_ms > 0)
				server_check_idle(s, now);
			next_idle = now + 100;
		}
	}
	server_stop_all(s);
	return NULL;
}

/* ---- public ----------------------------------------------------------- */

/* epoll_ctl ADD of fd for EPOLLIN at start. Returns 0, or -1 with the
 * step and its cause in err. */
static int watch_in(struct server *s, int fd, void *ptr, const char *what, char *err, size_t errcap)
{
	struct epoll_event ee = {.events = EPOLLIN, .data.ptr = ptr};

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ee) == 0)
		return 0;
	{
		int e = errno;
		char step[ADDR_TEXT_MAX + 32];

		snprintf(step, sizeof step, "epoll_ctl ADD %s", what);
		snprintf(err, errcap, msg_tr(MSG_SETUP_STEP_FAILED), step, strerror(e));
	}
	return -1;
}

int server_start(const struct spec *spec, unsigned id, const struct server_options *opt,
		 struct event_queue *q, struct server **out, char *err, size_t errcap)
{
	struct server *s = calloc(1, sizeof *s);
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errcap, msg_tr("out of memory"));
		return -1;
	}
	s->id = id;
	s->spec = *spec;
	if (opt)
		s->opt = *opt;
	/* Once here, so that emit_data only takes the smaller of two. */
	if (s->opt.preview_max == 0 || s->opt.preview_max > EVENT_PREVIEW_MAX)
		s->opt.preview_max = EVENT_PREVIEW_MAX;
	s->q = q;
	s->epfd = s->stopfd = s->reapfd = -1;
	if (!spec_service_allowed(spec->transport, spec->service)) {
		snprintf(err, errcap, msg_tr("service '%s' is TCP only"),
			 service_name(spec->service));
		goto fail;
	}
	s->svc = service_ops(spec->service);
	/* Each step its own message, from its own errno. */
	if (spec->transport == TRANSPORT_UDP) {
		s->iobuf = malloc((size_t)DGRAM_BATCH * IOBUF_SIZE);
		s->batch = malloc(sizeof *s->batch);
	} else {
		s->iobuf = malloc(IOBUF_SIZE);
	}
	if (s->iobuf == NULL || (spec->transport == TRANSPORT_UDP && s->batch == NULL)) {
		snprintf(err, errcap, msg_tr(MSG_SETUP_NO_MEMORY));
		goto fail;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		snprintf(err, errcap, msg_tr(MSG_SETUP_STEP_FAILED), "epoll_create1",
			 strerror(errno));
		goto fail;
	}
	s->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->stopfd < 0) {
		snprintf(err, errcap, msg_tr(MSG_SETUP_STEP_FAILED), "eventfd (stop)",
			 strerror(errno));
		goto fail;
	}
	s->reapfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->reapfd < 0) {
		snprintf(err, errcap, msg_tr(MSG_SETUP_STEP_FAILED), "eventfd (workers)",
			 strerror(errno));
		goto fail;
	}
	if (server_open_sockets(s, err, errcap) < 0)
		goto fail;
	if (watch_in(s, s->stopfd, &s->stopfd, msg_tr("stop eventfd"), err, errcap) < 0 ||
	    watch_in(s, s->reapfd, &s->reapfd, msg_tr("workers eventfd"), err, errcap) < 0)
		goto fail;
	for (int i = 0; i < s->nsock; i++) {
		char what[ADDR_TEXT_MAX + 16];

		addr_hostport((const void *)&s->bound[i], what, sizeof what);
		if (watch_in(s, s->lfd[i], &s->lfd[i], what, err, errcap) < 0)
			goto fail;
	}
	s->accepting = true;
	for (int i = 0; i < s->nsock; i++) {
		struct event ev;

		ev_base(s, &ev, EV_LISTEN);
		ev.has_local = true;
		ev.local = s->bound[i];
		ev.v6only = s->v6only[i];
		if (s->rcvbuf[i] > 0)
			event_set_message(&ev, MSG_RCVBUF, s->rcvbuf[i]);
		emit(s, &ev);
	}
	/* The server thread takes no signals: they belong to the front end. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, server_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errcap, "thread: %s", strerror(rc));
		server_close_sockets(s);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	server_close_sockets(s);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->stopfd >= 0)
		close(s->stopfd);
	if (s->reapfd >= 0)
		close(s->reapfd);
	free(s->iobuf);
	free(s->batch);
	free(s);
	return -1;
}

void server_stop(struct server *s)
{
	uint64_t one = 1;
	ssize_t r;
	struct event ev;

	if (s == NULL)
		return;
	r = write(s->stopfd, &one, sizeof one);
	(void)r;
	pthread_join(s->thread, NULL);
	server_close_sockets(s);
	close(s->epfd);
	close(s->stopfd);
	close(s->reapfd);
	ev_base(s, &ev, EV_STOP);
	event_set_message(&ev, MSG_STOPPED);
	emit(s, &ev);
	event_queue_kick(s->q);
	free(s->iobuf);
	free(s->batch);
	free(s);
}

unsigned server_id(const struct server *s)
{
	return s->id;
}

const struct spec *server_spec(const struct server *s)
{
	return &s->spec;
}

void server_stats(const struct server *s, struct server_stats *st)
{
	struct server *m = (struct server *)s;

	st->conns_now = atomic_load_explicit(&m->conns_now, memory_order_relaxed);
	st->conns_total = atomic_load_explicit(&m->conns_total, memory_order_relaxed);
	st->bytes_in = atomic_load_explicit(&m->bytes_in, memory_order_relaxed);
	st->bytes_out = atomic_load_explicit(&m->bytes_out, memory_order_relaxed);
	st->dgrams_in = atomic_load_explicit(&m->dgrams_in, memory_order_relaxed);
	st->dgrams_out = atomic_load_explicit(&m->dgrams_out, memory_order_relaxed);
	st->dgrams_dropped = atomic_load_explicit(&m->dgrams_dropped, memory_order_relaxed);
	st->out_queued = atomic_load_explicit(&m->out_queued, memory_order_relaxed);
	st->out_queued_peak = atomic_load_explicit(&m->out_queued_peak, memory_order_relaxed);
	st->out_buffer_peak = atomic_load_explicit(&m->out_buffer_peak, memory_order_relaxed);
	st->paused_total = atomic_load_explicit(&m->paused_total, memory_order_relaxed);
	/* On a listening socket, Linux reports the accept queue's length in
	 * tcpi_unacked and its limit (the backlog) in tcpi_sacked. */
	st->has_accept_queue = false;
	st->accept_queue = st->accept_backlog = 0;
	for (int i = 0; s->spec.transport == TRANSPORT_TCP && i < s->nsock; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof ti;

		memset(&ti, 0, sizeof ti);
		if (getsockopt(s->lfd[i], IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
		    len < offsetof(struct tcp_info, tcpi_sacked) + sizeof ti.tcpi_sacked ||
		    ti.tcpi_state != TCP_LISTEN)
			continue;
		st->has_accept_queue = true;
		st->accept_queue += ti.tcpi_unacked;
		st->accept_backlog += ti.tcpi_sacked;
	}
}

int server_nsockets(const struct server *s)
{
	return s->nsock;
}

const struct sockaddr_storage *server_local(const struct server *s, int i)
{
	return &s->bound[i];
}

int server_v6only(const struct server *s, int i)
{
	return s->v6only[i];
}

uint16_t server_port(const struct server *s)
{
	return s->nsock > 0 ? addr_port((const void *)&s->bound[0]) : 0;
}

int server_listen_drops(uint64_t *overflows, uint64_t *drops)
{
	/* Two TcpExt lines: the field names, then their values. The calling
	 * thread's namespace (thread-self), which is host b's in a thread
	 * that entered it; /proc/net is the process leader's. */
	FILE *f = fopen("/proc/thread-self/net/netstat", "re");
	char names[4096], values[4096];
	int found = 0;

	*overflows = *drops = 0;
	if (f == NULL)
		return -1;
	while (fgets(names, sizeof names, f) != NULL) {
		char *sn, *sv, *n, *v;

		if (strncmp(names, "TcpExt:", 7) != 0 || fgets(values, sizeof values, f) == NULL)
			continue;
		n = strtok_r(names + 7, " \n", &sn);
		v = strtok_r(values + 7, " \n", &sv);
		for (; n != NULL && v != NULL;
		     n = strtok_r(NULL, " \n", &sn), v = strtok_r(NULL, " \n", &sv)) {
			if (strcmp(n, "ListenOverflows") == 0) {
				*overflows = strtoull(v, NULL, 10);
				found |= 1;
			} else if (strcmp(n, "ListenDrops") == 0) {
				*drops = strtoull(v, NULL, 10);
				found |= 2;
			}
		}
		break;
	}
	fclose(f);
	if (found != 3) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

int server_raise_fd_limit(unsigned long *before, unsigned long *after)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	*before = *after = (unsigned long)rl.rlim_cur;
	if (rl.rlim_cur == rl.rlim_max)
		return 0;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	*after = (unsigned long)rl.rlim_cur;
	return 0;
}
