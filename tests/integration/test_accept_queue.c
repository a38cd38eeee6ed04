/*
 * test_accept_queue: the accept queue depth that server_stats reads from
 * TCP_INFO on the listening socket. In sequential mode, while one client
 * is served the others wait in the kernel's backlog: the queue grows with
 * each of them, against the backlog given to listen(), and shrinks as
 * each is accepted in turn. A concurrent server keeps it empty; UDP has
 * none. IPv4 and ::1, and dual2's two sockets summed.
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
	    cmocka_unit_test(test_sequential_ipv4),  cmocka_unit_test(test_sequential_ipv6),
	    cmocka_unit_test(test_sequential_dual2), cmocka_unit_test(test_concurrent_stays_empty),
	    cmocka_unit_test(test_udp_has_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
