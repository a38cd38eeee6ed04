/*
 * test_accept_queue: the accept queue depth that server_stats reads from
 * TCP_INFO on the listening socket. In sequential mode, while one client
 * is served the others wait in the kernel's backlog: the queue grows with
 * each of them, against the backlog given to listen(), and shrinks as
 * each is accepted in turn. A concurrent server keeps it empty; UDP has
 * none. IPv4 and ::1, and dual2's two sockets summed. The ACCEPT of a
 * connection that waited in the queue says how long it waited.
 */
#include "integration/testnet.h"

/* Waits (bounded) until the server's accept queue holds want. */
static void wait_queue(struct tn *t, struct server *srv, uint32_t want)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;
	struct server_stats st;

	for (;;) {
		server_stats(srv, &st);
		assert_true(st.has_accept_queue);
		if (st.accept_queue == want)
			return;
		if (tn_now_ms() > end)
			fail_msg("accept queue %u, waited for %u", st.accept_queue, want);
		tn_pump(t, 10);
	}
}

static void sequential_queue(const char *spec_text, int family, int nsock)
{
	struct spec s = tn_spec(spec_text);
	struct server_stats st;
	struct server *srv;
	struct tn t;
	int a, w[3];
	char buf[16];

	s.sequential = true;
	s.backlog = 5;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	assert_int_equal(server_nsockets(srv), nsock);
	server_stats(srv, &st);
	assert_true(st.has_accept_queue);
	assert_int_equal(st.accept_queue, 0);
	assert_int_equal(st.accept_backlog, 5u * (unsigned)nsock);
	/* The first client is accepted and served. */
	a = tn_connect(family, server_port(srv));
	tn_exchange(a, "a\n", "eco: a\n");
	wait_queue(&t, srv, 0);
	/* Each next one waits in the backlog. */
	for (int i = 0; i < 3; i++) {
		w[i] = tn_connect(family, server_port(srv));
		tn_send_str(w[i], "w\n");
		wait_queue(&t, srv, (uint32_t)i + 1);
	}
	assert_int_equal(tn_count(&t, EV_ACCEPT), 1);
	server_stats(srv, &st);
	assert_int_equal(st.conns_now, 1);
	/* As each one ahead leaves, the next is accepted: the queue shrinks. */
	close(a);
	for (int i = 0; i < 3; i++) {
		tn_recv_n(w[i], buf, 7);
		assert_memory_equal(buf, "eco: w\n", 7);
		wait_queue(&t, srv, 2u - (uint32_t)i);
		close(w[i]);
	}
	tn_wait_count(&t, EV_ACCEPT, 4);
	server_stop(srv);
	tn_free(&t);
}

static void test_sequential_ipv4(void **state)
{
	(void)state;
	sequential_queue("tcp:echo:ipv4:0", AF_INET, 1);
}

static void test_sequential_ipv6(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	sequential_queue("tcp:echo:ipv6:0", AF_INET6, 1);
}

/* Two sockets: clients waiting on either one count. */
static void test_sequential_dual2(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	sequential_queue("tcp:echo:dual2:0@::1", AF_INET6, 2);
}

static void test_concurrent_stays_empty(void **state)
{
	struct server *srv;
	struct server_stats st;
	struct tn t;
	int fd[4];

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	for (int i = 0; i < 4; i++)
		fd[i] = tn_connect(AF_INET, server_port(srv));
	/* Every one is accepted at once, so none waits. */
	tn_wait_count(&t, EV_ACCEPT, 4);
	server_stats(srv, &st);
	assert_true(st.has_accept_queue);
	assert_int_equal(st.accept_queue, 0);
	assert_int_equal(st.accept_backlog, (uint32_t)spec_backlog(server_spec(srv)));
	for (int i = 0; i < 4; i++)
		close(fd[i]);
	server_stop(srv);
	tn_free(&t);
}

static void test_accept_wait_recorded(void **state)
{
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	int a, b;
	int64_t t0, waited;

	(void)state;
	s.sequential = true;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	a = tn_connect(AF_INET, server_port(srv));
	tn_exchange(a, "a\n", "eco: a\n");
	e = tn_wait_peer(&t, EV_ACCEPT, tn_local_port(a));
	/* Accepted at once: it waited less than a moment. */
	assert_true(e->accept_wait_ms >= 0 && e->accept_wait_ms < 200);
	b = tn_connect(AF_INET, server_port(srv));
	t0 = tn_now_ms();
	wait_queue(&t, srv, 1);
	poll(NULL, 0, 300); /* a measuring window: b waits in the queue */
	close(a);
	tn_exchange(b, "b\n", "eco: b\n");
	waited = tn_now_ms() - t0;
	e = tn_wait_peer(&t, EV_ACCEPT, tn_local_port(b));
	/* At least the window (less a clock tick), at most all we waited. */
	if (e->accept_wait_ms < 290 || e->accept_wait_ms > waited + 20)
		fail_msg("accept_wait_ms %d, the client waited %lld ms", e->accept_wait_ms,
			 (long long)waited);
	close(b);
	server_stop(srv);
	tn_free(&t);
}

/* A full accept queue drops connections, and the namespace's counters
 * (what the lab shows per second) say so. The counters only grow, so other
 * work in this namespace cannot make this fail. */
static void test_listen_drops_counted(void **state)
{
	struct sockaddr_storage ss = tn_addr(AF_INET, 0);
	socklen_t len = sizeof(struct sockaddr_in);
	uint64_t o0, d0, o1 = 0, d1 = 0;
	int l, c[8];
	int64_t end;

	(void)state;
	if (server_listen_drops(&o0, &d0) < 0)
		skip();
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(l, 0), 0); /* room for one: the rest overflow */
	assert_int_equal(getsockname(l, (struct sockaddr *)&ss, &len), 0);
	for (int i = 0; i < 8; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		connect(c[i], (struct sockaddr *)&ss, len);
	}
	end = tn_now_ms() + TN_TIMEOUT_MS;
	do {
		assert_int_equal(server_listen_drops(&o1, &d1), 0);
		if (tn_now_ms() > end)
			fail_msg("ListenOverflows stayed at %llu", (unsigned long long)o1);
		poll(NULL, 0, 10);
	} while (o1 == o0);
	assert_true(o1 > o0);
	assert_true(d1 >= d0 + (o1 - o0)); /* every overflow is also a drop */
	for (int i = 0; i < 8; i++)
		close(c[i]);
	close(l);
}

static void test_udp_has_none(void **state)
{
	struct server *srv;
	struct server_stats st;
	struct tn t;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "udp:echo:ipv4:0");
	memset(&st, 0xa5, sizeof st);
	server_stats(srv, &st);
	assert_false(st.has_accept_queue);
	assert_int_equal(st.accept_queue, 0);
	assert_int_equal(st.accept_backlog, 0);
	server_stop(srv);
	tn_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sequential_ipv4),
	    cmocka_unit_test(test_sequential_ipv6),
	    cmocka_unit_test(test_sequential_dual2),
	    cmocka_unit_test(test_concurrent_stays_empty),
	    cmocka_unit_test(test_udp_has_none),
	    cmocka_unit_test(test_accept_wait_recorded),
	    cmocka_unit_test(test_listen_drops_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
