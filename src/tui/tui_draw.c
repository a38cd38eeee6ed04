/*
 * tui_draw: paints one frame of the lab from struct lab: pane titles, the
 * servers form and running list, the presets, the live log, the client
 * pane with the readline line, the status bar and the help overlay.
 *
 * Only visible lines are drawn: the log and the client output are walked
 * back from the newest shown line until the pane is full. Every string
 * here is either ours or already escaped (event_format_text, esc_text),
 * and is clipped to its pane by display columns.
 */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "tui/tui_msg.h"
#include "socklab/server.h"
#include "tui/tui_cmd.h"
#include "tui/tui_lab.h"
#include "tui/tui_watch_ui.h"

enum pair {
	PAIR_TITLE = 1, /* a pane title */
	PAIR_FOCUS,	/* the focused pane's title */
	PAIR_MAPPED,	/* IPv4-mapped peers */
	PAIR_ERROR,
	PAIR_WARN,
	PAIR_IN,
	PAIR_OUT,
	PAIR_INFO,
	PAIR_IPV6, /* native IPv6 peers */
	PAIR_STATUS,
	PAIR_KEY, /* key names in the status bar */
};

static bool g_color;
static bool g_utf8; /* draw rules with Unicode box characters */

/* Rules: Unicode box drawing on a UTF-8 terminal (it survives captures
 * and copy-paste), the terminal's line-drawing set elsewhere. */
static void hrule(int y, int x, int n)
{
	if (!g_utf8) {
		mvhline(y, x, ACS_HLINE, n);
		return;
	}
	for (int i = 0; i < n; i++)
		mvaddstr(y, x + i, "\u2500");
}

static void vrule(int y, int x, int n)
{
	if (!g_utf8) {
		mvvline(y, x, ACS_VLINE, n);
		return;
	}
	for (int i = 0; i < n; i++)
		mvaddstr(y + i, x, "\u2502");
}

static void corner(int y, int x, bool left)
{
	if (g_utf8)
		mvaddstr(y, x, left ? "\u2514" : "\u2518");
	else
		mvaddch(y, x, left ? ACS_LLCORNER : ACS_LRCORNER);
}

void draw_init_colors(struct lab *lab)
{
	g_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	g_color = lab->color && has_colors();
	if (!g_color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_WHITE);
	init_pair(PAIR_FOCUS, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_MAPPED, COLOR_YELLOW, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_MAGENTA, -1);
	init_pair(PAIR_IN, COLOR_GREEN, -1);
	init_pair(PAIR_OUT, COLOR_CYAN, -1);
	init_pair(PAIR_INFO, COLOR_BLUE, -1);
	init_pair(PAIR_IPV6, COLOR_CYAN, -1);
	init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_KEY, COLOR_WHITE, COLOR_BLUE);
}

/* The attribute for a role, in colour or in plain monochrome. */
static attr_t role(enum pair p)
{
	if (g_color) {
		attr_t a = COLOR_PAIR(p);

		if (p == PAIR_MAPPED || p == PAIR_ERROR || p == PAIR_KEY || p == PAIR_FOCUS)
			a |= A_BOLD;
		return a;
	}
	switch (p) {
	case PAIR_TITLE:
	case PAIR_STATUS:
		return A_REVERSE;
	case PAIR_FOCUS:
	case PAIR_KEY:
		return A_REVERSE | A_BOLD;
	case PAIR_MAPPED:
	case PAIR_ERROR:
		return A_BOLD;
	case PAIR_WARN:
		return A_UNDERLINE;
	default:
		return A_NORMAL;
	}
}

static attr_t line_attr(unsigned flags)
{
	if (flags & TUI_LOG_ERROR)
		return role(PAIR_ERROR);
	if (flags & TUI_LOG_MAPPED)
		return role(PAIR_MAPPED);
	if (flags & TUI_LOG_WARN)
		return role(PAIR_WARN);
	if (flags & TUI_LOG_IPV6)
		return role(PAIR_IPV6);
	if (flags & TUI_LOG_IN)
		return role(PAIR_IN);
	if (flags & TUI_LOG_OUT)
		return role(PAIR_OUT);
	if (flags & TUI_LOG_INFO)
		return role(PAIR_INFO);
	return A_NORMAL;
}

/* Writes s at (y, x) cut to width columns; returns the columns used. */
static int put(int y, int x, int width, const char *s, attr_t a)
{
	int cols;
	size_t n;

	if (width <= 0)
		return 0;
	n = tui_text_fit(s, width, &cols);
	attron(a);
	mvaddnstr(y, x, s, (int)n);
	attroff(a);
	return cols;
}

/* Fills a row segment with blanks in attribute a. */
static void fill(int y, int x, int width, attr_t a)
{
	attron(a);
	for (int i = 0; i < width; i++)
		mvaddch(y, x + i, ' ');
	attroff(a);
}

static void title(const struct tui_rect *r, const char *name, bool focused, const char *right)
{
	attr_t a = role(focused ? PAIR_FOCUS : PAIR_TITLE);
	int used, rw;

	fill(r->y, r->x, r->w, a);
	used = put(r->y, r->x + 1, r->w - 1, name, a);
	if (right && right[0]) {
		rw = tui_text_cols(right);
		if (rw > r->w - used - 3)
			rw = r->w - used - 3;
		if (rw > 0)
			put(r->y, r->x + r->w - rw - 1, rw, right, a);
	}
}

static void human_bytes(uint64_t n, char *out, size_t cap)
{
	if (n < 10000)
		snprintf(out, cap, "%llu B", (unsigned long long)n);
	else if (n < 10000ULL * 1024)
		snprintf(out, cap, "%.1f KiB", (double)n / 1024);
	else if (n < 10000ULL * 1024 * 1024)
		snprintf(out, cap, "%.1f MiB", (double)n / (1024 * 1024));
	else
		snprintf(out, cap, "%.1f GiB", (double)n / (1024.0 * 1024 * 1024));
}

/* ---- servers ---- */

static void draw_field(const struct lab *lab, int y, int *x, int end, enum tui_field f,
		       const char *label)
{
	bool sel = lab->cursor == (int)f;
	char v[SPEC_HOST_MAX + 4];
	attr_t a = sel ? (lab->focus == FOCUS_SERVERS ? A_REVERSE : A_UNDERLINE) : A_BOLD;

	if (label)
		*x += put(y, *x, end - *x, label, A_NORMAL);
	snprintf(v, sizeof v, "[%s]", servers_field_value(lab, f));
	*x += put(y, *x, end - *x, v, a);
	*x += put(y, *x, end - *x, " ", A_NORMAL);
}

static void draw_server_item(struct lab *lab, struct server *s, int y, int x, int w, int maxy,
			     bool sel)
{
	const struct spec *sp = server_spec(s);
	struct server_stats st;
	char line[256], in[32], out[32];
	attr_t a = sel ? (lab->focus == FOCUS_SERVERS ? A_REVERSE : A_BOLD) : A_NORMAL;
	int row = y;

	server_stats(s, &st);
	if (row < maxy) {
		if (sp->transport == TRANSPORT_TCP)
			snprintf(line, sizeof line, _(MSG_TUI_SERVER_TCP), server_id(s),
				 service_name(sp->service), family_name(sp->family),
				 sp->sequential ? _(MSG_TUI_SEQ_SHORT) : "",
				 (unsigned long long)st.conns_now);
		else
			snprintf(line, sizeof line, _(MSG_TUI_SERVER_UDP), server_id(s),
				 service_name(sp->service), family_name(sp->family));
		fill(row, x, w, a);
		put(row++, x, w, line, a | A_BOLD);
	}
	for (int i = 0; i < server_nsockets(s) && row < maxy; i++) {
		char hp[ADDR_TEXT_MAX];
		int v6 = server_v6only(s, i);

		addr_hostport((const struct sockaddr *)server_local(s, i), hp, sizeof hp);
		if (v6 >= 0)
			snprintf(line, sizeof line, "   %s v6only=%d", hp, v6);
		else
			snprintf(line, sizeof line, "   %s", hp);
		fill(row, x, w, a);
		put(row++, x, w, line, a);
	}
	if (row < maxy) {
		human_bytes(st.bytes_in, in, sizeof in);
		human_bytes(st.bytes_out, out, sizeof out);
		if (sp->transport == TRANSPORT_TCP)
			snprintf(line, sizeof line, _(MSG_TUI_STATS_TCP), in, out,
				 (unsigned long long)st.conns_total);
		else
			snprintf(line, sizeof line, _(MSG_TUI_STATS_UDP),
				 (unsigned long long)st.dgrams_in, in,
				 (unsigned long long)st.dgrams_out, out);
		fill(row, x, w, a);
		put(row++, x, w, line, a);
	}
	/* Rates over 1 s and 10 s, the accept queue (tui_watch). */
	for (int i = 0; i < WATCH_SERVER_LINES && row < maxy; i++) {
		watch_server_line(&lab->watch, s, i, line, sizeof line);
		fill(row, x, w, a);
		put(row++, x, w, line, a);
	}
}

static void draw_servers(struct lab *lab)
{
	const struct tui_rect *r = &lab->lay.servers;
	char right[64];
	int y = r->y + 1, x, end = r->x + r->w, maxy = r->y + r->h;
	int sel = lab->cursor - FIELD_COUNT, rows = 0;

	snprintf(right, sizeof right, P_(MSG_TUI_RUNNING_COUNT, lab->nservers), lab->nservers);
	title(r, _(MSG_TUI_SERVERS), lab->focus == FOCUS_SERVERS, right);
	if (y < maxy) {
		x = r->x + 1;
		for (int f = FIELD_TRANSPORT; f <= FIELD_MODE; f++)
			draw_field(lab, y, &x, end, (enum tui_field)f, NULL);
		y++;
	}
	if (y < maxy) {
		x = r->x + 1;
		draw_field(lab, y, &x, end, FIELD_HOST, _(MSG_TUI_HOST_LABEL));
		draw_field(lab, y, &x, end, FIELD_PORT, _(MSG_TUI_PORT_LABEL));
		draw_field(lab, y, &x, end, FIELD_START, NULL);
		y++;
	}
	if (y < maxy) {
		hrule(y, r->x, r->w);
		put(y, r->x + 1, r->w - 2, lab->nservers ? _(MSG_TUI_RUNNING) : _(MSG_TUI_NONE_RUNNING),
		    A_DIM);
		y++;
	}
	/* Keep the selected server in view. */
	if (sel >= 0) {
		if (lab->list_top > sel)
			lab->list_top = sel;
		for (;;) {
			rows = 0;
			for (int i = lab->list_top; i <= sel; i++)
				rows += servers_item_rows(lab->servers[i]);
			if (rows <= maxy - y || lab->list_top >= sel)
				break;
			lab->list_top++;
		}
	}
	if (lab->list_top >= lab->nservers)
		lab->list_top = lab->nservers > 0 ? lab->nservers - 1 : 0;
	int heading = y - 1, i;

	for (i = lab->list_top; i < lab->nservers && y < maxy; i++) {
		draw_server_item(lab, lab->servers[i], y, r->x, r->w, maxy, i == sel);
		y += servers_item_rows(lab->servers[i]);
	}
	/* Say when servers are out of view, above or below. */
	if (lab->list_top > 0 && heading > r->y) {
		char more[32];

		snprintf(more, sizeof more, P_(MSG_TUI_MORE_ABOVE, lab->list_top), lab->list_top);
		put(heading, r->x + r->w - tui_text_cols(more) - 1, tui_text_cols(more), more,
		    A_BOLD);
	}
	if (y > maxy || i < lab->nservers) {
		char more[32];
		int below = lab->nservers - i + (y > maxy ? 1 : 0);

		snprintf(more, sizeof more, P_(MSG_TUI_MORE_BELOW, below), below);
		put(maxy - 1, r->x + r->w - tui_text_cols(more) - 1, tui_text_cols(more), more,
		    A_BOLD | A_REVERSE);
	}
}

static void draw_presets(struct lab *lab)
{
	const struct tui_rect *r = &lab->lay.presets;

	if (r->h <= 0)
		return;
	title(r, _(MSG_TUI_PRESETS), lab->focus == FOCUS_PRESETS, "F2-F7");
	for (size_t i = 0; i < tui_preset_count && (int)i + 1 < r->h; i++) {
		char line[256];
		bool sel = lab->focus == FOCUS_PRESETS && (int)i == lab->preset_sel;
		attr_t a = sel ? A_REVERSE : A_NORMAL;

		snprintf(line, sizeof line, " F%zu %-4s%s", i + 2, tui_presets[i].key,
			 _(tui_presets[i].summary));
		fill(r->y + 1 + (int)i, r->x, r->w, a);
		put(r->y + 1 + (int)i, r->x, r->w, line, a);
	}
}

/* ---- wrapped line lists: the log and the client output ---- */

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

/* The lab's look, lent to the watched log's drawing (tui_watch_ui.c). */
static const struct watch_paint paint = {put, fill, title, line_attr};

static void draw_lines(const struct tui_rect *area, struct list_view *v, size_t scroll)
{
	size_t count = v->log->count + (v->extra ? 1 : 0);
	int skip, y = area->y;
	size_t i = tui_layout_first_line(count, scroll, area->h, view_rows, v, &skip);

	struct tui_rect cols = {area->y, area->x, area->h, v->width};

	for (; i < count && y < area->y + area->h; i++) {
		unsigned flags;
		const char *s = view_text(v, i, &flags);

		y = watch_draw_wrapped(&paint, &cols, y, s, line_attr(flags), skip, false);
		skip = 0;
	}
}

static void draw_log(struct lab *lab)
{
	watch_draw_log(&lab->watch, &lab->lay.log, lab->focus == FOCUS_LOG,
		       event_queue_dropped(lab->q), &paint);
}

static void draw_rule(struct lab *lab)
{
	attron(A_DIM);
	vrule(0, lab->lay.rule_x, lab->lay.rule_h);
	attroff(A_DIM);
}

/* Draws the readline line in one row, scrolled so the cursor shows;
 * control characters appear as ^X, as readline itself shows them.
 * Returns the cursor column. */
static int draw_input(int y, int x, int width, bool focused)
{
	char buf[8192];
	const char *prompt = client_prompt(), *line = client_line();
	size_t o = 0, n = strlen(line);
	int cur = 0, off, skipped;
	const char *s;

	o = (size_t)snprintf(buf, sizeof buf, "%s", prompt);
	if (o >= sizeof buf)
		o = sizeof buf - 1;
	for (size_t i = 0; i <= n && o + 8 < sizeof buf; i++) {
		if ((int)i == client_point()) {
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
	put(y, x, width, s, focused ? A_BOLD : A_NORMAL);
	return cur - skipped;
}

static void draw_client(struct lab *lab, int *cy, int *cx)
{
	const struct tui_rect *r = &lab->lay.client;
	const struct tui_client *c = &lab->client;
	char right[200], t[ADDR_TEXT_MAX], partial[TUI_PARTIAL_MAX * 4 + 8];
	struct list_view v = {&lab->out, NULL, r->w - 1};
	struct tui_rect body = {r->y + 1, r->x + 1, r->h - 2, r->w - 1};

	switch (c->state) {
	case CLIENT_TCP:
		addr_tuple((const struct sockaddr *)&c->sess.peer, t, sizeof t);
		snprintf(right, sizeof right, _(MSG_TUI_CLIENT_TCP), t,
			 c->sess.shut_wr ? _(MSG_TUI_HALF_CLOSED) : "");
		break;
	case CLIENT_UDP:
		addr_tuple((const struct sockaddr *)&c->sess.peer, t, sizeof t);
		snprintf(right, sizeof right, _(MSG_TUI_CLIENT_UDP), t);
		break;
	case CLIENT_CONNECTING:
		snprintf(right, sizeof right, _(MSG_TUI_CLIENT_CONNECTING), c->trying);
		break;
	case CLIENT_RESOLVING:
		snprintf(right, sizeof right, "%s", _(MSG_TUI_CLIENT_RESOLVING));
		break;
	default:
		snprintf(right, sizeof right, "%s", _(MSG_TUI_CLIENT_IDLE));
		break;
	}
	title(r, _(MSG_TUI_CLIENT), lab->focus == FOCUS_CLIENT, right);
	if (c->partial_len > 0) {
		size_t used;

		memcpy(partial, "< ", 2);
		esc_text(c->partial, c->partial_len, partial + 2, sizeof partial - 2, &used);
		v.extra = partial;
	}
	draw_lines(&body, &v, lab->out.scroll);
	*cy = r->y + r->h - 1;
	*cx = r->x + 1 + draw_input(*cy, r->x + 1, r->w - 2, lab->focus == FOCUS_CLIENT);
}

/* ---- status bar and help ---- */

static void draw_status(struct lab *lab)
{
	const struct tui_rect *r = &lab->lay.status;
	static const char *const keys[FOCUS_COUNT] = {
	    [FOCUS_CLIENT] = MSG_TUI_KEYS_CLIENT,
	    [FOCUS_SERVERS] = MSG_TUI_KEYS_SERVERS,
	    [FOCUS_PRESETS] = MSG_TUI_KEYS_PRESETS,
	    [FOCUS_LOG] = MSG_TUI_KEYS_LOG,
	};
	const char *s = _(keys[lab->focus]);
	attr_t a = role(PAIR_STATUS);

	if (lab->watch.prompting)
		s = _(MSG_TUI_KEYS_FILTER);
	else if (lab->watch.detail)
		s = _(MSG_WATCH_DETAIL_KEYS);

	fill(r->y, r->x, r->w, a);
	if (lab->help)
		s = _(MSG_TUI_KEYS_HELP);
	else if (lab->status[0] && lab_ms_since(&lab->status_time) < 5000)
		s = lab->status, a = lab->status_error ? role(PAIR_ERROR) | A_REVERSE : a;
	else if (lab->focus == FOCUS_PRESETS)
		s = _(tui_presets[lab->preset_sel].teaches);
	fill(r->y, r->x, r->w, a);
	put(r->y, r->x + 1, r->w - 1, s, a);
}

static const char *const help_keys[] = {MSG_TUI_HELP_LINES};
#define HELP_KEYS (int)(sizeof help_keys / sizeof help_keys[0])

int draw_help_lines(void)
{
	return HELP_KEYS + 2 + (int)tui_cmd_count + 2 + 2 + (int)tui_preset_count;
}

static void help_line(int i, char *out, size_t cap, attr_t *a)
{
	int k;

	*a = A_NORMAL;
	if (i < HELP_KEYS) {
		snprintf(out, cap, "%s", _(help_keys[i]));
		if (help_keys[i][0] != ' ')
			*a = A_BOLD;
		return;
	}
	i -= HELP_KEYS;
	if (i == 0) {
		out[0] = '\0';
		return;
	}
	if (i == 1) {
		snprintf(out, cap, "%s", _(MSG_TUI_HELP_COMMANDS));
		*a = A_BOLD;
		return;
	}
	k = i - 2;
	if (k < (int)tui_cmd_count) {
		snprintf(out, cap, "  %-30s %s", tui_cmd_table[k].usage, _(tui_cmd_table[k].help));
		return;
	}
	k -= (int)tui_cmd_count;
	if (k == 0) {
		snprintf(out, cap, "  %s", _(MSG_TUI_HELP_SEND));
		return;
	}
	if (k == 1) {
		out[0] = '\0';
		return;
	}
	if (k == 2) {
		snprintf(out, cap, "%s", _(MSG_TUI_HELP_PRESETS));
		*a = A_BOLD;
		return;
	}
	k -= 3;
	if (k >= 0 && k < (int)tui_preset_count) {
		snprintf(out, cap, "  F%d %-4s %s", k + 2, tui_presets[k].key,
			 _(tui_presets[k].teaches));
		return;
	}
	out[0] = '\0';
}

static void draw_help(struct lab *lab)
{
	int total = draw_help_lines() + 1;
	int w = lab->lay.cols - 4 > 100 ? 100 : lab->lay.cols - 4;
	int h = lab->lay.rows - 2 > total + 2 ? total + 2 : lab->lay.rows - 2;
	int y0 = (lab->lay.rows - 1 - h) / 2, x0 = (lab->lay.cols - w) / 2;
	int body = h - 2, max_scroll = total - body > 0 ? total - body : 0;
	char line[512], right[64];
	attr_t a;

	if (lab->help_scroll > max_scroll)
		lab->help_scroll = max_scroll;
	if (lab->help_scroll < 0)
		lab->help_scroll = 0;
	for (int y = y0; y < y0 + h; y++)
		fill(y, x0, w, A_NORMAL);
	attron(role(PAIR_FOCUS));
	mvhline(y0, x0, ' ', w);
	attroff(role(PAIR_FOCUS));
	snprintf(right, sizeof right, "%s", max_scroll ? _(MSG_TUI_HELP_MORE) : _(MSG_TUI_HELP_CLOSE));
	title(&(struct tui_rect){y0, x0, 1, w}, _(MSG_TUI_HELP_TITLE), true, right);
	attron(A_BOLD);
	vrule(y0 + 1, x0, h - 1);
	vrule(y0 + 1, x0 + w - 1, h - 1);
	hrule(y0 + h - 1, x0, w);
	corner(y0 + h - 1, x0, true);
	corner(y0 + h - 1, x0 + w - 1, false);
	attroff(A_BOLD);
	for (int i = 0; i < body; i++) {
		int k = i + lab->help_scroll;

		if (k == 0) {
			snprintf(line, sizeof line, "%s", _(MSG_TUI_HELP_INTRO));
			a = A_NORMAL;
		} else {
			help_line(k - 1, line, sizeof line, &a);
		}
		put(y0 + 1 + i, x0 + 2, w - 4, line, a);
	}
}

void draw_frame(struct lab *lab)
{
	int cy = 0, cx = 0;

	erase();
	if (lab->lay.too_small) {
		char msg[160];
		const char *m = msg;

		snprintf(msg, sizeof msg, _(MSG_TUI_TOO_SMALL), TUI_MIN_COLS, TUI_MIN_ROWS,
			 lab->lay.cols, lab->lay.rows);
		for (int y = 0; *m && y < lab->lay.rows; y++) {
			size_t k = tui_wrap_row(m, lab->lay.cols);
			char row[160];

			memcpy(row, m, k);
			row[k] = '\0';
			put(y, 0, lab->lay.cols, row, A_BOLD);
			m += k;
			while (*m == ' ')
				m++;
		}
		curs_set(0);
		refresh();
		return;
	}
	draw_servers(lab);
	draw_presets(lab);
	draw_rule(lab);
	draw_log(lab);
	draw_client(lab, &cy, &cx);
	draw_status(lab);
	if (lab->watch.detail)
		watch_draw_detail(&lab->watch, lab->lay.rows, lab->lay.cols, &paint);
	if (lab->help) {
		draw_help(lab);
		curs_set(0);
	} else if (watch_modal(&lab->watch)) {
		curs_set(0);
	} else if (lab->focus == FOCUS_CLIENT) {
		move(cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
	refresh();
}
