/*
 * test_server: how servers run and stop. Sequential mode really serves one
 * client at a time; stop is prompt with clients connected and leaks no fd;
 * a busy port gives the bind error people read; the IPV6_V6ONLY seam makes
 * dual fall back to two sockets that still serve both families; the idle
 * timeout closes silent connections.
 */
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "testnet.h"

/* ---- sequential ---- */

static void one_at_a_time(enum service sv, bool sequential)
{
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	struct server *srv;
	struct tn t;
	int a, b;
	char buf[64];

	s.service = sv;
	s.sequential = sequential;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	a = tn_connect(AF_INET, server_port(srv));
	tn_exchange(a, "a\n", "eco: a\n");
	/* The second client's connect completes (the kernel's backlog takes
	 * it) and its line is sent... */
	b = tn_connect(AF_INET, server_port(srv));
	tn_send_str(b, "b\n");
	if (!sequential) {
		/* ... and a concurrent server answers it at once. */
		tn_recv_n(b, buf, 7);
		assert_memory_equal(buf, "eco: b\n", 7);
		tn_exchange(a, "a2\n", "eco: a2\n");
		assert_int_equal(tn_count(&t, EV_ACCEPT), 2);
	} else {
		/* ... but nobody answers while the first client is served. */
		assert_false(tn_readable(b, 250));
		tn_exchange(a, "a2\n", "eco: a2\n");
		assert_false(tn_readable(b, 0));
		assert_int_equal(tn_count(&t, EV_ACCEPT), 1);
		/* The first one leaves: the second is accepted and answered. */
		close(a);
		a = -1;
		tn_recv_n(b, buf, 7);
		assert_memory_equal(buf, "eco: b\n", 7);
		tn_wait_count(&t, EV_ACCEPT, 2);
		assert_int_equal(tn_count_close(&t, CLOSE_PEER_EOF), 1);
	}
	tn_exchange(b, "b2\n", "eco: b2\n");
	if (a >= 0)
		close(a);
	close(b);
	server_stop(srv);
	tn_free(&t);
}

static void test_sequential_echo(void **state)
{
	(void)state;
	one_at_a_time(SERVICE_ECHO, true);
}

static void test_sequential_echo_stdio(void **state)
{
	(void)state;
	one_at_a_time(SERVICE_ECHO_STDIO, true);
}

static void test_concurrent_echo(void **state)
{
	(void)state;
	one_at_a_time(SERVICE_ECHO, false);
}

static void test_concurrent_echo_stdio(void **state)
{
	(void)state;
	one_at_a_time(SERVICE_ECHO_STDIO, false);
}

/* dual2 has two listeners: while one client is served, a client on the
 * other family waits too. */
static void test_sequential_dual2(void **state)
{
	struct spec s = tn_spec("tcp:cmd:dual2:0@::1");
	struct server *srv;
	struct tn t;
	char buf[16];
	int a, b;

	(void)state;
	TN_NEED_IPV6();
	s.sequential = true;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	a = tn_connect(AF_INET6, server_port(srv));
	tn_exchange(a, "PING\n", "PONG\n");
	b = tn_connect(AF_INET, server_port(srv));
	tn_send_str(b, "ECHO b\n");
	assert_false(tn_readable(b, 250));
	tn_exchange(a, "ECHO a\n", "a\n");
	close(a);
	tn_recv_n(b, buf, 2);
	assert_memory_equal(buf, "b\n", 2);
	assert_int_equal(tn_wait_peer(&t, EV_ACCEPT, tn_local_port(b))->peer.ss_family, AF_INET);
	close(b);
	server_stop(srv);
	tn_free(&t);
}

/* ---- stop with clients connected ---- */

static void stop_with_clients(const char *text, bool sequential)
{
	enum { N = 6 };
	struct spec s = tn_spec(text);
	struct server *srv;
	struct tn t;
	int fds0, fd[N], nconn = sequential ? 1 : N;
	uint16_t port;
	int64_t t0, took;

	s.sequential = sequential;
	fds0 = tn_fd_count();
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	for (int i = 0; i < nconn; i++) {
		fd[i] = tn_connect(AF_INET, server_port(srv));
		switch (s.service) {
		case SERVICE_CMD:
			tn_exchange(fd[i], "PING\n", "PONG\n");
			/* A partial line is pending when the stop comes. */
			tn_send_str(fd[i], "ECHO half");
			break;
		case SERVICE_RAW:
			tn_exchange(fd[i], "x", "x");
			break;
		default:
			tn_exchange(fd[i], "hola\n", "eco: hola\n");
			tn_send_str(fd[i], "half a line");
			break;
		}
	}
	tn_wait_count(&t, EV_ACCEPT, nconn);
	port = server_port(srv);
	t0 = tn_now_ms();
	server_stop(srv);
	took = tn_now_ms() - t0;
	if (took > 1000)
		fail_msg("server_stop took %lld ms", (long long)took);
	/* Every client sees the connection end (EOF, nothing else). */
	for (int i = 0; i < nconn; i++) {
		char c;

		if (!tn_readable(fd[i], 1000))
			fail_msg("client %d: no EOF after stop", i);
		assert_int_equal(recv(fd[i], &c, 1, 0), 0);
		close(fd[i]);
	}
	assert_int_equal(tn_count_close(&t, CLOSE_STOP), nconn);
	assert_int_equal(tn_count(&t, EV_CLOSE), nconn);
	assert_int_equal(tn_count(&t, EV_STOP), 1);
	/* The listener is gone: the port can be bound again. */
	{
		char again[64];

		snprintf(again, sizeof again, "%s:%s:ipv4:%u", transport_name(s.transport),
			 service_name(s.service), port);
		srv = tn_start(&t, again);
		server_stop(srv);
	}
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

static void test_stop_echo(void **state)
{
	(void)state;
	stop_with_clients("tcp:echo:ipv4:0", false);
}

static void test_stop_echo_stdio(void **state)
{
	(void)state;
	stop_with_clients("tcp:echo-stdio:ipv4:0", false);
}

static void test_stop_cmd(void **state)
{
	(void)state;
	stop_with_clients("tcp:cmd:ipv4:0", false);
}

static void test_stop_raw(void **state)
{
	(void)state;
	stop_with_clients("tcp:raw:ipv4:0", false);
}

static void test_stop_sequential(void **state)
{
	(void)state;
	stop_with_clients("tcp:echo:ipv4:0", true);
	stop_with_clients("tcp:echo-stdio:ipv4:0", true);
}

static void test_stop_udp_and_dual(void **state)
{
	struct tn t;
	struct server *srv;
	int fds0 = tn_fd_count(), fd;
	char buf[16];

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "udp:echo:ipv4:0");
	fd = tn_udp(AF_INET);
	assert_int_equal(tn_udp_echo(fd, AF_INET, server_port(srv), "u", 1, buf, sizeof buf), 1);
	server_stop(srv);
	close(fd);
	if (tn_can_ipv6()) {
		srv = tn_start(&t, "tcp:echo:dual2:0@::1");
		fd = tn_connect(AF_INET6, server_port(srv));
		tn_exchange(fd, "x\n", "eco: x\n");
		server_stop(srv);
		tn_expect_eof(fd);
		close(fd);
	}
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

/* A thousand connected clients: stop is still prompt and every fd goes. */
static void test_stop_1000_clients(void **state)
{
	enum { N = 1000 };
	static int fd[N];
	struct server_stats st;
	struct server *srv;
	struct tn t;
	int fds0 = tn_fd_count();
	int64_t t0, took, end;

	(void)state;
	{
		/* Both ends live in this process: as `socklab serve` does,
		 * take what the hard limit allows. */
		unsigned long before, after;

		if (server_raise_fd_limit(&before, &after) != 0 || after < 2 * N + 64)
			skip();
	}
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	for (int i = 0; i < N; i++)
		fd[i] = tn_connect(AF_INET, server_port(srv));
	end = tn_now_ms() + TN_TIMEOUT_MS;
	do {
		server_stats(srv, &st);
		tn_pump(&t, 5);
		if (tn_now_ms() > end)
			fail_msg("%llu of %d accepted", (unsigned long long)st.conns_now, N);
	} while (st.conns_now < N);
	t0 = tn_now_ms();
	server_stop(srv);
	took = tn_now_ms() - t0;
	if (took > 1000)
		fail_msg("stopping with %d clients took %lld ms", N, (long long)took);
	for (int i = 0; i < N; i++) {
		tn_expect_eof(fd[i]);
		close(fd[i]);
	}
	assert_int_equal(tn_count_close(&t, CLOSE_STOP) + (int)event_queue_dropped(t.q) >= N, 1);
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

/* Thousands of connect/close cycles leave the fd count where it was and
 * the server with no connection. */
static void test_connect_close_cycles(void **state)
{
	enum { N = 3000 };
	struct server_stats st;
	struct server *srv;
	struct tn t;
	int fds0 = tn_fd_count(), fds1;
	int64_t end;

	(void)state;
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start(&t, "tcp:cmd:ipv4:0");
	fds1 = tn_fd_count();
	for (int i = 0; i < N; i++) {
		int fd = tn_connect(AF_INET, server_port(srv));

		if (i % 100 == 0)
			tn_exchange(fd, "PING\n", "PONG\n");
		close(fd);
		if (i % 256 == 0)
			tn_take(&t);
	}
	end = tn_now_ms() + TN_TIMEOUT_MS;
	do {
		server_stats(srv, &st);
		tn_pump(&t, 5);
		if (tn_now_ms() > end)
			fail_msg("%llu connections left open", (unsigned long long)st.conns_now);
	} while (st.conns_total < N || st.conns_now > 0);
	assert_int_equal(tn_fd_count(), fds1);
	server_stop(srv);
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

/* A peer that resets mid-line: a close with reason reset, others go on. */
static void reset_mid_line(const char *text, bool stdio)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	uint16_t port;
	int fd, other;

	tn_init(&t);
	srv = tn_start(&t, text);
	other = tn_connect(AF_INET, server_port(srv));
	fd = tn_connect(AF_INET, server_port(srv));
	port = tn_local_port(fd);
	tn_exchange(fd, "hola\n", "eco: hola\n");
	tn_send_str(fd, "half a li");
	/* The line reader sees nothing before the newline. */
	if (!stdio)
		tn_wait_count(&t, EV_RECV, 2);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
	e = tn_wait_peer(&t, EV_CLOSE, port);
	assert_int_equal(e->reason, CLOSE_RESET);
	/* stdio may see the reset on its read or on the echo it attempts. */
	if (e->err != ECONNRESET && !(stdio && e->err == EPIPE))
		fail_msg("close errno %d", e->err);
	tn_exchange(other, "sigo\n", "eco: sigo\n");
	close(other);
	server_stop(srv);
	tn_free(&t);
}

static void test_reset_mid_line(void **state)
{
	(void)state;
	reset_mid_line("tcp:echo:ipv4:0", false);
	reset_mid_line("tcp:echo-stdio:ipv4:0", true);
}

/* An echo-stdio worker blocked writing to a peer that never reads does not
 * hold up stop. */
static void test_stop_blocked_writer(void **state)
{
	struct spec s = tn_spec("tcp:echo-stdio:ipv4:0");
	static char chunk[64 * 1024];
	struct server *srv;
	struct tn t;
	int fd, small = 4096, fds0 = tn_fd_count();
	int64_t t0, took, end;
	size_t sent = 0;

	(void)state;
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start_opt(&t, &s, NULL);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	{
		struct sockaddr_storage ss = tn_addr(AF_INET, server_port(srv));

		assert_int_equal(connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)),
				 0);
	}
	memset(chunk, 'w', sizeof chunk);
	for (size_t i = 63; i < sizeof chunk; i += 64)
		chunk[i] = '\n';
	/* Fill every buffer until our own send makes no progress for 300 ms:
	 * the worker is then stuck in a blocking write. */
	{
		struct timeval tv = {.tv_usec = 300 * 1000};

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	end = tn_now_ms() + 4 * TN_TIMEOUT_MS;
	for (;;) {
		ssize_t k = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);

		tn_take(&t);
		if (k > 0) {
			sent += (size_t)k;
		} else {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		if (tn_now_ms() > end)
			fail_msg("the peer's send never blocked (%zu bytes)", sent);
	}
	t0 = tn_now_ms();
	server_stop(srv);
	took = tn_now_ms() - t0;
	if (took > 1000)
		fail_msg("stop took %lld ms with a blocked writer", (long long)took);
	assert_int_equal(tn_count_close(&t, CLOSE_STOP), 1);
	close(fd);
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

/* ---- a busy port ---- */

static int occupy(int family, int type, uint16_t *port)
{
	struct sockaddr_storage ss = tn_addr(family, 0);
	int fd = socket(family, type | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, addr_len((struct sockaddr *)&ss)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 1), 0);
	*port = tn_local_port(fd);
	return fd;
}

/* Starts "what:PORT" + host on a port another socket holds; the error
 * must name "bind where:PORT" and the cause. */
static void busy(const char *what, const char *host, int family, int type, const char *where)
{
	struct server *srv = (struct server *)&srv;
	struct spec s;
	struct tn t;
	char text[64], err[SERVER_ERR_MAX], want[128];
	uint16_t port;
	int fds0, holder;

	holder = occupy(family, type, &port);
	snprintf(text, sizeof text, "%s:%u%s", what, port, host);
	snprintf(want, sizeof want, "bind %s:%u: Address already in use", where, port);
	s = tn_spec(text);
	fds0 = tn_fd_count();
	tn_init(&t);
	assert_int_equal(server_start(&s, 1, NULL, t.q, &srv, err, sizeof err), -1);
	assert_null(srv);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error '%s', wanted it to start with '%s'", err, want);
	assert_int_equal(tn_count(&t, EV_LISTEN), 0);
	tn_free(&t);
	/* Every socket it opened was closed again. */
	assert_int_equal(tn_fd_count(), fds0);
	close(holder);
}

static void test_busy_port(void **state)
{
	(void)state;
	busy("tcp:echo:ipv4", "", AF_INET, SOCK_STREAM, "127.0.0.1");
	busy("udp:echo:ipv4", "", AF_INET, SOCK_DGRAM, "127.0.0.1");
	if (!tn_can_ipv6())
		return;
	busy("tcp:raw:ipv6", "", AF_INET6, SOCK_STREAM, "[::1]");
	/* dual2: the IPv6 half binds, the IPv4 half finds the port taken; the
	 * first socket must be closed again. */
	busy("tcp:echo:dual2", "@::1", AF_INET, SOCK_STREAM, "127.0.0.1");
}

/* Port 0 over two sockets: the kernel picks a port for the IPv6 socket and
 * the IPv4 one must get the same. When that port happens to be taken on
 * IPv4 the user, who asked for any port, must not see "Address already in
 * use". Made likely on purpose in a private network namespace (created by
 * a child process, gone with it) whose ephemeral range is three ports:
 * 40001 is taken on 127.0.0.1 and 40003 on ::1, so only 40002 suits both
 * (and bind(0) prefers odd ports, so TCP's first pick is always 40001). */
static int port0_child(const char *text)
{
	struct ifreq ifr;
	struct event_queue *q;
	int s, fd4, fd6, one = 1, bad = 0;
	FILE *f;

	if (unshare(CLONE_NEWNET) != 0)
		return 77;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
		return 77;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		return 77;
	close(s);
	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "we");
	if (f == NULL || fprintf(f, "40001 40003\n") < 0 || fclose(f) != 0)
		return 77;
	if (!tn_can_ipv6())
		return 77;
	{
		struct sockaddr_in a4 = {.sin_family = AF_INET,
					 .sin_port = htons(40001),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
					  .sin6_port = htons(40003),
					  .sin6_addr = IN6ADDR_LOOPBACK_INIT};
		int type = strncmp(text, "udp", 3) == 0 ? SOCK_DGRAM : SOCK_STREAM;

		fd4 = socket(AF_INET, type | SOCK_CLOEXEC, 0);
		fd6 = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
		setsockopt(fd6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		if (bind(fd4, (struct sockaddr *)&a4, sizeof a4) != 0 ||
		    bind(fd6, (struct sockaddr *)&a6, sizeof a6) != 0)
			return 3;
	}
	q = event_queue_new(0);
	for (int i = 0; i < 20; i++) {
		struct spec sp;
		struct server *srv;
		char err[SERVER_ERR_MAX];

		spec_default(&sp);
		spec_parse(text, &sp, err, sizeof err);
		if (server_start(&sp, 1, NULL, q, &srv, err, sizeof err) != 0) {
			fprintf(stderr, "  try %d: %s\n", i, err);
			bad++;
			continue;
		}
		if (server_port(srv) != 40002 ||
		    addr_port((const void *)server_local(srv, 1)) != 40002)
			bad++;
		server_stop(srv);
		while (event_pop(q, &(struct event){0}))
			;
	}
	event_queue_free(q);
	close(fd4);
	close(fd6);
	return bad ? 1 : 0;
}

static void port0_pair(const char *text)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(port0_child(text));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	if (WEXITSTATUS(status) != 0)
		fail_msg("%s with port 0 failed (exit %d)", text, WEXITSTATUS(status));
}

static void test_port0_pair_collision(void **state)
{
	(void)state;
	port0_pair("tcp:echo:dual2:0@::1");
	port0_pair("udp:echo:dual2:0@::1");
}

/* Specs the server refuses before opening anything. */
static void test_start_refuses(void **state)
{
	struct server *srv = (struct server *)&srv;
	struct spec s = tn_spec("tcp:cmd:ipv4:0");
	char err[SERVER_ERR_MAX];
	struct tn t;
	int fds0 = tn_fd_count();

	(void)state;
	tn_init(&t);
	s.transport = TRANSPORT_UDP;
	assert_int_equal(server_start(&s, 1, NULL, t.q, &srv, err, sizeof err), -1);
	assert_null(srv);
	assert_string_equal(err, "service 'cmd' is TCP only");
	/* A host that is not an address of its family. */
	s = tn_spec("tcp:echo:ipv4:0@::1");
	assert_int_equal(server_start(&s, 1, NULL, t.q, &srv, err, sizeof err), -1);
	assert_null(srv);
	assert_memory_equal(err, "host '::1' (IPv4): ", 19);
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

/* The open-files soft limit goes up to the hard one. */
static void test_raise_fd_limit(void **state)
{
	struct rlimit rl, now;
	unsigned long before, after;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max < 512)
		skip();
	now = rl;
	now.rlim_cur = 256;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &now), 0);
	assert_int_equal(server_raise_fd_limit(&before, &after), 0);
	assert_int_equal(before, 256);
	assert_int_equal(after, rl.rlim_max);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &now), 0);
	assert_int_equal(now.rlim_cur, rl.rlim_max);
	/* Already at the top: nothing to do, still success. */
	assert_int_equal(server_raise_fd_limit(&before, &after), 0);
	assert_int_equal(before, after);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* ---- how much payload an event keeps ---- */

/* Each RECV and SEND of a 5000-byte line keeps preview_max bytes (all an
 * event holds by default) and says the real size. */
static void preview_kept(unsigned preview_max, uint16_t want)
{
	struct server_options opt = {.preview_max = preview_max};
	struct spec s = tn_spec("tcp:raw:ipv4:0");
	char line[5001], back[5001];
	struct server *srv;
	struct tn t;
	int fd, seen = 0;

	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	tn_init(&t);
	t.keep_data = true;
	srv = tn_start_opt(&t, &s, &opt);
	fd = tn_connect(AF_INET, server_port(srv));
	tn_send_all(fd, line, sizeof line);
	tn_recv_n(fd, back, sizeof back);
	assert_memory_equal(back, line, sizeof line);
	close(fd);
	tn_wait_close(&t, CLOSE_PEER_EOF, 1);
	for (size_t i = 0; i < t.n; i++) {
		const struct tn_ev *e = &t.ev[i];

		if (e->kind != EV_RECV && e->kind != EV_SEND)
			continue;
		seen++;
		assert_true(e->bytes > 0);
		assert_int_equal(e->event_preview_len, e->bytes < want ? e->bytes : want);
		assert_memory_equal(e->preview, line, e->preview_len);
	}
	assert_true(seen >= 2);
	server_stop(srv);
	tn_free(&t);
}

static void test_preview_max(void **state)
{
	(void)state;
	preview_kept(0, EVENT_PREVIEW_MAX);
	preview_kept(EVENT_TEXT_PREVIEW, EVENT_TEXT_PREVIEW);
	preview_kept(100000, EVENT_PREVIEW_MAX); /* more than an event holds */
}

/* ---- the IPV6_V6ONLY fault seam ---- */

static void v6only_refused(const char *text)
{
	struct server_options opt = {.force_v6only_failure = true};
	struct spec s = tn_spec(text);
	const struct tn_ev *w;
	struct server *srv;
	struct tn t;
	char buf[64];

	tn_init(&t);
	srv = tn_start_opt(&t, &s, &opt);
	w = tn_find(&t, EV_WARNING);
	if (w == NULL) {
		fail_msg("no warning event for the fallback");
		return;
	}
	assert_int_equal(w->err, EPERM);
	assert_string_equal(w->message, "IPV6_V6ONLY=0 refused (Operation not permitted): "
					"serving IPv4 and IPv6 on two sockets instead");
	/* Two sockets: :: with V6ONLY=1 and 0.0.0.0, on one port. */
	assert_int_equal(server_nsockets(srv), 2);
	assert_int_equal(server_v6only(srv, 0), 1);
	assert_int_equal(server_local(srv, 1)->ss_family, AF_INET);
	assert_int_equal(addr_port((const void *)server_local(srv, 1)), server_port(srv));
	tn_wait_count(&t, EV_LISTEN, 2);
	/* Both families are still served; the IPv4 peer is plain IPv4 now. */
	for (int i = 0; i < 2; i++) {
		int fam = i == 0 ? AF_INET : AF_INET6;
		const struct tn_ev *e;
		uint16_t cport;
		int fd;

		if (s.transport == TRANSPORT_UDP) {
			fd = tn_udp(fam);
			assert_int_equal(
			    tn_udp_echo(fd, fam, server_port(srv), "hola", 4, buf, sizeof buf), 4);
			cport = tn_local_port(fd);
			e = tn_wait_peer(&t, EV_DGRAM_IN, cport);
		} else {
			fd = tn_connect(fam, server_port(srv));
			cport = tn_local_port(fd);
			tn_recv_all(fd, buf, sizeof buf);
			assert_string_equal(buf, "hola dual\n");
			e = tn_wait_peer(&t, EV_ACCEPT, cport);
		}
		assert_int_equal(e->peer.ss_family, fam);
		assert_string_equal(tn_host(&e->peer), fam == AF_INET ? "127.0.0.1" : "::1");
		close(fd);
	}
	server_stop(srv);
	tn_free(&t);
}

static void test_v6only_seam(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	v6only_refused("tcp:hello:dual:0");
	v6only_refused("udp:echo:dual:0");
}

/* dual on a specific address: Linux makes the socket IPv6-only at bind,
 * so the server says so and serves IPv4 on a second socket, never
 * silently IPv6 alone. */
static void dual_on_loopback(const char *text)
{
	struct spec s = tn_spec(text);
	const struct tn_ev *w;
	struct server *srv;
	struct tn t;
	char buf[64];

	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	w = tn_find(&t, EV_WARNING);
	if (w == NULL) {
		fail_msg("no warning for dual on ::1");
		return;
	}
	assert_string_equal(w->message, "a socket bound to ::1 takes IPv6 only (Linux sets "
					"IPV6_V6ONLY at bind; only :: is dual-stack): serving IPv4 "
					"on a second socket");
	assert_int_equal(server_nsockets(srv), 2);
	assert_int_equal(server_v6only(srv, 0), 1);
	assert_string_equal(tn_host(server_local(srv, 0)), "::1");
	assert_string_equal(tn_host(server_local(srv, 1)), "127.0.0.1");
	assert_int_equal(addr_port((const void *)server_local(srv, 1)), server_port(srv));
	for (int i = 0; i < 2; i++) {
		int fam = i == 0 ? AF_INET : AF_INET6, fd;

		if (s.transport == TRANSPORT_UDP) {
			fd = tn_udp(fam);
			assert_int_equal(
			    tn_udp_echo(fd, fam, server_port(srv), "hola", 4, buf, sizeof buf), 4);
		} else {
			fd = tn_connect(fam, server_port(srv));
			tn_recv_all(fd, buf, sizeof buf);
			assert_string_equal(buf, "hola dual\n");
		}
		close(fd);
	}
	server_stop(srv);
	tn_free(&t);
}

static void test_dual_specific_address(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	dual_on_loopback("tcp:hello:dual:0@::1");
	dual_on_loopback("udp:echo:dual:0@::1");
}

/* The seam only touches V6ONLY=0: ipv6 and dual2 set V6ONLY=1 and are
 * unaffected. */
static void test_v6only_seam_scope(void **state)
{
	struct server_options opt = {.force_v6only_failure = true};
	struct spec s;
	struct server *srv;
	struct tn t;
	int fd;

	(void)state;
	TN_NEED_IPV6();
	tn_init(&t);
	s = tn_spec("tcp:echo:ipv6:0");
	srv = tn_start_opt(&t, &s, &opt);
	assert_int_equal(server_nsockets(srv), 1);
	fd = tn_connect(AF_INET6, server_port(srv));
	tn_exchange(fd, "x\n", "eco: x\n");
	close(fd);
	server_stop(srv);
	assert_null(tn_find(&t, EV_WARNING));
	tn_free(&t);
}

/* ---- idle timeout ---- */

static void idle(enum service sv)
{
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	int64_t t0, took;
	int quiet, busy_fd;

	s.service = sv;
	s.idle_timeout_ms = 300;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	quiet = tn_connect(AF_INET, server_port(srv));
	busy_fd = tn_connect(AF_INET, server_port(srv));
	t0 = tn_now_ms();
	/* The busy client talks every 100 ms, the quiet one never: only the
	 * quiet one is closed. */
	while (!tn_readable(quiet, 100)) {
		tn_exchange(busy_fd, "x\n", "eco: x\n");
		if (tn_now_ms() - t0 > TN_TIMEOUT_MS)
			fail_msg("idle connection not closed");
	}
	took = tn_now_ms() - t0;
	tn_expect_eof(quiet);
	if (took < 250)
		fail_msg("closed after %lld ms, before the 300 ms timeout", (long long)took);
	e = tn_wait_peer(&t, EV_CLOSE, tn_local_port(quiet));
	assert_int_equal(e->reason, CLOSE_IDLE);
	tn_exchange(busy_fd, "still here\n", "eco: still here\n");
	close(quiet);
	close(busy_fd);
	server_stop(srv);
	tn_free(&t);
}

static void test_idle_echo(void **state)
{
	(void)state;
	idle(SERVICE_ECHO);
}

static void test_idle_echo_stdio(void **state)
{
	(void)state;
	idle(SERVICE_ECHO_STDIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sequential_echo),
	    cmocka_unit_test(test_sequential_echo_stdio),
	    cmocka_unit_test(test_sequential_dual2),
	    cmocka_unit_test(test_concurrent_echo),
	    cmocka_unit_test(test_concurrent_echo_stdio),
	    cmocka_unit_test(test_stop_echo),
	    cmocka_unit_test(test_stop_echo_stdio),
	    cmocka_unit_test(test_stop_cmd),
	    cmocka_unit_test(test_stop_raw),
	    cmocka_unit_test(test_stop_sequential),
	    cmocka_unit_test(test_stop_udp_and_dual),
	    cmocka_unit_test(test_stop_1000_clients),
	    cmocka_unit_test(test_connect_close_cycles),
	    cmocka_unit_test(test_reset_mid_line),
	    cmocka_unit_test(test_stop_blocked_writer),
	    cmocka_unit_test(test_busy_port),
	    cmocka_unit_test(test_port0_pair_collision),
	    cmocka_unit_test(test_start_refuses),
	    cmocka_unit_test(test_raise_fd_limit),
	    cmocka_unit_test(test_preview_max),
	    cmocka_unit_test(test_v6only_seam),
	    cmocka_unit_test(test_v6only_seam_scope),
	    cmocka_unit_test(test_dual_specific_address),
	    cmocka_unit_test(test_idle_echo),
	    cmocka_unit_test(test_idle_echo_stdio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
