/*
 * client: resolving names and dialling, for the client pane and
 * `socklab client`.
 *
 * A dialer holds the getaddrinfo results in the order a client would try
 * them. Each attempt is a non-blocking connect, so the TUI can poll it in
 * its loop; the CLI waits with dialer_wait. Nothing here prints.
 */
#ifndef SOCKLAB_CLIENT_H
#define SOCKLAB_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>
#include <netdb.h>

#include "socklab/event.h"

#define CLIENT_ERR_MAX 256

/* getaddrinfo with the flags a client wants. family: AF_UNSPEC, AF_INET or
 * AF_INET6; socktype: SOCK_STREAM or SOCK_DGRAM. Returns 0, or -1 with
 * "HOST: Name or service not known" style text in err. */
int client_resolve(const char *host, const char *port, int family, int socktype, bool passive,
		   struct addrinfo **res, char *err, size_t errcap);

/* One line describing a getaddrinfo result: family, type, protocol, tuple. */
size_t client_describe_ai(const struct addrinfo *ai, char *out, size_t cap);

/* A client's system call for a trace (see event_init_call), to sink when
 * it has a function: the connection's tuple (local, peer: NULL when not
 * known yet) for whoever joins events by connection, which address the
 * call shows (enum event_call_addr), and the tutorial's Python line for
 * it (its client socket is c). udp: the socket is SOCK_DGRAM. t0: when
 * the call was made (NULL: now), as strace -t stamps a call: on loopback
 * a send returns only after its packet was delivered and answered, and
 * the ladder must show the call before the packet it made. */
void client_trace(const struct event_sink *sink, const char *call, int fd, const char *args,
		  int ret, int err, const struct sockaddr_storage *local,
		  const struct sockaddr_storage *peer, int call_addr, bool udp,
		  const struct timespec *t0);

struct dialer;

struct dialer *dialer_new(struct addrinfo *list); /* takes ownership */
void dialer_free(struct dialer *d);
/* Each attempt's socket, connect and (when it fails) close go to sink. */
void dialer_set_trace(struct dialer *d, const struct event_sink *sink);

/* Starts the next attempt. Returns the non-blocking fd (connect in
 * progress or done), or -1 when no address is left. *addr is the address
 * being tried. Immediate failures are reported through *err (errno) and
 * -2 is returned; call again for the next address. */
int dialer_next(struct dialer *d, const struct sockaddr **addr, int *err);

/* After the fd polls writable: 0 when connected, else the errno. */
int dialer_result(int fd);

/* The attempt on *fd ended with err (0: connected; dialer_result's, or
 * ETIMEDOUT): traced as the one blocking connect it stands for (the
 * tutorial's c.connect(), which returns when the handshake is done); on
 * failure *fd is closed (traced too) and set to -1. */
void dialer_done(struct dialer *d, int *fd, int err);
/* The attempt on *fd is given up before it ended (/close during the
 * connect): traced as what was called, the connect in progress
 * (EINPROGRESS) and the close; *fd is closed and set to -1. d NULL: only
 * closed. Nothing when *fd < 0. */
void dialer_abandon(struct dialer *d, int *fd);

/* Blocking helper for the CLI: tries every address in order, each for at
 * most timeout_ms, calling report (when not NULL) after each attempt with
 * its address and errno (0 on success). Returns a connected blocking fd,
 * or -1 with the last cause in err. */
typedef void (*dial_report_fn)(void *arg, const struct sockaddr *addr, int err);
int client_dial(struct addrinfo *list, int timeout_ms, dial_report_fn report, void *arg,
		const struct event_sink *trace, char *err, size_t errcap);

#endif
