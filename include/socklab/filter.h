/*
 * filter: which events a person wants to see, as a small expression.
 *
 *   server=2 peer=127.0.0.1 port=9101 kind=recv transport=udp text=hola
 *
 * Terms are separated by spaces and must all hold (AND); one term may list
 * several values separated by commas, any of which may hold (OR):
 * kind=recv,send. A value may be double-quoted, with \\ \" \n \r \t \xNN
 * escapes, so text can hold spaces or any byte: text="hola mundo".
 *
 *   server=N       the server's id (#N); 0 is the lab's own client
 *   peer=ADDR      the peer's address (an IPv4-mapped peer matches its IPv4
 *                  form too); ADDR:PORT or [ADDR]:PORT adds the port;
 *                  peer=PORT is the peer's port alone
 *   port=N         the local or the peer port
 *   kind=K         an event kind (recv, send, dgram-in, ...), or in, out,
 *                  data (every payload kind)
 *   transport=T    tcp or udp
 *   text=S         the recorded payload contains S (ASCII case ignored)
 *
 * An empty expression is a filter that lets everything through. Pure: no
 * I/O, no allocation.
 */
#ifndef SOCKLAB_FILTER_H
#define SOCKLAB_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socklab/event.h"

#define FILTER_ALT_MAX 8    /* values in one term */
#define FILTER_TEXT_MAX 256 /* bytes of text= */
#define FILTER_ERR_MAX 320  /* enough for any message filter_parse writes */
#define FILTER_FORMAT_MAX (FILTER_TEXT_MAX * 4 + 1024)

enum filter_key {
	FILTER_SERVER = 1 << 0,
	FILTER_PEER = 1 << 1,
	FILTER_PORT = 1 << 2,
	FILTER_KIND = 1 << 3,
	FILTER_TRANSPORT = 1 << 4,
	FILTER_TEXT = 1 << 5,
};

/* A peer as compared: IPv4-mapped IPv6 addresses are held as IPv4. */
struct filter_addr {
	int family;	   /* AF_INET, AF_INET6, or AF_UNSPEC for a port alone */
	uint8_t addr[16];  /* 4 bytes used for AF_INET */
	uint32_t scope_id; /* 0: any */
	bool has_port;
	uint16_t port;
};

struct filter {
	unsigned keys; /* enum filter_key bits present; 0 lets everything through */
	unsigned nserver, npeer, nport;
	unsigned server[FILTER_ALT_MAX];
	struct filter_addr peer[FILTER_ALT_MAX];
	uint16_t port[FILTER_ALT_MAX];
	uint32_t kinds;	     /* bit per enum event_kind */
	uint32_t transports; /* bit per enum transport */
	size_t text_len;
	uint8_t text[FILTER_TEXT_MAX];
};

/* Parses expr into f. Returns 0, or -1 with a sentence naming the bad term
 * and why in err (f is then a filter that lets everything through). */
int filter_parse(const char *expr, struct filter *f, char *err, size_t errcap);

/* True when f lets nothing be filtered out. */
bool filter_empty(const struct filter *f);

/* True when ev passes every term of f. */
bool filter_match(const struct filter *f, const struct event *ev);

/* The filter back as a canonical expression that filter_parse reads into
 * the same filter (text quoted and escaped: printable ASCII only). Returns
 * the length written; always NUL-terminated when cap > 0. */
size_t filter_format(const struct filter *f, char *out, size_t cap);

#endif
