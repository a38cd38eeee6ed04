/*
 * tui_servers: the lab's running servers (at most TUI_SERVERS_MAX, each
 * with its rates), the form's values, and the tutorial's presets. Starting
 * and stopping go through the core's server_start/server_stop; a failure
 * becomes a log line and a notice, and the lab goes on. The panes that
 * show them are pane_servers.c and pane_presets.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "socklab/addr.h"
#include "socklab/sandbox.h"
#include "tui/tui_msg.h"
#include "socklab/server.h"
#include "socklab/util.h"
#include "tui/porthold.h"
#include "tui/tui_lab.h"
#include "tui/tui_sandbox.h"

const struct tui_preset tui_presets[] = {
    /* As the tutorial's servers: every TCP one accepts in a loop, one
     * client at a time, with listen(8), and section 5 with listen(16). */
    {"1", "tcp:echo:ipv4:9101@127.0.0.1", true, 8, MSG_TUI_PRESET_1_SHORT, MSG_TUI_PRESET_1},
    {"1.b", "tcp:echo-stdio:ipv4:9101@127.0.0.1", true, 8, MSG_TUI_PRESET_1B_SHORT,
     MSG_TUI_PRESET_1B},
    {"2", "tcp:cmd:ipv4:9102@127.0.0.1", true, 8, MSG_TUI_PRESET_2_SHORT, MSG_TUI_PRESET_2},
    {"3", "udp:echo:ipv4:9201@0.0.0.0", false, 0, MSG_TUI_PRESET_3_SHORT, MSG_TUI_PRESET_3},
    {"4", "tcp:raw:ipv6:9301@::1", true, 8, MSG_TUI_PRESET_4_SHORT, MSG_TUI_PRESET_4},
    {"5", "tcp:hello:dual:9401@::", true, 16, MSG_TUI_PRESET_5_SHORT, MSG_TUI_PRESET_5},
};
const size_t tui_preset_count = sizeof tui_presets / sizeof tui_presets[0];

void servers_form_reset(struct lab *lab)
{
	spec_default(&lab->form);
	lab->form_host[0] = '\0';
	lab->form_host_typed = false;
	snprintf(lab->form_port, sizeof lab->form_port, "0");
}

/* A server that started: into the list, with its rates. */
static void servers_add(struct lab *lab, struct server *s, const char *text)
{
	lab->next_id++;
	rate_init(&lab->rates[lab->nservers]);
	lab->servers[lab->nservers++] = s;
	lab_notice(lab, false, _(MSG_TUI_STARTED), server_id(s), text);
}

int servers_start(struct lab *lab, const struct spec *spec)
{
	struct server_options opt = {.trace = true}; /* for the system calls pane */
	struct server *s;
	char err[SERVER_ERR_MAX], text[300];

	spec_format(spec, text, sizeof text);
	if (lab->nservers == TUI_SERVERS_MAX) {
		lab_notice(lab, true, _(MSG_TUI_TOO_MANY_SERVERS), TUI_SERVERS_MAX);
		return -1;
	}
	if (tui_sandbox_server_start(spec, lab->next_id, &opt, lab->q, &s, err, sizeof err) < 0) {
		char line[600];

		snprintf(line, sizeof line, _(MSG_TUI_START_FAILED), text, err);
		lab_drain(lab); /* the LISTEN lines of the servers before it first */
		watch_note(&lab->watch, line, TUI_LOG_ERROR);
		lab_notice(lab, true, "%s", line);
		return -1;
	}
	servers_add(lab, s, text);
	return 0;
}

void servers_stop(struct lab *lab, int i)
{
	unsigned id;

	if (i < 0 || i >= lab->nservers)
		return;
	id = server_id(lab->servers[i]);
	server_stop(lab->servers[i]);
	memmove(&lab->servers[i], &lab->servers[i + 1],
		(size_t)(lab->nservers - i - 1) * sizeof lab->servers[0]);
	memmove(&lab->rates[i], &lab->rates[i + 1],
		(size_t)(lab->nservers - i - 1) * sizeof lab->rates[0]);
	lab->nservers--;
	if (lab->cursor >= FIELD_COUNT + lab->nservers)
		lab->cursor = lab->nservers > 0 ? FIELD_COUNT + lab->nservers - 1 : FIELD_START;
	lab_notice(lab, false, _(MSG_TUI_STOPPED), id);
}

void servers_stop_all(struct lab *lab)
{
	while (lab->nservers > 0)
		servers_stop(lab, lab->nservers - 1);
}

/* The running lab server on the port a spec wants, or -1 (in a sandbox,
 * on the host the spec would start on: the other host's ports are its own). */
static int holder_of(const struct lab *lab, const struct spec *s)
{
	for (int k = 0; k < lab->nservers; k++) {
		const struct spec *o = server_spec(lab->servers[k]);

		if (tui_sandbox_host_of(server_id(lab->servers[k])) != tui_sandbox_server_host())
			continue;

		for (int j = 0; j < server_nsockets(lab->servers[k]); j++) {
			const struct sockaddr *sa = (const void *)server_local(lab->servers[k], j);

			if (o->transport == s->transport && addr_port(sa) == s->port)
				return k;
		}
	}
	return -1;
}

/* A preset's start failed on a busy port held by no lab server: say which
 * program holds it when /proc shows it, instead of the core's hint to use
 * port 0 (a preset's port is the point of the preset). */
static void explain_busy(struct lab *lab, const struct spec *s, const char *text, char *err)
{
	char who[128], line[700];
	size_t n = strlen(err), h = strlen(MSG_HINT_IN_USE);

	if (n >= h && strcmp(err + n - h, MSG_HINT_IN_USE) == 0)
		err[n - h] = '\0';
	switch (porthold_find(s->transport == TRANSPORT_UDP, s->port, who, sizeof who)) {
	case PORTHOLD_PROGRAM:
		snprintf(line, sizeof line, _(MSG_TUI_PRESET_HELD_BY), text, err, s->port, who);
		break;
	case PORTHOLD_HIDDEN:
		snprintf(line, sizeof line, _(MSG_TUI_PRESET_HELD_HIDDEN), text, err, s->port);
		break;
	default:
		snprintf(line, sizeof line, _(MSG_TUI_START_FAILED), text, err);
		break;
	}
	lab_drain(lab);
	watch_note(&lab->watch, line, TUI_LOG_ERROR);
	lab_notice(lab, true, "%s", line);
}

void servers_preset(struct lab *lab, size_t i)
{
	struct server_options opt = {.trace = true}; /* for the system calls pane */
	struct server *srv;
	struct spec s;
	char err[SERVER_ERR_MAX], text[300];
	int holder;

	if (i >= tui_preset_count)
		return;
	spec_default(&s);
	if (spec_parse(tui_presets[i].spec, &s, err, sizeof err) < 0) {
		lab_notice(lab, true, "%s", err);
		return;
	}
	s.sequential = tui_presets[i].sequential;
	s.backlog = tui_presets[i].backlog;
	lab->preset_sel = (int)i;
	/* Another lab server on its port: one more press replaces it. */
	holder = holder_of(lab, &s);
	if (holder >= 0 && lab->replace_armed != (int)i + 1) {
		spec_format(server_spec(lab->servers[holder]), text, sizeof text);
		lab->replace_offer = (int)i + 1;
		lab_notice(lab, true, _(MSG_TUI_PRESET_REPLACE), s.port,
			   server_id(lab->servers[holder]), text, (int)i + 2);
		return;
	}
	if (holder >= 0)
		servers_stop(lab, holder);
	/* The form shows what the preset set up, so it can be varied. */
	lab->form = s;
	snprintf(lab->form_host, sizeof lab->form_host, "%s", s.host);
	lab->form_host_typed = false;
	snprintf(lab->form_port, sizeof lab->form_port, "%u", s.port);
	{
		char line[300];

		snprintf(line, sizeof line, _(MSG_TUI_PRESET_LOG), tui_presets[i].key,
			 _(tui_presets[i].teaches));
		watch_note(&lab->watch, line, TUI_LOG_INFO);
	}
	if (lab->nservers == TUI_SERVERS_MAX) {
		lab_notice(lab, true, _(MSG_TUI_TOO_MANY_SERVERS), TUI_SERVERS_MAX);
		return;
	}
	spec_format(&s, text, sizeof text);
	if (tui_sandbox_server_start(&s, lab->next_id, &opt, lab->q, &srv, err, sizeof err) < 0) {
		explain_busy(lab, &s, text, err);
		return;
	}
	servers_add(lab, srv, text);
}

const char *servers_field_value(const struct lab *lab, enum tui_field f)
{
	static char buf[SPEC_HOST_MAX + 32];

	switch (f) {
	case FIELD_TRANSPORT:
		return lab->form.transport == TRANSPORT_TCP ? "TCP" : "UDP";
	case FIELD_FAMILY:
		return family_name(lab->form.family);
	case FIELD_SERVICE:
		return service_name(lab->form.service);
	case FIELD_MODE:
		return lab->form.sequential ? _(MSG_TUI_SEQUENTIAL) : _(MSG_TUI_CONCURRENT);
	case FIELD_HOST:
		if (lab->form_host[0])
			return lab->form_host;
		snprintf(buf, sizeof buf, "%s", spec_default_host(lab->form.family));
		return buf;
	case FIELD_PORT:
		return lab->form_port;
	default:
		return _(MSG_TUI_START_BUTTON);
	}
}

bool servers_field_shown(const struct lab *lab, enum tui_field f)
{
	return f != FIELD_MODE || lab->form.transport == TRANSPORT_TCP;
}

/* Moves a choice field to its next (dir 1) or previous (-1) value. */
void servers_cycle(struct lab *lab, int dir)
{
	struct spec *s = &lab->form;
	int v;

	switch (lab->cursor) {
	case FIELD_TRANSPORT:
		s->transport = s->transport == TRANSPORT_TCP ? TRANSPORT_UDP : TRANSPORT_TCP;
		if (!spec_service_allowed(s->transport, s->service))
			s->service = SERVICE_ECHO;
		break;
	case FIELD_FAMILY:
		v = ((int)s->family + dir + FAMILY_COUNT) % FAMILY_COUNT;
		s->family = (enum family)v;
		/* A host nobody typed follows the family ("::" is no IPv4 host). */
		if (!lab->form_host_typed)
			lab->form_host[0] = '\0';
		break;
	case FIELD_SERVICE:
		v = (int)s->service;
		do
			v = (v + dir + SERVICE_COUNT) % SERVICE_COUNT;
		while (!spec_service_allowed(s->transport, (enum service)v));
		s->service = (enum service)v;
		break;
	case FIELD_MODE:
		s->sequential = !s->sequential;
		s->backlog = 0; /* the new mode's own default */
		break;
	default:
		break;
	}
}

void servers_start_form(struct lab *lab)
{
	struct spec s = lab->form;
	uint16_t port;

	if (addr_parse_port(lab->form_port, &port) < 0) {
		lab_notice(lab, true, _(MSG_TUI_BAD_PORT), lab->form_port);
		return;
	}
	s.port = port;
	snprintf(s.host, sizeof s.host, "%s", lab->form_host);
	if (s.transport == TRANSPORT_UDP) {
		s.sequential = false; /* UDP has no connections to take in turn */
		s.backlog = 0;
	}
	servers_start(lab, &s);
}

/* ---- rates ---- */

void servers_drops_init(struct lab *lab)
{
	uint64_t drops;

	lab->drops_known = sandbox_listen_drops(&lab->overflows_base, &drops) == 0;
	lab->overflows_seen = lab->overflows_noted = lab->overflows_base;
	lab->drops_note_ms = 0;
}

/* Whose counters the drops are: the network namespace's, or in a sandbox
 * both hosts' (each a namespace of its own). */
static const char *drops_where(bool short_form)
{
	if (sandbox_get() != NULL)
		return short_form ? _(MSG_TUI_DROPS_WHERE_SANDBOX_SHORT)
				  : _(MSG_TUI_DROPS_WHERE_SANDBOX);
	return short_form ? _(MSG_TUI_DROPS_WHERE_SHORT) : _(MSG_TUI_DROPS_WHERE);
}

/* More SYNs dropped on a full accept queue since the last sample: a line
 * in the log, in its place among the events, so a client that times out
 * against a full backlog leaves a trace. */
static void sample_drops(struct lab *lab)
{
	uint64_t over, drops, more;
	char line[400];
	struct timespec now;
	struct tm tm;
	int n;

	if (!lab->drops_known || sandbox_listen_drops(&over, &drops) < 0)
		return;
	if (over > lab->overflows_seen)
		lab->dirty = true; /* the servers pane's count */
	lab->overflows_seen = over;
	/* A client retries its SYN, again and again: the log says so at
	 * most every TUI_DROPS_NOTE_MS, what was dropped meanwhile added up. */
	if (over <= lab->overflows_noted ||
	    (lab->drops_note_ms && lab_ms_since(lab->drops_note_ms) < TUI_DROPS_NOTE_MS))
		return;
	more = over - lab->overflows_noted;
	lab->overflows_noted = over;
	lab->drops_note_ms = util_mono_ms();
	lab_drain(lab); /* after the events that came before */
	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	n = snprintf(line, sizeof line, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
		     now.tv_nsec / 1000000);
	snprintf(line + n, sizeof line - (size_t)n, P_(MSG_TUI_SYNS_DROPPED_LOG, more),
		 (unsigned long long)more, drops_where(false),
		 (unsigned long long)(over - lab->overflows_base));
	watch_note(&lab->watch, line, TUI_LOG_WARN);
	lab->dirty = true;
}

void servers_sample(struct lab *lab, int64_t now_ms)
{
	for (int i = 0; i < lab->nservers; i++) {
		struct server_stats st;

		server_stats(lab->servers[i], &st);
		rate_sample(&lab->rates[i], now_ms, &st);
	}
	sample_drops(lab);
}

size_t servers_drops_text(const struct lab *lab, int width, char *out, size_t cap)
{
	unsigned long long n = lab->overflows_seen - lab->overflows_base;
	int len;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (!lab->drops_known || n == 0)
		return 0;
	/* The longest wording that fits. */
	len = snprintf(out, cap, P_(MSG_TUI_SYNS_DROPPED_LONG, n), n, drops_where(false));
	if (width > 0 && tui_text_cols(out) > width)
		len = snprintf(out, cap, P_(MSG_TUI_SYNS_DROPPED, n), n, drops_where(true));
	if (width > 0 && tui_text_cols(out) > width)
		len = snprintf(out, cap, P_(MSG_TUI_SYNS_DROPPED_SHORT, n), n, drops_where(true));
	if (len < 0)
		return 0;
	return (size_t)len < cap ? (size_t)len : cap - 1;
}

size_t servers_queue_line(const struct server_stats *st, int width, char *out, size_t cap)
{
	int n;

	if (cap == 0)
		return 0;
	/* Linux's accept queue is full only past the backlog (the check is
	 * "more than"), so listen(8) takes 9: said where it fits. */
	n = snprintf(out, cap, _(MSG_WATCH_ACCEPT_QUEUE_LONG), st->accept_queue, st->accept_backlog,
		     st->accept_backlog + 1);
	if (width > 0 && n >= 0 && tui_text_cols(out) > width)
		n = snprintf(out, cap, _(MSG_WATCH_ACCEPT_QUEUE), st->accept_queue,
			     st->accept_backlog);
	if (width > 0 && n >= 0 && tui_text_cols(out) > width)
		n = snprintf(out, cap, _(MSG_WATCH_ACCEPT_QUEUE_BARE), st->accept_queue,
			     st->accept_backlog);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t servers_rate_line(const struct rate *r, const struct server_stats *st, const struct spec *sp,
			 int i, char *out, size_t cap)
{
	bool udp = sp->transport == TRANSPORT_UDP;
	struct rate_value v1 = {0}, v10 = {0};
	char a[32], b[32];
	int n;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	rate_get(r, 1000, &v1);
	rate_get(r, 10000, &v10);
	switch (i) {
	case 0:
	case 1: {
		const struct rate_value *v = i == 0 ? &v1 : &v10;

		rate_format_bytes(v->bytes_in, a, sizeof a);
		rate_format_bytes(v->bytes_out, b, sizeof b);
		n = snprintf(out, cap, i == 0 ? _(MSG_WATCH_RATE_1S) : _(MSG_WATCH_RATE_10S), a, b);
		break;
	}
	case 2:
		if (udp)
			n = snprintf(out, cap, _(MSG_WATCH_DGRAM_RATE), v1.dgrams_in, v1.dgrams_out,
				     v10.dgrams_in, v10.dgrams_out);
		else if (st->has_accept_queue)
			return servers_queue_line(st, 0, out, cap);
		else
			n = snprintf(out, cap, _(MSG_WATCH_BACKLOG), spec_backlog(sp));
		break;
	default:
		n = 0;
		break;
	}
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}
