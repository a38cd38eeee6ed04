/*
 * test_tui_watch: the lab's watched log without a screen: folding of
 * repeated events (and never into a frozen line), the filter narrowing
 * what is shown and widening again, pause hiding new lines until resume,
 * the selection staying on its line as new ones arrive, the ring's
 * evictions, the detail view's lines, and /save of the shown or of every
 * kept line, read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "socklab/addr.h"
#include "tui/tui_watch.h"
#include "json_check.h"

static void set_addr(struct sockaddr_storage *ss, const char *host, uint16_t port)
{
	char err[128];

	assert_int_equal(addr_parse_numeric(host, port, AF_UNSPEC, ss, err, sizeof err), 0);
}

static struct event *mk(enum event_kind kind, unsigned server, const char *peer, uint16_t pport,
			const char *data)
{
	static struct event ev;

	event_init(&ev, kind);
	ev.server = server;
	ev.transport = kind == EV_DGRAM_IN || kind == EV_DGRAM_OUT ? TRANSPORT_UDP : TRANSPORT_TCP;
	ev.has_local = true;
	set_addr(&ev.local, "127.0.0.1", 9100 + (uint16_t)server);
	if (peer) {
		ev.has_peer = true;
		set_addr(&ev.peer, peer, pport);
	}
	if (data)
		event_set_data(&ev, data, strlen(data));
	return &ev;
}

static void push(struct watch *w, struct event *ev)
{
	char line[EVENT_FORMAT_MAX];

	event_format_text(ev, line, sizeof line);
	assert_true(watch_push(w, ev, line, 0));
}

/* The shown lines' texts joined with '|', fold counts included. */
static const char *shown(const struct watch *w)
{
	static char all[8192];
	size_t o = 0;

	all[0] = '\0';
	for (size_t i = 0; i < watch_nshown(w); i++) {
		const struct watch_rec *r = watch_shown_rec(w, i);
		char l[512];

		assert_non_null(r);
		watch_line_text(r, l, sizeof l);
		/* Keep what follows the time stamp. */
		o += (size_t)snprintf(all + o, sizeof all - o, "%s%s", i ? "|" : "", l + 13);
	}
	return all;
}

static void test_fold(void **state)
{
	struct watch w;

	(void)state;
	assert_int_equal(watch_init(&w, 100), 0);
	for (int i = 0; i < 1532; i++)
		push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	assert_string_equal(shown(&w), "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"  x1532");
	assert_int_equal(w.count, 1);
	assert_int_equal(w.folded, 1531);
	/* An echo alternates in and out: nothing is consecutive, nothing
	 * folds, the order stays as it happened. */
	watch_free(&w);
	assert_int_equal(watch_init(&w, 100), 0);
	for (int i = 0; i < 3; i++) {
		push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
		push(&w, mk(EV_DGRAM_OUT, 3, "127.0.0.1", 40000, "x"));
	}
	assert_string_equal(shown(&w), "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "#3 DGRAM-OUT udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "#3 DGRAM-OUT udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "#3 DGRAM-OUT udp ('127.0.0.1', 40000) 1 B \"x\"");
	assert_int_equal(w.folded, 0);
	/* Loss reports in a row add up; a report after other lines does not
	 * reach back over them. */
	watch_free(&w);
	assert_int_equal(watch_init(&w, 100), 0);
	for (int i = 0; i < 4; i++) {
		struct event *d;

		if (i == 3)
			push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
		d = mk(EV_DROPPED, 0, NULL, 0, NULL); /* mk's event is reused */
		d->has_local = false;
		d->count = 7;
		snprintf(d->message, sizeof d->message,
			 "7 events dropped: the consumer fell behind");
		push(&w, d);
	}
	assert_string_equal(shown(&w), "DROPPED 21 events dropped: the consumer fell behind  x3|"
				       "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "DROPPED 7 events dropped: the consumer fell behind");
	assert_int_equal(watch_shown_rec(&w, 0)->ev->count, 21);
	watch_free(&w);
	assert_int_equal(watch_init(&w, 100), 0);
	for (int i = 0; i < 1532; i++)
		push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	/* Another payload, another peer: lines of their own. */
	push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "y"));
	push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40001, "y"));
	assert_int_equal(watch_nshown(&w), 3);
	/* Folding off: every event is a line. */
	w.no_fold = true;
	push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40001, "y"));
	assert_int_equal(watch_nshown(&w), 4);
	watch_free(&w);
}

/* The tutorial's command server gets FOO, BAR and BAZ: each RECV is
 * followed by its own ERR. The SENDs are identical but not consecutive:
 * nothing folds, so no ERR shows under the wrong line. */
static void test_fold_keeps_the_order(void **state)
{
	struct watch w;
	const char *words[] = {"FOO\n", "BAR\n", "BAZ\n"};

	(void)state;
	assert_int_equal(watch_init(&w, 100), 0);
	for (int i = 0; i < 3; i++) {
		push(&w, mk(EV_RECV, 2, "127.0.0.1", 50000, words[i]));
		push(&w, mk(EV_SEND, 2, "127.0.0.1", 50000, "ERR\n"));
	}
	assert_int_equal(watch_nshown(&w), 6);
	assert_int_equal(w.folded, 0);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(watch_shown_rec(&w, i)->count, 1);
	assert_int_equal(watch_shown_rec(&w, 3)->ev->kind, EV_SEND);
	assert_memory_equal(watch_shown_rec(&w, 2)->ev->preview, "BAR\n", 4);
	/* Three identical replies in a row (one read of three lines) fold. */
	for (int i = 0; i < 3; i++)
		push(&w, mk(EV_SEND, 2, "127.0.0.1", 50000, "ERR\n"));
	assert_int_equal(watch_nshown(&w), 6);
	assert_int_equal(watch_shown_rec(&w, 5)->count, 4);
	watch_free(&w);
}

/* Turning folding off unfolds the lines already kept: each event is a
 * line again, in order, the run's last one with its own time; the ring's
 * bound still holds, keeping the newest. */
static void test_unfold(void **state)
{
	struct watch w;
	struct event *last;

	(void)state;
	assert_int_equal(watch_init(&w, 10), 0);
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50000, "a"));
	for (int i = 0; i < 4; i++)
		push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	last = mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x");
	last->time.tv_sec += 5;
	push(&w, last);
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50000, "b"));
	assert_int_equal(watch_nshown(&w), 3);
	assert_int_equal(w.folded, 4);
	watch_set_fold(&w, false);
	assert_true(w.no_fold);
	assert_int_equal(watch_nshown(&w), 7);
	assert_int_equal(w.folded, 0);
	assert_memory_equal(watch_shown_rec(&w, 0)->ev->preview, "a", 1);
	for (size_t i = 1; i <= 5; i++) {
		assert_int_equal(watch_shown_rec(&w, i)->ev->kind, EV_DGRAM_IN);
		assert_int_equal(watch_shown_rec(&w, i)->count, 1);
	}
	assert_int_equal(watch_shown_rec(&w, 5)->ev->time.tv_sec,
			 watch_shown_rec(&w, 4)->ev->time.tv_sec + 5);
	assert_memory_equal(watch_shown_rec(&w, 6)->ev->preview, "b", 1);
	/* Sequence numbers stay consecutive: found by number again. */
	for (size_t i = 0; i < 7; i++)
		assert_ptr_equal(watch_find(&w, watch_shown_rec(&w, i)->seq),
				 watch_shown_rec(&w, i));
	watch_free(&w);
	/* More events than the ring holds: the newest ten stay. */
	assert_int_equal(watch_init(&w, 10), 0);
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50000, "a"));
	for (int i = 0; i < 20; i++)
		push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	watch_set_fold(&w, false);
	assert_int_equal(watch_nshown(&w), 10);
	assert_int_equal(w.evicted, 11);
	assert_int_equal(watch_shown_rec(&w, 0)->ev->kind, EV_DGRAM_IN);
	watch_free(&w);
}

static void test_filter(void **state)
{
	struct watch w;
	char err[FILTER_ERR_MAX];

	(void)state;
	assert_int_equal(watch_init(&w, 100), 0);
	assert_true(watch_note(&w, "tutorial section 1", 0));
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50000, "hola\n"));
	push(&w, mk(EV_SEND, 1, "127.0.0.1", 50000, "eco: hola\n"));
	push(&w, mk(EV_RECV, 2, "127.0.0.1", 50001, "PING\n"));
	assert_int_equal(watch_nshown(&w), 4);
	assert_int_equal(watch_set_filter(&w, "server=1 kind=recv", err, sizeof err), 0);
	assert_string_equal(w.filter_text, "server=1 kind=recv");
	assert_string_equal(shown(&w), "#1 RECV tcp ('127.0.0.1', 50000) 5 B \"hola\\n\"");
	/* New events are filtered as they come; notices hide under a filter. */
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50002, "otra\n"));
	push(&w, mk(EV_RECV, 2, "127.0.0.1", 50002, "otra\n"));
	assert_true(watch_note(&w, "server #1 stopped", 0));
	assert_int_equal(watch_nshown(&w), 2);
	/* A refused filter says why and leaves the one in force. */
	assert_int_equal(watch_set_filter(&w, "kind=nope", err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown event kind 'nope'"));
	assert_string_equal(w.error, err);
	assert_string_equal(w.filter_text, "server=1 kind=recv");
	assert_int_equal(watch_nshown(&w), 2);
	assert_int_equal(watch_set_filter(&w, "text=PING", err, sizeof err), 0);
	assert_int_equal(w.error[0], '\0');
	assert_string_equal(shown(&w), "#2 RECV tcp ('127.0.0.1', 50001) 5 B \"PING\\n\"");
	/* Cleared: everything again, in order. */
	assert_int_equal(watch_set_filter(&w, "", err, sizeof err), 0);
	assert_string_equal(w.filter_text, "");
	assert_int_equal(watch_nshown(&w), 7);
	assert_string_equal(watch_shown_rec(&w, 0)->text, "tutorial section 1");
	watch_free(&w);
}

static void test_pause_and_selection(void **state)
{
	struct watch w;
	const struct watch_rec *sel;

	(void)state;
	assert_int_equal(watch_init(&w, 100), 0);
	w.no_fold = true;
	for (int i = 0; i < 5; i++)
		push(&w, mk(EV_RECV, 1, "127.0.0.1", (uint16_t)(50000 + i), "a"));
	/* Following: the newest line is selected. */
	assert_int_equal(watch_selected(&w)->seq, 5);
	watch_scroll(&w, 2);
	assert_int_equal(watch_selected(&w)->seq, 3);
	/* New lines do not move a reader's selection. */
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50010, "b"));
	assert_int_equal(watch_selected(&w)->seq, 3);
	watch_scroll(&w, 100); /* clamped to the oldest */
	assert_int_equal(watch_selected(&w)->seq, 1);
	watch_scroll(&w, -100);
	assert_int_equal(watch_selected(&w)->seq, 6);

	/* Paused: events are recorded, not shown. */
	watch_pause(&w, true);
	for (int i = 0; i < 3; i++)
		push(&w, mk(EV_RECV, 1, "127.0.0.1", (uint16_t)(51000 + i), "c"));
	assert_int_equal(w.count, 9);
	assert_int_equal(watch_nshown(&w), 6);
	assert_int_equal(w.paused_new, 3);
	assert_int_equal(watch_selected(&w)->seq, 6);
	/* Resume: what arrived meanwhile shows, in order. */
	watch_pause(&w, false);
	assert_int_equal(watch_nshown(&w), 9);
	assert_int_equal(watch_selected(&w)->seq, 9);
	/* Paused while reading back: the reader's line stays selected. */
	watch_scroll(&w, 4);
	sel = watch_selected(&w);
	watch_pause(&w, true);
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 52000, "d"));
	watch_pause(&w, false);
	assert_ptr_equal(watch_selected(&w), sel);
	/* End: back to live. */
	watch_pause(&w, true);
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 52001, "e"));
	watch_end(&w);
	assert_false(w.paused);
	assert_int_equal(watch_selected(&w)->seq, 11);
	watch_free(&w);

	/* A frozen line takes no fold: a repeat after the pause is new. */
	assert_int_equal(watch_init(&w, 100), 0);
	push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	watch_pause(&w, true);
	push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	assert_string_equal(shown(&w), "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"");
	assert_int_equal(w.paused_new, 2);
	watch_pause(&w, false);
	assert_string_equal(shown(&w), "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"|"
				       "#3 DGRAM-IN udp ('127.0.0.1', 40000) 1 B \"x\"  x2");
	watch_free(&w);
}

static void test_ring_evicts(void **state)
{
	struct watch w;
	char err[FILTER_ERR_MAX];

	(void)state;
	assert_int_equal(watch_init(&w, 10), 0);
	w.no_fold = true;
	assert_int_equal(watch_set_filter(&w, "server=1", err, sizeof err), 0);
	for (int i = 0; i < 25; i++)
		push(&w,
		     mk(EV_RECV, (unsigned)(i % 2) + 1, "127.0.0.1", (uint16_t)(50000 + i), "z"));
	assert_int_equal(w.count, 10);
	assert_int_equal(w.evicted, 15);
	assert_int_equal(watch_nshown(&w), 5); /* server 1 among the last ten */
	assert_null(watch_find(&w, 15));
	assert_non_null(watch_find(&w, 16));
	for (size_t i = 0; i < watch_nshown(&w); i++)
		assert_int_equal(watch_shown_rec(&w, i)->ev->server, 1);
	watch_scroll(&w, 100);
	assert_int_equal(watch_selected(&w)->seq, 17);
	watch_free(&w);
}

static void test_detail(void **state)
{
	struct watch w;
	char big[6000], line[256];
	const struct watch_rec *r;
	size_t n;
	bool heading;
	int found = 0;

	(void)state;
	assert_int_equal(watch_init(&w, 10), 0);
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	push(&w, mk(EV_RECV, 5, "::ffff:127.0.0.1", 38574, "hola\n"));
	r = watch_selected(&w);
	n = watch_detail_count(r);
	for (size_t i = 0; i < n; i++) {
		assert_true(watch_detail_line(r, i, line, sizeof line, &heading));
		if (i == 0) {
			assert_true(heading);
			assert_non_null(strstr(line, "recv on server #5"));
		}
		if (strstr(line, "('::ffff:127.0.0.1', 38574, 0, 0)"))
			found |= 1;
		if (strstr(line, "IPv4-mapped: raw ::ffff:127.0.0.1, normalised 127.0.0.1"))
			found |= 2;
		if (strstr(line, "flowinfo 0  scope_id 0 (no scope)"))
			found |= 4;
		if (strstr(line, "5 bytes (5 recorded)"))
			found |= 8;
		if (strncmp(line, "0000  68 6f 6c 61 0a  ", 22) == 0 &&
		    strcmp(line + 6 + 50, "|hola.|") == 0)
			found |= 16;
		if (strstr(line, "('127.0.0.1', 9105)"))
			found |= 32;
	}
	assert_int_equal(found, 63);
	assert_false(watch_detail_line(r, n, line, sizeof line, &heading));

	/* A scoped peer: the scope's interface named (1: loopback here). */
	push(&w, mk(EV_RECV, 4, "fe80::1%1", 35740, "x"));
	r = watch_selected(&w);
	found = 0;
	for (size_t i = 0; i < watch_detail_count(r); i++) {
		assert_true(watch_detail_line(r, i, line, sizeof line, NULL));
		if (strstr(line, "flowinfo 0  scope_id 1 (lo)"))
			found |= 1;
		if (strstr(line, "('fe80::1', 35740, 0, 1) %lo"))
			found |= 2;
		assert_null(strstr(line, "IPv4-mapped"));
	}
	assert_int_equal(found, 3);

	/* A payload over the cap: every kept row, then the note. */
	push(&w, mk(EV_SEND, 1, "127.0.0.1", 50000, big));
	r = watch_selected(&w);
	n = watch_detail_count(r);
	assert_true(watch_detail_line(r, n - 1, line, sizeof line, NULL));
	assert_string_equal(line, "truncated: 4096 of 5999 bytes kept (the rest was not recorded)");
	assert_true(watch_detail_line(r, n - 2, line, sizeof line, NULL));
	assert_int_equal(strncmp(line, "0ff0  41 41", 11), 0);
	watch_free(&w);
}

static size_t count_lines(const char *path, char *first, size_t cap)
{
	FILE *f = fopen(path, "r");
	char l[65536];
	size_t n = 0;

	assert_non_null(f);
	while (fgets(l, sizeof l, f)) {
		if (n == 0) {
			size_t k = strlen(l) < cap ? strlen(l) : cap - 1;

			memcpy(first, l, k);
			first[k] = '\0';
		}
		if (strstr(path, ".jsonl"))
			assert_true(json_valid(l, strlen(l)));
		n++;
	}
	fclose(f);
	return n;
}

static void test_save(void **state)
{
	struct watch w;
	char dir[] = "/tmp/socklab-watch-XXXXXX", path[256], err[300], first[256];
	size_t lines;
	uint64_t folded;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(watch_init(&w, 100), 0);
	watch_note(&w, "a notice is not an event", 0);
	for (int i = 0; i < 4; i++)
		push(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"));
	push(&w, mk(EV_RECV, 1, "127.0.0.1", 50000, "hola\n"));
	push(&w, mk(EV_RECV, 2, "127.0.0.1", 50001, "PING\n"));
	assert_int_equal(watch_set_filter(&w, "server=1,3", err, sizeof err), 0);

	snprintf(path, sizeof path, "%s/shown.jsonl", dir);
	assert_int_equal(
	    watch_save(&w, path, EXPORT_JSONL, false, &lines, &folded, err, sizeof err), 0);
	/* The folded line is written as its four events: none lost. */
	assert_int_equal(lines, 5);
	assert_int_equal(folded, 4);
	assert_int_equal(count_lines(path, first, sizeof first), 5);
	assert_non_null(strstr(first, "\"event\":\"dgram-in\""));
	unlink(path);

	snprintf(path, sizeof path, "%s/all.csv", dir);
	assert_int_equal(watch_save(&w, path, EXPORT_CSV, true, &lines, &folded, err, sizeof err),
			 0);
	assert_int_equal(lines, 6);
	assert_int_equal(count_lines(path, first, sizeof first), 7); /* and the header */
	assert_int_equal(strncmp(first, "time,server,event", 17), 0);
	unlink(path);

	snprintf(path, sizeof path, "%s/no/such/dir.csv", dir);
	assert_int_equal(watch_save(&w, path, EXPORT_CSV, true, &lines, &folded, err, sizeof err),
			 -1);
	assert_non_null(strstr(err, "No such file or directory"));
	rmdir(dir);
	watch_free(&w);
}

static void test_log_file(void **state)
{
	struct watch w;
	char dir[] = "/tmp/socklab-watch-XXXXXX", path[256], err[300], first[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(watch_init(&w, 10), 0);
	/* No log: nothing to do, no error. */
	assert_int_equal(watch_log_event(&w, mk(EV_RECV, 1, "127.0.0.1", 1, "a"), err, sizeof err),
			 0);
	snprintf(path, sizeof path, "%s/lab.jsonl", dir);
	assert_int_equal(watch_log_open(&w, path, err, sizeof err), 0);
	/* Every event, folded or not, is a line of its own. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(watch_log_event(&w, mk(EV_DGRAM_IN, 3, "127.0.0.1", 40000, "x"),
						 err, sizeof err),
				 0);
	assert_int_equal(watch_log_flush(&w, err, sizeof err), 0);
	assert_int_equal(count_lines(path, first, sizeof first), 3);
	assert_non_null(strstr(first, "\"event\":\"dgram-in\""));
	watch_free(&w);
	unlink(path);
	snprintf(path, sizeof path, "%s/no/such/dir.jsonl", dir);
	assert_int_equal(watch_init(&w, 10), 0);
	assert_int_equal(watch_log_open(&w, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	watch_free(&w);
	/* A log that fails says so at the first flush, once, and counts. */
	assert_int_equal(watch_init(&w, 10), 0);
	assert_int_equal(watch_log_open(&w, "/dev/full", err, sizeof err), 0);
	assert_int_equal(watch_log_event(&w, mk(EV_RECV, 1, "127.0.0.1", 1, "a"), err, sizeof err),
			 0);
	err[0] = '\0';
	assert_int_equal(watch_log_flush(&w, err, sizeof err), -1);
	assert_non_null(strstr(err, "/dev/full: No space left on device: 1 event not logged"));
	assert_int_equal(watch_log_event(&w, mk(EV_RECV, 1, "127.0.0.1", 1, "b"), err, sizeof err),
			 0);
	assert_int_equal(watch_log_close(&w, err, sizeof err), -1);
	assert_non_null(strstr(err, "2 events not logged"));
	watch_free(&w);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_fold_keeps_the_order),
	    cmocka_unit_test(test_unfold),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_pause_and_selection),
	    cmocka_unit_test(test_ring_evicts),
	    cmocka_unit_test(test_detail),
	    cmocka_unit_test(test_save),
	    cmocka_unit_test(test_log_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
