/*
 * tui_sandbox: the lab inside the two-host sandbox (see tui_sandbox.h).
 *
 * State: the two hosts chosen, for the servers and for the client; both
 * start on host a, where the lab itself runs. Sockets for host b are made
 * by sandbox_run_on, in a short thread that has entered host b: a socket
 * stays in the network namespace it was made in, and a server's thread
 * starts from there too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "socklab/sandbox.h"
#include "tui/tui_lab.h"
#include "tui/tui_sandbox.h"
#include "tui/tui_sandbox_msg.h"

#define WHERE_MAX 256 /* the last servers started, and their hosts */

static int g_server_host = SANDBOX_A, g_client_host = SANDBOX_A;
static struct {
	unsigned id;
	int host;
} g_where[WHERE_MAX];
static size_t g_where_next;

bool tui_sandbox_on(void)
{
	return sandbox_get() != NULL;
}

int tui_sandbox_server_host(void)
{
	return g_server_host;
}

int tui_sandbox_client_host(void)
{
	return g_client_host;
}

static int set_host(int *which, const char *name, char *err, size_t cap)
{
	int h = sandbox_host_parse(name);

	if (!tui_sandbox_on()) {
		snprintf(err, cap, "%s", _(MSG_TUI_SB_OFF));
		return -1;
	}
	if (h < 0) {
		snprintf(err, cap, _(MSG_TUI_SB_BAD_HOST), name);
		return -1;
	}
	*which = h;
	return 0;
}

int tui_sandbox_set_server_host(const char *name, char *err, size_t cap)
{
	return set_host(&g_server_host, name, err, cap);
}

int tui_sandbox_set_client_host(const char *name, char *err, size_t cap)
{
	return set_host(&g_client_host, name, err, cap);
}

int tui_sandbox_spec_host(const char **spec)
{
	const char *s = *spec;

	if (!tui_sandbox_on() || !(s[0] == 'a' || s[0] == 'b') || s[1] != '/')
		return SANDBOX_A;
	*spec = s + 2;
	return s[0] == 'a' ? SANDBOX_A : SANDBOX_B;
}

int tui_sandbox_swap_server_host(int host)
{
	int old = g_server_host;

	g_server_host = host == SANDBOX_B ? SANDBOX_B : SANDBOX_A;
	return old;
}

int tui_sandbox_server_start(const struct spec *spec, unsigned id, const struct server_options *opt,
			     struct event_queue *q, struct server **out, char *err, size_t cap)
{
	int rc = sandbox_server_start(g_server_host, spec, id, opt, q, out, err, cap);

	if (rc == 0) {
		g_where[g_where_next % WHERE_MAX].id = id;
		g_where[g_where_next % WHERE_MAX].host = g_server_host;
		g_where_next++;
	}
	return rc;
}

int tui_sandbox_host_of(unsigned id)
{
	for (size_t i = 0; i < WHERE_MAX && i < g_where_next; i++) {
		if (g_where[i].id == id)
			return g_where[i].host;
	}
	return SANDBOX_A;
}

const char *tui_sandbox_where(unsigned id)
{
	static char out[32];

	if (!tui_sandbox_on())
		return "";
	snprintf(out, sizeof out, _(MSG_TUI_SB_WHERE), "ab"[tui_sandbox_host_of(id)]);
	return out;
}

struct dial_args {
	struct dialer *d;
	const struct sockaddr **addr;
	int *err;
};

static int dial_here(void *p)
{
	struct dial_args *a = p;

	return dialer_next(a->d, a->addr, a->err);
}

int tui_sandbox_dialer_next(struct dialer *d, const struct sockaddr **addr, int *err)
{
	struct dial_args a = {d, addr, err};
	char why[SANDBOX_ERR_MAX] = "";
	int fd = sandbox_run_on(g_client_host, dial_here, &a, why, sizeof why);

	/* Host b could not be entered: no attempt was made, and none will. */
	if (why[0] != '\0') {
		*err = EPERM;
		return -1;
	}
	return fd;
}

struct udp_args {
	struct session *s;
	const struct sockaddr *to;
	socklen_t len;
	bool connect;
};

static int udp_here(void *p)
{
	struct udp_args *a = p;

	return session_open_udp(a->s, a->to, a->len, a->connect);
}

int tui_sandbox_open_udp(struct session *s, const struct sockaddr *to, socklen_t len, bool connect)
{
	struct udp_args a = {s, to, len, connect};
	char why[SANDBOX_ERR_MAX] = "";
	int e = sandbox_run_on(g_client_host, udp_here, &a, why, sizeof why);

	return why[0] != '\0' ? EPERM : e;
}

const char *tui_sandbox_client_title(const char *name, int room)
{
	static char out[256];
	const struct sandbox_info *sb = sandbox_get();
	const struct sandbox_host_info *a, *b;

	if (sb == NULL)
		return name;
	a = &sb->host[SANDBOX_A];
	b = &sb->host[SANDBOX_B];
	/* The longest that fits: every address, the IPv4 ones, the word. */
	snprintf(out, sizeof out, _(MSG_TUI_SB_TITLE_FULL), name, "ab"[g_client_host], a -> ipv4,
		 a -> ipv6, b -> ipv4, b -> ipv6);
	if ((int)strlen(out) <= room)
		return out;
	snprintf(out, sizeof out, _(MSG_TUI_SB_TITLE_V4), name, "ab"[g_client_host], a -> ipv4,
		 b -> ipv4);
	if ((int)strlen(out) <= room)
		return out;
	snprintf(out, sizeof out, _(MSG_TUI_SB_TITLE_SHORT), name, "ab"[g_client_host]);
	return out;
}

const char *tui_sandbox_servers_title(const char *name)
{
	static char out[128];

	if (!tui_sandbox_on())
		return name;
	snprintf(out, sizeof out, _(MSG_TUI_SB_SERVERS_TITLE), name, "ab"[g_server_host]);
	return out;
}

void tui_sandbox_notes(struct lab *lab)
{
	const struct sandbox_info *sb = sandbox_get();
	char line[256];

	if (sb == NULL)
		return;
	watch_note(&lab->watch, _(MSG_TUI_SB_NOTE), TUI_LOG_INFO);
	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		const struct sandbox_host_info *hi = &sb->host[h];

		snprintf(line, sizeof line, _(MSG_TUI_SB_NOTE_HOST), hi->name, hi->ifname, hi->ipv4,
			 hi->ipv4_prefix, hi->ipv6, hi->ipv6_prefix, hi->link_local, hi->ifname,
			 hi->ifindex);
		watch_note(&lab->watch, line, TUI_LOG_INFO);
	}
	watch_note(&lab->watch, _(MSG_TUI_SB_NOTE_HOW), TUI_LOG_INFO);
}
