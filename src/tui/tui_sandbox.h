/*
 * tui_sandbox: the lab inside the two-host sandbox (socklab --sandbox):
 * which host the servers start on (/on a|b: the form and the presets) and
 * which host the client pane dials from (/from a|b), the title line that
 * says it is a sandbox with its addresses, and the log's opening notes.
 * Outside a sandbox every function here does what the lab did before:
 * host a is the machine itself.
 */
#ifndef SOCKLAB_TUI_SANDBOX_H
#define SOCKLAB_TUI_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "socklab/client.h"
#include "socklab/server.h"
#include "socklab/session.h"

struct lab;

/* True inside a sandbox. */
bool tui_sandbox_on(void);

/* The hosts servers start on and the client dials from: 0 (a) or 1 (b). */
int tui_sandbox_server_host(void);
int tui_sandbox_client_host(void);
/* /on and /from: sets it, or returns -1 with a message for a person. */
int tui_sandbox_set_server_host(const char *name, char *err, size_t cap);
int tui_sandbox_set_client_host(const char *name, char *err, size_t cap);

/* --serve b/SPEC: in a sandbox, "a/" or "b/" before a SPEC names its host
 * (*spec moves past it); returns 0 (a) or 1 (b). */
int tui_sandbox_spec_host(const char **spec);
/* Sets the servers' host, returns the one it replaces. */
int tui_sandbox_swap_server_host(int host);

/* "  on b" for a server (by id) running on host b, "  on a" for host a,
 * "" outside a sandbox: for the running servers' list. */
const char *tui_sandbox_where(unsigned id);
/* The host a server (by id) was started on: 0 (a, and outside a sandbox) or 1. */
int tui_sandbox_host_of(unsigned id);

/* server_start on the servers' host. */
int tui_sandbox_server_start(const struct spec *spec, unsigned id, const struct server_options *opt,
			     struct event_queue *q, struct server **out, char *err, size_t cap);
/* dialer_next and session_open_udp, their socket made on the client's host. */
int tui_sandbox_dialer_next(struct dialer *d, const struct sockaddr **addr, int *err);
int tui_sandbox_open_udp(struct session *s, const struct sockaddr *to, socklen_t len, bool connect);

/* The client pane's title: name, and in a sandbox the client's host and
 * the hosts' addresses, as much as fits in room columns. */
const char *tui_sandbox_client_title(const char *name, int room);
/* The servers pane's title: name, plus "on host b" in a sandbox. */
const char *tui_sandbox_servers_title(const char *name);

/* At the lab's start: the hosts and their addresses as notes in the log. */
void tui_sandbox_notes(struct lab *lab);

#endif
