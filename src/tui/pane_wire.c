/*
 * pane_wire: the packets pane: every captured packet of the lab's
 * servers and client, one decoded line each (the decoder's text: ours,
 * never peer bytes), with the capture's counts in the title; Enter opens
 * the selected packet's connection as a ladder. Without CAP_NET_RAW it
 * shows the capture's message: why, and how to get it.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/kernel.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"
#include "tui/tui_msg.h"

static void line(struct lab *lab, size_t i, char *out, size_t cap, unsigned *flags)
{
	const struct event *ev = kernel_ring_get(&lab->kernel->packets, i);
	char t[EVENT_FORMAT_MAX];
	const char *s = t;

	event_format_text(ev, t, sizeof t);
	/* "HH:MM:SS.mmm PACKET lo ..." without the word PACKET. */
	if (strlen(t) > 20 && memcmp(t + 12, " PACKET ", 8) == 0) {
		snprintf(out, cap, "%.12s %s", t, t + 20);
		s = NULL;
	}
	if (s)
		snprintf(out, cap, "%s", s);
	*flags = strstr(out, "RST") || strstr(out, "unreachable") ? TUI_LOG_WARN : 0;
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct lab_kernel *k = lab->kernel;
	char right[128];
	struct tui_rect body = {r->y + 1, r->x, r->h - 1, r->w};

	if (k == NULL)
		return;
	snprintf(right, sizeof right, _(MSG_KERNEL_COUNTS), (unsigned long long)k->packets.total,
		 (unsigned long long)k->st.kernel_drops, (unsigned long long)k->st.if_drops,
		 (unsigned long long)k->st.queue_drops);
	if (k->st.rate_skipped) {
		size_t n = strlen(right);

		snprintf(right + n, sizeof right - n, _(MSG_KERNEL_SKIPPED),
			 (unsigned long long)k->st.rate_skipped, KERNEL_PACKETS_PER_SEC);
	}
	paint_title(r, _(MSG_KERNEL_WIRE), focused, k->cap ? right : NULL);
	if (k->cap == NULL) {
		paint_wrapped(&body, body.y, k->cap_err, paint_line_attr(TUI_LOG_ERROR), 0, false);
		return;
	}
	if (k->packets.count == 0) {
		paint_put(body.y, body.x, body.w, _(MSG_KERNEL_NO_PACKETS), A_DIM);
		return;
	}
	kernel_draw_list(r, k->packets.count, k->wire_scroll, focused, line, lab);
}

static enum pane_result on_key(struct lab *lab, int key)
{
	struct lab_kernel *k = lab->kernel;
	struct tui_rect r = pane_rect(lab, &pane_wire);

	if (k == NULL || !kernel_scroll_key(key, &k->wire_scroll, k->packets.count, r.h - 1))
		return PANE_IGNORED;
	return PANE_REDRAW;
}

static enum pane_result open_ladder(struct lab *lab, int key)
{
	struct lab_kernel *k = lab->kernel;

	(void)key;
	if (k == NULL || k->packets.count == 0)
		return PANE_HANDLED;
	kernel_open_ladder(lab, kernel_ring_get(&k->packets, k->packets.count - 1 -
								 (k->wire_scroll < k->packets.count
								      ? k->wire_scroll
								      : k->packets.count - 1)));
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{0}, "Up/Down, PgUp/PgDn, Home, End", MSG_KERNEL_HELP_SELECT, NULL},
    {{'\r', '\n', KEY_ENTER}, "Enter", MSG_KERNEL_HELP_LADDER, open_ladder},
};

static int init(struct lab *lab)
{
	return kernel_init(lab);
}

static void fini(struct lab *lab)
{
	kernel_fini(lab);
}

const struct pane pane_wire = {
    .name = "wire",
    .title = MSG_KERNEL_WIRE,
    .slot = PANE_SLOT_MAIN,
    .status = MSG_KERNEL_KEYS_WIRE,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .key = on_key,
    .init = init,
    .fini = fini,
};
