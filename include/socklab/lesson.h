/*
 * lesson: the tutorial's sections as lessons whose checklist ticks itself
 * from what really happens.
 *
 * A lesson is a small text file (the format: doc/LESSONS.md): the servers
 * it starts, steps with an explanation per language, client commands to
 * offer, shell commands and the tutorial's Python programs to run, and
 * checks. A check is a pure function over what the lab sees:
 * lesson_watch_event folds one event (packets included) into the watch's
 * state and lesson_watch_sockets one snapshot of the kernel's socket
 * table (sockdiag.h); each says which checks it completed. No I/O, no
 * clock, no allocation, so a recorded sequence replays to the same ticks.
 *
 * The parser reports the first problem with its line and cause. It never
 * prints or allocates: a struct lesson is a fixed-size value.
 */
#ifndef SOCKLAB_LESSON_H
#define SOCKLAB_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socklab/event.h"
#include "socklab/filter.h"
#include "socklab/sockdiag.h"
#include "socklab/spec.h"

#define LESSON_FORMAT 1	     /* the version after "socklab-lesson" */
#define LESSON_LINE_MAX 1024 /* bytes of one line, newline excluded */
#define LESSON_ID_MAX 32
#define LESSON_LANG_MAX 4    /* languages with text in one lesson */
#define LESSON_TEXT_MAX 1536 /* bytes of one text in one language */
#define LESSON_LABEL_MAX 192
#define LESSON_SERVE_MAX 4
#define LESSON_STEP_MAX 8
#define LESSON_CHECK_MAX 8 /* per step */
#define LESSON_CMD_MAX 8   /* try and run lines per step, each */
#define LESSON_CMD_LEN 256
#define LESSON_FILE_LEN 64 /* a python line's file name */
#define LESSON_ERR_MAX 320

/* One piece of text in up to LESSON_LANG_MAX languages ("en", "es"). */
struct lesson_text {
	int n;
	char lang[LESSON_LANG_MAX][8];
	char text[LESSON_LANG_MAX][LESSON_TEXT_MAX];
};

struct lesson_label {
	int n;
	char lang[LESSON_LANG_MAX][8];
	char text[LESSON_LANG_MAX][LESSON_LABEL_MAX];
};

enum lesson_check_kind {
	CHECK_EVENT,	      /* an event passes the check's filter */
	CHECK_TWO_REPLIES,    /* two lines in one recv, two replies to them */
	CHECK_LINE_AT_A_TIME, /* two recvs of one line each, each answered */
	CHECK_REPLY_LINE,     /* a reply holds the line ARG */
	CHECK_DGRAM_BACK,     /* a datagram went back to the address it came from */
	CHECK_PEER_FIELDS,    /* an accepted peer's tuple has ARG fields (2 or 4) */
	CHECK_PEER_MAPPED,    /* an accepted peer is IPv4-mapped (::ffff:a.b.c.d) */
	CHECK_PEER_IPV4,      /* an accepted peer is plain IPv4 */
	CHECK_PEER_CLOSED,    /* recv returned 0: the peer closed its side */
	CHECK_HANDSHAKE,      /* captured SYN, SYN-ACK, ACK, all before accept() returned */
	CHECK_TIME_WAIT,      /* the side that closed first is in TIME_WAIT (socket table) */
	CHECK_KIND_COUNT
};

struct lesson_check {
	enum lesson_check_kind kind;
	char arg[64];
	bool has_where;
	char where_text[128]; /* as written; {port1}.. expanded by lesson_bind */
	struct filter where;  /* only events passing it count */
	struct lesson_label label;
};

struct lesson_step {
	struct lesson_text text;
	int ntry, nrun, npython, ncheck;
	char try_[LESSON_CMD_MAX][LESSON_CMD_LEN];    /* client commands, {port1}.. expanded */
	char run[LESSON_CMD_MAX][LESSON_CMD_LEN];     /* shell commands, shown */
	char python[LESSON_CMD_MAX][LESSON_FILE_LEN]; /* the tutorial's programs (lesson_python) */
	struct lesson_check check[LESSON_CHECK_MAX];
};

struct lesson {
	char id[LESSON_ID_MAX + 1];
	struct lesson_label title;
	int nserve;
	char serve[LESSON_SERVE_MAX][128]; /* SPECs, as --serve takes them */
	int nstep;
	struct lesson_step step[LESSON_STEP_MAX];
};

/* Parses a lesson from text[0..len). Returns 0, or -1 with "line N: cause"
 * in err (the lesson is then empty). */
int lesson_parse(const char *text, size_t len, struct lesson *l, char *err, size_t errcap);

/* Once the lesson's servers listen on ports[0..nserve): every {portN} in
 * the checks' filters takes its port. Returns 0, or -1 with the cause. */
int lesson_bind(struct lesson *l, const uint16_t ports[LESSON_SERVE_MAX], char *err, size_t errcap);

/* The text for lang ("es"), else English, else the first one; "" if none. */
const char *lesson_text_in(const struct lesson_text *t, const char *lang);
const char *lesson_label_in(const struct lesson_label *t, const char *lang);

/* cmd with {port1}..{port4} replaced by ports[0..3] (0: left as it is). */
size_t lesson_expand(const char *cmd, const uint16_t ports[LESSON_SERVE_MAX], char *out,
		     size_t cap);
/* A run line: the same, and {host1}..{host4} replaced by hosts[0..3] (the
 * address that reaches server N from where the line runs; NULL: left as
 * it is), {b} by b ("socklab sandbox exec b " in a sandbox, else ""). */
size_t lesson_expand_run(const char *cmd, const uint16_t ports[LESSON_SERVE_MAX],
			 const char *const hosts[LESSON_SERVE_MAX], const char *b, char *out,
			 size_t cap);

/* The check kinds' names, as a lesson file spells them. */
const char *lesson_check_name(enum lesson_check_kind k);

/* What a check kind needs beyond the servers' events: captured packets
 * (CAP_NET_RAW), or snapshots of the kernel's socket table. */
enum lesson_need { LESSON_NEEDS_PACKETS = 1 << 0, LESSON_NEEDS_SOCKETS = 1 << 1 };
unsigned lesson_check_needs(enum lesson_check_kind k);

/* Where a python line's program is run, and whom it dials. */
struct lesson_python_target {
	uint16_t spec_port; /* the port the tutorial's program dials (the serve line's) */
	uint16_t port;	    /* the port the lesson's first server really listens on */
	/* In a sandbox: host a's addresses, which replace the loopback ones
	 * the tutorial's program dials, and the command runs on host b.
	 * NULL outside a sandbox. */
	const char *host4, *host6;
};

/* The shell command that runs the tutorial's Python program file against
 * the lesson's first server: "python3 FILE" when the program's own HOST
 * and PORT reach it, else the program with them replaced on the way in
 * (python3 -c "$(sed -e ... FILE)"), and in a sandbox from host b
 * ("socklab sandbox exec b python3 ..."). Returns the length written. */
size_t lesson_python(const char *file, const struct lesson_python_target *t, char *out, size_t cap);

/* The shipped lessons (lessons/ID.lesson, built in): their ids in order,
 * and the text of one, or NULL. */
extern const char *const lesson_builtin_ids[];
extern const size_t lesson_builtin_count;
const char *lesson_builtin(const char *id, size_t *len);

/* ---- checks over the event stream ---------------------------------- */

struct lesson_check_state {
	bool done;
	unsigned server;
	uint64_t conn;
	int stage, count;
	struct sockaddr_storage peer;
	uint16_t len;
	uint8_t head[32];
	/* CHECK_HANDSHAKE: one client port's SYN, SYN-ACK, ACK (cport, the
	 * SYN's source), and the last accept (aport, its peer's port). */
	uint16_t cport, sport, aport;
	unsigned seen; /* bit i: t[i] is known */
	struct timespec t[4];
	/* CHECK_TIME_WAIT: the tuple of the last connection a server closed,
	 * the side that closed first in peer, the other in other. */
	struct sockaddr_storage other;
};

struct lesson_watch {
	int ndone, total;
	struct lesson_check_state st[LESSON_STEP_MAX][LESSON_CHECK_MAX];
};

void lesson_watch_init(struct lesson_watch *w, const struct lesson *l);

/* Folds ev into w. Returns how many checks ev completed. */
int lesson_watch_event(struct lesson_watch *w, const struct lesson *l, const struct event *ev);

/* Folds one snapshot of the kernel's socket table, e[0..n) (the lesson's
 * ports, sockdiag_query's), into w. Returns how many checks it completed. */
int lesson_watch_sockets(struct lesson_watch *w, const struct lesson *l,
			 const struct sockdiag_entry *e, size_t n);

/* An unticked check needs what lesson_check_needs says (bits ORed). */
unsigned lesson_watch_needs(const struct lesson_watch *w, const struct lesson *l);

bool lesson_watch_done(const struct lesson_watch *w, int step, int check);

#endif
