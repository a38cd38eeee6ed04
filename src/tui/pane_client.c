/*
 * pane_client: the client pane: the output lines of the connection
 * (conn.c), and the command line, GNU readline through its callback
 * interface.
 *
 * Readline never touches the terminal here: keys are handed to it one
 * byte at a time (rl_getc_function), its redisplay only marks the lab
 * dirty, and the pane paints rl_display_prompt/rl_line_buffer/rl_point
 * itself. Its terminal preparation is a no-op and its output stream is
 * /dev/null, so curses stays the only writer.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "tui/tui_msg.h"
#include "tui/paint.h"
#include "tui/tui_cmd.h"
#include "tui/tui_lab.h"
#include "tui/tui_sandbox.h"

#define HISTORY_MAX 1000

static struct lab *g_lab;	 /* readline's callbacks have no argument */
static unsigned char g_feed[16]; /* bytes waiting for readline */
static size_t g_feed_len, g_feed_off;
static FILE *g_devnull;
static char g_history[4096];
static bool g_history_said;  /* that it cannot be kept was said (once) */
static int g_cur_y, g_cur_x; /* the cursor, as the last draw left it */

/* ---- readline glue ---- */

static int rl_getc_cb(FILE *f)
{
	(void)f;
	if (g_feed_off < g_feed_len)
		return g_feed[g_feed_off++];
	return '\n'; /* never reached: readline is only called with input */
}

static int rl_avail_cb(void)
{
	return g_feed_off < g_feed_len;
}

static void rl_redisplay_cb(void)
{
	if (g_lab)
		g_lab->dirty = true;
}

static void rl_prep_noop(int meta)
{
	(void)meta;
}

static void rl_deprep_noop(void)
{
}

/* The history file cannot be read or written (errno e): said once, in
 * the client pane; the lab goes on with the history of this run. */
static void history_failed(int e)
{
	if (g_history_said)
		return;
	g_history_said = true;
	lab_say(g_lab, TUI_LOG_ERROR, _(MSG_TUI_HISTORY_FAILED), g_history, strerror(e));
}

static void rl_line_cb(char *line)
{
	if (line == NULL) { /* Ctrl-D on an empty line: as a shell, it leaves */
		lab_quit(g_lab);
		return;
	}
	if (*line) {
		HIST_ENTRY *last =
		    history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

		if (last == NULL || strcmp(last->line, line) != 0) {
			add_history(line);
			if (g_history[0] && append_history(1, g_history) != 0) {
				int e = write_history(g_history);

				if (e != 0)
					history_failed(e);
			}
		}
		tui_cmd_run(g_lab, line);
	}
	free(line);
}

/* Hands bytes to readline, one rl_callback_read_char per byte. */
static void feed(const char *bytes, size_t n)
{
	if (n > sizeof g_feed)
		n = sizeof g_feed;
	memcpy(g_feed, bytes, n);
	g_feed_len = n;
	g_feed_off = 0;
	while (g_feed_off < g_feed_len)
		rl_callback_read_char();
	g_feed_len = g_feed_off = 0;
}

int pane_client_history_path(char *out, size_t cap)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (state && state[0] == '/')
		n = snprintf(out, cap, "%s/socklab/history", state);
	else if (home && home[0])
		n = snprintf(out, cap, "%s/.local/state/socklab/history", home);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* mkdir -p of the directory part of path, mode 0700. */
static void make_parent(const char *path)
{
	char dir[4096];
	size_t n = strlen(path);

	if (n >= sizeof dir)
		return;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
}

static int pane_init(struct lab *lab)
{
	char history[4096];
	int e;

	g_lab = lab;
	e = conn_init(lab);
	if (e != 0)
		lab_say(lab, TUI_LOG_ERROR, _(MSG_TUI_NO_RESOLVER), strerror(e));
	g_devnull = fopen("/dev/null", "w");
	rl_readline_name = "socklab";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = rl_prep_noop;
	rl_deprep_term_function = rl_deprep_noop;
	rl_getc_function = rl_getc_cb;
	rl_input_available_hook = rl_avail_cb;
	rl_redisplay_function = rl_redisplay_cb;
	rl_inhibit_completion = 1;
	if (g_devnull)
		rl_outstream = g_devnull;
	using_history();
	stifle_history(HISTORY_MAX);
	if (pane_client_history_path(history, sizeof history) == 0) {
		snprintf(g_history, sizeof g_history, "%s", history);
		make_parent(g_history);
		e = read_history(g_history);
		if (e != 0 && e != ENOENT)
			history_failed(e);
	}
	rl_callback_handler_install(MSG_TUI_PROMPT, rl_line_cb);
	rl_variable_bind("bell-style", "none");
	/* Bytes of any character pass through as typed, whatever the locale:
	 * in a C or POSIX locale readline would turn them into Meta keys, and
	 * "ñandú" would go out as "and". */
	rl_variable_bind("input-meta", "on");
	rl_variable_bind("convert-meta", "off");
	rl_variable_bind("output-meta", "on");
	/* The keys curses decodes come back as these sequences. */
	rl_bind_keyseq("\033[A", rl_get_previous_history);
	rl_bind_keyseq("\033[B", rl_get_next_history);
	rl_bind_keyseq("\033[C", rl_forward_char);
	rl_bind_keyseq("\033[D", rl_backward_char);
	rl_bind_keyseq("\033[H", rl_beg_of_line);
	rl_bind_keyseq("\033[F", rl_end_of_line);
	rl_bind_keyseq("\033[3~", rl_delete);
	return 0;
}

static void pane_fini(struct lab *lab)
{
	conn_finish(lab);
	rl_callback_handler_remove();
	if (g_history[0])
		history_truncate_file(g_history, HISTORY_MAX);
	if (g_devnull) {
		rl_outstream = stdout;
		fclose(g_devnull);
		g_devnull = NULL;
	}
}

/* ---- keys ---- */

static int page_rows(const struct lab *lab)
{
	struct tui_rect r = pane_rect(lab, &pane_client);

	return r.h > 4 ? r.h - 3 : 1;
}

static enum pane_result page_up(struct lab *lab, int key)
{
	(void)key;
	tui_log_scroll(&lab->out, page_rows(lab));
	return PANE_REDRAW;
}

static enum pane_result page_down(struct lab *lab, int key)
{
	(void)key;
	tui_log_scroll(&lab->out, -page_rows(lab));
	return PANE_REDRAW;
}

/* Every other key goes to readline, curses' names turned back into the
 * sequences readline binds. */
static enum pane_result on_key(struct lab *lab, int key)
{
	static const struct {
		int key;
		const char *seq;
	} map[] = {
	    {KEY_UP, "\033[A"},	  {KEY_DOWN, "\033[B"},	   {KEY_RIGHT, "\033[C"},
	    {KEY_LEFT, "\033[D"}, {KEY_HOME, "\033[H"},	   {KEY_END, "\033[F"},
	    {KEY_DC, "\033[3~"},  {KEY_BACKSPACE, "\177"}, {KEY_ENTER, "\r"},
	};
	char c;

	(void)lab;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].key == key) {
			feed(map[i].seq, strlen(map[i].seq));
			return PANE_REDRAW;
		}
	}
	if (key < 0 || key > 0xff)
		return PANE_HANDLED; /* other function keys mean nothing to the line */
	c = (char)key;
	feed(&c, 1);
	return PANE_REDRAW;
}

/* Ctrl-C clears the line being typed (and ends a Ctrl-R search), as a
 * shell does; on an empty line it is the lab's to take. */
static enum pane_result on_interrupt(struct lab *lab)
{
	(void)lab;
	if (rl_end == 0 && !RL_ISSTATE(RL_STATE_ISEARCH))
		return PANE_IGNORED;
	if (RL_ISSTATE(RL_STATE_ISEARCH))
		feed("\007", 1); /* Ctrl-G: abort the search */
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{KEY_PPAGE}, "PgUp/PgDn", MSG_TUI_HELP_CLIENT_PAGE, page_up},
    {{KEY_NPAGE}, NULL, NULL, page_down},
    {{0}, "Enter", MSG_TUI_HELP_CLIENT_ENTER, NULL},
    {{0}, "Up/Down", MSG_TUI_HELP_CLIENT_HISTORY, NULL},
    {{0}, "Ctrl-A/E Alt-B/F", MSG_TUI_HELP_CLIENT_MOVE, NULL},
    {{0}, "Ctrl-W/K/U", MSG_TUI_HELP_CLIENT_KILL, NULL},
    {{0}, "Ctrl-C", MSG_TUI_HELP_CLIENT_CTRL_C, NULL},
    {{0}, "Ctrl-D", MSG_TUI_HELP_CLIENT_CTRL_D, NULL},
};

/* ---- drawing ---- */

struct list_view {
	const struct tui_log *log;
	const char *extra; /* one more line after the ring's (unfinished input) */
	int width;
};

static const char *view_text(const struct list_view *v, size_t i, unsigned *flags)
{
	const struct tui_log_line *l = tui_log_get(v->log, i);

	if (l) {
		*flags = l->flags;
		return l->text;
	}
	*flags = TUI_LOG_IN;
	return v->extra ? v->extra : "";
}

static int view_rows(size_t i, void *arg)
{
	struct list_view *v = arg;
	unsigned f;

	return tui_text_rows(view_text(v, i, &f), v->width);
}

static void draw_lines(const struct tui_rect *area, struct list_view *v, size_t scroll)
{
	size_t count = v->log->count + (v->extra ? 1 : 0);
	int skip, y = area->y;
	size_t i = tui_layout_first_line(count, scroll, area->h, view_rows, v, &skip);
	struct tui_rect cols = {area->y, area->x, area->h, v->width};

	for (; i < count && y < area->y + area->h; i++) {
		unsigned flags;
		const char *s = view_text(v, i, &flags);

		y = paint_wrapped(&cols, y, s, paint_line_attr(flags), skip, false);
		skip = 0;
	}
}

/* Draws the readline line in one row, scrolled so the cursor shows;
 * control characters appear as ^X, as readline itself shows them.
 * Returns the cursor column. */
static int draw_input(int y, int x, int width, bool focused)
{
	char buf[8192];
	const char *prompt = rl_display_prompt ? rl_display_prompt : MSG_TUI_PROMPT;
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	size_t o = 0, n = strlen(line);
	int cur = 0, off, skipped;
	const char *s;

	o = (size_t)snprintf(buf, sizeof buf, "%s", prompt);
	if (o >= sizeof buf)
		o = sizeof buf - 1;
	for (size_t i = 0; i <= n && o + 8 < sizeof buf; i++) {
		if ((int)i == rl_point) {
			buf[o] = '\0';
			cur = tui_text_cols(buf);
		}
		if (i == n)
			break;
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) {
			buf[o++] = '^';
			buf[o++] = line[i] == 0x7f ? '?' : (char)(line[i] + '@');
		} else {
			buf[o++] = line[i];
		}
	}
	buf[o] = '\0';
	off = cur >= width ? cur - width + 1 : 0;
	/* Skip at least off columns, whole characters at a time. */
	s = buf;
	skipped = 0;
	while (skipped < off && *s) {
		size_t len;

		skipped += tui_char_cols(s, strlen(s), &len);
		s += len;
	}
	paint_put(y, x, width, s, focused ? A_BOLD : A_NORMAL);
	return cur - skipped;
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	const struct conn *c = &lab->conn;
	char right[200], t[ADDR_TEXT_MAX], partial[CONN_PARTIAL_MAX * 4 + 8];
	struct list_view v = {&lab->out, NULL, r->w - 1};
	struct tui_rect body = {r->y + 1, r->x + 1, r->h - 2, r->w - 1};

	switch (c->state) {
	case CONN_TCP:
		addr_tuple((const struct sockaddr *)&c->sess.peer, t, sizeof t);
		snprintf(right, sizeof right, _(MSG_TUI_CLIENT_TCP), t,
			 c->sess.shut_wr ? _(MSG_TUI_HALF_CLOSED) : "");
		if (conn_in_backlog(lab))
			snprintf(right + strlen(right), sizeof right - strlen(right), "%s",
				 _(MSG_TUI_CLIENT_BACKLOG));
		break;
	case CONN_UDP:
		addr_tuple((const struct sockaddr *)&c->sess.peer, t, sizeof t);
		snprintf(right, sizeof right, _(MSG_TUI_CLIENT_UDP), t);
		break;
	case CONN_CONNECTING:
		snprintf(right, sizeof right, _(MSG_TUI_CLIENT_CONNECTING), c->trying);
		break;
	case CONN_RESOLVING:
		snprintf(right, sizeof right, "%s", _(MSG_TUI_CLIENT_RESOLVING));
		break;
	default:
		snprintf(right, sizeof right, "%s", _(MSG_TUI_CLIENT_IDLE));
		break;
	}
	paint_title(r, tui_sandbox_client_title(_(MSG_TUI_CLIENT), r->w - tui_text_cols(right) - 4),
		    focused, right);
	if (c->partial_len > 0) {
		size_t used;

		memcpy(partial, "< ", 2);
		esc_text(c->partial, c->partial_len, partial + 2, sizeof partial - 2, &used);
		v.extra = partial;
	}
	draw_lines(&body, &v, lab->out.scroll);
	g_cur_y = r->y + r->h - 1;
	g_cur_x = r->x + 1 + draw_input(g_cur_y, r->x + 1, r->w - 2, focused);
}

static bool cursor_at(const struct lab *lab, int *y, int *x)
{
	(void)lab;
	*y = g_cur_y;
	*x = g_cur_x;
	return true;
}

static enum pane_result on_mouse(struct lab *lab, const struct tui_rect *r, int y, int x, int wheel)
{
	(void)r, (void)y, (void)x;
	if (wheel != 0)
		tui_log_scroll(&lab->out, wheel < 0 ? 3 : -3);
	return PANE_REDRAW;
}

const struct pane pane_client = {
    .name = "client",
    .title = MSG_TUI_CLIENT,
    .slot = PANE_SLOT_CLIENT,
    .status = MSG_TUI_KEYS_CLIENT,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .key = on_key,
    .mouse = on_mouse,
    .cursor = cursor_at,
    .interrupt = on_interrupt,
    .init = pane_init,
    .fini = pane_fini,
};
