/*
 * tui_servers: the servers panel (a small form, the running list) and the
 * tutorial's presets. Starting and stopping go through the core's
 * server_start/server_stop; a failure becomes a log line and a notice,
 * and the lab goes on.
 */
#include <ctype.h>
#include <curses.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "tui/tui_msg.h"
#include "socklab/server.h"
#include "tui/tui_lab.h"

const struct tui_preset tui_presets[] = {
    {"1", "tcp:echo:ipv4:9101@127.0.0.1", MSG_TUI_PRESET_1_SHORT, MSG_TUI_PRESET_1},
    {"1.b", "tcp:echo-stdio:ipv4:9101@127.0.0.1", MSG_TUI_PRESET_1B_SHORT, MSG_TUI_PRESET_1B},
    {"2", "tcp:cmd:ipv4:9102@127.0.0.1", MSG_TUI_PRESET_2_SHORT, MSG_TUI_PRESET_2},
    {"3", "udp:echo:ipv4:9201@0.0.0.0", MSG_TUI_PRESET_3_SHORT, MSG_TUI_PRESET_3},
    {"4", "tcp:raw:ipv6:9301@::1", MSG_TUI_PRESET_4_SHORT, MSG_TUI_PRESET_4},
    {"5", "tcp:hello:dual:9401@::", MSG_TUI_PRESET_5_SHORT, MSG_TUI_PRESET_5},
};
const size_t tui_preset_count = sizeof tui_presets / sizeof tui_presets[0];

void servers_form_reset(struct lab *lab)
{
	spec_default(&lab->form);
	lab->form_host[0] = '\0';
	snprintf(lab->form_port, sizeof lab->form_port, "0");
}

int servers_start(struct lab *lab, const struct spec *spec)
{
	struct server_options opt = {0};
	struct server *s;
	char err[SERVER_ERR_MAX], text[300];

	spec_format(spec, text, sizeof text);
	if (lab->nservers == TUI_SERVERS_MAX) {
		lab_notice(lab, true, _(MSG_TUI_TOO_MANY_SERVERS), TUI_SERVERS_MAX);
		return -1;
	}
	if (server_start(spec, lab->next_id, &opt, lab->q, &s, err, sizeof err) < 0) {
		char line[600];

		snprintf(line, sizeof line, _(MSG_TUI_START_FAILED), text, err);
		watch_note(&lab->watch, line, TUI_LOG_ERROR);
		lab_notice(lab, true, "%s", line);
		return -1;
	}
	lab->next_id++;
	lab->servers[lab->nservers++] = s;
	lab_notice(lab, false, _(MSG_TUI_STARTED), server_id(s), text);
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

void servers_preset(struct lab *lab, size_t i)
{
	struct spec s;
	char err[200];

	if (i >= tui_preset_count)
		return;
	spec_default(&s);
	if (spec_parse(tui_presets[i].spec, &s, err, sizeof err) < 0) {
		lab_notice(lab, true, "%s", err);
		return;
	}
	/* The form shows what the preset set up, so it can be varied. */
	lab->form = s;
	snprintf(lab->form_host, sizeof lab->form_host, "%s", s.host);
	snprintf(lab->form_port, sizeof lab->form_port, "%u", s.port);
	lab->preset_sel = (int)i;
	{
		char line[300];

		snprintf(line, sizeof line, _(MSG_TUI_PRESET_LOG), tui_presets[i].key,
			 _(tui_presets[i].teaches));
		watch_note(&lab->watch, line, TUI_LOG_INFO);
	}
	servers_start(lab, &s);
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

/* Moves a choice field to its next (dir 1) or previous (-1) value. */
static void cycle(struct lab *lab, int dir)
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
		break;
	default:
		break;
	}
}

static void start_form(struct lab *lab)
{
	struct spec s = lab->form;
	uint16_t port;

	if (addr_parse_port(lab->form_port, &port) < 0) {
		lab_notice(lab, true, _(MSG_TUI_BAD_PORT), lab->form_port);
		return;
	}
	s.port = port;
	snprintf(s.host, sizeof s.host, "%s", lab->form_host);
	servers_start(lab, &s);
}

static void edit_text(char *buf, size_t cap, int key, bool digits)
{
	size_t n = strlen(buf);

	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (n > 0)
			buf[n - 1] = '\0';
		return;
	}
	if (key == 21) { /* Ctrl-U */
		buf[0] = '\0';
		return;
	}
	if (key < 0x21 || key > 0x7e || n + 1 >= cap)
		return;
	if (digits && !isdigit(key))
		return;
	buf[n] = (char)key;
	buf[n + 1] = '\0';
}

static void keep_visible(struct lab *lab)
{
	int sel = lab->cursor - FIELD_COUNT;

	if (sel < 0)
		return;
	if (sel < lab->list_top)
		lab->list_top = sel;
	/* The draw step pulls list_top forward when the selection would fall
	 * below the panel; here it only has to move back. */
}

bool servers_key(struct lab *lab, int key)
{
	int last = FIELD_COUNT + lab->nservers - 1;
	bool text = lab->cursor == FIELD_HOST || lab->cursor == FIELD_PORT;

	switch (key) {
	case KEY_UP:
		if (lab->cursor > 0)
			lab->cursor--;
		keep_visible(lab);
		return true;
	case KEY_DOWN:
		if (lab->cursor < last)
			lab->cursor++;
		keep_visible(lab);
		return true;
	case KEY_HOME:
		lab->cursor = 0;
		return true;
	case KEY_END:
		lab->cursor = last;
		return true;
	case KEY_LEFT:
	case KEY_RIGHT:
	case ' ':
		if (lab->cursor < FIELD_HOST) {
			cycle(lab, key == KEY_LEFT ? -1 : 1);
			return true;
		}
		return key != ' ';
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (lab->cursor < FIELD_COUNT)
			start_form(lab);
		return true;
	case KEY_DC:
	case 'x':
	case 'd':
		if (lab->cursor >= FIELD_COUNT) {
			servers_stop(lab, lab->cursor - FIELD_COUNT);
			return true;
		}
		break;
	default:
		break;
	}
	if (text) {
		if (lab->cursor == FIELD_HOST)
			edit_text(lab->form_host, sizeof lab->form_host, key, false);
		else
			edit_text(lab->form_port, sizeof lab->form_port, key, true);
		return key != 'q' || lab->cursor == FIELD_HOST;
	}
	return false;
}

bool presets_key(struct lab *lab, int key)
{
	switch (key) {
	case KEY_UP:
		if (lab->preset_sel > 0)
			lab->preset_sel--;
		return true;
	case KEY_DOWN:
		if (lab->preset_sel + 1 < (int)tui_preset_count)
			lab->preset_sel++;
		return true;
	case '\r':
	case '\n':
	case KEY_ENTER:
		servers_preset(lab, (size_t)lab->preset_sel);
		return true;
	default:
		if (key >= '1' && key < '1' + (int)tui_preset_count) {
			servers_preset(lab, (size_t)(key - '1'));
			return true;
		}
		return false;
	}
}

int servers_item_rows(struct server *s)
{
	return 2 + server_nsockets(s) + WATCH_SERVER_LINES;
}

void servers_click(struct lab *lab, int row, int col)
{
	int y = row - lab->lay.servers.y - 1; /* below the title */

	if (y == 0 || y == 1) {
		/* The form's two rows: pick the field nearest the click. */
		int x = col - lab->lay.servers.x, best = y == 0 ? FIELD_TRANSPORT : FIELD_HOST;
		int n = y == 0 ? 4 : 3, x0 = 1;

		for (int i = 0; i < n; i++) {
			int f = (y == 0 ? FIELD_TRANSPORT : FIELD_HOST) + i;
			int w = f == FIELD_HOST ? 5 : f == FIELD_PORT ? 5 : 0;

			w += tui_text_cols(servers_field_value(lab, (enum tui_field)f)) + 3;
			if (x >= x0)
				best = f;
			x0 += w;
		}
		lab->cursor = best;
		return;
	}
	y -= 3; /* the form and the list's heading */
	for (int i = lab->list_top; i < lab->nservers && y >= 0; i++) {
		int r = servers_item_rows(lab->servers[i]);

		if (y < r) {
			lab->cursor = FIELD_COUNT + i;
			return;
		}
		y -= r;
	}
}
