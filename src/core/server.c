/*
 * server: running servers (see server.h).
 *
 * Data model: a server owns one or two listening (or UDP) sockets, a stop
 * eventfd, a reap eventfd for echo-stdio workers, and a list of
 * connections. All of it belongs to the server thread; workers touch only
 * their own connection and say they are done through the reap eventfd.
 * epoll is level-triggered: one recv per readable connection per wake
 * keeps every client served in turn, however busy one of them is.
 */
#include "socklab/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/frame.h"
#include "socklab/msg.h"
#include "socklab/proto.h"

#define IOBUF_SIZE (64 * 1024 + 1)  /* a whole datagram, and MSG_TRUNC beyond */
#define ACCEPTS_PER_WAKE 1024       /* then the other sockets get a turn */
#define DGRAM_BATCH 16               /* datagrams per recvmmsg/sendmmsg */
#define DGRAM_ROUNDS 8               /* batches per wake, then others get a turn */
#define UDP_RCVBUF_DEFAULT (4 * 1024 * 1024)
#define EPOLL_BATCH 256
#define ACCEPT_BACKOFF_MS 100

struct conn {
	struct server *srv;
	int fd;
	uint64_t id;
	struct sockaddr_storage local, peer;
	struct frame fr;          /* echo and cmd: the line buffer */
	char *out;                /* bytes waiting for the peer to read them */
	size_t out_off, out_len, out_cap;
	bool eof;                 /* the peer closed its side: close once flushed */
	bool close_after_flush;   /* hello: close once the greeting is out */
	bool want_out;            /* EPOLLOUT is registered */
	bool in_off;              /* EPOLLIN is not registered (after the peer's EOF) */
	_Atomic int64_t last_ms;  /* last traffic, for the idle timeout (a worker writes it) */
	pthread_t worker;         /* echo-stdio only */
	bool has_worker;
	atomic_bool done;         /* the worker has finished */
	atomic_bool idle;         /* the idle timeout shut the worker's socket */
	struct conn *prev, *next;
};

/* Headers for one recvmmsg/sendmmsg round; the buffers are iobuf. */
struct dgram_batch {
	struct mmsghdr msg[DGRAM_BATCH];
	struct iovec iov[DGRAM_BATCH];
	struct sockaddr_storage peer[DGRAM_BATCH];
	char cmsg[DGRAM_BATCH][CMSG_SPACE(sizeof(uint32_t))];
};

struct server {
	unsigned id;
	struct spec spec;
	struct server_options opt;
	struct event_queue *q;
	int nsock;
	int lfd[SERVER_SOCKETS_MAX];
	struct sockaddr_storage bound[SERVER_SOCKETS_MAX];
	int v6only[SERVER_SOCKETS_MAX];
	int epfd, stopfd, reapfd;
	pthread_t thread;
	struct conn *conns;
	size_t nconns;
	uint64_t next_conn;
	bool accepting;           /* listeners registered for EPOLLIN */
	int64_t backoff_until;    /* accept paused after EMFILE, until then */
	bool accept_failing;      /* an accept error was reported, not yet over */
	atomic_bool stopping;
	unsigned char *iobuf;      /* TCP raw: one buffer; UDP: DGRAM_BATCH of them */
	struct dgram_batch *batch; /* UDP only */
	uint32_t kernel_drops[SERVER_SOCKETS_MAX]; /* last SO_RXQ_OVFL seen */
	int rcvbuf[SERVER_SOCKETS_MAX];            /* granted SO_RCVBUF, UDP */
	_Atomic uint64_t dgrams_dropped;
	_Atomic uint64_t conns_now, conns_total, bytes_in, bytes_out, dgrams_in, dgrams_out;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ev_base(const struct server *s, struct event *ev, enum event_kind kind)
{
	event_init(ev, kind);
	ev->server = s->id;
	ev->transport = s->spec.transport;
	ev->service = s->spec.service;
	ev->family = s->spec.family;
}

/* Events are pushed quietly; whoever emits them kicks the consumer once
 * its batch is done (the server loop after each wake, a worker after each
 * line), so a reply never waits behind a wakeup. */
static void emit(struct server *s, const struct event *ev)
{
	event_push_batch(s->q, ev, NULL);
}

/* An event with payload: the preview is copied once, straight from data
 * into the queue. total is the real size when it differs from len. */
static void emit_data(struct server *s, struct event *ev, const void *data, size_t len,
		      size_t total)
{
	ev->preview_len = (uint16_t)(len < EVENT_PREVIEW_MAX ? len : EVENT_PREVIEW_MAX);
	ev->bytes = total;
	event_push_batch(s->q, ev, data);
}

static void emit_msg(struct server *s, enum event_kind kind, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void emit_msg(struct server *s, enum event_kind kind, int err, const char *fmt, ...)
{
	struct event ev;
	va_list ap;

	ev_base(s, &ev, kind);
	ev.err = err;
	va_start(ap, fmt);
	vsnprintf(ev.message, sizeof ev.message, fmt, ap);
	va_end(ap);
	emit(s, &ev);
}

/* A system-call step for the trace view. addr, when given, is what the
 * call was about (the bind address, the accepted peer). */
static void trace(struct server *s, const char *call, int ret, int err, const struct sockaddr *addr,
		  const char *detail)
{
	struct event ev;

	if (!s->opt.trace)
		return;
	ev_base(s, &ev, EV_SYSCALL);
	snprintf(ev.syscall, sizeof ev.syscall, "%s", call);
	ev.ret = ret;
	ev.err = ret < 0 ? err : 0;
	if (addr != NULL && addr_len(addr) > 0) {
		memcpy(&ev.local, addr, addr_len(addr));
		ev.has_local = true;
	}
	if (detail != NULL)
		snprintf(ev.message, sizeof ev.message, "%s", detail);
	emit(s, &ev);
}

static void conn_event(struct server *s, struct conn *c, struct event *ev, enum event_kind kind)
{
	ev_base(s, ev, kind);
	ev->conn = c->id;
	ev->has_local = ev->has_peer = true;
	ev->local = c->local;
	ev->peer = c->peer;
}

/* ---- setting up sockets ---------------------------------------------- */

/* Resolves host for one address family into ss with port. */
static int bind_address(const char *host, int af, uint16_t port, struct sockaddr_storage *ss,
			char *err, size_t errcap)
{
	struct addrinfo hints, *res;
	char ebuf[128];
	int rc;

	if (addr_parse_numeric(host, port, af, ss, ebuf, sizeof ebuf) == 0)
		return 0;
	if (af == AF_INET6 && strchr(host, '%') != NULL) {
		/* fe80::1%eth0 is numeric; its error (no such interface) is
		 * the real one, not a failed name lookup. */
		snprintf(err, errcap, "%s", ebuf);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = af;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errcap, "host '%s' (%s): %s", host, af == AF_INET ? "IPv4" : "IPv6",
			 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (af == AF_INET)
		((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
	return 0;
}

/* The IPv4 address that goes with an IPv6 bind host when a server needs
 * two sockets: :: pairs with 0.0.0.0 and ::1 with 127.0.0.1; a name is
 * resolved for IPv4. */
static int counterpart_v4(const char *host, uint16_t port, struct sockaddr_storage *ss,
			  char *err, size_t errcap)
{
	struct sockaddr_storage tmp;
	char ebuf[128];

	if (addr_parse_numeric(host, port, AF_INET6, &tmp, ebuf, sizeof ebuf) == 0) {
		const struct sockaddr_in6 *s6 = (const void *)&tmp;

		if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			return bind_address("0.0.0.0", AF_INET, port, ss, err, errcap);
		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return bind_address("127.0.0.1", AF_INET, port, ss, err, errcap);
		snprintf(err, errcap, "host '%s' has no IPv4 counterpart for a second socket "
			 "(use ::, ::1 or a name)", host);
		return -1;
	}
	return bind_address(host, AF_INET, port, ss, err, errcap);
}

/* A few words on what a bind error usually means, for people new to it. */
static const char *bind_hint(int e, const struct sockaddr *sa)
{
	switch (e) {
	case EACCES:
		return addr_port(sa) < 1024 ? MSG_HINT_PRIVILEGED : "";
	case EADDRNOTAVAIL:
		return MSG_HINT_NOT_LOCAL;
	case EADDRINUSE:
		return MSG_HINT_IN_USE;
	default:
		return "";
	}
}

/* How a listener attempt failed: the caller may fall back on some. */
enum open_fail { OPEN_OK, OPEN_FAIL, OPEN_NO_AF, OPEN_V6ONLY };

/* socket, setsockopt, bind, listen for one address. v6only: -1 for
 * AF_INET, else the value wanted. On failure *fail says which kind and
 * *saved_errno why. */
static int open_listener(struct server *s, const struct sockaddr_storage *ss, int v6only,
			 enum open_fail *fail, int *saved_errno, char *err, size_t errcap)
{
	const struct sockaddr *sa = (const void *)ss;
	int type = s->spec.transport == TRANSPORT_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int fd, one = 1, e;
	char where[ADDR_TEXT_MAX];

	addr_hostport(sa, where, sizeof where);
	*fail = OPEN_FAIL;
	fd = socket(sa->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	e = errno;
	trace(s, "socket", fd, e, NULL, sa->sa_family == AF_INET6 ? "AF_INET6" : "AF_INET");
	if (fd < 0) {
		*saved_errno = e;
		if (e == EAFNOSUPPORT)
			*fail = OPEN_NO_AF;
		snprintf(err, errcap, "socket %s: %s", sa->sa_family == AF_INET6 ? "AF_INET6" : "AF_INET",
			 strerror(e));
		return -1;
	}
	if (type == SOCK_STREAM) {
		int r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		trace(s, "setsockopt", r, errno, NULL, "SO_REUSEADDR=1");
	}
	if (v6only >= 0) {
		int r;

		if (v6only == 0 && s->opt.force_v6only_failure) {
			r = -1;
			errno = EPERM;
		} else {
			r = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
		}
		e = errno;
		trace(s, "setsockopt", r, e, NULL, v6only ? "IPV6_V6ONLY=1" : "IPV6_V6ONLY=0");
		if (r < 0) {
			*saved_errno = e;
			*fail = v6only == 0 ? OPEN_V6ONLY : OPEN_FAIL;
			snprintf(err, errcap, "setsockopt IPV6_V6ONLY=%d: %s", v6only, strerror(e));
			close(fd);
			return -1;
		}
	}
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr) &&
	    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_scope_id == 0) {
		*saved_errno = EINVAL;
		snprintf(err, errcap, "bind %s: " MSG_HINT_SCOPE, where);
		close(fd);
		return -1;
	}
	if (bind(fd, sa, addr_len(sa)) < 0) {
		e = errno;
		trace(s, "bind", -1, e, sa, NULL);
		*saved_errno = e;
		if (e == EADDRNOTAVAIL && sa->sa_family == AF_INET6)
			*fail = OPEN_NO_AF;
		snprintf(err, errcap, "bind %s: %s%s", where, strerror(e), bind_hint(e, sa));
		close(fd);
		return -1;
	}
	trace(s, "bind", 0, 0, sa, NULL);
	if (type == SOCK_STREAM) {
		int backlog = spec_backlog(&s->spec);

		if (listen(fd, backlog) < 0) {
			e = errno;
			trace(s, "listen", -1, e, sa, NULL);
			*saved_errno = e;
			snprintf(err, errcap, "listen %s: %s", where, strerror(e));
			close(fd);
			return -1;
		}
		trace(s, "listen", 0, 0, sa, NULL);
	}
	*fail = OPEN_OK;
	return fd;
}

static void add_socket(struct server *s, int fd)
{
	socklen_t len = sizeof s->bound[0];
	int i = s->nsock++;

	s->lfd[i] = fd;
	getsockname(fd, (struct sockaddr *)&s->bound[i], &len);
	s->v6only[i] = -1;
	if (s->spec.transport == TRANSPORT_UDP) {
		int want = s->spec.rcvbuf > 0 ? s->spec.rcvbuf : UDP_RCVBUF_DEFAULT, one = 1;
		socklen_t gl = sizeof s->rcvbuf[i];

		/* SO_RCVBUFFORCE passes net.core.rmem_max when we may (root);
		 * otherwise SO_RCVBUF gets what the limit allows. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf[i], &gl);
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
	}
	if (s->bound[i].ss_family == AF_INET6) {
		int v = 0;
		socklen_t vl = sizeof v;

		if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl) == 0)
			s->v6only[i] = v;
	}
}

static void close_sockets(struct server *s)
{
	for (int i = 0; i < s->nsock; i++)
		close(s->lfd[i]);
	s->nsock = 0;
}

/* Opens an IPv6 socket with v6only on host and, with two_sockets, its IPv4
 * counterpart on the same port. */
static int open_pair(struct server *s, const char *host, int v6only, bool two_sockets,
		     enum open_fail *fail, int *saved_errno, char *err, size_t errcap)
{
	struct sockaddr_storage ss6, ss4;
	int fd, held[8], nheld = 0, rc = -1;

	if (bind_address(host, AF_INET6, s->spec.port, &ss6, err, errcap) < 0)
		return -1;
	if (two_sockets && counterpart_v4(host, s->spec.port, &ss4, err, errcap) < 0)
		return -1;
	for (;;) {
		fd = open_listener(s, &ss6, v6only, fail, saved_errno, err, errcap);
		if (fd < 0)
			break;
		add_socket(s, fd);
		if (!two_sockets) {
			rc = 0;
			break;
		}
		/* Port 0: the IPv4 socket takes the port the kernel gave the first. */
		((struct sockaddr_in *)(void *)&ss4)->sin_port =
			htons(addr_port((void *)&s->bound[0]));
		fd = open_listener(s, &ss4, -1, fail, saved_errno, err, errcap);
		if (fd >= 0) {
			add_socket(s, fd);
			rc = 0;
			break;
		}
		/* The user asked for any port, and the kernel's pick is taken
		 * on IPv4: pick again, holding this one so it is not chosen
		 * twice. */
		if (s->spec.port != 0 || *saved_errno != EADDRINUSE || nheld == 8) {
			close_sockets(s);
			break;
		}
		held[nheld++] = s->lfd[0];
		s->nsock = 0;
	}
	while (nheld > 0)
		close(held[--nheld]);
	return rc;
}

/* Whether this host can do IPv6 at all: the kernel may lack it
 * (socket fails) or have it disabled (no interface has an IPv6 address,
 * yet binding :: still succeeds and would hide the problem). */
static bool ipv6_usable(int *why)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	FILE *f;
	bool any = true;

	if (fd < 0) {
		*why = errno;
		return false;
	}
	close(fd);
	f = fopen("/proc/net/if_inet6", "re");
	if (f != NULL) {
		any = fgetc(f) != EOF;
		fclose(f);
	}
	*why = EADDRNOTAVAIL;
	return any;
}

/* IPv4 only, on the counterpart of an IPv6 host, after a warning. */
static int open_v4_only(struct server *s, const char *host, int why, char *err, size_t errcap)
{
	struct sockaddr_storage ss;
	enum open_fail fail;
	int fd, e;

	if (counterpart_v4(host, s->spec.port, &ss, err, errcap) < 0)
		return -1;
	emit_msg(s, EV_WARNING, why, MSG_DUAL_NO_IPV6,
		 why == EADDRNOTAVAIL ? MSG_IPV6_DISABLED : strerror(why));
	fd = open_listener(s, &ss, -1, &fail, &e, err, errcap);
	if (fd < 0)
		return -1;
	add_socket(s, fd);
	return 0;
}

static int open_sockets(struct server *s, char *err, size_t errcap)
{
	const char *host = spec_host(&s->spec);
	struct sockaddr_storage ss;
	enum open_fail fail;
	int fd, e = 0, why;

	if (s->spec.family != FAMILY_IPV4 && !ipv6_usable(&why)) {
		if (s->spec.family != FAMILY_IPV6)
			return open_v4_only(s, host, why, err, errcap);
		snprintf(err, errcap, "%s %s: " MSG_NO_IPV6,
			 s->spec.transport == TRANSPORT_TCP ? "listen" : "bind", host,
			 why == EADDRNOTAVAIL ? MSG_IPV6_DISABLED : strerror(why));
		return -1;
	}

	switch (s->spec.family) {
	case FAMILY_IPV4:
		if (bind_address(host, AF_INET, s->spec.port, &ss, err, errcap) < 0)
			return -1;
		fd = open_listener(s, &ss, -1, &fail, &e, err, errcap);
		if (fd < 0)
			return -1;
		add_socket(s, fd);
		return 0;
	case FAMILY_IPV6:
		return open_pair(s, host, 1, false, &fail, &e, err, errcap);
	case FAMILY_DUAL2:
		return open_pair(s, host, 1, true, &fail, &e, err, errcap);
	case FAMILY_DUAL:
		if (open_pair(s, host, 0, false, &fail, &e, err, errcap) == 0)
			return 0;
		if (fail == OPEN_V6ONLY) {
			emit_msg(s, EV_WARNING, e, MSG_DUAL_FALLBACK, strerror(e));
			return open_pair(s, host, 1, true, &fail, &e, err, errcap);
		}
		if (fail == OPEN_NO_AF)
			return open_v4_only(s, host, e, err, errcap);
		return -1;
	default:
		snprintf(err, errcap, "unknown family");
		return -1;
	}
}

/* ---- connections ------------------------------------------------------ */

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

static void update_accepting(struct server *s)
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
	update_accepting(s);
}

static void conn_close(struct server *s, struct conn *c, enum close_reason why, int err)
{
	struct event ev;

	conn_event(s, c, &ev, EV_CLOSE);
	ev.reason = why;
	ev.err = err;
	emit(s, &ev);
	close(c->fd);
	trace(s, "close", 0, 0, NULL, NULL);
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
static bool conn_flush(struct server *s, struct conn *c)
{
	size_t pending = c->out_len - c->out_off;

	if (pending > 0) {
		ssize_t n = send(c->fd, c->out + c->out_off, pending, MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			int e = errno;

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
			snprintf(ev.message, sizeof ev.message, MSG_OUTPUT_CAP, pending);
			emit(s, &ev);
			conn_close(s, c, CLOSE_OVERFLOW, 0);
			return false;
		}
	}
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
	conn_event(s, c, &ev, EV_WARNING);
	snprintf(ev.message, sizeof ev.message, MSG_LINE_TOO_LONG_LOG, s->spec.max_line);
	emit(s, &ev);
}

static void conn_readable(struct server *s, struct conn *c)
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
		conn_flush(s, c);
		return;
	}
	{
		struct event ev;

		conn_event(s, c, &ev, EV_RECV);
		emit_data(s, &ev, p, (size_t)n, (size_t)n);
		atomic_fetch_add_explicit(&s->bytes_in, (uint64_t)n, memory_order_relaxed);
	}
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
	conn_flush(s, c);
}

static void *stdio_worker(void *arg);

static void accept_ready(struct server *s, int lfd)
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
			trace(s, "accept", -1, e, NULL, NULL);
			/* Said once per episode, not every ACCEPT_BACKOFF_MS. */
			if (!s->accept_failing)
				emit_msg(s, EV_ERROR, e, MSG_ACCEPT_BACKOFF, strerror(e));
			s->accept_failing = true;
			/* EMFILE and friends: the listener stays readable, so
			 * stop watching it for a moment instead of spinning. */
			s->backoff_until = now_ms() + ACCEPT_BACKOFF_MS;
			set_accepting(s, false);
			return;
		}
		trace(s, "accept", fd, 0, (void *)&peer, NULL);
		if (s->accept_failing) {
			s->accept_failing = false;
			emit_msg(s, EV_WARNING, 0, MSG_ACCEPT_RECOVERED);
		}
		c = calloc(1, sizeof *c);
		if (c == NULL || (s->spec.service != SERVICE_RAW && s->spec.service != SERVICE_HELLO &&
				  frame_init(&c->fr, s->spec.max_line) < 0)) {
			emit_msg(s, EV_ERROR, ENOMEM, "accept: out of memory, connection refused");
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
		update_accepting(s);

		switch (s->spec.service) {
		case SERVICE_ECHO_STDIO:
			c->has_worker = true;
			if (pthread_create(&c->worker, NULL, stdio_worker, c) != 0) {
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
			conn_flush(s, c);
			continue;
		default:
			ee.events = EPOLLIN;
			ee.data.ptr = c;
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ee);
			continue;
		}
	}
}

/* How much of a datagram is kept: all of it (64 KiB) unless the spec asks
 * for less, as the tutorial's recvfrom(4096) does. */
static size_t dgram_room(const struct server *s)
{
	size_t max = s->spec.dgram_max;

	return max > 0 && max < IOBUF_SIZE - 1 ? max : IOBUF_SIZE - 1;
}

/* Reports datagrams the kernel dropped for a full receive buffer, from
 * the SO_RXQ_OVFL counter carried by each received datagram. */
static void dgram_drops(struct server *s, int sock, struct msghdr *mh)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		uint32_t total, lost;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SO_RXQ_OVFL)
			continue;
		memcpy(&total, CMSG_DATA(cm), sizeof total);
		lost = total - s->kernel_drops[sock];
		if (lost == 0)
			continue;
		s->kernel_drops[sock] = total;
		atomic_fetch_add_explicit(&s->dgrams_dropped, lost, memory_order_relaxed);
		emit_msg(s, EV_WARNING, 0, MSG_KERNEL_DROPS, (unsigned long)lost);
	}
}

/* Receives a batch of datagrams with recvmmsg, echoes them with one
 * sendmmsg, and records each one in and out. */
static void dgram_ready(struct server *s, int sock)
{
	int fd = s->lfd[sock];

	for (int round = 0; round < DGRAM_ROUNDS; round++) {
		struct dgram_batch *b = s->batch;
		int n, sent;

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
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				emit_msg(s, EV_WARNING, errno, "recvmmsg: %s", strerror(errno));
			return;
		}
		for (int i = 0; i < n; i++) {
			size_t real = b->msg[i].msg_len, len = real;
			struct event ev;

			/* MSG_TRUNC in the flags: msg_len is the real size. */
			if (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC)
				len = dgram_room(s);
			dgram_drops(s, sock, &b->msg[i].msg_hdr);
			atomic_fetch_add_explicit(&s->dgrams_in, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->bytes_in, real, memory_order_relaxed);
			ev_base(s, &ev, EV_DGRAM_IN);
			ev.has_peer = ev.has_local = true;
			memcpy(&ev.peer, &b->peer[i], sizeof b->peer[i]);
			ev.local = s->bound[sock];
			if (real > len) {
				ev.truncated = true;
				snprintf(ev.message, sizeof ev.message, MSG_DGRAM_TRUNCATED, real, len);
			}
			emit_data(s, &ev, b->iov[i].iov_base, len, real);
			/* The reply reuses the received header: same buffer, back
			 * to the sender's address. */
			b->iov[i].iov_len = len;
			b->msg[i].msg_hdr.msg_control = NULL;
			b->msg[i].msg_hdr.msg_controllen = 0;
			b->msg[i].msg_hdr.msg_flags = 0;
		}
		sent = sendmmsg(fd, b->msg, (unsigned)n, MSG_DONTWAIT);
		if (sent < 0) {
			emit_msg(s, EV_WARNING, errno, "sendmmsg: %s", strerror(errno));
			sent = 0;
		}
		for (int i = 0; i < sent; i++) {
			struct event ev;

			atomic_fetch_add_explicit(&s->dgrams_out, 1, memory_order_relaxed);
			atomic_fetch_add_explicit(&s->bytes_out, b->msg[i].msg_len, memory_order_relaxed);
			ev_base(s, &ev, EV_DGRAM_OUT);
			ev.has_peer = ev.has_local = true;
			memcpy(&ev.peer, &b->peer[i], sizeof b->peer[i]);
			ev.local = s->bound[sock];
			emit_data(s, &ev, b->iov[i].iov_base, b->msg[i].msg_len, b->msg[i].msg_len);
		}
		if (sent < n)
			emit_msg(s, EV_WARNING, 0, "%d replies not sent (send buffer full)", n - sent);
		if (n < DGRAM_BATCH)
			return;
	}
}

/* ---- echo-stdio: the makefile() twin ---------------------------------- */

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

static void *stdio_worker(void *arg)
{
	struct conn *c = arg;
	struct server *s = c->srv;
	enum close_reason why = CLOSE_PEER_EOF;
	int rfd = dup(c->fd), wfd = dup(c->fd), err = 0;
	FILE *in = rfd >= 0 ? fdopen(rfd, "r") : NULL;
	FILE *out = wfd >= 0 ? fdopen(wfd, "w") : NULL;
	size_t cap = s->spec.max_line + 1;
	/* "eco: " + a line + "\n", or the error line however small cap is. */
	size_t room = cap + 64;
	char *line = malloc(room);
	struct event ev;

	/* Blocking I/O, as the tutorial's makefile() does; server_stop wakes
	 * us with shutdown(). */
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	if (in == NULL || out == NULL || line == NULL) {
		why = CLOSE_ERROR;
		err = ENOMEM;
		goto done;
	}
	for (;;) {
		bool over;
		size_t total;
		ssize_t n = stdio_line(in, line + 5, cap, &over, &total);
		size_t len;

		if (n < 0) {
			if (ferror(in)) {
				err = errno;
				why = err == ECONNRESET ? CLOSE_RESET : CLOSE_ERROR;
			}
			break;
		}
		conn_event(s, c, &ev, EV_RECV);
		emit_data(s, &ev, line + 5, (size_t)n, total);
		atomic_fetch_add_explicit(&s->bytes_in, total, memory_order_relaxed);
		c->last_ms = now_ms();
		if (over) {
			len = (size_t)snprintf(line, room, MSG_LINE_TOO_LONG, s->spec.max_line);
			conn_event(s, c, &ev, EV_WARNING);
			snprintf(ev.message, sizeof ev.message, MSG_LINE_TOO_LONG_LOG, s->spec.max_line);
			emit(s, &ev);
		} else {
			/* raw.rstrip(b"\r\n"): every trailing CR and LF goes. */
			len = (size_t)n;
			while (len > 0 && (line[5 + len - 1] == '\n' || line[5 + len - 1] == '\r'))
				len--;
			memcpy(line, "eco: ", 5);
			line[5 + len] = '\n';
			len += 6;
		}
		if (fwrite(line, 1, len, out) != len || fflush(out) != 0) {
			err = errno;
			why = err == EPIPE || err == ECONNRESET ? CLOSE_RESET : CLOSE_ERROR;
			break;
		}
		conn_event(s, c, &ev, EV_SEND);
		emit_data(s, &ev, line, len, len);
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
	atomic_store(&c->done, true);
	{
		uint64_t one = 1;
		ssize_t r = write(s->reapfd, &one, sizeof one);
		(void)r;
	}
	return NULL;
}

static void reap_workers(struct server *s)
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

/* ---- the server thread ------------------------------------------------ */

static void check_idle(struct server *s, int64_t now)
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

static void stop_all(struct server *s)
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

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct epoll_event evs[EPOLL_BATCH];
	int64_t next_idle = 0;

	for (;;) {
		int timeout = -1, n;
		int64_t now;

		if (s->backoff_until)
			timeout = ACCEPT_BACKOFF_MS;
		if (s->spec.idle_timeout_ms > 0 && s->nconns > 0)
			timeout = 100;
		/* Everything the last batch recorded, replies already sent. */
		event_queue_kick(s->q);
		n = epoll_wait(s->epfd, evs, EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;

			if (p == &s->stopfd) {
				stop_all(s);
				return NULL;
			}
			if (p == &s->reapfd) {
				reap_workers(s);
			} else if (p == &s->lfd[0] || p == &s->lfd[1]) {
				int sock = p == &s->lfd[0] ? 0 : 1;

				if (s->spec.transport == TRANSPORT_UDP)
					dgram_ready(s, sock);
				else
					accept_ready(s, s->lfd[sock]);
			} else {
				struct conn *c = p;

				/* A connection closed earlier in this batch is gone;
				 * its fd left epoll when it was closed, and closed
				 * ones are never in this batch twice. */
				if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
					conn_readable(s, c);
				else if (evs[i].events & EPOLLOUT)
					conn_flush(s, c);
			}
		}
		now = now_ms();
		if (s->backoff_until && now >= s->backoff_until) {
			s->backoff_until = 0;
			update_accepting(s);
		}
		if (s->spec.idle_timeout_ms > 0 && now >= next_idle) {
			check_idle(s, now);
			next_idle = now + 100;
		}
	}
	stop_all(s);
	return NULL;
}

/* ---- public ----------------------------------------------------------- */

int server_start(const struct spec *spec, unsigned id, const struct server_options *opt,
		 struct event_queue *q, struct server **out, char *err, size_t errcap)
{
	struct server *s = calloc(1, sizeof *s);
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (s == NULL) {
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	s->id = id;
	s->spec = *spec;
	if (opt)
		s->opt = *opt;
	s->q = q;
	s->epfd = s->stopfd = s->reapfd = -1;
	if (!spec_service_allowed(spec->transport, spec->service)) {
		snprintf(err, errcap, "service '%s' is TCP only", service_name(spec->service));
		goto fail;
	}
	if (spec->transport == TRANSPORT_UDP) {
		s->iobuf = malloc((size_t)DGRAM_BATCH * IOBUF_SIZE);
		s->batch = malloc(sizeof *s->batch);
	} else {
		s->iobuf = malloc(IOBUF_SIZE);
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->reapfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->iobuf == NULL || (spec->transport == TRANSPORT_UDP && s->batch == NULL) || s->epfd < 0 || s->stopfd < 0 || s->reapfd < 0) {
		snprintf(err, errcap, "server setup: %s", strerror(errno ? errno : ENOMEM));
		goto fail;
	}
	if (open_sockets(s, err, errcap) < 0)
		goto fail;
	{
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = &s->stopfd};

		epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->stopfd, &ee);
		ee.data.ptr = &s->reapfd;
		epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->reapfd, &ee);
		for (int i = 0; i < s->nsock; i++) {
			ee.data.ptr = &s->lfd[i];
			epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd[i], &ee);
		}
		s->accepting = true;
	}
	for (int i = 0; i < s->nsock; i++) {
		struct event ev;

		ev_base(s, &ev, EV_LISTEN);
		ev.has_local = true;
		ev.local = s->bound[i];
		ev.v6only = s->v6only[i];
		if (s->rcvbuf[i] > 0)
			snprintf(ev.message, sizeof ev.message, MSG_RCVBUF, s->rcvbuf[i]);
		emit(s, &ev);
	}
	/* The server thread takes no signals: they belong to the front end. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->thread, NULL, server_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errcap, "thread: %s", strerror(rc));
		close_sockets(s);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	close_sockets(s);
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
	close_sockets(s);
	close(s->epfd);
	close(s->stopfd);
	close(s->reapfd);
	ev_base(s, &ev, EV_STOP);
	snprintf(ev.message, sizeof ev.message, "stopped");
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
