/*
 * conn: the client pane's connection (see conn.h).
 */
#include "tui/kernel.h"
#include "tui/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>

#include "socklab/addr.h"
#include "socklab/client.h"
#include "socklab/escape.h"
#include "socklab/event.h"
#include "socklab/server.h"
#include "socklab/util.h"
#include "tui/tui_msg.h"
#include "tui/tui_cmd.h"
#include "tui/tui_lab.h"
#include "tui/tui_sandbox.h"

#define OUT_MAX (1024 * 1024)

struct resolve_job {
	unsigned seq;
	bool connect, udp;
	char host[TUI_CMD_HOST_MAX];
	char port[TUI_CMD_PORT_MAX];
	struct addrinfo *res;
	char err[CLIENT_ERR_MAX];
	int wr;
};

/* Escaped copy of n peer (or typed) bytes, cut to fit out. */
static const char *esc(const void *p, size_t n, char *out, size_t cap)
{
	size_t used;

	esc_text(p, n, out, cap, &used);
	return out;
}

void conn_clear(struct conn *c)
{
	memset(c, 0, sizeof *c);
	c->attempt = -1;
	c->resolve_rd = c->resolve_wr = -1;
	session_init(&c->sess, OUT_MAX);
}

/* The client's system calls join the servers' in the lab's queue, so
 * the system calls pane and the ladder show both sides. */
static void trace_call(void *arg, const struct event *ev)
{
	struct lab *lab = arg;

	if (lab->q != NULL)
		event_push(lab->q, ev);
}

int conn_init(struct lab *lab)
{
	struct conn *c = &lab->conn;
	int p[2], flags;

	c->sess.trace = (struct event_sink){trace_call, lab};

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return errno;
	/* The write end blocks: a resolver thread's result must not be lost. */
	flags = fcntl(p[1], F_GETFL);
	if (flags < 0 || fcntl(p[1], F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return e;
	}
	c->resolve_rd = p[0];
	c->resolve_wr = p[1];
	return 0;
}

static void conn_close(struct lab *lab, bool quiet)
{
	struct conn *c = &lab->conn;

	/* A connect still in progress: its close is traced too. */
	dialer_abandon(c->dialer, &c->attempt);
	if (c->dialer) {
		dialer_free(c->dialer);
		c->dialer = NULL;
	}
	if (c->sess.fd >= 0 && !quiet)
		lab_say(lab, TUI_LOG_INFO, c->udp ? _(MSG_TUI_UDP_CLOSED) : _(MSG_TUI_CLOSED));
	session_close(&c->sess);
	c->seq++; /* a resolve in flight no longer counts */
	c->state = CONN_IDLE;
	c->partial_len = 0;
	c->backlog_server = 0;
	c->backlog_said = false;
}

void conn_finish(struct lab *lab)
{
	struct conn *c = &lab->conn;

	conn_close(lab, true);
	session_free(&c->sess);
	/* A resolver thread still running writes to the pipe: once the read
	 * end is closed its write fails (EPIPE) and it frees its job. Its
	 * write end stays open until it is done, so that fd number cannot be
	 * reused under it. */
	if (c->resolve_rd >= 0)
		close(c->resolve_rd);
	if (c->resolve_wr >= 0 && c->resolvers == 0)
		close(c->resolve_wr);
	c->resolve_rd = c->resolve_wr = -1;
}

bool conn_busy(const struct lab *lab)
{
	return lab->conn.state != CONN_IDLE;
}

/* ---- resolving ---- */

static void *resolve_thread(void *arg)
{
	struct resolve_job *job = arg;

	if (client_resolve(job->host, job->port[0] ? job->port : NULL, AF_UNSPEC,
			   job->udp ? SOCK_DGRAM : SOCK_STREAM, false, &job->res, job->err,
			   sizeof job->err) < 0)
		job->res = NULL;
	if (write(job->wr, &job, sizeof job) != (ssize_t)sizeof job) {
		if (job->res)
			freeaddrinfo(job->res);
		free(job);
	}
	return NULL;
}

static void start_resolve(struct lab *lab, bool udp, const char *host, const char *port,
			  bool connect)
{
	struct resolve_job *job;
	pthread_attr_t attr;
	pthread_t t;
	int e;

	if (lab->conn.resolve_wr < 0) {
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_NO_THREAD));
		if (connect)
			lab->conn.state = CONN_IDLE;
		return;
	}
	job = calloc(1, sizeof *job);
	if (job == NULL) {
		lab_say(lab, TUI_LOG_ERROR, "%s", strerror(ENOMEM));
		if (connect)
			lab->conn.state = CONN_IDLE;
		return;
	}
	job->seq = connect ? ++lab->conn.seq : 0;
	job->connect = connect;
	job->udp = udp;
	job->wr = lab->conn.resolve_wr;
	snprintf(job->host, sizeof job->host, "%s", host);
	snprintf(job->port, sizeof job->port, "%s", port);
	e = pthread_attr_init(&attr);
	if (e == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		e = pthread_create(&t, &attr, resolve_thread, job);
		pthread_attr_destroy(&attr);
	}
	if (e == 0)
		lab->conn.resolvers++;
	if (e != 0) {
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_NO_THREAD));
		free(job);
		if (connect)
			lab->conn.state = CONN_IDLE;
	}
}

static void next_attempt(struct lab *lab);
static void send_queued(struct lab *lab);

/* The connect failed: lines typed meanwhile will not be sent. */
static void drop_queued(struct lab *lab)
{
	struct conn *c = &lab->conn;
	size_t n;

	session_pending(&c->sess, &n);
	if (n > 0)
		lab_say(lab, TUI_LOG_ERROR, P_(MSG_TUI_QUEUE_DROPPED, n), n);
	session_close(&c->sess);
}

static void show_resolved(struct lab *lab, const struct resolve_job *job)
{
	char line[256];
	int n = 0;

	lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_RESOLVED), job->host, job->port[0] ? " " : "",
		job->port);
	for (const struct addrinfo *ai = job->res; ai; ai = ai->ai_next) {
		client_describe_ai(ai, line, sizeof line);
		lab_say(lab, 0, "  %d. %s", ++n, line);
	}
}

static void open_udp(struct lab *lab, const struct addrinfo *ai)
{
	struct conn *c = &lab->conn;
	char t[ADDR_TEXT_MAX];
	int e;

	addr_tuple(ai->ai_addr, t, sizeof t);
	e = tui_sandbox_open_udp(&c->sess, ai->ai_addr, ai->ai_addrlen, false);
	if (e != 0) {
		lab_say(lab, TUI_LOG_ERROR, "socket: %s", strerror(e));
		c->state = CONN_IDLE;
		return;
	}
	c->state = CONN_UDP;
	lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_UDP_READY), t);
	send_queued(lab);
}

static void resolve_done(struct lab *lab)
{
	struct conn *c = &lab->conn;
	struct resolve_job *job;

	while (read(c->resolve_rd, &job, sizeof job) == (ssize_t)sizeof job) {
		c->resolvers--;
		if (!job->connect) {
			if (job->res == NULL)
				lab_say(lab, TUI_LOG_ERROR, "%s", job->err);
			else
				show_resolved(lab, job);
		} else if (job->seq == c->seq) {
			if (job->res == NULL) {
				lab_say(lab, TUI_LOG_ERROR, "%s", job->err);
				c->state = CONN_IDLE;
				drop_queued(lab);
			} else if (job->udp) {
				open_udp(lab, job->res);
			} else {
				c->dialer = dialer_new(job->res);
				job->res = NULL; /* the dialer owns it now */
				memset(c->tried, 0, sizeof c->tried);
				c->ntried = 0;
				c->refused = false;
				if (c->dialer) {
					dialer_set_trace(c->dialer, &c->sess.trace);
					next_attempt(lab);
				} else {
					lab_say(lab, TUI_LOG_ERROR, "%s", strerror(ENOMEM));
					c->state = CONN_IDLE;
					drop_queued(lab);
				}
			}
		}
		if (job->res)
			freeaddrinfo(job->res);
		free(job);
	}
}

/* ---- the lab's own servers on the other end ---- */

/* One end as plain IPv4 when it is IPv4-mapped, so that a dual-stack
 * server's ::ffff:127.0.0.1 meets the client's 127.0.0.1. */
static void plain_end(const struct sockaddr_storage *in, struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *s6 = (const void *)in;

	*out = *in;
	if (in->ss_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		struct sockaddr_in *s4 = (void *)out;
		uint16_t port = s6->sin6_port;
		struct in_addr a;

		memcpy(&a, &s6->sin6_addr.s6_addr[12], sizeof a);
		memset(out, 0, sizeof *out);
		s4->sin_family = AF_INET;
		s4->sin_port = port;
		s4->sin_addr = a;
	}
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	struct sockaddr_storage x, y;

	plain_end(a, &x);
	plain_end(b, &y);
	if (x.ss_family != y.ss_family)
		return false;
	if (x.ss_family == AF_INET)
		return ((struct sockaddr_in *)&x)->sin_addr.s_addr ==
		       ((struct sockaddr_in *)&y)->sin_addr.s_addr;
	if (x.ss_family == AF_INET6)
		return memcmp(&((struct sockaddr_in6 *)&x)->sin6_addr,
			      &((struct sockaddr_in6 *)&y)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return false;
}

static bool same_end(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return addr_port((const void *)a) == addr_port((const void *)b) && same_host(a, b);
}

static bool wildcard(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == htonl(INADDR_ANY);
	if (a->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)a)->sin6_addr);
	return false;
}

static bool loopback(const struct sockaddr_storage *a)
{
	struct sockaddr_storage x;

	plain_end(a, &x);
	if (x.ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)&x)->sin_addr.s_addr) >> 24) == 127;
	if (x.ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&x)->sin6_addr);
	return false;
}

/* The running lab TCP server a connection to peer reached, or NULL (in a
 * sandbox a loopback address is the client's own host's). */
static struct server *lab_server_at(const struct lab *lab, const struct sockaddr_storage *peer)
{
	for (int k = 0; k < lab->nservers; k++) {
		struct server *s = lab->servers[k];

		if (server_spec(s)->transport != TRANSPORT_TCP ||
		    (loopback(peer) &&
		     tui_sandbox_host_of(server_id(s)) != tui_sandbox_client_host()))
			continue;
		for (int j = 0; j < server_nsockets(s); j++) {
			const struct sockaddr_storage *l = server_local(s, j);

			if (addr_port((const void *)l) != addr_port((const void *)peer))
				continue;
			if (same_host(l, peer) ||
			    (wildcard(l) &&
			     (l->ss_family == peer->ss_family ||
			      (l->ss_family == AF_INET6 && server_v6only(s, j) == 0))))
				return s;
		}
	}
	return NULL;
}

static struct server *lab_server_by_id(const struct lab *lab, unsigned id)
{
	for (int k = 0; k < lab->nservers; k++)
		if (server_id(lab->servers[k]) == id)
			return lab->servers[k];
	return NULL;
}

/* Seconds and tenths, for "after 2.3 s". */
static void tenths(long ms, long *sec, long *tenth)
{
	long t = (ms + 50) / 100;

	*sec = t / 10;
	*tenth = t % 10;
}

/* The client's connection left the backlog: said when its wait was. */
static void left_backlog(struct lab *lab, int wait_ms)
{
	struct conn *c = &lab->conn;
	long ms = wait_ms >= 0 ? wait_ms : lab_ms_since(c->backlog_since), sec, tenth;

	if (c->backlog_said) {
		tenths(ms, &sec, &tenth);
		lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_BACKLOG_ACCEPTED), c->backlog_server, sec,
			tenth);
	}
	c->backlog_server = 0;
	c->backlog_said = false;
}

bool conn_take_accept(struct lab *lab, const struct event *ev)
{
	struct conn *c = &lab->conn;
	struct conn_accept *a;

	if (ev->kind != EV_ACCEPT || !ev->has_peer)
		return false;
	if (c->state == CONN_TCP && same_end(&ev->peer, &c->sess.local)) {
		if (c->backlog_server == ev->server)
			left_backlog(lab, ev->accept_wait_ms);
		return true;
	}
	/* Kept for a moment: the accept may be taken before the connect's
	 * completion is (both arrive at once). */
	a = &c->accepts[c->naccepts++ % CONN_ACCEPTS_SEEN];
	a->peer = ev->peer;
	a->server = ev->server;
	return false;
}

/* Just connected: to a lab server that has not accepted it yet? */
static void watch_backlog(struct lab *lab)
{
	struct conn *c = &lab->conn;
	struct server *s = lab_server_at(lab, &c->sess.peer);
	unsigned n = c->naccepts < CONN_ACCEPTS_SEEN ? c->naccepts : CONN_ACCEPTS_SEEN;

	c->backlog_server = 0;
	c->backlog_said = false;
	if (s == NULL)
		return;
	for (unsigned i = 0; i < n; i++)
		if (c->accepts[i].server == server_id(s) &&
		    same_end(&c->accepts[i].peer, &c->sess.local))
			return; /* accepted already */
	c->backlog_server = server_id(s);
	c->backlog_since = util_mono_ms();
}

/* Still not accepted after CONN_BACKLOG_MS, and the server's accept queue
 * holds someone (the kernel's own count, so a missed accept is never
 * mistaken for a wait): it is said once. */
static void check_backlog(struct lab *lab)
{
	struct conn *c = &lab->conn;
	struct server_stats st;
	struct server *s;

	if (c->backlog_server == 0 || c->backlog_said || c->state != CONN_TCP ||
	    lab_ms_since(c->backlog_since) < CONN_BACKLOG_MS)
		return;
	s = lab_server_by_id(lab, c->backlog_server);
	if (s == NULL) {
		c->backlog_server = 0;
		return;
	}
	server_stats(s, &st);
	if (st.has_accept_queue && st.accept_queue == 0) {
		c->backlog_server = 0; /* accepted (or gone) without our seeing it */
		return;
	}
	c->backlog_said = true;
	lab_say(lab, TUI_LOG_WARN, _(MSG_TUI_BACKLOG_WAITING), c->backlog_server);
}

bool conn_in_backlog(const struct lab *lab)
{
	return lab->conn.backlog_said;
}

/* Every address refused: a lab server on that port, on an address this
 * /connect did not try (::1 when localhost gave 127.0.0.1), is named. */
static void hint_refused(struct lab *lab)
{
	struct conn *c = &lab->conn;
	uint16_t port;

	if (!c->refused || c->ntried == 0)
		return;
	port = addr_port((const void *)&c->tried[0]);
	for (int k = 0; k < lab->nservers; k++) {
		struct server *s = lab->servers[k];

		bool elsewhere = tui_sandbox_host_of(server_id(s)) != tui_sandbox_client_host();

		if (server_spec(s)->transport != TRANSPORT_TCP)
			continue;
		for (int j = 0; j < server_nsockets(s); j++) {
			const struct sockaddr_storage *l = server_local(s, j);
			char hp[ADDR_TEXT_MAX], host[ADDR_TEXT_MAX];
			bool tried = false;

			/* In a sandbox, another host's loopback is not ours. */
			if (addr_port((const void *)l) != port ||
			    (elsewhere && (wildcard(l) || loopback(l))))
				continue;
			for (int i = 0; i < c->ntried && !tried; i++)
				tried = same_host(l, &c->tried[i]) ||
					(wildcard(l) && l->ss_family == c->tried[i].ss_family);
			if (tried)
				continue;
			addr_hostport((const void *)l, hp, sizeof hp);
			if (wildcard(l))
				snprintf(host, sizeof host, "%s",
					 l->ss_family == AF_INET6 ? "::1" : "127.0.0.1");
			else
				addr_host((const void *)l, host, sizeof host);
			lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_REFUSED_HINT), server_id(s), hp, host,
				port);
			return;
		}
	}
}

/* The attempt timed out against a lab server whose accept queue is full
 * (past its backlog): its SYNs were dropped, said so. */
static void hint_timeout(struct lab *lab)
{
	struct conn *c = &lab->conn;
	struct server_stats st;
	struct server *s;

	if (c->ntried == 0)
		return;
	s = lab_server_at(lab, &c->tried[c->ntried - 1]);
	if (s == NULL)
		return;
	server_stats(s, &st);
	if (st.has_accept_queue && st.accept_queue > st.accept_backlog)
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_TIMEOUT_FULL), server_id(s), st.accept_queue,
			st.accept_backlog);
}

/* ---- connecting ---- */

static void connected(struct lab *lab)
{
	struct conn *c = &lab->conn;
	char l[ADDR_TEXT_MAX], p[ADDR_TEXT_MAX];

	session_adopt(&c->sess, c->attempt);
	c->attempt = -1;
	addr_tuple((struct sockaddr *)&c->sess.peer, p, sizeof p);
	addr_tuple((struct sockaddr *)&c->sess.local, l, sizeof l);
	dialer_free(c->dialer);
	c->dialer = NULL;
	c->state = CONN_TCP;
	lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_CONNECTED), p, l);
	watch_backlog(lab);
	send_queued(lab);
}

static void next_attempt(struct lab *lab)
{
	struct conn *c = &lab->conn;
	const struct sockaddr *sa;
	int fd, e;

	while ((fd = tui_sandbox_dialer_next(c->dialer, &sa, &e)) != -1) {
		addr_tuple(sa, c->trying, sizeof c->trying);
		if (c->ntried < CONN_TRIED_MAX && addr_len(sa) <= sizeof c->tried[0])
			memcpy(&c->tried[c->ntried++], sa, addr_len(sa));
		if (fd == -2) {
			c->refused |= e == ECONNREFUSED;
			lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_TRYING), c->trying, strerror(e));
			continue;
		}
		c->attempt = fd;
		c->state = CONN_CONNECTING;
		c->deadline = util_mono_ms() + CONN_CONNECT_MS;
		return;
	}
	dialer_free(c->dialer);
	c->dialer = NULL;
	c->state = CONN_IDLE;
	lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_CONNECT_FAILED));
	hint_refused(lab);
	drop_queued(lab);
}

static void attempt_result(struct lab *lab, int e)
{
	struct conn *c = &lab->conn;

	dialer_done(c->dialer, &c->attempt, e); /* connect's result, for the trace */
	if (e == 0) {
		lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_TRYING), c->trying, _(MSG_TUI_CONNECT_OK));
		connected(lab);
		return;
	}
	lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_TRYING), c->trying, strerror(e));
	c->refused |= e == ECONNREFUSED;
	if (e == ETIMEDOUT)
		hint_timeout(lab);
	session_close_attempt(&c->attempt);
	next_attempt(lab);
}

/* ---- data ---- */

static void commit_partial(struct lab *lab)
{
	struct conn *c = &lab->conn;
	char e[CONN_PARTIAL_MAX * 4 + 1];

	lab_say(lab, TUI_LOG_IN, "< %s", esc(c->partial, c->partial_len, e, sizeof e));
	c->partial_len = 0;
}

static void take_bytes(struct lab *lab, const char *p, size_t n)
{
	struct conn *c = &lab->conn;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			commit_partial(lab);
			continue;
		}
		if (c->partial_len == sizeof c->partial) {
			/* A full line is shown in parts, but never a character
			 * in two: its first bytes wait for the rest. */
			size_t keep = esc_incomplete_tail(c->partial, c->partial_len);
			char tail[4];

			memcpy(tail, c->partial + c->partial_len - keep, keep);
			c->partial_len -= keep;
			commit_partial(lab);
			memcpy(c->partial, tail, keep);
			c->partial_len = keep;
		}
		c->partial[c->partial_len++] = p[i];
	}
	lab->dirty = true;
}

static void flush_out(struct lab *lab)
{
	struct conn *c = &lab->conn;
	bool shut_now;
	int e = session_flush(&c->sess, &shut_now);

	if (e != 0) {
		lab_say(lab, TUI_LOG_ERROR, "send: %s", strerror(e));
		conn_close(lab, false);
		return;
	}
	if (shut_now)
		lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_SHUTDOWN));
}

/* Appends text and a newline to what is to be sent. */
static bool queue_line(struct lab *lab, const char *text, size_t n)
{
	struct conn *c = &lab->conn;
	int e;

	if (session_queued(&c->sess) + n + 1 > c->sess.out_max) {
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_OUT_FULL));
		return false;
	}
	e = session_write(&c->sess, text, n);
	if (e == 0)
		e = session_write(&c->sess, "\n", 1);
	if (e != 0)
		lab_say(lab, TUI_LOG_ERROR, "send: %s", strerror(e));
	return e == 0;
}

static void send_dgram(struct lab *lab, const char *text, size_t n)
{
	struct conn *c = &lab->conn;
	char e[2048], t[ADDR_TEXT_MAX];
	int err;

	addr_tuple((struct sockaddr *)&c->sess.peer, t, sizeof t);
	err = session_send_dgram(&c->sess, text, n);
	if (err != 0) {
		lab_say(lab, TUI_LOG_ERROR, "sendto %s: %s", t, strerror(err));
		return;
	}
	lab_say(lab, TUI_LOG_OUT, _(MSG_TUI_DGRAM_OUT), esc(text, n, e, sizeof e), n, t);
}

/* Lines typed while the client was still connecting go out now: as the
 * TCP stream's first bytes, or one datagram each. */
static void send_queued(struct lab *lab)
{
	struct conn *c = &lab->conn;
	size_t len;
	const char *q;

	if (c->state == CONN_TCP) {
		flush_out(lab); /* and a /shutdown typed meanwhile */
		return;
	}
	q = session_pending(&c->sess, &len);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(q + i, '\n', len - i);
		size_t n = (size_t)(nl - (q + i));

		send_dgram(lab, q + i, n);
		i += n + 1;
	}
	session_drop_pending(&c->sess);
}

void conn_send_line(struct lab *lab, const char *text)
{
	struct conn *c = &lab->conn;
	size_t n = strlen(text);
	char e[2048];

	switch (c->state) {
	case CONN_TCP:
		if (c->sess.shut_wr || c->sess.shut_pending) {
			lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_AFTER_SHUTDOWN));
			return;
		}
		if (!queue_line(lab, text, n))
			return;
		lab_say(lab, TUI_LOG_OUT, "> %s", esc(text, n, e, sizeof e));
		flush_out(lab);
		break;
	case CONN_UDP:
		send_dgram(lab, text, n);
		break;
	case CONN_RESOLVING:
	case CONN_CONNECTING:
		if (!c->udp && (c->sess.shut_pending || c->sess.shut_wr)) {
			lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_AFTER_SHUTDOWN));
			return;
		}
		if (queue_line(lab, text, n))
			lab_say(lab, TUI_LOG_OUT, _(MSG_TUI_QUEUED), esc(text, n, e, sizeof e));
		break;
	default:
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_NOT_CONNECTED));
		break;
	}
}

/* Bytes came back, so the server has accepted: its ACCEPT, queued before
 * it read a byte, is taken first, so the pane says so before the reply. */
static void accepted_first(struct lab *lab)
{
	struct conn *c = &lab->conn;

	if (c->backlog_server == 0)
		return;
	lab_drain(lab);
	if (c->backlog_server != 0)
		left_backlog(lab, -1);
}

static void read_tcp(struct lab *lab)
{
	struct conn *c = &lab->conn;
	char buf[16384];

	for (int i = 0; i < 16 && c->sess.fd >= 0; i++) {
		int e = 0;
		ssize_t n = session_read(&c->sess, buf, sizeof buf, NULL, &e);

		if (n > 0) {
			accepted_first(lab);
			take_bytes(lab, buf, (size_t)n);
			continue;
		}
		if (n < 0 && e == EAGAIN)
			return;
		if (c->partial_len)
			commit_partial(lab);
		if (n == 0)
			lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_PEER_CLOSED));
		else
			lab_say(lab, TUI_LOG_ERROR, "recv: %s", strerror(e));
		conn_close(lab, false);
		return;
	}
}

static void read_udp(struct lab *lab)
{
	struct conn *c = &lab->conn;
	char buf[65536], e[1024], t[ADDR_TEXT_MAX];

	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage from;
		int err = 0;
		ssize_t n = session_read(&c->sess, buf, sizeof buf, &from, &err);

		if (n < 0) {
			if (err != EAGAIN)
				lab_say(lab, TUI_LOG_ERROR, "recvfrom: %s", strerror(err));
			return;
		}
		addr_tuple((struct sockaddr *)&from, t, sizeof t);
		lab_say(lab, TUI_LOG_IN, _(MSG_TUI_DGRAM_IN), esc(buf, (size_t)n, e, sizeof e),
			(size_t)n, t);
	}
}

/* ---- the commands ---- */

void conn_connect(struct lab *lab, bool udp, const char *host, const char *port)
{
	struct conn *c = &lab->conn;

	if (c->state != CONN_IDLE)
		conn_close(lab, false);
	c->udp = udp;
	c->state = CONN_RESOLVING;
	c->naccepts = 0;	       /* only accepts from now on can be this connection's */
	kernel_expect_port(lab, port); /* capture the first SYN too */
	lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_RESOLVING), udp ? "udp" : "tcp", host, port);
	start_resolve(lab, udp, host, port, true);
}

void conn_resolve(struct lab *lab, const char *host, const char *port)
{
	start_resolve(lab, false, host, port, false);
}

void conn_close_cmd(struct lab *lab)
{
	struct conn *c = &lab->conn;

	if (c->state == CONN_IDLE) {
		lab_say(lab, 0, _(MSG_TUI_NOTHING_OPEN));
	} else if (c->sess.fd < 0) {
		conn_close(lab, true);
		lab_say(lab, TUI_LOG_INFO, c->udp ? _(MSG_TUI_UDP_CLOSED) : _(MSG_TUI_CLOSED));
	} else {
		conn_close(lab, false);
	}
}

void conn_shutdown(struct lab *lab)
{
	struct conn *c = &lab->conn;

	if (!c->udp && (c->state == CONN_RESOLVING || c->state == CONN_CONNECTING)) {
		session_shutdown(&c->sess); /* once connected and flushed */
	} else if (c->state != CONN_TCP) {
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_SHUTDOWN_TCP_ONLY));
	} else if (!c->sess.shut_wr) {
		session_shutdown(&c->sess);
		flush_out(lab);
	}
}

/* ---- the main loop's side ---- */

void conn_poll_fds(struct lab *lab, struct pollfd *p, int *n, int *timeout_ms)
{
	struct conn *c = &lab->conn;

	if (c->backlog_server && !c->backlog_said) { /* wake up to say it waits */
		long left = CONN_BACKLOG_MS - lab_ms_since(c->backlog_since);

		if (left < 0)
			left = 0;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	if (c->resolve_rd >= 0)
		p[(*n)++] = (struct pollfd){.fd = c->resolve_rd, .events = POLLIN};
	if (c->state == CONN_CONNECTING && c->attempt >= 0) {
		int64_t left;

		p[(*n)++] = (struct pollfd){.fd = c->attempt, .events = POLLOUT};
		left = c->deadline - util_mono_ms();
		if (left < 0)
			left = 0;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
		return;
	}
	if (c->sess.fd < 0)
		return;
	p[(*n)++] = (struct pollfd){
	    .fd = c->sess.fd,
	    .events = (short)(POLLIN | (session_want_write(&c->sess) ? POLLOUT : 0)),
	};
}

void conn_handle(struct lab *lab, const struct pollfd *p, int n)
{
	struct conn *c = &lab->conn;
	int fd = c->state == CONN_CONNECTING ? c->attempt : c->sess.fd;

	check_backlog(lab);
	for (int i = 0; i < n; i++) {
		if (c->resolve_rd >= 0 && p[i].fd == c->resolve_rd && p[i].revents)
			resolve_done(lab);
	}
	if (fd < 0 || fd != (c->state == CONN_CONNECTING ? c->attempt : c->sess.fd))
		return;
	for (int i = 0; i < n; i++) {
		if (p[i].fd != fd)
			continue;
		if (c->state == CONN_CONNECTING) {
			if (p[i].revents) {
				attempt_result(lab, dialer_result(fd));
				return;
			}
			break; /* nothing yet: the deadline decides */
		}
		if (c->state == CONN_TCP) {
			if (p[i].revents & POLLOUT)
				flush_out(lab);
			if (c->sess.fd == fd && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				read_tcp(lab);
		} else if (c->state == CONN_UDP && (p[i].revents & (POLLIN | POLLERR))) {
			read_udp(lab);
		}
		return;
	}
	/* No event on the attempt (a SYN the kernel keeps sending again,
	 * unanswered): has it run out of time? */
	if (c->state == CONN_CONNECTING) {
		if (util_mono_ms() >= c->deadline)
			attempt_result(lab, ETIMEDOUT);
	}
}
