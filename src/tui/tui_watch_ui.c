/*
 * tui_watch_ui: the watched log drawn and driven by keys (see
 * tui_watch_ui.h). Only the main thread calls in here. Every string drawn
 * is ours or already escaped (event_format_text, esc_text, hexdump rows).
 */
#include "tui/tui_watch_ui.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui_msg.h"
#include "tui/tui_log.h"

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
static void draw_body(struct watch *w, const struct tui_rect *area, bool focused,
		      const struct watch_paint *p)
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
		attr_t a = p->line_attr(flags);
		bool hl = focused && i == sel;

		y = watch_draw_wrapped(p, area, y, s, hl ? a | A_REVERSE : a, skip, hl);
		skip = 0;
	}
}

int watch_draw_wrapped(const struct watch_paint *p, const struct tui_rect *area, int y,
		       const char *s, attr_t a, int skip, bool highlight)
{
	int row = 0;

	while (y < area->y + area->h) {
		int width = tui_wrap_width(area->w, row);
		size_t k;

		if (row > 0) {
			while (*s == ' ')
				s++;
			if (*s == '\0')
				break;
		}
		k = tui_wrap_row(s, width);
		if (row++ >= skip) {
			/* put() cuts at columns; draw only this row's bytes. */
			char part[LINE_MAX_SHOWN];

			if (k >= sizeof part)
				k = sizeof part - 1;
			memcpy(part, s, k);
			part[k] = '\0';
			if (highlight)
				p->fill(y, area->x, area->w, a);
			p->put(y++, area->x + area->w - width, width, part, a);
		}
		s += k;
		if (k == 0 || *s == '\0')
			break;
	}
	return y;
}

void watch_draw_log(struct watch *w, const struct tui_rect *r, bool focused,
		    unsigned long long dropped, const struct watch_paint *p)
{
	struct tui_rect body = {r->y + 1, r->x + 1, r->h - 1, r->w - 1};
	char name[FILTER_FORMAT_MAX + 64], right[256];
	int n = 0;

	if (w->filter_text[0])
		snprintf(name, sizeof name, _(MSG_WATCH_LOG_FILTERED), _(MSG_TUI_LOG), w->filter_text);
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
			snprintf(right + n, sizeof right - (size_t)n, P_(MSG_TUI_LOG_FOLLOW, watch_nshown(w)),
				 watch_nshown(w), dropped);
	}
	p->title(r, name, focused, right);
	if (w->prompting && body.h > 0) {
		char line[WATCH_PROMPT_MAX + 32];
		int py = body.y + body.h - 1;

		body.h--;
		if (w->error[0] && body.h > 0) {
			p->fill(py - 1, body.x, body.w, p->line_attr(TUI_LOG_ERROR));
			p->put(py - 1, body.x, body.w, w->error, p->line_attr(TUI_LOG_ERROR));
			body.h--;
		}
		snprintf(line, sizeof line, "%s%s_", _(MSG_WATCH_PROMPT), w->prompt);
		p->fill(py, body.x, body.w, A_BOLD);
		/* Keep the end of a long filter in view. */
		{
			const char *s = line;

			while (tui_text_cols(s) > body.w && *s) {
				size_t len;

				tui_char_cols(s, strlen(s), &len);
				s += len;
			}
			p->put(py, body.x, body.w, s, A_BOLD);
		}
	}
	draw_body(w, &body, focused, p);
}

void watch_draw_detail(struct watch *w, int rows, int cols, const struct watch_paint *p)
{
	const struct watch_rec *r = watch_find(w, w->detail_seq);
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
		p->fill(y, x0, width, A_NORMAL);
	snprintf(title, sizeof title, _(MSG_WATCH_DETAIL_TITLE), (unsigned long long)w->detail_seq);
	p->title(&(struct tui_rect){y0, x0, 1, width}, title, true, _(MSG_WATCH_DETAIL_KEYS));
	attron(A_BOLD);
	mvvline(y0 + 1, x0, ACS_VLINE, h - 1);
	mvvline(y0 + 1, x0 + width - 1, ACS_VLINE, h - 1);
	mvhline(y0 + h - 1, x0, ACS_HLINE, width);
	attroff(A_BOLD);
	for (int i = 0; i < body; i++) {
		bool heading = false;

		if (r == NULL) {
			if (i == 0)
				p->put(y0 + 1, x0 + 2, width - 4, _(MSG_WATCH_GONE), A_BOLD);
			continue;
		}
		if (!watch_detail_line(r, (size_t)(i + w->detail_scroll), line, sizeof line,
				       &heading))
			break;
		p->put(y0 + 1 + i, x0 + 2, width - 4, line, heading ? A_BOLD : A_NORMAL);
	}
}

bool watch_modal(const struct watch *w)
{
	return w->detail || w->prompting;
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

bool watch_key(struct watch *w, int key, int page)
{
	const struct watch_rec *r;

	if (w->detail) {
		detail_key(w, key, page);
		return true;
	}
	if (w->prompting) {
		prompt_key(w, key);
		return true;
	}
	switch (key) {
	case KEY_UP:
		watch_scroll(w, 1);
		return true;
	case KEY_DOWN:
		watch_scroll(w, -1);
		return true;
	case KEY_PPAGE:
		watch_scroll(w, page);
		return true;
	case KEY_NPAGE:
		watch_scroll(w, -page);
		return true;
	case KEY_HOME:
		watch_scroll(w, (long)watch_nshown(w));
		return true;
	case KEY_END:
		watch_end(w);
		return true;
	case KEY_ENTER:
	case '\r':
	case '\n':
		r = watch_selected(w);
		if (r != NULL) {
			w->detail = true;
			w->detail_seq = r->seq;
			w->detail_scroll = 0;
		}
		return true;
	case '/':
		w->prompting = true;
		w->error[0] = '\0';
		snprintf(w->prompt, sizeof w->prompt, "%s", w->filter_text);
		w->prompt_len = strlen(w->prompt);
		return true;
	case 'c':
		watch_set_filter(w, "", NULL, 0);
		return true;
	case 'p':
	case ' ':
		watch_pause(w, !w->paused);
		return true;
	case 'f':
		w->no_fold = !w->no_fold;
		return true;
	default:
		return false;
	}
}
