/*
 * pane_servers: the servers pane: a small form (transport, family,
 * service, mode, host, port, Start) and the running servers with their
 * addresses, counters and rates. Its model is tui_servers.c.
 *
 * Where each field and server row sits is computed once, by geometry(),
 * and used by both the drawing and the mouse.
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "tui/tui_msg.h"
#include "socklab/server.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"
#include "tui/tui_sandbox.h"

/* ---- geometry ---- */

struct field_box {
	int y, x;  /* where the field starts (its label, when it has one) */
	int label; /* columns of the label shown (0: none, or no room for it) */
	int vw;	   /* columns of the value shown (ellipsised when narrower) */
	int w;	   /* columns of label and "[value]" */
};

struct geometry {
	struct field_box field[FIELD_COUNT];
	int heading_y; /* the running list's heading row; -1: no room */
	int list_y;    /* the first row of the running list */
	int bottom;    /* one past the pane's last row */
};

static const char *field_label(enum tui_field f)
{
	return f == FIELD_HOST	 ? _(MSG_TUI_HOST_LABEL)
	       : f == FIELD_PORT ? _(MSG_TUI_PORT_LABEL)
				 : NULL;
}

static void geometry(const struct lab *lab, const struct tui_rect *r, struct geometry *g)
{
	static const enum tui_field rows[2][4] = {
	    {FIELD_TRANSPORT, FIELD_FAMILY, FIELD_SERVICE, FIELD_MODE},
	    {FIELD_HOST, FIELD_PORT, FIELD_START, FIELD_COUNT},
	};
	int y = r->y + 1;

	memset(g, 0, sizeof *g);
	g->bottom = r->y + r->h;
	for (int row = 0; row < 2; row++, y++) {
		int x = r->x + 1, need = 0, avail = r->w - 1;
		bool labels = true;

		for (int i = 0; i < 4 && rows[row][i] != FIELD_COUNT; i++) {
			enum tui_field f = rows[row][i];
			const char *label = field_label(f);
			struct field_box *b = &g->field[f];

			if (!servers_field_shown(lab, f)) {
				b->y = -1; /* not drawn, not clicked */
				continue;
			}
			b->y = y;
			b->label = label ? tui_text_cols(label) : 0;
			b->vw = tui_text_cols(servers_field_value(lab, f));
			need += b->label + b->vw + 3;
		}
		/* Too wide for the pane: first the labels go, then the host
		 * shrinks (ellipsised), so [Start] always shows whole. */
		if (need > avail) {
			labels = false;
			for (int i = 0; i < 4 && rows[row][i] != FIELD_COUNT; i++)
				need -= g->field[rows[row][i]].label;
			if (row == 1 && need > avail) {
				struct field_box *h = &g->field[FIELD_HOST];
				int cut = need - avail;

				h->vw = h->vw - cut > 3 ? h->vw - cut : 3;
			}
		}
		for (int i = 0; i < 4 && rows[row][i] != FIELD_COUNT; i++) {
			struct field_box *b = &g->field[rows[row][i]];

			if (b->y < 0)
				continue;
			if (!labels)
				b->label = 0;
			b->x = x;
			b->w = b->label + b->vw + 2;
			x += b->w + 1;
		}
	}
	g->heading_y = y < g->bottom ? y : -1;
	g->list_y = y + 1;
}

static int item_rows(struct server *s)
{
	return 2 + server_nsockets(s) + SERVERS_RATE_LINES;
}

/* ---- drawing ---- */

static void draw_field(const struct lab *lab, const struct geometry *g, int end, enum tui_field f,
		       bool focused)
{
	const struct field_box *b = &g->field[f];
	bool sel = lab->cursor == (int)f;
	char v[SPEC_HOST_MAX + 4];
	attr_t a = sel ? (focused ? A_REVERSE : A_UNDERLINE) : A_BOLD;
	int x = b->x;

	if (b->y < 0 || b->y >= g->bottom)
		return;
	if (b->label > 0)
		x += paint_put(b->y, x, end - x, field_label(f), A_NORMAL);
	snprintf(v, sizeof v, "%s", servers_field_value(lab, f));
	x += paint_put(b->y, x, end - x, "[", a);
	x += paint_put_ellipsis(b->y, x, b->vw < end - x ? b->vw : end - x, v, a);
	x += paint_put(b->y, x, end - x, "]", a);
	paint_put(b->y, x, end - x, " ", A_NORMAL);
}

/* One row of a server's block: filled (a selection shows as a bar) and
 * ellipsised when it does not fit. */
static void item_row(int y, int x, int w, const char *line, attr_t fill, attr_t a)
{
	paint_fill(y, x, w, fill);
	paint_put_ellipsis(y, x, w, line, a);
}

static void draw_item(struct lab *lab, int index, int y, int x, int w, int maxy, bool sel,
		      bool focused)
{
	struct server *s = lab->servers[index];
	const struct spec *sp = server_spec(s);
	struct server_stats st;
	char line[256], in[32], out[32];
	attr_t a = sel ? (focused ? A_REVERSE : A_BOLD) : A_NORMAL;
	int row = y;

	server_stats(s, &st);
	if (row < maxy) {
		if (sp->transport == TRANSPORT_TCP)
			snprintf(line, sizeof line, _(MSG_TUI_SERVER_TCP), server_id(s),
				 service_name(sp->service), family_name(sp->family),
				 sp->sequential ? _(MSG_TUI_SEQ_SHORT) : _(MSG_TUI_CONC_SHORT),
				 (unsigned long long)st.conns_now);
		else
			snprintf(line, sizeof line, _(MSG_TUI_SERVER_UDP), server_id(s),
				 service_name(sp->service), family_name(sp->family));
		item_row(row++, x, w, line, a, a | A_BOLD);
	}
	for (int i = 0; i < server_nsockets(s) && row < maxy; i++) {
		char hp[ADDR_TEXT_MAX];
		int v6 = server_v6only(s, i);

		addr_hostport((const struct sockaddr *)server_local(s, i), hp, sizeof hp);
		if (v6 >= 0)
			snprintf(line, sizeof line, "   %s v6only=%d%s", hp, v6,
				 tui_sandbox_where(server_id(s)));
		else
			snprintf(line, sizeof line, "   %s%s", hp, tui_sandbox_where(server_id(s)));
		item_row(row++, x, w, line, a, a);
	}
	/* The accept queue against the backlog (UDP: datagrams per second),
	 * then the rates over 1 s and 10 s, then the totals: on a short
	 * screen the first rows are the ones that matter in class. */
	for (int k = 0; k < SERVERS_RATE_LINES && row < maxy; k++) {
		int i = (k + SERVERS_RATE_LINES - 1) % SERVERS_RATE_LINES;

		if (i == 2 && sp->transport == TRANSPORT_TCP && st.has_accept_queue)
			servers_queue_line(&st, w - 1, line,
					   sizeof line); /* the edge stays blank */
		else
			servers_rate_line(&lab->rates[index], &st, sp, i, line, sizeof line);
		item_row(row++, x, w, line, a, a);
	}
	if (row < maxy) {
		paint_bytes(st.bytes_in, in, sizeof in);
		paint_bytes(st.bytes_out, out, sizeof out);
		if (sp->transport == TRANSPORT_TCP)
			snprintf(line, sizeof line, _(MSG_TUI_STATS_TCP), in, out,
				 (unsigned long long)st.conns_total);
		else
			snprintf(line, sizeof line, _(MSG_TUI_STATS_UDP),
				 (unsigned long long)st.dgrams_in, in,
				 (unsigned long long)st.dgrams_out, out);
		item_row(row++, x, w, line, a, a);
	}
}

/* The rows the list shows from list_top (all of them when they fit, else
 * the last row is kept for the "more below" mark); updates list_top so
 * the selected server is in view. Returns the first server not shown. */
static int fit_list(struct lab *lab, int rows_free)
{
	int sel = lab->cursor - FIELD_COUNT, used = 0, i;

	if (lab->list_top >= lab->nservers)
		lab->list_top = lab->nservers > 0 ? lab->nservers - 1 : 0;
	if (sel >= 0 && lab->list_top > sel)
		lab->list_top = sel;
	for (;;) {
		bool more;

		used = 0;
		for (i = lab->list_top; i < lab->nservers; i++) {
			if (used + item_rows(lab->servers[i]) > rows_free)
				break;
			used += item_rows(lab->servers[i]);
		}
		more = i < lab->nservers;
		if (more) { /* the mark takes the last row */
			used = 0;
			for (i = lab->list_top; i < lab->nservers; i++) {
				if (used + item_rows(lab->servers[i]) > rows_free - 1)
					break;
				used += item_rows(lab->servers[i]);
			}
		}
		if (sel < 0 || sel < i || lab->list_top >= sel)
			return i;
		lab->list_top++;
	}
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct geometry g;
	char right[64], more[48], drops[128];
	int y, end = r->x + r->w, maxy = r->y + r->h, shown_end, mw = 0;

	geometry(lab, r, &g);
	snprintf(right, sizeof right, P_(MSG_TUI_RUNNING_COUNT, lab->nservers), lab->nservers);
	paint_title(r, tui_sandbox_servers_title(_(MSG_TUI_SERVERS)), focused, right);
	for (int f = 0; f < FIELD_COUNT; f++)
		draw_field(lab, &g, end, (enum tui_field)f, focused);
	if (g.heading_y < 0)
		return;
	shown_end = fit_list(lab, maxy - g.list_y);
	/* The heading, with room kept for the "more above" mark. */
	paint_hrule(g.heading_y, r->x, r->w);
	if (lab->list_top > 0) {
		snprintf(more, sizeof more, P_(MSG_TUI_MORE_ABOVE, lab->list_top), lab->list_top);
		mw = tui_text_cols(more);
		paint_put(g.heading_y, r->x + r->w - mw - 1, mw, more, A_BOLD);
	}
	/* SYNs dropped on a full accept queue take the heading's place: the
	 * trace of clients that timed out against a full backlog. */
	if (servers_drops_text(lab, r->w - 2 - (mw ? mw + 1 : 0), drops, sizeof drops) > 0)
		paint_put_ellipsis(g.heading_y, r->x + 1, r->w - 2 - (mw ? mw + 1 : 0), drops,
				   paint_line_attr(TUI_LOG_WARN) | A_BOLD);
	else
		paint_put_ellipsis(g.heading_y, r->x + 1, r->w - 2 - (mw ? mw + 1 : 0),
				   lab->nservers ? _(MSG_TUI_RUNNING) : _(MSG_TUI_NONE_RUNNING),
				   A_DIM);
	y = g.list_y;
	for (int i = lab->list_top; i < shown_end; i++) {
		draw_item(lab, i, y, r->x, r->w, maxy, i == lab->cursor - FIELD_COUNT, focused);
		y += item_rows(lab->servers[i]);
	}
	/* The next server's first rows in what room is left, above the mark
	 * (which then counts the servers after it). */
	if (shown_end < lab->nservers && y < maxy - 1) {
		bool last = shown_end + 1 == lab->nservers;

		draw_item(lab, shown_end, y, r->x, r->w, last ? maxy : maxy - 1,
			  shown_end == lab->cursor - FIELD_COUNT, focused);
		shown_end++;
	}
	/* Servers out of view below: a row of its own, never over a line. */
	if (shown_end < lab->nservers) {
		snprintf(more, sizeof more, P_(MSG_TUI_MORE_BELOW, lab->nservers - shown_end),
			 lab->nservers - shown_end);
		mw = tui_text_cols(more);
		paint_put(maxy - 1, r->x + r->w - mw - 1, mw, more, A_BOLD | A_REVERSE);
	}
}

/* ---- keys ---- */

static bool editing(const struct lab *lab)
{
	return lab->cursor == FIELD_HOST || lab->cursor == FIELD_PORT;
}

/* A character a host can hold: a name, an IPv4 or IPv6 address, a
 * bracket or a scope (%eth0). Anything else is not meant for the field. */
static bool host_char(int key)
{
	return key < 0x80 && (isalnum(key) || strchr(".:-_[]%", key) != NULL);
}

/* Edits a text field; false when the key is not the field's (a space, a
 * '/', ... typed there was meant for the prompt). */
static bool edit_text(char *buf, size_t cap, int key, bool digits)
{
	size_t n = strlen(buf);

	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n > 0)
			buf[n - 1] = '\0';
		return true;
	}
	if (key == 21) { /* Ctrl-U */
		buf[0] = '\0';
		return true;
	}
	if (key <= 0 || key > 0xff || !(digits ? isdigit(key) : host_char(key)))
		return false;
	if (n + 1 < cap) {
		buf[n] = (char)key;
		buf[n + 1] = '\0';
	}
	return true;
}

static void keep_visible(struct lab *lab)
{
	int sel = lab->cursor - FIELD_COUNT;

	/* The draw step pulls list_top forward when the selection would fall
	 * below the panel; here it only has to move back. */
	if (sel >= 0 && sel < lab->list_top)
		lab->list_top = sel;
}

static int last_row(const struct lab *lab)
{
	return FIELD_COUNT + lab->nservers - 1;
}

static enum pane_result up(struct lab *lab, int key)
{
	(void)key;
	if (lab->cursor > 0)
		lab->cursor--;
	if (lab->cursor < FIELD_COUNT && !servers_field_shown(lab, (enum tui_field)lab->cursor))
		lab->cursor--;
	keep_visible(lab);
	return PANE_REDRAW;
}

static enum pane_result down(struct lab *lab, int key)
{
	(void)key;
	if (lab->cursor < last_row(lab))
		lab->cursor++;
	if (lab->cursor < FIELD_COUNT && !servers_field_shown(lab, (enum tui_field)lab->cursor))
		lab->cursor++;
	keep_visible(lab);
	return PANE_REDRAW;
}

static enum pane_result home(struct lab *lab, int key)
{
	(void)key;
	lab->cursor = 0;
	return PANE_REDRAW;
}

static enum pane_result end(struct lab *lab, int key)
{
	(void)key;
	lab->cursor = last_row(lab);
	return PANE_REDRAW;
}

static enum pane_result change(struct lab *lab, int key)
{
	if (lab->cursor < FIELD_HOST) {
		servers_cycle(lab, key == KEY_LEFT ? -1 : 1);
		return PANE_REDRAW;
	}
	/* A space is text in the host field; the arrows do nothing there. */
	return key == ' ' ? PANE_IGNORED : PANE_HANDLED;
}

/* Enter starts a server only on [Start]; on another field it moves
 * there, so a stray Enter never starts one. */
static enum pane_result enter(struct lab *lab, int key)
{
	(void)key;
	if (lab->cursor == FIELD_START)
		servers_start_form(lab);
	else if (lab->cursor < FIELD_COUNT)
		lab->cursor = FIELD_START;
	return PANE_REDRAW;
}

static enum pane_result stop(struct lab *lab, int key)
{
	(void)key;
	if (lab->cursor < FIELD_COUNT)
		return PANE_IGNORED;
	servers_stop(lab, lab->cursor - FIELD_COUNT);
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{KEY_UP}, "Up/Down", MSG_TUI_HELP_SERVERS_MOVE, up},
    {{KEY_DOWN}, NULL, NULL, down},
    {{KEY_HOME}, "Home/End", MSG_TUI_HELP_SERVERS_ENDS, home},
    {{KEY_END}, NULL, NULL, end},
    {{KEY_LEFT, KEY_RIGHT, ' '}, "Left/Right/Space", MSG_TUI_HELP_SERVERS_CHANGE, change},
    {{'\r', '\n', KEY_ENTER}, "Enter", MSG_TUI_HELP_SERVERS_START, enter},
    {{KEY_DC, 'x'}, "x/Delete", MSG_TUI_HELP_SERVERS_STOP, stop},
    {{0}, "host, port", MSG_TUI_HELP_SERVERS_TYPE, NULL},
};

/* The host and port fields take text; other keys are not the pane's. */
static enum pane_result on_key(struct lab *lab, int key)
{
	bool used;

	if (!editing(lab))
		return PANE_IGNORED;
	if (lab->cursor == FIELD_HOST) {
		used = edit_text(lab->form_host, sizeof lab->form_host, key, false);
		lab->form_host_typed = lab->form_host[0] != '\0';
	} else
		used = edit_text(lab->form_port, sizeof lab->form_port, key, true);
	return used ? PANE_REDRAW : PANE_IGNORED;
}

/* ---- the mouse ---- */

static enum pane_result on_mouse(struct lab *lab, const struct tui_rect *r, int y, int x, int wheel)
{
	struct geometry g;
	int row;

	if (wheel != 0)
		return PANE_HANDLED;
	geometry(lab, r, &g);
	/* A form row: the field the click falls in, or the nearest before. */
	if (y == g.field[FIELD_TRANSPORT].y || y == g.field[FIELD_HOST].y) {
		int best = y == g.field[FIELD_TRANSPORT].y ? FIELD_TRANSPORT : FIELD_HOST;

		for (int f = 0; f < FIELD_COUNT; f++)
			if (g.field[f].y == y && x >= g.field[f].x)
				best = f;
		lab->cursor = best;
		return PANE_REDRAW;
	}
	row = y - g.list_y;
	for (int i = lab->list_top; i < lab->nservers && row >= 0; i++) {
		int n = item_rows(lab->servers[i]);

		if (row < n) {
			lab->cursor = FIELD_COUNT + i;
			return PANE_REDRAW;
		}
		row -= n;
	}
	return PANE_REDRAW;
}

const struct pane pane_servers = {
    .name = "servers",
    .title = MSG_TUI_SERVERS,
    .slot = PANE_SLOT_SERVERS,
    .status = MSG_TUI_KEYS_SERVERS,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .key = on_key,
    .mouse = on_mouse,
};
