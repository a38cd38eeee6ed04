/*
 * event: one record per thing a server or client did, and the queue that
 * carries them from server threads to whoever shows them.
 *
 * Server threads never wait on the consumer: event_push takes a short lock,
 * and when the ring is full the event is dropped and counted. The ring
 * holds records of variable size (an event without payload takes a few
 * hundred bytes, one with a full preview a few KiB), so its capacity is
 * given in bytes. The consumer
 * (TUI or CLI) polls event_queue_fd(), then drains with event_pop; the
 * first event after a loss is an EV_DROPPED that says how many were lost.
 */
#ifndef SOCKLAB_EVENT_H
#define SOCKLAB_EVENT_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "socklab/packet.h"
#include "socklab/spec.h"

/* Payload bytes kept with each event (enough for a hex dump in a detail
 * view); the byte count is always the real one. */
#define EVENT_PREVIEW_MAX 4096
/* Payload bytes shown in a one-line text event. */
#define EVENT_TEXT_PREVIEW 96
#define EVENT_MESSAGE_MAX 200
#define EVENT_MESSAGE_ARGS 128

enum event_kind {
	EV_SYSCALL,   /* a system-call step (socket, bind, ...): trace only */
	EV_LISTEN,    /* a socket is bound (and listening, for TCP) */
	EV_ACCEPT,    /* a TCP connection was accepted */
	EV_CONNECT,   /* a client connected */
	EV_RECV,      /* bytes received on a connection */
	EV_SEND,      /* bytes sent on a connection */
	EV_CLOSE,     /* a connection ended; reason says why */
	EV_DGRAM_IN,  /* a datagram arrived */
	EV_DGRAM_OUT, /* a datagram was sent */
	EV_WARNING,   /* something degraded but the server goes on */
	EV_ERROR,     /* something failed */
	EV_STOP,      /* a server stopped */
	EV_DROPPED,   /* the queue was full: count events were lost */
	EV_PACKET,    /* a captured frame (capture.h): see the packet fields below */
	EV_READ_LINE, /* a line read from a stdio stream over the socket (echo-stdio, the
			 tutorial's makefile()): not one recv, see the trace for those */
	EV_KIND_COUNT
};

enum close_reason {
	CLOSE_NONE,
	CLOSE_PEER_EOF,	 /* the peer closed (recv returned 0) */
	CLOSE_RESET,	 /* the peer reset the connection */
	CLOSE_SERVER,	 /* the service closed it (hello, after its greeting) */
	CLOSE_STOP,	 /* the server was stopped */
	CLOSE_ERROR,	 /* an error on the socket; err says which */
	CLOSE_OVERFLOW,	 /* the peer did not read and the output cap was hit */
	CLOSE_IDLE,	 /* no traffic within the idle timeout */
	CLOSE_LOCAL,	 /* the local client closed */
	CLOSE_NO_THREAD, /* echo-stdio: no worker thread could be made for it */
	CLOSE_REASON_COUNT
};

/* What kind of thing an event is, for whoever colours, filters or exports
 * events: one bit set per kind (event_kind_class). */
enum event_class {
	EVENT_CLASS_TRACE = 1 << 0, /* a system-call step */
	EVENT_CLASS_INFO = 1 << 1,  /* a server or connection began or ended */
	EVENT_CLASS_IN = 1 << 2,    /* payload that arrived */
	EVENT_CLASS_OUT = 1 << 3,   /* payload that was sent */
	EVENT_CLASS_WARN = 1 << 4,  /* degraded, going on (a warning, lost events) */
	EVENT_CLASS_ERROR = 1 << 5, /* failed */
	EVENT_CLASS_WIRE = 1 << 6,  /* a captured packet */
};
#define EVENT_CLASS_DATA (EVENT_CLASS_IN | EVENT_CLASS_OUT)

struct event {
	enum event_kind kind;
	struct timespec time; /* CLOCK_REALTIME */
	unsigned server;      /* server id, 0 for a client event */
	uint64_t conn;	      /* connection id within the server, 0: none */
	enum transport transport;
	enum service service;
	enum family family;
	bool has_local, has_peer;
	struct sockaddr_storage local, peer;
	uint64_t bytes; /* real size, even when preview is cut */
	uint16_t preview_len;
	enum close_reason reason;	 /* EV_CLOSE */
	int err;			 /* errno for EV_ERROR, EV_WARNING, EV_SYSCALL */
	int ret;			 /* return value for EV_SYSCALL */
	int v6only;			 /* EV_LISTEN on AF_INET6: 0 or 1; -1 n/a */
	bool truncated;			 /* a datagram bigger than the buffer */
	bool local_dst;			 /* datagram on a wildcard server: local is the address
					    it was sent to (IP_PKTINFO), shown in the text line */
	uint64_t count;			 /* EV_DROPPED: how many */
	char syscall[16];		 /* EV_SYSCALL: "bind", "accept4", ...; message holds
					    its other arguments ("4096"), as strace writes them */
	int fd;				 /* EV_SYSCALL: the socket it is called on; -1 none */
	int call_addr;			 /* EV_SYSCALL: enum event_call_addr */
	int call_dgram;			 /* EV_SYSCALL recvmmsg/sendmmsg: 0 the call itself; n > 0
					    a line under it for its datagram [n - 1]: bytes, peer */
	char python[96];		 /* EV_SYSCALL: the tutorial's Python line for this step
					    ("srv.listen(8)"), "" where there is none */
	int backlog;			 /* EV_SYSCALL listen: the backlog asked for */
	int accept_wait_ms;		 /* EV_ACCEPT: how long the connection, complete, waited in
					    the accept queue (Linux TCP_INFO); -1 unknown */
	char message[EVENT_MESSAGE_MAX]; /* in English: what JSON Lines carry */
	/* The message as a code and values (msg.h), so the edge can show it
	 * translated: message_fmt is the MSG_ format (NULL: message is not a
	 * sentence, show it as it is), message_args its values. */
	const char *message_fmt;
	/* A sentence with a count (event_set_message_n): its plural format
	 * and the count that picks the form; NULL when it has none. */
	const char *message_fmt_many;
	unsigned long message_n;
	uint16_t message_args_len;
	char message_args[EVENT_MESSAGE_ARGS];
	/* EV_PACKET: the frame's first preview_len bytes are in preview and
	 * bytes is its length on the wire; it is decoded (packet_decode) when
	 * shown, with the relative sequence bases the capture worked out. */
	struct {
		int link;	 /* enum packet_link */
		char ifname[16]; /* the interface it was captured on */
		struct packet_rel rel;
	} pkt;
	/* Last, so a queued record stops at preview_len. */
	uint8_t preview[EVENT_PREVIEW_MAX];
};

/* Where a client's system calls go as they return, each an EV_SYSCALL
 * (client.h, session.h): a front end that shows them sets fn (called on
 * the thread that made the call); fn NULL: nowhere. */
struct event_sink {
	void (*fn)(void *arg, const struct event *ev);
	void *arg;
};

/* Which of an EV_SYSCALL's addresses its strace form shows, and where:
 * the others are the connection's tuple, there for whoever joins events
 * by connection (the ladder). */
enum event_call_addr {
	EVENT_CALL_NO_ADDR,   /* socket, listen, recv, send, shutdown, close */
	EVENT_CALL_LOCAL_ARG, /* bind(3, ('127.0.0.1', 9101)) */
	EVENT_CALL_PEER_ARG,  /* connect(5, ('::1', 9401, 0, 0)), sendto */
	EVENT_CALL_PEER_RET,  /* accept4(3, ...) = 7 ('127.0.0.1', 58538), recvfrom */
};

struct event_queue;

/* bytes: ring size; events are dropped when the next one does not fit.
 * EVENT_QUEUE_DEFAULT suits a lab. Returns NULL when out of memory. */
#define EVENT_QUEUE_DEFAULT (16u * 1024 * 1024)
struct event_queue *event_queue_new(size_t bytes);
void event_queue_free(struct event_queue *q);

/* Copies ev into the queue. Never blocks on the consumer; returns false
 * when the event was dropped because the queue was full. */
bool event_push(struct event_queue *q, const struct event *ev);

/* For a producer that pushes many events in a row (a server thread): the
 * same as event_push, but the consumer is not woken; preview, when not
 * NULL, is where the ev->preview_len payload bytes are (saving a copy into
 * ev->preview). Call event_queue_kick once the batch is done. */
bool event_push_batch(struct event_queue *q, const struct event *ev, const void *preview);
void event_queue_kick(struct event_queue *q);

/* Takes the oldest event. Returns false when there is none; the consumer
 * then polls event_queue_fd(), which turns readable when more arrive.
 * One consumer: never called by two threads at once (another thread may
 * take over once the first is joined, as serve's stop does). */
bool event_pop(struct event_queue *q, struct event *ev);

/* Readable while events are waiting; poll it, then drain with event_pop. */
int event_queue_fd(const struct event_queue *q);

/* Total events dropped since the queue was made. */
uint64_t event_queue_dropped(struct event_queue *q);

/* Fills the common fields of a fresh event (time now, everything else
 * zero, v6only -1). */
void event_init(struct event *ev, enum event_kind kind);

/* Sets the message: fmt (a MSG_ format of msg.h) with its values, in
 * English into message, and as a code and values for event_format_text. */
void event_set_message(struct event *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void event_vset_message(struct event *ev, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The same for a sentence with a count: one and many (an NN_ pair, as
 * MSG_QUEUE_DROPPED is), n picks the form, in English here and through
 * ngettext's rules where it is shown. Both formats take the same values. */
void event_set_message_n(struct event *ev, const char *one, const char *many, unsigned long n, ...)
    __attribute__((format(printf, 2, 5))) __attribute__((format(printf, 3, 5)));
void event_vset_message_n(struct event *ev, const char *one, const char *many, unsigned long n,
			  va_list ap) __attribute__((format(printf, 2, 0)))
__attribute__((format(printf, 3, 0)));

/* The message in the edge's language (event_format_text's words), not
 * escaped; the length written. A translation may be longer than English. */
#define EVENT_MESSAGE_TEXT_MAX (EVENT_MESSAGE_MAX * 2)
size_t event_message_text(const struct event *ev, char *out, size_t cap);

/* A fresh EV_SYSCALL: call on socket fd (-1: none), its other arguments
 * (args, NULL: none), its return value, and err when ret < 0. The caller
 * adds the addresses (call_addr), the connection and the Python line. */
void event_init_call(struct event *ev, const char *call, int fd, const char *args, int ret,
		     int err);

/* An EV_SYSCALL as strace writes it: "socket(AF_INET6, SOCK_STREAM, 0) = 5",
 * "recv(7, 4096) = 5", "accept4(3, ...) = 7 ('127.0.0.1', 58538)",
 * "bind(3, ('127.0.0.1', 9101)) = -1 EADDRINUSE (Address already in use)";
 * under a "recvmmsg(3, 64) = 2" a line per datagram (call_dgram),
 * "  [0] 5 bytes from ('127.0.0.1', 40000)" ("to" for sendmmsg).
 * The length written. The one formatter of system calls: serve --trace,
 * client --trace, the lab's system calls pane and the ladder use it. */
size_t event_call_text(const struct event *ev, char *out, size_t cap);
/* In a text line the tutorial's Python line follows the call, which is
 * padded to this many columns so that the Python lines form a column. */
#define EVENT_CALL_COLUMNS 42
/* An EV_SYSCALL's line without its time: who made the call ("#1 " or
 * "client "), the call, and its Python line, after the call padded to
 * EVENT_CALL_COLUMNS (padded) or two spaces (a narrow view's form).
 * event_format_text writes the time, then this, padded. */
size_t event_call_line(const struct event *ev, bool padded, char *out, size_t cap);

/* Stores up to EVENT_PREVIEW_MAX bytes of data and the real size n. */
void event_set_data(struct event *ev, const void *data, size_t n);

const char *event_kind_name(enum event_kind k);
/* The kind's enum event_class bit (0 for a kind out of range). */
unsigned event_kind_class(enum event_kind k);
const char *event_close_reason_name(enum close_reason r);

/* Formats one event as a human-readable line (no newline), peer bytes
 * escaped, its words and sentences in the language of the translator the
 * edge installed (msg_set_translator; English without one). Returns the
 * length written. */
size_t event_format_text(const struct event *ev, char *out, size_t cap);

/* Formats one event as a JSON object (no newline). Always valid JSON. */
size_t event_format_json(const struct event *ev, char *out, size_t cap);

/* Largest output of the two formatters (JSON escapes a byte in at most
 * six characters, and gives it again as two hex digits). */
#define EVENT_FORMAT_MAX (EVENT_PREVIEW_MAX * 8 + 2048)

#endif
