/*
 * tui_lab: the lab's state, shared by the files of the TUI layer.
 *
 * One struct lab lives for the whole session and is only ever touched by
 * the main thread: server threads reach it through the core's event queue
 * only. tui.c owns the terminal and the main loop, tui_draw.c draws,
 * tui_servers.c runs the servers panel and the presets, tui_client.c the
 * client pane (its socket and readline).
 */
#ifndef SOCKLAB_TUI_LAB_H
#define SOCKLAB_TUI_LAB_H

#include <stdbool.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "socklab/session.h"
#include "socklab/event.h"
#include "socklab/spec.h"
#include "tui/tui_layout.h"
#include "tui/tui_log.h"
#include "tui/tui_watch.h"

#define TUI_SERVERS_MAX 32
#define TUI_LOG_CAP 5000
#define TUI_OUT_CAP 1000
#define TUI_FRAME_MS 33	     /* redraw at most ~30 times a second */
#define TUI_STATS_MS 500     /* refresh the running list's counters */
#define TUI_CONNECT_MS 5000  /* each /connect attempt */
#define TUI_PARTIAL_MAX 2048 /* received bytes held while waiting for \n */

enum tui_focus { FOCUS_CLIENT, FOCUS_SERVERS, FOCUS_PRESETS, FOCUS_LOG, FOCUS_COUNT };

/* The servers panel's form: one cursor walks the fields, then the list. */
enum tui_field {
	FIELD_TRANSPORT,
	FIELD_FAMILY,
	FIELD_SERVICE,
	FIELD_MODE,
	FIELD_HOST,
	FIELD_PORT,
	FIELD_START,
	FIELD_COUNT /* cursor values from here on select running servers */
};

enum tui_client_state {
	CLIENT_IDLE,
	CLIENT_RESOLVING,  /* a resolver thread is working */
	CLIENT_CONNECTING, /* a non-blocking connect is in flight */
	CLIENT_TCP,	   /* connected */
	CLIENT_UDP,	   /* an unconnected UDP socket with a target */
};

struct tui_preset {
	const char *key;     /* "1", "1.b", ... the tutorial section */
	const char *spec;    /* as `socklab serve` takes it */
	const char *summary; /* short, for the panel */
	const char *teaches; /* one line: what it shows */
};

extern const struct tui_preset tui_presets[];
extern const size_t tui_preset_count;

struct tui_client {
	enum tui_client_state state;
	bool udp;
	struct session sess;      /* the socket, its peer and the bytes not yet sent */
	int attempt;              /* the connect in flight (a dialer's fd), or -1 */
	struct dialer *dialer;
	struct timespec deadline; /* of the connect attempt in flight */
	char trying[128];	  /* tuple of the address being tried */
	char partial[TUI_PARTIAL_MAX]; /* received bytes of an unfinished line */
	size_t partial_len;
	unsigned seq;		    /* id of the resolve request that counts */
	int resolve_rd, resolve_wr; /* resolver threads report here */
};

struct lab {
	struct event_queue *q;
	struct watch watch; /* the live log: events, filter, pause, detail (tui_watch.h) */
	struct tui_log out; /* the client pane's lines */
	struct tui_layout lay;
	enum tui_focus focus;
	bool help;
	int help_scroll;
	bool color, mouse;
	bool dirty; /* something changed since the last frame */
	bool quit;
	struct timespec last_frame, last_stats;

	struct server *servers[TUI_SERVERS_MAX];
	int nservers;
	unsigned next_id;
	int cursor;   /* enum tui_field, or FIELD_COUNT + running index */
	int list_top; /* first running server shown */
	struct spec form;
	char form_host[SPEC_HOST_MAX];
	char form_port[8];
	int preset_sel;

	char status[256]; /* last notice for the status bar */
	bool status_error;
	struct timespec status_time;

	struct tui_client client;
};

/* tui.c */
void lab_notice(struct lab *lab, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
long lab_ms_since(const struct timespec *t);

/* tui_draw.c */
void draw_init_colors(struct lab *lab);
void draw_frame(struct lab *lab);
/* Lines of the help overlay (for scrolling bounds). */
int draw_help_lines(void);

/* tui_servers.c */
void servers_form_reset(struct lab *lab);
int servers_start(struct lab *lab, const struct spec *spec);
void servers_stop(struct lab *lab, int index);
void servers_stop_all(struct lab *lab);
void servers_preset(struct lab *lab, size_t i);
/* Keys for the servers panel and the presets; true when handled. */
bool servers_key(struct lab *lab, int key);
bool presets_key(struct lab *lab, int key);
/* Rows one running server takes in the list, and the cursor row mapping
 * used by the mouse. */
int servers_item_rows(struct server *s);
const char *servers_field_value(const struct lab *lab, enum tui_field f);
void servers_click(struct lab *lab, int row, int col);

/* tui_client.c */
int client_init(struct lab *lab, const char *history_path);
void client_finish(struct lab *lab);
void client_feed_key(struct lab *lab, int key);
void client_poll_fds(struct lab *lab, struct pollfd *p, int *n, int *timeout_ms);
void client_handle(struct lab *lab, const struct pollfd *p, int n);
/* The readline line as drawn: prompt, buffer and the cursor column. */
const char *client_prompt(void);
const char *client_line(void);
int client_point(void);
void client_say(struct lab *lab, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The history file: $XDG_STATE_HOME/socklab/history, or
 * ~/.local/state/socklab/history. Returns 0, or -1 when no home is known. */
int client_history_path(char *out, size_t cap);

#endif
