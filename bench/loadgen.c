/*
 * loadgen: the load generator of `make bench`.
 *
 * One process, one thread (two for stream), loopback only (127.0.0.0/8, ::1, ::ffff:127.x):
 * any other address is refused. Each mode runs one measurement, bounded in
 * count and in time, and prints one machine-readable line:
 *
 *   result mode=echo conns=4 size=64 ... mb_s=512.3 lines_s=8004211 errors=0
 *
 * Modes:
 *   echo   N connections send lines of SIZE bytes for SECS seconds, at most
 *          WINDOW lines in flight per connection; every reply byte is
 *          checked against PREFIX + the line sent.
 *   stream one connection, two threads: one writes BYTES of lines of SIZE
 *          bytes (each after LINE_PREFIX) as fast as the socket takes them,
 *          never waiting for a reply, then half-closes; the other reads and
 *          checks every reply byte against PREFIX + the line until the
 *          server closes. The whole stream must come back.
 *   ping   one connection, SEND then wait for REPLY, COUNT times: p50/p99.
 *   udp-rtt   the same with one datagram at a time.
 *   udp-flood RATE datagrams/s for SECS seconds on one socket, the echoes
 *          read back and checked: received/s and loss. When the machine
 *          cannot send that many in time, sent_s says what was offered:
 *          not an error, which only a wrong echo is.
 *   burst  open N connections at once, SEND on each and wait for REPLY
 *          (an empty SEND waits for a greeting): time until all answered.
 *   hold   open connections in batches, each checked with SEND/REPLY, until
 *          MAX or until the server stops answering; then check all again.
 *
 * Exit status: 0 when the measurement ran with no error, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RXBUF_SIZE (256 * 1024)
#define TXBUF_SIZE (64 * 1024)
#define DRAIN_NS (5 * 1000000000LL) /* echo: the last replies must come by then */
#define UDP_BATCH 64
#define UDP_SIZE 64
#define SHORT_MAX 256 /* ping/burst/hold messages */

struct opts {
	const char *mode;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int conns;
	int size;
	int window;
	double secs;
	long count;
	long rate;
	long max;
	double timeout;
	const char *prefix;
	const char *line_prefix; /* stream: sent before each line (cmd: "ECHO ") */
	long long bytes;	 /* stream: line bytes to send */
	const char *send;
	const char *reply;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *detail) __attribute__((noreturn));

/* Prints "loadgen: what: detail" and exits 1. */
static void die(const char *what, const char *detail)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, detail);
	exit(1);
}

/* Parses "HOST" and "PORT" into o->addr; refuses anything but loopback. */
static void parse_target(struct opts *o, const char *host, const char *port)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV}, *res;
	bool loop = false;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		die("bad address (numeric loopback only)", host);
	memcpy(&o->addr, res->ai_addr, res->ai_addrlen);
	o->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	if (o->addr.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&o->addr;

		loop = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	} else {
		const struct sockaddr_in6 *s6 = (const void *)&o->addr;

		loop = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && s6->sin6_addr.s6_addr[12] == 127);
	}
	if (!loop)
		die("not a loopback address, refused", host);
}

/* Room for n descriptors: as root the hard limit can be raised too. */
static void raise_nofile(long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || (long)rl.rlim_cur >= n)
		return;
	rl.rlim_cur = (rlim_t)n;
	if ((long)rl.rlim_max < n)
		rl.rlim_max = (rlim_t)n;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int tcp_socket(const struct opts *o, bool nonblock)
{
	int one = 1;
	int fd = socket(o->addr.ss_family,
			SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* Closes with a reset, so that no TIME_WAIT is left behind to use up
 * ports across repetitions. */
static void close_reset(int fd)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static void set_timeout(int fd, double secs)
{
	struct timeval tv = {.tv_sec = (time_t)secs,
			     .tv_usec = (suseconds_t)((secs - (double)(time_t)secs) * 1e6)};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* ---- echo: pipelined line throughput ---------------------------------- */

/* Line k of SIZE bytes: 8 hex digits of k, letters, '\n'. The reply
 * expected is PREFIX + that line, bytes for bytes. */
struct echo_conn {
	int fd;
	uint64_t tx_line, rx_line; /* lines sent; lines whose reply is complete */
	size_t rx_off;		   /* bytes of the current reply checked so far */
	char *tx;		   /* lines waiting to be sent */
	size_t tx_off, tx_len;
	char *expect; /* PREFIX + line rx_line */
	bool want_out;
};

static void put_hex(char *p, uint64_t k)
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 7; i >= 0; i--, k >>= 4)
		p[i] = hex[k & 15];
}

static void echo_interest(int ep, struct echo_conn *c, bool out)
{
	struct epoll_event ee = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};

	if (c->want_out != out) {
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ee);
		c->want_out = out;
	}
}

/* Sends queued lines and makes new ones while the window allows.
 * Returns -1 on a send error. */
static int echo_pump(const struct opts *o, int ep, struct echo_conn *c, const char *line,
		     bool sending)
{
	for (;;) {
		if (c->tx_off == c->tx_len) {
			uint64_t room = (uint64_t)o->window - (c->tx_line - c->rx_line);
			uint64_t fit = TXBUF_SIZE / (size_t)o->size;

			if (!sending || room == 0)
				break;
			if (room > fit)
				room = fit;
			c->tx_off = c->tx_len = 0;
			for (uint64_t i = 0; i < room; i++) {
				memcpy(c->tx + c->tx_len, line, (size_t)o->size);
				put_hex(c->tx + c->tx_len, c->tx_line++);
				c->tx_len += (size_t)o->size;
			}
		}
		ssize_t n = send(c->fd, c->tx + c->tx_off, c->tx_len - c->tx_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		c->tx_off += (size_t)n;
	}
	echo_interest(ep, c, c->tx_off < c->tx_len);
	return 0;
}

/* Checks n received bytes against the replies expected. Returns -1 on a
 * byte that differs or a reply nobody asked for. */
static int echo_check(const struct opts *o, struct echo_conn *c, const char *buf, size_t n)
{
	size_t plen = strlen(o->prefix), elen = plen + (size_t)o->size;

	while (n > 0) {
		size_t take = elen - c->rx_off < n ? elen - c->rx_off : n;

		if (c->rx_line >= c->tx_line || memcmp(buf, c->expect + c->rx_off, take) != 0)
			return -1;
		c->rx_off += take;
		buf += take;
		n -= take;
		if (c->rx_off == elen) {
			c->rx_off = 0;
			put_hex(c->expect + plen, ++c->rx_line);
		}
	}
	return 0;
}

static int mode_echo(const struct opts *o)
{
	size_t plen = strlen(o->prefix);
	struct echo_conn *cs = calloc((size_t)o->conns, sizeof *cs);
	char *line = malloc((size_t)o->size), *rx = malloc(RXBUF_SIZE);
	int ep = epoll_create1(EPOLL_CLOEXEC), errors = 0, open = o->conns;
	int64_t t0, t_stop, t_end, deadline;
	uint64_t lines = 0;
	bool sending = true;

	if (cs == NULL || line == NULL || rx == NULL || ep < 0)
		die("memory", "out of memory");
	for (int i = 0; i < o->size - 1; i++)
		line[i] = (char)('a' + (i * 7) % 26);
	line[o->size - 1] = '\n';
	for (int i = 0; i < o->conns; i++) {
		struct echo_conn *c = &cs[i];
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = c};

		c->fd = tcp_socket(o, false);
		if (c->fd < 0 || connect(c->fd, (const void *)&o->addr, o->addrlen) < 0)
			die("connect", strerror(errno));
		fcntl(c->fd, F_SETFL, O_NONBLOCK);
		c->tx = malloc(TXBUF_SIZE);
		c->expect = malloc(plen + (size_t)o->size);
		if (c->tx == NULL || c->expect == NULL)
			die("memory", "out of memory");
		memcpy(c->expect, o->prefix, plen);
		memcpy(c->expect + plen, line, (size_t)o->size);
		put_hex(c->expect + plen, 0);
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ee);
	}
	t0 = now_ns();
	t_stop = t0 + (int64_t)(o->secs * 1e9);
	deadline = t_stop + DRAIN_NS;
	for (int i = 0; i < o->conns; i++)
		if (echo_pump(o, ep, &cs[i], line, true) < 0)
			errors++;
	while (open > 0 && errors == 0) {
		struct epoll_event evs[64];
		int64_t t = now_ns();
		int n;

		if (sending && t >= t_stop)
			sending = false;
		if (t >= deadline) {
			fprintf(stderr,
				"loadgen: echo: replies still missing after the drain time\n");
			errors++;
			break;
		}
		n = epoll_wait(ep, evs, 64, sending ? (int)((t_stop - t) / 1000000) + 1 : 100);
		for (int i = 0; i < n; i++) {
			struct echo_conn *c = evs[i].data.ptr;

			if (c->fd < 0)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
				ssize_t r = recv(c->fd, rx, RXBUF_SIZE, 0);

				if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
					fprintf(stderr,
						"loadgen: echo: connection closed by the server\n");
					errors++;
					break;
				}
				if (r > 0 && echo_check(o, c, rx, (size_t)r) < 0) {
					fprintf(stderr,
						"loadgen: echo: reply differs after line %llu\n",
						(unsigned long long)c->rx_line);
					errors++;
					break;
				}
			}
			if (echo_pump(o, ep, c, line, sending) < 0) {
				errors++;
				break;
			}
		}
		/* Time is up: a connection whose replies are all in is done. */
		for (int i = 0; i < o->conns && !sending; i++) {
			struct echo_conn *c = &cs[i];

			if (c->fd >= 0 && c->rx_line == c->tx_line && c->rx_off == 0) {
				lines += c->rx_line;
				close(c->fd);
				c->fd = -1;
				open--;
			}
		}
	}
	t_end = now_ns();
	{
		double secs = (double)(t_end - t0) / 1e9;

		printf("result mode=echo conns=%d size=%d window=%d lines=%llu secs=%.3f "
		       "mb_s=%.1f lines_s=%.0f errors=%d\n",
		       o->conns, o->size, o->window, (unsigned long long)lines, secs,
		       (double)lines * o->size / secs / 1e6, (double)lines / secs, errors);
	}
	for (int i = 0; i < o->conns; i++) {
		if (cs[i].fd >= 0)
			close(cs[i].fd);
		free(cs[i].tx);
		free(cs[i].expect);
	}
	free(cs);
	free(line);
	free(rx);
	close(ep);
	return errors ? 1 : 0;
}

/* ---- stream: a writer that never waits, a reader beside it ---------------- */

struct stream_writer {
	const struct opts *o;
	int fd;
	long long sent; /* line bytes (the prefix not counted) */
	int err;
};

/* Line k: LINE_PREFIX, 8 hex digits of k, letters, '\n' (SIZE bytes after
 * the prefix). */
static size_t stream_line(const struct opts *o, const char *line, uint64_t k, char *out)
{
	size_t lp = strlen(o->line_prefix);

	memcpy(out, o->line_prefix, lp);
	memcpy(out + lp, line, (size_t)o->size);
	put_hex(out + lp, k);
	return lp + (size_t)o->size;
}

static void *stream_write(void *arg)
{
	struct stream_writer *w = arg;
	const struct opts *o = w->o;
	size_t lp = strlen(o->line_prefix), one = lp + (size_t)o->size;
	char *buf = malloc(TXBUF_SIZE + one), *line = malloc((size_t)o->size);
	uint64_t k = 0;

	if (buf == NULL || line == NULL) {
		w->err = ENOMEM;
		goto out;
	}
	for (int i = 0; i < o->size - 1; i++)
		line[i] = (char)('a' + (i * 7) % 26);
	line[o->size - 1] = '\n';
	while (w->sent < o->bytes) {
		size_t n = 0;

		while (n + one <= TXBUF_SIZE &&
		       w->sent + (long long)(n / one + 1) * o->size <= o->bytes)
			n += stream_line(o, line, k++, buf + n);
		if (n == 0)
			break;
		for (size_t off = 0; off < n;) {
			ssize_t r = send(w->fd, buf + off, n - off, MSG_NOSIGNAL);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				w->err = r < 0 ? errno : EPIPE;
				goto out;
			}
			off += (size_t)r;
		}
		w->sent += (long long)(n / one) * o->size;
	}
	if (shutdown(w->fd, SHUT_WR) < 0)
		w->err = errno;
out:
	free(buf);
	free(line);
	return NULL;
}

static int mode_stream(const struct opts *o)
{
	struct stream_writer w = {.o = o};
	size_t plen = strlen(o->prefix), elen = plen + (size_t)o->size, rx_off = 0;
	char *rx = malloc(RXBUF_SIZE), *expect = malloc(elen);
	uint64_t lines = 0;
	long long want_lines = o->bytes / o->size;
	int64_t t0, t_end, deadline;
	int errors = 0;
	pthread_t th;

	if (rx == NULL || expect == NULL)
		die("memory", "out of memory");
	w.fd = tcp_socket(o, false);
	if (w.fd < 0 || connect(w.fd, (const void *)&o->addr, o->addrlen) < 0)
		die("connect", strerror(errno));
	/* A server that stops answering ends the run instead of hanging it. */
	set_timeout(w.fd, o->timeout);
	memcpy(expect, o->prefix, plen);
	for (int i = 0; i < o->size - 1; i++)
		expect[plen + (size_t)i] = (char)('a' + (i * 7) % 26);
	expect[elen - 1] = '\n';
	put_hex(expect + plen, 0);
	t0 = now_ns();
	deadline = t0 + (int64_t)(o->secs * 1e9);
	if (pthread_create(&th, NULL, stream_write, &w) != 0)
		die("thread", "cannot create the writer");
	for (;;) {
		ssize_t r = recv(w.fd, rx, RXBUF_SIZE, 0);
		const char *p = rx;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "loadgen: stream: recv after %llu lines: %s\n",
				(unsigned long long)lines, strerror(errno));
			errors++;
			break;
		}
		if (r == 0)
			break;
		while (r > 0) {
			size_t take = elen - rx_off < (size_t)r ? elen - rx_off : (size_t)r;

			if (memcmp(p, expect + rx_off, take) != 0) {
				fprintf(stderr, "loadgen: stream: reply differs after line %llu\n",
					(unsigned long long)lines);
				errors++;
				goto done;
			}
			rx_off += take;
			p += take;
			r -= (ssize_t)take;
			if (rx_off == elen) {
				rx_off = 0;
				put_hex(expect + plen, ++lines);
			}
		}
		if (now_ns() > deadline) {
			fprintf(stderr, "loadgen: stream: not done within %.0f s\n", o->secs);
			errors++;
			break;
		}
	}
done:
	t_end = now_ns();
	/* A reader that gave up makes the writer fail; it ends either way. */
	shutdown(w.fd, SHUT_RDWR);
	pthread_join(th, NULL);
	if (w.err != 0 && errors == 0) {
		fprintf(stderr, "loadgen: stream: send: %s\n", strerror(w.err));
		errors++;
	}
	if (errors == 0 && ((long long)lines != want_lines || rx_off != 0)) {
		fprintf(stderr, "loadgen: stream: %llu of %lld lines came back\n",
			(unsigned long long)lines, want_lines);
		errors++;
	}
	{
		double secs = (double)(t_end - t0) / 1e9;

		printf("result mode=stream size=%d bytes=%lld lines=%llu secs=%.3f mb_s=%.1f "
		       "lines_s=%.0f errors=%d\n",
		       o->size, (long long)lines * o->size, (unsigned long long)lines, secs,
		       (double)lines * o->size / secs / 1e6, (double)lines / secs, errors);
	}
	close(w.fd);
	free(rx);
	free(expect);
	return errors ? 1 : 0;
}

/* ---- ping and udp-rtt: one request at a time -------------------------- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* One round trip: send msg, read until reply is complete. Returns the
 * nanoseconds it took, or -1. */
static int64_t round_trip(int fd, bool udp, const char *msg, const char *reply)
{
	size_t want = strlen(reply), got = 0;
	char buf[SHORT_MAX];
	int64_t t = now_ns();

	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) != (ssize_t)strlen(msg))
		return -1;
	while (got < want) {
		ssize_t n = recv(fd, buf + got, sizeof buf - got, 0);

		if (n <= 0)
			return -1;
		got += (size_t)n;
		if (udp)
			break;
	}
	if (got != want || memcmp(buf, reply, want) != 0)
		return -1;
	return now_ns() - t;
}

static int mode_ping(const struct opts *o, bool udp)
{
	int64_t *rtt = malloc((size_t)o->count * sizeof *rtt);
	int fd =
	    udp ? socket(o->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0) : tcp_socket(o, false);
	long warm = o->count / 10 < 100 ? o->count / 10 : 100, ok = 0, lost = 0;
	int64_t deadline = now_ns() + (int64_t)(o->timeout * 1e9);
	double sum = 0;

	if (rtt == NULL || fd < 0 || connect(fd, (const void *)&o->addr, o->addrlen) < 0)
		die("connect", strerror(errno));
	set_timeout(fd, udp ? 0.2 : 2.0);
	for (long i = 0; i < warm + o->count && now_ns() < deadline; i++) {
		int64_t t = round_trip(fd, udp, o->send, o->reply);

		if (t < 0) {
			/* A lost datagram is a loss; a TCP failure ends the run. */
			if (!udp)
				break;
			lost++;
			continue;
		}
		if (i >= warm)
			rtt[ok++] = t;
	}
	close(fd);
	if (ok > 0) {
		qsort(rtt, (size_t)ok, sizeof *rtt, cmp_i64);
		for (long i = 0; i < ok; i++)
			sum += (double)rtt[i];
	}
	printf("result mode=%s count=%ld p50_us=%.2f p99_us=%.2f mean_us=%.2f lost=%ld errors=%d\n",
	       udp ? "udp-rtt" : "ping", ok, ok ? rtt[ok / 2] / 1e3 : 0.0,
	       ok ? rtt[ok * 99 / 100] / 1e3 : 0.0, ok ? sum / ok / 1e3 : 0.0, lost,
	       ok == o->count && lost == 0 ? 0 : 1);
	free(rtt);
	return ok == o->count && lost == 0 ? 0 : 1;
}

/* ---- udp-flood ---------------------------------------------------------- */

/* Datagram k: its sequence number (8 bytes), then letters. */
static void udp_fill(char *p, uint64_t k)
{
	memcpy(p, &k, sizeof k);
	for (int i = 8; i < UDP_SIZE; i++)
		p[i] = (char)('A' + (i + (int)(k % 26)) % 26);
}

static int mode_flood(const struct opts *o)
{
	int fd = socket(o->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int buf = 4 * 1024 * 1024, errors = 0;
	uint64_t total = (uint64_t)((double)o->rate * o->secs), sent = 0, got = 0, dup = 0;
	uint8_t *seen = calloc(total / 8 + 1, 1);
	static char out[UDP_BATCH][UDP_SIZE], in[UDP_BATCH][UDP_SIZE + 1];
	static char cmsg[UDP_BATCH][CMSG_SPACE(sizeof(uint32_t))];
	uint32_t own_drops = 0; /* echoes our own receive buffer dropped */
	struct mmsghdr mo[UDP_BATCH], mi[UDP_BATCH];
	struct iovec io[UDP_BATCH], ii[UDP_BATCH];
	int64_t t0, t_send_end = 0, t, drain_until;

	if (fd < 0 || seen == NULL || connect(fd, (const void *)&o->addr, o->addrlen) < 0)
		die("udp", strerror(errno));
	/* As root past net.core.rmem_max; else as much as it allows. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
	/* Our own drops are counted apart: they are not the server's loss. */
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &(int){1}, sizeof(int));
	memset(mo, 0, sizeof mo);
	memset(mi, 0, sizeof mi);
	for (int i = 0; i < UDP_BATCH; i++) {
		io[i] = (struct iovec){out[i], UDP_SIZE};
		ii[i] = (struct iovec){in[i], UDP_SIZE + 1};
		mo[i].msg_hdr.msg_iov = &io[i];
		mo[i].msg_hdr.msg_iovlen = 1;
		mi[i].msg_hdr.msg_iov = &ii[i];
		mi[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	drain_until = t0 + (int64_t)(o->secs * 1e9) + 1000000000LL;
	while ((t = now_ns()) < drain_until && got < total) {
		/* Sends what the schedule says is due by now. */
		uint64_t due = (uint64_t)((double)(t - t0) * (double)o->rate / 1e9);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n;

		if (due > total)
			due = total;
		while (sent < due) {
			unsigned k = due - sent > UDP_BATCH ? UDP_BATCH : (unsigned)(due - sent);

			for (unsigned i = 0; i < k; i++)
				udp_fill(out[i], sent + i);
			n = sendmmsg(fd, mo, k, 0);
			if (n <= 0)
				break;
			sent += (uint64_t)n;
		}
		if (sent == total && t_send_end == 0) {
			t_send_end = t;
			drain_until = t + 500000000LL;
		}
		/* Reads and checks every echo waiting. */
		for (int i = 0; i < UDP_BATCH; i++) {
			mi[i].msg_hdr.msg_control = cmsg[i];
			mi[i].msg_hdr.msg_controllen = sizeof cmsg[i];
		}
		while ((n = recvmmsg(fd, mi, UDP_BATCH, MSG_DONTWAIT, NULL)) > 0) {
			for (int i = 0; i < n; i++) {
				struct cmsghdr *cm = CMSG_FIRSTHDR(&mi[i].msg_hdr);
				uint64_t k;
				char want[UDP_SIZE];

				for (; cm != NULL; cm = CMSG_NXTHDR(&mi[i].msg_hdr, cm))
					if (cm->cmsg_level == SOL_SOCKET &&
					    cm->cmsg_type == SO_RXQ_OVFL)
						memcpy(&own_drops, CMSG_DATA(cm), sizeof own_drops);
				mi[i].msg_hdr.msg_controllen = sizeof cmsg[i];

				memcpy(&k, in[i], sizeof k);
				if (mi[i].msg_len != UDP_SIZE || k >= sent) {
					errors++;
					continue;
				}
				udp_fill(want, k);
				if (memcmp(want, in[i], UDP_SIZE) != 0) {
					errors++;
					continue;
				}
				if (seen[k / 8] & (1u << (k % 8))) {
					dup++;
					continue;
				}
				seen[k / 8] |= (uint8_t)(1u << (k % 8));
				got++;
			}
		}
		if (sent < due)
			continue;
		p.fd = fd;
		poll(&p, 1, sent == total ? 10 : 0);
	}
	if (t_send_end == 0)
		t_send_end = now_ns();
	{
		double secs = (double)(t_send_end - t0) / 1e9;

		printf(
		    "result mode=udp-flood rate=%ld sent=%llu received=%llu secs=%.3f sent_s=%.0f "
		    "recv_s=%.0f loss_pct=%.3f client_drops=%u server_loss_pct=%.3f dup=%llu "
		    "errors=%d\n",
		    o->rate, (unsigned long long)sent, (unsigned long long)got, secs,
		    (double)sent / secs, (double)got / secs,
		    sent ? 100.0 * (double)(sent - got) / (double)sent : 100.0, own_drops,
		    sent ? 100.0 * (double)(sent - got - own_drops) / (double)sent : 100.0,
		    (unsigned long long)dup, errors);
	}
	close(fd);
	free(seen);
	return errors || sent < total ? 1 : 0;
}

/* ---- burst and hold: many connections --------------------------------- */

/* A connection being opened and checked with SEND/REPLY. */
struct short_conn {
	int fd;
	size_t got;
	bool sent, done;
	char buf[SHORT_MAX];
};

/* Starts a non-blocking connect and watches it. Returns -1 with errno. */
static int short_open(const struct opts *o, int ep, struct short_conn *c)
{
	struct epoll_event ee = {.data.ptr = c};

	memset(c, 0, sizeof *c);
	c->fd = tcp_socket(o, true);
	if (c->fd < 0)
		return -1;
	if (connect(c->fd, (const void *)&o->addr, o->addrlen) < 0 && errno != EINPROGRESS) {
		int e = errno;

		close(c->fd);
		c->fd = -1;
		errno = e;
		return -1;
	}
	c->sent = o->send[0] == '\0';
	ee.events = c->sent ? EPOLLIN : EPOLLOUT;
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ee);
	return 0;
}

/* Handles one readiness event. Returns 1 when the reply is complete, 0
 * while waiting, -1 on a wrong reply or a failure. */
static int short_event(const struct opts *o, int ep, struct short_conn *c, uint32_t events)
{
	size_t want = strlen(o->reply);

	if (!c->sent && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = c};
		size_t len = strlen(o->send);

		if (send(c->fd, o->send, len, MSG_NOSIGNAL) != (ssize_t)len)
			return -1;
		c->sent = true;
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ee);
		return 0;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		ssize_t n = recv(c->fd, c->buf + c->got, sizeof c->buf - c->got, 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			return -1;
		c->got += (size_t)n;
		if (c->got > want || memcmp(c->buf, o->reply, c->got) != 0)
			return -1;
		if (c->got == want) {
			c->done = true;
			epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			return 1;
		}
	}
	return 0;
}

/* One pass of the event loop, waiting at most ms. Counts the replies
 * completed in *done; returns the number of connections that failed. */
static long short_poll(const struct opts *o, int ep, long *done, int ms)
{
	struct epoll_event evs[256];
	int n = epoll_wait(ep, evs, 256, ms);
	long failed = 0;

	for (int i = 0; i < n; i++) {
		struct short_conn *c = evs[i].data.ptr;
		int r = short_event(o, ep, c, evs[i].events);

		if (r > 0)
			(*done)++;
		if (r < 0) {
			epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
			failed++;
		}
	}
	return failed;
}

/* Runs the event loop until *done plus the failures reach target or until
 * deadline. Returns the number of failed connections. */
static long short_wait(const struct opts *o, int ep, long *done, long target, int64_t deadline)
{
	long failed = 0;

	while (*done + failed < target && now_ns() < deadline)
		failed += short_poll(o, ep, done, 10);
	return failed;
}

static int mode_burst(const struct opts *o)
{
	struct short_conn *cs = calloc((size_t)o->conns, sizeof *cs);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	long done = 0, failed = 0, opened = 0;
	int64_t t0, t1, deadline;

	if (cs == NULL || ep < 0)
		die("memory", "out of memory");
	raise_nofile(o->conns + 64);
	t0 = now_ns();
	deadline = t0 + (int64_t)(o->timeout * 1e9);
	for (long i = 0; i < o->conns; i++) {
		if (short_open(o, ep, &cs[i]) < 0) {
			fprintf(stderr, "loadgen: burst: connection %ld: %s\n", i + 1,
				strerror(errno));
			break;
		}
		opened++;
		/* Serve what is ready now and then, so that the client's own
		 * queue does not grow without bound while it opens more. */
		if (i % 256 == 255)
			failed += short_poll(o, ep, &done, 0);
	}
	failed += short_wait(o, ep, &done, opened, deadline);
	t1 = now_ns();
	printf("result mode=burst conns=%d done=%ld failed=%ld secs=%.4f conns_s=%.0f errors=%d\n",
	       o->conns, done, failed, (double)(t1 - t0) / 1e9,
	       (double)done / ((double)(t1 - t0) / 1e9), done == o->conns ? 0 : 1);
	for (long i = 0; i < opened; i++)
		if (cs[i].fd >= 0)
			close_reset(cs[i].fd);
	free(cs);
	close(ep);
	return done == o->conns ? 0 : 1;
}

static int mode_hold(const struct opts *o)
{
	struct short_conn *cs = calloc((size_t)o->max, sizeof *cs);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	long done = 0, opened = 0, alive = 0, batch = 100;
	const char *why = "max";
	int64_t t0 = now_ns();

	if (cs == NULL || ep < 0)
		die("memory", "out of memory");
	raise_nofile(o->max + 64);
	while (opened < o->max) {
		long n = o->max - opened < batch ? o->max - opened : batch, before = done, failed;

		for (long i = 0; i < n; i++, opened++)
			if (short_open(o, ep, &cs[opened]) < 0) {
				why = errno == EMFILE ? "client-fd-limit" : "connect-failed";
				n = i;
				break;
			}
		failed = short_wait(o, ep, &done, opened, now_ns() + (int64_t)(o->timeout * 1e9));
		if (failed > 0) {
			why = "server-closed";
			break;
		}
		if (done - before < n) {
			why = "server-stopped-answering";
			break;
		}
		if (strcmp(why, "max") != 0)
			break;
	}
	/* Everything counted must still be there: ask each once more. */
	for (long i = 0; i < opened; i++) {
		struct short_conn *c = &cs[i];
		struct epoll_event ee = {.events = EPOLLIN, .data.ptr = c};
		size_t len = strlen(o->send);

		if (!c->done)
			continue;
		c->done = false;
		c->got = 0;
		if (len > 0 && send(c->fd, o->send, len, MSG_NOSIGNAL) != (ssize_t)len)
			continue;
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ee);
	}
	if (o->send[0] != '\0')
		short_wait(o, ep, &alive, done, now_ns() + (int64_t)(o->timeout * 1e9) * 5);
	else
		alive = done;
	printf("result mode=hold max=%ld opened=%ld answered=%ld held=%ld stop=%s secs=%.2f "
	       "errors=%d\n",
	       o->max, opened, done, alive, why, (double)(now_ns() - t0) / 1e9,
	       alive == done && done > 0 ? 0 : 1);
	for (long i = 0; i < opened; i++)
		if (cs[i].fd >= 0)
			close_reset(cs[i].fd);
	free(cs);
	close(ep);
	return alive == done && done > 0 ? 0 : 1;
}

/* ---- options ------------------------------------------------------------ */

static long parse_num(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi)
		die("bad value", what);
	return v;
}

static double parse_secs(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v > 0 && v <= 600))
		die("bad time (0 < seconds <= 600)", s);
	return v;
}

/* Turns "\n" in a command-line argument into a newline. */
static const char *unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

static void usage(void)
{
	fputs("usage: loadgen MODE HOST PORT [options]\n"
	      "  echo       --conns N --size BYTES --window LINES --secs S --prefix STR\n"
	      "  stream     --bytes N --size BYTES --prefix STR --line-prefix STR --secs MAX\n"
	      "  ping       --count N --send STR --reply STR\n"
	      "  udp-rtt    --count N --send STR\n"
	      "  udp-flood  --rate PER_S --secs S\n"
	      "  burst      --conns N --send STR --reply STR --timeout S\n"
	      "  hold       --max N --send STR --reply STR --timeout S\n"
	      "HOST is numeric loopback only; STR takes \\n for a newline.\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"conns", required_argument, NULL, 'c'},
	    {"size", required_argument, NULL, 's'},
	    {"window", required_argument, NULL, 'w'},
	    {"secs", required_argument, NULL, 't'},
	    {"count", required_argument, NULL, 'n'},
	    {"rate", required_argument, NULL, 'r'},
	    {"max", required_argument, NULL, 'm'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"prefix", required_argument, NULL, 'p'},
	    {"send", required_argument, NULL, 'S'},
	    {"reply", required_argument, NULL, 'R'},
	    {"bytes", required_argument, NULL, 'B'},
	    {"line-prefix", required_argument, NULL, 'L'},
	    {NULL, 0, NULL, 0},
	};
	struct opts o = {.conns = 1,
			 .size = 64,
			 .window = 0,
			 .secs = 1,
			 .count = 1000,
			 .rate = 250000,
			 .max = 1000,
			 .timeout = 10,
			 .prefix = "eco: ",
			 .line_prefix = "",
			 .bytes = 1LL << 30,
			 .send = "x\n",
			 .reply = NULL};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.conns = (int)parse_num(optarg, 1, 100000, "connection count");
			break;
		case 's':
			o.size = (int)parse_num(optarg, 16, 65536, "line size (16..65536)");
			break;
		case 'w':
			o.window = (int)parse_num(optarg, 1, 1000000, "window");
			break;
		case 't':
			o.secs = parse_secs(optarg);
			break;
		case 'n':
			o.count = parse_num(optarg, 1, 10000000, "count");
			break;
		case 'r':
			o.rate = parse_num(optarg, 1, 10000000, "rate");
			break;
		case 'm':
			o.max = parse_num(optarg, 1, 1000000, "max");
			break;
		case 'T':
			o.timeout = parse_secs(optarg);
			break;
		case 'p':
			o.prefix = unescape(optarg);
			break;
		case 'S':
			o.send = unescape(optarg);
			break;
		case 'R':
			o.reply = unescape(optarg);
			break;
		case 'B':
			o.bytes = parse_num(optarg, 1024, 1L << 40, "byte count");
			break;
		case 'L':
			o.line_prefix = unescape(optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	o.mode = argv[optind];
	parse_target(&o, argv[optind + 1], argv[optind + 2]);
	if (o.window == 0)
		o.window = 65536 / o.size > 0 ? 65536 / o.size : 1;
	if (o.reply == NULL)
		o.reply = strncmp(o.mode, "udp", 3) == 0 ? o.send : "eco: x\n";
	if (strlen(o.send) >= SHORT_MAX || strlen(o.reply) >= SHORT_MAX)
		die("usage", "--send and --reply take at most 255 bytes");
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(o.mode, "echo") == 0)
		return mode_echo(&o);
	if (strcmp(o.mode, "stream") == 0)
		return mode_stream(&o);
	if (strcmp(o.mode, "ping") == 0)
		return mode_ping(&o, false);
	if (strcmp(o.mode, "udp-rtt") == 0)
		return mode_ping(&o, true);
	if (strcmp(o.mode, "udp-flood") == 0)
		return mode_flood(&o);
	if (strcmp(o.mode, "burst") == 0)
		return mode_burst(&o);
	if (strcmp(o.mode, "hold") == 0)
		return mode_hold(&o);
	usage();
	return 2;
}
