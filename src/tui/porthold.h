/*
 * porthold: which program holds a port, as far as /proc shows it: for a
 * preset whose port is taken by something other than the lab, so the
 * teacher learns what to stop. Reads /proc/net/{tcp,tcp6,udp,udp6} for a
 * socket bound to the port (listening, for TCP) and then /proc/PID/fd for
 * the process that has it open. Touches no socket.
 */
#ifndef SOCKLAB_TUI_PORTHOLD_H
#define SOCKLAB_TUI_PORTHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum porthold_result {
	PORTHOLD_NONE,	  /* no socket on that port in this network namespace */
	PORTHOLD_HIDDEN,  /* a socket, but no process we may look into has it */
	PORTHOLD_PROGRAM, /* out holds "NAME (pid N)" */
};

enum porthold_result porthold_find(bool udp, uint16_t port, char *out, size_t cap);

#endif
