/*
 * testnet: helpers for the integration tests, which run real servers on
 * 127.0.0.1 and ::1 (port 0) and talk to them with real client sockets.
 *
 * Every wait is bounded: a helper polls with a deadline and fails the test
 * when the deadline passes, so a broken server fails fast instead of
 * hanging. Events from the server are collected into a log (struct tn) so a
 * test can wait for, count and inspect them.
 */
#ifndef SOCKLAB_TEST_TESTNET_H
#define SOCKLAB_TEST_TESTNET_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/event.h"
#include "socklab/server.h"
#include "socklab/spec.h"
#include "json_check.h"

/* Generous bound for anything that should take milliseconds; six times
 * that under valgrind (seen in LD_PRELOAD), which runs us much slower. */
static inline bool tn_under_valgrind(void)
{
	const char *pre = getenv("LD_PRELOAD");

	return pre != NULL && strstr(pre, "vgpreload") != NULL;
}

/* Under valgrind or ThreadSanitizer everything runs ten to fifty times
 * slower: a test of volume carries less there (the same code paths, the
 * same checks), so that those runs stay within minutes. */
static inline bool tn_slow_checker(void)
{
#if defined(__SANITIZE_THREAD__)
	return true;
#else
	return tn_under_valgrind();
#endif
}

static inline int tn_timeout_ms(void)
{
	return tn_under_valgrind() ? 30000 : 5000;
}
#define TN_TIMEOUT_MS tn_timeout_ms()

static inline int64_t tn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Like libuv's can_ipv6(): whether ::1 can be bound here. */
static inline bool tn_can_ipv6(void)
{
	static int cached = -1;

	if (cached < 0) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6,
					 .sin6_addr = IN6ADDR_LOOPBACK_INIT};
		int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

		cached = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
		if (fd >= 0)
			close(fd);
	}
	return cached;
}

#define TN_NEED_IPV6()                                                                             \
	do {                                                                                       \
		if (!tn_can_ipv6())                                                                \
			skip();                                                                    \
	} while (0)

/* Open file descriptors of this process. */
static inline int tn_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* ---- the event log ---- */

/* What a test needs of an event, without the 4 KiB preview. */
struct tn_ev {
	enum event_kind kind;
	unsigned server;
	uint64_t conn;
	bool has_local, has_peer;
	struct sockaddr_storage local, peer;
	uint64_t bytes;
	enum close_reason reason;
	int err, v6only, ret;
	char syscall[16];
	char python[96];
	char call[256]; /* EV_SYSCALL: event_call_text */
	int fd;
	int backlog, accept_wait_ms;
	bool truncated;
	uint64_t count;
	char message[EVENT_MESSAGE_MAX];
	uint16_t preview_len;	    /* of what is kept here, at most sizeof preview */
	uint16_t event_preview_len; /* the event's own */
	uint8_t preview[64];
};

struct tn {
	struct event_queue *q;
	struct tn_ev *ev;
	size_t n, cap;
	bool keep_data; /* also log RECV/SEND/DGRAM events */
};

static inline void tn_init(struct tn *t)
{
	memset(t, 0, sizeof *t);
	t->q = event_queue_new(4u * 1024 * 1024);
	assert_non_null(t->q);
	t->keep_data = true;
}

static inline void tn_free(struct tn *t)
{
	event_queue_free(t->q);
	free(t->ev);
	memset(t, 0, sizeof *t);
}

/* Every event a real server produces must format to one valid JSON
 * object and to a text line without a control byte or invalid UTF-8. */
static inline void tn_check_formats(const struct event *ev)
{
	static char buf[EVENT_FORMAT_MAX];
	size_t n = event_format_json(ev, buf, sizeof buf);
	const unsigned char *p = (const unsigned char *)buf;

	if (n != strlen(buf) || !json_valid(buf, n))
		fail_msg("%s event: invalid JSON: %s", event_kind_name(ev->kind), buf);
	n = event_format_text(ev, buf, sizeof buf);
	assert_int_equal(n, strlen(buf));
	for (size_t i = 0; i < n;) {
		size_t k = json_utf8_len(p + i, n - i);

		if (k == 0 || p[i] < 0x20 || p[i] == 0x7f ||
		    (k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0))
			fail_msg("%s event: unsafe byte 0x%02x in text line",
				 event_kind_name(ev->kind), p[i]);
		i += k ? k : 1;
	}
}

static inline void tn_take(struct tn *t)
{
	static struct event ev;

	while (event_pop(t->q, &ev)) {
		struct tn_ev *e;

		tn_check_formats(&ev);
		if (!t->keep_data && (event_kind_class(ev.kind) & EVENT_CLASS_DATA))
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->ev = realloc(t->ev, t->cap * sizeof *t->ev);
			assert_non_null(t->ev);
		}
		e = &t->ev[t->n++];
		e->kind = ev.kind;
		e->server = ev.server;
		e->conn = ev.conn;
		e->has_local = ev.has_local;
		e->has_peer = ev.has_peer;
		e->local = ev.local;
		e->peer = ev.peer;
		e->bytes = ev.bytes;
		e->reason = ev.reason;
		e->err = ev.err;
		e->v6only = ev.v6only;
		e->ret = ev.ret;
		memcpy(e->syscall, ev.syscall, sizeof e->syscall);
		memcpy(e->python, ev.python, sizeof e->python);
		e->fd = ev.fd;
		if (ev.kind == EV_SYSCALL)
			event_call_text(&ev, e->call, sizeof e->call);
		e->backlog = ev.backlog;
		e->accept_wait_ms = ev.accept_wait_ms;
		e->truncated = ev.truncated;
		e->count = ev.count;
		memcpy(e->message, ev.message, sizeof e->message);
		e->preview_len =
		    ev.preview_len < sizeof e->preview ? ev.preview_len : sizeof e->preview;
		memcpy(e->preview, ev.preview, e->preview_len);
		e->event_preview_len = ev.preview_len;
	}
}

/* Takes whatever events are waiting, waiting at most ms for the first. */
static inline void tn_pump(struct tn *t, int ms)
{
	struct pollfd p = {.fd = event_queue_fd(t->q), .events = POLLIN};

	if (poll(&p, 1, ms) > 0)
		tn_take(t);
}

static inline int tn_count(struct tn *t, enum event_kind kind)
{
	int n = 0;

	tn_take(t);
	for (size_t i = 0; i < t->n; i++)
		n += t->ev[i].kind == kind;
	return n;
}

static inline int tn_count_close(struct tn *t, enum close_reason why)
{
	int n = 0;

	tn_take(t);
	for (size_t i = 0; i < t->n; i++)
		n += t->ev[i].kind == EV_CLOSE && t->ev[i].reason == why;
	return n;
}

/* Waits until at least n events of kind are in the log. */
static inline void tn_wait_count(struct tn *t, enum event_kind kind, int n)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;

	while (tn_count(t, kind) < n) {
		int64_t left = end - tn_now_ms();

		if (left <= 0)
			fail_msg("waited for %d %s events, have %d", n, event_kind_name(kind),
				 tn_count(t, kind));
		tn_pump(t, (int)(left < 50 ? left : 50));
	}
}

static inline void tn_wait_close(struct tn *t, enum close_reason why, int n)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;

	while (tn_count_close(t, why) < n) {
		int64_t left = end - tn_now_ms();

		if (left <= 0)
			fail_msg("waited for %d CLOSE %s events, have %d", n,
				 event_close_reason_name(why), tn_count_close(t, why));
		tn_pump(t, (int)(left < 50 ? left : 50));
	}
}

/* The event of kind whose peer has this port (a client's local port). */
static inline const struct tn_ev *tn_wait_peer(struct tn *t, enum event_kind kind, uint16_t port)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;

	for (;;) {
		tn_take(t);
		for (size_t i = 0; i < t->n; i++)
			if (t->ev[i].kind == kind && t->ev[i].has_peer &&
			    addr_port((const void *)&t->ev[i].peer) == port)
				return &t->ev[i];
		if (tn_now_ms() > end)
			fail_msg("no %s event from peer port %u", event_kind_name(kind), port);
		tn_pump(t, 50);
	}
}

static inline const struct tn_ev *tn_find(struct tn *t, enum event_kind kind)
{
	tn_take(t);
	for (size_t i = 0; i < t->n; i++)
		if (t->ev[i].kind == kind)
			return &t->ev[i];
	return NULL;
}

/* ---- servers ---- */

static inline struct spec tn_spec(const char *text)
{
	struct spec s;
	char err[256];

	spec_default(&s);
	if (spec_parse(text, &s, err, sizeof err) != 0)
		fail_msg("spec '%s': %s", text, err);
	return s;
}

static inline struct server *tn_start_opt(struct tn *t, const struct spec *s,
					  const struct server_options *opt)
{
	static unsigned next_id = 1;
	struct server *srv = NULL;
	char err[SERVER_ERR_MAX];

	if (server_start(s, next_id++, opt, t->q, &srv, err, sizeof err) != 0)
		fail_msg("server_start: %s", err);
	assert_non_null(srv);
	assert_true(server_port(srv) != 0);
	return srv;
}

static inline struct server *tn_start(struct tn *t, const char *text)
{
	struct spec s = tn_spec(text);

	return tn_start_opt(t, &s, NULL);
}

/* ---- clients ---- */

static inline struct sockaddr_storage tn_addr(int family, uint16_t port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (void *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *a = (void *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		a->sin6_addr = in6addr_loopback;
	}
	return ss;
}

static inline void tn_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = TN_TIMEOUT_MS / 1000};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* A blocking TCP client connected to 127.0.0.1 or ::1 (with send and
 * receive timeouts as a safety net). */
static inline int tn_connect(int family, uint16_t port)
{
	struct sockaddr_storage ss = tn_addr(family, port);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	tn_timeouts(fd);
	if (connect(fd, (struct sockaddr *)&ss, addr_len((struct sockaddr *)&ss)) != 0)
		fail_msg("connect to %s port %u: %s", family == AF_INET ? "127.0.0.1" : "::1", port,
			 strerror(errno));
	return fd;
}

static inline uint16_t tn_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	return addr_port((struct sockaddr *)&ss);
}

static inline void tn_send_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			fail_msg("send: %s", strerror(errno));
		p += k;
		n -= (size_t)k;
	}
}

static inline void tn_send_str(int fd, const char *s)
{
	tn_send_all(fd, s, strlen(s));
}

/* Whether fd becomes readable (data or EOF) within ms. */
static inline bool tn_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, ms) == 1;
}

/* Reads until EOF (the tutorial's recv_all). Returns the byte count; fails
 * the test on a timeout or error. out is NUL-terminated. */
static inline size_t tn_recv_all(int fd, char *out, size_t cap)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;
	size_t n = 0;

	for (;;) {
		ssize_t k;
		int64_t left = end - tn_now_ms();

		if (left <= 0 || !tn_readable(fd, (int)left))
			fail_msg("no EOF within %d ms (%zu bytes read)", TN_TIMEOUT_MS, n);
		assert_true(n < cap);
		k = recv(fd, out + n, cap - 1 - n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			fail_msg("recv: %s", strerror(errno));
		if (k == 0)
			break;
		n += (size_t)k;
	}
	out[n] = '\0';
	return n;
}

/* Reads exactly n bytes. */
static inline void tn_recv_n(int fd, char *out, size_t n)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;
	size_t got = 0;

	while (got < n) {
		ssize_t k;
		int64_t left = end - tn_now_ms();

		if (left <= 0 || !tn_readable(fd, (int)left))
			fail_msg("timed out with %zu of %zu bytes", got, n);
		k = recv(fd, out + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			fail_msg("recv after %zu of %zu bytes: %s", got, n,
				 k == 0 ? "EOF" : strerror(errno));
		got += (size_t)k;
	}
}

/* Sends s and expects exactly want back. */
static inline void tn_exchange(int fd, const char *s, const char *want)
{
	char buf[4096];
	size_t n = strlen(want);

	assert_true(n < sizeof buf);
	tn_send_str(fd, s);
	tn_recv_n(fd, buf, n);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

/* Expects EOF (recv returning 0) within the timeout. */
static inline void tn_expect_eof(int fd)
{
	char c;
	ssize_t k;

	if (!tn_readable(fd, TN_TIMEOUT_MS))
		fail_msg("no EOF within %d ms", TN_TIMEOUT_MS);
	k = recv(fd, &c, 1, 0);
	if (k != 0)
		fail_msg("expected EOF, got %zd (%s)", k, k < 0 ? strerror(errno) : "data");
}

/* A UDP socket for family, with timeouts. */
static inline int tn_udp(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	tn_timeouts(fd);
	return fd;
}

/* One datagram to 127.0.0.1 or ::1 and its reply; returns the reply size. */
static inline size_t tn_udp_echo(int fd, int family, uint16_t port, const void *data, size_t n,
				 void *out, size_t cap)
{
	struct sockaddr_storage to = tn_addr(family, port), from;
	socklen_t flen = sizeof from;
	ssize_t k;

	k = sendto(fd, data, n, 0, (struct sockaddr *)&to, addr_len((struct sockaddr *)&to));
	if (k != (ssize_t)n)
		fail_msg("sendto: %s", k < 0 ? strerror(errno) : "short");
	if (!tn_readable(fd, TN_TIMEOUT_MS))
		fail_msg("no UDP reply within %d ms", TN_TIMEOUT_MS);
	k = recvfrom(fd, out, cap, MSG_TRUNC, (struct sockaddr *)&from, &flen);
	if (k < 0)
		fail_msg("recvfrom: %s", strerror(errno));
	/* The reply comes from the address we sent to. */
	assert_int_equal(addr_port((struct sockaddr *)&from), port);
	return (size_t)k;
}

/* The host of a sockaddr as text. */
static inline const char *tn_host(const struct sockaddr_storage *ss)
{
	static char buf[4][ADDR_TEXT_MAX];
	static int i;

	i = (i + 1) % 4;
	addr_host((const struct sockaddr *)ss, buf[i], sizeof buf[i]);
	return buf[i];
}

#endif
