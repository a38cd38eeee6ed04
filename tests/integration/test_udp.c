/*
 * test_udp: replies from the right address, and failed replies said.
 * A UDP server on a wildcard address (0.0.0.0, dual, ::) answers each
 * datagram from the address it was sent to, so a connected client aiming
 * at 127.0.0.5 (loopback, but not 127.0.0.1) gets its echo, and the events
 * name that address as the local end. A reply that fails (the EACCES
 * seam) is reported with its errno and its peer, and the datagrams around
 * it in the same batch are still echoed.
 */
#include "testnet.h"

/* A client connect()ed to host:port (so it takes replies only from
 * there) sends text and must get it back; returns its local port. */
static uint16_t connected_echo(int family, const char *host, uint16_t port, const char *text)
{
	struct sockaddr_storage to;
	char err[128], buf[64];
	int fd = tn_udp(family);
	ssize_t k;
	uint16_t me;

	assert_int_equal(addr_parse_numeric(host, port, family, &to, err, sizeof err), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&to, addr_len((struct sockaddr *)&to)), 0);
	assert_int_equal(send(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	if (!tn_readable(fd, TN_TIMEOUT_MS))
		fail_msg("no echo from %s port %u: the reply came from another address", host,
			 port);
	k = recv(fd, buf, sizeof buf, 0);
	if (k < 0)
		fail_msg("recv: %s", strerror(errno));
	assert_int_equal(k, strlen(text));
	assert_memory_equal(buf, text, (size_t)k);
	me = tn_local_port(fd);
	close(fd);
	return me;
}

/* The DGRAM_IN and DGRAM_OUT of the client on port me name want (and the
 * server's port) as the local end, and the text line shows it. */
static void local_is(struct tn *t, uint16_t me, const char *want, uint16_t port)
{
	enum event_kind kinds[] = {EV_DGRAM_IN, EV_DGRAM_OUT};

	for (int k = 0; k < 2; k++) {
		const struct tn_ev *e = tn_wait_peer(t, kinds[k], me);

		assert_true(e->has_local);
		assert_string_equal(tn_host(&e->local), want);
		assert_int_equal(addr_port((const void *)&e->local), port);
	}
}

static void test_wildcard_ipv4_answers_from_127_0_0_5(void **state)
{
	struct server *srv;
	struct tn t;
	uint16_t me;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "udp:echo:ipv4:0@0.0.0.0");
	me = connected_echo(AF_INET, "127.0.0.5", server_port(srv), "hola");
	local_is(&t, me, "127.0.0.5", server_port(srv));
	/* 127.0.0.1 still works, and is named as such. */
	me = connected_echo(AF_INET, "127.0.0.1", server_port(srv), "uno");
	local_is(&t, me, "127.0.0.1", server_port(srv));
	server_stop(srv);
	tn_free(&t);
}

static void test_wildcard_dual_answers_from_127_0_0_5(void **state)
{
	struct server *srv;
	struct tn t;
	uint16_t me;

	(void)state;
	TN_NEED_IPV6();
	tn_init(&t);
	srv = tn_start(&t, "udp:echo:dual:0");
	/* An IPv4 client of the dual socket: the destination comes back
	 * IPv4-mapped, and the reply leaves from it as plain IPv4. */
	me = connected_echo(AF_INET, "127.0.0.5", server_port(srv), "hola dual");
	local_is(&t, me, "::ffff:127.0.0.5", server_port(srv));
	me = connected_echo(AF_INET6, "::1", server_port(srv), "hola v6");
	local_is(&t, me, "::1", server_port(srv));
	server_stop(srv);
	tn_free(&t);
}

static void test_text_line_names_local(void **state)
{
	struct event ev;
	struct sockaddr_in *l = (void *)&ev.local;
	char buf[EVENT_FORMAT_MAX];

	(void)state;
	event_init(&ev, EV_DGRAM_IN);
	ev.server = 1;
	ev.transport = TRANSPORT_UDP;
	ev.has_local = ev.local_dst = true;
	l->sin_family = AF_INET;
	l->sin_port = htons(9201);
	inet_pton(AF_INET, "127.0.0.5", &l->sin_addr);
	event_set_data(&ev, "x", 1);
	event_format_text(&ev, buf, sizeof buf);
	if (strstr(buf, " to 127.0.0.5:9201 1 B") == NULL)
		fail_msg("'%s'", buf);
	ev.kind = EV_DGRAM_OUT;
	event_format_text(&ev, buf, sizeof buf);
	if (strstr(buf, " from 127.0.0.5:9201 1 B") == NULL)
		fail_msg("'%s'", buf);
}

static void test_failed_reply_spares_the_batch(void **state)
{
	struct spec s = tn_spec("udp:echo:ipv4:0");
	struct server_options opt = {.faults = SERVER_FAULT_REPLY_EACCES};
	struct sockaddr_storage to;
	struct server *srv;
	struct tn t;
	int fd, warned = 0, echoed = 0;
	uint16_t me;
	char buf[64];
	const int rounds = 16;

	(void)state;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, &opt);
	to = tn_addr(AF_INET, server_port(srv));
	fd = tn_udp(AF_INET);
	assert_int_equal(connect(fd, (struct sockaddr *)&to, sizeof(struct sockaddr_in)), 0);
	me = 0;
	/* Back to back, so that batches hold a failing reply between others. */
	for (int i = 0; i < rounds; i++) {
		char msg[16];

		snprintf(msg, sizeof msg, "ok%d", i);
		assert_true(send(fd, msg, strlen(msg), 0) > 0);
		assert_int_equal(send(fd, "fail", 4, 0), 4);
	}
	me = tn_local_port(fd);
	/* Every other datagram comes back, in order. */
	for (int i = 0; i < rounds; i++) {
		char want[16];
		ssize_t k;

		snprintf(want, sizeof want, "ok%d", i);
		if (!tn_readable(fd, TN_TIMEOUT_MS))
			fail_msg("echo %d of %d missing", i, rounds);
		k = recv(fd, buf, sizeof buf, 0);
		assert_int_equal(k, strlen(want));
		assert_memory_equal(buf, want, (size_t)k);
		echoed++;
	}
	assert_false(tn_readable(fd, 50)); /* and no echo of "fail" */
	/* Each failure is a warning with the real errno and the peer. */
	tn_wait_count(&t, EV_WARNING, rounds);
	for (size_t i = 0; i < t.n; i++) {
		const struct tn_ev *e = &t.ev[i];

		if (e->kind != EV_WARNING)
			continue;
		assert_int_equal(e->err, EACCES);
		assert_true(e->has_peer);
		assert_int_equal(addr_port((const void *)&e->peer), me);
		assert_string_equal(tn_host(&e->peer), "127.0.0.1");
		if (strstr(e->message, "reply not sent: Permission denied") == NULL)
			fail_msg("warning '%s'", e->message);
		warned++;
	}
	assert_int_equal(warned, rounds);
	assert_int_equal(echoed, rounds);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wildcard_ipv4_answers_from_127_0_0_5),
	    cmocka_unit_test(test_wildcard_dual_answers_from_127_0_0_5),
	    cmocka_unit_test(test_text_line_names_local),
	    cmocka_unit_test(test_failed_reply_spares_the_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
