/*
 * test_robust: peers that misbehave. Over-long lines get an error line and
 * the connection goes on; a peer that never reads is closed once its
 * output passes the cap, the others unaffected; a 65000+ byte datagram is
 * echoed whole; 200 concurrent clients each get their bytes back exactly;
 * a half-closed peer that is slow to read costs no CPU.
 */
#include <fcntl.h>
#include <sys/resource.h>

#include "testnet.h"

/* ---- over-long lines ---- */

static void long_line(enum service sv)
{
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	const char *ok_reply = sv == SERVICE_CMD ? "PONG\n" : "eco: PING\n";
	const char *err_line = "ERR line too long (max 16 bytes)\n";
	char big[5000], want[256];
	const struct tn_ev *w;
	struct server *srv;
	struct tn t;
	int fd;

	s.service = sv;
	s.max_line = 16;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, NULL);
	fd = tn_connect(AF_INET, server_port(srv));
	/* Exactly the maximum is fine. */
	snprintf(want, sizeof want, "%s", sv == SERVICE_CMD ? "ERR\n" : "eco: 0123456789abcdef\n");
	tn_exchange(fd, "0123456789abcdef\n", want);
	/* One byte more: the error line, then the next line is served. */
	snprintf(want, sizeof want, "%s%s", err_line, ok_reply);
	tn_exchange(fd, "0123456789abcdefg\nPING\n", want);
	/* A long line in many pieces, its newline last. */
	memset(big, 'x', sizeof big);
	tn_send_all(fd, big, sizeof big);
	tn_send_all(fd, big, sizeof big);
	tn_exchange(fd, "tail\nPING\n", want);
	w = tn_find(&t, EV_WARNING);
	if (w == NULL) {
		fail_msg("no warning event");
		return;
	}
	assert_string_equal(w->message, "line longer than 16 bytes: replied with an error and "
					"dropped it up to the next newline");
	assert_int_equal(tn_count(&t, EV_CLOSE), 0);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

static void test_long_line_echo(void **state)
{
	(void)state;
	long_line(SERVICE_ECHO);
}

static void test_long_line_echo_stdio(void **state)
{
	(void)state;
	long_line(SERVICE_ECHO_STDIO);
}

static void test_long_line_cmd(void **state)
{
	(void)state;
	long_line(SERVICE_CMD);
}

/* Megabytes without a newline do not stop the server serving others. */
static void test_flood_without_newline(void **state)
{
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	static char chunk[256 * 1024];
	struct server *srv;
	struct tn t;
	int flood, other;

	(void)state;
	s.max_line = 1024;
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start_opt(&t, &s, NULL);
	flood = tn_connect(AF_INET, server_port(srv));
	other = tn_connect(AF_INET, server_port(srv));
	memset(chunk, 'z', sizeof chunk);
	for (int i = 0; i < 32; i++) {
		tn_send_all(flood, chunk, sizeof chunk);
		if (i % 8 == 0)
			tn_exchange(other, "still\n", "eco: still\n");
	}
	tn_exchange(flood, "\nend\n", "ERR line too long (max 1024 bytes)\neco: end\n");
	close(flood);
	close(other);
	server_stop(srv);
	tn_free(&t);
}

/* ---- a peer that never reads ---- */

static void never_reads(enum service sv)
{
	struct spec s = tn_spec("tcp:raw:ipv4:0");
	static char chunk[64 * 1024];
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	int fd, other, small = 4096;
	size_t sent = 0;
	int64_t start, end;

	s.service = sv;
	s.output_cap = 256 * 1024;
	s.stall_ms = 500;
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start_opt(&t, &s, NULL);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	{
		struct sockaddr_storage ss = tn_addr(AF_INET, server_port(srv));

		assert_int_equal(connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)),
				 0);
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	other = tn_connect(AF_INET, server_port(srv));
	/* Lines, so the echo service has something to answer. */
	memset(chunk, 'y', sizeof chunk);
	for (size_t i = 99; i < sizeof chunk; i += 100)
		chunk[i] = '\n';
	/* cmd: ECHO lines, whose replies are as big as they are, so the
	 * output fills as fast as for the echo services. */
	for (size_t i = 0; sv == SERVICE_CMD && i + 100 <= sizeof chunk; i += 100)
		memcpy(chunk + i, "ECHO ", 5);
	/* Send until the server gives up on us; never read. */
	start = tn_now_ms();
	/* The server's send buffer autotunes to megabytes before its sends
	 * block: under a sanitizer, echo-stdio's stdio needs seconds to fill
	 * it, so the bound is generous (the loop ends at the close). */
	end = start + 6 * TN_TIMEOUT_MS;
	while (tn_count_close(&t, CLOSE_OVERFLOW) == 0) {
		ssize_t k = send(fd, chunk, sizeof chunk, MSG_NOSIGNAL);

		if (k > 0)
			sent += (size_t)k;
		else if (errno == EAGAIN)
			tn_pump(&t, 10);
		else if (errno == EPIPE || errno == ECONNRESET)
			tn_pump(&t, 10); /* closed: the event is on its way */
		else
			fail_msg("send: %s", strerror(errno));
		if (tn_now_ms() > end || sent > 512u * 1024 * 1024)
			fail_msg("not closed after %zu bytes sent", sent);
	}
	e = tn_wait_peer(&t, EV_CLOSE, tn_local_port(fd));
	assert_int_equal(e->reason, CLOSE_OVERFLOW);
	e = tn_find(&t, EV_WARNING);
	if (e == NULL) {
		fail_msg("no warning event");
		return;
	}
	assert_memory_equal(e->message, "peer is not reading: ", 21);
	/* Closed for not moving, not for how much was queued: only once the
	 * stall time has passed, and the warning says how long it was. */
	if (strstr(e->message, "none taken for 0.5 s") == NULL &&
	    strstr(e->message, "none taken for 0.6 s") == NULL)
		fail_msg("warning '%s'", e->message);
	assert_true(tn_now_ms() - start >= 500);
	/* The other client never noticed. */
	tn_exchange(other, "fine\n",
		    sv == SERVICE_RAW	? "fine\n"
		    : sv == SERVICE_CMD ? "ERR\n"
					: "eco: fine\n");
	assert_int_equal(tn_count(&t, EV_CLOSE), 1);
	close(fd);
	close(other);
	server_stop(srv);
	tn_free(&t);
}

static void test_output_cap_raw(void **state)
{
	(void)state;
	never_reads(SERVICE_RAW);
}

static void test_output_cap_echo(void **state)
{
	(void)state;
	never_reads(SERVICE_ECHO);
}

static void test_output_cap_cmd(void **state)
{
	(void)state;
	never_reads(SERVICE_CMD);
}

static void test_output_cap_echo_stdio(void **state)
{
	(void)state;
	never_reads(SERVICE_ECHO_STDIO);
}

/* ---- big datagrams ---- */

static void big_dgram(int family, const char *text, size_t n)
{
	static unsigned char out[70000], in[70000];
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	int fd;

	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	tn_init(&t);
	srv = tn_start(&t, text);
	fd = tn_udp(family);
	assert_int_equal(tn_udp_echo(fd, family, server_port(srv), out, n, in, sizeof in), n);
	assert_memory_equal(in, out, n);
	e = tn_wait_peer(&t, EV_DGRAM_IN, tn_local_port(fd));
	assert_int_equal(e->bytes, n);
	assert_false(e->truncated);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

static void test_big_datagram(void **state)
{
	(void)state;
	big_dgram(AF_INET, "udp:echo:ipv4:0", 65000);
	/* The largest IPv4 UDP payload: 65535 - 20 - 8. */
	big_dgram(AF_INET, "udp:echo:ipv4:0", 65507);
	if (!tn_can_ipv6())
		return;
	big_dgram(AF_INET6, "udp:echo:ipv6:0", 65000);
	big_dgram(AF_INET, "udp:echo:dual:0", 65507);
	/* IPv6 has no header in its payload length: 65535 - 8. */
	big_dgram(AF_INET6, "udp:echo:dual2:0@::1", 65527);
}

/* An empty datagram is a datagram: Python's sendto(b"") echo gives one
 * back, and so must socklab. */
static void test_empty_datagram(void **state)
{
	struct server *srv;
	struct tn t;
	char buf[16];
	const struct tn_ev *e;
	int fd;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "udp:echo:ipv4:0");
	fd = tn_udp(AF_INET);
	assert_int_equal(tn_udp_echo(fd, AF_INET, server_port(srv), "", 0, buf, sizeof buf), 0);
	assert_int_equal(tn_udp_echo(fd, AF_INET, server_port(srv), "z", 1, buf, sizeof buf), 1);
	e = tn_wait_peer(&t, EV_DGRAM_OUT, tn_local_port(fd));
	assert_int_equal(e->bytes, 0);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

/* A burst of datagrams from many sockets: each one back to its sender,
 * unchanged (loopback with the server's large receive buffer loses none). */
static void test_udp_burst(void **state)
{
	enum { NS = 40, PER = 25 };
	static int fd[NS];
	struct server *srv;
	struct tn t;
	int got[NS] = {0};
	int64_t end;
	int total = 0;

	(void)state;
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start(&t, "udp:echo:ipv4:0");
	for (int i = 0; i < NS; i++) {
		struct sockaddr_storage to = tn_addr(AF_INET, server_port(srv));

		fd[i] = tn_udp(AF_INET);
		assert_int_equal(connect(fd[i], (struct sockaddr *)&to, sizeof(struct sockaddr_in)),
				 0);
		fcntl(fd[i], F_SETFL, O_NONBLOCK);
	}
	for (int k = 0; k < PER; k++)
		for (int i = 0; i < NS; i++) {
			char msg[64];
			int n = snprintf(msg, sizeof msg, "socket %d datagram %d", i, k);

			assert_int_equal(send(fd[i], msg, (size_t)n, 0), n);
		}
	end = tn_now_ms() + TN_TIMEOUT_MS;
	while (total < NS * PER) {
		if (tn_now_ms() > end)
			fail_msg("%d of %d datagrams back", total, NS * PER);
		tn_take(&t);
		for (int i = 0; i < NS; i++) {
			char in[128], want[64];
			ssize_t n;

			while ((n = recv(fd[i], in, sizeof in, 0)) >= 0) {
				int wn =
				    snprintf(want, sizeof want, "socket %d datagram %d", i, got[i]);

				/* In order, from the one socket that sent it. */
				assert_int_equal(n, wn);
				assert_memory_equal(in, want, (size_t)wn);
				got[i]++;
				total++;
			}
			assert_int_equal(errno, EAGAIN);
		}
		poll(NULL, 0, 1);
	}
	for (int i = 0; i < NS; i++)
		close(fd[i]);
	server_stop(srv);
	tn_free(&t);
}

/* ---- many clients at once ---- */

struct client {
	int fd;
	char *out, *want, *in;
	size_t olen, osent, wlen, ilen;
	bool shut, eof;
};

/* nclients at once (a quarter of them under valgrind or TSan, where each
 * costs fifty times more and the paths they take are the same). */
static void many_clients(const char *text, int family, int nclients, size_t lines)
{
	struct client *cl = calloc((size_t)nclients, sizeof *cl);
	struct pollfd *pfd = calloc((size_t)nclients, sizeof *pfd);
	struct server_stats st;
	struct server *srv;
	struct spec s = tn_spec(text);
	struct tn t;
	int left = nclients, fds0 = tn_fd_count();
	int64_t end;
	uint32_t seed = 99;

	assert_non_null(cl);
	assert_non_null(pfd);
	if (tn_slow_checker())
		left = nclients /= 4;
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start_opt(&t, &s, NULL);
	for (int i = 0; i < nclients; i++) {
		struct client *c = &cl[i];

		/* Each client its own lines, of varied lengths, with bytes that
		 * must come back unchanged. */
		c->out = malloc(lines * 300);
		c->want = malloc(lines * 306);
		assert_true(c->out && c->want);
		for (size_t l = 0; l < lines; l++) {
			int len;
			size_t pad;

			len = sprintf(c->out + c->olen, "client %d line %zu ", i, l);
			seed = seed * 1103515245u + 12345u;
			pad = (seed >> 16) % 200;
			for (size_t k = 0; k < pad; k++)
				c->out[c->olen + (size_t)len + k] =
				    (char)(0x20 + (k * 31 + (size_t)i) % 0x5f);
			if (s.service != SERVICE_RAW) {
				memcpy(c->want + c->wlen, "eco: ", 5);
				c->wlen += 5;
			}
			memcpy(c->want + c->wlen, c->out + c->olen, (size_t)len + pad);
			c->wlen += (size_t)len + pad;
			c->want[c->wlen++] = '\n';
			c->olen += (size_t)len + pad;
			c->out[c->olen++] = '\n';
		}
		c->in = malloc(c->wlen + 1);
		assert_non_null(c->in);
		c->fd = tn_connect(family, server_port(srv));
		fcntl(c->fd, F_SETFL, O_NONBLOCK);
	}
	/* 200 threads of echo-stdio under memcheck take minutes, not seconds. */
	end = tn_now_ms() + (tn_under_valgrind() ? 180000 : 20000);
	while (left > 0) {
		int n = 0;

		for (int i = 0; i < nclients; i++) {
			if (cl[i].eof)
				continue;
			pfd[n].fd = cl[i].fd;
			pfd[n].events = POLLIN | (cl[i].osent < cl[i].olen ? POLLOUT : 0);
			pfd[n].revents = 0;
			n++;
		}
		if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR)
			fail_msg("poll: %s", strerror(errno));
		if (tn_now_ms() > end)
			fail_msg("%d of %d clients not done", left, nclients);
		tn_take(&t);
		for (int i = 0, j = 0; i < nclients; i++) {
			struct client *c = &cl[i];

			if (c->eof)
				continue;
			if (pfd[j].revents & POLLOUT) {
				ssize_t k = send(c->fd, c->out + c->osent, c->olen - c->osent,
						 MSG_NOSIGNAL);

				if (k > 0)
					c->osent += (size_t)k;
				else if (errno != EAGAIN)
					fail_msg("client %d send: %s", i, strerror(errno));
			}
			if (c->osent == c->olen && !c->shut) {
				shutdown(c->fd, SHUT_WR);
				c->shut = true;
			}
			if (pfd[j].revents & (POLLIN | POLLHUP | POLLERR)) {
				ssize_t k = recv(c->fd, c->in + c->ilen, c->wlen + 1 - c->ilen, 0);

				if (k > 0) {
					c->ilen += (size_t)k;
					assert_true(c->ilen <= c->wlen);
				} else if (k == 0) {
					c->eof = true;
					left--;
				} else if (errno != EAGAIN) {
					fail_msg("client %d recv: %s", i, strerror(errno));
				}
			}
			j++;
		}
	}
	for (int i = 0; i < nclients; i++) {
		struct client *c = &cl[i];

		if (c->ilen != c->wlen || memcmp(c->in, c->want, c->wlen) != 0)
			fail_msg("client %d: %zu bytes back, %zu expected, or not the same bytes",
				 i, c->ilen, c->wlen);
		close(c->fd);
		free(c->out);
		free(c->want);
		free(c->in);
	}
	server_stats(srv, &st);
	assert_int_equal(st.conns_total, (uint64_t)nclients);
	server_stop(srv);
	tn_free(&t);
	free(cl);
	free(pfd);
	assert_int_equal(tn_fd_count(), fds0);
}

static void test_200_clients_echo(void **state)
{
	(void)state;
	many_clients("tcp:echo:ipv4:0", AF_INET, 200, 60);
}

static void test_200_clients_raw_ipv6(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	many_clients("tcp:raw:ipv6:0", AF_INET6, 200, 60);
}

static void test_200_clients_stdio_dual(void **state)
{
	(void)state;
	TN_NEED_IPV6();
	many_clients("tcp:echo-stdio:dual:0", AF_INET, 200, 20);
}

/* ---- out of file descriptors ---- */

static double cpu_ms(void);

/* accept fails with EMFILE: said once, no busy loop while it lasts, and the
 * waiting client is served as soon as descriptors are free again. */
static struct rlimit saved_nofile;

/* Runs even when the test fails: later tests need their descriptors. */
static int restore_nofile(void **state)
{
	(void)state;
	if (saved_nofile.rlim_max != 0)
		setrlimit(RLIMIT_NOFILE, &saved_nofile);
	return 0;
}

static void test_emfile_backoff(void **state)
{
	struct rlimit rl, tight;
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	double c0, used;
	int fd, top;
	char buf[16];

	(void)state;
	/* valgrind emulates the limit its own way. */
	if (tn_under_valgrind())
		skip();
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	/* The client's socket is the last descriptor the limit allows: the
	 * server's accept has none left. */
	top = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(top >= 0);
	close(top);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	saved_nofile = rl;
	tight = rl;
	tight.rlim_cur = (rlim_t)top + 1;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &tight), 0);
	fd = tn_connect(AF_INET, server_port(srv));
	assert_int_equal(fd, top);
	{
		/* Where the limit is not enforced (valgrind fakes it), skip. */
		int extra = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (extra >= 0) {
			close(extra);
			setrlimit(RLIMIT_NOFILE, &rl);
			close(fd);
			server_stop(srv);
			tn_free(&t);
			skip();
			return;
		}
	}
	tn_send_str(fd, "x\n");
	tn_wait_count(&t, EV_ERROR, 1);
	e = tn_find(&t, EV_ERROR);
	if (e == NULL) {
		fail_msg("no error event");
		return;
	}
	assert_int_equal(e->err, EMFILE);
	assert_memory_equal(e->message, "accept: Too many open files", 27);
	c0 = cpu_ms();
	/* A measuring window, not a wait for a condition. */
	assert_false(tn_readable(fd, 300));
	used = cpu_ms() - c0;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	if (used > 100)
		fail_msg("%.0f ms of CPU in 300 ms while accept failed", used);
	/* Said once, however many retries. */
	assert_int_equal(tn_count(&t, EV_ERROR), 1);
	tn_recv_n(fd, buf, 7);
	assert_memory_equal(buf, "eco: x\n", 7);
	tn_wait_count(&t, EV_WARNING, 1);
	assert_string_equal(tn_find(&t, EV_WARNING)->message, "accepting connections again");
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

/* ---- a half-closed peer that is slow to read ---- */

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The peer sent everything and shut its side (EOF is readable for ever)
 * but has not read the echo yet: the server must wait for it to read, not
 * spin on the readable EOF. */
static void test_half_close_no_spin(void **state)
{
	struct spec s = tn_spec("tcp:raw:ipv4:0");
	static char data[16 * 1024 * 1024], back[16 * 1024 * 1024];
	struct server_stats st;
	struct server *srv;
	struct tn t;
	int fd, small = 4096;
	size_t got = 0;
	double c0, used;
	int64_t end;

	(void)state;
	s.output_cap = 64u * 1024 * 1024;
	/* Not a stall test: however long the server takes to read it all
	 * (minutes under memcheck), the unread output must not be closed. */
	s.stall_ms = 600000;
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i % 251);
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
	tn_timeouts(fd);
	tn_send_all(fd, data, sizeof data);
	shutdown(fd, SHUT_WR);
	/* Wait until the server has read it all (its output is queued). */
	end = tn_now_ms() + TN_TIMEOUT_MS;
	do {
		server_stats(srv, &st);
		tn_pump(&t, 5);
		if (tn_now_ms() > end)
			fail_msg("server read %llu of %zu bytes", (unsigned long long)st.bytes_in,
				 sizeof data);
	} while (st.bytes_in < sizeof data);
	c0 = cpu_ms();
	/* A measuring window, not a wait for a condition. */
	poll(NULL, 0, 300);
	used = cpu_ms() - c0;
	if (used > 100)
		fail_msg("%.0f ms of CPU in 300 ms while the peer was not reading", used);
	/* Then everything comes back, byte for byte, through a window that
	 * is no longer tiny (4 KiB at a time took a minute under memcheck). */
	{
		int big = 1 << 20;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	}
	fcntl(fd, F_SETFL, 0);
	while (got < sizeof back) {
		ssize_t k = recv(fd, back + got, sizeof back - got, 0);

		if (k <= 0)
			fail_msg("recv after %zu bytes: %s", got, k == 0 ? "EOF" : strerror(errno));
		got += (size_t)k;
	}
	assert_memory_equal(back, data, sizeof data);
	tn_expect_eof(fd);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_long_line_echo),
	    cmocka_unit_test(test_long_line_echo_stdio),
	    cmocka_unit_test(test_long_line_cmd),
	    cmocka_unit_test(test_flood_without_newline),
	    cmocka_unit_test(test_output_cap_raw),
	    cmocka_unit_test(test_output_cap_echo),
	    cmocka_unit_test(test_output_cap_cmd),
	    cmocka_unit_test(test_output_cap_echo_stdio),
	    cmocka_unit_test(test_big_datagram),
	    cmocka_unit_test(test_empty_datagram),
	    cmocka_unit_test(test_udp_burst),
	    cmocka_unit_test(test_200_clients_echo),
	    cmocka_unit_test(test_200_clients_raw_ipv6),
	    cmocka_unit_test(test_200_clients_stdio_dual),
	    cmocka_unit_test_teardown(test_emfile_backoff, restore_nofile),
	    cmocka_unit_test(test_half_close_no_spin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
