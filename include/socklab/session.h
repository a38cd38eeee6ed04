/*
 * session: one client conversation, TCP or UDP, on a non-blocking socket:
 * what the client pane and `socklab client` send and receive.
 *
 * Bytes written to a TCP session are queued (up to out_max) and sent as
 * the socket takes them, so a front end never blocks; they may be queued
 * before the connection exists (lines typed while connecting). A half-close
 * asked for with session_shutdown happens once the queue is empty. The
 * front end polls session_fd() for POLLIN, and for POLLOUT while
 * session_want_write(). Nothing here prints.
 *
 * With a trace sink, each system call on the socket is also handed over
 * as an EV_SYSCALL (client_trace): socket and connect of a UDP session,
 * every send, recv, sendto, recvfrom, shutdown and close. A call that
 * only says "nothing now" (EAGAIN on the non-blocking socket) is not
 * traced: the tutorial's blocking calls would have waited instead.
 */
#ifndef SOCKLAB_SESSION_H
#define SOCKLAB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "socklab/event.h"
#include "socklab/outq.h"

struct session {
	int fd; /* -1 until opened or adopted */
	bool udp;
	struct sockaddr_storage peer; /* TCP: the connected peer; UDP: the target */
	socklen_t peer_len;
	struct sockaddr_storage local;
	struct outq out;	 /* TCP bytes not yet sent */
	size_t out_max;		 /* session_write refuses beyond this */
	bool shut_pending;	 /* half-close once out is empty */
	bool shut_wr;		 /* the half-close is done */
	struct event_sink trace; /* session_init clears it; set it after */
};

void session_init(struct session *s, size_t out_max);

/* TCP: takes over a connected socket (from the dialer); fills peer and
 * local. The socket is made non-blocking. */
void session_adopt(struct session *s, int fd);

/* UDP: a datagram socket aimed at to. With connect, it is connect()ed so
 * an ICMP port unreachable comes back as ECONNREFUSED. Returns 0 or the
 * errno. */
int session_open_udp(struct session *s, const struct sockaddr *to, socklen_t len, bool connect);

/* TCP: queues n bytes. Returns 0, ENOBUFS when the queue would pass
 * out_max, or ESHUTDOWN after a half-close was asked for. */
int session_write(struct session *s, const void *data, size_t n);

/* TCP: sends what the socket takes, then the pending half-close. Returns
 * 0 (bytes may remain: see session_want_write) or the errno of a failure
 * that ends the session. *shut_now, when not NULL, says the half-close
 * happened in this call. */
int session_flush(struct session *s, bool *shut_now);

bool session_want_write(const struct session *s);

/* TCP: bytes queued and not yet sent. */
size_t session_queued(const struct session *s);

/* Asks for shutdown(SHUT_WR) once everything queued is sent. */
void session_shutdown(struct session *s);

/* UDP: sends one datagram to the target. Returns 0 or the errno. */
int session_send_dgram(struct session *s, const void *data, size_t n);

/* Reads what has arrived: the byte count (UDP: one datagram, its sender
 * in *from when not NULL), 0 at TCP end of stream, or -1 with *err set
 * (EAGAIN: nothing now). */
ssize_t session_read(struct session *s, void *buf, size_t cap, struct sockaddr_storage *from,
		     int *err);

/* Queued bytes not yet sent: for a front end that turns lines queued
 * before a UDP target was known into datagrams. */
const char *session_pending(const struct session *s, size_t *len);
void session_drop_pending(struct session *s);

/* Closes the socket and forgets the queue; the session can be reused. */
void session_close(struct session *s);
/* Closes a connect attempt that never became a session (a dialer's fd,
 * before session_adopt) and sets *fd to -1; nothing when *fd < 0. */
void session_close_attempt(int *fd);
/* session_close and frees the queue's memory. */
void session_free(struct session *s);

#endif
