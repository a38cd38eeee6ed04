/*
 * test_event: the bounded event queue (drops counted and reported in
 * order, the eventfd wake, many producers) and the two event formats (text
 * lines without a control byte, JSON parsed back with json_check.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>

#include "socklab/event.h"
#include "socklab/msg.h"
#include "json_check.h"

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void push_marked(struct event_queue *q, uint64_t mark, bool want_ok)
{
	struct event ev;

	event_init(&ev, EV_RECV);
	ev.conn = mark;
	assert_int_equal(event_push(q, &ev), want_ok);
}

static void pop_marked(struct event_queue *q, uint64_t mark)
{
	struct event ev;

	assert_true(event_pop(q, &ev));
	assert_int_equal(ev.kind, EV_RECV);
	assert_int_equal(ev.conn, mark);
}

static void pop_dropped(struct event_queue *q, uint64_t count)
{
	struct event ev;
	char want[EVENT_MESSAGE_MAX];

	assert_true(event_pop(q, &ev));
	assert_int_equal(ev.kind, EV_DROPPED);
	assert_int_equal(ev.count, count);
	snprintf(want, sizeof want,
		 count == 1 ? "%llu event dropped: the consumer fell behind"
			    : "%llu events dropped: the consumer fell behind",
		 (unsigned long long)count);
	assert_string_equal(ev.message, want);
}

/* Pushes marked events until one is dropped; returns how many fitted. */
static uint64_t fill(struct event_queue *q, uint64_t first)
{
	uint64_t n = 0;

	for (;;) {
		struct event ev;

		event_init(&ev, EV_RECV);
		ev.conn = first + n;
		if (!event_push(q, &ev))
			return n;
		n++;
		assert_true(n < 100000);
	}
}

static void test_queue_fifo_and_wake(void **state)
{
	struct event_queue *q = event_queue_new(64 * 1024);
	struct event ev;

	(void)state;
	assert_non_null(q);
	assert_false(readable(event_queue_fd(q)));
	assert_false(event_pop(q, &ev));
	push_marked(q, 1, true);
	assert_true(readable(event_queue_fd(q)));
	push_marked(q, 2, true);
	pop_marked(q, 1);
	pop_marked(q, 2);
	/* Drained: the pop that finds nothing clears the wake. */
	assert_false(event_pop(q, &ev));
	assert_false(readable(event_queue_fd(q)));
	/* Wraps around the ring many times in order, records of every size. */
	for (uint64_t i = 0; i < 2000; i++) {
		static const char data[EVENT_PREVIEW_MAX];

		event_init(&ev, EV_SEND);
		ev.conn = i;
		event_set_data(&ev, data, (size_t)(i * 37) % (EVENT_PREVIEW_MAX + 1));
		ev.preview[0] = (uint8_t)i;
		assert_true(event_push(q, &ev));
		push_marked(q, 100000 + i, true);
		memset(&ev, 0xa5, sizeof ev);
		assert_true(event_pop(q, &ev));
		assert_int_equal(ev.kind, EV_SEND);
		assert_int_equal(ev.conn, i);
		assert_int_equal(ev.preview_len, (i * 37) % (EVENT_PREVIEW_MAX + 1));
		if (ev.preview_len > 0)
			assert_int_equal(ev.preview[0], (uint8_t)i);
		pop_marked(q, 100000 + i);
	}
	assert_false(event_pop(q, &ev));
	push_marked(q, 7, true);
	assert_true(readable(event_queue_fd(q)));
	pop_marked(q, 7);
	assert_int_equal(event_queue_dropped(q), 0);
	event_queue_free(q);
}

static void test_queue_full_drops(void **state)
{
	struct event_queue *q = event_queue_new(0); /* the smallest ring */
	struct event ev;
	uint64_t n, n2, m;

	(void)state;
	n = fill(q, 1);
	/* Even the smallest ring holds a few events, and a full-size one. */
	assert_true(n >= 2);
	/* Full: pushing never blocks, it drops and counts. */
	push_marked(q, 9990, false);
	push_marked(q, 9991, false);
	assert_int_equal(event_queue_dropped(q), 3);
	assert_true(readable(event_queue_fd(q)));
	/* What was kept comes first, then the loss, then what followed it. */
	for (uint64_t i = 1; i <= n; i++)
		pop_marked(q, i);
	push_marked(q, 1000, true);
	pop_dropped(q, 3);
	pop_marked(q, 1000);
	assert_false(event_pop(q, &ev));
	assert_false(readable(event_queue_fd(q)));
	/* Reported once per loss; the total keeps counting. */
	n2 = fill(q, 2000);
	assert_int_equal(n2, n);
	pop_marked(q, 2000);
	push_marked(q, 3000, true);
	for (uint64_t i = 1; i < n2; i++)
		pop_marked(q, 2000 + i);
	pop_dropped(q, 1);
	pop_marked(q, 3000);
	assert_false(event_pop(q, &ev));
	assert_int_equal(event_queue_dropped(q), 4);
	/* Two losses with an event between them: each is reported where it
	 * happened, not merged ahead of the event that preceded the second. */
	n2 = fill(q, 4000);
	pop_marked(q, 4000);
	pop_marked(q, 4001);
	push_marked(q, 5000, true);
	m = fill(q, 5001);
	for (uint64_t i = 2; i < n2; i++)
		pop_marked(q, 4000 + i);
	pop_dropped(q, 1);
	pop_marked(q, 5000);
	for (uint64_t i = 0; i < m; i++)
		pop_marked(q, 5001 + i);
	pop_dropped(q, 1);
	assert_false(event_pop(q, &ev));
	assert_int_equal(event_queue_dropped(q), 6);
	/* Many separate losses (more than the queue tracks apart): every one
	 * is reported, none ahead of an event that was pushed before it. */
	{
		uint64_t reported = 0, kept = 0, last = 0, mark = 6000;

		n2 = fill(q, mark);
		mark += n2 + 1;
		for (int i = 0; i < 20; i++) {
			struct event tmp;

			assert_true(event_pop(q, &tmp));
			if (tmp.kind == EV_DROPPED) {
				reported += tmp.count;
				assert_true(event_pop(q, &tmp));
			}
			assert_int_equal(tmp.kind, EV_RECV);
			assert_true(tmp.conn > last);
			last = tmp.conn;
			kept++;
			push_marked(q, mark++, true);
			push_marked(q, mark++, false);
		}
		while (event_pop(q, &ev)) {
			if (ev.kind == EV_DROPPED) {
				reported += ev.count;
				continue;
			}
			assert_true(ev.conn > last);
			last = ev.conn;
			kept++;
		}
		assert_int_equal(reported, 21);
		assert_int_equal(kept, n2 + 20);
		assert_int_equal(event_queue_dropped(q), 6 + 21);
	}
	/* A full-size event fits in the smallest ring. */
	{
		static const char big[EVENT_PREVIEW_MAX];

		event_init(&ev, EV_DGRAM_IN);
		event_set_data(&ev, big, sizeof big);
		assert_true(event_push(q, &ev));
		assert_true(event_pop(q, &ev));
		assert_int_equal(ev.preview_len, EVENT_PREVIEW_MAX);
	}
	event_queue_free(q);
}

struct producer {
	struct event_queue *q;
	unsigned id;
	int n;
	int pushed;
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (int i = 0; i < p->n; i++) {
		struct event ev;

		event_init(&ev, EV_SEND);
		ev.server = p->id;
		ev.conn = (uint64_t)i;
		if (event_push(p->q, &ev))
			p->pushed++;
	}
	return NULL;
}

/* Pushes ev, pops it into a poisoned event and checks that every header
 * byte and the preview came back as they went in. */
static void round_trip(struct event_queue *q, const struct event *ev)
{
	struct event *out = malloc(sizeof *out);

	assert_non_null(out);
	assert_true(event_push(q, ev));
	memset(out, 0xa5, sizeof *out);
	assert_true(event_pop(q, out));
	assert_memory_equal(out, ev, offsetof(struct event, preview));
	if (ev->preview_len > 0)
		assert_memory_equal(out->preview, ev->preview, ev->preview_len);
	free(out);
}

/* A recv, a reply or a datagram (the fields from syscall on untouched) is
 * queued without them: more of them fit, and each comes back whole; an
 * event that uses any of those fields is queued and comes back whole. */
static void test_queue_short_records(void **state)
{
	const size_t cap = 64 * 1024;
	struct event_queue *q = event_queue_new(cap);
	struct event ev;
	uint64_t n = 0;

	(void)state;
	assert_non_null(q);
	for (;;) {
		event_init(&ev, EV_RECV);
		event_set_data(&ev, "0123456789abcdef0123456789abcdef0123456789abcdef", 48);
		if (!event_push(q, &ev))
			break;
		n++;
	}
	/* Bytes events may use 7/8 of the ring: at full size that is fewer. */
	assert_true(n * (offsetof(struct event, preview) + sizeof(uint32_t) + 48) > cap);
	while (event_pop(q, &ev))
		;
	event_init(&ev, EV_SEND);
	ev.server = 3;
	ev.conn = 42;
	ev.transport = TRANSPORT_TCP;
	ev.has_peer = true;
	ev.peer.ss_family = AF_INET6;
	event_set_data(&ev, "eco: hola\n", 10);
	round_trip(q, &ev);
	/* One field past the short header set: the whole header is queued. */
	ev.fd = 7;
	round_trip(q, &ev);
	event_init(&ev, EV_SYSCALL);
	snprintf(ev.syscall, sizeof ev.syscall, "recv");
	snprintf(ev.python, sizeof ev.python, "conn.recv(1024)");
	ev.ret = 10;
	round_trip(q, &ev);
	event_init(&ev, EV_WARNING);
	event_set_message(&ev, MSG_NO_MEMORY_REPLY, (size_t)4096);
	round_trip(q, &ev);
	event_queue_free(q);
}

/* Four producers against one consumer that waits on the eventfd: every
 * event is either delivered (in each producer's order) or counted as
 * dropped, and the consumer is never left asleep with events waiting. */
static void test_queue_threads(void **state)
{
	enum { NPROD = 4, PER = 20000 };
	struct event_queue *q = event_queue_new(64 * 1024);
	struct producer prod[NPROD];
	pthread_t th[NPROD];
	int64_t last[NPROD];
	uint64_t got = 0, dropped_seen = 0;
	int pushed = 0;

	(void)state;
	for (int i = 0; i < NPROD; i++) {
		prod[i] = (struct producer){q, (unsigned)i + 1, PER, 0};
		last[i] = -1;
		assert_int_equal(pthread_create(&th[i], NULL, produce, &prod[i]), 0);
	}
	while (got + dropped_seen < (uint64_t)NPROD * PER) {
		struct pollfd p = {.fd = event_queue_fd(q), .events = POLLIN};
		struct event ev;

		/* Bounded: a lost wake-up fails the test instead of hanging. */
		if (poll(&p, 1, 5000) != 1)
			fail_msg("no wake-up with %llu of %d events accounted for",
				 (unsigned long long)(got + dropped_seen), NPROD * PER);
		while (event_pop(q, &ev)) {
			if (ev.kind == EV_DROPPED) {
				assert_true(ev.count > 0);
				dropped_seen += ev.count;
				continue;
			}
			assert_int_equal(ev.kind, EV_SEND);
			assert_in_range(ev.server, 1, NPROD);
			assert_true((int64_t)ev.conn > last[ev.server - 1]);
			last[ev.server - 1] = (int64_t)ev.conn;
			got++;
		}
	}
	for (int i = 0; i < NPROD; i++) {
		pthread_join(th[i], NULL);
		pushed += prod[i].pushed;
	}
	assert_int_equal(got, (uint64_t)pushed);
	assert_int_equal(dropped_seen, event_queue_dropped(q));
	assert_int_equal(got + dropped_seen, (uint64_t)NPROD * PER);
	event_queue_free(q);
}

/* ---- formats ---- */

static void set_v4(struct sockaddr_storage *ss, const char *host, uint16_t port)
{
	struct sockaddr_in *s4 = (void *)ss;

	memset(ss, 0, sizeof *ss);
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, host, &s4->sin_addr), 1);
}

static void set_v6(struct sockaddr_storage *ss, const char *host, uint16_t port)
{
	struct sockaddr_in6 *s6 = (void *)ss;

	memset(ss, 0, sizeof *ss);
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, host, &s6->sin6_addr), 1);
}

/* Both ends of a loopback IPv4 connection: local 127.0.0.1:lport, the
 * peer 127.0.0.1:pport. */
static void loopback_ends(struct event *ev, uint16_t lport, uint16_t pport)
{
	ev->has_local = ev->has_peer = true;
	set_v4(&ev->local, "127.0.0.1", lport);
	set_v4(&ev->peer, "127.0.0.1", pport);
}

static const char *const nasty[] = {
    "hola\n",
    "\x1b[2J\x1b]0;pwned\x07",
    "\x9b"
    "31m",
    "\xc2\x9b"
    "1m",
    "a\0b\rc\bd",
    "\"quoted\" \\ back",
    "\xff\xfe\xc0\xaf\xed\xa0\x80",
    "á ñ € 😀",
    "",
};

static void assert_no_controls(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	assert_int_equal(n, strlen(s));
	for (size_t i = 0; i < n;) {
		size_t k = json_utf8_len(p + i, n - i);

		assert_true(k > 0);
		assert_false(p[i] < 0x20 || p[i] == 0x7f);
		if (k == 2)
			assert_false(p[i] == 0xc2 && p[i + 1] < 0xa0);
		i += k;
	}
}

/* Every kind, with hostile payloads and messages, in both formats: the JSON
 * is one valid object and the text line has no control byte. */
static void test_format_all_kinds(void **state)
{
	char buf[EVENT_FORMAT_MAX];

	(void)state;
	for (int k = 0; k < EV_KIND_COUNT; k++)
		for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++)
			for (int fam = 0; fam < 3; fam++) {
				struct event ev;
				size_t n, len = i == 4 ? 7 : strlen(nasty[i]);

				event_init(&ev, (enum event_kind)k);
				ev.server = 3;
				ev.conn = 17;
				ev.has_local = ev.has_peer = fam > 0;
				if (fam == 1) {
					set_v4(&ev.local, "127.0.0.1", 9101);
					set_v4(&ev.peer, "127.0.0.1", 58538);
				} else {
					set_v6(&ev.local, "::", 9401);
					set_v6(&ev.peer, "::ffff:127.0.0.1", 38574);
				}
				event_set_data(&ev, nasty[i], len);
				ev.err = k == EV_ERROR ? EADDRINUSE : 0;
				ev.ret = -1;
				ev.reason = CLOSE_RESET;
				ev.count = 5;
				ev.v6only = fam == 2 ? 0 : -1;
				snprintf(ev.syscall, sizeof ev.syscall, "bind");
				snprintf(ev.message, sizeof ev.message, "bind [::]:9401: in use");
				n = event_format_text(&ev, buf, sizeof buf);
				assert_no_controls(buf, n);
				/* Messages are ours, not the peer's, but JSON must
				 * stay valid whatever they hold. */
				memcpy(ev.message, nasty[i], len < sizeof ev.message ? len : 0);
				ev.message[len < sizeof ev.message ? len : 0] = '\0';
				n = event_format_json(&ev, buf, sizeof buf);
				assert_int_equal(n, strlen(buf));
				if (!json_valid(buf, n))
					fail_msg("invalid JSON: %s", buf);
			}
}

static void test_json_fields(void **state)
{
	char buf[EVENT_FORMAT_MAX], v[512], peer[512];
	struct event ev;
	size_t n;

	(void)state;
	event_init(&ev, EV_RECV);
	ev.time.tv_sec = 1700000000;
	ev.time.tv_nsec = 123456789;
	ev.server = 2;
	ev.conn = 9;
	ev.transport = TRANSPORT_TCP;
	ev.service = SERVICE_HELLO;
	ev.family = FAMILY_DUAL;
	ev.has_local = ev.has_peer = true;
	set_v6(&ev.local, "::", 9401);
	set_v6(&ev.peer, "::ffff:127.0.0.1", 38574);
	event_set_data(&ev, "hola\n\x1b", 6);
	n = event_format_json(&ev, buf, sizeof buf);
	assert_true(json_valid(buf, n));
	assert_true(json_get_str(buf, n, "event", v, sizeof v));
	assert_string_equal(v, "recv");
	assert_true(json_get_str(buf, n, "time", v, sizeof v));
	assert_string_equal(v, "2023-11-14T22:13:20.123Z");
	assert_true(json_get_raw(buf, n, "server", v, sizeof v));
	assert_string_equal(v, "2");
	assert_true(json_get_str(buf, n, "transport", v, sizeof v));
	assert_string_equal(v, "tcp");
	assert_true(json_get_str(buf, n, "service", v, sizeof v));
	assert_string_equal(v, "hello");
	assert_true(json_get_str(buf, n, "family", v, sizeof v));
	assert_string_equal(v, "dual");
	assert_true(json_get_raw(buf, n, "bytes", v, sizeof v));
	assert_string_equal(v, "6");
	assert_true(json_get_str(buf, n, "data", v, sizeof v));
	assert_string_equal(v, "hola\n\x1b");
	assert_true(json_get_raw(buf, n, "peer", peer, sizeof peer));
	assert_true(json_get_str(peer, strlen(peer), "addr", v, sizeof v));
	assert_string_equal(v, "::ffff:127.0.0.1");
	assert_true(json_get_str(peer, strlen(peer), "mapped_ipv4", v, sizeof v));
	assert_string_equal(v, "127.0.0.1");
	assert_true(json_get_raw(peer, strlen(peer), "port", v, sizeof v));
	assert_string_equal(v, "38574");
	assert_true(json_get_raw(peer, strlen(peer), "flowinfo", v, sizeof v));
	assert_string_equal(v, "0");
	assert_true(json_get_raw(peer, strlen(peer), "scope_id", v, sizeof v));
	assert_string_equal(v, "0");
	assert_true(json_get_raw(buf, n, "local", peer, sizeof peer));
	assert_false(json_get_raw(peer, strlen(peer), "mapped_ipv4", v, sizeof v));

	/* A listen event on an IPv6 socket carries v6only; an error carries
	 * message and errno. */
	event_init(&ev, EV_LISTEN);
	ev.has_local = true;
	set_v6(&ev.local, "::1", 9301);
	ev.v6only = 1;
	n = event_format_json(&ev, buf, sizeof buf);
	assert_true(json_valid(buf, n));
	assert_true(json_get_raw(buf, n, "v6only", v, sizeof v));
	assert_string_equal(v, "true");
	event_init(&ev, EV_ERROR);
	ev.err = EADDRINUSE;
	snprintf(ev.message, sizeof ev.message, "bind 127.0.0.1:9101: \"in use\"");
	n = event_format_json(&ev, buf, sizeof buf);
	assert_true(json_valid(buf, n));
	assert_true(json_get_raw(buf, n, "errno", v, sizeof v));
	assert_int_equal(atoi(v), EADDRINUSE);
	assert_true(json_get_str(buf, n, "message", v, sizeof v));
	assert_string_equal(v, "bind 127.0.0.1:9101: \"in use\"");
	/* A cut preview says so; the byte count stays the real one. */
	{
		static char big[EVENT_PREVIEW_MAX + 1000];

		memset(big, 0x01, sizeof big);
		event_init(&ev, EV_DGRAM_IN);
		event_set_data(&ev, big, sizeof big);
		assert_int_equal(ev.preview_len, EVENT_PREVIEW_MAX);
		ev.truncated = true;
		memset(ev.message, 0x02, sizeof ev.message - 1);
		ev.message[sizeof ev.message - 1] = '\0';
		n = event_format_json(&ev, buf, sizeof buf);
		assert_true(json_valid(buf, n));
		assert_true(json_get_raw(buf, n, "bytes", v, sizeof v));
		assert_int_equal(atoi(v), EVENT_PREVIEW_MAX + 1000);
		assert_true(json_get_raw(buf, n, "data_cut", v, sizeof v));
		assert_string_equal(v, "true");
		assert_true(json_get_raw(buf, n, "truncated", v, sizeof v));
		assert_string_equal(v, "true");
	}
}

static void test_text_lines(void **state)
{
	char buf[EVENT_FORMAT_MAX];
	struct event ev;

	(void)state;
	event_init(&ev, EV_ACCEPT);
	ev.server = 1;
	ev.has_peer = true;
	set_v6(&ev.peer, "::ffff:127.0.0.1", 38574);
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "#1 ACCEPT tcp ('::ffff:127.0.0.1', 38574, 0, 0)"));
	assert_non_null(strstr(buf, "IPv4-mapped 127.0.0.1"));
	set_v4(&ev.peer, "127.0.0.1", 58538);
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "#1 ACCEPT tcp ('127.0.0.1', 58538)"));
	assert_null(strstr(buf, "mapped"));

	event_init(&ev, EV_RECV);
	ev.server = 1;
	event_set_data(&ev, "hola\n\x1b[2J", 9);
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, " 9 B \"hola\\n\\x1b[2J\""));

	event_init(&ev, EV_CLOSE);
	ev.server = 4;
	ev.reason = CLOSE_STOP;
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "#4 CLOSE tcp server-stop"));
	/* Small buffers: cut, terminated, length right. */
	assert_int_equal(event_format_text(&ev, buf, 8), 7);
	assert_int_equal(strlen(buf), 7);
	assert_int_equal(event_format_json(&ev, buf, 8), 7);
	assert_int_equal(strlen(buf), 7);
}

static const char *recibido(const char *english)
{
	return strcmp(english, "RECV %s %s") == 0 ? "RECIBIDO %2$s por %1$s" : english;
}

/* A data line's phrase and mapped note are kept per kind for the last
 * peer: each new peer, transport, scope or translator still shows as it
 * is, never as the line before it. */
static void test_text_peer_cache(void **state)
{
	char buf[EVENT_FORMAT_MAX];
	struct event ev;

	(void)state;
	event_init(&ev, EV_RECV);
	ev.server = 2;
	ev.has_peer = true;
	event_set_data(&ev, "hola\n", 5);
	for (int round = 0; round < 2; round++) {
		set_v4(&ev.peer, "127.0.0.1", 1111);
		event_format_text(&ev, buf, sizeof buf);
		assert_non_null(strstr(buf, "#2 RECV tcp ('127.0.0.1', 1111) 5 B \"hola\\n\""));
		set_v4(&ev.peer, "127.0.0.1", 2222);
		event_format_text(&ev, buf, sizeof buf);
		assert_non_null(strstr(buf, "#2 RECV tcp ('127.0.0.1', 2222) 5 B"));
	}
	ev.transport = TRANSPORT_UDP;
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "#2 RECV udp ('127.0.0.1', 2222) 5 B"));
	ev.transport = TRANSPORT_TCP;
	set_v6(&ev.peer, "fe80::1", 9);
	((struct sockaddr_in6 *)(void *)&ev.peer)->sin6_scope_id = 2;
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "('fe80::1', 9, 0, 2)"));
	((struct sockaddr_in6 *)(void *)&ev.peer)->sin6_scope_id = 3;
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "('fe80::1', 9, 0, 3)"));
	set_v6(&ev.peer, "::ffff:127.0.0.1", 38574);
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "5 B \"hola\\n\"  "));
	assert_non_null(strstr(buf, "IPv4-mapped 127.0.0.1"));
	set_v6(&ev.peer, "::1", 38574);
	event_format_text(&ev, buf, sizeof buf);
	assert_null(strstr(buf, "mapped"));
	msg_set_translator(recibido, NULL);
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "#2 RECIBIDO ('::1', 38574, 0, 0) por tcp 5 B"));
	msg_set_translator(NULL, NULL);
	event_format_text(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "#2 RECV tcp ('::1', 38574, 0, 0) 5 B"));
	/* Small buffers cut a cached phrase as they cut any. */
	assert_int_equal(event_format_text(&ev, buf, 20), 19);
	assert_int_equal(strlen(buf), 19);
}

/* System calls as strace writes them, from the one formatter; the text
 * line pads the call so the tutorial's Python lines form a column. */
static void test_call_text(void **state)
{
	char buf[EVENT_FORMAT_MAX], want[256];
	struct event ev;

	(void)state;
	event_init_call(&ev, "socket", -1, "AF_INET6, SOCK_STREAM, 0", 5, EINVAL);
	assert_int_equal(ev.err, 0); /* kept only for a failure */
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "socket(AF_INET6, SOCK_STREAM, 0) = 5");

	event_init_call(&ev, "connect", 5, NULL, 0, 0);
	ev.has_local = ev.has_peer = true;
	set_v6(&ev.local, "::1", 40000);
	set_v6(&ev.peer, "::1", 9401);
	ev.call_addr = EVENT_CALL_PEER_ARG;
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "connect(5, ('::1', 9401, 0, 0)) = 0");

	event_init_call(&ev, "bind", 3, NULL, -1, EADDRINUSE);
	ev.has_local = true;
	set_v4(&ev.local, "127.0.0.1", 9101);
	ev.call_addr = EVENT_CALL_LOCAL_ARG;
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(
	    buf, "bind(3, ('127.0.0.1', 9101)) = -1 EADDRINUSE (Address already in use)");

	event_init_call(&ev, "accept4", 3, "...", 7, 0);
	ev.server = 1;
	loopback_ends(&ev, 9101, 58538);
	ev.call_addr = EVENT_CALL_PEER_RET;
	snprintf(ev.python, sizeof ev.python, "conn, addr = srv.accept()");
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "accept4(3, ...) = 7 ('127.0.0.1', 58538)");
	/* The line: server, call padded, the Python line. */
	event_format_text(&ev, buf, sizeof buf);
	snprintf(want, sizeof want, "#1 %-*s  conn, addr = srv.accept()", EVENT_CALL_COLUMNS,
		 "accept4(3, ...) = 7 ('127.0.0.1', 58538)");
	assert_string_equal(buf + 13, want);
	/* A narrow view's form: no time, no padding. */
	event_call_line(&ev, false, buf, sizeof buf);
	assert_string_equal(
	    buf, "#1 accept4(3, ...) = 7 ('127.0.0.1', 58538)  conn, addr = srv.accept()");
	event_format_json(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "\"syscall\":\"accept4\",\"ret\":7,\"fd\":3"));
	assert_non_null(strstr(buf, "\"python\":\"conn, addr = srv.accept()\""));

	/* A tuple that is only the connection's is not shown. */
	event_init_call(&ev, "recv", 7, "4096", 0, 0);
	loopback_ends(&ev, 9101, 58538);
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "recv(7, 4096) = 0");
	/* A client's call, without a Python line: no padding. */
	event_init_call(&ev, "shutdown", 5, "SHUT_WR", 0, 0);
	event_format_text(&ev, buf, sizeof buf);
	assert_string_equal(buf + 13, "client shutdown(5, SHUT_WR) = 0");
	/* Cut to the buffer, terminated. */
	assert_int_equal(event_call_text(&ev, buf, 9), 8);
	assert_string_equal(buf, "shutdown");
}

/* A recvmmsg or sendmmsg is its call's line, then a line per datagram it
 * moved: its index in the vector, its size, its peer. */
static void test_call_mmsg(void **state)
{
	char buf[EVENT_FORMAT_MAX], want[256];
	struct event ev;

	(void)state;
	event_init_call(&ev, "recvmmsg", 3, "64", 2, 0);
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "recvmmsg(3, 64) = 2");

	event_init_call(&ev, "recvmmsg", 3, NULL, 5, 0);
	ev.server = 2;
	ev.call_dgram = 2;
	ev.bytes = 5;
	loopback_ends(&ev, 9201, 40000);
	snprintf(ev.python, sizeof ev.python, "data, addr = s.recvfrom(4096)");
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "  [1] 5 bytes from ('127.0.0.1', 40000)");
	event_format_text(&ev, buf, sizeof buf);
	snprintf(want, sizeof want, "#2 %-*s  data, addr = s.recvfrom(4096)", EVENT_CALL_COLUMNS,
		 "  [1] 5 bytes from ('127.0.0.1', 40000)");
	assert_string_equal(buf + 13, want);
	event_format_json(&ev, buf, sizeof buf);
	assert_non_null(strstr(buf, "\"syscall\":\"recvmmsg\",\"ret\":5,\"fd\":3,\"dgram\":1"));
	assert_non_null(strstr(buf, "\"peer\":"));

	/* sendmmsg's: "to", and one byte is singular. */
	event_init_call(&ev, "sendmmsg", 3, NULL, 1, 0);
	ev.call_dgram = 1;
	ev.bytes = 1;
	ev.has_peer = true;
	set_v6(&ev.peer, "::1", 40000);
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "  [0] 1 byte to ('::1', 40000, 0, 0)");
	/* The call itself carries no "dgram". */
	event_init_call(&ev, "sendmmsg", 3, "2", -1, EACCES);
	event_format_json(&ev, buf, sizeof buf);
	assert_null(strstr(buf, "\"dgram\""));
	event_call_text(&ev, buf, sizeof buf);
	assert_string_equal(buf, "sendmmsg(3, 2) = -1 EACCES (Permission denied)");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(event_kind_name(EV_DGRAM_IN), "dgram-in");
	assert_string_equal(event_kind_name(EV_DROPPED), "dropped");
	assert_string_equal(event_kind_name(EV_KIND_COUNT), "?");
	assert_string_equal(event_close_reason_name(CLOSE_PEER_EOF), "peer-eof");
	assert_string_equal(event_close_reason_name(CLOSE_STOP), "server-stop");
	assert_string_equal(event_close_reason_name(CLOSE_OVERFLOW), "output-cap");
	assert_string_equal(event_close_reason_name(CLOSE_IDLE), "idle-timeout");
	assert_string_equal(event_close_reason_name(CLOSE_NO_THREAD), "no-thread");
	assert_string_equal(event_close_reason_name(CLOSE_REASON_COUNT), "none");
	/* Every kind and reason has its own name (the tables are complete). */
	for (int k = 0; k < EV_KIND_COUNT; k++) {
		assert_non_null(event_kind_name((enum event_kind)k));
		assert_true(event_kind_class((enum event_kind)k) != 0);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(event_kind_name((enum event_kind)k),
						event_kind_name((enum event_kind)j));
	}
	for (int r = 0; r < CLOSE_REASON_COUNT; r++) {
		assert_non_null(event_close_reason_name((enum close_reason)r));
		for (int j = 0; j < r; j++)
			assert_string_not_equal(event_close_reason_name((enum close_reason)r),
						event_close_reason_name((enum close_reason)j));
	}
	assert_int_equal(event_kind_class(EV_RECV), EVENT_CLASS_IN);
	assert_int_equal(event_kind_class(EV_DGRAM_OUT), EVENT_CLASS_OUT);
	assert_int_equal(event_kind_class(EV_DROPPED), EVENT_CLASS_WARN);
	assert_int_equal(event_kind_class(EV_KIND_COUNT), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_fifo_and_wake),
	    cmocka_unit_test(test_queue_full_drops),
	    cmocka_unit_test(test_queue_short_records),
	    cmocka_unit_test(test_queue_threads),
	    cmocka_unit_test(test_format_all_kinds),
	    cmocka_unit_test(test_json_fields),
	    cmocka_unit_test(test_text_lines),
	    cmocka_unit_test(test_text_peer_cache),
	    cmocka_unit_test(test_call_text),
	    cmocka_unit_test(test_call_mmsg),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
