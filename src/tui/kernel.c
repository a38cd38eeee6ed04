/*
 * kernel: the lab's packets, system calls, socket table and ladder (see
 * kernel.h). Only the main thread touches it; the capture thread reaches
 * it through the event queue.
 */
#include "tui/kernel.h"

#include <arpa/inet.h>
#include <curses.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socklab/addr.h"
#include "socklab/pcapfile.h"
#include "socklab/server.h"
#include "socklab/num.h"
#include "socklab/util.h"
#include "tui/paint.h"
#include "tui/tui_lab.h"
#include "tui/tui_msg.h"

/* ---- rings ---- */

static int ring_init(struct kernel_ring *r, size_t cap)
{
	r->ev = calloc(cap, sizeof *r->ev);
	r->cap = cap;
	return r->ev ? 0 : -1;
}

static void ring_free(struct kernel_ring *r)
{
	for (size_t i = 0; r->ev && i < r->cap; i++)
		free(r->ev[i]);
	free(r->ev);
	memset(r, 0, sizeof *r);
}

/* A copy of ev with at most keep bytes of its preview (a whole struct,
 * as the watch keeps them; only the copy is cut). */
static void ring_add(struct kernel_ring *r, const struct event *ev, size_t keep)
{
	size_t n = ev->preview_len < keep ? ev->preview_len : keep;
	size_t at = (r->head + r->count) % r->cap;
	struct event *c = malloc(sizeof *c);

	if (c == NULL)
		return;
	memcpy(c, ev, offsetof(struct event, preview) + n);
	c->preview_len = (uint16_t)n;
	if (r->count == r->cap) {
		free(r->ev[r->head]);
		r->ev[r->head] = NULL;
		at = r->head;
		r->head = (r->head + 1) % r->cap;
		r->count--;
	}
	r->ev[at] = c;
	r->count++;
	r->total++;
}

const struct event *kernel_ring_get(const struct kernel_ring *r, size_t i)
{
	return i < r->count ? r->ev[(r->head + i) % r->cap] : NULL;
}

/* ---- life ---- */

int kernel_init(struct lab *lab)
{
	struct lab_kernel *k = calloc(1, sizeof *k);
	struct capture_config cfg = {.events = true, .max_events_per_sec = KERNEL_PACKETS_PER_SEC};

	if (k == NULL || ring_init(&k->packets, KERNEL_PACKETS_MAX) < 0 ||
	    ring_init(&k->calls, KERNEL_CALLS_MAX) < 0) {
		if (k) {
			ring_free(&k->packets);
			free(k);
		}
		return -1;
	}
	lab->kernel = k;
	if (getenv("SOCKLAB_NO_CAPTURE") != NULL) {
		k->cap_rc = CAPTURE_ERR_OTHER;
		snprintf(k->cap_err, sizeof k->cap_err, "%s",
			 _("capture turned off (SOCKLAB_NO_CAPTURE)"));
		return 0;
	}
	k->cap_rc = capture_open(&cfg, lab->q, &k->cap, k->cap_err, sizeof k->cap_err);
	return 0;
}

void kernel_fini(struct lab *lab)
{
	struct lab_kernel *k = lab->kernel;

	if (k == NULL)
		return;
	if (k->cap)
		capture_close(k->cap, NULL);
	ring_free(&k->packets);
	ring_free(&k->calls);
	free(k);
	lab->kernel = NULL;
}

bool kernel_take(struct lab *lab, const struct event *ev)
{
	struct lab_kernel *k = lab->kernel;

	if (k == NULL)
		return ev->kind == EV_PACKET;
	if (ev->kind == EV_PACKET) {
		ring_add(&k->packets, ev, KERNEL_PACKET_KEEP);
		if (pane_visible(lab, &pane_wire) || pane_visible(lab, &pane_ladder))
			lab->dirty = true;
		return true;
	}
	if (ev->kind == EV_SYSCALL) {
		ring_add(&k->calls, ev, 0);
		if (pane_visible(lab, &pane_trace))
			lab->dirty = true;
	}
	return false;
}

/* ---- targets ---- */

static bool has_port(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6
		   ? addr_port((const struct sockaddr *)ss) != 0
		   : false;
}

static size_t collect_targets(const struct lab *lab, struct sockaddr_storage *t, size_t cap)
{
	const struct lab_kernel *k = lab->kernel;
	const struct session *s = &lab->conn.sess;
	size_t n = 0;

	for (int i = 0; i < lab->nservers; i++)
		for (int j = 0; j < server_nsockets(lab->servers[i]) && n < cap; j++)
			t[n++] = *server_local(lab->servers[i], j);
	if (s->fd >= 0) {
		if (n < cap && has_port(&s->local))
			t[n++] = s->local;
		if (n < cap && has_port(&s->peer))
			t[n++] = s->peer;
	}
	if (k->expect_port && n < cap) {
		struct sockaddr_in6 any = {.sin6_family = AF_INET6,
					   .sin6_port = htons(k->expect_port)};

		memset(&t[n], 0, sizeof t[n]);
		memcpy(&t[n++], &any, sizeof any);
	}
	return n;
}

size_t kernel_ports(const struct lab *lab, uint16_t *ports, size_t cap)
{
	struct sockaddr_storage t[CAPTURE_TARGETS_MAX];
	size_t n = collect_targets(lab, t, CAPTURE_TARGETS_MAX), k = 0;

	for (size_t i = 0; i < n; i++) {
		uint16_t p = addr_port((const struct sockaddr *)&t[i]);
		bool seen = false;

		for (size_t j = 0; j < k; j++)
			seen = seen || ports[j] == p;
		if (p && !seen && k < cap)
			ports[k++] = p;
	}
	return k;
}

static void update_targets(struct lab *lab, int sync_ms)
{
	struct lab_kernel *k = lab->kernel;
	struct sockaddr_storage t[CAPTURE_TARGETS_MAX];
	size_t n = collect_targets(lab, t, CAPTURE_TARGETS_MAX);

	if (k->cap == NULL)
		return;
	if (n == k->ntargets && memcmp(t, k->targets, n * sizeof t[0]) == 0)
		return;
	memcpy(k->targets, t, n * sizeof t[0]);
	k->ntargets = n;
	capture_set_targets(k->cap, t, n);
	if (sync_ms > 0)
		capture_sync(k->cap, sync_ms);
}

void kernel_expect_port(struct lab *lab, const char *port)
{
	struct lab_kernel *k = lab->kernel;
	long v;

	if (k == NULL)
		return;
	k->expect_port = num_parse_long(port, 1, 65535, &v) == NUM_OK ? (uint16_t)v : 0;
	/* Wait (briefly) for the filter, so the SYN about to go is caught. */
	update_targets(lab, 200);
}

static void query_sockets(struct lab *lab)
{
	struct lab_kernel *k = lab->kernel;
	uint16_t ports[CAPTURE_TARGETS_MAX];
	size_t np = kernel_ports(lab, ports, CAPTURE_TARGETS_MAX);

	k->socks_time = util_mono_ms();
	k->socks_done = true;
	k->socks_err[0] = '\0';
	k->nsocks = 0;
	if (np == 0)
		return;
	if (sockdiag_query(ports, np, k->socks, KERNEL_SOCKETS_MAX, &k->nsocks, &k->socks_total,
			   k->socks_err, sizeof k->socks_err) < 0)
		k->nsocks = 0;
}

void kernel_tick(struct lab *lab)
{
	struct lab_kernel *k = lab->kernel;

	if (k == NULL)
		return;
	update_targets(lab, 0);
	if (k->cap) {
		capture_stats(k->cap, &k->st);
		if (pane_visible(lab, &pane_wire))
			lab->dirty = true;
	}
	if (pane_visible(lab, &pane_sockets) &&
	    (!k->socks_done || lab_ms_since(k->socks_time) >= KERNEL_SOCKETS_MS)) {
		query_sockets(lab);
		lab->dirty = true;
	}
}

/* ---- /save FILE.pcap ---- */

int kernel_save_pcap(struct lab *lab, const char *path, uint64_t *saved, char *err, size_t errcap)
{
	struct lab_kernel *k = lab->kernel;
	struct pcapfile pf;
	const struct event *first;
	int e;

	*saved = 0;
	if (k == NULL || k->packets.count == 0) {
		snprintf(err, errcap, _(MSG_KERNEL_NO_CAPTURE),
			 k && k->cap_err[0] ? k->cap_err : _(MSG_KERNEL_NO_PACKETS));
		return -1;
	}
	first = kernel_ring_get(&k->packets, 0);
	if (pcapfile_open(&pf, path, first->pkt.link, KERNEL_PACKET_KEEP) < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < k->packets.count; i++) {
		const struct event *ev = kernel_ring_get(&k->packets, i);

		if (ev->pkt.link != pf.link)
			continue;
		if (pcapfile_write(&pf, &ev->time, ev->preview, ev->preview_len,
				   (uint32_t)ev->bytes) < 0)
			break;
	}
	*saved = pf.frames;
	e = pcapfile_close(&pf);
	if (e != 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}

/* ---- the ladder ---- */

static bool key_of_packet(const struct event *ev, const struct lab *lab, struct ladder_key *key)
{
	struct packet p;
	const struct packet_ip *ip;
	bool src_is_server = false;
	struct ladder_end a, b;

	packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
	ip = p.has_inner && p.inner.has_ports ? &p.inner : &p.ip;
	if (!ip->has_ports)
		return false;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.family = b.family = ip->family;
	memcpy(a.addr, ip->src, 16);
	memcpy(b.addr, ip->dst, 16);
	a.port = ip->sport;
	b.port = ip->dport;
	/* The server is the end on a running server's port; else the end that
	 * sends a SYN-ACK. */
	for (int i = 0; i < lab->nservers; i++) {
		uint16_t sp = server_port(lab->servers[i]);

		if (sp == a.port && sp != b.port)
			src_is_server = true;
	}
	if (!src_is_server && p.has_tcp &&
	    (p.flags & (PACKET_TCP_SYN | PACKET_TCP_ACK)) == (PACKET_TCP_SYN | PACKET_TCP_ACK))
		src_is_server = true;
	key->proto = ip->proto;
	key->client = src_is_server ? b : a;
	key->server = src_is_server ? a : b;
	return true;
}

bool kernel_open_ladder(struct lab *lab, const struct event *ev)
{
	struct lab_kernel *k = lab->kernel;
	struct ladder_key key;
	bool ok;

	if (k == NULL || ev == NULL)
		return false;
	ok = ev->kind == EV_PACKET ? key_of_packet(ev, lab, &key) : ladder_key_of_event(ev, &key);
	if (!ok) {
		lab_notice(lab, true, "%s", _(MSG_KERNEL_NOT_CONN));
		return false;
	}
	k->key = key;
	k->has_key = true;
	k->ladder_scroll = 0;
	k->back = lab->focus;
	pane_show(lab, &pane_ladder);
	lab->focus = &pane_ladder;
	kernel_build_ladder(lab);
	lab->dirty = true;
	return true;
}

static int by_time(const void *a, const void *b)
{
	const struct event *x = *(const struct event *const *)a,
			   *y = *(const struct event *const *)b;

	if (x->time.tv_sec != y->time.tv_sec)
		return x->time.tv_sec < y->time.tv_sec ? -1 : 1;
	if (x->time.tv_nsec != y->time.tv_nsec)
		return x->time.tv_nsec < y->time.tv_nsec ? -1 : 1;
	return 0;
}

void kernel_build_ladder(struct lab *lab)
{
	struct lab_kernel *k = lab->kernel;
	size_t cap = KERNEL_PACKETS_MAX + KERNEL_CALLS_MAX + TUI_LOG_CAP, n = 0;
	const struct event **all;

	if (k == NULL || !k->has_key)
		return;
	all = malloc(cap * sizeof *all);
	if (all == NULL)
		return;
	for (size_t i = 0; i < k->packets.count && n < cap; i++)
		all[n++] = kernel_ring_get(&k->packets, i);
	for (size_t i = 0; i < k->calls.count && n < cap; i++)
		all[n++] = kernel_ring_get(&k->calls, i);
	for (size_t i = 0; i < lab->watch.count && n < cap; i++) {
		const struct watch_rec *r =
		    &lab->watch.recs[(lab->watch.head + i) % lab->watch.cap];

		if (r->ev != NULL)
			all[n++] = r->ev;
	}
	qsort(all, n, sizeof *all, by_time);
	ladder_init(&k->ladder, &k->key, k->rows, LADDER_ROWS_MAX);
	for (size_t i = 0; i < n; i++)
		ladder_add(&k->ladder, all[i]);
	free(all);
}

enum pane_result kernel_key_log_ladder(struct lab *lab, int key)
{
	const struct watch_rec *r = watch_selected(&lab->watch);

	(void)key;
	if (r == NULL || r->ev == NULL || !kernel_open_ladder(lab, r->ev))
		return PANE_REDRAW;
	return PANE_REDRAW;
}

/* ---- drawing helpers for the panes ---- */

void kernel_draw_list(const struct tui_rect *r, size_t count, size_t scroll, bool mark,
		      void (*line)(struct lab *lab, size_t i, char *out, size_t cap,
				   unsigned *flags),
		      struct lab *lab)
{
	int rows = r->h - 1;
	size_t last, first;
	char buf[1024];

	if (rows <= 0 || count == 0)
		return;
	if (scroll >= count)
		scroll = count - 1;
	last = count - 1 - scroll;
	first = last + 1 > (size_t)rows ? last + 1 - (size_t)rows : 0;
	for (size_t i = first; i <= last; i++) {
		unsigned flags = 0;
		int y = r->y + 1 + (int)(i - first);
		attr_t a;

		line(lab, i, buf, sizeof buf, &flags);
		a = paint_line_attr(flags);
		if (mark && i == last)
			a |= A_REVERSE;
		paint_fill(y, r->x, r->w, a);
		paint_put(y, r->x, r->w, buf, a);
	}
}

bool kernel_scroll_key(int key, size_t *scroll, size_t count, int page)
{
	size_t max = count ? count - 1 : 0, p = page > 1 ? (size_t)page - 1 : 1;

	switch (key) {
	case KEY_UP:
		*scroll = *scroll < max ? *scroll + 1 : max;
		return true;
	case KEY_DOWN:
		*scroll = *scroll > 0 ? *scroll - 1 : 0;
		return true;
	case KEY_PPAGE:
		*scroll = *scroll + p < max ? *scroll + p : max;
		return true;
	case KEY_NPAGE:
		*scroll = *scroll > p ? *scroll - p : 0;
		return true;
	case KEY_HOME:
		*scroll = max;
		return true;
	case KEY_END:
		*scroll = 0;
		return true;
	default:
		return false;
	}
}
