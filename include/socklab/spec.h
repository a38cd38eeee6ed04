/*
 * spec: what a server is, as a value, and its text form
 *   TRANSPORT:SERVICE:FAMILY:PORT[@HOST]
 * e.g. tcp:echo:ipv4:9101, udp:echo:ipv4:9201@0.0.0.0, tcp:hello:dual:9401.
 */
#ifndef SOCKLAB_SPEC_H
#define SOCKLAB_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum transport { TRANSPORT_TCP, TRANSPORT_UDP, TRANSPORT_COUNT };

enum service {
	SERVICE_ECHO,	    /* lines -> "eco: <line>", hand-made buffer (1) */
	SERVICE_ECHO_STDIO, /* the same through fdopen + a stdio reader (1.b) */
	SERVICE_CMD,	    /* PING/ECHO/TIME protocol (2) */
	SERVICE_RAW,	    /* bytes back unchanged (4) */
	SERVICE_HELLO,	    /* "hola dual" then close (5) */
	SERVICE_COUNT
};

enum family {
	FAMILY_IPV4,  /* AF_INET */
	FAMILY_IPV6,  /* AF_INET6 with IPV6_V6ONLY=1 */
	FAMILY_DUAL,  /* one AF_INET6 socket with IPV6_V6ONLY=0 */
	FAMILY_DUAL2, /* two sockets: :: with V6ONLY=1 and 0.0.0.0 */
	FAMILY_COUNT
};

#define SPEC_HOST_MAX 256
#define SPEC_DEFAULT_MAX_LINE (64 * 1024)
#define SPEC_DEFAULT_OUTPUT_CAP (256 * 1024)
#define SPEC_DEFAULT_STALL_MS 10000

struct spec {
	enum transport transport;
	enum service service;
	enum family family;
	uint16_t port;		  /* 0: the kernel picks */
	char host[SPEC_HOST_MAX]; /* numeric or a name; "" means the default */
	bool sequential;	  /* one client at a time, others wait */
	int backlog;		  /* 0: the default for the mode */
	size_t max_line;	  /* longest line the line services accept */
	/* Flow control: while a connection has more than output_cap bytes
	 * of replies unsent, the server stops reading from it (TCP then slows
	 * the sender) and reads again once they drain below half of it. */
	size_t output_cap;
	int stall_ms;	     /* unsent output that no byte of leaves for this long: close */
	int idle_timeout_ms; /* 0: none */
	int rcvbuf;	     /* UDP SO_RCVBUF wanted; 0: 4 MiB */
	size_t dgram_max;    /* UDP bytes kept per datagram; 0: 65536 */
};

/* Fills s with the defaults: tcp:echo:ipv4:0, concurrent. */
void spec_default(struct spec *s);

/* Parses TRANSPORT:SERVICE:FAMILY:PORT[@HOST] over the defaults already in
 * s. Returns 0, or -1 with a message naming the bad part in err. */
int spec_parse(const char *text, struct spec *s, char *err, size_t errcap);

/* The spec back as text, host included when it differs from the default. */
size_t spec_format(const struct spec *s, char *out, size_t cap);

/* The host a family binds when none is given: 127.0.0.1, ::1 or ::. */
const char *spec_default_host(enum family f);
const char *spec_host(const struct spec *s);
int spec_backlog(const struct spec *s);

const char *transport_name(enum transport t);
const char *service_name(enum service s);
const char *family_name(enum family f);
/* Reverse lookups: return 0, or -1 when name is not one of them. */
int transport_from_name(const char *name, enum transport *t);
int service_from_name(const char *name, enum service *s);
int family_from_name(const char *name, enum family *f);

/* Whether the service makes sense over the transport (UDP: echo only). */
bool spec_service_allowed(enum transport t, enum service s);

#endif
