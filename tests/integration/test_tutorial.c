/*
 * test_tutorial: the corners where the tutorial's servers differ from one
 * another, reproduced exactly. The hand-made buffer (1) drops a last line
 * without newline and strips one CR; makefile() (1.b) answers that last
 * line and strips every trailing CR and LF; the cmd server (2) answers a
 * last line too. Also the system-call trace a server can report.
 */
#include "testnet.h"

/* Sends data, half-closes like the tutorial's clients, returns the reply. */
static size_t reply_to(const char *spec, const char *data, size_t n, char *out, size_t cap)
{
	struct server *srv;
	struct tn t;
	int fd;

	tn_init(&t);
	srv = tn_start(&t, spec);
	fd = tn_connect(AF_INET, server_port(srv));
	tn_send_all(fd, data, n);
	shutdown(fd, SHUT_WR);
	n = tn_recv_all(fd, out, cap);
	close(fd);
	server_stop(srv);
	tn_free(&t);
	return n;
}

#define REPLY(spec, lit) (reply_to(spec, lit, sizeof(lit) - 1, buf, sizeof buf), buf)

static void test_last_line_without_newline(void **state)
{
	char buf[256];

	(void)state;
	/* Section 1: the buffer only ever answers complete lines. */
	assert_string_equal(REPLY("tcp:echo:ipv4:0", "hola\nfin"), "eco: hola\n");
	/* Section 1.b: `for raw in f` yields the last line without its \n. */
	assert_string_equal(REPLY("tcp:echo-stdio:ipv4:0", "hola\nfin"), "eco: hola\neco: fin\n");
	/* Section 2: the same makefile() loop, through handle(). */
	assert_string_equal(REPLY("tcp:cmd:ipv4:0", "ECHO a\nPING"), "a\nPONG\n");
	assert_string_equal(REPLY("tcp:cmd:ipv4:0", "ECHO a\n  PING \r"), "a\nPONG\n");
}

static void test_carriage_returns(void **state)
{
	char buf[256];

	(void)state;
	/* line.endswith(b"\r"): one CR goes. */
	assert_string_equal(REPLY("tcp:echo:ipv4:0", "hola\r\n"), "eco: hola\n");
	assert_string_equal(REPLY("tcp:echo:ipv4:0", "hola\r\r\n"), "eco: hola\r\n");
	assert_string_equal(REPLY("tcp:echo:ipv4:0", "a\rb\n"), "eco: a\rb\n");
	/* raw.rstrip(b"\r\n"): every trailing CR and LF goes. */
	assert_string_equal(REPLY("tcp:echo-stdio:ipv4:0", "hola\r\r\n"), "eco: hola\n");
	assert_string_equal(REPLY("tcp:echo-stdio:ipv4:0", "a\rb\n"), "eco: a\rb\n");
	assert_string_equal(REPLY("tcp:echo-stdio:ipv4:0", "\r\n\n"), "eco: \neco: \n");
	/* An empty line is a line. */
	assert_string_equal(REPLY("tcp:echo:ipv4:0", "\n\n"), "eco: \neco: \n");
	assert_string_equal(REPLY("tcp:cmd:ipv4:0", "\n"), "ERR\n");
}

static void test_binary_lines(void **state)
{
	static const char in[] = "a\0b\xff\n\x1b[2J\n";
	char buf[256];

	(void)state;
	assert_int_equal(reply_to("tcp:echo:ipv4:0", in, sizeof in - 1, buf, sizeof buf), 20);
	assert_memory_equal(buf, "eco: a\0b\xff\neco: \x1b[2J\n", 20);
	assert_int_equal(reply_to("tcp:echo-stdio:ipv4:0", in, sizeof in - 1, buf, sizeof buf), 20);
	assert_memory_equal(buf, "eco: a\0b\xff\neco: \x1b[2J\n", 20);
	/* decode("utf-8", "replace") then encode: U+FFFD on the wire. */
	reply_to("tcp:cmd:ipv4:0", "ECHO a\xff\n", 8, buf, sizeof buf);
	assert_string_equal(buf, "a\xef\xbf\xbd\n");
}

/* Many lines in one segment and one line over many segments. */
static void test_segments(void **state)
{
	struct server *srv;
	struct tn t;
	char buf[4096];
	int fd;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	fd = tn_connect(AF_INET, server_port(srv));
	tn_exchange(fd, "1\n2\n3\n4\n5\n", "eco: 1\neco: 2\neco: 3\neco: 4\neco: 5\n");
	{
		int one = 1;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	for (const char *p = "un mensaje partido"; *p; p++) {
		tn_send_all(fd, p, 1);
		assert_false(tn_readable(fd, 0));
	}
	tn_exchange(fd, "\n", "eco: un mensaje partido\n");
	shutdown(fd, SHUT_WR);
	tn_recv_all(fd, buf, sizeof buf);
	assert_string_equal(buf, "");
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

/* With trace on, the setup and each connection show their system calls in
 * order, with return values. */
static void test_trace(void **state)
{
	static const char *const setup[] = {"socket", "setsockopt", "bind", "listen"};
	static const char *const python[] = {
	    "srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
	    "srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
	    "srv.bind(('127.0.0.1', 0))", "srv.listen(8)"};
	struct server_options opt = {.trace = true};
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	struct server *srv;
	struct tn t;
	size_t k = 0;
	int fd, accepted = 0, closed = 0;
	uint64_t accept_conn = 0;
	int accept_fd = -1, recvs = 0;

	(void)state;
	s.backlog = 8; /* the tutorial's listen(8) */
	tn_init(&t);
	srv = tn_start_opt(&t, &s, &opt);
	fd = tn_connect(AF_INET, server_port(srv));
	tn_exchange(fd, "x\n", "eco: x\n");
	close(fd);
	tn_wait_count(&t, EV_CLOSE, 1);
	server_stop(srv);
	tn_take(&t);
	for (size_t i = 0; i < t.n; i++) {
		const struct tn_ev *e = &t.ev[i];

		if (e->kind != EV_SYSCALL)
			continue;
		if (k < 4) {
			assert_string_equal(e->syscall, setup[k]);
			assert_true(e->ret >= 0);
			/* Each step carries the tutorial's Python line. */
			assert_string_equal(e->python, python[k]);
			if (strcmp(e->syscall, "listen") == 0) {
				char want[32];

				assert_int_equal(e->backlog, 8);
				snprintf(want, sizeof want, "listen(%d, 8) = 0", e->fd);
				assert_string_equal(e->call, want);
			}
			if (strcmp(e->syscall, "bind") == 0) {
				char want[64];

				snprintf(want, sizeof want, "bind(%d, ('127.0.0.1', 0)) = 0",
					 e->fd);
				assert_string_equal(e->call, want);
			}
			if (k == 0) {
				char want[64];

				snprintf(want, sizeof want, "socket(AF_INET, SOCK_STREAM, 0) = %d",
					 e->ret);
				assert_int_equal(e->fd, -1);
				assert_string_equal(e->call, want);
			}
			k++;
		} else if (strcmp(e->syscall, "accept4") == 0) {
			char want[256], peer[64];

			assert_true(e->ret >= 0);
			assert_string_equal(e->python, "conn, addr = srv.accept()");
			/* It carries the connection (for the ladder) and shows
			 * the peer it returned, as strace would. */
			assert_true(e->conn > 0 && e->has_local && e->has_peer);
			addr_tuple((const void *)&e->peer, peer, sizeof peer);
			snprintf(want, sizeof want, "accept4(%d, ...) = %d %s", e->fd, e->ret,
				 peer);
			assert_string_equal(e->call, want);
			accept_conn = e->conn;
			accept_fd = e->ret;
			accepted++;
		} else if (strcmp(e->syscall, "close") == 0 && e->conn != 0) {
			/* The connection's close: on its fd, of its connection. */
			char want[64];

			assert_int_equal(e->conn, accept_conn);
			snprintf(want, sizeof want, "close(%d) = 0", e->fd);
			assert_string_equal(e->call, want);
			assert_string_equal(e->python, "conn.close()");
			closed++;
		} else if (strcmp(e->syscall, "recv") == 0 || strcmp(e->syscall, "send") == 0) {
			/* Section 1's own calls, on the accepted socket. */
			bool rd = strcmp(e->syscall, "recv") == 0;

			assert_int_equal(e->conn, accept_conn);
			assert_int_equal(e->fd, accept_fd);
			assert_string_equal(e->python,
					    rd ? "chunk = conn.recv(4096)" : "conn.sendall(resp)");
			if (rd)
				recvs += e->ret == 2 ? 1 : e->ret == 0 ? 10 : 100;
			else
				assert_int_equal(e->ret, 7); /* "eco: x\n" */
		} else if (strcmp(e->syscall, "listen") == 0 || strcmp(e->syscall, "bind") == 0) {
			fail_msg("%s twice", e->syscall);
		}
	}
	assert_int_equal(k, 4);
	assert_int_equal(accepted, 1);
	assert_int_equal(recvs, 11); /* the line's 2 bytes, then EOF */
	assert_true(closed >= 1);
	tn_free(&t);
	/* Without trace, no syscall events. */
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	server_stop(srv);
	assert_int_equal(tn_count(&t, EV_SYSCALL), 0);
	tn_free(&t);
}

/* Counters follow the traffic. */
static void test_stats(void **state)
{
	struct server_stats st;
	struct server *srv;
	struct tn t;
	int64_t end;
	int a, b;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	a = tn_connect(AF_INET, server_port(srv));
	b = tn_connect(AF_INET, server_port(srv));
	tn_exchange(a, "hola\n", "eco: hola\n");
	tn_exchange(b, "ab\n", "eco: ab\n");
	/* The counters follow the send() the client already saw: wait for
	 * them, bounded, then check they are exact. */
	end = tn_now_ms() + TN_TIMEOUT_MS;
	do {
		server_stats(srv, &st);
		if (tn_now_ms() > end)
			fail_msg("bytes_out %llu", (unsigned long long)st.bytes_out);
		tn_pump(&t, 1);
	} while (st.bytes_out < 10 + 8);
	assert_int_equal(st.conns_now, 2);
	assert_int_equal(st.conns_total, 2);
	assert_int_equal(st.bytes_in, 5 + 3);
	assert_int_equal(st.bytes_out, 10 + 8);
	close(a);
	tn_wait_count(&t, EV_CLOSE, 1);
	server_stats(srv, &st);
	assert_int_equal(st.conns_now, 1);
	close(b);
	server_stop(srv);
	tn_free(&t);
}

/* Section 1.b reads lines from a stdio stream, not recv calls: its reads
 * are READLINE events, one per line (5, 6 and 4 bytes here, where section
 * 1 records one 15-byte RECV), and under trace the recv calls beneath
 * them show up as what they are. */
static void test_stdio_reads_are_line_reads(void **state)
{
	struct spec s = tn_spec("tcp:echo-stdio:ipv4:0");
	struct server_options opt = {.trace = true};
	struct server *srv;
	struct tn t;
	char buf[64];
	int fd, lines = 0, recvs = 0, eof_recv = 0;
	size_t lens[3] = {5, 6, 4};
	uint64_t recv_bytes = 0;

	(void)state;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, &opt);
	fd = tn_connect(AF_INET, server_port(srv));
	tn_send_all(fd, "hola\nmundo\nfin\n", 15);
	shutdown(fd, SHUT_WR);
	tn_recv_all(fd, buf, sizeof buf);
	assert_string_equal(buf, "eco: hola\neco: mundo\neco: fin\n");
	tn_wait_count(&t, EV_CLOSE, 1);
	assert_int_equal(tn_count(&t, EV_RECV), 0);
	for (size_t i = 0; i < t.n; i++) {
		const struct tn_ev *e = &t.ev[i];

		if (e->kind == EV_READ_LINE) {
			assert_true(lines < 3);
			assert_int_equal(e->bytes, lens[lines]);
			lines++;
		} else if (e->kind == EV_SYSCALL && strcmp(e->syscall, "recv") == 0) {
			/* Each recv comes before the lines it delivered. */
			if (e->ret > 0) {
				recvs++;
				recv_bytes += (uint64_t)e->ret;
				assert_true(recv_bytes > 0);
			} else if (e->ret == 0) {
				eof_recv++;
			}
		}
	}
	assert_int_equal(lines, 3);
	assert_true(recvs >= 1);
	assert_int_equal(recv_bytes, 15);
	assert_int_equal(eof_recv, 1); /* the EOF is a recv that returned 0 */
	assert_string_equal(event_kind_name(EV_READ_LINE), "readline");
	assert_int_equal(event_kind_class(EV_READ_LINE), EVENT_CLASS_IN);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stdio_reads_are_line_reads),
	    cmocka_unit_test(test_last_line_without_newline),
	    cmocka_unit_test(test_carriage_returns),
	    cmocka_unit_test(test_binary_lines),
	    cmocka_unit_test(test_segments),
	    cmocka_unit_test(test_trace),
	    cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
