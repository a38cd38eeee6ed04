/*
 * conn: the client pane's one connection (TCP or UDP), driven by the
 * main loop: resolving in a thread, non-blocking connects through the
 * core's dialer, sending typed lines and showing what comes back in the
 * client pane's output (struct lab's out).
 *
 * Name resolution runs in a short-lived thread per request (getaddrinfo
 * may wait on DNS); the result comes back through a pipe the main loop
 * polls, tagged with a sequence number so a superseded request is
 * dropped. Nothing here blocks on the network or touches the screen.
 *
 * When the other end is one of the lab's own servers, the pane also says
 * what only the lab can see: that the connection waits in that server's
 * backlog (complete in the kernel, not accepted yet) and when it is
 * accepted, that a timeout met a full accept queue, and which lab server
 * listens on an address a refused /connect did not try.
 */
#ifndef SOCKLAB_TUI_CONN_H
#define SOCKLAB_TUI_CONN_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "socklab/session.h"

#define CONN_CONNECT_MS 5000  /* each /connect attempt */
#define CONN_PARTIAL_MAX 2048 /* received bytes held while waiting for \n */
#define CONN_BACKLOG_MS 250   /* not accepted this long after connecting: said */
#define CONN_ACCEPTS_SEEN 8   /* lab servers' recent accepts, by peer */
#define CONN_TRIED_MAX 8      /* addresses of one /connect remembered for its hint */

struct lab;
struct dialer;
struct event;

enum conn_state {
	CONN_IDLE,
	CONN_RESOLVING,	 /* a resolver thread is working */
	CONN_CONNECTING, /* a non-blocking connect is in flight */
	CONN_TCP,	 /* connected */
	CONN_UDP,	 /* an unconnected UDP socket with a target */
};

struct conn {
	enum conn_state state;
	bool udp;
	struct session sess; /* the socket, its peer and the bytes not yet sent */
	int attempt;	     /* the connect in flight (a dialer's fd), or -1 */
	struct dialer *dialer;
	int64_t deadline;		/* util_mono_ms() the attempt in flight gives up */
	char trying[128];		/* tuple of the address being tried */
	char partial[CONN_PARTIAL_MAX]; /* received bytes of an unfinished line */
	size_t partial_len;
	unsigned seq;		    /* id of the resolve request that counts */
	int resolve_rd, resolve_wr; /* resolver threads report here; -1: none */
	unsigned resolvers;	    /* threads started and not heard back from */

	/* The connection, complete in the kernel, until the lab server it
	 * reached accept()s it (a sequential server keeps it in the backlog). */
	unsigned backlog_server; /* that server's id; 0: none to wait for */
	int64_t backlog_since;	 /* util_mono_ms() when the connect completed */
	bool backlog_said;	 /* "waiting in the backlog" was said */
	struct conn_accept {
		struct sockaddr_storage peer; /* the accepted client's end */
		unsigned server;
	} accepts[CONN_ACCEPTS_SEEN]; /* the lab servers' last accepts */
	unsigned naccepts;

	/* This /connect's attempts, for the hint after every one failed. */
	struct sockaddr_storage tried[CONN_TRIED_MAX];
	int ntried;
	bool refused; /* an attempt got ECONNREFUSED */
};

/* Before anything else: the fds are -1, so conn_finish is always safe. */
void conn_clear(struct conn *c);
/* The resolver pipe. Returns 0, or an errno. */
int conn_init(struct lab *lab);
/* Closes the connection and the resolver pipe. */
void conn_finish(struct lab *lab);

/* /connect: closes what is open, then resolves and dials. */
void conn_connect(struct lab *lab, bool udp, const char *host, const char *port);
/* /resolve: lists what getaddrinfo answers. */
void conn_resolve(struct lab *lab, const char *host, const char *port);
/* /close. */
void conn_close_cmd(struct lab *lab);
/* /shutdown. */
void conn_shutdown(struct lab *lab);
/* A typed line: sent, queued while connecting, or refused with a reason. */
void conn_send_line(struct lab *lab, const char *text);
/* True while a connection is open or being made. */
bool conn_busy(const struct lab *lab);

/* The main loop's side: fds to poll (and the connect deadline), then
 * what they said. */
void conn_poll_fds(struct lab *lab, struct pollfd *p, int *n, int *timeout_ms);
void conn_handle(struct lab *lab, const struct pollfd *p, int n);

/* A lab server accepted a connection (EV_ACCEPT): when it is the client
 * pane's, the pane says it left the backlog. Returns true when it is. */
bool conn_take_accept(struct lab *lab, const struct event *ev);
/* True while the client pane's connection is said to wait in a lab
 * server's backlog (complete in the kernel, not accepted yet). */
bool conn_in_backlog(const struct lab *lab);

#endif
