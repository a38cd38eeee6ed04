/*
 * test_flow: flow control. A client that writes as fast as it can from one
 * thread while another reads is slowed down, never cut off, on every
 * service: 64 MiB of lines (8 MiB under valgrind or TSan, still 32
 * times the output cap) go through intact, in order, and the server's
 * queued output stays under its stated bound (measured from the server's
 * own counters, not from time). The reader first stops reading until the
 * server reports that it paused the connection, so the backpressure path
 * is exercised for certain, not by luck of timing.
 */
#include "testnet.h"

#include "core/service.h"

#define STREAM_BYTES (tn_slow_checker() ? 8u << 20 : 64u << 20)

/* The lines a client sends: line i is "ECHO " (for cmd) and then a
 * deterministic run of letters and digits 1..200 long. */
struct gen {
	uint64_t i;
	enum service sv;
};

static size_t gen_line(struct gen *g, char *out)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = 0, len = (size_t)(g->i * 37 % 200) + 1;

	if (g->sv == SERVICE_CMD) {
		memcpy(out, "ECHO ", 5);
		n = 5;
	}
	for (size_t k = 0; k < len; k++)
		out[n++] = alpha[(g->i + k * 7) % 36];
	out[n++] = '\n';
	g->i++;
	return n;
}

/* What the service answers to the line just made by gen_line (in, n). */
static size_t reply_of(enum service sv, const char *in, size_t n, char *out)
{
	switch (sv) {
	case SERVICE_ECHO:
	case SERVICE_ECHO_STDIO:
		memcpy(out, "eco: ", 5);
		memcpy(out + 5, in, n);
		return n + 5;
	case SERVICE_CMD:
		memcpy(out, in + 5, n - 5);
		return n - 5;
	default:
		memcpy(out, in, n);
		return n;
	}
}

struct writer {
	int fd;
	enum service sv;
	size_t sent;
	int err;
};

static void *write_all(void *arg)
{
	struct writer *w = arg;
	struct gen g = {0, w->sv};
	static char buf[64 * 1024];

	while (w->sent < STREAM_BYTES) {
		size_t n = 0;

		while (n < sizeof buf - 256)
			n += gen_line(&g, buf + n);
		for (size_t off = 0; off < n;) {
			ssize_t k = send(w->fd, buf + off, n - off, MSG_NOSIGNAL);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				w->err = errno;
				return NULL;
			}
			off += (size_t)k;
		}
		w->sent += n;
	}
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

static void stream(enum service sv, int family)
{
	struct spec s = tn_spec("tcp:echo:ipv4:0");
	struct writer w = {0};
	struct server_stats st;
	struct server *srv;
	pthread_t th;
	struct tn t;
	struct gen g = {0, sv};
	static char want[1 << 20], got[256 * 1024], line[512];
	size_t have = 0, at = 0, total = 0, bound;
	int64_t end;
	struct timeval tv = {.tv_sec = 60};

	if (family == AF_INET6 && !tn_can_ipv6())
		return;
	s.service = sv;
	s.family = family == AF_INET ? FAMILY_IPV4 : FAMILY_IPV6;
	s.host[0] = '\0';
	tn_init(&t);
	t.keep_data = false;
	srv = tn_start_opt(&t, &s, NULL);
	w.fd = tn_connect(family, server_port(srv));
	w.sv = sv;
	/* Long enough for a sanitizer build; the writer is slowed, not stuck. */
	setsockopt(w.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(w.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	assert_int_equal(pthread_create(&th, NULL, write_all, &w), 0);

	/* Not reading until the server says it stopped reading us (echo-stdio
	 * has no counter: its worker blocks in write, so wait for the writer
	 * to be held back instead: no more bytes in for a while). */
	end = tn_now_ms() + TN_TIMEOUT_MS;
	for (;;) {
		server_stats(srv, &st);
		if (sv != SERVICE_ECHO_STDIO && st.paused_total > 0)
			break;
		if (sv == SERVICE_ECHO_STDIO && st.bytes_in > 0 && st.bytes_in < STREAM_BYTES) {
			uint64_t before = st.bytes_in;

			tn_pump(&t, 200); /* a window over which bytes_in must not move */
			server_stats(srv, &st);
			if (st.bytes_in == before)
				break;
		}
		if (tn_now_ms() > end)
			fail_msg("the server never paused reading (%llu in, %llu out)",
				 (unsigned long long)st.bytes_in, (unsigned long long)st.bytes_out);
		tn_pump(&t, 10);
	}
	/* Paused: the client is not cut off for it. */
	assert_int_equal(tn_count(&t, EV_CLOSE), 0);

	/* Now read everything, comparing with what the service must answer. */
	for (;;) {
		ssize_t k = recv(w.fd, got, sizeof got, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			fail_msg("recv after %zu bytes: %s", total, strerror(errno));
		if (k == 0)
			break;
		for (size_t off = 0; off < (size_t)k;) {
			size_t take;

			if (at == have) {
				at = have = 0;
				while (have < sizeof want - 1024) {
					size_t n = gen_line(&g, line);

					have += reply_of(sv, line, n, want + have);
				}
			}
			take = (size_t)k - off < have - at ? (size_t)k - off : have - at;
			if (memcmp(got + off, want + at, take) != 0)
				fail_msg("byte %zu of the reply stream differs", total + off);
			at += take;
			off += take;
		}
		total += (size_t)k;
		if (total % (4u << 20) < (size_t)k)
			tn_take(&t);
	}
	pthread_join(th, NULL);
	if (w.err != 0)
		fail_msg("the writer failed after %zu bytes: %s", w.sent, strerror(w.err));
	assert_true(w.sent >= STREAM_BYTES);
	/* Everything that was sent was answered: the generator stands at the
	 * writer's last line, and nothing is left over. */
	{
		struct gen wg = {0, sv};
		size_t sent = 0, replies = 0;

		while (sent < w.sent) {
			size_t n = gen_line(&wg, line);

			sent += n;
			replies += reply_of(sv, line, n, want);
		}
		assert_int_equal(sent, w.sent);
		assert_int_equal(total, replies);
	}
	/* The end of the stream came after the last reply (checked above);
	 * the server's own count says the connection is gone. Its CLOSE may
	 * be among the events the test's queue dropped, but no close for any
	 * other reason was ever recorded. */
	end = tn_now_ms() + TN_TIMEOUT_MS;
	do {
		tn_pump(&t, 10);
		server_stats(srv, &st);
		if (tn_now_ms() > end)
			fail_msg("the connection was not closed after EOF");
	} while (st.conns_now != 0);
	tn_take(&t);
	assert_int_equal(tn_count(&t, EV_CLOSE), tn_count_close(&t, CLOSE_PEER_EOF));
	assert_true(tn_count(&t, EV_CLOSE) <= 1);
	server_stats(srv, &st);
	assert_int_equal(st.bytes_in, w.sent);
	assert_int_equal(st.bytes_out, total);
	/* Memory: the queue never passed the cap by more than one read's
	 * replies, and its buffer never passed the stated 512 KiB. */
	bound =
	    s.output_cap + (sv == SERVICE_RAW ? 32 * 1024 : service_ops(sv)->reply_max(s.max_line));
	if (st.out_queued_peak > bound)
		fail_msg("%llu bytes queued on one connection, bound %zu",
			 (unsigned long long)st.out_queued_peak, bound);
	assert_true(st.out_buffer_peak <= 512 * 1024);
	assert_int_equal(st.out_queued, 0);
	if (sv != SERVICE_ECHO_STDIO)
		assert_true(st.out_queued_peak > s.output_cap / 2);
	close(w.fd);
	server_stop(srv);
	tn_free(&t);
}

static void test_stream_echo(void **state)
{
	(void)state;
	stream(SERVICE_ECHO, AF_INET);
}

static void test_stream_echo_stdio(void **state)
{
	(void)state;
	stream(SERVICE_ECHO_STDIO, AF_INET);
}

static void test_stream_cmd(void **state)
{
	(void)state;
	stream(SERVICE_CMD, AF_INET);
}

static void test_stream_raw(void **state)
{
	(void)state;
	stream(SERVICE_RAW, AF_INET);
}

static void test_stream_raw_ipv6(void **state)
{
	(void)state;
	stream(SERVICE_RAW, AF_INET6);
}

/* A connection is read at most 32 KiB at a time (TCP_READ_MAX), so that the
 * first replies to a large write leave while the rest is still read. With
 * trace on, every recv shows the size it asked for: never more than 32768,
 * and exactly that while a 200 KiB write waits, on a framed service and on
 * raw alike. */
static void reads_at_most(const char *spec, size_t reply_extra)
{
	struct spec s = tn_spec(spec);
	struct server_options opt = {.trace = true};
	enum { N = 200 * 1024, LINE = 1024 };
	struct server *srv;
	struct tn t;
	char *out = malloc(N), *back = malloc(2 * N);
	size_t got, asked_max = 0, read_bytes = 0, recv_at = 0;
	int fd;

	assert_non_null(out);
	assert_non_null(back);
	for (size_t i = 0; i < N; i++)
		out[i] = i % LINE == LINE - 1 ? '\n' : (char)('a' + i % 26);
	tn_init(&t);
	t.keep_data = true;
	srv = tn_start_opt(&t, &s, &opt);
	fd = tn_connect(AF_INET, server_port(srv));
	tn_send_all(fd, out, N);
	shutdown(fd, SHUT_WR);
	got = tn_recv_all(fd, back, 2 * N);
	assert_int_equal(got, N + N / LINE * reply_extra);
	tn_wait_count(&t, EV_CLOSE, 1);
	for (size_t i = 0; i < t.n; i++) {
		const struct tn_ev *e = &t.ev[i];
		size_t asked;

		if (e->kind == EV_RECV) {
			/* Each RECV shows the bytes it got, wherever they were
			 * read into (raw reads into its output queue). */
			assert_true(recv_at + e->preview_len <= N);
			assert_memory_equal(e->preview, out + recv_at, e->preview_len);
			recv_at += e->bytes;
			continue;
		}
		if (e->kind != EV_SYSCALL || strcmp(e->syscall, "recv") != 0)
			continue;
		if (sscanf(e->call, "recv(%*d, %zu)", &asked) != 1)
			fail_msg("a recv line without its size: %s", e->call);
		if (asked > 32768)
			fail_msg("%s asked for %zu bytes, more than 32 KiB", e->call, asked);
		asked_max = asked > asked_max ? asked : asked_max;
		if (e->ret > 0)
			read_bytes += (size_t)e->ret;
	}
	assert_int_equal(read_bytes, N);
	assert_int_equal(recv_at, N);
	assert_int_equal(asked_max, 32768);
	close(fd);
	server_stop(srv);
	tn_free(&t);
	free(out);
	free(back);
}

static void test_reads_at_most_32k_raw(void **state)
{
	(void)state;
	reads_at_most("tcp:raw:ipv4:0", 0);
}

static void test_reads_at_most_32k_echo(void **state)
{
	(void)state;
	reads_at_most("tcp:echo:ipv4:0", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stream_echo),
	    cmocka_unit_test(test_stream_echo_stdio),
	    cmocka_unit_test(test_stream_cmd),
	    cmocka_unit_test(test_stream_raw),
	    cmocka_unit_test(test_stream_raw_ipv6),
	    cmocka_unit_test(test_reads_at_most_32k_raw),
	    cmocka_unit_test(test_reads_at_most_32k_echo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
