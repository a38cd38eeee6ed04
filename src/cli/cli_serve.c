/*
 * cli_serve: `socklab serve SPEC...` runs servers until SIGINT/SIGTERM and
 * prints one line per event, as text or JSON Lines.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_sandbox.h"
#include "cli/cli_wire.h"
#include "socklab/event.h"
#include "cli/cli_msg.h"
#include "socklab/server.h"
#include "socklab/spec.h"

#define SERVE_MAX 64
#define DRAIN_HZ 100
#define CONSUMER_NICE 10

struct serve_opts {
	bool json, trace;
	bool sandbox;    /* --sandbox: on host a (or b/SPEC) of a private network */
	FILE *log;       /* --log: every event as JSON Lines */
	struct cli_wire wire; /* --wire, --pcap */
};

static void print_event(const struct serve_opts *o, const struct event *ev)
{
	char line[EVENT_FORMAT_MAX];

	if (o->log != NULL) {
		event_format_json(ev, line, sizeof line);
		fputs(line, o->log);
		fputc('\n', o->log);
	}
	if (ev->kind == EV_SYSCALL && !o->trace)
		return;
	if (o->json)
		event_format_json(ev, line, sizeof line);
	else
		event_format_text(ev, line, sizeof line);
	fputs(line, stdout);
	fputc('\n', stdout);
}

static void drain(const struct serve_opts *o, struct event_queue *q)
{
	struct event ev;

	while (event_pop(q, &ev))
		print_event(o, &ev);
	fflush(stdout);
	if (o->log != NULL)
		fflush(o->log);
}

int cli_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"trace", no_argument, NULL, 't'},
		{"sequential", no_argument, NULL, 's'},
		{"backlog", required_argument, NULL, 'b'},
		{"max-line", required_argument, NULL, 'm'},
		{"idle-timeout", required_argument, NULL, 'i'},
		{"rcvbuf", required_argument, NULL, 'r'},
		{"dgram-max", required_argument, NULL, 'd'},
		{"log", required_argument, NULL, 'l'},
		{"sandbox", no_argument, NULL, 'X'},
		{"wire", no_argument, NULL, 'W'},
		{"pcap", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct serve_opts o = {0};
	struct spec base, specs[SERVE_MAX];
	struct server *servers[SERVE_MAX];
	int hosts[SERVE_MAX] = {0};
	struct server_options sopt = {0};
	struct event_queue *q;
	sigset_t sigs;
	int nspec = 0, nrun = 0, sfd, c, status = 0;
	long v;
	double secs;
	const char *log_path = NULL;
	unsigned long fd_before, fd_after;

	spec_default(&base);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 't':
			o.trace = true;
			break;
		case 's':
			base.sequential = true;
			break;
		case 'b':
			if (cli_parse_long(optarg, 1, 65535, &v) < 0)
				return cli_usage_error(_("bad backlog '%s' (expected 1..65535)"), optarg);
			base.backlog = (int)v;
			break;
		case 'm':
			if (cli_parse_long(optarg, 1, 64L * 1024 * 1024, &v) < 0)
				return cli_usage_error(_("bad line length '%s' (expected 1..67108864)"),
						       optarg);
			base.max_line = (size_t)v;
			break;
		case 'i':
			if (cli_parse_seconds(optarg, &secs) < 0)
				return cli_usage_error(_("bad idle timeout '%s' (expected seconds > 0)"),
						       optarg);
			base.idle_timeout_ms = (int)(secs * 1000);
			break;
		case 'r':
			if (cli_parse_long(optarg, 1024, 1L << 30, &v) < 0)
				return cli_usage_error(_("bad receive buffer '%s' (expected 1024..1073741824)"),
						       optarg);
			base.rcvbuf = (int)v;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'd':
			if (cli_parse_long(optarg, 1, 65536, &v) < 0)
				return cli_usage_error(_("bad datagram size '%s' (expected 1..65536)"), optarg);
			base.dgram_max = (size_t)v;
			break;
		case 'X':
			o.sandbox = true;
			break;
		case 'W':
			o.wire.wire = true;
			break;
		case 'P':
			o.wire.pcap = optarg;
			break;
		case 'h':
			fputs(_(MSG_USAGE), stdout), fputs(_(MSG_HELP_BODY), stdout);
			return 0;
		default:
			return cli_usage_error(_("serve: unknown option '%s'"), argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(_("serve: no SPEC given (e.g. tcp:echo:ipv4:9101)"));
	for (int i = optind; i < argc; i++) {
		char err[256];

		if (nspec == SERVE_MAX)
			return cli_usage_error(_("serve: at most %d servers"), SERVE_MAX);
		char *text = argv[i];

		if (o.sandbox)
			hosts[nspec] = cli_sandbox_spec_host(&text);
		specs[nspec] = base;
		if (spec_parse(text, &specs[nspec], err, sizeof err) < 0)
			return cli_usage_error("%s", err);
		nspec++;
	}
	/* --sandbox: made now, while this process has one thread. */
	if (o.sandbox) {
		int rc = cli_sandbox_begin();

		if (rc != 0)
			return rc;
	}

	if (log_path != NULL) {
		o.log = fopen(log_path, "w");
		if (o.log == NULL) {
			cli_warnx("%s: %s", log_path, strerror(errno));
			return 1;
		}
	}
	if (server_raise_fd_limit(&fd_before, &fd_after) == 0 && fd_after != fd_before)
		cli_warnx(_(MSG_FD_LIMIT), fd_before, fd_after);
	q = event_queue_new(EVENT_QUEUE_DEFAULT);
	if (q == NULL) {
		cli_warnx(_("out of memory"));
		if (o.log != NULL)
			fclose(o.log);
		return 1;
	}
	/* Signals arrive through a descriptor, in the same poll as events. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (cli_wire_open(&o.wire, q) < 0) {
		status = 1;
		goto stop;
	}
	sopt.trace = o.trace;
	sopt.force_v6only_failure = getenv("SOCKLAB_FAULT_V6ONLY") != NULL;

	for (int i = 0; i < nspec; i++) {
		char err[SERVER_ERR_MAX];

		if ((o.sandbox ? cli_sandbox_server_start(hosts[i], &specs[i], (unsigned)i + 1, &sopt, q,
							  &servers[i], err, sizeof err)
			       : server_start(&specs[i], (unsigned)i + 1, &sopt, q, &servers[i], err,
					      sizeof err)) < 0) {
			drain(&o, q);
			cli_warnx("%s", err);
			status = 1;
			goto stop;
		}
		nrun++;
	}
	cli_wire_targets(&o.wire, servers, nrun);
	drain(&o, q);
	if (o.sandbox)
		cli_sandbox_print_reach(hosts, nspec);
	/* Servers first, the log second: this thread (the printer) runs only
	 * when a core would otherwise idle (SCHED_IDLE; nice 10 where that is
	 * refused), and the queue absorbs the gap, counting any loss. */
	{
		struct sched_param sp = {0};

		if (sched_setscheduler(0, SCHED_IDLE, &sp) < 0)
			setpriority(PRIO_PROCESS, (id_t)gettid(), CONSUMER_NICE);
	}

	for (;;) {
		struct pollfd p[2] = {{.fd = sfd, .events = POLLIN},
				      {.fd = event_queue_fd(q), .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents) {
			drain(&o, q);
			/* At most DRAIN_HZ drains a second: a busy server then
			 * wakes us once per interval, not once per reply, and
			 * the servers keep the CPU (2 cores: client, server,
			 * us). Signals are still heard meanwhile. */
			p[0].revents = 0;
			if (poll(p, 1, 1000 / DRAIN_HZ) < 0 && errno != EINTR)
				break;
		}
		if (p[0].revents)
			break;
	}
stop:
	for (int i = nrun - 1; i >= 0; i--)
		server_stop(servers[i]);
	if (cli_wire_close(&o.wire) != 0)
		status = 1;
	drain(&o, q);
	event_queue_free(q);
	if (o.log != NULL && fclose(o.log) != 0) {
		cli_warnx("%s: %s", log_path, strerror(errno));
		status = 1;
	}
	if (sfd >= 0)
		close(sfd);
	return status;
}
