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
#include "cli/cli.h"
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
#include "socklab/event.h"
#include "tui/tui_msg.h"
#include "socklab/server.h"
#include "socklab/spec.h"
#include "tui/tui_lab.h"
#include "tui/tui_watch_ui.h"

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

static void install_signals(void)
{
	static const int quiet[] = {SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT};
	static const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		sigaction(quiet[i], &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
		sigaction(crash[i], &sa, NULL);
}

static void term_end(void)
{
	if (!g_term_up)
		return;
	g_term_up = 0;
	endwin();
}

/* ---- small helpers shared by the TUI files ---- */

long lab_ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

void lab_notice(struct lab *lab, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lab->status, sizeof lab->status, fmt, ap);
	va_end(ap);
	lab->status_error = error;
	clock_gettime(CLOCK_MONOTONIC, &lab->status_time);
	lab->dirty = true;
}

/* ---- events from the servers ---- */

static void take_event(struct lab *lab, const struct event *ev)
{
	char line[EVENT_FORMAT_MAX];
	unsigned flags = 0;

	if (watch_log_event(&lab->watch, ev, line, sizeof line) < 0)
		lab_notice(lab, true, "%s", line);
	if (ev->kind == EV_SYSCALL)
		return;
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

static void drain_events(struct lab *lab)
{
	struct event ev;

	for (int i = 0; i < TUI_DRAIN_MAX && event_pop(lab->q, &ev); i++)
		take_event(lab, &ev);
	watch_log_flush(&lab->watch);
}

/* ---- keys and the mouse ---- */

static void relayout(struct lab *lab)
{
	tui_layout_compute(LINES, COLS, &lab->lay);
	lab->dirty = true;
}

static void focus_step(struct lab *lab, int dir)
{
	int f = (int)lab->focus;

	do
		f = (f + dir + FOCUS_COUNT) % FOCUS_COUNT;
	while (f == FOCUS_PRESETS && lab->lay.presets.h <= 0);
	lab->focus = (enum tui_focus)f;
}

static void page_log(struct tui_log *log, int key, int page)
{
	switch (key) {
	case KEY_UP:
		tui_log_scroll(log, 1);
		break;
	case KEY_DOWN:
		tui_log_scroll(log, -1);
		break;
	case KEY_PPAGE:
		tui_log_scroll(log, page);
		break;
	case KEY_NPAGE:
		tui_log_scroll(log, -page);
		break;
	case KEY_HOME:
		tui_log_scroll(log, (long)log->count);
		break;
	case KEY_END:
		log->scroll = 0;
		break;
	default:
		break;
	}
}

static void mouse_one(struct lab *lab, const MEVENT *me)
{
	if (me->bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		long d = me->bstate & BUTTON4_PRESSED ? 3 : -3;

		if (tui_rect_contains(&lab->lay.client, me->y, me->x))
			tui_log_scroll(&lab->out, d);
		else
			watch_scroll(&lab->watch, d);
		return;
	}
	if (!(me->bstate & BUTTON1_PRESSED))
		return; /* releases and the rest */
	if (tui_rect_contains(&lab->lay.client, me->y, me->x)) {
		lab->focus = FOCUS_CLIENT;
	} else if (tui_rect_contains(&lab->lay.log, me->y, me->x)) {
		lab->focus = FOCUS_LOG;
	} else if (tui_rect_contains(&lab->lay.presets, me->y, me->x)) {
		int i = me->y - lab->lay.presets.y - 1;

		lab->focus = FOCUS_PRESETS;
		if (i >= 0 && i < (int)tui_preset_count)
			lab->preset_sel = i;
	} else if (tui_rect_contains(&lab->lay.servers, me->y, me->x)) {
		lab->focus = FOCUS_SERVERS;
		servers_click(lab, me->y, me->x);
	}
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

static void help_key(struct lab *lab, int key)
{
	switch (key) {
	case KEY_UP:
		lab->help_scroll--;
		break;
	case KEY_DOWN:
		lab->help_scroll++;
		break;
	case KEY_PPAGE:
		lab->help_scroll -= 10;
		break;
	case KEY_NPAGE:
	case ' ':
		lab->help_scroll += 10;
		break;
	case KEY_F(10):
		lab->quit = true;
		break;
	default:
		lab->help = false; /* any other key closes it */
		break;
	}
}

static void handle_key(struct lab *lab, int key)
{
	int page = lab->lay.log.h > 3 ? lab->lay.log.h - 2 : 1;

	lab->dirty = true;
	if (key == KEY_RESIZE) {
		relayout(lab);
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_event(lab);
		return;
	}
	if (lab->help) {
		help_key(lab, key);
		return;
	}
	/* The detail view and the filter prompt take every key but F10. */
	if (watch_modal(&lab->watch) && key != KEY_F(10)) {
		watch_key(&lab->watch, key, page);
		return;
	}
	switch (key) {
	case KEY_F(1):
		lab->help = true;
		lab->help_scroll = 0;
		return;
	case KEY_F(10):
		lab->quit = true;
		return;
	case '\t':
		focus_step(lab, 1);
		return;
	case KEY_BTAB:
		focus_step(lab, -1);
		return;
	case 12: /* Ctrl-L */
		clearok(curscr, TRUE);
		return;
	default:
		break;
	}
	if (key >= KEY_F(2) && key < KEY_F(2) + (int)tui_preset_count) {
		servers_preset(lab, (size_t)(key - KEY_F(2)));
		return;
	}
	switch (lab->focus) {
	case FOCUS_CLIENT:
		if (key == KEY_PPAGE || key == KEY_NPAGE)
			page_log(&lab->out, key, lab->lay.client.h > 4 ? lab->lay.client.h - 3 : 1);
		else
			client_feed_key(lab, key);
		return;
	case FOCUS_SERVERS:
		if (servers_key(lab, key))
			return;
		break;
	case FOCUS_PRESETS:
		if (presets_key(lab, key))
			return;
		break;
	case FOCUS_LOG:
		if (watch_key(&lab->watch, key, page))
			return;
		break;
	default:
		break;
	}
	if (key == 'q')
		lab->quit = true;
	else if (key == '?') {
		lab->help = true;
		lab->help_scroll = 0;
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
			} else if (sig[i] == SIGTSTP)
				suspend(lab);
			else
				lab->quit = true;
		}
	}
}

/* ---- the loop ---- */

static int until(const struct timespec *since, long period)
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
		client_poll_fds(lab, p, &n, &timeout);
		if (lab->dirty)
			min_timeout(&timeout, until(&lab->last_frame, TUI_FRAME_MS));
		if (lab->nservers > 0)
			min_timeout(&timeout, until(&lab->last_stats, TUI_STATS_MS));
		if (lab->status[0] && lab_ms_since(&lab->status_time) < 5000)
			min_timeout(&timeout, until(&lab->status_time, 5000));
		if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			read_signals(lab);
		if (p[2].revents)
			drain_events(lab);
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			lab->quit = true; /* the terminal went away */
		else if (p[0].revents & POLLIN)
			read_keys(lab);
		client_handle(lab, p + 3, n - 3);
		if (lab->nservers > 0 && lab_ms_since(&lab->last_stats) >= TUI_STATS_MS) {
			clock_gettime(CLOCK_MONOTONIC, &lab->last_stats);
			watch_sample(&lab->watch, lab->servers, lab->nservers,
				     (int64_t)lab->last_stats.tv_sec * 1000 +
					 lab->last_stats.tv_nsec / 1000000);
			lab->dirty = true;
		}
		if (lab->status[0] && lab_ms_since(&lab->status_time) >= 5000) {
			lab->status[0] = '\0';
			lab->dirty = true;
		}
		if (lab->dirty && !lab->quit && lab_ms_since(&lab->last_frame) >= TUI_FRAME_MS) {
			draw_frame(lab);
			lab->dirty = false;
			clock_gettime(CLOCK_MONOTONIC, &lab->last_frame);
		}
	}
}

/* ---- options and setup ---- */

struct options {
	struct spec serve[SERVE_MAX];
	int nserve;
	bool color, mouse;
	const char *log_path; /* --log FILE */
};

static int parse_options(int argc, char **argv, struct options *o)
{
	const char *nc = getenv("NO_COLOR");

	o->nserve = 0;
	o->log_path = NULL;
	o->color = !(nc && nc[0]);
	o->mouse = true;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *spec = NULL;
		char err[256];

		if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
			o->color = false;
		} else if (strcmp(a, "--no-mouse") == 0) {
			o->mouse = false;
		} else if (strcmp(a, "--log") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error(_("%s needs a FILE"), a);
			o->log_path = argv[++i];
		} else if (strncmp(a, "--log=", 6) == 0) {
			o->log_path = a + 6;
		} else if (strcmp(a, "--serve") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error(_("%s needs a SPEC"), a);
			spec = argv[++i];
		} else if (strncmp(a, "--serve=", 8) == 0) {
			spec = a + 8;
		} else {
			return cli_usage_error(_(MSG_TUI_BAD_OPTION), a);
		}
		if (spec == NULL)
			continue;
		if (o->nserve == SERVE_MAX)
			return cli_usage_error(_(MSG_TUI_TOO_MANY_SERVE), spec);
		spec_default(&o->serve[o->nserve]);
		if (spec_parse(spec, &o->serve[o->nserve], err, sizeof err) < 0)
			return cli_usage_error("%s", err);
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
	draw_init_colors(lab);
	relayout(lab);
	return 0;
}

int tui_main(int argc, char **argv)
{
	static struct lab lab;
	struct options o;
	char history[4096];
	const char *qbytes = getenv("SOCKLAB_QUEUE_BYTES");
	unsigned long fd_before, fd_after;
	int rc;

	rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs(_(MSG_TUI_NOT_TTY), stderr);
		return 2;
	}
	setlocale(LC_ALL, "");
	memset(&lab, 0, sizeof lab);
	lab.color = o.color;
	lab.mouse = o.mouse;
	lab.next_id = 1;
	lab.focus = FOCUS_CLIENT;
	lab.dirty = true;
	servers_form_reset(&lab);
	/* SOCKLAB_QUEUE_BYTES: a smaller queue, so tests can make it drop. */
	lab.q = event_queue_new(qbytes ? strtoul(qbytes, NULL, 10) : EVENT_QUEUE_DEFAULT);
	if (lab.q == NULL || watch_init(&lab.watch, TUI_LOG_CAP) < 0 ||
	    tui_log_init(&lab.out, TUI_OUT_CAP) < 0) {
		fputs(_("socklab: out of memory\n"), stderr);
		return 1;
	}
	if (o.log_path != NULL) {
		char err[512];

		if (watch_log_open(&lab.watch, o.log_path, err, sizeof err) < 0) {
			fprintf(stderr, "socklab: %s\n", err);
			return 1;
		}
	}
	if (term_begin(&lab) < 0) {
		term_end();
		fprintf(stderr, _(MSG_TUI_NO_TERMINAL), getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	client_init(&lab, client_history_path(history, sizeof history) == 0 ? history : NULL);
	client_say(&lab, 0, _(MSG_TUI_WELCOME));
	if (server_raise_fd_limit(&fd_before, &fd_after) == 0 && fd_after != fd_before)
		client_say(&lab, 0, _(MSG_TUI_FD_LIMIT), fd_before, fd_after);
	for (int i = 0; i < o.nserve; i++)
		servers_start(&lab, &o.serve[i]);
	run(&lab);

	term_end();
	client_finish(&lab);
	servers_stop_all(&lab);
	watch_free(&lab.watch);
	tui_log_free(&lab.out);
	event_queue_free(lab.q);
	return 0;
}
