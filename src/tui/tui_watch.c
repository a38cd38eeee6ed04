/*
 * tui_watch: the watched log's records, filter, pause, fold, detail
 * lines and /save (see tui_watch.h).
 */
#include "tui/tui_watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/fold.h"
#include "socklab/hexdump.h"
#include "tui/tui_msg.h"
#include "tui/tui_log.h"
#include "tui/tui_sandbox_msg.h"

int watch_init(struct watch *w, size_t cap)
{
	memset(w, 0, sizeof *w);
	if (cap == 0)
		cap = 1;
	w->recs = calloc(cap, sizeof *w->recs);
	w->shown = calloc(cap, sizeof *w->shown);
	if (w->recs == NULL || w->shown == NULL) {
		free(w->recs);
		free(w->shown);
		w->recs = NULL;
		w->shown = NULL;
		return -1;
	}
	w->cap = cap;
	w->next_seq = 1;
	return 0;
}

static void rec_free(struct watch_rec *r)
{
	free(r->ev);
	free(r->text);
	r->ev = NULL;
	r->text = NULL;
}

void watch_free(struct watch *w)
{
	evlog_close(w->log, NULL, 0);
	w->log = NULL;
	if (w->recs == NULL)
		return;
	for (size_t i = 0; i < w->count; i++)
		rec_free(&w->recs[(w->head + i) % w->cap]);
	free(w->recs);
	free(w->shown);
	memset(w, 0, sizeof *w);
}

static struct watch_rec *nth(const struct watch *w, size_t i)
{
	return &w->recs[(w->head + i) % w->cap];
}

const struct watch_rec *watch_find(const struct watch *w, uint64_t seq)
{
	uint64_t first;

	if (w->count == 0)
		return NULL;
	first = nth(w, 0)->seq;
	if (seq < first || seq - first >= w->count)
		return NULL;
	return nth(w, (size_t)(seq - first));
}

static bool passes(const struct watch *w, const struct watch_rec *r)
{
	return r->ev ? filter_match(&w->filter, r->ev) : filter_empty(&w->filter);
}

static bool hidden_by_pause(const struct watch *w, const struct watch_rec *r)
{
	return w->paused && r->seq >= w->pause_seq;
}

static void shown_append(struct watch *w, uint64_t seq)
{
	if (w->nshown == w->cap) { /* cannot happen: trimmed on eviction */
		w->shown_head = (w->shown_head + 1) % w->cap;
		w->nshown--;
	}
	w->shown[(w->shown_head + w->nshown) % w->cap] = seq;
	w->nshown++;
}

static void clamp_scroll(struct watch *w)
{
	if (w->nshown == 0)
		w->scroll = 0;
	else if (w->scroll >= w->nshown)
		w->scroll = w->nshown - 1;
}

static void rebuild(struct watch *w)
{
	w->nshown = 0;
	w->shown_head = 0;
	w->paused_new = 0;
	for (size_t i = 0; i < w->count; i++) {
		const struct watch_rec *r = nth(w, i);

		if (!passes(w, r))
			continue;
		if (hidden_by_pause(w, r))
			w->paused_new += r->count;
		else
			shown_append(w, r->seq);
	}
	clamp_scroll(w);
}

static char *copy_text(const char *text)
{
	size_t n = strlen(text);
	char *c;

	if (n > TUI_LOG_LINE_MAX) {
		n = TUI_LOG_LINE_MAX;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	c = malloc(n + 1);
	if (c != NULL) {
		memcpy(c, text, n);
		c[n] = '\0';
	}
	return c;
}

/* Appends a record; ev may be NULL (a notice). */
static bool add(struct watch *w, const struct event *ev, const char *text, unsigned flags)
{
	struct watch_rec r = {0};

	r.text = copy_text(text);
	if (ev != NULL) {
		size_t n = offsetof(struct event, preview) +
			   (ev->preview_len <= EVENT_PREVIEW_MAX ? ev->preview_len : 0);

		r.ev = malloc(sizeof *r.ev < n ? n : sizeof *r.ev);
		if (r.ev != NULL)
			memcpy(r.ev, ev, n);
		r.last = ev->time;
	}
	if (r.text == NULL || (ev != NULL && r.ev == NULL)) {
		rec_free(&r);
		w->evicted++;
		return false;
	}
	if (w->count == w->cap) {
		struct watch_rec *old = nth(w, 0);

		if (w->nshown > 0 && w->shown[w->shown_head] == old->seq) {
			w->shown_head = (w->shown_head + 1) % w->cap;
			w->nshown--;
			clamp_scroll(w);
		}
		rec_free(old);
		w->head = (w->head + 1) % w->cap;
		w->count--;
		w->evicted++;
	}
	r.flags = flags;
	r.seq = w->next_seq++;
	r.count = 1;
	*nth(w, w->count) = r;
	w->count++;
	if (!passes(w, &r))
		return true;
	if (hidden_by_pause(w, &r)) {
		w->paused_new++;
		return true;
	}
	shown_append(w, r.seq);
	/* A person reading older lines keeps them in view. */
	if (w->scroll > 0)
		w->scroll++;
	clamp_scroll(w);
	return true;
}

/* Two loss reports make one: their counts add up, the line says the sum. */
static bool merge_drops(struct watch_rec *r, const struct event *ev)
{
	char line[EVENT_FORMAT_MAX];
	char *text;

	if (ev->kind != EV_DROPPED || r->ev->kind != EV_DROPPED || r->ev->server != ev->server)
		return false;
	r->ev->count += ev->count;
	event_set_message_n(r->ev, MSG_QUEUE_DROPPED, (unsigned long)r->ev->count,
			    (unsigned long long)r->ev->count);
	event_format_text(r->ev, line, sizeof line);
	text = copy_text(line);
	if (text != NULL) {
		free(r->text);
		r->text = text;
	}
	return true;
}

bool watch_push(struct watch *w, const struct event *ev, const char *text, unsigned flags)
{
	/* Only into the newest line: a fold never jumps over another event,
	 * so the log keeps the order things happened in. */
	if (!w->no_fold && w->count > 0) {
		struct watch_rec *r = nth(w, w->count - 1);

		if (r->ev != NULL && !(w->paused && r->seq < w->pause_seq) &&
		    (fold_same(r->ev, ev) || merge_drops(r, ev))) {
			r->count++;
			r->last = ev->time;
			w->folded++;
			if (w->paused && passes(w, r))
				w->paused_new++;
			return true;
		}
	}
	return add(w, ev, text, flags);
}

/* Each folded line becomes the lines of its events again, oldest first,
 * as if folding had been off: the newest lines are kept when they are
 * more than the ring holds. The events between the first and the last of
 * a run share the first one's time (only those two were kept). */
static void unfold(struct watch *w)
{
	uint64_t lines = 0, skip;
	struct watch_rec *old = w->recs;
	size_t oldcount = w->count, oldhead = w->head, k = 0, pause_at = SIZE_MAX;
	struct watch_rec *recs;

	for (size_t i = 0; i < oldcount; i++)
		lines += old[(oldhead + i) % w->cap].count;
	if (lines == oldcount)
		return;
	recs = calloc(w->cap, sizeof *recs);
	if (recs == NULL)
		return; /* the folded lines stay: they still count every event */
	skip = lines > w->cap ? lines - w->cap : 0;
	for (size_t i = 0; i < oldcount; i++) {
		struct watch_rec *r = &old[(oldhead + i) % w->cap];

		if (w->paused && r->seq >= w->pause_seq && pause_at == SIZE_MAX)
			pause_at = k; /* the first line the pause hides */
		for (uint64_t c = 0; c < r->count; c++) {
			struct watch_rec n = *r;
			bool last = c + 1 == r->count;

			if (skip > 0) {
				skip--;
				w->evicted++;
				continue;
			}
			n.count = 1;
			n.text = copy_text(r->text);
			n.ev = NULL;
			if (r->ev != NULL) {
				size_t sz =
				    offsetof(struct event, preview) +
				    (r->ev->preview_len <= EVENT_PREVIEW_MAX ? r->ev->preview_len
									     : 0);

				n.ev = malloc(sizeof *n.ev < sz ? sz : sizeof *n.ev);
				if (n.ev != NULL) {
					memcpy(n.ev, r->ev, sz);
					if (last)
						n.ev->time = r->last;
				}
			}
			if (n.text == NULL || (r->ev != NULL && n.ev == NULL)) {
				rec_free(&n);
				w->evicted++;
				continue;
			}
			n.last = n.ev ? n.ev->time : r->last;
			recs[k++] = n;
		}
		rec_free(r);
	}
	free(old);
	w->recs = recs;
	w->head = 0;
	w->count = k;
	/* Sequence numbers stay consecutive: the lines are numbered anew,
	 * after every number given so far. */
	for (size_t i = 0; i < k; i++)
		recs[i].seq = w->next_seq + i;
	if (w->paused)
		w->pause_seq = w->next_seq + (pause_at == SIZE_MAX ? k : pause_at);
	w->next_seq += k;
	w->folded = 0;
	w->detail = false;
	rebuild(w);
}

void watch_set_fold(struct watch *w, bool on)
{
	w->no_fold = !on;
	if (!on)
		unfold(w);
}

bool watch_note(struct watch *w, const char *text, unsigned flags)
{
	return add(w, NULL, text, flags);
}

int watch_set_filter(struct watch *w, const char *expr, char *err, size_t errcap)
{
	struct filter f;
	char why[FILTER_ERR_MAX];

	if (filter_parse(expr, &f, why, sizeof why) < 0) {
		snprintf(w->error, sizeof w->error, "%s", why);
		if (errcap > 0)
			snprintf(err, errcap, "%s", why);
		return -1;
	}
	w->error[0] = '\0';
	w->filter = f;
	filter_format(&f, w->filter_text, sizeof w->filter_text);
	w->scroll = 0;
	rebuild(w);
	return 0;
}

void watch_pause(struct watch *w, bool on)
{
	size_t before = w->nshown;

	if (on == w->paused)
		return;
	w->paused = on;
	if (on) {
		w->pause_seq = w->next_seq;
		w->paused_new = 0;
		/* A line already open to folding is frozen now: new events
		 * start lines of their own (see watch_push). */
		return;
	}
	rebuild(w);
	if (w->scroll > 0 && w->nshown > before)
		w->scroll += w->nshown - before;
	clamp_scroll(w);
}

void watch_scroll(struct watch *w, long delta)
{
	long s = (long)w->scroll + delta;

	if (s < 0)
		s = 0;
	w->scroll = (size_t)s;
	clamp_scroll(w);
}

void watch_end(struct watch *w)
{
	watch_pause(w, false);
	w->scroll = 0;
}

size_t watch_nshown(const struct watch *w)
{
	return w->nshown;
}

const struct watch_rec *watch_shown_rec(const struct watch *w, size_t i)
{
	if (i >= w->nshown)
		return NULL;
	return watch_find(w, w->shown[(w->shown_head + i) % w->cap]);
}

const struct watch_rec *watch_selected(const struct watch *w)
{
	if (w->nshown == 0)
		return NULL;
	return watch_shown_rec(w, w->nshown - 1 - (w->scroll < w->nshown ? w->scroll : 0));
}

size_t watch_line_text(const struct watch_rec *r, char *out, size_t cap)
{
	int n;

	if (cap == 0)
		return 0;
	if (r->count > 1)
		n = snprintf(out, cap, "%s  x%llu", r->text, (unsigned long long)r->count);
	else
		n = snprintf(out, cap, "%s", r->text);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- the detail view ---- */

#define DETAIL_HEAD_MAX 24

struct lines {
	char (*l)[256];
	bool *heading;
	size_t n;
};

static void line(struct lines *ls, bool heading, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void line(struct lines *ls, bool heading, const char *fmt, ...)
{
	va_list ap;

	if (ls->n >= DETAIL_HEAD_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(ls->l[ls->n], sizeof ls->l[0], fmt, ap);
	va_end(ap);
	ls->heading[ls->n++] = heading;
}

static void clock_text(const struct timespec *t, char *out, size_t cap, bool date)
{
	struct tm tm;

	localtime_r(&t->tv_sec, &tm);
	if (date)
		snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 t->tv_nsec / 1000);
	else
		snprintf(out, cap, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 t->tv_nsec / 1000000);
}

static void end_lines(struct lines *ls, const char *label, const struct sockaddr_storage *ss)
{
	const struct sockaddr *sa = (const void *)ss;
	char tuple[ADDR_TEXT_MAX], host[ADDR_TEXT_MAX], v4[64];

	addr_tuple(sa, tuple, sizeof tuple);
	line(ls, false, "%-10s %s", label, tuple);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		char ifname[IF_NAMESIZE] = "";

		if (s6->sin6_scope_id != 0 && if_indextoname(s6->sin6_scope_id, ifname) == NULL)
			ifname[0] = '\0';
		line(ls, false, _(MSG_WATCH_V6_DETAIL), "", ntohl(s6->sin6_flowinfo),
		     s6->sin6_scope_id,
		     s6->sin6_scope_id == 0 ? _(MSG_WATCH_NO_SCOPE)
		     : ifname[0]	    ? ifname
					    : _(MSG_WATCH_NO_IFNAME));
		/* A scope id is the point of link-local: say what it is. */
		if (s6->sin6_scope_id != 0) {
			line(ls, false, _(MSG_TUI_SB_SCOPE_1), "", s6->sin6_scope_id,
			     ifname[0] ? ifname : "?");
			line(ls, false, _(MSG_TUI_SB_SCOPE_2), "");
		}
		if (addr_is_mapped(sa, v4, sizeof v4)) {
			addr_host(sa, host, sizeof host);
			line(ls, false, _(MSG_WATCH_MAPPED_DETAIL), "", host, v4);
		}
	}
}

static size_t head_lines(const struct watch_rec *r, struct lines *ls)
{
	const struct event *ev = r->ev;
	char t[64], t2[64];

	ls->n = 0;
	if (ev == NULL) {
		line(ls, true, "%s", _(MSG_WATCH_NOTE));
		line(ls, false, "%s", r->text);
		return ls->n;
	}
	if (ev->server)
		line(ls, true, _(MSG_WATCH_EVENT_SERVER), event_kind_name(ev->kind), ev->server,
		     transport_name(ev->transport), service_name(ev->service),
		     family_name(ev->family));
	else
		line(ls, true, _(MSG_WATCH_EVENT_CLIENT), event_kind_name(ev->kind),
		     transport_name(ev->transport));
	if (ev->conn)
		line(ls, false, _(MSG_WATCH_CONN), "", (unsigned long long)ev->conn);
	clock_text(&ev->time, t, sizeof t, true);
	line(ls, false, _(MSG_WATCH_TIME), "", t);
	if (r->count > 1) {
		clock_text(&r->last, t2, sizeof t2, false);
		line(ls, false, _(MSG_WATCH_FOLDED), "", (unsigned long long)r->count, t2);
	}
	if (ev->has_local)
		end_lines(ls, _(MSG_WATCH_LOCAL), &ev->local);
	if (ev->has_peer)
		end_lines(ls, _(MSG_WATCH_PEER), &ev->peer);
	if (ev->kind == EV_ACCEPT && ev->accept_wait_ms >= 0)
		line(ls, false, _(MSG_WATCH_ACCEPT_WAIT), "", ev->accept_wait_ms / 1000,
		     ev->accept_wait_ms % 1000);
	if (ev->kind == EV_LISTEN && ev->v6only >= 0)
		line(ls, false, "%-10s %d", "v6only", ev->v6only);
	if (ev->kind == EV_DROPPED)
		line(ls, false, P_(MSG_WATCH_DROPPED, ev->count), "",
		     (unsigned long long)ev->count);
	line(ls, false, P_(MSG_WATCH_BYTES, ev->bytes), "", (unsigned long long)ev->bytes,
	     (unsigned)ev->preview_len);
	if (ev->truncated)
		line(ls, false, "%-10s %s", "", _(MSG_WATCH_DGRAM_CUT));
	if (ev->kind == EV_CLOSE)
		line(ls, false, _(MSG_WATCH_REASON), "", event_close_reason_name(ev->reason));
	if (ev->err)
		line(ls, false, _(MSG_WATCH_ERRNO), "", addr_errno_name(ev->err),
		     strerror(ev->err));
	if (ev->message[0]) {
		char said[EVENT_MESSAGE_TEXT_MAX], m[EVENT_MESSAGE_TEXT_MAX * 4 + 1];
		size_t n = event_message_text(ev, said, sizeof said);

		esc_text(said, n, m, sizeof m, NULL);
		line(ls, false, _(MSG_WATCH_MESSAGE), "", m);
	}
	line(ls, false, "%s", "");
	line(ls, true, "%s", ev->preview_len ? _(MSG_WATCH_PAYLOAD) : _(MSG_WATCH_NO_PAYLOAD));
	return ls->n;
}

size_t watch_detail_count(const struct watch_rec *r)
{
	char l[DETAIL_HEAD_MAX][256];
	bool h[DETAIL_HEAD_MAX];
	struct lines ls = {l, h, 0};
	size_t n = head_lines(r, &ls);

	if (r->ev == NULL)
		return n;
	n += hexdump_rows(r->ev->preview_len);
	if (r->ev->bytes > r->ev->preview_len)
		n++;
	return n;
}

bool watch_detail_line(const struct watch_rec *r, size_t i, char *out, size_t cap, bool *heading)
{
	char l[DETAIL_HEAD_MAX][256];
	bool h[DETAIL_HEAD_MAX];
	struct lines ls = {l, h, 0};
	size_t n = head_lines(r, &ls), rows;

	if (heading)
		*heading = false;
	if (cap == 0)
		return false;
	out[0] = '\0';
	if (i < n) {
		snprintf(out, cap, "%s", l[i]);
		if (heading)
			*heading = h[i];
		return true;
	}
	if (r->ev == NULL)
		return false;
	i -= n;
	rows = hexdump_rows(r->ev->preview_len);
	if (i < rows) {
		hexdump_row(r->ev->preview, r->ev->preview_len, i, out, cap);
		return true;
	}
	if (i == rows && r->ev->bytes > r->ev->preview_len) {
		hexdump_note(r->ev->preview_len, r->ev->bytes, out, cap);
		return true;
	}
	return false;
}

/* ---- /save ---- */

int watch_save(const struct watch *w, const char *path, enum export_format fmt, bool all,
	       size_t *nlines, uint64_t *folded_events, char *err, size_t errcap)
{
	FILE *f = export_open(path, err, errcap);
	size_t n = all ? w->count : w->nshown;
	int rc = 0;

	*nlines = 0;
	*folded_events = 0;
	if (f == NULL)
		return -1;
	if (export_begin(f, fmt) < 0)
		rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct watch_rec *r = all ? nth(w, i) : watch_shown_rec(w, i);

		if (r == NULL || r->ev == NULL)
			continue;
		/* A folded line is written as its events, one each: a save never
		 * has fewer events than the log stood for. */
		for (uint64_t c = 0; c < r->count && rc == 0; c++) {
			struct event *ev = r->ev;
			struct timespec t = ev->time;

			if (c + 1 == r->count && r->count > 1)
				ev->time = r->last;
			if (export_event(f, fmt, ev) < 0)
				rc = -1;
			ev->time = t;
			if (rc == 0)
				(*nlines)++;
		}
		if (r->count > 1)
			*folded_events += r->count;
	}
	if (rc < 0)
		snprintf(err, errcap, "%s: %s", path, strerror(errno ? errno : EIO));
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* ---- --log FILE ---- */

int watch_log_open(struct watch *w, const char *path, char *err, size_t errcap)
{
	struct evlog *l = evlog_open(path, err, errcap);

	if (l == NULL)
		return -1;
	evlog_close(w->log, NULL, 0);
	w->log = l;
	w->log_said = false;
	return 0;
}

/* rc from evlog: the failure is said the first time it shows. */
static int log_result(struct watch *w, int rc, char *err, size_t errcap)
{
	char why[512];

	if (rc == 0 || w->log_said)
		return 0;
	w->log_said = true;
	evlog_describe(w->log, why, sizeof why);
	snprintf(err, errcap, _(MSG_WATCH_LOG_FAILED), why);
	return -1;
}

int watch_log_event(struct watch *w, const struct event *ev, char *err, size_t errcap)
{
	if (w->log == NULL)
		return 0;
	return log_result(w, evlog_write(w->log, ev), err, errcap);
}

int watch_log_flush(struct watch *w, char *err, size_t errcap)
{
	if (w->log == NULL)
		return 0;
	return log_result(w, evlog_flush(w->log), err, errcap);
}

int watch_log_close(struct watch *w, char *err, size_t errcap)
{
	int rc = evlog_close(w->log, err, errcap);

	w->log = NULL;
	return rc;
}
