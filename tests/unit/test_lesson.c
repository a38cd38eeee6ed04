/*
 * test_lesson: the lesson format (every shipped lesson parses, in English
 * and Spanish; a bad file gets its line and cause) and the checks replayed
 * on recorded event sequences, each with the sequence that must not tick.
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
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "socklab/lesson.h"
#include "socklab/packet.h"

static struct lesson L; /* big: not on the stack */

static void test_builtin_lessons_parse(void **state)
{
	static const char *const want[] = {"0", "1", "1.b", "2", "3", "4", "5", "6"};
	char err[LESSON_ERR_MAX];

	(void)state;
	assert_int_equal(lesson_builtin_count, 8);
	for (size_t i = 0; i < lesson_builtin_count; i++) {
		size_t len;
		const char *t = lesson_builtin(want[i], &len);

		assert_string_equal(lesson_builtin_ids[i], want[i]);
		assert_non_null(t);
		if (lesson_parse(t, len, &L, err, sizeof err) != 0)
			fail_msg("lesson %s: %s", want[i], err);
		assert_string_equal(L.id, want[i]);
		assert_true(L.nserve >= 1);
		assert_true(L.nstep >= 1);
		assert_true(L.step[0].ntry >= 1);
		assert_true(L.step[0].ncheck >= 1);
		/* English and Spanish everywhere, never one for the other. */
		assert_int_equal(L.title.n, 2);
		assert_string_not_equal(lesson_label_in(&L.title, "es"),
					lesson_label_in(&L.title, "en"));
		for (int s = 0; s < L.nstep; s++) {
			assert_int_equal(L.step[s].text.n, 2);
			for (int c = 0; c < L.step[s].ncheck; c++)
				assert_int_equal(L.step[s].check[c].label.n, 2);
		}
	}
	assert_null(lesson_builtin("7", NULL));
	assert_non_null(strstr(lesson_label_in(&L.title, "es"), "flujo"));
	assert_string_equal(lesson_label_in(&L.title, "fr"), lesson_label_in(&L.title, "en"));
}

static void expect_error(const char *text, const char *want)
{
	char err[LESSON_ERR_MAX];

	if (lesson_parse(text, strlen(text), &L, err, sizeof err) == 0)
		fail_msg("parsed, wanted \"%s\":\n%s", want, text);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\", wanted \"%s\"", err, want);
	assert_int_equal(L.nstep, 0); /* nothing half-made is left */
}

#define HEAD "socklab-lesson 1\nid x\ntitle.en T\n"
#define STEP "step\ntext.en Words.\n"

static void test_errors_name_line_and_cause(void **state)
{
	(void)state;
	expect_error("", "line 1: empty: a lesson starts with");
	expect_error("id x\n", "line 1: a lesson starts with: socklab-lesson 1");
	expect_error("socklab-lesson 2\n", "line 1: format version '2'");
	expect_error("# c\n\nsocklab-lesson 1\nid x\nsparkle on\n",
		     "line 5: unknown directive 'sparkle'");
	expect_error(HEAD "serve tcp:echo:ipv9:0\n", "line 4: serve: unknown family 'ipv9'");
	expect_error(HEAD STEP "check sparkles\n", "line 6: unknown check 'sparkles'");
	expect_error(HEAD STEP "label.en alone\n", "line 6: a label follows the check");
	expect_error(HEAD STEP "check peer-fields 3\nlabel.en x\n", "line 6: peer-fields takes 2");
	expect_error(HEAD STEP "check reply-line\n", "line 6: reply-line needs the line");
	expect_error(HEAD STEP "check peer-closed now\n",
		     "line 6: check 'peer-closed' takes no argument");
	expect_error(HEAD STEP "check event\n", "line 6: check event needs a filter");
	expect_error(HEAD STEP "check event where colour=red\n",
		     "line 6: check filter: unknown filter key 'colour'");
	expect_error(HEAD STEP "check peer-closed\n", "line 7: check 1 of step 1 has no label");
	expect_error(HEAD "text.en early\n", "line 4: 'text' belongs to a step");
	expect_error(HEAD STEP "text Words\n", "line 6: text needs a language");
	expect_error(HEAD STEP "text.e1 x\n", "line 6: 'e1' is not a language code");
	expect_error(HEAD STEP "try\n", "line 6: 'try' needs a command");
	expect_error(HEAD STEP "serve tcp:echo:ipv4:0\n",
		     "line 6: serve comes before the first step");
	expect_error(HEAD "title.en Again\n", "line 4: a second 'en' line");
	expect_error(HEAD "id y\n", "line 4: a second id");
	expect_error("socklab-lesson 1\nid a/b\n", "line 2: id 'a/b' is not");
	expect_error(HEAD STEP "text.en bell\a\n", "line 6: control byte 0x07");
	expect_error(HEAD STEP "text.en esc\x1b[2J\n", "line 6: control byte 0x1b");
	expect_error(HEAD STEP "text.en bad \xc3\x28\n", "line 6: not UTF-8 (byte 0xc3)");
	expect_error(HEAD STEP "text.en c1 \xc2\x9b\n", "line 6: not UTF-8");
	expect_error("socklab-lesson 1\ntitle.en T\nstep\ntext.en x\n",
		     "line 5: the lesson has no id");
	expect_error("socklab-lesson 1\nid x\nstep\ntext.en x\n",
		     "line 5: the lesson has no title");
	expect_error(HEAD, "line 4: the lesson has no step");
	expect_error(HEAD "step\ntry x\n", "line 6: step 1 has no text");
	{
		char big[LESSON_LINE_MAX + 64];

		snprintf(big, sizeof big, HEAD STEP "text.en %0*d\n", LESSON_LINE_MAX, 0);
		expect_error(big, "line 6: longer than 1024 bytes");
	}
	{
		char err[LESSON_ERR_MAX];
		const char *ok =
		    "socklab-lesson 1\r\nid x\r\ntitle.en T\r\ntitle.es Te\r\nstep\r\n"
		    "text.en One.\r\ntext.en Two.\r\ntext.es Uno.\r\n  # indented comment\r\n"
		    "check reply-line eco: hola where port={port1} kind=send\r\n"
		    "label.en got it\r\n";

		assert_int_equal(lesson_parse(ok, strlen(ok), &L, err, sizeof err), 0);
		assert_string_equal(lesson_text_in(&L.step[0].text, "en"), "One.\nTwo.");
		assert_string_equal(lesson_text_in(&L.step[0].text, "es"), "Uno.");
		assert_string_equal(L.step[0].check[0].arg, "eco: hola");
		assert_string_equal(L.step[0].check[0].where_text, "port={port1} kind=send");
	}
}

static void test_expand(void **state)
{
	uint16_t ports[LESSON_SERVE_MAX] = {9101, 0, 40000, 0};
	char out[160];

	(void)state;
	lesson_expand("/connect 127.0.0.1 {port1} {port3} {port2} {port9} {port", ports, out,
		      sizeof out);
	assert_string_equal(out, "/connect 127.0.0.1 9101 40000 {port2} {port9} {port");
	assert_int_equal(lesson_expand("{port1}{port1}", ports, out, 6), 5);
	assert_string_equal(out, "91019");
	{
		const char *hosts[LESSON_SERVE_MAX] = {"198.51.100.1", NULL, "2001:db8::a", NULL};

		lesson_expand_run("printf 'x\\n' | {b}socklab client {host1} {port1} {host2} "
				  "[{host3}]:{port3} {b",
				  ports, hosts, "socklab sandbox exec b ", out, sizeof out);
		assert_string_equal(out, "printf 'x\\n' | socklab sandbox exec b socklab client "
					 "198.51.100.1 9101 {host2} [2001:db8::a]:40000 {b");
		lesson_expand_run("{b}socklab client {host1} {port1}", ports, hosts, "", out,
				  sizeof out);
		assert_string_equal(out, "socklab client 198.51.100.1 9101");
		/* Without hosts and b (a try line): only the ports. */
		lesson_expand_run("{b}{host1}{port1}", ports, NULL, NULL, out, sizeof out);
		assert_string_equal(out, "{b}{host1}9101");
		assert_int_equal(lesson_expand_run("{b}x", ports, hosts, "socklab sandbox", out, 8),
				 7);
		assert_string_equal(out, "socklab");
	}
}

/* ---- recorded event sequences ---- */

static void ev_at(struct event *ev, enum event_kind k, unsigned server, uint64_t conn,
		  uint16_t port, const char *peer, uint16_t pport, const char *data)
{
	struct sockaddr_in *l4 = (struct sockaddr_in *)&ev->local;

	event_init(ev, k);
	ev->server = server;
	ev->conn = conn;
	l4->sin_family = AF_INET;
	l4->sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &l4->sin_addr);
	ev->has_local = true;
	if (peer != NULL) {
		if (strchr(peer, ':')) {
			struct sockaddr_in6 *p6 = (struct sockaddr_in6 *)&ev->peer;

			p6->sin6_family = AF_INET6;
			p6->sin6_port = htons(pport);
			inet_pton(AF_INET6, peer, &p6->sin6_addr);
		} else {
			struct sockaddr_in *p4 = (struct sockaddr_in *)&ev->peer;

			p4->sin_family = AF_INET;
			p4->sin_port = htons(pport);
			inet_pton(AF_INET, peer, &p4->sin_addr);
		}
		ev->has_peer = true;
	}
	if (data != NULL)
		event_set_data(ev, data, strlen(data));
}

/* A one-check lesson: check LINE, labelled, on port 9101. */
static void one_check(const char *check)
{
	char text[512], err[LESSON_ERR_MAX];
	uint16_t ports[LESSON_SERVE_MAX] = {9101};

	snprintf(text, sizeof text, HEAD STEP "check %s\nlabel.en it\n", check);
	if (lesson_parse(text, strlen(text), &L, err, sizeof err) != 0)
		fail_msg("%s: %s", check, err);
	assert_int_equal(lesson_bind(&L, ports, err, sizeof err), 0);
}

struct rec {
	enum event_kind kind;
	unsigned server;
	uint64_t conn;
	uint16_t port;
	const char *peer;
	uint16_t pport;
	const char *data;
	enum close_reason reason;
};

/* Replays recs; returns the index of the event that ticked, or -1. */
static int replay(const struct rec *r, size_t n)
{
	struct lesson_watch w;
	struct event ev;

	lesson_watch_init(&w, &L);
	assert_int_equal(w.total, 1);
	for (size_t i = 0; i < n; i++) {
		ev_at(&ev, r[i].kind, r[i].server, r[i].conn, r[i].port, r[i].peer, r[i].pport,
		      r[i].data);
		ev.reason = r[i].reason;
		if (lesson_watch_event(&w, &L, &ev) > 0) {
			assert_true(lesson_watch_done(&w, 0, 0));
			assert_int_equal(w.ndone, 1);
			/* Once done, it stays done and is not counted twice. */
			assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
			return (int)i;
		}
	}
	assert_false(lesson_watch_done(&w, 0, 0));
	return -1;
}
#define REPLAY(a) replay(a, sizeof a / sizeof a[0])
#define C "127.0.0.1"

static void test_two_replies_one_recv(void **state)
{
	const struct rec yes[] = {
	    {EV_ACCEPT, 1, 1, 9101, C, 5000, NULL, 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "hola\nmundo\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: hola\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: mundo\n", 0},
	};
	const struct rec no[] = {
	    /* two lines, but in two recvs */
	    {EV_RECV, 1, 1, 9101, C, 5000, "hola\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: hola\n", 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "mundo\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: mundo\n", 0},
	};
	const struct rec other_port[] = {
	    {EV_RECV, 2, 1, 9999, C, 5000, "a\nb\n", 0},
	    {EV_SEND, 2, 1, 9999, C, 5000, "eco: a\neco: b\n", 0},
	};
	const struct rec other_conn[] = {
	    /* the replies went to someone else */
	    {EV_RECV, 1, 1, 9101, C, 5000, "a\nb\n", 0},
	    {EV_SEND, 1, 2, 9101, C, 5001, "eco: x\neco: y\n", 0},
	};

	(void)state;
	one_check("two-replies-one-recv where port={port1}");
	assert_int_equal(REPLAY(yes), 3);
	assert_int_equal(REPLAY(no), -1);
	assert_int_equal(REPLAY(other_port), -1);
	assert_int_equal(REPLAY(other_conn), -1);
}

static void test_one_line_per_recv(void **state)
{
	const struct rec yes[] = {
	    {EV_RECV, 1, 1, 9101, C, 5000, "hola\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: hola\n", 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "mundo\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: mundo\n", 0},
	};
	const struct rec no[] = {
	    /* the lines came together */
	    {EV_RECV, 1, 1, 9101, C, 5000, "hola\nmundo\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: hola\neco: mundo\n", 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "x\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: x\n", 0},
	};
	const struct rec unanswered[] = {
	    {EV_RECV, 1, 1, 9101, C, 5000, "hola\n", 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "mundo\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: mundo\n", 0},
	};

	(void)state;
	one_check("one-line-per-recv");
	assert_int_equal(REPLAY(yes), 3);
	assert_int_equal(REPLAY(no), -1);
	assert_int_equal(REPLAY(unanswered), -1);
}

static void test_reply_line(void **state)
{
	const struct rec yes[] = {
	    {EV_SEND, 1, 1, 9101, C, 5000, "PONG\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "ERR\r\n", 0},
	};
	const struct rec no[] = {
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: ERR\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "ERRATA\n", 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "ERR\n", 0}, /* sent by the client, not a reply */
	};

	(void)state;
	one_check("reply-line ERR");
	assert_int_equal(REPLAY(yes), 1);
	assert_int_equal(REPLAY(no), -1);
}

static void test_dgram_back_to_sender(void **state)
{
	const struct rec yes[] = {
	    {EV_LISTEN, 1, 0, 9101, NULL, 0, NULL, 0},
	    {EV_DGRAM_IN, 1, 0, 9101, C, 6000, "hola", 0},
	    {EV_DGRAM_OUT, 1, 0, 9101, C, 6000, "hola", 0},
	};
	const struct rec no[] = {
	    /* back to another port, and different bytes */
	    {EV_DGRAM_IN, 1, 0, 9201, C, 6000, "hola", 0},
	    {EV_DGRAM_OUT, 1, 0, 9201, C, 6001, "hola", 0},
	    {EV_DGRAM_OUT, 1, 0, 9201, C, 6000, "chau", 0},
	};

	(void)state;
	one_check("dgram-back-to-sender where port={port1}");
	assert_int_equal(REPLAY(yes), 2);
	one_check("dgram-back-to-sender");
	assert_int_equal(REPLAY(no), -1);
}

static void test_peers(void **state)
{
	const struct rec v6[] = {{EV_ACCEPT, 1, 1, 9101, "::1", 7000, NULL, 0}};
	const struct rec v4[] = {{EV_ACCEPT, 1, 1, 9101, C, 7000, NULL, 0}};
	const struct rec mapped[] = {{EV_ACCEPT, 1, 1, 9101, "::ffff:127.0.0.1", 7000, NULL, 0}};
	const struct rec v4_not_accept[] = {{EV_RECV, 1, 1, 9101, C, 7000, "x\n", 0}};

	(void)state;
	one_check("peer-fields 4");
	assert_int_equal(REPLAY(v6), 0);
	assert_int_equal(REPLAY(v4), -1);
	one_check("peer-fields 2");
	assert_int_equal(REPLAY(v4), 0);
	assert_int_equal(REPLAY(v6), -1);
	one_check("peer-mapped");
	assert_int_equal(REPLAY(mapped), 0);
	assert_int_equal(REPLAY(v6), -1);
	assert_int_equal(REPLAY(v4), -1);
	one_check("peer-ipv4 where port={port1}");
	assert_int_equal(REPLAY(v4), 0);
	assert_int_equal(REPLAY(mapped), -1);
	assert_int_equal(REPLAY(v4_not_accept), -1);
}

static void test_peer_closed_and_event(void **state)
{
	const struct rec eof[] = {
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_RESET},
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_SERVER},
	    {EV_CLOSE, 1, 2, 9101, C, 5001, NULL, CLOSE_PEER_EOF},
	};
	const struct rec not_eof[] = {
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_LOCAL},
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_IDLE},
	};
	const struct rec accept_udp[] = {
	    {EV_DGRAM_IN, 1, 0, 9101, C, 5000, "x", 0},
	    {EV_ACCEPT, 1, 1, 9101, C, 5000, NULL, 0},
	};

	(void)state;
	one_check("peer-closed");
	assert_int_equal(REPLAY(eof), 2);
	assert_int_equal(REPLAY(not_eof), -1);
	one_check("event where kind=accept transport=tcp port={port1}");
	assert_int_equal(REPLAY(accept_udp), 1);
}

/* A raw IPv4 + TCP frame, 127.0.0.1 both ways, captured at time ms. */
static void packet_at(struct event *ev, uint16_t sport, uint16_t dport, uint8_t flags, long ms)
{
	uint8_t f[40] = {0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1};

	f[20] = (uint8_t)(sport >> 8), f[21] = (uint8_t)sport;
	f[22] = (uint8_t)(dport >> 8), f[23] = (uint8_t)dport;
	f[32] = 5 << 4;
	f[33] = flags;
	f[34] = 0xff, f[35] = 0xff;
	event_init(ev, EV_PACKET);
	ev->pkt.link = PACKET_LINK_RAW;
	event_set_data(ev, f, sizeof f);
	ev->time.tv_sec = 1000 + ms / 1000;
	ev->time.tv_nsec = (ms % 1000) * 1000000L;
}

static int feed_handshake(const uint8_t *flags, const uint16_t *from, const long *ms, size_t n,
			  long accept_ms, uint16_t accept_port)
{
	struct lesson_watch w;
	struct event ev;

	lesson_watch_init(&w, &L);
	for (size_t i = 0; i < n; i++) {
		packet_at(&ev, from[i], from[i] == 5000 ? 9101 : 5000, flags[i], ms[i]);
		if (lesson_watch_event(&w, &L, &ev) > 0)
			return (int)i;
	}
	/* The accept, queued after the packets, stamped accept_ms. */
	ev_at(&ev, EV_ACCEPT, 1, 1, 9101, C, accept_port, NULL);
	ev.time.tv_sec = 1000 + accept_ms / 1000;
	ev.time.tv_nsec = (accept_ms % 1000) * 1000000L;
	return lesson_watch_event(&w, &L, &ev) > 0 ? (int)n : -1;
}

static void test_handshake_before_accept(void **state)
{
	static const uint8_t three[] = {PACKET_TCP_SYN, PACKET_TCP_SYN | PACKET_TCP_ACK,
					PACKET_TCP_ACK};
	static const uint16_t from[] = {5000, 9101, 5000};
	static const long in_order[] = {10, 11, 12};

	(void)state;
	one_check("handshake-before-accept where port={port1}");
	/* The accept event reaches the queue after the packets: ticks on it. */
	assert_int_equal(feed_handshake(three, from, in_order, 3, 13, 5000), 3);
	/* The accept's time is before the final ACK's: not ticked. */
	assert_int_equal(feed_handshake(three, from, in_order, 3, 11, 5000), -1);
	/* Another client was accepted. */
	assert_int_equal(feed_handshake(three, from, in_order, 3, 13, 5001), -1);
	/* No SYN-ACK captured. */
	{
		static const uint8_t two[] = {PACKET_TCP_SYN, PACKET_TCP_ACK};
		static const uint16_t from2[] = {5000, 5000};
		static const long t2[] = {10, 12};

		assert_int_equal(feed_handshake(two, from2, t2, 2, 13, 5000), -1);
	}
	/* The accept queued first (another thread), the packets after it:
	 * the times decide, so it still ticks, on the last packet. */
	{
		struct lesson_watch w;
		struct event ev;

		lesson_watch_init(&w, &L);
		ev_at(&ev, EV_ACCEPT, 1, 1, 9101, C, 5000, NULL);
		ev.time.tv_sec = 1000, ev.time.tv_nsec = 13 * 1000000L;
		packet_at(&ev, 5000, 9101, PACKET_TCP_SYN, 10);
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		ev_at(&ev, EV_ACCEPT, 1, 1, 9101, C, 5000, NULL);
		ev.time.tv_sec = 1000, ev.time.tv_nsec = 13 * 1000000L;
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		packet_at(&ev, 9101, 5000, PACKET_TCP_SYN | PACKET_TCP_ACK, 11);
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		packet_at(&ev, 5000, 9101, PACKET_TCP_ACK, 12);
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 1);
	}
	/* The lab's usual order: the accept queued before the capture thread
	 * handed over even the SYN. It still ticks, on the ACK; and another
	 * client's handshake after that accept does not. */
	for (int other = 0; other < 2; other++) {
		struct lesson_watch w;
		struct event ev;

		lesson_watch_init(&w, &L);
		ev_at(&ev, EV_ACCEPT, 1, 1, 9101, C, 5000, NULL);
		ev.time.tv_sec = 1000, ev.time.tv_nsec = 13 * 1000000L;
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		packet_at(&ev, other ? 5002 : 5000, 9101, PACKET_TCP_SYN, 10);
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		packet_at(&ev, 9101, other ? 5002 : 5000, PACKET_TCP_SYN | PACKET_TCP_ACK, 11);
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		packet_at(&ev, other ? 5002 : 5000, 9101, PACKET_TCP_ACK, 12);
		assert_int_equal(lesson_watch_event(&w, &L, &ev), other ? 0 : 1);
	}
}

/* A socket table row: TCP, state, local and peer 127.0.0.1:port. */
static struct sockdiag_entry tw_row(int state, const char *lhost, uint16_t lport, const char *phost,
				    uint16_t pport)
{
	struct sockdiag_entry e;
	const char *host[2] = {lhost, phost};
	uint16_t port[2] = {lport, pport};
	struct sockaddr_storage *ss[2];

	memset(&e, 0, sizeof e);
	ss[0] = &e.local, ss[1] = &e.peer;
	e.protocol = IPPROTO_TCP;
	e.state = state;
	for (int i = 0; i < 2; i++) {
		if (strchr(host[i], ':')) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss[i];

			a->sin6_family = AF_INET6;
			a->sin6_port = htons(port[i]);
			inet_pton(AF_INET6, host[i], &a->sin6_addr);
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)ss[i];

			a->sin_family = AF_INET;
			a->sin_port = htons(port[i]);
			inet_pton(AF_INET, host[i], &a->sin_addr);
		}
	}
	return e;
}

/* Replays recs, then one socket table; returns how many checks it ticked,
 * -1 when an event ticked instead (it never should). */
static int replay_table(const struct rec *r, size_t n, const struct sockdiag_entry *e, size_t ne)
{
	struct lesson_watch w;
	struct event ev;
	int got;

	lesson_watch_init(&w, &L);
	assert_int_equal(w.total, 1);
	assert_int_equal(lesson_watch_needs(&w, &L), LESSON_NEEDS_SOCKETS);
	for (size_t i = 0; i < n; i++) {
		ev_at(&ev, r[i].kind, r[i].server, r[i].conn, r[i].port, r[i].peer, r[i].pport,
		      r[i].data);
		ev.reason = r[i].reason;
		if (lesson_watch_event(&w, &L, &ev) > 0)
			return -1;
	}
	got = lesson_watch_sockets(&w, &L, e, ne);
	assert_int_equal(lesson_watch_done(&w, 0, 0), got == 1);
	if (got == 1) {
		assert_int_equal(lesson_watch_needs(&w, &L), 0);
		/* Done stays done, counted once. */
		assert_int_equal(lesson_watch_sockets(&w, &L, e, ne), 0);
		assert_int_equal(w.ndone, 1);
	}
	return got;
}
#define TABLE(r, e) replay_table(r, sizeof r / sizeof r[0], e, sizeof e / sizeof e[0])

static void test_closer_time_wait(void **state)
{
	/* Section 6: the client half-closes, the server's recv() returns 0,
	 * it closes too: the client closed first, TIME_WAIT is on its side. */
	const struct rec client_first[] = {
	    {EV_ACCEPT, 1, 1, 9101, C, 5000, NULL, 0},
	    {EV_RECV, 1, 1, 9101, C, 5000, "hola\n", 0},
	    {EV_SEND, 1, 1, 9101, C, 5000, "eco: hola\n", 0},
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_PEER_EOF},
	};
	/* The hello service closes first: TIME_WAIT is the server's. */
	const struct rec server_first[] = {
	    {EV_ACCEPT, 1, 1, 9101, C, 5000, NULL, 0},
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_SERVER},
	};
	const struct rec reset[] = {
	    {EV_CLOSE, 1, 1, 9101, C, 5000, NULL, CLOSE_PEER_EOF},
	    {EV_CLOSE, 1, 2, 9101, C, 5001, NULL, CLOSE_RESET},
	};
	/* The client pane's own CLOSE (server 0) says nothing about who went
	 * first: after a /shutdown its recv() returns 0 as well. */
	const struct rec client_only[] = {
	    {EV_CLOSE, 0, 1, 5000, C, 9101, NULL, CLOSE_PEER_EOF},
	};
	const struct rec other_port[] = {
	    {EV_CLOSE, 1, 1, 9102, C, 5000, NULL, CLOSE_PEER_EOF},
	};
	const struct sockdiag_entry tw_client[] = {
	    tw_row(TCP_LISTEN, "127.0.0.1", 9101, "0.0.0.0", 0),
	    tw_row(TCP_TIME_WAIT, C, 5000, C, 9101),
	};
	const struct sockdiag_entry tw_server[] = {
	    tw_row(TCP_TIME_WAIT, C, 9101, C, 5000),
	};
	const struct sockdiag_entry not_yet[] = {
	    tw_row(TCP_FIN_WAIT2, C, 5000, C, 9101),
	    tw_row(TCP_CLOSE_WAIT, C, 9101, C, 5000),
	};
	const struct sockdiag_entry another_client[] = {
	    tw_row(TCP_TIME_WAIT, C, 5001, C, 9101),
	};

	(void)state;
	one_check("closer-time-wait where port={port1}");
	assert_int_equal(lesson_check_needs(CHECK_TIME_WAIT), LESSON_NEEDS_SOCKETS);
	assert_int_equal(TABLE(client_first, tw_client), 1);
	assert_int_equal(TABLE(client_first, tw_server), 0);
	assert_int_equal(TABLE(client_first, not_yet), 0);
	assert_int_equal(TABLE(client_first, another_client), 0);
	assert_int_equal(TABLE(server_first, tw_server), 1);
	assert_int_equal(TABLE(server_first, tw_client), 0);
	/* The last close was a reset: no TIME_WAIT is looked for. */
	assert_int_equal(TABLE(reset, tw_client), 0);
	assert_int_equal(TABLE(client_only, tw_client), 0);
	/* The filter: a server on another port does not count. */
	assert_int_equal(TABLE(other_port, tw_client), 0);
	/* No table at all, an empty one: nothing. */
	assert_int_equal(replay_table(client_first, 4, NULL, 0), 0);
	/* A dual-stack server names its IPv4 client ::ffff:127.0.0.1; the
	 * client's TIME_WAIT socket is plain IPv4. */
	{
		struct lesson_watch w;
		struct event ev;
		struct sockdiag_entry e = tw_row(TCP_TIME_WAIT, C, 5000, C, 9101);
		struct sockaddr_in6 *l6 = (struct sockaddr_in6 *)&ev.local;

		lesson_watch_init(&w, &L);
		ev_at(&ev, EV_CLOSE, 1, 1, 9101, "::ffff:127.0.0.1", 5000, NULL);
		memset(&ev.local, 0, sizeof ev.local);
		l6->sin6_family = AF_INET6;
		l6->sin6_port = htons(9101);
		inet_pton(AF_INET6, "::ffff:127.0.0.1", &l6->sin6_addr);
		ev.reason = CLOSE_PEER_EOF;
		assert_int_equal(lesson_watch_event(&w, &L, &ev), 0);
		assert_int_equal(lesson_watch_sockets(&w, &L, &e, 1), 1);
	}
	/* Other checks take no socket table. */
	one_check("peer-closed");
	{
		struct lesson_watch w;

		lesson_watch_init(&w, &L);
		assert_int_equal(lesson_watch_needs(&w, &L), 0);
		assert_int_equal(lesson_watch_sockets(&w, &L, tw_client, 2), 0);
	}
	one_check("handshake-before-accept");
	{
		struct lesson_watch w;

		lesson_watch_init(&w, &L);
		assert_int_equal(lesson_watch_needs(&w, &L), LESSON_NEEDS_PACKETS);
	}
}

static void test_python(void **state)
{
	char out[LESSON_CMD_LEN + 128];
	struct lesson_python_target t = {9101, 9101, NULL, NULL};

	(void)state;
	/* The tutorial's program as it is reaches the server. */
	lesson_python("client_tcp_ipv4.py", &t, out, sizeof out);
	assert_string_equal(out, "python3 client_tcp_ipv4.py");
	/* The server is on another port: the program's PORT is replaced. */
	t.port = 40123;
	lesson_python("client_tcp_ipv4.py", &t, out, sizeof out);
	assert_string_equal(out,
			    "python3 -c \"$(sed -e 's/\\<9101\\>/40123/' client_tcp_ipv4.py)\"");
	/* A sandbox: from host b, to host a's address. */
	t.port = 9101, t.host4 = "198.51.100.1";
	lesson_python("client_tcp_ipv4.py", &t, out, sizeof out);
	assert_string_equal(out, "socklab sandbox exec b python3 -c \"$(sed -e "
				 "'s/\"127\\.0\\.0\\.1\"/\"198.51.100.1\"/' client_tcp_ipv4.py)\"");
	t.host4 = NULL, t.host6 = "2001:db8::a";
	lesson_python("client_tcp_ipv6.py", &t, out, sizeof out);
	assert_string_equal(out, "socklab sandbox exec b python3 -c \"$(sed -e "
				 "'s/\"::1\"/\"2001:db8::a\"/' client_tcp_ipv6.py)\"");
	/* Cut to the room given, always terminated. */
	assert_int_equal(lesson_python("client_tcp_ipv6.py", &t, out, 10), 9);
	assert_string_equal(out, "socklab s");
	/* The format: a file name the shown command holds as it is. */
	expect_error(HEAD "serve tcp:echo:ipv4:9101\n" STEP "python\n", "line 7: 'python' needs");
	expect_error(HEAD "serve tcp:echo:ipv4:9101\n" STEP "python a b.py\n",
		     "line 7: python file 'a b.py' is not letters");
	expect_error(HEAD "serve tcp:echo:ipv4:9101\n" STEP "python $(rm).py\n",
		     "line 7: python file '$(rm).py'");
	expect_error(HEAD STEP "python client_tcp_ipv4.py\n",
		     "step 1 has a python line, but the lesson starts no server");
	{
		char err[LESSON_ERR_MAX];
		const char *ok =
		    HEAD "serve tcp:echo:ipv4:9101\n" STEP "python client_tcp_ipv4.py\n";

		assert_int_equal(lesson_parse(ok, strlen(ok), &L, err, sizeof err), 0);
		assert_int_equal(L.step[0].npython, 1);
		assert_string_equal(L.step[0].python[0], "client_tcp_ipv4.py");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_lessons_parse),
	    cmocka_unit_test(test_errors_name_line_and_cause),
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_two_replies_one_recv),
	    cmocka_unit_test(test_one_line_per_recv),
	    cmocka_unit_test(test_reply_line),
	    cmocka_unit_test(test_dgram_back_to_sender),
	    cmocka_unit_test(test_peers),
	    cmocka_unit_test(test_peer_closed_and_event),
	    cmocka_unit_test(test_handshake_before_accept),
	    cmocka_unit_test(test_closer_time_wait),
	    cmocka_unit_test(test_python),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
