/*
 * pane_trace: the system calls pane: the servers' and the client pane's
 * system calls as strace writes them (socket, setsockopt, bind, listen,
 * accept4, connect, send, recv, shutdown, close, with the result or the
 * errno's name), and beside each the tutorial's Python line it stands
 * for: the lines of serve --trace and client --trace.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/kernel.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"
#include "tui/tui_msg.h"

/* Columns the serve --trace form needs: the time, "#1 ", the call's
 * column and a Python line such as "conn, addr = srv.accept()". */
#define FULL_WIDTH (13 + 3 + EVENT_CALL_COLUMNS + 2 + 40)

/* A call as serve --trace and client --trace write it, when the pane is
 * wide enough for that. Narrower (the 80x24 of a projector), every line
 * drops the time and the column padding, so that the call and its Python
 * line still show: "#1 listen(3, 8) = 0  srv.listen(8)". */
static void line(struct lab *lab, size_t i, char *out, size_t cap, unsigned *flags)
{
	const struct event *ev = kernel_ring_get(&lab->kernel->calls, i);

	*flags = ev->ret < 0 ? TUI_LOG_ERROR : 0;
	if (ev->kind == EV_SYSCALL && pane_rect(lab, &pane_trace).w < FULL_WIDTH)
		event_call_line(ev, false, out, cap);
	else
		event_format_text(ev, out, cap);
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct lab_kernel *k = lab->kernel;

	paint_title(r, _(MSG_KERNEL_TRACE), focused, NULL);
	if (k == NULL)
		return;
	if (k->calls.count == 0) {
		paint_put(r->y + 1, r->x, r->w, _(MSG_KERNEL_NO_CALLS), A_DIM);
		return;
	}
	kernel_draw_list(r, k->calls.count, k->trace_scroll, false, line, lab);
}

static enum pane_result on_key(struct lab *lab, int key)
{
	struct lab_kernel *k = lab->kernel;
	struct tui_rect r = pane_rect(lab, &pane_trace);

	if (k == NULL || !kernel_scroll_key(key, &k->trace_scroll, k->calls.count, r.h - 1))
		return PANE_IGNORED;
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{0}, "Up/Down, PgUp/PgDn, Home, End", MSG_KERNEL_HELP_SCROLL, NULL},
};

const struct pane pane_trace = {
    .name = "trace",
    .title = MSG_KERNEL_TRACE,
    .slot = PANE_SLOT_MAIN,
    .status = MSG_KERNEL_KEYS_LIST,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .key = on_key,
};
