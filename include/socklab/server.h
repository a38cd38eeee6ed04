/*
 * server: a spec made into running sockets served by one background thread.
 *
 * server_start does the socket/setsockopt/bind/listen steps in the calling
 * thread, so it returns either a server that is already listening or the
 * error that stopped it ("bind [::]:9401: Address already in use"). The
 * server thread then waits in epoll on its sockets and a stop eventfd and
 * serves every connection with non-blocking I/O (echo-stdio excepted: its
 * connections each get a worker thread doing blocking stdio, as the
 * tutorial's makefile() does). server_stop wakes the thread, closes every
 * connection, joins and frees; it takes well under a second.
 *
 * Everything that happens is pushed as an event to the queue given at start.
 */
#ifndef SOCKLAB_SERVER_H
#define SOCKLAB_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "socklab/event.h"
#include "socklab/spec.h"

#define SERVER_ERR_MAX 256
#define SERVER_SOCKETS_MAX 2

struct server;

struct server_stats {
	uint64_t conns_now, conns_total;
	uint64_t bytes_in, bytes_out;
	uint64_t dgrams_in, dgrams_out;
	uint64_t dgrams_dropped; /* by the kernel: receive buffer full */
	/* TCP listeners, from Linux TCP_INFO on the listening socket(s):
	 * connections the kernel completed that wait for accept() (summed
	 * over the sockets), and the backlog they wait against. False for
	 * UDP, or when the kernel does not tell. */
	bool has_accept_queue;
	uint32_t accept_queue, accept_backlog;
	/* TCP flow control: reply bytes queued and not yet sent, now (over
	 * every connection); the most one connection ever had queued, and
	 * the largest output buffer one connection ever held. */
	uint64_t out_queued, out_queued_peak, out_buffer_peak;
	uint64_t paused_total; /* times a connection's reading was paused */
};

/* Test seams: make a step fail as the system could make it fail, so that
 * its handling can be tested for real (enum server_fault bits). */
enum server_fault {
	SERVER_FAULT_EPOLL_ADD = 1 << 0,    /* a connection's epoll_ctl ADD: ENOSPC */
	SERVER_FAULT_THREAD = 1 << 1,	    /* echo-stdio's pthread_create: EAGAIN */
	SERVER_FAULT_REPLY_NOMEM = 1 << 2,  /* a reply's allocation: out of memory */
	SERVER_FAULT_REPLY_EACCES = 1 << 3, /* the UDP reply to a datagram "fail": EACCES */
};

struct server_options {
	bool trace;		   /* push EV_SYSCALL steps too */
	bool force_v6only_failure; /* test seam: IPV6_V6ONLY=0 fails with EPERM */
	unsigned faults;	   /* test seams: enum server_fault bits */
	/* Payload bytes each event keeps, at most EVENT_PREVIEW_MAX (0: that).
	 * A front end that shows less (serve's text lines show
	 * EVENT_TEXT_PREVIEW) asks for less, and no one copies the rest. */
	unsigned preview_max;
};

/* Starts a server with id (shown as #id) that reports to q. On failure
 * returns -1 and writes the step, address and cause to err; every socket
 * it opened is closed again. */
int server_start(const struct spec *spec, unsigned id, const struct server_options *opt,
		 struct event_queue *q, struct server **out, char *err, size_t errcap);

/* Stops and frees s: closes every connection (EV_CLOSE with CLOSE_STOP),
 * the listening sockets, joins the thread(s), pushes EV_STOP. */
void server_stop(struct server *s);

unsigned server_id(const struct server *s);
const struct spec *server_spec(const struct server *s);
/* Counters, updated live by the server thread. */
void server_stats(const struct server *s, struct server_stats *st);
/* Listening sockets: how many, each one's bound address and V6ONLY state
 * (-1 for AF_INET). */
int server_nsockets(const struct server *s);
const struct sockaddr_storage *server_local(const struct server *s, int i);
int server_v6only(const struct server *s, int i);
/* The port actually bound (useful with port 0). */
uint16_t server_port(const struct server *s);

/* SYNs and completed connections the kernel dropped because an accept
 * queue was full, over the calling thread's whole network namespace since
 * it began (ListenOverflows and ListenDrops of netstat): sampled, say,
 * once a second, so clients that time out against a full backlog leave a
 * trace. Returns 0, or -1 (errno set) when the kernel does not say. */
int server_listen_drops(uint64_t *overflows, uint64_t *drops);

/* Raises the process's open-file soft limit to its hard limit, so a server
 * can hold as many connections as the system allows. Returns 0 with the
 * limits before and after, or -1 (errno set). */
int server_raise_fd_limit(unsigned long *before, unsigned long *after);

#endif
