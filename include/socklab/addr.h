/*
 * addr: socket addresses as text, the way the tutorial prints them.
 *
 * Python shows an AF_INET peer as ('127.0.0.1', 58538) and an AF_INET6 peer
 * as ('::1', 35740, 0, 0): host, port, flowinfo, scope_id. socklab prints
 * the same tuples so a class can compare its screen with the tutorial.
 * Nothing here prints, exits or blocks except addr_resolve (getaddrinfo).
 */
#ifndef SOCKLAB_ADDR_H
#define SOCKLAB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

/* Enough for the longest tuple: IPv6 text, %ifname, port, flowinfo, scope. */
#define ADDR_TEXT_MAX 128

/* ('127.0.0.1', 58538) or ('::1', 35740, 0, 0). A non-zero scope_id is
 * followed by the interface name where it has one: ('fe80::1', 80, 0, 2)
 * becomes ('fe80::1', 80, 0, 2) %eth0. Returns the length written. */
size_t addr_tuple(const struct sockaddr *sa, char *out, size_t cap);

/* 127.0.0.1:9101, [::1]:9301 or [fe80::1%eth0]:9101 (a scoped address
 * keeps its interface, or its index when it has no name): the form used
 * in bind errors and listen lines. Returns the length written. */
size_t addr_hostport(const struct sockaddr *sa, char *out, size_t cap);

/* Numeric host only ("::ffff:127.0.0.1"), without the port. */
size_t addr_host(const struct sockaddr *sa, char *out, size_t cap);

/* The port in host order, 0 for an unknown family. */
uint16_t addr_port(const struct sockaddr *sa);

/* True when sa is an AF_INET6 address of the form ::ffff:a.b.c.d. When
 * v4 is not NULL, the embedded IPv4 is written there as text. */
bool addr_is_mapped(const struct sockaddr *sa, char *v4, size_t cap);

/* Length of the sockaddr for its family, 0 when unknown. */
socklen_t addr_len(const struct sockaddr *sa);

/* Parses a numeric host ("127.0.0.1", "::1", "fe80::1%lo") with a port
 * into ss for the wanted family (AF_INET, AF_INET6 or AF_UNSPEC). Names
 * are not resolved. Returns 0, or -1 with a reason in err. */
int addr_parse_numeric(const char *host, uint16_t port, int family, struct sockaddr_storage *ss,
		       char *err, size_t errcap);

/* Parses a port "0".."65535". Returns 0, or -1 when it is not one. */
int addr_parse_port(const char *s, uint16_t *port);

/* The symbolic name of an errno value ("ECONNREFUSED"); "E?" if unknown. */
const char *addr_errno_name(int err);

#endif
