/*
 * client: name resolution and dialling (see client.h), and the client's
 * system calls as trace events (the session's too).
 */
#include "socklab/client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/msg.h"

int client_resolve(const char *host, const char *port, int family, int socktype, bool passive,
		   struct addrinfo **res, char *err, size_t errcap)
{
	struct addrinfo hints;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	rc = getaddrinfo(host, port, &hints, res);
	if (rc != 0) {
		snprintf(err, errcap, "%s%s%s: %s", host ? host : "", port ? " port " : "",
			 port ? port : "", rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		*res = NULL;
		return -1;
	}
	return 0;
}

size_t client_describe_ai(const struct addrinfo *ai, char *out, size_t cap)
{
	char tuple[ADDR_TEXT_MAX];
	const char *fam = ai->ai_family == AF_INET    ? "AF_INET"
			  : ai->ai_family == AF_INET6 ? "AF_INET6"
						      : "AF_?";
	const char *type = ai->ai_socktype == SOCK_STREAM  ? "SOCK_STREAM"
			   : ai->ai_socktype == SOCK_DGRAM ? "SOCK_DGRAM"
			   : ai->ai_socktype == SOCK_RAW   ? "SOCK_RAW"
							   : "SOCK_?";
	const char *proto = ai->ai_protocol == IPPROTO_TCP   ? "IPPROTO_TCP"
			    : ai->ai_protocol == IPPROTO_UDP ? "IPPROTO_UDP"
							     : "0";
	int n;

	addr_tuple(ai->ai_addr, tuple, sizeof tuple);
	n = snprintf(out, cap, "%-8s %-11s %-11s %s", fam, type, proto, tuple);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The tutorial's Python line for a client's call: its socket is c. */
static void client_python(const struct event *ev, int family, bool udp, char *out, size_t cap)
{
	static const struct {
		const char *call, *python;
	} table[] = {
	    {"send", "c.sendall(data)"},
	    {"recv", "b = c.recv(4096)"},
	    {"shutdown", "c.shutdown(socket.SHUT_WR)"},
	    {"close", "c.close()"},
	    {"sendto", "c.sendto(data, (HOST, PORT))"},
	    {"recvfrom", "data, addr = c.recvfrom(4096)"},
	};

	out[0] = '\0';
	if (strcmp(ev->syscall, "socket") == 0) {
		snprintf(out, cap, "c = socket.socket(socket.%s, socket.%s)",
			 strncmp(ev->message, "AF_INET6", 8) == 0 ? "AF_INET6" : "AF_INET",
			 udp ? "SOCK_DGRAM" : "SOCK_STREAM");
		return;
	}
	if (strcmp(ev->syscall, "connect") == 0) {
		snprintf(out, cap, "%s",
			 family == AF_INET6 ? "c.connect((HOST, PORT, 0, 0))"
					    : "c.connect((HOST, PORT))");
		return;
	}
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(ev->syscall, table[i].call) == 0)
			snprintf(out, cap, "%s", table[i].python);
}

void client_trace(const struct event_sink *sink, const char *call, int fd, const char *args,
		  int ret, int err, const struct sockaddr_storage *local,
		  const struct sockaddr_storage *peer, int call_addr, bool udp,
		  const struct timespec *t0)
{
	struct event ev;

	if (sink == NULL || sink->fn == NULL)
		return;
	event_init_call(&ev, call, fd, args, ret, err);
	if (t0 != NULL)
		ev.time = *t0;
	ev.transport = udp ? TRANSPORT_UDP : TRANSPORT_TCP;
	ev.call_addr = call_addr;
	if (local != NULL && (local->ss_family == AF_INET || local->ss_family == AF_INET6)) {
		ev.local = *local;
		ev.has_local = true;
	}
	if (peer != NULL && (peer->ss_family == AF_INET || peer->ss_family == AF_INET6)) {
		ev.peer = *peer;
		ev.has_peer = true;
	}
	client_python(&ev, peer != NULL ? peer->ss_family : AF_UNSPEC, udp, ev.python,
		      sizeof ev.python);
	sink->fn(sink->arg, &ev);
}

struct dialer {
	struct addrinfo *list, *next;
	const struct addrinfo *cur; /* the attempt in flight */
	struct timespec t0;	    /* when its connect was made */
	struct event_sink trace;
};

struct dialer *dialer_new(struct addrinfo *list)
{
	struct dialer *d = calloc(1, sizeof *d);

	if (d == NULL) {
		freeaddrinfo(list);
		return NULL;
	}
	d->list = d->next = list;
	return d;
}

void dialer_free(struct dialer *d)
{
	if (d == NULL)
		return;
	if (d->list)
		freeaddrinfo(d->list);
	free(d);
}

void dialer_set_trace(struct dialer *d, const struct event_sink *sink)
{
	d->trace = *sink;
}

/* The attempt's target as a sockaddr_storage (what client_trace keeps). */
static void target_of(const struct addrinfo *ai, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (ai->ai_addrlen <= sizeof *ss)
		memcpy(ss, ai->ai_addr, ai->ai_addrlen);
}

static void trace_close(struct dialer *d, int fd, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer)
{
	struct timespec t0;
	int r;

	clock_gettime(CLOCK_REALTIME, &t0);
	r = close(fd);
	client_trace(&d->trace, "close", fd, NULL, r, errno, local, peer, EVENT_CALL_NO_ADDR,
		     d->cur->ai_socktype == SOCK_DGRAM, &t0);
}

int dialer_next(struct dialer *d, const struct sockaddr **addr, int *err)
{
	struct addrinfo *ai = d->next;
	struct sockaddr_storage to;
	bool udp;
	int fd;

	if (ai == NULL)
		return -1;
	d->next = ai->ai_next;
	d->cur = ai;
	udp = ai->ai_socktype == SOCK_DGRAM;
	target_of(ai, &to);
	*addr = ai->ai_addr;
	*err = 0;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	*err = fd < 0 ? errno : 0;
	client_trace(&d->trace, "socket", -1,
		     ai->ai_family == AF_INET6
			 ? (udp ? "AF_INET6, SOCK_DGRAM, 0" : "AF_INET6, SOCK_STREAM, 0")
		     : udp ? "AF_INET, SOCK_DGRAM, 0"
			   : "AF_INET, SOCK_STREAM, 0",
		     fd, *err, NULL, &to, EVENT_CALL_NO_ADDR, udp, NULL);
	if (fd < 0)
		return -2;
	clock_gettime(CLOCK_REALTIME, &d->t0);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		*err = errno;
		client_trace(&d->trace, "connect", fd, NULL, -1, *err, NULL, &to,
			     EVENT_CALL_PEER_ARG, udp, &d->t0);
		trace_close(d, fd, NULL, &to);
		return -2;
	}
	return fd;
}

void dialer_done(struct dialer *d, int *fd, int err)
{
	struct sockaddr_storage to, local;
	socklen_t len = sizeof local;
	bool udp;

	if (*fd < 0 || d->cur == NULL)
		return;
	udp = d->cur->ai_socktype == SOCK_DGRAM;
	target_of(d->cur, &to);
	if (getsockname(*fd, (struct sockaddr *)&local, &len) < 0)
		memset(&local, 0, sizeof local);
	client_trace(&d->trace, "connect", *fd, NULL, err ? -1 : 0, err, &local, &to,
		     EVENT_CALL_PEER_ARG, udp, &d->t0);
	if (err != 0) {
		trace_close(d, *fd, &local, &to);
		*fd = -1;
	}
}

void dialer_abandon(struct dialer *d, int *fd)
{
	struct sockaddr_storage to, local;
	socklen_t len = sizeof local;

	if (*fd < 0)
		return;
	if (d == NULL || d->cur == NULL) {
		close(*fd);
		*fd = -1;
		return;
	}
	target_of(d->cur, &to);
	if (getsockname(*fd, (struct sockaddr *)&local, &len) < 0)
		memset(&local, 0, sizeof local);
	/* Not the blocking connect dialer_done stands for: that one never
	 * returned. What was really called: the non-blocking connect, left in
	 * progress, then the close that gives it up. */
	client_trace(&d->trace, "connect", *fd, NULL, -1, EINPROGRESS, &local, &to,
		     EVENT_CALL_PEER_ARG, d->cur->ai_socktype == SOCK_DGRAM, &d->t0);
	trace_close(d, *fd, &local, &to);
	*fd = -1;
}

int dialer_result(int fd)
{
	int e = 0;
	socklen_t len = sizeof e;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

int client_dial(struct addrinfo *list, int timeout_ms, dial_report_fn report, void *arg,
		const struct event_sink *trace, char *err, size_t errcap)
{
	struct dialer d = {.list = list, .next = list};
	const struct sockaddr *sa;
	int fd, e = 0, last = 0;
	char where[ADDR_TEXT_MAX] = "";

	if (trace != NULL)
		d.trace = *trace;
	while ((fd = dialer_next(&d, &sa, &e)) != -1) {
		addr_hostport(sa, where, sizeof where);
		if (fd >= 0) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			int r;

			do
				r = poll(&p, 1, timeout_ms);
			while (r < 0 && errno == EINTR);
			e = r == 0 ? ETIMEDOUT : r < 0 ? errno : dialer_result(fd);
			dialer_done(&d, &fd, e);
			if (e == 0) {
				if (report)
					report(arg, sa, 0);
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
				return fd;
			}
		}
		last = e;
		if (report)
			report(arg, sa, e);
	}
	snprintf(err, errcap, "connect %s: %s", where[0] ? where : msg_tr("(no address)"),
		 strerror(last ? last : EADDRNOTAVAIL));
	errno = last;
	return -1;
}
