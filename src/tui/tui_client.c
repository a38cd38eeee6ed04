/*
 * tui_client: the client pane: GNU readline through its callback
 * interface, and one client socket (TCP or UDP) driven by the main loop.
 *
 * Readline never touches the terminal here: keys are handed to it one
 * byte at a time (rl_getc_function), its redisplay only marks the pane
 * dirty, and tui_draw.c paints rl_display_prompt/rl_line_buffer/rl_point
 * into the curses window. Its terminal preparation is a no-op and its
 * output stream is /dev/null, so curses stays the only writer.
 *
 * Name resolution runs in a short-lived thread per request (getaddrinfo
 * may wait on DNS); the result comes back through a pipe the main loop
 * polls, tagged with a sequence number so a superseded request is
 * dropped. Connects are non-blocking through the core's dialer, each
 * attempt shown. Nothing here blocks on the network.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "socklab/addr.h"
#include "socklab/client.h"
#include "socklab/escape.h"
#include "tui/tui_msg.h"
#include "tui/tui_cmd.h"
#include "tui/tui_lab.h"

#define HISTORY_MAX 1000
#define OUT_MAX (1024 * 1024)

static struct lab *g_lab;	 /* readline's callbacks have no argument */
static unsigned char g_feed[16]; /* bytes waiting for readline */
static size_t g_feed_len, g_feed_off;
static FILE *g_devnull;
static char g_history[4096];

struct resolve_job {
	unsigned seq;
	bool connect, udp;
	char host[TUI_CMD_HOST_MAX];
	char port[TUI_CMD_PORT_MAX];
	struct addrinfo *res;
	char err[CLIENT_ERR_MAX];
	int wr;
};

void client_say(struct lab *lab, unsigned flags, const char *fmt, ...)
{
	char line[TUI_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	tui_log_push(&lab->out, line, flags);
	lab->dirty = true;
}

/* Escaped copy of n peer (or typed) bytes, cut to fit out. */
static const char *esc(const void *p, size_t n, char *out, size_t cap)
{
	size_t used;

	esc_text(p, n, out, cap, &used);
	return out;
}

/* ---- readline glue ---- */

static int rl_getc_cb(FILE *f)
{
	(void)f;
	if (g_feed_off < g_feed_len)
		return g_feed[g_feed_off++];
	return '\n'; /* never reached: readline is only called with input */
}

static int rl_avail_cb(void)
{
	return g_feed_off < g_feed_len;
}

static void rl_redisplay_cb(void)
{
	if (g_lab)
		g_lab->dirty = true;
}

static void rl_prep_noop(int meta)
{
	(void)meta;
}

static void rl_deprep_noop(void)
{
}

static void run_command(struct lab *lab, const char *line);

static void rl_line_cb(char *line)
{
	if (line == NULL) /* Ctrl-D on an empty line: nothing to do */
		return;
	if (*line) {
		HIST_ENTRY *last =
		    history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

		if (last == NULL || strcmp(last->line, line) != 0) {
			add_history(line);
			if (g_history[0] && append_history(1, g_history) != 0)
				write_history(g_history);
		}
		run_command(g_lab, line);
	}
	free(line);
}

const char *client_prompt(void)
{
	return rl_display_prompt ? rl_display_prompt : MSG_TUI_PROMPT;
}

const char *client_line(void)
{
	return rl_line_buffer ? rl_line_buffer : "";
}

int client_point(void)
{
	return rl_point;
}

/* Hands bytes to readline, one rl_callback_read_char per byte. */
static void feed(const char *bytes, size_t n)
{
	if (n > sizeof g_feed)
		n = sizeof g_feed;
	memcpy(g_feed, bytes, n);
	g_feed_len = n;
	g_feed_off = 0;
	while (g_feed_off < g_feed_len)
		rl_callback_read_char();
	g_feed_len = g_feed_off = 0;
}

void client_feed_key(struct lab *lab, int key)
{
	static const struct {
		int key;
		const char *seq;
	} map[] = {
	    {KEY_UP, "\033[A"},	  {KEY_DOWN, "\033[B"},	   {KEY_RIGHT, "\033[C"},
	    {KEY_LEFT, "\033[D"}, {KEY_HOME, "\033[H"},	   {KEY_END, "\033[F"},
	    {KEY_DC, "\033[3~"},  {KEY_BACKSPACE, "\177"}, {KEY_ENTER, "\r"},
	};
	char c;

	lab->dirty = true;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (map[i].key == key) {
			feed(map[i].seq, strlen(map[i].seq));
			return;
		}
	}
	if (key < 0 || key > 0xff)
		return; /* other function keys mean nothing to the line */
	c = (char)key;
	feed(&c, 1);
}

int client_history_path(char *out, size_t cap)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (state && state[0] == '/')
		n = snprintf(out, cap, "%s/socklab/history", state);
	else if (home && home[0])
		n = snprintf(out, cap, "%s/.local/state/socklab/history", home);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* mkdir -p of the directory part of path, mode 0700. */
static void make_parent(const char *path)
{
	char dir[4096];
	size_t n = strlen(path);

	if (n >= sizeof dir)
		return;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
}

int client_init(struct lab *lab, const char *history_path)
{
	int p[2];

	g_lab = lab;
	lab->client.attempt = -1;
	session_init(&lab->client.sess, OUT_MAX);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	lab->client.resolve_rd = p[0];
	lab->client.resolve_wr = p[1];
	/* The write end blocks: a resolver thread's result must not be lost. */
	fcntl(p[1], F_SETFL, fcntl(p[1], F_GETFL) & ~O_NONBLOCK);

	g_devnull = fopen("/dev/null", "w");
	rl_readline_name = "socklab";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = rl_prep_noop;
	rl_deprep_term_function = rl_deprep_noop;
	rl_getc_function = rl_getc_cb;
	rl_input_available_hook = rl_avail_cb;
	rl_redisplay_function = rl_redisplay_cb;
	rl_inhibit_completion = 1;
	if (g_devnull)
		rl_outstream = g_devnull;
	using_history();
	stifle_history(HISTORY_MAX);
	if (history_path) {
		snprintf(g_history, sizeof g_history, "%s", history_path);
		make_parent(g_history);
		read_history(g_history);
	}
	rl_callback_handler_install(MSG_TUI_PROMPT, rl_line_cb);
	rl_variable_bind("bell-style", "none");
	/* The keys curses decodes come back as these sequences. */
	rl_bind_keyseq("\033[A", rl_get_previous_history);
	rl_bind_keyseq("\033[B", rl_get_next_history);
	rl_bind_keyseq("\033[C", rl_forward_char);
	rl_bind_keyseq("\033[D", rl_backward_char);
	rl_bind_keyseq("\033[H", rl_beg_of_line);
	rl_bind_keyseq("\033[F", rl_end_of_line);
	rl_bind_keyseq("\033[3~", rl_delete);
	return 0;
}

static void client_close(struct lab *lab, bool quiet)
{
	struct tui_client *c = &lab->client;

	if (c->dialer) {
		dialer_free(c->dialer);
		c->dialer = NULL;
	}
	if (c->attempt >= 0) {
		close(c->attempt);
		c->attempt = -1;
	}
	if (c->sess.fd >= 0 && !quiet)
		client_say(lab, TUI_LOG_INFO, _(MSG_TUI_CLOSED));
	session_close(&c->sess);
	c->seq++; /* a resolve in flight no longer counts */
	c->state = CLIENT_IDLE;
	c->partial_len = 0;
}

void client_finish(struct lab *lab)
{
	client_close(lab, true);
	session_free(&lab->client.sess);
	rl_callback_handler_remove();
	if (g_history[0])
		history_truncate_file(g_history, HISTORY_MAX);
	if (g_devnull) {
		rl_outstream = stdout;
		fclose(g_devnull);
		g_devnull = NULL;
	}
}

/* ---- resolving ---- */

static void *resolve_thread(void *arg)
{
	struct resolve_job *job = arg;

	if (client_resolve(job->host, job->port[0] ? job->port : NULL, AF_UNSPEC,
			   job->udp ? SOCK_DGRAM : SOCK_STREAM, false, &job->res, job->err,
			   sizeof job->err) < 0)
		job->res = NULL;
	if (write(job->wr, &job, sizeof job) != (ssize_t)sizeof job) {
		if (job->res)
			freeaddrinfo(job->res);
		free(job);
	}
	return NULL;
}

static void start_resolve(struct lab *lab, const struct tui_cmd *cmd, bool connect)
{
	struct resolve_job *job = calloc(1, sizeof *job);
	pthread_attr_t attr;
	pthread_t t;

	if (job == NULL)
		return;
	job->seq = connect ? ++lab->client.seq : 0;
	job->connect = connect;
	job->udp = cmd->udp;
	job->wr = lab->client.resolve_wr;
	memcpy(job->host, cmd->host, sizeof job->host);
	memcpy(job->port, cmd->port, sizeof job->port);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, resolve_thread, job) != 0) {
		client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_NO_THREAD));
		free(job);
		if (connect)
			lab->client.state = CLIENT_IDLE;
	}
	pthread_attr_destroy(&attr);
}

static void next_attempt(struct lab *lab);
static void send_queued(struct lab *lab);

/* The connect failed: lines typed meanwhile will not be sent. */
static void drop_queued(struct lab *lab)
{
	struct tui_client *c = &lab->client;

	size_t n;

	session_pending(&c->sess, &n);
	if (n > 0)
		client_say(lab, TUI_LOG_ERROR, P_(MSG_TUI_QUEUE_DROPPED, n), n);
	session_close(&c->sess);
}

static void show_resolved(struct lab *lab, const struct resolve_job *job)
{
	char line[256];
	int n = 0;

	client_say(lab, TUI_LOG_INFO, _(MSG_TUI_RESOLVED), job->host, job->port[0] ? " " : "",
		   job->port);
	for (const struct addrinfo *ai = job->res; ai; ai = ai->ai_next) {
		client_describe_ai(ai, line, sizeof line);
		client_say(lab, 0, "  %d. %s", ++n, line);
	}
}

static void open_udp(struct lab *lab, const struct addrinfo *ai)
{
	struct tui_client *c = &lab->client;
	char t[ADDR_TEXT_MAX];

	int e;

	addr_tuple(ai->ai_addr, t, sizeof t);
	e = session_open_udp(&c->sess, ai->ai_addr, ai->ai_addrlen, false);
	if (e != 0) {
		client_say(lab, TUI_LOG_ERROR, "socket: %s", strerror(e));
		c->state = CLIENT_IDLE;
		return;
	}
	c->state = CLIENT_UDP;
	client_say(lab, TUI_LOG_INFO, _(MSG_TUI_UDP_READY), t);
	send_queued(lab);
}

static void resolve_done(struct lab *lab)
{
	struct resolve_job *job;

	while (read(lab->client.resolve_rd, &job, sizeof job) == (ssize_t)sizeof job) {
		if (!job->connect) {
			if (job->res == NULL)
				client_say(lab, TUI_LOG_ERROR, "%s", job->err);
			else
				show_resolved(lab, job);
		} else if (job->seq == lab->client.seq) {
			if (job->res == NULL) {
				client_say(lab, TUI_LOG_ERROR, "%s", job->err);
				lab->client.state = CLIENT_IDLE;
				drop_queued(lab);
			} else if (job->udp) {
				open_udp(lab, job->res);
			} else {
				lab->client.dialer = dialer_new(job->res);
				job->res = NULL; /* the dialer owns it now */
				if (lab->client.dialer) {
					next_attempt(lab);
				} else {
					client_say(lab, TUI_LOG_ERROR, "%s", strerror(ENOMEM));
					lab->client.state = CLIENT_IDLE;
					drop_queued(lab);
				}
			}
		}
		if (job->res)
			freeaddrinfo(job->res);
		free(job);
	}
}

/* ---- connecting ---- */

static void connected(struct lab *lab)
{
	struct tui_client *c = &lab->client;
	char l[ADDR_TEXT_MAX], p[ADDR_TEXT_MAX];

	session_adopt(&c->sess, c->attempt);
	c->attempt = -1;
	addr_tuple((struct sockaddr *)&c->sess.peer, p, sizeof p);
	addr_tuple((struct sockaddr *)&c->sess.local, l, sizeof l);
	dialer_free(c->dialer);
	c->dialer = NULL;
	c->state = CLIENT_TCP;
	client_say(lab, TUI_LOG_INFO, _(MSG_TUI_CONNECTED), p, l);
	send_queued(lab);
}

static void next_attempt(struct lab *lab)
{
	struct tui_client *c = &lab->client;
	const struct sockaddr *sa;
	int fd, e;

	while ((fd = dialer_next(c->dialer, &sa, &e)) != -1) {
		addr_tuple(sa, c->trying, sizeof c->trying);
		if (fd == -2) {
			client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_TRYING), c->trying, strerror(e));
			continue;
		}
		c->attempt = fd;
		c->state = CLIENT_CONNECTING;
		clock_gettime(CLOCK_MONOTONIC, &c->deadline);
		c->deadline.tv_sec += TUI_CONNECT_MS / 1000;
		return;
	}
	dialer_free(c->dialer);
	c->dialer = NULL;
	c->state = CLIENT_IDLE;
	client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_CONNECT_FAILED));
	drop_queued(lab);
}

static void attempt_result(struct lab *lab, int e)
{
	struct tui_client *c = &lab->client;

	if (e == 0) {
		client_say(lab, TUI_LOG_INFO, _(MSG_TUI_TRYING), c->trying, _(MSG_TUI_CONNECT_OK));
		connected(lab);
		return;
	}
	client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_TRYING), c->trying, strerror(e));
	close(c->attempt);
	c->attempt = -1;
	next_attempt(lab);
}

/* ---- data ---- */

static void commit_partial(struct lab *lab)
{
	struct tui_client *c = &lab->client;
	char e[TUI_PARTIAL_MAX * 4 + 1];

	client_say(lab, TUI_LOG_IN, "< %s", esc(c->partial, c->partial_len, e, sizeof e));
	c->partial_len = 0;
}

static void take_bytes(struct lab *lab, const char *p, size_t n)
{
	struct tui_client *c = &lab->client;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			commit_partial(lab);
			continue;
		}
		if (c->partial_len == sizeof c->partial)
			commit_partial(lab);
		c->partial[c->partial_len++] = p[i];
	}
	lab->dirty = true;
}

static void flush_out(struct lab *lab)
{
	struct tui_client *c = &lab->client;
	bool shut_now;
	int e = session_flush(&c->sess, &shut_now);

	if (e != 0) {
		client_say(lab, TUI_LOG_ERROR, "send: %s", strerror(e));
		client_close(lab, false);
		return;
	}
	if (shut_now)
		client_say(lab, TUI_LOG_INFO, _(MSG_TUI_SHUTDOWN));
}

/* Appends text and a newline to what is to be sent. */
static bool queue_line(struct lab *lab, const char *text, size_t n)
{
	struct tui_client *c = &lab->client;
	int e;

	if (session_queued(&c->sess) + n + 1 > c->sess.out_max) {
		client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_OUT_FULL));
		return false;
	}
	e = session_write(&c->sess, text, n);
	if (e == 0)
		e = session_write(&c->sess, "\n", 1);
	return e == 0;
}

static void send_dgram(struct lab *lab, const char *text, size_t n)
{
	struct tui_client *c = &lab->client;
	char e[2048], t[ADDR_TEXT_MAX];
	int err;

	addr_tuple((struct sockaddr *)&c->sess.peer, t, sizeof t);
	err = session_send_dgram(&c->sess, text, n);
	if (err != 0) {
		client_say(lab, TUI_LOG_ERROR, _("sendto %s: %s"), t, strerror(err));
		return;
	}
	client_say(lab, TUI_LOG_OUT, _(MSG_TUI_DGRAM_OUT), esc(text, n, e, sizeof e), n, t);
}

/* Lines typed while the client was still connecting go out now: as the
 * TCP stream's first bytes, or one datagram each. */
static void send_queued(struct lab *lab)
{
	struct tui_client *c = &lab->client;

	if (c->state == CLIENT_TCP) {
		flush_out(lab); /* and a /shutdown typed meanwhile */
		return;
	}
	size_t len;
	const char *q = session_pending(&c->sess, &len);

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(q + i, '\n', len - i);
		size_t n = (size_t)(nl - (q + i));

		send_dgram(lab, q + i, n);
		i += n + 1;
	}
	session_drop_pending(&c->sess);
}

static void send_line(struct lab *lab, const char *text)
{
	struct tui_client *c = &lab->client;
	size_t n = strlen(text);
	char e[2048];

	switch (c->state) {
	case CLIENT_TCP:
		if (c->sess.shut_wr || c->sess.shut_pending) {
			client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_AFTER_SHUTDOWN));
			return;
		}
		if (!queue_line(lab, text, n))
			return;
		client_say(lab, TUI_LOG_OUT, "> %s", esc(text, n, e, sizeof e));
		flush_out(lab);
		break;
	case CLIENT_UDP:
		send_dgram(lab, text, n);
		break;
	case CLIENT_RESOLVING:
	case CLIENT_CONNECTING:
		if (!c->udp && (c->sess.shut_pending || c->sess.shut_wr)) {
			client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_AFTER_SHUTDOWN));
			return;
		}
		if (queue_line(lab, text, n))
			client_say(lab, TUI_LOG_OUT, _(MSG_TUI_QUEUED), esc(text, n, e, sizeof e));
		break;
	default:
		client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_NOT_CONNECTED));
		break;
	}
}

static void read_tcp(struct lab *lab)
{
	struct tui_client *c = &lab->client;
	char buf[16384];

	for (int i = 0; i < 16 && c->sess.fd >= 0; i++) {
		int e = 0;
		ssize_t n = session_read(&c->sess, buf, sizeof buf, NULL, &e);

		if (n > 0) {
			take_bytes(lab, buf, (size_t)n);
			continue;
		}
		if (n < 0 && e == EAGAIN)
			return;
		if (c->partial_len)
			commit_partial(lab);
		if (n == 0)
			client_say(lab, TUI_LOG_INFO, _(MSG_TUI_PEER_CLOSED));
		else
			client_say(lab, TUI_LOG_ERROR, "recv: %s", strerror(e));
		client_close(lab, false);
		return;
	}
}

static void read_udp(struct lab *lab)
{
	struct tui_client *c = &lab->client;
	char buf[65536], e[1024], t[ADDR_TEXT_MAX];

	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage from;
		int err = 0;
		ssize_t n = session_read(&c->sess, buf, sizeof buf, &from, &err);

		if (n < 0) {
			if (err != EAGAIN)
				client_say(lab, TUI_LOG_ERROR, "recvfrom: %s", strerror(err));
			return;
		}
		addr_tuple((struct sockaddr *)&from, t, sizeof t);
		client_say(lab, TUI_LOG_IN, _(MSG_TUI_DGRAM_IN), esc(buf, (size_t)n, e, sizeof e),
			   (size_t)n, t);
	}
}

/* ---- commands ---- */

/* /save: the live log's shown lines (or all kept) to a file. */
static void save_log(struct lab *lab, const struct tui_cmd *cmd)
{
	char err[600];
	size_t lines;
	uint64_t folded;

	if (watch_save(&lab->watch, cmd->path, cmd->format, cmd->all, &lines, &folded, err,
		       sizeof err) < 0) {
		client_say(lab, TUI_LOG_ERROR, "%s", err);
		return;
	}
	if (folded > 0)
		client_say(lab, TUI_LOG_INFO, P_(MSG_WATCH_SAVED_FOLDED, lines), lines,
			   cmd->path, export_format_name(cmd->format), (unsigned long long)folded);
	else
		client_say(lab, TUI_LOG_INFO, P_(MSG_WATCH_SAVED, lines), lines, cmd->path,
			   export_format_name(cmd->format));
}

static void run_command(struct lab *lab, const char *line)
{
	struct tui_client *c = &lab->client;
	struct tui_cmd cmd;

	switch (tui_cmd_parse(line, &cmd)) {
	case TUI_CMD_SEND:
		send_line(lab, cmd.text);
		break;
	case TUI_CMD_CONNECT:
		if (c->state != CLIENT_IDLE)
			client_close(lab, false);
		c->udp = cmd.udp;
		c->state = CLIENT_RESOLVING;
		client_say(lab, TUI_LOG_INFO, _(MSG_TUI_RESOLVING), cmd.udp ? "udp" : "tcp", cmd.host,
			   cmd.port);
		start_resolve(lab, &cmd, true);
		break;
	case TUI_CMD_CLOSE:
		if (c->state == CLIENT_IDLE)
			client_say(lab, 0, _(MSG_TUI_NOTHING_OPEN));
		else if (c->sess.fd < 0) {
			client_close(lab, true);
			client_say(lab, TUI_LOG_INFO, _(MSG_TUI_CLOSED));
		} else
			client_close(lab, false);
		break;
	case TUI_CMD_SHUTDOWN:
		if (!c->udp && (c->state == CLIENT_RESOLVING || c->state == CLIENT_CONNECTING)) {
			session_shutdown(&c->sess); /* once connected and flushed */
		} else if (c->state != CLIENT_TCP) {
			client_say(lab, TUI_LOG_ERROR, _(MSG_TUI_SHUTDOWN_TCP_ONLY));
		} else if (!c->sess.shut_wr) {
			session_shutdown(&c->sess);
			flush_out(lab);
		}
		break;
	case TUI_CMD_RESOLVE:
		start_resolve(lab, &cmd, false);
		break;
	case TUI_CMD_HELP:
		lab->help = true;
		lab->help_scroll = 0;
		break;
	case TUI_CMD_QUIT:
		lab->quit = true;
		break;
	case TUI_CMD_SAVE:
		save_log(lab, &cmd);
		break;
	case TUI_CMD_FILTER: {
		char err[FILTER_ERR_MAX];

		if (watch_set_filter(&lab->watch, cmd.text, err, sizeof err) < 0)
			client_say(lab, TUI_LOG_ERROR, "%s", err);
		else if (lab->watch.filter_text[0])
			client_say(lab, TUI_LOG_INFO, _(MSG_TUI_FILTER_SET), lab->watch.filter_text);
		else
			client_say(lab, TUI_LOG_INFO, _(MSG_TUI_FILTER_CLEARED));
		break;
	}
	case TUI_CMD_ERROR:
		client_say(lab, TUI_LOG_ERROR, "%s", cmd.err);
		break;
	}
	lab->dirty = true;
}

/* ---- the main loop's side ---- */

void client_poll_fds(struct lab *lab, struct pollfd *p, int *n, int *timeout_ms)
{
	struct tui_client *c = &lab->client;

	p[(*n)++] = (struct pollfd){.fd = c->resolve_rd, .events = POLLIN};
	if (c->state == CLIENT_CONNECTING && c->attempt >= 0) {
		struct timespec now;
		long left;

		p[(*n)++] = (struct pollfd){.fd = c->attempt, .events = POLLOUT};
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (c->deadline.tv_sec - now.tv_sec) * 1000 +
		       (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
		if (left < 0)
			left = 0;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
		return;
	}
	if (c->sess.fd < 0)
		return;
	p[(*n)++] = (struct pollfd){
	    .fd = c->sess.fd,
	    .events = (short)(POLLIN | (session_want_write(&c->sess) ? POLLOUT : 0)),
	};
}

void client_handle(struct lab *lab, const struct pollfd *p, int n)
{
	struct tui_client *c = &lab->client;
	int fd = c->state == CLIENT_CONNECTING ? c->attempt : c->sess.fd;

	for (int i = 0; i < n; i++) {
		if (p[i].fd == c->resolve_rd && p[i].revents)
			resolve_done(lab);
	}
	if (fd < 0 || fd != (c->state == CLIENT_CONNECTING ? c->attempt : c->sess.fd))
		return;
	for (int i = 0; i < n; i++) {
		if (p[i].fd != fd)
			continue;
		if (c->state == CLIENT_CONNECTING) {
			if (p[i].revents)
				attempt_result(lab, dialer_result(fd));
			return;
		}
		if (c->state == CLIENT_TCP) {
			if (p[i].revents & POLLOUT)
				flush_out(lab);
			if (c->sess.fd == fd && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				read_tcp(lab);
		} else if (c->state == CLIENT_UDP && (p[i].revents & (POLLIN | POLLERR))) {
			read_udp(lab);
		}
		return;
	}
	/* No event on the attempt: has it run out of time? */
	if (c->state == CLIENT_CONNECTING) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > c->deadline.tv_sec ||
		    (now.tv_sec == c->deadline.tv_sec && now.tv_nsec >= c->deadline.tv_nsec))
			attempt_result(lab, ETIMEDOUT);
	}
}
