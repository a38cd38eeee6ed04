/*
 * session: the client conversation the lab's client pane and `socklab
 * client` share, against real servers on 127.0.0.1 and ::1.
 */
#include "testnet.h"

#include "socklab/client.h"
#include "socklab/session.h"

/* Connects a session to 127.0.0.1:port through the dialer, as the lab does. */
static void tcp_session(struct session *s, uint16_t port)
{
	char portstr[8], err[CLIENT_ERR_MAX];
	struct addrinfo *res;
	int fd;

	snprintf(portstr, sizeof portstr, "%u", port);
	assert_int_equal(client_resolve("127.0.0.1", portstr, AF_INET, SOCK_STREAM, false, &res,
					err, sizeof err),
			 0);
	fd = client_dial(res, TN_TIMEOUT_MS, NULL, NULL, NULL, err, sizeof err);
	freeaddrinfo(res);
	assert_true(fd >= 0);
	session_adopt(s, fd);
}

/* Flushes until nothing is queued, bounded. */
static void flush_all(struct session *s, bool *shut)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;
	bool now = false;

	*shut = false;
	while (session_want_write(s)) {
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};

		assert_true(tn_now_ms() < end);
		poll(&p, 1, 100);
		assert_int_equal(session_flush(s, &now), 0);
		*shut = *shut || now;
	}
}

/* Reads until EOF, bounded. */
static size_t read_to_eof(struct session *s, char *out, size_t cap)
{
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;
	size_t got = 0;

	for (;;) {
		struct pollfd p = {.fd = s->fd, .events = POLLIN};
		int e = 0;
		ssize_t n;

		assert_true(tn_now_ms() < end);
		poll(&p, 1, 100);
		n = session_read(s, out + got, cap - got - 1, NULL, &e);
		if (n == 0)
			break;
		if (n < 0) {
			assert_int_equal(e, EAGAIN);
			continue;
		}
		got += (size_t)n;
	}
	out[got] = '\0';
	return got;
}

/* Lines queued before the connection exists go out first; the half-close
 * waits for them and the echo server's replies still arrive after it. */
static void test_tcp_queue_then_shutdown(void **state)
{
	struct tn t;
	struct server *srv;
	struct session s;
	char buf[256];
	bool shut;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	session_init(&s, 1024);
	assert_int_equal(session_write(&s, "hola\n", 5), 0);
	session_shutdown(&s);
	assert_int_equal(session_write(&s, "late\n", 5), ESHUTDOWN);
	tcp_session(&s, server_port(srv));
	assert_string_equal(tn_host(&s.peer), "127.0.0.1");
	flush_all(&s, &shut);
	assert_true(shut);
	assert_true(s.shut_wr);
	read_to_eof(&s, buf, sizeof buf);
	assert_string_equal(buf, "eco: hola\n");
	session_free(&s);
	server_stop(srv);
	tn_free(&t);
}

/* The queue is bounded: past out_max a write is refused, not grown. */
static void test_tcp_queue_bound(void **state)
{
	struct session s;
	char block[600];

	(void)state;
	memset(block, 'x', sizeof block);
	session_init(&s, 1000);
	assert_int_equal(session_write(&s, block, sizeof block), 0);
	assert_int_equal(session_write(&s, block, sizeof block), ENOBUFS);
	{
		size_t n;

		session_pending(&s, &n);
		assert_int_equal(n, sizeof block);
	}
	session_drop_pending(&s);
	assert_int_equal(session_write(&s, block, sizeof block), 0);
	session_free(&s);
}

/* UDP over both families: one datagram out, its echo back with the
 * sender's address. */
static void udp_roundtrip(int family, const char *spec)
{
	struct tn t;
	struct server *srv;
	struct session s;
	struct sockaddr_storage to, from;
	char buf[64];
	int e = 0;
	ssize_t n = -1;
	int64_t end;

	tn_init(&t);
	srv = tn_start(&t, spec);
	to = tn_addr(family, server_port(srv));
	session_init(&s, 1024);
	assert_int_equal(session_open_udp(&s, (struct sockaddr *)&to,
					  family == AF_INET ? sizeof(struct sockaddr_in)
							    : sizeof(struct sockaddr_in6),
					  false),
			 0);
	assert_int_equal(session_send_dgram(&s, "ping", 4), 0);
	end = tn_now_ms() + TN_TIMEOUT_MS;
	while (n < 0 && tn_now_ms() < end) {
		struct pollfd p = {.fd = s.fd, .events = POLLIN};

		poll(&p, 1, 100);
		n = session_read(&s, buf, sizeof buf, &from, &e);
	}
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(addr_port((struct sockaddr *)&from), server_port(srv));
	session_free(&s);
	server_stop(srv);
	tn_free(&t);
}

static void test_udp_ipv4(void **state)
{
	(void)state;
	udp_roundtrip(AF_INET, "udp:echo:ipv4:0");
}

static void test_udp_ipv6(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	udp_roundtrip(AF_INET6, "udp:echo:ipv6:0");
}

/* A connected UDP session hears the ICMP port unreachable. */
static void test_udp_connected_refused(void **state)
{
	struct session s;
	struct sockaddr_storage to;
	char buf[16];
	int e = 0, fd;
	uint16_t port;
	ssize_t n = -1;
	int64_t end = tn_now_ms() + TN_TIMEOUT_MS;

	(void)state;
	/* A port nobody listens on: bind one, note it, close it. */
	fd = tn_udp(AF_INET);
	to = tn_addr(AF_INET, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&to, sizeof(struct sockaddr_in)), 0);
	port = tn_local_port(fd);
	close(fd);
	to = tn_addr(AF_INET, port);
	session_init(&s, 1024);
	assert_int_equal(
	    session_open_udp(&s, (struct sockaddr *)&to, sizeof(struct sockaddr_in), true), 0);
	assert_int_equal(session_send_dgram(&s, "x", 1), 0);
	while (n < 0 && e != ECONNREFUSED && tn_now_ms() < end) {
		struct pollfd p = {.fd = s.fd, .events = POLLIN};

		poll(&p, 1, 100);
		n = session_read(&s, buf, sizeof buf, NULL, &e);
	}
	assert_int_equal(n, -1);
	assert_int_equal(e, ECONNREFUSED);
	session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_queue_then_shutdown),
	    cmocka_unit_test(test_tcp_queue_bound),
	    cmocka_unit_test(test_udp_ipv4),
	    cmocka_unit_test(test_udp_ipv6),
	    cmocka_unit_test(test_udp_connected_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
