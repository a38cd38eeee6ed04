/*
 * service: what a server does with a connection's bytes, one table entry
 * per enum service. The server's files (server_tcp.c, server_stdio.c,
 * server_udp.c) ask the entry and never switch on the service, so a new
 * service is one entry here (and its name in spec.c). Internal to the
 * core, like server_int.h.
 */
#ifndef SOCKLAB_SERVICE_H
#define SOCKLAB_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "socklab/spec.h"

struct service_ops {
	/* Lines through a framer, each answered with reply(); false: bytes
	 * back unchanged as they come (raw). */
	bool framed;
	/* Served by a worker thread per connection doing blocking stdio
	 * (server_stdio.c), as Python's makefile() is; framed is then what
	 * the worker does itself. */
	bool threaded;
	/* A last line without a newline is still answered at EOF (what the
	 * tutorial's makefile() servers do; its hand-made buffer drops it). */
	bool answers_partial_line;
	/* Sent on accept, then the service closes (hello). NULL: none. */
	const char *greeting;
	/* Also runs over UDP, one datagram back unchanged to its sender. */
	bool udp;
	/* The reply to one line (without its newline): written to out, which
	 * has room for reply_max(len) bytes; returns the bytes written. */
	size_t (*reply)(const char *line, size_t len, char *out);
	size_t (*reply_max)(size_t len);
};

/* The entry of service sv (a valid enum service). */
const struct service_ops *service_ops(enum service sv);

#endif
