/*
 * test_filter: the event filter (every key, commas as OR, terms as AND,
 * IPv4-mapped peers, quoted text, each kind of bad expression with its
 * message, the canonical form read back) and the fold test behind "x1532"
 * log lines.
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

#include "socklab/addr.h"
#include "socklab/filter.h"
#include "socklab/fold.h"
#include "socklab/msg.h"

static void set_addr(struct sockaddr_storage *ss, const char *host, uint16_t port)
{
	char err[128];

	assert_int_equal(addr_parse_numeric(host, port, AF_UNSPEC, ss, err, sizeof err), 0);
}

/* A server event: local host:lport, peer phost:pport, payload text. */
static void mk(struct event *ev, enum event_kind kind, unsigned server, const char *local,
	       uint16_t lport, const char *peer, uint16_t pport, const char *data)
{
	event_init(ev, kind);
	ev->server = server;
	ev->transport = kind == EV_DGRAM_IN || kind == EV_DGRAM_OUT ? TRANSPORT_UDP : TRANSPORT_TCP;
	if (local) {
		ev->has_local = true;
		set_addr(&ev->local, local, lport);
	}
	if (peer) {
		ev->has_peer = true;
		set_addr(&ev->peer, peer, pport);
	}
	if (data)
		event_set_data(ev, data, strlen(data));
}

static struct filter parse_ok(const char *expr)
{
	struct filter f;
	char err[FILTER_ERR_MAX];

	if (filter_parse(expr, &f, err, sizeof err) != 0)
		fail_msg("'%s' refused: %s", expr, err);
	return f;
}

static bool matches(const char *expr, const struct event *ev)
{
	struct filter f = parse_ok(expr);

	return filter_match(&f, ev);
}

static void test_empty_lets_all_through(void **state)
{
	struct event ev;
	struct filter f = parse_ok("   \t ");

	(void)state;
	assert_true(filter_empty(&f));
	mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "hola\n");
	assert_true(filter_match(&f, &ev));
	event_init(&ev, EV_DROPPED);
	assert_true(filter_match(&f, &ev));
}

static void test_server_kind_transport(void **state)
{
	struct event ev;

	(void)state;
	mk(&ev, EV_RECV, 2, "127.0.0.1", 9102, "127.0.0.1", 40000, "PING\n");
	assert_true(matches("server=2", &ev));
	assert_false(matches("server=1", &ev));
	assert_true(matches("server=1,2,3", &ev));
	assert_true(matches("kind=recv", &ev));
	assert_true(matches("kind=RECV", &ev)); /* as the log shows it */
	assert_false(matches("kind=send", &ev));
	assert_true(matches("kind=send,recv", &ev));
	assert_true(matches("kind=in", &ev));
	assert_false(matches("kind=out", &ev));
	assert_true(matches("kind=data", &ev));
	assert_true(matches("transport=tcp", &ev));
	assert_false(matches("transport=udp", &ev));
	assert_true(matches("proto=TCP", &ev));
	mk(&ev, EV_DGRAM_OUT, 3, "0.0.0.0", 9201, "127.0.0.1", 40001, "hola");
	assert_true(matches("kind=out transport=udp", &ev));
	assert_true(matches("kind=dgram-out", &ev));
	assert_false(matches("kind=dgram-in", &ev));
	mk(&ev, EV_ACCEPT, 1, "127.0.0.1", 9101, "127.0.0.1", 40002, NULL);
	assert_false(matches("kind=data", &ev));
	assert_true(matches("kind=accept,close", &ev));
	/* 0 is the lab's own client. */
	mk(&ev, EV_CONNECT, 0, "127.0.0.1", 40003, "127.0.0.1", 9101, NULL);
	assert_true(matches("server=0", &ev));
	assert_false(matches("server=1", &ev));
}

static void test_peer_and_port(void **state)
{
	struct event ev;

	(void)state;
	mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "hola\n");
	assert_true(matches("peer=127.0.0.1", &ev));
	assert_false(matches("peer=127.0.0.2", &ev));
	assert_true(matches("peer=127.0.0.1:50000", &ev));
	assert_false(matches("peer=127.0.0.1:50001", &ev));
	assert_true(matches("peer=50000", &ev)); /* the peer's port alone */
	assert_false(matches("peer=9101", &ev)); /* not the local port */
	assert_true(matches("port=9101", &ev));	 /* local ... */
	assert_true(matches("port=50000", &ev)); /* ... or peer */
	assert_false(matches("port=9102", &ev));
	assert_true(matches("port=1,2,9101", &ev));
	assert_false(matches("peer=::1", &ev));
	/* The mapped form of an IPv4 peer names the same peer. */
	assert_true(matches("peer=::ffff:127.0.0.1", &ev));
	assert_true(matches("peer=[::ffff:127.0.0.1]:50000", &ev));

	/* A dual-stack server sees IPv4 peers as ::ffff:a.b.c.d. */
	mk(&ev, EV_ACCEPT, 5, "::", 9401, "::ffff:127.0.0.1", 38574, NULL);
	assert_true(matches("peer=127.0.0.1", &ev));
	assert_true(matches("peer=::ffff:127.0.0.1", &ev));
	assert_true(matches("peer=127.0.0.1:38574", &ev));
	assert_false(matches("peer=::1", &ev));

	mk(&ev, EV_RECV, 4, "::1", 9301, "::1", 35740, "x");
	assert_true(matches("peer=::1", &ev));
	assert_true(matches("peer=[::1]:35740", &ev));
	assert_false(matches("peer=[::1]:35741", &ev));
	assert_false(matches("peer=127.0.0.1", &ev));
	assert_true(matches("peer=127.0.0.1,::1", &ev));
	assert_true(matches("peer=0:0:0:0:0:0:0:1", &ev)); /* any spelling of it */

	/* An event without a peer never matches a peer term. */
	mk(&ev, EV_LISTEN, 1, "127.0.0.1", 9101, NULL, 0, NULL);
	assert_false(matches("peer=9101", &ev));
	assert_true(matches("port=9101", &ev));
}

static void test_text(void **state)
{
	struct event ev;
	static const uint8_t bin[] = {'a', 0, 0xff, '"', ' ', '\\', 'Z'};

	(void)state;
	mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "Hola Mundo\r\n");
	assert_true(matches("text=hola", &ev));
	assert_true(matches("text=MUNDO", &ev)); /* ASCII case ignored */
	assert_false(matches("text=adios", &ev));
	assert_true(matches("text=\"hola mundo\"", &ev));
	assert_true(matches("text=\"a mundo\\r\\n\"", &ev));
	assert_false(matches("text=\"mundo\\n\\r\"", &ev));
	assert_true(matches("text=o,M", &ev) == false); /* commas are text, not OR */
	mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "a,b");
	assert_true(matches("text=a,b", &ev));
	/* Any byte, escaped. */
	event_set_data(&ev, bin, sizeof bin);
	assert_true(matches("text=a\\x00\\xFF", &ev));
	assert_true(matches("text=\\\"\" \"\\\\z", &ev));
	assert_false(matches("text=a\\x01", &ev));
	/* Only the recorded bytes are searched. */
	mk(&ev, EV_RECV, 1, "127.0.0.1", 9101, "127.0.0.1", 50000, "abc");
	ev.preview_len = 2;
	assert_false(matches("text=bc", &ev));
	assert_true(matches("text=ab", &ev));
}

static void test_and_of_terms(void **state)
{
	struct event ev;

	(void)state;
	mk(&ev, EV_RECV, 2, "127.0.0.1", 9102, "127.0.0.1", 40000, "PING\n");
	assert_true(matches("server=2 kind=recv text=ping port=9102 peer=127.0.0.1", &ev));
	assert_false(matches("server=2 kind=recv text=pong", &ev));
	assert_false(matches("server=1 kind=recv text=ping", &ev));
	assert_true(matches("  server=2\tkind=recv  ", &ev));
}

static void expect_error(const char *expr, const char *want)
{
	struct filter f;
	char err[FILTER_ERR_MAX];

	memset(&f, 0xa5, sizeof f);
	if (filter_parse(expr, &f, err, sizeof err) == 0)
		fail_msg("'%s' accepted", expr);
	if (strcmp(err, want) != 0)
		fail_msg("'%s': got \"%s\", want \"%s\"", expr, err, want);
	/* A refused filter is left letting everything through. */
	assert_true(filter_empty(&f));
}

static void test_errors_say_why(void **state)
{
	char want[FILTER_ERR_MAX];
	struct filter f;
	char err[8];

	(void)state;
	expect_error("hola", "'hola' is not KEY=VALUE (keys: " MSG_FILTER_KEYS ")");
	expect_error("server=1 hola", "'hola' is not KEY=VALUE (keys: " MSG_FILTER_KEYS ")");
	expect_error("colour=red", "unknown filter key 'colour' (keys: " MSG_FILTER_KEYS ")");
	expect_error("server=x", "server 'x' is not a server number (e.g. server=2)");
	expect_error("server=-1", "server '-1' is not a server number (e.g. server=2)");
	expect_error("server=99999999999",
		     "server '99999999999' is not a server number (e.g. server=2)");
	expect_error("server=1,", "server '' is not a server number (e.g. server=2)");
	expect_error("port=65536", "port '65536' is not 0..65535");
	expect_error("port=http", "port 'http' is not 0..65535");
	expect_error("peer=localhost",
		     "peer 'localhost' is not an address, ADDR:PORT, [ADDR]:PORT or a port");
	expect_error("peer=127.0.0.1:99999",
		     "peer '127.0.0.1:99999' is not an address, ADDR:PORT, [ADDR]:PORT or a port");
	expect_error("peer=[::1",
		     "peer '[::1' is not an address, ADDR:PORT, [ADDR]:PORT or a port");
	expect_error("peer=[::1]x",
		     "peer '[::1]x' is not an address, ADDR:PORT, [ADDR]:PORT or a port");
	snprintf(want, sizeof want, MSG_FILTER_BAD_KIND, "recieve");
	expect_error("kind=recieve", want);
	expect_error("transport=sctp", "transport 'sctp' is not tcp or udp");
	expect_error("server=1 server=2",
		     "'server' given twice: list the values once, with commas (server=a,b)");
	expect_error("text=", "'text=' needs a value");
	expect_error("kind= server=1", "'kind=' needs a value");
	expect_error("text=\"hola", "unterminated quote in 'text=\"hola'");
	expect_error("text=a\\q", "bad escape in 'text=a\\\\q' (\\\\, \\\", \\n, \\r, \\t, \\xNN)");
	expect_error("text=a\\x4",
		     "bad escape in 'text=a\\\\x4' (\\\\, \\\", \\n, \\r, \\t, \\xNN)");
	snprintf(want, sizeof want, "'%s' takes at most %d values", "port", FILTER_ALT_MAX);
	expect_error("port=1,2,3,4,5,6,7,8,9", want);
	/* What a person typed is escaped before it is shown. */
	expect_error("\x1b[31m=1", "unknown filter key '\\x1b[31m' (keys: " MSG_FILTER_KEYS ")");
	/* A small error buffer still gets a terminated message. */
	assert_int_equal(filter_parse("nope", &f, err, sizeof err), -1);
	assert_int_equal(strlen(err), sizeof err - 1);
	assert_int_equal(filter_parse("nope", &f, NULL, 0), -1);
}

static void round_trip(const char *expr, const char *want)
{
	struct filter a, b;
	char out[FILTER_FORMAT_MAX], out2[FILTER_FORMAT_MAX], err[FILTER_ERR_MAX];

	a = parse_ok(expr);
	filter_format(&a, out, sizeof out);
	assert_string_equal(out, want);
	if (filter_parse(out, &b, err, sizeof err) != 0)
		fail_msg("'%s' formatted as '%s', refused: %s", expr, out, err);
	filter_format(&b, out2, sizeof out2);
	assert_string_equal(out2, out);
	assert_memory_equal(&a, &b, sizeof a);
}

static void test_format_round_trip(void **state)
{
	char small[10];
	struct filter f;

	(void)state;
	round_trip("", "");
	round_trip("text=hola   server=2,3", "server=2,3 text=\"hola\"");
	round_trip("kind=in,accept transport=UDP,tcp",
		   "kind=accept,recv,dgram-in,readline transport=tcp,udp");
	round_trip("peer=[::ffff:127.0.0.1]:80,::1,[::1]:9,5000,10.0.0.1 port=9101",
		   "peer=127.0.0.1:80,::1,[::1]:9,5000,10.0.0.1 port=9101");
	round_trip("text=\"a \\\"b\\\"\\\\ \\x00\\n\"", "text=\"a \\\"b\\\"\\\\ \\x00\\x0a\"");
	round_trip("peer=fe80::1%7", "peer=fe80::1%7");
	/* Cut at the cap, always terminated. */
	f = parse_ok("server=1 kind=recv");
	assert_int_equal(filter_format(&f, small, sizeof small), sizeof small - 1);
	assert_string_equal(small, "server=1 ");
}

/* ---- fold ---- */

static void test_fold_same(void **state)
{
	struct event a, b;

	(void)state;
	mk(&a, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "127.0.0.1", 40000, "flood");
	b = a;
	b.time.tv_sec += 5; /* time is not compared */
	b.conn = 77;
	assert_true(fold_same(&a, &b));
	/* Each part that is compared, changed alone, stops the fold. */
	mk(&b, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "127.0.0.1", 40001, "flood");
	assert_false(fold_same(&a, &b)); /* another sender port */
	mk(&b, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "127.0.0.2", 40000, "flood");
	assert_false(fold_same(&a, &b));
	mk(&b, EV_DGRAM_IN, 4, "0.0.0.0", 9201, "127.0.0.1", 40000, "flood");
	assert_false(fold_same(&a, &b));
	mk(&b, EV_DGRAM_OUT, 3, "0.0.0.0", 9201, "127.0.0.1", 40000, "flood");
	assert_false(fold_same(&a, &b));
	mk(&b, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "127.0.0.1", 40000, "flooD");
	assert_false(fold_same(&a, &b));
	mk(&b, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "127.0.0.1", 40000, "flood");
	b.bytes = 6000; /* same recorded bytes, another real size */
	assert_false(fold_same(&a, &b));
	mk(&b, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "::ffff:127.0.0.1", 40000, "flood");
	assert_false(fold_same(&a, &b)); /* the raw peer differs, as the log shows it */
	mk(&b, EV_DGRAM_IN, 3, "0.0.0.0", 9201, "127.0.0.1", 40000, "flood");
	snprintf(b.message, sizeof b.message, "something else");
	assert_false(fold_same(&a, &b));
	/* Losses never fold: each says how many it lost. */
	event_init(&a, EV_DROPPED);
	b = a;
	assert_false(fold_same(&a, &b));
	/* IPv6 peers: flowinfo and scope are part of the peer. */
	mk(&a, EV_RECV, 4, "::1", 9301, "::1", 35740, "x");
	b = a;
	assert_true(fold_same(&a, &b));
	((struct sockaddr_in6 *)&b.peer)->sin6_scope_id = 1;
	assert_false(fold_same(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_lets_all_through),
	    cmocka_unit_test(test_server_kind_transport),
	    cmocka_unit_test(test_peer_and_port),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_and_of_terms),
	    cmocka_unit_test(test_errors_say_why),
	    cmocka_unit_test(test_format_round_trip),
	    cmocka_unit_test(test_fold_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
