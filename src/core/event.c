/*
 * event: the bounded event queue and the two event formats (see event.h).
 *
 * The queue is a ring of variable-size records. Producers take one mutex,
 * held only for a memcpy. The one consumer takes it once per batch: it
 * learns how many records it may read, then reads them without the lock,
 * giving each one's room back to the producers at once (an atomic head).
 * A busy server and a printer draining thousands of events at a time
 * then no longer meet on the mutex for every event.
 *
 * The wake eventfd is written only when the consumer said it was going to
 * sleep (it found the ring empty) and something has arrived since; a
 * server thread pushes a whole batch quietly and kicks once at the end,
 * after its replies are sent, so neither a round trip nor a busy stream
 * pays a syscall and a cross-CPU wakeup per event.
 *
 * Most events (every recv, reply and datagram) use none of the fields from
 * syscall on: they are as event_init left them. Such an event is queued
 * short, without that part (528 of its 880 header bytes), and popped with
 * it copied from the queue's own pristine copy: less than half the memory
 * written into the ring and read back from the other core per event.
 */
#include "socklab/event.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/msg.h"
#include "socklab/strbuf.h"

/* A record is a word, then the event's first REC_HEAD bytes (REC_SHORT_HEAD
 * when the word has REC_SHORT), then preview_len bytes of preview; the
 * word's other bits count the bytes after it. */
#define REC_HEAD offsetof(struct event, preview)
#define REC_SHORT_HEAD offsetof(struct event, syscall)
#define REC_SHORT 0x80000000u

struct event_queue {
	pthread_mutex_t lock;
	unsigned char *ring;
	size_t cap; /* bytes */
	/* Byte offsets, never wrapped: the next record to pop (written by the
	 * consumer only, read by producers for the room left), the next to
	 * push. */
	_Atomic uint64_t head;
	uint64_t tail;
	uint64_t pushed;  /* events accepted: the sequence of the next one */
	uint64_t popped;  /* events taken; the consumer's own */
	uint64_t avail;	  /* records the consumer may take without the lock */
	uint64_t dropped; /* since the start */
	/* Losses not yet reported, oldest first: count events were lost just
	 * before event sequence at. Losses past the last slot join it. */
	struct {
		uint64_t at, count;
	} gap[8];
	int ngaps;
	bool sleeping; /* the consumer found the ring empty: wake it */
	int wakefd;
	/* The rarely used part of a header as event_init leaves it. */
	unsigned char rare[REC_HEAD - REC_SHORT_HEAD];
};

/* The queue's pristine copy of a header's rarely used part, from an event
 * as event_init leaves it (on the heap: an event is 5 KB). */
static bool rare_init(struct event_queue *q)
{
	struct event *e = malloc(sizeof *e);

	if (e == NULL)
		return false;
	event_init(e, EV_RECV);
	memcpy(q->rare, (unsigned char *)e + REC_SHORT_HEAD, sizeof q->rare);
	free(e);
	return true;
}

struct event_queue *event_queue_new(size_t bytes)
{
	struct event_queue *q = calloc(1, sizeof *q);

	if (q == NULL)
		return NULL;
	/* At least one full-size event always fits. */
	q->cap = bytes > 2 * sizeof(struct event) ? bytes : 2 * sizeof(struct event);
	q->ring = malloc(q->cap);
	q->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->ring == NULL || q->wakefd < 0) {
		if (q->wakefd >= 0)
			close(q->wakefd);
		free(q->ring);
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	q->sleeping = true;
	if (!rare_init(q)) {
		event_queue_free(q);
		return NULL;
	}
	return q;
}

void event_queue_free(struct event_queue *q)
{
	if (q == NULL)
		return;
	close(q->wakefd);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

int event_queue_fd(const struct event_queue *q)
{
	return q->wakefd;
}

uint64_t event_queue_dropped(struct event_queue *q)
{
	uint64_t n;

	pthread_mutex_lock(&q->lock);
	n = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* Copies n bytes in or out of the ring at offset off, wrapping around. */
static void ring_put(struct event_queue *q, uint64_t off, const void *src, size_t n)
{
	size_t at = (size_t)(off % q->cap), first = q->cap - at < n ? q->cap - at : n;

	memcpy(q->ring + at, src, first);
	memcpy(q->ring, (const unsigned char *)src + first, n - first);
}

static void ring_get(struct event_queue *q, uint64_t off, void *dst, size_t n)
{
	size_t at = (size_t)(off % q->cap), first = q->cap - at < n ? q->cap - at : n;

	memcpy(dst, q->ring + at, first);
	memcpy((unsigned char *)dst + first, q->ring, n - first);
}

static void wake(struct event_queue *q)
{
	uint64_t one = 1;
	ssize_t r = write(q->wakefd, &one, sizeof one);

	(void)r; /* EAGAIN: the counter is already non-zero, it is awake */
}

/* Under the lock: whether the consumer must be woken now. */
static bool take_wake(struct event_queue *q)
{
	if (!q->sleeping || (atomic_load(&q->head) == q->tail && q->ngaps == 0))
		return false;
	q->sleeping = false;
	return true;
}

/* Bytes and datagrams (and trace steps) leave the last eighth of the ring
 * to the events that say what became of a connection or a server (accept,
 * close, listen, stop, warnings, errors): a flood that outruns the
 * consumer costs the log payload events, never the closes of a stop. */
static size_t room_for(const struct event_queue *q, enum event_kind k)
{
	switch (k) {
	case EV_RECV:
	case EV_SEND:
	case EV_DGRAM_IN:
	case EV_DGRAM_OUT:
	case EV_SYSCALL:
		return q->cap - q->cap / 8;
	default:
		return q->cap;
	}
}

static bool push(struct event_queue *q, const struct event *ev, const void *preview, bool loud)
{
	/* Compared outside the lock: the queue's copy never changes. */
	bool brief =
	    memcmp((const unsigned char *)ev + REC_SHORT_HEAD, q->rare, sizeof q->rare) == 0;
	size_t head = brief ? REC_SHORT_HEAD : REC_HEAD;
	uint32_t size = (uint32_t)(head + ev->preview_len), word = size | (brief ? REC_SHORT : 0);
	bool w = false, ok = true;

	pthread_mutex_lock(&q->lock);
	if (q->tail - atomic_load_explicit(&q->head, memory_order_acquire) + sizeof word + size >
	    room_for(q, ev->kind)) {
		int g = q->ngaps - 1;

		if ((g < 0 || q->gap[g].at != q->pushed) &&
		    q->ngaps < (int)(sizeof q->gap / sizeof q->gap[0])) {
			g = q->ngaps++;
			q->gap[g].at = q->pushed;
			q->gap[g].count = 0;
		}
		q->gap[g].count++;
		q->dropped++;
		ok = false;
	} else {
		ring_put(q, q->tail, &word, sizeof word);
		ring_put(q, q->tail + sizeof word, ev, head);
		ring_put(q, q->tail + sizeof word + head, preview ? preview : ev->preview,
			 ev->preview_len);
		q->tail += sizeof word + size;
		q->pushed++;
	}
	if (loud)
		w = take_wake(q);
	pthread_mutex_unlock(&q->lock);
	if (w)
		wake(q);
	return ok;
}

bool event_push(struct event_queue *q, const struct event *ev)
{
	return push(q, ev, NULL, true);
}

bool event_push_batch(struct event_queue *q, const struct event *ev, const void *preview)
{
	return push(q, ev, preview, false);
}

void event_queue_kick(struct event_queue *q)
{
	bool w;

	pthread_mutex_lock(&q->lock);
	w = take_wake(q);
	pthread_mutex_unlock(&q->lock);
	if (w)
		wake(q);
}

/* Under the lock, with no record left to take: the loss to report next,
 * or how many records have come since. Returns true when ev is that loss. */
static bool take_more(struct event_queue *q, struct event *ev)
{
	bool loss = false;

	pthread_mutex_lock(&q->lock);
	if (q->ngaps > 0 && q->popped == q->gap[0].at) {
		event_init(ev, EV_DROPPED);
		ev->count = q->gap[0].count;
		event_set_message_n(ev, MSG_QUEUE_DROPPED, (unsigned long)ev->count,
				    (unsigned long long)ev->count);
		q->ngaps--;
		memmove(&q->gap[0], &q->gap[1], (size_t)q->ngaps * sizeof q->gap[0]);
		loss = true;
	} else {
		/* Up to the next loss, so that it is reported in its place. */
		q->avail = (q->ngaps > 0 ? q->gap[0].at : q->pushed) - q->popped;
		if (q->avail == 0) {
			uint64_t v;
			ssize_t r = read(q->wakefd, &v, sizeof v);

			q->sleeping = true;
			(void)r;
			/* An event pushed after this read writes the eventfd again. */
		}
	}
	pthread_mutex_unlock(&q->lock);
	return loss;
}

bool event_pop(struct event_queue *q, struct event *ev)
{
	uint64_t at;
	uint32_t word, size;
	size_t head;

	if (q->avail == 0) {
		if (take_more(q, ev))
			return true; /* a loss, in its place */
		if (q->avail == 0)
			return false;
	}
	/* Complete records, pushed before take_more looked: no producer
	 * writes here until the head passes them. */
	at = atomic_load_explicit(&q->head, memory_order_relaxed);
	ring_get(q, at, &word, sizeof word);
	size = word & ~REC_SHORT;
	head = word & REC_SHORT ? REC_SHORT_HEAD : REC_HEAD;
	ring_get(q, at + sizeof word, ev, head);
	ring_get(q, at + sizeof word + head, ev->preview, size - head);
	atomic_store_explicit(&q->head, at + sizeof word + size, memory_order_release);
	q->avail--;
	q->popped++;
	if (head == REC_SHORT_HEAD)
		memcpy((unsigned char *)ev + REC_SHORT_HEAD, q->rare, sizeof q->rare);
	return true;
}

void event_init(struct event *ev, enum event_kind kind)
{
	/* The preview is not cleared: preview_len says how much is valid. */
	memset(ev, 0, offsetof(struct event, preview));
	ev->kind = kind;
	ev->v6only = -1;
	ev->accept_wait_ms = -1;
	ev->fd = -1;
	clock_gettime(CLOCK_REALTIME, &ev->time);
}

void event_init_call(struct event *ev, const char *call, int fd, const char *args, int ret, int err)
{
	event_init(ev, EV_SYSCALL);
	snprintf(ev->syscall, sizeof ev->syscall, "%s", call);
	ev->fd = fd;
	ev->ret = ret;
	ev->err = ret < 0 ? err : 0;
	if (args != NULL)
		snprintf(ev->message, sizeof ev->message, "%s", args);
}

size_t event_call_text(const struct event *ev, char *out, size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);
	const struct sockaddr_storage *arg = NULL;
	const char *sep = "";
	char a[ADDR_TEXT_MAX];

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (ev->call_addr == EVENT_CALL_LOCAL_ARG && ev->has_local)
		arg = &ev->local;
	else if (ev->call_addr == EVENT_CALL_PEER_ARG && ev->has_peer)
		arg = &ev->peer;
	if (ev->call_dgram > 0) {
		bool in = strcmp(ev->syscall, "recvmmsg") == 0;
		unsigned long long n = (unsigned long long)ev->bytes;

		addr_tuple((const void *)&ev->peer, a, sizeof a);
		strbuf_fmt(&o, "  [%d] ", ev->call_dgram - 1);
		if (in)
			strbuf_fmt(&o, msg_ntr("%llu byte from %s", "%llu bytes from %s", n), n, a);
		else
			strbuf_fmt(&o, msg_ntr("%llu byte to %s", "%llu bytes to %s", n), n, a);
		return o.len;
	}
	strbuf_fmt(&o, "%s(", ev->syscall);
	if (ev->fd >= 0) {
		strbuf_fmt(&o, "%d", ev->fd);
		sep = ", ";
	}
	if (ev->message[0]) {
		strbuf_fmt(&o, "%s%s", sep, ev->message);
		sep = ", ";
	}
	if (arg != NULL) {
		addr_tuple((const void *)arg, a, sizeof a);
		strbuf_fmt(&o, "%s%s", sep, a);
	}
	strbuf_fmt(&o, ") = %d", ev->ret);
	if (ev->ret < 0) {
		strbuf_fmt(&o, " %s (%s)", addr_errno_name(ev->err), strerror(ev->err));
	} else if (ev->call_addr == EVENT_CALL_PEER_RET && ev->has_peer) {
		addr_tuple((const void *)&ev->peer, a, sizeof a);
		strbuf_fmt(&o, " %s", a);
	}
	return o.len;
}

void event_set_data(struct event *ev, const void *data, size_t n)
{
	size_t k = n < EVENT_PREVIEW_MAX ? n : EVENT_PREVIEW_MAX;

	memcpy(ev->preview, data, k);
	ev->preview_len = (uint16_t)k;
	ev->bytes = n;
}

/* Each kind's name (the text line and JSON's "event") and class. */
static const struct {
	const char *name;
	unsigned class;
} kinds[EV_KIND_COUNT] = {
    [EV_SYSCALL] = {"syscall", EVENT_CLASS_TRACE},
    [EV_LISTEN] = {"listen", EVENT_CLASS_INFO},
    [EV_ACCEPT] = {"accept", EVENT_CLASS_INFO},
    [EV_CONNECT] = {"connect", EVENT_CLASS_INFO},
    [EV_RECV] = {"recv", EVENT_CLASS_IN},
    [EV_SEND] = {"send", EVENT_CLASS_OUT},
    [EV_CLOSE] = {"close", EVENT_CLASS_INFO},
    [EV_DGRAM_IN] = {"dgram-in", EVENT_CLASS_IN},
    [EV_DGRAM_OUT] = {"dgram-out", EVENT_CLASS_OUT},
    [EV_WARNING] = {"warning", EVENT_CLASS_WARN},
    [EV_ERROR] = {"error", EVENT_CLASS_ERROR},
    [EV_STOP] = {"stop", EVENT_CLASS_INFO},
    [EV_DROPPED] = {"dropped", EVENT_CLASS_WARN},
    [EV_PACKET] = {"packet", EVENT_CLASS_WIRE},
    [EV_READ_LINE] = {"readline", EVENT_CLASS_IN},
};

static const char *const close_reasons[CLOSE_REASON_COUNT] = {
    [CLOSE_NONE] = "none",	     [CLOSE_PEER_EOF] = "peer-eof",
    [CLOSE_RESET] = "reset",	     [CLOSE_SERVER] = "server-closed",
    [CLOSE_STOP] = "server-stop",    [CLOSE_ERROR] = "error",
    [CLOSE_OVERFLOW] = "output-cap", [CLOSE_IDLE] = "idle-timeout",
    [CLOSE_LOCAL] = "local-close",   [CLOSE_NO_THREAD] = "no-thread",
};

const char *event_kind_name(enum event_kind k)
{
	return (unsigned)k < EV_KIND_COUNT ? kinds[k].name : "?";
}

unsigned event_kind_class(enum event_kind k)
{
	return (unsigned)k < EV_KIND_COUNT ? kinds[k].class : 0;
}

const char *event_close_reason_name(enum close_reason r)
{
	return (unsigned)r < CLOSE_REASON_COUNT ? close_reasons[r] : "none";
}

/* EV_PACKET, after the time: "PACKET lo " and the decoded frame. */
static size_t packet_event_text(const struct event *ev, struct strbuf *o)
{
	struct packet p;
	char line[PACKET_FORMAT_MAX], ifn[sizeof ev->pkt.ifname * 4 + 1];
	size_t used, n, ni;

	packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
	n = packet_format_text(&p, &ev->pkt.rel, line, sizeof line);
	ni = esc_text(ev->pkt.ifname, strnlen(ev->pkt.ifname, sizeof ev->pkt.ifname), ifn,
		      sizeof ifn, &used);
	strbuf_put(o, "PACKET ", 7);
	strbuf_put(o, ni ? ifn : "-", ni ? ni : 1);
	strbuf_put(o, " ", 1);
	strbuf_put(o, line, n);
	return o->len;
}

/* EV_PACKET, after the server: the interface and the decoded frame. */
static size_t packet_event_json(const struct event *ev, struct strbuf *o)
{
	struct packet p;
	char obj[PACKET_FORMAT_MAX], ifn[sizeof ev->pkt.ifname * 6 + 1];

	packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
	packet_format_json(&p, &ev->pkt.rel, obj, sizeof obj);
	esc_json(ev->pkt.ifname, strnlen(ev->pkt.ifname, sizeof ev->pkt.ifname), ifn, sizeof ifn);
	strbuf_fmt(o, ",\"bytes\":%llu,\"ifname\":\"%s\",\"packet\":%s}",
		   (unsigned long long)ev->bytes, ifn, obj);
	return o->len;
}

void event_vset_message(struct event *ev, const char *fmt, va_list ap)
{
	va_list again;

	va_copy(again, ap);
	vsnprintf(ev->message, sizeof ev->message, fmt, ap);
	ev->message_fmt = fmt;
	ev->message_fmt_many = NULL;
	ev->message_n = 0;
	ev->message_args_len =
	    (uint16_t)msg_vpack(ev->message_args, sizeof ev->message_args, fmt, again);
	va_end(again);
}

void event_vset_message_n(struct event *ev, const char *one, const char *many, unsigned long n,
			  va_list ap)
{
	va_list again;

	/* The English form written out at each call, not kept in a variable:
	 * clang checks the format only where it sees the parameters. */
	va_copy(again, ap);
	vsnprintf(ev->message, sizeof ev->message, n == 1 ? one : many, ap);
	ev->message_fmt = one;
	ev->message_fmt_many = many;
	ev->message_n = n;
	ev->message_args_len = (uint16_t)msg_vpack(ev->message_args, sizeof ev->message_args,
						   n == 1 ? one : many, again);
	va_end(again);
}

void event_set_message_n(struct event *ev, const char *one, const char *many, unsigned long n, ...)
{
	va_list ap;

	va_start(ap, n);
	event_vset_message_n(ev, one, many, n, ap);
	va_end(ap);
}

void event_set_message(struct event *ev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	event_vset_message(ev, fmt, ap);
	va_end(ap);
}

/* The message in the edge's language: its format translated, its values
 * put back; a message without a format (a syscall's arguments, a test's)
 * as it is. */
size_t event_message_text(const struct event *ev, char *out, size_t cap)
{
	if (ev->message_fmt != NULL && ev->message_fmt_many != NULL)
		return msg_render(out, cap,
				  msg_ntr(ev->message_fmt, ev->message_fmt_many, ev->message_n),
				  ev->message_args, ev->message_args_len);
	if (ev->message_fmt != NULL)
		return msg_render(out, cap, msg_tr(ev->message_fmt), ev->message_args,
				  ev->message_args_len);
	size_t n = strnlen(ev->message, sizeof ev->message);

	if (cap == 0)
		return 0;
	n = n < cap ? n : cap - 1;
	memcpy(out, ev->message, n);
	out[n] = '\0';
	return n;
}

static void out_message(struct strbuf *o, const struct event *ev, bool paren)
{
	char text[EVENT_MESSAGE_TEXT_MAX];

	event_message_text(ev, text, sizeof text);
	strbuf_fmt(o, paren ? " (%s)" : "%s", text);
}

/* The kind as a line starts with it, alone and (for the kinds with a
 * peer, or a message) as a whole phrase a translation may reorder: the
 * English is the kind in capitals, then the values. */
static const char *const kind_words[EV_KIND_COUNT] = {
    [EV_SYSCALL] = N_("SYSCALL"), [EV_LISTEN] = N_("LISTEN"),	  [EV_ACCEPT] = N_("ACCEPT"),
    [EV_CONNECT] = N_("CONNECT"), [EV_RECV] = N_("RECV"),	  [EV_SEND] = N_("SEND"),
    [EV_CLOSE] = N_("CLOSE"),	  [EV_DGRAM_IN] = N_("DGRAM-IN"), [EV_DGRAM_OUT] = N_("DGRAM-OUT"),
    [EV_WARNING] = N_("WARNING"), [EV_ERROR] = N_("ERROR"),	  [EV_STOP] = N_("STOP"),
    [EV_DROPPED] = N_("DROPPED"), [EV_PACKET] = "PACKET",	  [EV_READ_LINE] = N_("READLINE"),
};

/* KIND transport peer-tuple */
static const char *const kind_peer[EV_KIND_COUNT] = {
    [EV_ACCEPT] = N_("ACCEPT %s %s"),	  [EV_CONNECT] = N_("CONNECT %s %s"),
    [EV_RECV] = N_("RECV %s %s"),	  [EV_SEND] = N_("SEND %s %s"),
    [EV_CLOSE] = N_("CLOSE %s %s"),	  [EV_READ_LINE] = N_("READLINE %s %s"),
    [EV_DGRAM_IN] = N_("DGRAM-IN %s %s"), [EV_DGRAM_OUT] = N_("DGRAM-OUT %s %s"),
};

/* KIND message */
static const char *const kind_message[EV_KIND_COUNT] = {
    [EV_WARNING] = N_("WARNING %s"),
    [EV_ERROR] = N_("ERROR %s"),
    [EV_STOP] = N_("STOP %s"),
    [EV_DROPPED] = N_("DROPPED %s"),
};

/* english translated, with the values packed in args[0..len). */
static void out_phrase(struct strbuf *o, const char *english, const char *args, size_t len)
{
	if (o->len + 1 < o->cap)
		o->len += msg_render(o->p + o->len, o->cap - o->len, msg_tr(english), args, len);
}

static const char *kind_word(enum event_kind k)
{
	return (unsigned)k < EV_KIND_COUNT && kind_words[k] != NULL ? msg_tr(kind_words[k]) : "?";
}

/* localtime_r of t, worked out once a second per thread: it reads the
 * time zone (getenv, a stat of /etc/localtime) on every call, and a busy
 * server's events mostly share their second. */
static const struct tm *local_tm(time_t t)
{
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local struct tm tm;

	if (t != last) {
		localtime_r(&t, &tm);
		last = t;
	}
	return &tm;
}

/* "HH:MM:SS.mmm " of a line: the seconds' text made once a second, the
 * milliseconds by hand. */
static void put_time(struct strbuf *o, const struct timespec *ts)
{
	static _Thread_local time_t last = (time_t)-1;
	static _Thread_local char hms[16];
	static _Thread_local size_t hms_len;
	long ms = ts->tv_nsec / 1000000;
	char t[5] = {(char)('0' + ms / 100 % 10), (char)('0' + ms / 10 % 10), (char)('0' + ms % 10),
		     ' ', '\0'};

	if (ts->tv_sec != last) {
		const struct tm *tm = local_tm(ts->tv_sec);

		int n = snprintf(hms, sizeof hms, "%02d:%02d:%02d.", tm->tm_hour, tm->tm_min,
				 tm->tm_sec);

		hms_len = n > 0 && (size_t)n < sizeof hms ? (size_t)n : strlen(hms);
		last = ts->tv_sec;
	}
	strbuf_put(o, hms, hms_len);
	strbuf_put(o, t, 4);
}

/* The "RECV tcp ('127.0.0.1', 58538)" phrase of a line, and the note a
 * mapped peer gets at its end, kept per thread for the last peers seen: a
 * connection's events all share them, and rendering them (a translated
 * phrase, the tuple, inet_ntop) cost more than the rest of a data line.
 * Keyed on the kind, the transport, the whole address (a scope id too) and
 * the translator's generation. */
#define PEER_TEXT_SLOTS 64

struct peer_text {
	unsigned gen; /* msg_generation() when made; 0: empty */
	enum event_kind kind;
	enum transport transport;
	socklen_t alen;
	struct sockaddr_in6 peer; /* the first alen bytes of the address */
	size_t len, note_len;
	char text[2 * ADDR_TEXT_MAX + 64], note[ADDR_TEXT_MAX + 96];
};

struct peer_cache {
	struct peer_text slot[PEER_TEXT_SLOTS];
};

static pthread_key_t peer_cache_key;
static pthread_once_t peer_cache_once = PTHREAD_ONCE_INIT;
static bool peer_cache_ok;

static void peer_cache_key_make(void)
{
	peer_cache_ok = pthread_key_create(&peer_cache_key, free) == 0;
}

/* This thread's cache, made with its first line: on the heap, not in TLS,
 * where every thread (each echo-stdio worker too) would carry it. NULL
 * without memory: lines are then rendered each time. */
static struct peer_cache *peer_cache(void)
{
	static _Thread_local struct peer_cache *c;

	if (c == NULL) {
		pthread_once(&peer_cache_once, peer_cache_key_make);
		if (!peer_cache_ok)
			return NULL;
		c = calloc(1, sizeof *c);
		if (c != NULL && pthread_setspecific(peer_cache_key, c) != 0) {
			free(c);
			c = NULL;
		}
	}
	return c;
}

/* The note at the end of a line whose peer is an IPv4-mapped address. */
static void out_mapped_note(struct strbuf *o, const struct event *ev)
{
	char m[64], tr[EVENT_MESSAGE_TEXT_MAX];

	if (!ev->has_peer || !addr_is_mapped((const void *)&ev->peer, m, sizeof m))
		return;
	strbuf_put(o, "  ", 2);
	out_phrase(o, MSG_MAPPED_NOTE, tr, msg_pack(tr, sizeof tr, "%s", m));
}

static void render_peer(const struct event *ev, struct peer_text *pt)
{
	struct strbuf t = {pt->text, 0, sizeof pt->text}, n = {pt->note, 0, sizeof pt->note};
	char a[ADDR_TEXT_MAX], tr[EVENT_MESSAGE_TEXT_MAX];

	pt->text[0] = pt->note[0] = '\0';
	addr_tuple((const void *)&ev->peer, a, sizeof a);
	out_phrase(&t, kind_peer[ev->kind], tr,
		   msg_pack(tr, sizeof tr, "%s%s", transport_name(ev->transport), a));
	out_mapped_note(&n, ev);
	pt->len = t.len;
	pt->note_len = n.len;
}

/* ev's phrase and note, from the cache or rendered (into scratch when
 * there is no cache). */
static const struct peer_text *peer_text(const struct event *ev, struct peer_text *scratch)
{
	struct peer_cache *c = peer_cache();
	const unsigned char *sa = (const void *)&ev->peer;
	socklen_t alen = addr_len((const void *)&ev->peer);
	unsigned gen = msg_generation();
	uint32_t h = 2166136261u ^ (uint32_t)ev->kind ^ ((uint32_t)ev->transport << 8);
	struct peer_text *pt;

	if (c == NULL || alen == 0 || alen > sizeof pt->peer) {
		render_peer(ev, scratch);
		return scratch;
	}
	for (socklen_t i = 0; i < alen; i++)
		h = (h ^ sa[i]) * 16777619u;
	pt = &c->slot[h % PEER_TEXT_SLOTS];
	if (pt->gen == gen && pt->kind == ev->kind && pt->transport == ev->transport &&
	    pt->alen == alen && memcmp(&pt->peer, sa, alen) == 0)
		return pt;
	render_peer(ev, pt);
	/* Text that filled its buffer may have been cut: made afresh each time. */
	pt->gen = pt->len + 1 < sizeof pt->text && pt->note_len + 1 < sizeof pt->note ? gen : 0;
	pt->kind = ev->kind;
	pt->transport = ev->transport;
	pt->alen = alen;
	memcpy(&pt->peer, sa, alen);
	return pt;
}

size_t event_call_line(const struct event *ev, bool padded, char *out, size_t cap)
{
	struct strbuf o = {out, 0, cap};
	char call[EVENT_MESSAGE_MAX + 2 * ADDR_TEXT_MAX + 64];

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (ev->server)
		strbuf_fmt(&o, "#%u ", ev->server);
	else
		strbuf_fmt(&o, "%s", msg_tr(N_("client ")));
	event_call_text(ev, call, sizeof call);
	if (ev->python[0])
		strbuf_fmt(&o, "%-*s  %s", padded ? EVENT_CALL_COLUMNS : 0, call, ev->python);
	else
		strbuf_fmt(&o, "%s", call);
	return o.len;
}

size_t event_format_text(const struct event *ev, char *buf, size_t cap)
{
	struct strbuf o = {buf, 0, cap};
	char a[ADDR_TEXT_MAX], tr[EVENT_MESSAGE_TEXT_MAX];
	const struct peer_text *pt = NULL;
	struct peer_text scratch;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	put_time(&o, &ev->time);
	if (ev->kind == EV_SYSCALL) {
		o.len += event_call_line(ev, true, buf + o.len, cap - o.len);
		return o.len;
	}
	if (ev->server) {
		strbuf_put(&o, "#", 1);
		strbuf_put_u(&o, ev->server);
		strbuf_put(&o, " ", 1);
	} else if (ev->kind == EV_PACKET)
		return packet_event_text(ev, &o);
	else if (ev->kind != EV_DROPPED)
		strbuf_fmt(&o, "%s", msg_tr(N_("client ")));

	switch (ev->kind) {
	case EV_LISTEN:
		addr_hostport((const void *)&ev->local, a, sizeof a);
		out_phrase(&o, N_("LISTEN %s/%s %s %s"), tr,
			   msg_pack(tr, sizeof tr, "%s%s%s%s", transport_name(ev->transport),
				    service_name(ev->service), family_name(ev->family), a));
		if (ev->v6only >= 0)
			strbuf_fmt(&o, "%s",
				   ev->v6only ? msg_tr(N_(" v6only=1")) : msg_tr(N_(" v6only=0")));
		if (ev->message[0])
			out_message(&o, ev, true);
		return o.len;
	case EV_WARNING:
	case EV_ERROR:
	case EV_STOP:
	case EV_DROPPED:
		if (ev->message[0]) {
			char text[EVENT_MESSAGE_TEXT_MAX];

			out_message(&(struct strbuf){text, 0, sizeof text}, ev, false);
			out_phrase(&o, kind_message[ev->kind], tr,
				   msg_pack(tr, sizeof tr, "%s", text));
		} else {
			strbuf_fmt(&o, "%s", kind_word(ev->kind));
		}
		return o.len;
	default:
		break;
	}
	if (ev->has_peer && (unsigned)ev->kind < EV_KIND_COUNT && kind_peer[ev->kind] != NULL) {
		pt = peer_text(ev, &scratch);
		strbuf_put(&o, pt->text, pt->len);
	} else {
		strbuf_fmt(&o, "%s %s", kind_word(ev->kind), transport_name(ev->transport));
		if (ev->has_peer) {
			addr_tuple((const void *)&ev->peer, a, sizeof a);
			strbuf_fmt(&o, " %s", a);
		}
	}
	if (ev->local_dst && ev->has_local) {
		addr_hostport((const void *)&ev->local, a, sizeof a);
		strbuf_fmt(&o, ev->kind == EV_DGRAM_OUT ? msg_tr(" from %s") : msg_tr(" to %s"), a);
	}
	if (event_kind_class(ev->kind) & EVENT_CLASS_DATA) {
		char esc[EVENT_TEXT_PREVIEW * 4 + 1];
		size_t used;

		size_t n = esc_text(ev->preview,
				    ev->preview_len < EVENT_TEXT_PREVIEW ? ev->preview_len
									 : EVENT_TEXT_PREVIEW,
				    esc, sizeof esc, &used);

		strbuf_put(&o, " ", 1);
		strbuf_put_u(&o, ev->bytes);
		strbuf_put(&o, " B \"", 4);
		strbuf_put(&o, esc, n);
		strbuf_put(&o, ev->bytes > used ? "\"..." : "\"", ev->bytes > used ? 4 : 1);
		if (ev->truncated)
			strbuf_fmt(&o, "%s", msg_tr(N_(" (truncated)")));
	}
	if (ev->kind == EV_CLOSE)
		strbuf_fmt(&o, " %s", event_close_reason_name(ev->reason));
	if (ev->kind == EV_ACCEPT && ev->accept_wait_ms > 0)
		strbuf_fmt(&o, msg_tr(" after %d.%03d s in the accept queue"),
			   ev->accept_wait_ms / 1000, ev->accept_wait_ms % 1000);
	if (ev->err)
		strbuf_fmt(&o, " %s", strerror(ev->err));
	if (pt != NULL)
		strbuf_put(&o, pt->note, pt->note_len);
	else
		out_mapped_note(&o, ev);
	if (ev->message[0])
		out_message(&o, ev, true);
	return o.len;
}

static void json_addr(struct strbuf *o, const char *key, const struct sockaddr_storage *ss)
{
	const struct sockaddr *sa = (const void *)ss;
	char host[ADDR_TEXT_MAX], m[64];

	addr_host(sa, host, sizeof host);
	strbuf_fmt(o, ",\"%s\":{\"addr\":\"%s\",\"port\":%u", key, host, addr_port(sa));
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		strbuf_fmt(o, ",\"flowinfo\":%u,\"scope_id\":%u", ntohl(s6->sin6_flowinfo),
			   s6->sin6_scope_id);
		if (addr_is_mapped(sa, m, sizeof m))
			strbuf_fmt(o, ",\"mapped_ipv4\":\"%s\"", m);
	}
	strbuf_fmt(o, "}");
}

size_t event_format_json(const struct event *ev, char *buf, size_t cap)
{
	struct strbuf o = {buf, 0, cap};
	struct tm tm;
	static _Thread_local char esc[EVENT_PREVIEW_MAX * 6 + 1];

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	gmtime_r(&ev->time.tv_sec, &tm);
	strbuf_fmt(&o, "{\"event\":\"%s\",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\"",
		   event_kind_name(ev->kind), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		   tm.tm_hour, tm.tm_min, tm.tm_sec, ev->time.tv_nsec / 1000000);
	strbuf_fmt(&o, ",\"server\":%u", ev->server);
	if (ev->kind == EV_PACKET)
		return packet_event_json(ev, &o);
	if (ev->kind != EV_DROPPED)
		strbuf_fmt(&o, ",\"transport\":\"%s\",\"service\":\"%s\",\"family\":\"%s\"",
			   transport_name(ev->transport), service_name(ev->service),
			   family_name(ev->family));
	if (ev->conn)
		strbuf_fmt(&o, ",\"conn\":%llu", (unsigned long long)ev->conn);
	if (ev->has_local)
		json_addr(&o, "local", &ev->local);
	if (ev->has_peer)
		json_addr(&o, "peer", &ev->peer);
	strbuf_fmt(&o, ",\"bytes\":%llu", (unsigned long long)ev->bytes);
	if (ev->preview_len > 0 || (event_kind_class(ev->kind) & EVENT_CLASS_DATA)) {
		esc_json(ev->preview, ev->preview_len, esc, sizeof esc);
		strbuf_fmt(&o, ",\"data\":\"%s\"", esc);
		/* data is text (0xff and U+00FF look alike there); hex is
		 * the same bytes, losslessly. */
		esc_hex(ev->preview, ev->preview_len, esc, sizeof esc);
		strbuf_fmt(&o, ",\"hex\":\"%s\"", esc);
		if (ev->bytes > ev->preview_len)
			strbuf_fmt(&o, ",\"data_cut\":true");
	}
	if (ev->truncated)
		strbuf_fmt(&o, ",\"truncated\":true");
	if (ev->kind == EV_LISTEN && ev->v6only >= 0)
		strbuf_fmt(&o, ",\"v6only\":%s", ev->v6only ? "true" : "false");
	if (ev->kind == EV_CLOSE)
		strbuf_fmt(&o, ",\"reason\":\"%s\"", event_close_reason_name(ev->reason));
	if (ev->kind == EV_ACCEPT && ev->accept_wait_ms >= 0)
		strbuf_fmt(&o, ",\"accept_wait_ms\":%d", ev->accept_wait_ms);
	if (ev->kind == EV_SYSCALL) {
		esc_json(ev->syscall, strnlen(ev->syscall, sizeof ev->syscall), esc, sizeof esc);
		strbuf_fmt(&o, ",\"syscall\":\"%s\",\"ret\":%d", esc, ev->ret);
		if (ev->fd >= 0)
			strbuf_fmt(&o, ",\"fd\":%d", ev->fd);
		if (ev->backlog > 0)
			strbuf_fmt(&o, ",\"backlog\":%d", ev->backlog);
		if (ev->call_dgram > 0)
			strbuf_fmt(&o, ",\"dgram\":%d", ev->call_dgram - 1);
		if (ev->python[0]) {
			esc_json(ev->python, strnlen(ev->python, sizeof ev->python), esc,
				 sizeof esc);
			strbuf_fmt(&o, ",\"python\":\"%s\"", esc);
		}
	}
	if (ev->kind == EV_DROPPED)
		strbuf_fmt(&o, ",\"count\":%llu", (unsigned long long)ev->count);
	if (ev->err)
		strbuf_fmt(&o, ",\"errno\":%d,\"errno_name\":\"%s\"", ev->err,
			   addr_errno_name(ev->err));
	else if (ev->kind == EV_WARNING || ev->kind == EV_ERROR)
		strbuf_fmt(&o,
			   ",\"errno\":0"); /* the contract: always there; 0 = no system cause */
	if (ev->message[0]) {
		esc_json(ev->message, strnlen(ev->message, sizeof ev->message), esc, sizeof esc);
		strbuf_fmt(&o, ",\"message\":\"%s\"", esc);
	}
	strbuf_fmt(&o, "}");
	return o.len;
}
