/*
 * tui: the curses laboratory's entry point, terminal lifecycle and main
 * loop.
 *
 * The main thread is the only one that calls ncurses or readline. One
 * poll() waits on the keyboard, the core's event queue (server threads
 * push, we drain with event_pop), the client socket and resolver pipe, a
 * self-pipe fed by signal handlers (SIGWINCH, SIGTSTP, SIGCONT, SIGINT,
 * SIGTERM, SIGHUP) and a timer; frames are drawn at most every TUI_FRAME_MS, so a
 * flood of traffic cannot starve the keyboard.
 *
 * The terminal is always given back: endwin() on every normal exit path,
 * and on a crash signal a precomputed restore sequence plus the saved
 * termios, written with async-signal-safe calls before the signal is
 * re-raised.
 */
#include "tui/kernel.h"
#include "tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/event.h"
#include "socklab/num.h"
#include "tui/tui_msg.h"
#include "socklab/server.h"
#include "socklab/spec.h"
#include "socklab/util.h"
#include "tui/tui_lab.h"
#include "tui/paint.h"
#include "tui/pane_lesson.h"
#include "tui/tui_sandbox.h"

#define TUI_DRAIN_MAX 2000 /* events taken per loop turn */
#define TUI_KEYS_MAX 512   /* keys taken per loop turn */
#define SERVE_MAX 16

static int g_sig_rd = -1, g_sig_wr = -1;
static volatile sig_atomic_t g_term_up, g_quit_signals;
static struct termios g_saved_tio;
static bool g_have_tio;
static char g_restore[512];
static size_t g_restore_len;

/* ---- the terminal, restored whatever happens ---- */

static void restore_async(void)
{
	if (!g_term_up)
		return;
	g_term_up = 0;
	if (g_restore_len && write(STDOUT_FILENO, g_restore, g_restore_len) < 0) {
		/* nothing more can be done from a signal handler */
	}
	if (g_have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tio);
}

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;

	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
		/* A second one while the loop has not answered: leave now. */
		if (++g_quit_signals > 2) {
			restore_async();
			_exit(128 + sig);
		}
	}
	if (write(g_sig_wr, &c, 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

static void on_crash(int sig)
{
	restore_async();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void add_cap(const char *name)
{
	char *s = tigetstr(name);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (g_restore_len + n < sizeof g_restore) {
		memcpy(g_restore + g_restore_len, s, n);
		g_restore_len += n;
	}
}

static void build_restore(bool mouse)
{
	static const char mouse_off[] = "\033[?1000l\033[?1002l\033[?1003l\033[?1006l";

	g_restore_len = 0;
	if (mouse) {
		memcpy(g_restore, mouse_off, sizeof mouse_off - 1);
		g_restore_len = sizeof mouse_off - 1;
	}
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	add_cap("rmcup");
}

/* Every signal whose default action ends the process and that the loop
 * does not answer itself: the terminal is given back before it takes
 * effect (issue 10: SIGQUIT, SIGUSR1/2, SIGALRM, ...), and the
 * real-time signals with them. SIGXFSZ is ignored instead, as serve does:
 * a --log past `ulimit -f` then fails with EFBIG, which the status line
 * shows, and the lab goes on. */
static const int fatal[] = {
    SIGSEGV, SIGBUS,	SIGFPE,	 SIGILL, SIGABRT, SIGQUIT, SIGUSR1, SIGUSR2,   SIGALRM,
    SIGXCPU, SIGVTALRM, SIGPROF, SIGSYS, SIGTRAP, SIGIO,   SIGPWR,  SIGSTKFLT,
};

static void install_signals(void)
{
	static const int quiet[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		sigaction(quiet[i], &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
}

/* Ctrl-\ would send SIGQUIT and end the lab in front of a class: the
 * terminal's quit character is turned off while the lab runs (kill -QUIT
 * still ends it, terminal restored). The saved modes come back at exit. */
static void no_quit_key(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &t) != 0)
		return;
	t.c_cc[VQUIT] = _POSIX_VDISABLE;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		def_prog_mode(); /* and curses keeps it across Ctrl-Z */
}

static void term_end(void)
{
	if (!g_term_up)
		return;
	g_term_up = 0;
	endwin();
}

/* ---- small helpers shared by the TUI files ---- */

long lab_ms_since(int64_t t)
{
	return (long)(util_mono_ms() - t);
}

void lab_notice(struct lab *lab, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lab->status, sizeof lab->status, fmt, ap);
	va_end(ap);
	lab->status_error = error;
	lab->status_time = util_mono_ms();
	lab->status_seq++;
	lab->dirty = true;
}

void lab_say(struct lab *lab, unsigned flags, const char *fmt, ...)
{
	char line[TUI_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	tui_log_push(&lab->out, line, flags);
	lab->dirty = true;
}

/* ---- events from the servers ---- */

/* An ACCEPT line: its wait in the accept queue when it is worth saying
 * (a tenth of a second or more; every accept waits a little), and which
 * one is the client pane's own connection. */
#define TUI_ACCEPT_WAIT_SHOWN_MS 100

static void accept_text(struct lab *lab, const struct event *ev, char *line, size_t cap)
{
	struct event e = *ev;
	size_t n;

	if (e.accept_wait_ms < TUI_ACCEPT_WAIT_SHOWN_MS)
		e.accept_wait_ms = -1;
	n = event_format_text(&e, line, cap);
	if (conn_take_accept(lab, ev) && n < cap)
		snprintf(line + n, cap - n, "  %s", _(MSG_TUI_ACCEPT_OURS));
}

static void take_event(struct lab *lab, const struct event *ev)
{
	char line[EVENT_FORMAT_MAX];
	unsigned flags = 0;

	if (watch_log_event(&lab->watch, ev, line, sizeof line) < 0)
		lab_notice(lab, true, "%s", line);
	if (kernel_take(lab, ev))
		return; /* a packet: the packets pane's, not the log's */
	if (ev->kind == EV_SYSCALL)
		return;
	if (ev->kind == EV_ACCEPT)
		accept_text(lab, ev, line, sizeof line);
	else
		event_format_text(ev, line, sizeof line);
	switch (ev->kind) {
	case EV_LISTEN:
	case EV_STOP:
	case EV_ACCEPT:
	case EV_CONNECT:
	case EV_CLOSE:
		flags |= TUI_LOG_INFO;
		break;
	case EV_RECV:
	case EV_READ_LINE:
	case EV_DGRAM_IN:
		flags |= TUI_LOG_IN;
		break;
	case EV_SEND:
	case EV_DGRAM_OUT:
		flags |= TUI_LOG_OUT;
		break;
	case EV_WARNING:
	case EV_DROPPED:
		flags |= TUI_LOG_WARN;
		break;
	case EV_ERROR:
		flags |= TUI_LOG_ERROR;
		lab_notice(lab, true, "%s", line);
		break;
	default:
		break;
	}
	if (ev->has_peer) {
		if (addr_is_mapped((const struct sockaddr *)&ev->peer, NULL, 0))
			flags |= TUI_LOG_MAPPED;
		else if (ev->peer.ss_family == AF_INET6)
			flags |= TUI_LOG_IPV6;
	}
	watch_push(&lab->watch, ev, line, flags);
	lab->dirty = true;
}

void lab_drain(struct lab *lab)
{
	struct event ev;

	char err[600];

	for (int i = 0; i < TUI_DRAIN_MAX && event_pop(lab->q, &ev); i++) {
		lesson_event(lab, &ev);
		take_event(lab, &ev);
	}
	if (watch_log_flush(&lab->watch, err, sizeof err) < 0)
		lab_notice(lab, true, "%s", err);
}

/* After the servers are stopped: their last events (the server-stop
 * closes, the stops) still go to --log, and a log that failed at any time
 * is said in msg. Returns 0, or 1 after a failure. */
static int finish_log(struct lab *lab, char *msg, size_t cap)
{
	struct event ev;
	char err[600];

	while (event_pop(lab->q, &ev))
		watch_log_event(&lab->watch, &ev, err, sizeof err);
	if (watch_log_close(&lab->watch, err, sizeof err) < 0) {
		snprintf(msg, cap, "--log %s", err);
		return 1;
	}
	return 0;
}

/* ---- keys and the mouse ---- */

static void relayout(struct lab *lab)
{
	tui_layout_compute(LINES, COLS, &lab->lay);
	if (!pane_visible(lab, lab->focus))
		lab->focus = pane_step(lab, lab->focus, 1);
	lab->dirty = true;
}

void lab_open_help(struct lab *lab)
{
	lab->help = true;
	lab->help_scroll = 0;
	lab->dirty = true;
}

/* With servers running or a connection open, the first quit asks and
 * the next quit key (any path) quits; any other key goes on. */
void lab_quit(struct lab *lab)
{
	unsigned long n = (unsigned long)lab->nservers;

	if (lab->quit_armed || (n == 0 && !conn_busy(lab))) {
		lab->quit = true;
		return;
	}
	lab->quit_armed = true;
	if (n == 0)
		lab_notice(lab, true, "%s", _(MSG_TUI_QUIT_ASK_CONN));
	else if (conn_busy(lab))
		lab_notice(lab, true, P_(MSG_TUI_QUIT_ASK_BOTH, n), n);
	else
		lab_notice(lab, true, P_(MSG_TUI_QUIT_ASK, n), n);
}

/* Ctrl-C (SIGINT from the terminal): it stops what the pane is doing (the
 * typed line, the filter prompt, the help); with nothing to stop, it asks
 * to quit, as q and F10 do. */
static void interrupt(struct lab *lab)
{
	const struct pane *p = pane_modal(lab);
	bool armed = lab->quit_armed;
	enum pane_result r = PANE_IGNORED;

	lab->dirty = true;
	if (lab->help) {
		lab->help = false;
		r = PANE_REDRAW;
	} else {
		if (p == NULL)
			p = lab->focus;
		if (p->interrupt != NULL)
			r = p->interrupt(lab);
	}
	if (r == PANE_IGNORED)
		lab_quit(lab);
	else if (armed)
		lab->quit_armed = false;
}

/* What a pane's handler said, done. */
static void apply(struct lab *lab, enum pane_result r)
{
	switch (r) {
	case PANE_FOCUS_NEXT:
		lab->focus = pane_step(lab, lab->focus, 1);
		break;
	case PANE_FOCUS_PREV:
		lab->focus = pane_step(lab, lab->focus, -1);
		break;
	case PANE_QUIT:
		lab_quit(lab);
		break;
	default:
		break;
	}
}

static enum pane_result lab_key_help(struct lab *lab, int key)
{
	(void)key;
	lab_open_help(lab);
	return PANE_REDRAW;
}

static enum pane_result lab_key_quit(struct lab *lab, int key)
{
	(void)lab, (void)key;
	return PANE_QUIT;
}

static enum pane_result lab_key_next(struct lab *lab, int key)
{
	(void)lab;
	return key == KEY_BTAB ? PANE_FOCUS_PREV : PANE_FOCUS_NEXT;
}

static enum pane_result lab_key_redraw(struct lab *lab, int key)
{
	(void)lab, (void)key;
	clearok(curscr, TRUE);
	return PANE_REDRAW;
}

static enum pane_result lab_key_preset(struct lab *lab, int key)
{
	if (key - KEY_F(2) >= (int)tui_preset_count)
		return PANE_IGNORED;
	servers_preset(lab, (size_t)(key - KEY_F(2)));
	return PANE_REDRAW;
}

/* F8: the next view of the focused pane's place, which takes the focus.
 * From a pane alone in its place (the client pane, where a class types),
 * the log's place turns to its next view instead and the focus stays:
 * type a line, watch its system calls or packets. */
static enum pane_result lab_key_slot(struct lab *lab, int key)
{
	const struct pane *next = pane_slot_next(lab, lab->focus);

	(void)key;
	if (next == lab->focus) {
		const struct pane *main = pane_slot_shown(lab, PANE_SLOT_MAIN);

		if (main == NULL || (next = pane_slot_next(lab, main)) == main)
			return PANE_IGNORED;
		pane_show(lab, next);
		return PANE_REDRAW;
	}
	pane_show(lab, next);
	lab->focus = next;
	return PANE_REDRAW;
}

static enum pane_result lab_key_zoom(struct lab *lab, int key)
{
	(void)key;
	lab->zoom = !lab->zoom;
	return PANE_REDRAW;
}

/* The lab's own keys: before the focused pane's for these, ... */
const struct pane_key lab_keys[] = {
    {{'\t', KEY_BTAB}, "Tab/Shift-Tab", MSG_TUI_HELP_KEY_TAB, lab_key_next},
    {{KEY_F(1)}, "F1", MSG_TUI_HELP_KEY_HELP, lab_key_help},
    {{KEY_F(2), KEY_F(3), KEY_F(4), KEY_F(5), KEY_F(6), KEY_F(7)},
     "F2..F7",
     MSG_TUI_HELP_KEY_PRESETS,
     lab_key_preset},
    {{KEY_F(8)}, "F8", MSG_TUI_HELP_KEY_SLOT, lab_key_slot},
    {{KEY_F(9)}, "F9", MSG_TUI_HELP_KEY_ZOOM, lab_key_zoom},
    {{KEY_F(10)}, "F10", MSG_TUI_HELP_KEY_QUIT, lab_key_quit},
    {{12}, "Ctrl-L", MSG_TUI_HELP_KEY_REDRAW, lab_key_redraw},
    {{0}, "Ctrl-Z", MSG_TUI_HELP_KEY_SUSPEND, NULL},
    {{0}, "Mouse", MSG_TUI_HELP_KEY_MOUSE, NULL},
    /* ... and these only when the focused pane does not take the key. */
    {{'q'}, "q", MSG_TUI_HELP_KEY_Q, lab_key_quit},
    {{'?'}, "?", MSG_TUI_HELP_KEY_QUESTION, lab_key_help},
};
const size_t lab_nkeys = sizeof lab_keys / sizeof lab_keys[0];
/* lab_keys[LAB_KEYS_FIRST..] run before the pane, the rest after it. */
#define LAB_KEYS_FIRST 9

static void mouse_one(struct lab *lab, const MEVENT *me)
{
	const struct pane *p = pane_at(lab, me->y, me->x);
	struct tui_rect r;
	int wheel = 0;

	if (me->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED))
		wheel = me->bstate & BUTTON4_PRESSED ? -1 : 1;
	else if (!(me->bstate & BUTTON1_PRESSED))
		return; /* releases and the rest */
	if (p == NULL) {
		/* The wheel outside every pane scrolls the log, as before. */
		if (wheel == 0 || !pane_visible(lab, &pane_log))
			return;
		p = &pane_log;
	}
	if (wheel == 0)
		lab->focus = p;
	r = pane_rect(lab, p);
	if (p->mouse)
		apply(lab, p->mouse(lab, &r, me->y, me->x, wheel));
}

/* Takes every mouse event curses has queued: a press and its release can
 * arrive together, and one KEY_MOUSE does not mean one event. */
static void mouse_event(struct lab *lab)
{
	MEVENT me;

	while (getmouse(&me) == OK) {
		if (!lab->help)
			mouse_one(lab, &me);
	}
}

/* A printable key (or a byte of UTF-8) that no table took: typing meant
 * for the prompt. */
static bool typed_text(int key)
{
	return key >= 0x20 && key <= 0xff && key != 0x7f;
}

static void handle_key_now(struct lab *lab, int key)
{
	const struct pane *modal = pane_modal(lab), *p = lab->focus;
	enum pane_result r;

	/* An offer to replace a server holds for the next key only. */
	lab->replace_armed = lab->replace_offer;
	lab->replace_offer = 0;

	if (key == KEY_RESIZE) {
		relayout(lab);
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_event(lab);
		return;
	}
	if (lab->help) {
		apply(lab, help_key(lab, key));
		return;
	}
	/* A modal pane (the detail view, the filter prompt) takes every key
	 * but F10. */
	if (modal != NULL && key != KEY_F(10)) {
		apply(lab, modal->key(lab, key));
		return;
	}
	r = pane_keys_run(lab_keys, LAB_KEYS_FIRST, lab, key);
	if (r == PANE_IGNORED)
		r = pane_keys_run(p->keys, p->nkeys, lab, key);
	if (r == PANE_IGNORED && p->key != NULL)
		r = p->key(lab, key);
	if (r == PANE_IGNORED)
		r = pane_keys_run(lab_keys + LAB_KEYS_FIRST, lab_nkeys - LAB_KEYS_FIRST, lab, key);
	/* Text typed while another pane has the focus is not lost: the
	 * prompt gets the focus and the key. */
	if (r == PANE_IGNORED && p != &pane_client && typed_text(key)) {
		lab->focus = &pane_client;
		r = pane_client.key(lab, key);
	}
	apply(lab, r);
}

/* After a quit was asked for, the next key decides: F10 (q where q is
 * not text), or any other way of quitting (Ctrl-D, /quit), quits; any
 * other key is handled as usual, so nothing typed is lost, and the
 * question is dropped. */
static void handle_key(struct lab *lab, int key)
{
	bool text = lab->focus == &pane_client || pane_modal(lab) != NULL;
	unsigned asked;

	lab->dirty = true;
	if (!lab->quit_armed || key == KEY_RESIZE || key == KEY_MOUSE) {
		handle_key_now(lab, key);
		return;
	}
	if (key == KEY_F(10) || (key == 'q' && !text)) {
		lab->quit = true;
		return;
	}
	asked = lab->status_seq;
	handle_key_now(lab, key);
	if (!lab->quit) {
		lab->quit_armed = false;
		/* The question goes, unless the key put a notice of its own. */
		if (lab->status_seq == asked)
			lab->status[0] = '\0';
	}
}

static void read_keys(struct lab *lab)
{
	for (int i = 0; i < TUI_KEYS_MAX && !lab->quit; i++) {
		int key = getch();

		if (key == ERR)
			return;
		handle_key(lab, key);
	}
}

/* ---- signals, as seen from the loop ---- */

static void suspend(struct lab *lab)
{
	struct sigaction sa, old;

	term_end();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, &old);
	raise(SIGTSTP);
	/* Here again after SIGCONT. */
	sigaction(SIGTSTP, &old, NULL);
	g_term_up = 1;
	refresh();
	clearok(curscr, TRUE);
	relayout(lab);
}

static void resize(struct lab *lab)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	relayout(lab);
}

static void read_signals(struct lab *lab)
{
	unsigned char sig[32];
	ssize_t n;

	while ((n = read(g_sig_rd, sig, sizeof sig)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (sig[i] == SIGWINCH) {
				resize(lab);
			} else if (sig[i] == SIGCONT) {
				/* Stopped from outside (SIGSTOP): the screen may
				 * have been drawn over meanwhile. */
				clearok(curscr, TRUE);
				resize(lab);
			} else if (sig[i] == SIGTSTP) {
				suspend(lab);
			} else if (sig[i] == SIGINT) {
				interrupt(lab);
			} else {
				lab->quit = true; /* SIGTERM, SIGHUP: from outside */
			}
		}
		g_quit_signals = 0; /* answered */
	}
}

/* ---- the loop ---- */

static int until(int64_t since, long period)
{
	long left = period - lab_ms_since(since);

	return left < 0 ? 0 : (int)left;
}

static void min_timeout(int *t, int v)
{
	if (*t < 0 || v < *t)
		*t = v;
}

static void run(struct lab *lab)
{
	while (!lab->quit) {
		struct pollfd p[8];
		int n = 0, timeout = -1;

		p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = g_sig_rd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = event_queue_fd(lab->q), .events = POLLIN};
		conn_poll_fds(lab, p, &n, &timeout);
		if (lab->dirty)
			min_timeout(&timeout, until(lab->last_frame, TUI_FRAME_MS));
		if (lab->nservers > 0)
			min_timeout(&timeout, until(lab->last_stats, TUI_STATS_MS));
		if (lab->status[0] && lab_ms_since(lab->status_time) < TUI_STATUS_MS)
			min_timeout(&timeout, until(lab->status_time, TUI_STATUS_MS));
		if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		bool typed = false;

		if (p[1].revents)
			read_signals(lab);
		/* Keys before events: under a flood the drain takes its full
		 * share, and a key should not wait behind it. */
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			lab->quit = true; /* the terminal went away */
		} else if (p[0].revents & POLLIN) {
			read_keys(lab);
			typed = true;
		}
		/* The client's connect completing before the servers' events:
		 * its accept, which can only follow, then finds it connected. */
		conn_handle(lab, p + 3, n - 3);
		if (p[2].revents)
			lab_drain(lab);
		if (lab->nservers > 0 && lab_ms_since(lab->last_stats) >= TUI_STATS_MS) {
			lab->last_stats = util_mono_ms();
			servers_sample(lab, lab->last_stats);
			kernel_tick(lab);
			lesson_tick(lab);
			lab->dirty = true;
		}
		if (lab->status[0] && lab_ms_since(lab->status_time) >= TUI_STATUS_MS) {
			lab->status[0] = '\0';
			lab->dirty = true;
		}
		/* The frame cap holds back redraws for events, not for keys: what
		 * was typed shows at once. */
		if (lab->dirty && !lab->quit &&
		    (typed || lab_ms_since(lab->last_frame) >= TUI_FRAME_MS)) {
			frame_draw(lab);
			lab->dirty = false;
			lab->last_frame = util_mono_ms();
		}
	}
}

/* ---- options and setup ---- */

struct options {
	struct spec serve[SERVE_MAX];
	int serve_host[SERVE_MAX]; /* --sandbox: b/SPEC runs on host b */
	int nserve;
	bool color, mouse;
	const char *log_path; /* --log FILE */
	const char *lesson;   /* --lesson N|FILE */
};

/* A refused command line: status 2, the reason in ex, usage shown. */
static int usage_error(struct tui_exit *ex, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int usage_error(struct tui_exit *ex, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ex->msg, sizeof ex->msg, fmt, ap);
	va_end(ap);
	ex->usage = true;
	return 2;
}

static int parse_options(int argc, char **argv, struct options *o, struct tui_exit *ex)
{
	const char *nc = getenv("NO_COLOR");
	bool sequential = false;
	int backlog = 0;

	o->nserve = 0;
	o->log_path = NULL;
	o->lesson = NULL;
	o->color = !(nc && nc[0]);
	o->mouse = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *spec = NULL;
		char err[256];

		/* --sequential, --concurrent and --backlog N set the mode of the
		 * --serve options after them, as the tutorial's servers need. */
		if (strcmp(a, "--sequential") == 0 || strcmp(a, "--concurrent") == 0) {
			sequential = a[2] == 's';
			continue;
		}
		if (strcmp(a, "--backlog") == 0 || strncmp(a, "--backlog=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : i + 1 < argc ? argv[++i] : NULL;
			long n;

			if (v == NULL)
				return usage_error(ex, "%s needs a number", "--backlog");
			if (num_parse_long(v, 1, 65535, &n) != NUM_OK)
				return usage_error(ex, _(MSG_TUI_BAD_BACKLOG), v);
			backlog = (int)n;
			continue;
		}
		if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
			o->color = false;
		} else if (strcmp(a, "--no-mouse") == 0) {
			o->mouse = false;
		} else if (strcmp(a, "--log") == 0) {
			if (i + 1 >= argc)
				return usage_error(ex, _("%s needs a FILE"), a);
			o->log_path = argv[++i];
		} else if (strncmp(a, "--log=", 6) == 0) {
			o->log_path = a + 6;
		} else if (strcmp(a, "--lesson") == 0) {
			if (i + 1 >= argc)
				return usage_error(ex, _(MSG_LESSON_NEEDS), a);
			o->lesson = argv[++i];
		} else if (strncmp(a, "--lesson=", 9) == 0) {
			o->lesson = a + 9;
		} else if (strcmp(a, "--serve") == 0) {
			if (i + 1 >= argc)
				return usage_error(ex, _("%s needs a SPEC"), a);
			spec = argv[++i];
		} else if (strncmp(a, "--serve=", 8) == 0) {
			spec = a + 8;
		} else {
			return usage_error(ex, _(MSG_TUI_BAD_OPTION), a);
		}
		if (spec == NULL)
			continue;
		if (o->nserve == SERVE_MAX)
			return usage_error(ex, _(MSG_TUI_TOO_MANY_SERVE), spec);
		o->serve_host[o->nserve] = tui_sandbox_spec_host(&spec);
		spec_default(&o->serve[o->nserve]);
		if (spec_parse(spec, &o->serve[o->nserve], err, sizeof err) < 0)
			return usage_error(ex, "%s", err);
		if (o->serve[o->nserve].transport == TRANSPORT_TCP) {
			o->serve[o->nserve].sequential = sequential;
			o->serve[o->nserve].backlog = backlog;
		}
		o->nserve++;
	}
	return 0;
}

static int term_begin(struct lab *lab)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	g_sig_rd = p[0];
	g_sig_wr = p[1];
	if (tcgetattr(STDIN_FILENO, &g_saved_tio) == 0)
		g_have_tio = true;
	/* Ours before curses starts, so it does not install its own. */
	install_signals();
	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	g_term_up = 1;
	build_restore(lab->mouse);
	cbreak();
	noecho();
	nonl();
	no_quit_key();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (lab->mouse) {
		/* Presses and releases, no click resolution: asking for
		 * BUTTON1_CLICKED makes curses hold a press until the
		 * release comes, with the frame waiting behind it. */
		mousemask(BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON4_PRESSED | BUTTON5_PRESSED,
			  NULL);
		mouseinterval(0);
	}
	paint_init(lab->color);
	relayout(lab);
	return 0;
}

/* Each pane's init, in table order; a failure is shown, the lab goes on. */
static void panes_init(struct lab *lab)
{
	for (size_t i = 0; i < pane_count; i++)
		if (pane_table[i]->init)
			pane_table[i]->init(lab);
}

static void panes_fini(struct lab *lab)
{
	for (size_t i = pane_count; i-- > 0;)
		if (pane_table[i]->fini)
			pane_table[i]->fini(lab);
}

static void lab_free(struct lab *lab)
{
	watch_free(&lab->watch);
	tui_log_free(&lab->out);
	event_queue_free(lab->q);
	lab->q = NULL;
	lesson_free(lab->lesson);
	lab->lesson = NULL;
}

int tui_main(int argc, char **argv, struct tui_exit *ex)
{
	static struct lab lab;
	struct options o;
	const char *qbytes = getenv("SOCKLAB_QUEUE_BYTES");
	uint64_t qsize;
	unsigned long fd_before, fd_after;
	int rc;

	memset(ex, 0, sizeof *ex);
	rc = parse_options(argc, argv, &o, ex);
	if (rc != 0)
		return rc;
	memset(&lab, 0, sizeof lab);
	/* A lesson that does not load is refused before anything starts. */
	if (o.lesson != NULL && lesson_load(o.lesson, &lab.lesson, ex->msg, sizeof ex->msg) < 0)
		return 2;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(ex->msg, sizeof ex->msg, "%s", _(MSG_TUI_NOT_TTY));
		lesson_free(lab.lesson);
		lab.lesson = NULL;
		return 2;
	}
	setlocale(LC_ALL, "");
	/* A terminal that is not UTF-8 gets peer bytes >= 0x80 as \xNN. */
	esc_set_ascii(!esc_locale_is_utf8());
	conn_clear(&lab.conn); /* lab was cleared above, before the lesson loaded */
	lab.color = o.color;
	lab.mouse = o.mouse;
	lab.next_id = 1;
	lab.focus = &pane_client;
	lab.dirty = true;
	servers_form_reset(&lab);
	servers_drops_init(&lab);
	/* SOCKLAB_QUEUE_BYTES: a smaller queue, so tests can make it drop. */
	if (qbytes == NULL || num_parse_u64(qbytes, 1, SIZE_MAX, &qsize) != NUM_OK)
		qsize = EVENT_QUEUE_DEFAULT;
	lab.q = event_queue_new((size_t)qsize);
	if (lab.q == NULL || watch_init(&lab.watch, TUI_LOG_CAP) < 0 ||
	    tui_log_init(&lab.out, TUI_OUT_CAP) < 0) {
		snprintf(ex->msg, sizeof ex->msg, "%s", strerror(ENOMEM));
		lab_free(&lab);
		return 1;
	}
	if (o.log_path != NULL &&
	    watch_log_open(&lab.watch, o.log_path, ex->msg, sizeof ex->msg) < 0) {
		lab_free(&lab);
		return 1;
	}
	if (term_begin(&lab) < 0) {
		term_end();
		snprintf(ex->msg, sizeof ex->msg, _(MSG_TUI_NO_TERMINAL),
			 getenv("TERM") ? getenv("TERM") : "");
		lab_free(&lab);
		return 1;
	}
	lab_say(&lab, 0, _(MSG_TUI_WELCOME));
	panes_init(&lab);
	if (server_raise_fd_limit(&fd_before, &fd_after) == 0 && fd_after != fd_before)
		lab_say(&lab, 0, _(MSG_TUI_FD_LIMIT), fd_before, fd_after);
	tui_sandbox_notes(&lab);
	for (int i = 0; i < o.nserve; i++) {
		int host = tui_sandbox_swap_server_host(o.serve_host[i]);

		servers_start(&lab, &o.serve[i]);
		tui_sandbox_swap_server_host(host);
	}
	lesson_start(&lab);
	run(&lab);

	term_end();
	panes_fini(&lab);
	servers_stop_all(&lab);
	rc = finish_log(&lab, ex->msg, sizeof ex->msg);
	lab_free(&lab);
	return rc;
}
