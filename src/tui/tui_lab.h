/*
 * tui_lab: the lab's state, shared by the files of the TUI layer.
 *
 * One struct lab lives for the whole session and is only ever touched by
 * the main thread: server threads reach it through the core's event queue
 * only. tui.c owns the terminal and the main loop; frame.c paints a frame
 * by asking each pane of pane.h's table to draw itself; tui_servers.c
 * holds the running servers, their rates and the tutorial's presets;
 * conn.c the client pane's connection.
 */
#ifndef SOCKLAB_TUI_LAB_H
#define SOCKLAB_TUI_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "socklab/event.h"
#include "socklab/rate.h"
#include "socklab/spec.h"
#include "tui/conn.h"
#include "tui/pane.h"
#include "tui/tui_layout.h"
#include "tui/tui_log.h"
#include "tui/tui_watch.h"

#define TUI_SERVERS_MAX 32 /* servers running at once, and their rates */
#define TUI_LOG_CAP 5000
#define TUI_OUT_CAP 1000
#define TUI_FRAME_MS 33	       /* redraw at most ~30 times a second */
#define TUI_STATS_MS 500       /* refresh the running list's counters */
#define TUI_STATUS_MS 5000     /* a notice stays this long in the status bar */
#define TUI_DROPS_NOTE_MS 5000 /* at most one log line this often about SYN drops */

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

struct tui_preset {
	const char *key;     /* "1", "1.b", ... the tutorial section */
	const char *spec;    /* as `socklab serve` takes it */
	bool sequential;     /* as the tutorial's accept loop: one client at a time */
	int backlog;	     /* the tutorial's listen(N); 0: the mode's default */
	const char *summary; /* short, for the panel */
	const char *teaches; /* one line: what it shows */
};

extern const struct tui_preset tui_presets[];
extern const size_t tui_preset_count;

struct lab {
	struct event_queue *q;
	struct watch watch; /* the live log: events, filter, pause, detail (tui_watch.h) */
	struct tui_log out; /* the client pane's lines */
	struct tui_layout lay;
	const struct pane *focus;
	const struct pane *slot_pane[PANE_SLOT_COUNT]; /* shown in each slot; NULL: the first */
	bool zoom;				       /* the focused pane fills the screen */
	bool help;
	int help_scroll;
	bool color, mouse;
	bool dirty; /* something changed since the last frame */
	bool quit;
	bool quit_armed;		/* a quit was asked for: the next quit key quits */
	int64_t last_frame, last_stats; /* util_mono_ms() times */

	struct server *servers[TUI_SERVERS_MAX];
	struct rate rates[TUI_SERVERS_MAX]; /* servers[i]'s, sampled every TUI_STATS_MS */
	int nservers;
	unsigned next_id;
	int cursor;   /* enum tui_field, or FIELD_COUNT + running index */
	int list_top; /* first running server shown */
	struct spec form;
	char form_host[SPEC_HOST_MAX];
	bool form_host_typed; /* else the host follows the family's default */
	char form_port[8];
	int preset_sel;
	int replace_offer; /* 1 + the preset offered to replace a lab server on its port */
	int replace_armed; /* the offer the key being handled may take up */
	/* The network namespace's ListenOverflows (SYNs dropped on a full
	 * accept queue, anyone's) when the lab began, and at the last sample. */
	bool drops_known;
	uint64_t overflows_base, overflows_seen;
	uint64_t overflows_noted; /* as far as the log has said */
	int64_t drops_note_ms;	  /* util_mono_ms() of its last line about them */

	char status[256]; /* last notice for the status bar */
	bool status_error;
	int64_t status_time; /* util_mono_ms() when it was set */
	unsigned status_seq; /* counts notices, so a key can tell whether it set one */

	struct conn conn;	   /* the client pane's connection */
	struct lab_lesson *lesson; /* --lesson's, or NULL (pane_lesson.c) */

	struct lab_kernel *kernel; /* packets, system calls, sockets, ladder (kernel.h) */
};

/* tui.c */
void lab_notice(struct lab *lab, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A line in the client pane's output. */
void lab_say(struct lab *lab, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Milliseconds since t, a util_mono_ms() time. */
long lab_ms_since(int64_t t);
/* Takes what the servers have reported so far into the log (so a notice
 * lands after the events it follows). */
void lab_drain(struct lab *lab);
void lab_open_help(struct lab *lab);
/* Quit asked for (a key, /quit, a signal). */
void lab_quit(struct lab *lab);
/* The lab's own keys (focus, help, presets, quit), for the help overlay. */
extern const struct pane_key lab_keys[];
extern const size_t lab_nkeys;

/* frame.c */
void frame_draw(struct lab *lab);

/* help.c: the overlay, generated from lab_keys, the panes' key tables,
 * the command table and the presets. */
int help_lines(void);
void help_line(int i, char *out, size_t cap, bool *heading);
void help_draw(struct lab *lab);
enum pane_result help_key(struct lab *lab, int key);

/* tui_servers.c */
void servers_form_reset(struct lab *lab);
int servers_start(struct lab *lab, const struct spec *spec);
void servers_stop(struct lab *lab, int index);
void servers_stop_all(struct lab *lab);
void servers_preset(struct lab *lab, size_t i);
const char *servers_field_value(const struct lab *lab, enum tui_field f);
/* False for a field the form does not show now (UDP has no mode). */
bool servers_field_shown(const struct lab *lab, enum tui_field f);
void servers_cycle(struct lab *lab, int dir);
void servers_start_form(struct lab *lab);
/* Samples every running server's counters into its rate, and the
 * namespace's SYNs dropped on full accept queues (a log line when more). */
void servers_sample(struct lab *lab, int64_t now_ms);
/* At the lab's start: the drop counters' base. */
void servers_drops_init(struct lab *lab);
/* The running list's heading when SYNs were dropped since the lab began
 * (" 3 SYNs dropped (queue full, whole netns) ", shorter to fit width
 * columns); 0 when none were. */
size_t servers_drops_text(const struct lab *lab, int width, char *out, size_t cap);
/* Line i (0..SERVERS_RATE_LINES-1) of a server's rates for the panel:
 * bytes per second in and out over 1 s, then over 10 s, then for UDP
 * datagrams per second and for a TCP listener the accept queue against
 * the backlog (from st; the spec's backlog when the kernel's queue cannot
 * be read). Returns the length written. */
#define SERVERS_RATE_LINES 3
size_t servers_rate_line(const struct rate *r, const struct server_stats *st, const struct spec *sp,
			 int i, char *out, size_t cap);
/* The accept queue line, saying that Linux admits backlog+1 in as many
 * words as width columns hold (0: no limit). */
size_t servers_queue_line(const struct server_stats *st, int width, char *out, size_t cap);

/* pane_client.c: readline and the history file. */
/* The history file: $XDG_STATE_HOME/socklab/history, or
 * ~/.local/state/socklab/history. Returns 0, or -1 when no home is known. */
int pane_client_history_path(char *out, size_t cap);

#endif
