/*
 * pane_sockets: the kernel sockets pane: every TCP and UDP socket on the
 * lab's ports as the kernel sees them (sock_diag, what ss shows), queried
 * again a few times a second while shown: states, both ends, the queues
 * (a listener's accept queue against its backlog), TIME_WAIT's countdown.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "socklab/strbuf.h"
#include "tui/kernel.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"
#include "tui/tui_msg.h"

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct lab_kernel *k = lab->kernel;
	uint16_t ports[CAPTURE_TARGETS_MAX];
	size_t np;
	char right[256], none[300];
	struct strbuf o = strbuf_on(right, sizeof right);

	if (k == NULL) {
		paint_title(r, _(MSG_KERNEL_SOCKETS), focused, NULL);
		return;
	}
	np = kernel_ports(lab, ports, CAPTURE_TARGETS_MAX);
	for (size_t i = 0; i < np; i++)
		strbuf_fmt(&o, "%s%u", i ? " " : "ports ", ports[i]);
	paint_title(r, _(MSG_KERNEL_SOCKETS), focused, right);
	if (!k->socks_done || lab_ms_since(k->socks_time) >= KERNEL_SOCKETS_MS)
		kernel_tick(lab);
	if (np == 0) {
		paint_put(r->y + 1, r->x, r->w, _(MSG_KERNEL_NO_PORTS), A_DIM);
		return;
	}
	if (k->socks_err[0]) {
		paint_put(r->y + 1, r->x, r->w, k->socks_err, paint_line_attr(TUI_LOG_ERROR));
		return;
	}
	if (k->nsocks == 0) {
		snprintf(none, sizeof none, _(MSG_KERNEL_NO_SOCKETS), right);
		paint_put(r->y + 1, r->x, r->w, none, A_DIM);
		return;
	}
	for (size_t i = 0; i < k->nsocks && (int)i + 1 < r->h; i++) {
		char t[SOCKDIAG_FORMAT_MAX];

		sockdiag_format_text(&k->socks[i], t, sizeof t);
		paint_fill(r->y + 1 + (int)i, r->x, r->w, A_NORMAL);
		paint_put(r->y + 1 + (int)i, r->x, r->w, t, A_NORMAL);
	}
}

const struct pane pane_sockets = {
    .name = "sockets",
    .title = MSG_KERNEL_SOCKETS,
    .slot = PANE_SLOT_MAIN,
    .status = MSG_KERNEL_KEYS_LIST,
    .draw = draw,
};
