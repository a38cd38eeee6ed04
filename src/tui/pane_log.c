/*
 * pane_log: the live log pane: the watched events (tui_watch.c) with the
 * filter in its title, paused and folded counts, the selected line, the
 * filter prompt, and the detail overlay, and the keys that drive them.
 * Every string drawn is ours or already escaped (event_format_text,
 * esc_text, hexdump rows).
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/kernel.h"
#include "tui/tui_msg.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"

#define LINE_MAX_SHOWN (TUI_LOG_LINE_MAX + 32)

struct rows_arg {
	const struct watch *w;
	int width;
};

static const char *shown_text(const struct watch *w, size_t i, char *buf, size_t cap,
			      unsigned *flags)
{
	const struct watch_rec *r = watch_shown_rec(w, i);

	buf[0] = '\0';
	*flags = 0;
	if (r != NULL) {
		watch_line_text(r, buf, cap);
		*flags = r->flags;
	}
	return buf;
}

static int rows_of(size_t i, void *arg)
{
	const struct rows_arg *a = arg;
	static char buf[LINE_MAX_SHOWN];
	unsigned flags;

	return tui_text_rows(shown_text(a->w, i, buf, sizeof buf, &flags), a->width);
}

/* The shown lines, bottom-aligned, the selected one marked when focused. */
static void draw_body(struct watch *w, const struct tui_rect *area, bool focused)
{
	static char buf[LINE_MAX_SHOWN];
	struct rows_arg arg = {w, area->w};
	size_t count = watch_nshown(w), sel = count - 1 - w->scroll;
	int skip, y = area->y;
	size_t i;

	if (count == 0 || area->h <= 0)
		return;
	i = tui_layout_first_line(count, w->scroll, area->h, rows_of, &arg, &skip);
	for (; i < count && y < area->y + area->h; i++) {
		unsigned flags;
		const char *s = shown_text(w, i, buf, sizeof buf, &flags);
		attr_t a = paint_line_attr(flags);
		bool hl = focused && i == sel;

		y = paint_wrapped(area, y, s, hl ? a | A_REVERSE : a, skip, hl);
		skip = 0;
	}
}

static void draw_prompt(struct watch *w, struct tui_rect *body)
{
	char line[WATCH_PROMPT_MAX + 32];
	int py = body->y + body->h - 1;
	const char *s = line;

	body->h--;
	if (w->error[0] && body->h > 0) {
		/* The whole reason, wrapped above the prompt. */
		int rows = tui_text_rows(w->error, body->w);
		attr_t ea = paint_line_attr(TUI_LOG_ERROR);

		if (rows > body->h)
			rows = body->h;
		for (int y = py - rows; y < py; y++)
			paint_fill(y, body->x, body->w, ea);
		paint_wrapped(&(struct tui_rect){py - rows, body->x, rows, body->w}, py - rows,
			      w->error, ea, 0, false);
		body->h -= rows;
	}
	snprintf(line, sizeof line, "%s%s_", _(MSG_WATCH_PROMPT), w->prompt);
	paint_fill(py, body->x, body->w, A_BOLD);
	/* Keep the end of a long filter in view. */
	while (tui_text_cols(s) > body->w && *s) {
		size_t len;

		tui_char_cols(s, strlen(s), &len);
		s += len;
	}
	paint_put(py, body->x, body->w, s, A_BOLD);
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct watch *w = &lab->watch;
	unsigned long long dropped = event_queue_dropped(lab->q);
	struct tui_rect body = {r->y + 1, r->x + 1, r->h - 1, r->w - 1};
	char name[FILTER_FORMAT_MAX + 64], right[256];
	int n = 0;

	if (w->filter_text[0])
		snprintf(name, sizeof name, _(MSG_WATCH_LOG_FILTERED), _(MSG_TUI_LOG),
			 w->filter_text);
	else
		snprintf(name, sizeof name, "%s", _(MSG_TUI_LOG));
	right[0] = '\0';
	if (w->paused)
		n += snprintf(right + n, sizeof right - (size_t)n, _(MSG_WATCH_PAUSED),
			      (unsigned long long)w->paused_new);
	if (w->folded)
		n += snprintf(right + n, sizeof right - (size_t)n, _(MSG_WATCH_FOLDED_COUNT),
			      (unsigned long long)w->folded);
	if (w->no_fold)
		n += snprintf(right + n, sizeof right - (size_t)n, "%s", _(MSG_WATCH_FOLD_OFF));
	if (n < (int)sizeof right) {
		if (w->scroll)
			snprintf(right + n, sizeof right - (size_t)n, _(MSG_TUI_LOG_SCROLLED),
				 w->scroll, dropped);
		else
			snprintf(right + n, sizeof right - (size_t)n,
				 P_(MSG_TUI_LOG_FOLLOW, watch_nshown(w)), watch_nshown(w), dropped);
	}
	if (tui_text_cols(name) + tui_text_cols(right) + 4 > r->w && r->h > 4) {
		/* No room for both: the name (with its filter) wraps over up to
		 * three title rows and the counters get a row of their own, so
		 * neither the filter nor a number is cut. */
		attr_t a = paint_role(focused ? ROLE_FOCUS : ROLE_TITLE);
		int rows = tui_text_rows(name, r->w - 2), rw = tui_text_cols(right);

		if (rows > 3)
			rows = 3;
		for (int y = r->y; y <= r->y + rows; y++)
			paint_fill(y, r->x, r->w, a);
		paint_wrapped(&(struct tui_rect){r->y, r->x + 1, rows, r->w - 2}, r->y, name, a, 0,
			      false);
		paint_put_ellipsis(r->y + rows, rw + 2 > r->w ? r->x + 1 : r->x + r->w - 1 - rw,
				   r->w - 2, right, a);
		body.y += rows;
		body.h -= rows;
	} else {
		paint_title(r, name, focused, right);
	}
	if (w->prompting && body.h > 0)
		draw_prompt(w, &body);
	draw_body(w, &body, focused);
}

/* The detail view, over the whole screen. */
static void draw_detail(struct lab *lab)
{
	struct watch *w = &lab->watch;
	const struct watch_rec *r = watch_find(w, w->detail_seq);
	int rows = lab->lay.rows, cols = lab->lay.cols;
	int width = cols - 4 > 100 ? 100 : cols - 4;
	int total, h, y0, x0, body, max_scroll;
	char title[64], line[256];

	if (!w->detail || width < 10 || rows < 5)
		return;
	total = r ? (int)watch_detail_count(r) : 1;
	h = rows - 2 > total + 2 ? total + 2 : rows - 2;
	y0 = (rows - 1 - h) / 2;
	x0 = (cols - width) / 2;
	body = h - 2;
	max_scroll = total - body > 0 ? total - body : 0;
	if (w->detail_scroll > max_scroll)
		w->detail_scroll = max_scroll;
	if (w->detail_scroll < 0)
		w->detail_scroll = 0;
	for (int y = y0; y < y0 + h; y++)
		paint_fill(y, x0, width, A_NORMAL);
	snprintf(title, sizeof title, _(MSG_WATCH_DETAIL_TITLE), (unsigned long long)w->detail_seq);
	paint_title(&(struct tui_rect){y0, x0, 1, width}, title, true, _(MSG_WATCH_DETAIL_KEYS));
	paint_frame(&(struct tui_rect){y0, x0, h, width});
	for (int i = 0; i < body; i++) {
		bool heading = false;

		if (r == NULL) {
			if (i == 0)
				paint_put(y0 + 1, x0 + 2, width - 4, _(MSG_WATCH_GONE), A_BOLD);
			continue;
		}
		if (!watch_detail_line(r, (size_t)(i + w->detail_scroll), line, sizeof line,
				       &heading))
			break;
		paint_put(y0 + 1 + i, x0 + 2, width - 4, line, heading ? A_BOLD : A_NORMAL);
	}
}

/* ---- keys ---- */

static int page_rows(const struct lab *lab)
{
	struct tui_rect r = pane_rect(lab, &pane_log);

	return r.h > 3 ? r.h - 2 : 1;
}

/* The shown line next to the one in the detail view (dir -1: older). */
static void detail_step(struct watch *w, int dir)
{
	size_t n = watch_nshown(w);

	for (size_t i = 0; i < n; i++) {
		const struct watch_rec *r = watch_shown_rec(w, i);

		if (r == NULL || r->seq != w->detail_seq)
			continue;
		if ((dir < 0 && i == 0) || (dir > 0 && i + 1 >= n))
			return;
		r = watch_shown_rec(w, dir < 0 ? i - 1 : i + 1);
		w->detail_seq = r->seq;
		w->detail_scroll = 0;
		/* The selection follows, so closing lands on this line. */
		w->scroll = n - 1 - (dir < 0 ? i - 1 : i + 1);
		return;
	}
}

static void detail_key(struct watch *w, int key, int page)
{
	switch (key) {
	case KEY_UP:
		w->detail_scroll--;
		break;
	case KEY_DOWN:
		w->detail_scroll++;
		break;
	case KEY_PPAGE:
		w->detail_scroll -= page;
		break;
	case KEY_NPAGE:
	case ' ':
		w->detail_scroll += page;
		break;
	case KEY_HOME:
		w->detail_scroll = 0;
		break;
	case KEY_LEFT:
		detail_step(w, -1);
		break;
	case KEY_RIGHT:
		detail_step(w, 1);
		break;
	default: /* Esc, Enter, q and the rest close it */
		w->detail = false;
		break;
	}
}

static void prompt_key(struct watch *w, int key)
{
	char err[FILTER_ERR_MAX];

	switch (key) {
	case 27: /* Esc */
		w->prompting = false;
		w->error[0] = '\0';
		return;
	case KEY_ENTER:
	case '\r':
	case '\n':
		w->prompt[w->prompt_len] = '\0';
		if (watch_set_filter(w, w->prompt, err, sizeof err) == 0)
			w->prompting = false;
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		/* One whole UTF-8 character. */
		while (w->prompt_len > 0 &&
		       ((unsigned char)w->prompt[w->prompt_len - 1] & 0xC0) == 0x80)
			w->prompt_len--;
		if (w->prompt_len > 0)
			w->prompt_len--;
		break;
	case 21: /* Ctrl-U */
		w->prompt_len = 0;
		break;
	default:
		/* Text only: printable ASCII and the bytes of UTF-8. */
		if (key < 0x20 || key > 0xff || key == 0x7f)
			return;
		if (w->prompt_len + 1 < sizeof w->prompt)
			w->prompt[w->prompt_len++] = (char)key;
		break;
	}
	w->prompt[w->prompt_len] = '\0';
}

static enum pane_result up(struct lab *lab, int key)
{
	(void)key;
	watch_scroll(&lab->watch, 1);
	return PANE_REDRAW;
}

static enum pane_result down(struct lab *lab, int key)
{
	(void)key;
	watch_scroll(&lab->watch, -1);
	return PANE_REDRAW;
}

static enum pane_result page_up(struct lab *lab, int key)
{
	(void)key;
	watch_scroll(&lab->watch, page_rows(lab));
	return PANE_REDRAW;
}

static enum pane_result page_down(struct lab *lab, int key)
{
	(void)key;
	watch_scroll(&lab->watch, -page_rows(lab));
	return PANE_REDRAW;
}

static enum pane_result oldest(struct lab *lab, int key)
{
	(void)key;
	watch_scroll(&lab->watch, (long)watch_nshown(&lab->watch));
	return PANE_REDRAW;
}

static enum pane_result live(struct lab *lab, int key)
{
	(void)key;
	watch_end(&lab->watch);
	return PANE_REDRAW;
}

static enum pane_result open_detail(struct lab *lab, int key)
{
	struct watch *w = &lab->watch;
	const struct watch_rec *r = watch_selected(w);

	(void)key;
	if (r != NULL) {
		w->detail = true;
		w->detail_seq = r->seq;
		w->detail_scroll = 0;
	}
	return PANE_REDRAW;
}

static enum pane_result open_prompt(struct lab *lab, int key)
{
	struct watch *w = &lab->watch;

	(void)key;
	w->prompting = true;
	w->error[0] = '\0';
	snprintf(w->prompt, sizeof w->prompt, "%s", w->filter_text);
	w->prompt_len = strlen(w->prompt);
	return PANE_REDRAW;
}

static enum pane_result clear_filter(struct lab *lab, int key)
{
	(void)key;
	watch_set_filter(&lab->watch, "", NULL, 0);
	return PANE_REDRAW;
}

static enum pane_result pause(struct lab *lab, int key)
{
	(void)key;
	watch_pause(&lab->watch, !lab->watch.paused);
	return PANE_REDRAW;
}

static enum pane_result fold(struct lab *lab, int key)
{
	(void)key;
	watch_set_fold(&lab->watch, lab->watch.no_fold);
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{KEY_UP}, "Up/Down", MSG_TUI_HELP_LOG_MOVE, up},
    {{KEY_DOWN}, NULL, NULL, down},
    {{KEY_PPAGE}, "PgUp/PgDn", MSG_TUI_HELP_LOG_PAGE, page_up},
    {{KEY_NPAGE}, NULL, NULL, page_down},
    {{KEY_HOME}, "Home", MSG_TUI_HELP_LOG_HOME, oldest},
    {{KEY_END}, "End", MSG_TUI_HELP_LOG_END, live},
    {{'\r', '\n', KEY_ENTER}, "Enter", MSG_TUI_HELP_LOG_DETAIL, open_detail},
    {{'/'}, "/", MSG_TUI_HELP_LOG_FILTER, open_prompt},
    {{'c'}, "c", MSG_TUI_HELP_LOG_CLEAR, clear_filter},
    {{'p', ' '}, "p/Space", MSG_TUI_HELP_LOG_PAUSE, pause},
    {{'f'}, "f", MSG_TUI_HELP_LOG_FOLD, fold},
    {{'L'}, "L", MSG_KERNEL_HELP_LOG_LADDER, kernel_key_log_ladder},
};

static bool modal(const struct lab *lab)
{
	return lab->watch.detail || lab->watch.prompting;
}

/* Only while modal: the detail view or the filter prompt takes the key. */
static enum pane_result on_key(struct lab *lab, int key)
{
	if (lab->watch.detail)
		detail_key(&lab->watch, key, page_rows(lab));
	else if (lab->watch.prompting)
		prompt_key(&lab->watch, key);
	else
		return PANE_IGNORED;
	return PANE_REDRAW;
}

static enum pane_result on_mouse(struct lab *lab, const struct tui_rect *r, int y, int x, int wheel)
{
	(void)r, (void)y, (void)x;
	if (wheel != 0)
		watch_scroll(&lab->watch, wheel < 0 ? 3 : -3);
	return PANE_REDRAW;
}

/* Ctrl-C closes the filter prompt or the detail view. */
static enum pane_result on_interrupt(struct lab *lab)
{
	if (!modal(lab))
		return PANE_IGNORED;
	return on_key(lab, 27);
}

static const char *status_text(const struct lab *lab)
{
	/* Untranslated: the frame applies _() to what it shows. */
	if (lab->watch.prompting)
		return MSG_TUI_KEYS_FILTER;
	if (lab->watch.detail)
		return MSG_WATCH_DETAIL_KEYS;
	return MSG_TUI_KEYS_LOG;
}

const struct pane pane_log = {
    .name = "log",
    .title = MSG_TUI_LOG,
    .slot = PANE_SLOT_MAIN,
    .status = MSG_TUI_KEYS_LOG,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .key = on_key,
    .mouse = on_mouse,
    .modal = modal,
    .interrupt = on_interrupt,
    .overlay = draw_detail,
    .status_text = status_text,
};
