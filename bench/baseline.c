/*
 * baseline: the minimal C server every `make bench` figure is a ratio
 * against. It does what socklab's servers do on the wire and nothing else:
 * no events, no statistics, no limits beyond buffer sizes.
 *
 *   baseline echo HOST PORT   lines -> "eco: <line>" (a trailing CR dropped)
 *   baseline pong HOST PORT   PING -> PONG, any other line -> ERR
 *   baseline raw  HOST PORT   bytes back unchanged (the fair peer of socat's PIPE)
 *   baseline udp  HOST PORT   each datagram back to its sender
 *
 * HOST "::" listens dual-stack (IPV6_V6ONLY=0). PORT 0 lets the kernel
 * pick; the first line printed is "LISTEN <port>". One thread, one epoll,
 * level-triggered, non-blocking sockets; per wake one recv of at most
 * 32 KiB per connection (as socklab reads), every complete line answered,
 * the answers sent with one send. The same
 * flow control as socklab's: over 256 KiB of unsent answers, a connection
 * is not read until they drain below half; after the peer's EOF what is
 * left is sent, then the connection closed. Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF_SIZE (64 * 1024)
#define READ_MAX (32 * 1024) /* per recv, as socklab's TCP_READ_MAX */
#define UDP_RCVBUF (4 * 1024 * 1024)
#define OUT_HIGH (256 * 1024)

struct conn {
	int fd;
	char in[BUF_SIZE]; /* an incomplete line waits here */
	size_t in_len;
	char *out; /* answers not yet taken by the kernel */
	size_t out_off, out_len, out_cap;
	uint32_t events; /* what epoll watches now */
	bool paused;	 /* not read until the answers drain */
	bool eof;	 /* the peer is done: close once flushed */
};

static bool pong_mode, raw_mode;

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void out_add(struct conn *c, const char *p, size_t n)
{
	if (c->out_off > 0 && c->out_len + n > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : BUF_SIZE;

		while (cap < c->out_len + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		if (c->out == NULL)
			fail("realloc");
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->out);
	free(c);
}

/* Sends what is waiting; watches EPOLLIN unless paused or at EOF, and
 * EPOLLOUT while something is left. Returns -1 when the connection is
 * gone or done. */
static int conn_flush(int ep, struct conn *c)
{
	uint32_t want;

	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return -1;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len - c->out_off > OUT_HIGH)
		c->paused = true;
	else if (c->out_len - c->out_off <= OUT_HIGH / 2)
		c->paused = false;
	if (c->eof && c->out_len == 0)
		return -1;
	want = (c->paused || c->eof ? 0 : EPOLLIN) | (c->out_len > 0 ? EPOLLOUT : 0);
	if (want != c->events) {
		struct epoll_event ee = {.events = want, .data.ptr = c};

		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ee);
		c->events = want;
	}
	return 0;
}

static void answer(struct conn *c, const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (!pong_mode) {
		out_add(c, "eco: ", 5);
		out_add(c, line, len);
		out_add(c, "\n", 1);
	} else if (len == 4 && memcmp(line, "PING", 4) == 0) {
		out_add(c, "PONG\n", 5);
	} else {
		out_add(c, "ERR\n", 4);
	}
}

/* One recv, every complete line answered. Returns -1 when done with c. */
static int conn_read(int ep, struct conn *c)
{
	size_t room = sizeof c->in - c->in_len;
	ssize_t n = recv(c->fd, c->in + c->in_len, room < READ_MAX ? room : READ_MAX, 0);
	char *p, *end, *nl;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0) {
		c->eof = true;
		return conn_flush(ep, c);
	}
	if (raw_mode) {
		out_add(c, c->in, (size_t)n);
		return conn_flush(ep, c);
	}
	c->in_len += (size_t)n;
	p = c->in;
	end = c->in + c->in_len;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		answer(c, p, (size_t)(nl - p));
		p = nl + 1;
	}
	c->in_len = (size_t)(end - p);
	if (c->in_len == sizeof c->in)
		c->in_len = 0; /* a line longer than the buffer: dropped */
	else if (p != c->in)
		memmove(c->in, p, c->in_len);
	return conn_flush(ep, c);
}

static int open_socket(const char *host, const char *port, int type)
{
	struct addrinfo hints = {.ai_socktype = type, .ai_flags = AI_NUMERICHOST | AI_PASSIVE},
			*res;
	int fd, one = 1, zero = 0;

	if (getaddrinfo(host, port, &hints, &res) != 0) {
		fprintf(stderr, "baseline: bad address %s\n", host);
		exit(2);
	}
	fd = socket(res->ai_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (res->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, strcmp(host, "::") == 0 ? &zero : &one,
			   sizeof one);
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
		fail("bind");
	freeaddrinfo(res);
	return fd;
}

static void print_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	getsockname(fd, (struct sockaddr *)&ss, &len);
	printf("LISTEN %u\n",
	       ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port));
	fflush(stdout);
}

static void serve_udp(int fd)
{
	int size = UDP_RCVBUF;
	char buf[BUF_SIZE];

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	print_port(fd);
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &plen);

		if (n < 0) {
			if (errno == EAGAIN) {
				fd_set r;

				FD_ZERO(&r);
				FD_SET(fd, &r);
				select(fd + 1, &r, NULL, NULL, NULL);
			}
			continue;
		}
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
	}
}

int main(int argc, char **argv)
{
	struct epoll_event evs[256], ee = {.events = EPOLLIN};
	struct rlimit rl;
	int lfd, ep;

	if (argc != 4) {
		fputs("usage: baseline echo|pong|raw|udp HOST PORT\n", stderr);
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (strcmp(argv[1], "udp") == 0) {
		serve_udp(open_socket(argv[2], argv[3], SOCK_DGRAM));
		return 0;
	}
	pong_mode = strcmp(argv[1], "pong") == 0;
	raw_mode = strcmp(argv[1], "raw") == 0;
	lfd = open_socket(argv[2], argv[3], SOCK_STREAM);
	if (listen(lfd, SOMAXCONN) < 0)
		fail("listen");
	ep = epoll_create1(EPOLL_CLOEXEC);
	ee.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ee);
	print_port(lfd);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c == NULL) {
				int fd;

				while ((fd = accept4(lfd, NULL, NULL,
						     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					/* malloc, not calloc: the 64 KiB buffer needs
					 * no zeroing, and a burst of accepts would pay
					 * for it. */
					c = malloc(sizeof *c);
					if (c == NULL)
						fail("malloc");
					c->fd = fd;
					c->in_len = c->out_off = c->out_len = c->out_cap = 0;
					c->out = NULL;
					c->paused = c->eof = false;
					c->events = ee.events = EPOLLIN;
					ee.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ee);
				}
				continue;
			}
			if ((evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !c->paused &&
			    !c->eof) {
				if (conn_read(ep, c) < 0)
					conn_close(c);
			} else if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
				if (conn_flush(ep, c) < 0)
					conn_close(c);
			}
		}
	}
}
