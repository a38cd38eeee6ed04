/*
 * msg: the sentences the core hands to a person, and the one way every
 * layer reaches its sentences, so that a catalogue (po/) translates them
 * without touching a call site.
 *
 * Each layer owns its sentences, in its own header:
 *   include/socklab/msg.h   the core's: event messages, errors of spec,
 *                           filter, server and client set-up
 *   src/tui/tui_msg.h       the lab's (panes, keys, help, client pane)
 *   src/cli/cli_msg.h       the command line's (usage, --help, client)
 *
 * To add a message:
 *   1. Define it in the header of the layer that owns it, marked with N_()
 *      (which only marks it for xgettext):
 *          #define MSG_AREA_WHAT  N_("what happened, %s")
 *      One whole sentence per message, printf conversions for the values;
 *      never glue two messages together at run time.
 *   2. Show it through _() at the edge that shows it (lab, CLI text mode):
 *          printf(_(MSG_AREA_WHAT), value);
 *      A static table holds N_() entries (or MSG_ names) and applies _()
 *      when it draws. A sentence with a count takes both forms:
 *          #define MSG_AREA_SAVED  NN_("saved %zu event", "saved %zu events")
 *          printf(P_(MSG_AREA_SAVED, n), n);
 *      A sentence used once may be marked where it is used instead:
 *      _("...") at the edge, msg_tr("...") in the core.
 *   3. make po-update (new msgid into po/socklab.pot, merged into each po/LANG.po), write the
 *      translation, make po-check (no untranslated, no fuzzy entry, and no
 *      sentence that bypasses N_() or _()).
 * Not translated, so not marked: the bytes on the wire (MSG_HELLO,
 * MSG_LINE_TOO_LONG), JSON Lines keys and values, SPEC syntax, option and
 * command names.
 *
 * The core marks its sentences but never translates them: an event's
 * message stays English (JSON Lines are a stable machine format), and the
 * edge that shows a sentence to a person translates it there.
 */
#ifndef SOCKLAB_MSG_H
#define SOCKLAB_MSG_H

#include <libintl.h>
#include <stdarg.h>
#include <stddef.h>

/* The three markers (see above). */
#define _(s) gettext(s)
#define N_(s) s
/* A sentence with a count: NN_(one, many) in the header, P_(MSG_X, n)
 * where shown (ngettext picks the form the language needs for n). */
#define NN_(one, many) one, many
#define P_(pair, n) msg_plural_(pair, n)
#define msg_plural_(one, many, n) ngettext(one, many, n)

/* The edge installs its catalogue's look-ups once, at start (the CLI's
 * lang_init: gettext and ngettext); the core then shows a sentence it
 * formats for a caller, or an event's sentence in event_format_text, in the
 * user's language without calling gettext itself. Without a translator,
 * the English text. */
typedef const char *msg_translator(const char *english);
typedef const char *msg_ntranslator(const char *one, const char *many, unsigned long n);
void msg_set_translator(msg_translator *one, msg_ntranslator *plural);

/* Changes (never to 0) each time msg_set_translator is called: a cache of
 * translated text made under another value is stale. */
unsigned msg_generation(void);
const char *msg_tr(const char *english) __attribute__((format_arg(1)));
const char *msg_ntr(const char *one, const char *many, unsigned long n)
    __attribute__((format_arg(1))) __attribute__((format_arg(2)));

/* errno's description in English, for an event's message (its JSON must
 * not change with the language); the edge shows strerror() for ev->err. */
const char *msg_strerror(int err);

/* A sentence's values as text, for showing it later in another language:
 * each conversion of fmt (an English MSG_ format: no %N$, no '*') formats
 * its value as fmt says, and the results go into args one after the other,
 * each NUL-terminated. Returns the bytes used; a value that does not fit
 * is cut (MSG_ARG_MAX at most each). */
#define MSG_ARG_MAX 160
size_t msg_vpack(char *args, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
size_t msg_pack(char *args, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* fmt (usually a translation of the format the values were packed for)
 * with each conversion replaced by its value: %N$ picks the N-th, a plain
 * conversion the next one, %% a percent sign. Returns the length written. */
size_t msg_render(char *out, size_t cap, const char *fmt, const char *args, size_t args_len);

/* Sentences of the servers (server*.c, session.c, event.c). */
#define MSG_MAPPED_NOTE N_("IPv4-mapped %s")
#define MSG_DUAL_FALLBACK                                                                          \
	N_("IPV6_V6ONLY=0 refused (%s): serving IPv4 and IPv6 on two sockets instead")
#define MSG_DUAL_SPECIFIC                                                                          \
	N_("a socket bound to %s takes IPv6 only (Linux sets IPV6_V6ONLY at bind; only :: is "     \
	   "dual-stack): serving IPv4 on a second socket")
#define MSG_DUAL_SPECIFIC_REFUSED                                                                  \
	N_("dual on %s: a socket bound to a specific address is IPv6-only (Linux sets "            \
	   "IPV6_V6ONLY at bind), and %s; use :: for one dual-stack socket")
#define MSG_DUAL_NO_IPV6 N_("IPv6 is unavailable (%s): serving IPv4 only")
#define MSG_NO_IPV6 N_("IPv6 is unavailable on this host (%s)")
#define MSG_IPV6_DISABLED N_("disabled: no interface has an IPv6 address")
/* Not a sentence: the reply on the wire. */
#define MSG_LINE_TOO_LONG "ERR line too long (max %zu bytes)\n"
#define MSG_LINE_TOO_LONG_LOG                                                                      \
	N_("line longer than %zu bytes: replied with an error and dropped it up to the next "      \
	   "newline")
#define MSG_OUTPUT_CAP                                                                             \
	N_("peer is not reading: %zu bytes queued and none taken for %.1f s, closing")
#define MSG_DGRAM_TRUNCATED N_("datagram of %zu bytes truncated to %zu")
#define MSG_ACCEPT_BACKOFF N_("accept: %s; pausing accepts briefly until it clears")
#define MSG_ACCEPT_RECOVERED N_("accepting connections again")
#define MSG_QUEUE_DROPPED                                                                          \
	NN_("%llu event dropped: the consumer fell behind",                                        \
	    "%llu events dropped: the consumer fell behind")
#define MSG_KERNEL_DROPS                                                                           \
	NN_("the kernel dropped %lu datagram: receive buffer full",                                \
	    "the kernel dropped %lu datagrams: receive buffer full")
#define MSG_RCVBUF                                                                                 \
	N_("receive buffer %d bytes: Linux doubles the SO_RCVBUF asked for, keeping half for its " \
	   "own bookkeeping")
#define MSG_HINT_PRIVILEGED N_(" (ports below 1024 need root or CAP_NET_BIND_SERVICE)")
#define MSG_HINT_NOT_LOCAL N_(" (no interface of this host has that address)")
#define MSG_HINT_IN_USE N_(" (another socket holds that port; port 0 picks a free one)")
/* xgettext:no-c-format */
#define MSG_HINT_SCOPE N_("a link-local address needs a scope id, e.g. fe80::1%eth0")
#define MSG_STOPPED N_("stopped")
#define MSG_RECVMMSG N_("recvmmsg: %s")
#define MSG_SENDMMSG N_("sendmmsg: %s")
#define MSG_NO_MEMORY_REPLY N_("out of memory for a reply of %zu bytes: closing the connection")
#define MSG_EPOLL_FAILED N_("epoll_ctl %s: %s")
#define MSG_EPOLL_WAIT_FAILED N_("epoll_wait: %s; the server stops")
#define MSG_NO_WORKER N_("cannot create a thread for this echo-stdio connection (%s): closing it")
#define MSG_DGRAM_REPLY_FAILED N_("reply not sent: %s")
#define MSG_DGRAM_REPLIES_DROPPED NN_("%d reply not sent: %s", "%d replies not sent: %s")
#define MSG_ACCEPT_NO_MEMORY N_("accept: out of memory, connection refused")

#define MSG_CAPTURE_FILTER N_("capture filter on %s: %s")

/* Not a sentence: the bytes the hello service sends. */
#define MSG_HELLO "hola dual\n"
/* A failed step of server_start: the call (and what for), the cause. */
#define MSG_SETUP_STEP_FAILED N_("server setup: %s: %s")
#define MSG_SETUP_NO_MEMORY N_("server setup: out of memory for the I/O buffers")

/* The filter language (filter.c) and the hex dump. */
#define MSG_FILTER_KEYS "server, peer, port, kind, transport, text"
#define MSG_FILTER_NOT_PAIR                                                                        \
	N_("'%s' is not KEY=VALUE (keys: server, peer, port, kind, transport, text)")
#define MSG_FILTER_UNKNOWN_KEY                                                                     \
	N_("unknown filter key '%s' (keys: server, peer, port, kind, transport, text)")
#define MSG_FILTER_TWICE N_("'%s' given twice: list the values once, with commas (%s=a,b)")
#define MSG_FILTER_EMPTY N_("'%s=' needs a value")
#define MSG_FILTER_TOO_MANY N_("'%s' takes at most %d values")
#define MSG_FILTER_BAD_SERVER N_("server '%s' is not a server number (e.g. server=2)")
#define MSG_FILTER_BAD_PORT N_("port '%s' is not 0..65535")
#define MSG_FILTER_BAD_PEER N_("peer '%s' is not an address, ADDR:PORT, [ADDR]:PORT or a port")
#define MSG_FILTER_BAD_KIND                                                                        \
	N_("unknown event kind '%s' (recv, send, dgram-in, dgram-out, accept, close, listen, "     \
	   "error, ...; in, out, data)")
#define MSG_FILTER_BAD_TRANSPORT N_("transport '%s' is not tcp or udp")
#define MSG_FILTER_BAD_QUOTE N_("unterminated quote in '%s'")
#define MSG_FILTER_BAD_ESCAPE N_("bad escape in '%s' (\\\\, \\\", \\n, \\r, \\t, \\xNN)")
#define MSG_FILTER_TOO_LONG N_("'%s' is longer than %d bytes")
#define MSG_HEXDUMP_CUT N_("truncated: %zu of %llu bytes kept (the rest was not recorded)")

#endif
