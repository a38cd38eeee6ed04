/*
 * server_int: what the server module's files share (server.c: the thread
 * and the public API; server_sock.c: opening sockets per family;
 * server_tcp.c: connections; server_udp.c: datagrams; server_stdio.c: the
 * echo-stdio workers). Not a public header: nothing outside src/core/server*
 * includes it.
 */
#ifndef SOCKLAB_SERVER_INT_H
#define SOCKLAB_SERVER_INT_H

#include "socklab/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/frame.h"
#include "socklab/msg.h"
#include "socklab/outq.h"
#include "socklab/proto.h"
#include "socklab/util.h"
#include "core/service.h"

#define IOBUF_SIZE (64 * 1024 + 1) /* a whole datagram, and MSG_TRUNC beyond */
/* A TCP connection is read at most 32 KiB at a time, as Go's io.Copy does.
 * A client with, say, 64 KiB in flight then gets the first half's replies
 * while it sends the rest, so client and server work at the same time
 * instead of taking turns: windowed echo carries 1.3 to 1.6 times more
 * (make bench), and a bulk stream the same, the extra recv per 32 KiB being
 * small beside the copy. */
#define TCP_READ_MAX (32 * 1024)
#define ACCEPTS_PER_WAKE 1024 /* then the other sockets get a turn */
#define DGRAM_BATCH 16	      /* datagrams per recvmmsg/sendmmsg */
#define DGRAM_ROUNDS 8	      /* batches per wake, then others get a turn */
#define UDP_RCVBUF_DEFAULT (4 * 1024 * 1024)
#define EPOLL_BATCH 256
#define ACCEPT_BACKOFF_MS 100

struct conn {
	struct server *srv;
	int fd;
	uint64_t id;
	struct sockaddr_storage local, peer;
	int local_err;		/* getsockname failed: local is unknown */
	struct frame fr;	/* echo and cmd: the line buffer */
	struct outq out;	/* bytes waiting for the peer to read them */
	bool eof;		/* the peer closed its side: close once flushed */
	bool close_after_flush; /* hello: close once the greeting is out */
	uint32_t events;	/* what epoll watches for it now */
	/* Flow control: reading is paused while the output is over the cap;
	 * lines_held says the framer may still hold lines not answered. */
	bool paused, lines_held;
	bool waiting;		 /* output is queued: the stall clock runs */
	int64_t progress_ms;	 /* when the output last moved (or began to wait) */
	size_t accounted;	 /* its share of the server's out_queued */
	_Atomic int64_t last_ms; /* last traffic, for the idle timeout (a worker writes it) */
	pthread_t worker;	 /* echo-stdio only */
	bool has_worker;
	atomic_bool done; /* the worker has finished */
	atomic_bool idle; /* the idle timeout shut the worker's socket */
	bool uncounted;	  /* already taken off conns_now (before its CLOSE) */
	int write_err;	  /* echo-stdio: errno of the send that failed its stream */
	/* A recv not yet recorded: its event is pushed once the replies are
	 * sent (or before anything else is recorded), so recording never
	 * delays a reply. data stays valid until the next recv. */
	struct {
		bool pending;
		struct timespec time;
		const char *data;
		size_t len;
	} unrecorded;
	struct conn *prev, *next;
};

/* Headers for one recvmmsg/sendmmsg round; the buffers are iobuf. cmsg
 * receives SO_RXQ_OVFL and the datagram's destination (IP_PKTINFO or
 * IPV6_PKTINFO); reply holds that destination as the reply's source, so
 * that a wildcard server answers from the address it was sent to. */
struct dgram_batch {
	struct mmsghdr msg[DGRAM_BATCH];
	struct iovec iov[DGRAM_BATCH];
	struct sockaddr_storage peer[DGRAM_BATCH];
	struct sockaddr_storage local[DGRAM_BATCH]; /* where each datagram was sent */
	char cmsg[DGRAM_BATCH]
		 [CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
	char reply[DGRAM_BATCH][CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

struct server {
	unsigned id;
	struct spec spec;
	const struct service_ops *svc; /* what the spec's service does */
	struct server_options opt;
	struct event_queue *q;
	int nsock;
	int lfd[SERVER_SOCKETS_MAX];
	struct sockaddr_storage bound[SERVER_SOCKETS_MAX];
	int v6only[SERVER_SOCKETS_MAX];
	int epfd, stopfd, reapfd;
	pthread_t thread;
	struct conn *conns;
	size_t nconns;
	uint64_t next_conn;
	bool accepting;	       /* listeners registered for EPOLLIN */
	int64_t backoff_until; /* accept paused after EMFILE, until then */
	bool accept_failing;   /* an accept error was reported, not yet over */
	atomic_bool stopping;
	unsigned char *iobuf;	   /* TCP raw: one buffer; UDP: DGRAM_BATCH of them */
	struct dgram_batch *batch; /* UDP only */
	uint32_t kernel_drops[SERVER_SOCKETS_MAX]; /* last SO_RXQ_OVFL seen */
	int rcvbuf[SERVER_SOCKETS_MAX];		   /* granted SO_RCVBUF, UDP */
	bool pktinfo[SERVER_SOCKETS_MAX];	   /* UDP on a wildcard: destinations received */
	_Atomic uint64_t dgrams_dropped;
	size_t nwaiting; /* connections with output queued */
	_Atomic uint64_t out_queued, out_queued_peak, out_buffer_peak, paused_total;
	_Atomic uint64_t conns_now, conns_total, bytes_in, bytes_out, dgrams_in, dgrams_out;
};

static inline int64_t now_ms(void)
{
	return util_mono_ms();
}

static inline void ev_base(const struct server *s, struct event *ev, enum event_kind kind)
{
	event_init(ev, kind);
	ev->server = s->id;
	ev->transport = s->spec.transport;
	ev->service = s->spec.service;
	ev->family = s->spec.family;
}

/* Events are pushed quietly; whoever emits them kicks the consumer once
 * its batch is done (the server loop after each wake, a worker after each
 * line), so a reply never waits behind a wakeup. */
static inline void emit(struct server *s, const struct event *ev)
{
	event_push_batch(s->q, ev, NULL);
}

/* An event with payload: the preview is copied once, straight from data
 * into the queue. total is the real size when it differs from len. */
static inline void emit_data(struct server *s, struct event *ev, const void *data, size_t len,
			     size_t total)
{
	size_t max = s->opt.preview_max; /* 1..EVENT_PREVIEW_MAX (server_start) */

	ev->preview_len = (uint16_t)(len < max ? len : max);
	ev->bytes = total;
	event_push_batch(s->q, ev, data);
}

static inline void conn_event(struct server *s, struct conn *c, struct event *ev,
			      enum event_kind kind)
{
	ev_base(s, ev, kind);
	ev->conn = c->id;
	ev->has_local = ev->has_peer = true;
	ev->local = c->local;
	ev->peer = c->peer;
}

/* Takes c off the server's conns_now, once: before its CLOSE is recorded,
 * so whoever sees the CLOSE sees the count without it. */
static inline void conn_uncount(struct server *s, struct conn *c)
{
	if (!c->uncounted) {
		c->uncounted = true;
		atomic_fetch_sub(&s->conns_now, 1);
	}
}

void server_emit_msg(struct server *s, enum event_kind kind, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A system-call step for the trace view (event_init_call): call on socket
 * fd, of connection c when not NULL (its id and tuple, which the ladder
 * joins by; accept4 shows the peer it returned). Without c, addr is what
 * the call was about: the address bound, or listened on. */
void server_trace(struct server *s, const struct conn *c, const char *call, int fd, int ret,
		  int err, const struct sockaddr *addr, const char *args);
/* The same, stamped t0: when the call was made (a close on loopback
 * returns after its FIN was delivered and answered). */
void server_trace_at(struct server *s, const struct conn *c, const struct timespec *t0,
		     const char *call, int fd, int ret, int err, const struct sockaddr *addr,
		     const char *args);
/* Under the trace's recvmmsg or sendmmsg on fd (call), the line for its
 * datagram [i]: len bytes from (recvmmsg) or to (sendmmsg) peer, sent to
 * or from local, with the tutorial's recvfrom / sendto beside it. */
void server_trace_dgram(struct server *s, const char *call, int fd, int i, size_t len,
			const struct sockaddr_storage *peer, const struct sockaddr_storage *local);
/* The same for a sentence with a count (event_set_message_n). */
void server_emit_msg_n(struct server *s, enum event_kind kind, int err, const char *one,
		       const char *many, unsigned long n, ...) __attribute__((format(printf, 4, 7)))
__attribute__((format(printf, 5, 7)));

/* server_sock.c: the listening (or UDP) sockets of s's spec, with the
 * dual-stack fallbacks. Returns 0, or -1 with the step, address and cause
 * in err and nothing left open. */
int server_open_sockets(struct server *s, char *err, size_t errcap);
void server_close_sockets(struct server *s);

/* server_tcp.c: connections. */
void server_accept_ready(struct server *s, int lfd);
void server_conn_readable(struct server *s, struct conn *c);
/* Sends what is queued. Returns false when the connection was closed. */
bool server_conn_flush(struct server *s, struct conn *c);
void server_update_accepting(struct server *s);
void server_reap_workers(struct server *s);
void server_check_idle(struct server *s, int64_t now);
/* Closes connections whose output has not moved for the stall time. */
void server_check_stalls(struct server *s, int64_t now);
void server_stop_all(struct server *s);

/* server_udp.c: a batch of datagrams in and their echoes out. */
void server_dgram_ready(struct server *s, int sock);

/* server_stdio.c: the echo-stdio worker thread of one connection. */
void *server_stdio_worker(void *arg);

#endif
