/*
 * cli_client: `socklab client` (the tutorial's clients) and
 * `socklab resolve` (what getaddrinfo gives a client, in order).
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli.h"
#include "socklab/addr.h"
#include "socklab/client.h"
#include "socklab/escape.h"
#include "cli/cli_msg.h"
#include "socklab/session.h"

#define IOSZ 65536
#define TIMEOUT_MAX_MS (86400 * 1000)

struct client_opts {
	bool udp, connect, verbose, raw, trace;
	struct event_sink sink; /* --trace: trace_line */
	int family;
	int64_t timeout_ms;
	const char *host, *port;
	char **msgs;
	int nmsgs;
};

/* Whether stdout is a terminal; on the first call, a terminal whose
 * locale is not UTF-8 gets ASCII-only escapes (bytes >= 0x80 as \xNN). */
static bool out_tty(void)
{
	static int tty = -1;

	if (tty < 0) {
		tty = isatty(STDOUT_FILENO);
		if (tty) {
			setlocale(LC_CTYPE, "");
			esc_set_ascii(!esc_locale_is_utf8());
		}
	}
	return tty;
}

/* Writes received bytes to stdout. On a terminal they are escaped (line
 * breaks and tabs kept) so a peer cannot drive the terminal, and the
 * start of a character cut by the read boundary waits for its end (until
 * last: the stream or the datagram is over); --raw or a pipe gets them
 * unchanged. */
static int out_bytes(const struct client_opts *o, const char *data, size_t len, bool last)
{
	static char carry[4];
	static size_t ncarry;
	static char *joined;
	const char *p = data;
	size_t n = len, hold;

	if (o->raw || !out_tty())
		return fwrite(data, 1, len, stdout) == len ? 0 : -1;
	if (ncarry > 0) {
		if (joined == NULL && (joined = malloc(IOSZ + sizeof carry)) == NULL)
			return -1;
		memcpy(joined, carry, ncarry);
		memcpy(joined + ncarry, data, len);
		p = joined;
		n = ncarry + len;
		ncarry = 0;
	}
	hold = last ? 0 : esc_incomplete_tail(p, n);
	memcpy(carry, p + n - hold, hold);
	ncarry = hold;
	n -= hold;
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;
		char buf[4 * 256 + 1];

		while (k > 0) {
			size_t used;

			/* Whole characters only: it stops where buf is full. */
			esc_text(p, k, buf, sizeof buf, &used);
			fputs(buf, stdout);
			p += used;
			k -= used;
			n -= used;
		}
		if (nl) {
			fputc('\n', stdout);
			p++;
			n--;
		}
	}
	return ferror(stdout) ? -1 : 0;
}

/* --trace: each system call of the client as it returns, on stderr, in
 * the line serve --trace writes (event_format_text): strace's form and
 * the tutorial's Python line. */
static void trace_line(void *arg, const struct event *ev)
{
	char line[1024];

	(void)arg;
	event_format_text(ev, line, sizeof line);
	fprintf(stderr, "%s\n", line);
}

static void report_attempt(void *arg, const struct sockaddr *sa, int err)
{
	const struct client_opts *o = arg;
	char where[ADDR_TEXT_MAX];

	if (!o->verbose)
		return;
	addr_tuple(sa, where, sizeof where);
	fputs("socklab: ", stderr);
	fprintf(stderr, _(MSG_TRYING), where, err ? strerror(err) : _(MSG_CONNECTED));
	fputc('\n', stderr);
}

/* Sends the messages (or standard input) while copying whatever comes
 * back to stdout, so a server that answers while we still send can never
 * deadlock us; then half-closes and reads until the server closes. */
static int tcp_session(const struct client_opts *o, int fd)
{
	struct session s;
	char *in = malloc(IOSZ);
	bool stdin_open = o->nmsgs == 0;
	int status = 0;

	if (in == NULL)
		return 1;
	session_init(&s, SIZE_MAX);
	s.trace = o->sink;
	session_adopt(&s, fd);
	for (int i = 0; i < o->nmsgs; i++) {
		if (session_write(&s, o->msgs[i], strlen(o->msgs[i])) != 0 ||
		    session_write(&s, "\n", 1) != 0) {
			cli_warnx("%s", strerror(ENOMEM));
			status = 1;
			goto out;
		}
	}
	if (!stdin_open)
		session_shutdown(&s); /* the tutorial's c.shutdown(SHUT_WR), once sent */
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = -1}};
		ssize_t n;
		int e = 0;

		if (session_want_write(&s))
			p[0].events |= POLLOUT;
		else if (stdin_open)
			p[1] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = session_read(&s, in, IOSZ, NULL, &e);
			if (n == 0) {
				out_bytes(o, in, 0, true);
				break;
			}
			if (n < 0 && e != EAGAIN) {
				cli_warnx("recv: %s", strerror(e));
				status = 1;
				break;
			}
			if (n > 0 &&
			    (out_bytes(o, in, (size_t)n, false) < 0 || fflush(stdout) != 0)) {
				cli_warnx(_("standard output: %s"), strerror(errno ? errno : EIO));
				status = 1;
				break;
			}
		}
		if (p[0].revents & POLLOUT) {
			e = session_flush(&s, NULL);
			if (e != 0) {
				cli_warnx("send: %s", strerror(e));
				status = 1;
				break;
			}
		}
		if (p[1].revents) {
			/* One read at a time, taken only once the last is sent. */
			n = read(STDIN_FILENO, in, IOSZ);
			if (n <= 0) {
				stdin_open = false;
				session_shutdown(&s);
			} else {
				session_write(&s, in, (size_t)n);
			}
		}
	}
out:
	session_free(&s); /* closes fd */
	free(in);
	return status;
}

static int udp_exchange(const struct client_opts *o, struct session *s, const char *msg, size_t len,
			char *buf)
{
	char where[ADDR_TEXT_MAX];
	struct pollfd p = {.fd = s->fd, .events = POLLIN};
	struct sockaddr_storage from;
	ssize_t n;
	int r, e;

	addr_hostport((struct sockaddr *)&s->peer, where, sizeof where);
	e = session_send_dgram(s, msg, len);
	if (e != 0) {
		cli_warnx(_("send to %s: %s"), where, strerror(e));
		return 1;
	}
	do
		r = poll(&p, 1, (int)o->timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		cli_warnx(_(MSG_NO_REPLY), where, (double)o->timeout_ms / 1000);
		return 1;
	}
	n = session_read(s, buf, IOSZ, &from, &e);
	if (n < 0) {
		/* With --connect, the ICMP port unreachable lands here. */
		cli_warnx(_("recv from %s: %s"), where, strerror(e));
		return 1;
	}
	if (o->verbose) {
		char t[ADDR_TEXT_MAX];

		addr_tuple((struct sockaddr *)&from, t, sizeof t);
		fprintf(stderr, _("socklab: %zd bytes from %s\n"), n, t);
	}
	errno = 0;
	if (out_bytes(o, buf, (size_t)n, true) < 0 || fputc('\n', stdout) == EOF ||
	    fflush(stdout) != 0) {
		cli_warnx(_("standard output: %s"), strerror(errno ? errno : EIO));
		return 1;
	}
	return 0;
}

static int udp_session(const struct client_opts *o, struct addrinfo *ai)
{
	char *buf = malloc(IOSZ);
	struct session s;
	int status = 0, e;

	session_init(&s, 0);
	s.trace = o->sink;
	e = buf ? session_open_udp(&s, ai->ai_addr, ai->ai_addrlen, o->connect) : ENOMEM;
	if (e != 0) {
		cli_warnx("%s: %s", o->connect ? "connect" : "socket", strerror(e));
		free(buf);
		return 1;
	}
	if (o->verbose) {
		char where[ADDR_TEXT_MAX];

		addr_tuple(ai->ai_addr, where, sizeof where);
		fputs("socklab: ", stderr);
		fprintf(stderr, _(MSG_UDP_TO), where);
		fputc('\n', stderr);
	}
	if (o->nmsgs > 0) {
		for (int i = 0; i < o->nmsgs && status == 0; i++)
			status = udp_exchange(o, &s, o->msgs[i], strlen(o->msgs[i]), buf);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while (status == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
			if (n > 0 && line[n - 1] == '\n')
				n--;
			status = udp_exchange(o, &s, line, (size_t)n, buf);
		}
		free(line);
	}
	session_free(&s); /* closes the socket */
	free(buf);
	return status;
}

/* A numeric IPv6 host that cannot be dialled as written gets the hint
 * `serve` gives: a link-local address without its scope, or a scope that
 * names no interface. Returns 0, or -1 after saying why. */
static int check_scope(const char *host)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&ss;
	char err[256];

	if (strchr(host, ':') == NULL)
		return 0;
	if (addr_parse_numeric(host, 0, AF_INET6, &ss, err, sizeof err) < 0) {
		if (strchr(host, '%') == NULL)
			return 0; /* not numeric: getaddrinfo says why */
		cli_warnx("%s", cli_arg(err));
		return -1;
	}
	if (IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) && s6->sin6_scope_id == 0) {
		char hint[160];

		snprintf(hint, sizeof hint, "%s", _(MSG_HINT_SCOPE));
		cli_warnx("%s: %s", cli_arg(host), hint);
		return -1;
	}
	return 0;
}

/* client_resolve, and when a name has no address of the family asked
 * for, says so instead of the resolver's own words for it (which, for
 * `-6 localhost` without ::1 in /etc/hosts, are "Temporary failure in
 * name resolution"). */
static int resolve(const struct client_opts *o, struct addrinfo **res)
{
	char err[CLIENT_ERR_MAX];
	int socktype = o->udp ? SOCK_DGRAM : SOCK_STREAM;

	if (check_scope(o->host) < 0)
		return -1;
	if (client_resolve(o->host, o->port, o->family, socktype, false, res, err, sizeof err) == 0)
		return 0;
	if (o->family != AF_UNSPEC) {
		struct addrinfo *any;
		char e2[CLIENT_ERR_MAX], first[ADDR_TEXT_MAX];

		if (client_resolve(o->host, o->port, AF_UNSPEC, socktype, false, &any, e2,
				   sizeof e2) == 0) {
			addr_host(any->ai_addr, first, sizeof first);
			cli_warnx(_(MSG_NO_FAMILY_ADDR), cli_arg(o->host),
				  o->family == AF_INET6 ? "IPv6" : "IPv4", first,
				  o->family == AF_INET6 ? "-4" : "-6");
			freeaddrinfo(any);
			return -1;
		}
	}
	cli_warnx("%s", cli_arg(err));
	return -1;
}

static int parse_client_opts(int argc, char **argv, struct client_opts *o, bool resolve)
{
	static const struct option longopts[] = {
	    {"udp", no_argument, NULL, 'u'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"connect", no_argument, NULL, 'c'},
	    {"raw", no_argument, NULL, 'r'},
	    {"trace", no_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum num_result r;
	int c;

	memset(o, 0, sizeof *o);
	o->family = AF_UNSPEC;
	o->timeout_ms = 5000;
	opterr = 0;
	optind = 1;
	/* "+": a MESSAGE may start with '-' once HOST and PORT are given.
	 * resolve has no MESSAGE, so its options may also follow HOST PORT
	 * (the contract's `resolve HOST [PORT] [--udp]`). */
	while ((c = getopt_long(argc, argv, resolve ? "46vh" : "+46vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o->udp = true;
			break;
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'c':
			o->connect = true;
			break;
		case 'r':
			o->raw = true;
			break;
		case 't':
			o->trace = true;
			break;
		case 'T':
			r = num_parse_ms(optarg, 1, TIMEOUT_MAX_MS, &o->timeout_ms);
			if (r != NUM_OK)
				return cli_bad_number("timeout", optarg, r, "0.001..86400 seconds");
			break;
		case 'h':
			fputs(_(MSG_USAGE), stdout), fputs(_(MSG_HELP_BODY), stdout);
			return 0;
		default:
			return cli_usage_error(_("%s: unknown option '%s'"), argv[0],
					       cli_arg(argv[optind - 1]));
		}
	}
	if (optind >= argc)
		return cli_usage_error(_("%s: HOST missing"), argv[0]);
	o->host = argv[optind++];
	if (optind < argc)
		o->port = argv[optind++];
	else if (!resolve)
		return cli_usage_error(_("%s: PORT missing"), argv[0]);
	if (o->port) {
		uint16_t port;

		if (addr_parse_port(o->port, &port) < 0)
			return cli_usage_error("bad port '%s' (expected 0..65535)",
					       cli_arg(o->port));
	}
	if (resolve && optind < argc)
		return cli_usage_error("resolve: unexpected '%s'", cli_arg(argv[optind]));
	o->msgs = argv + optind;
	o->nmsgs = argc - optind;
	return -1;
}

int cli_client(int argc, char **argv)
{
	struct client_opts o;
	struct addrinfo *res;
	char err[CLIENT_ERR_MAX];
	int rc, fd;

	rc = parse_client_opts(argc, argv, &o, false);
	if (rc >= 0)
		return rc;
	if (resolve(&o, &res) < 0)
		return 1;
	if (o.trace)
		o.sink = (struct event_sink){trace_line, NULL};
	if (o.udp) {
		rc = udp_session(&o, res);
		freeaddrinfo(res);
		return rc;
	}
	fd = client_dial(res, (int)o.timeout_ms, report_attempt, &o, &o.sink, err, sizeof err);
	freeaddrinfo(res);
	if (fd < 0) {
		cli_warnx("%s", err);
		return 1;
	}
	return tcp_session(&o, fd);
}

int cli_resolve(int argc, char **argv)
{
	struct client_opts o;
	struct addrinfo *res, *ai;
	char line[256];
	int rc;

	rc = parse_client_opts(argc, argv, &o, true);
	if (rc >= 0)
		return rc;
	if (resolve(&o, &res) < 0)
		return 1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		client_describe_ai(ai, line, sizeof line);
		puts(line);
	}
	freeaddrinfo(res);
	return 0;
}
