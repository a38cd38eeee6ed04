/*
 * cli_serve: `socklab serve SPEC...` runs servers until SIGINT/SIGTERM and
 * prints one line per event, as text or JSON Lines.
 *
 * Two threads besides the servers'. The main thread starts the servers,
 * then waits for a signal and stops everything. The printer thread, which
 * runs only when a core would otherwise idle, turns events into lines:
 * every one to --log, and to standard output through a bounded buffer
 * that never blocks it when stdout is a pipe or socket. A stop is
 * therefore never held up by output or by the printer's low priority:
 * the printer leaves its loop within a small batch, and the main thread
 * takes every event left (the server-stop closes included) into the log,
 * gives standard output until STOP_GRACE_MS after the signal, and counts
 * on stderr what did not reach it by then.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_msg.h"
#include "cli/cli_sandbox.h"
#include "cli/cli_wire.h"
#include "socklab/escape.h"
#include "socklab/event.h"
#include "socklab/evlog.h"
#include "socklab/server.h"
#include "socklab/spec.h"
#include "socklab/util.h"

#define SERVE_MAX 64
#define DRAIN_HZ 100
#define DRAIN_BATCH 512 /* events between two looks at the stop flag */
#define CONSUMER_NICE 10
#define OUT_CAP (1024u * 1024) /* standard output's buffer */
#define STOP_GRACE_MS 500      /* what standard output may add to a stop, of its second */
/* server.c looks for idle connections every 100 ms: a shorter idle
 * timeout could not be kept. */
#define IDLE_RESOLUTION_MS 100

struct serve_opts {
	bool json, trace;
	bool sandbox; /* --sandbox: on host a (or b/SPEC) of a private network */
	const char *log_path;
	struct cli_wire wire; /* --wire, --pcap */
	struct spec specs[SERVE_MAX];
	int hosts[SERVE_MAX]; /* --sandbox: the host of each SPEC */
	int nspec;
};

/* ---- options ---- */

/* The numeric options: each a bounded number, written into the base spec
 * that every SPEC starts from. */
static int number_option(int c, const char *arg, struct spec *base)
{
	enum num_result r;
	int64_t ms;
	long v;

	switch (c) {
	case 'b':
		if ((r = num_parse_long(arg, 1, 65535, &v)) != NUM_OK)
			return cli_bad_number("backlog", arg, r, "1..65535");
		base->backlog = (int)v;
		return -1;
	case 'm':
		if ((r = num_parse_long(arg, 1, 64L * 1024 * 1024, &v)) != NUM_OK)
			return cli_bad_number(_("line length"), arg, r, "1..67108864");
		base->max_line = (size_t)v;
		return -1;
	case 'i':
		if ((r = num_parse_ms(arg, IDLE_RESOLUTION_MS, 86400000, &ms)) != NUM_OK)
			return cli_bad_number(
			    _("idle timeout"), arg, r,
			    _("0.1..86400 seconds; idle connections are checked every 0.1 s"));
		base->idle_timeout_ms = (int)ms;
		return -1;
	case 'r':
		if ((r = num_parse_long(arg, 1024, 1L << 30, &v)) != NUM_OK)
			return cli_bad_number(_("receive buffer"), arg, r, "1024..1073741824");
		base->rcvbuf = (int)v;
		return -1;
	case 'd':
		if ((r = num_parse_long(arg, 1, 65536, &v)) != NUM_OK)
			return cli_bad_number(_("datagram size"), arg, r, "1..65536");
		base->dgram_max = (size_t)v;
		return -1;
	default:
		return 2;
	}
}

/* Returns -1 to go on serving, or the exit status. */
static int parse_serve_args(int argc, char **argv, struct serve_opts *o)
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
	struct spec base;
	int c, rc;

	memset(o, 0, sizeof *o);
	spec_default(&base);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 't':
			o->trace = true;
			break;
		case 's':
			base.sequential = true;
			break;
		case 'l':
			o->log_path = optarg;
			break;
		case 'X':
			o->sandbox = true;
			break;
		case 'W':
			o->wire.wire = true;
			break;
		case 'P':
			o->wire.pcap = optarg;
			break;
		case 'b':
		case 'm':
		case 'i':
		case 'r':
		case 'd':
			if ((rc = number_option(c, optarg, &base)) >= 0)
				return rc;
			break;
		case 'h':
			fputs(_(MSG_USAGE), stdout), fputs(_(MSG_HELP_BODY), stdout);
			return 0;
		default:
			return cli_usage_error(_("serve: unknown option '%s'"),
					       cli_arg(argv[optind - 1]));
		}
	}
	if (optind >= argc)
		return cli_usage_error(_("serve: no SPEC given (e.g. tcp:echo:ipv4:9101)"));
	for (int i = optind; i < argc; i++) {
		char err[256], *text = argv[i];

		if (o->nspec == SERVE_MAX)
			return cli_usage_error(_("serve: at most %d servers"), SERVE_MAX);
		if (o->sandbox)
			o->hosts[o->nspec] = cli_sandbox_spec_host(&text);
		o->specs[o->nspec] = base;
		if (spec_parse(text, &o->specs[o->nspec], err, sizeof err) < 0)
			return cli_usage_error("%s", cli_arg(err));
		o->nspec++;
	}
	return -1;
}

/* ---- the printer ---- */

struct printer {
	const struct serve_opts *o;
	struct event_queue *q;
	struct evlog *log;
	bool log_said; /* the failure is said once, when it happens */
	char *out;     /* standard output's pending bytes */
	size_t out_len;
	bool out_nonblock;  /* stdout is a pipe or socket we made non-blocking */
	bool out_stuck;	    /* full and it took nothing: wait for POLLOUT */
	int out_flags;	    /* its flags before, restored at the end */
	int out_err;	    /* stdout failed: nothing more is printed */
	uint64_t skipped;   /* events not printed since the last notice */
	uint64_t unprinted; /* events never printed, in total */
	atomic_bool stopping;
	_Atomic int64_t deadline_ms;
	int wakefd; /* written by the main thread to stop us */
	char *line;
	pthread_t thread;
};

static uint64_t count_lines(const char *s, size_t n)
{
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* Writes what standard output takes now (all of it when it blocks). */
static void out_flush(struct printer *p)
{
	size_t off = 0;

	while (off < p->out_len && p->out_err == 0) {
		ssize_t n = write(STDOUT_FILENO, p->out + off, p->out_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			p->out_err = n < 0 ? errno : EIO;
			cli_warnx(_("standard output: %s: no longer printing events"),
				  strerror(p->out_err));
			break;
		}
		off += (size_t)n;
	}
	if (p->out_err != 0) {
		p->unprinted += count_lines(p->out + off, p->out_len - off);
		off = p->out_len;
	}
	if (off == 0)
		return;
	memmove(p->out, p->out + off, p->out_len - off);
	p->out_len -= off;
}

/* Appends one line to standard output's buffer; when it is full, the
 * event is counted instead and a notice takes its place later. */
static void out_line(struct printer *p, const char *s, size_t n)
{
	if (p->out_err != 0) {
		p->unprinted++;
		return;
	}
	/* Full: try to make room, but once per event at most and only while
	 * the last try moved something (a stuck pipe costs no more). */
	if (p->out_len + n + 1 > OUT_CAP && !p->out_stuck) {
		size_t before = p->out_len;

		out_flush(p);
		p->out_stuck = p->out_len == before;
	}
	if (p->out_len + n + 1 > OUT_CAP) {
		p->skipped++;
		p->unprinted++;
		return;
	}
	memcpy(p->out + p->out_len, s, n);
	p->out[p->out_len + n] = '\n';
	p->out_len += n + 1;
}

static void print_line(struct printer *p, const struct event *ev)
{
	size_t n;

	if (p->o->json)
		n = event_format_json(ev, p->line, EVENT_FORMAT_MAX);
	else
		n = event_format_text(ev, p->line, EVENT_FORMAT_MAX);
	out_line(p, p->line, n);
}

/* The events standard output missed, said in its own stream once there is
 * room again, in the form of a queue loss. */
static void say_skipped(struct printer *p)
{
	struct event ev;

	if (p->skipped == 0 || p->out_err != 0 || p->out_len + EVENT_FORMAT_MAX > OUT_CAP)
		return;
	event_init(&ev, EV_DROPPED);
	ev.count = p->skipped;
	snprintf(ev.message, sizeof ev.message, P_(MSG_STDOUT_SKIPPED, p->skipped),
		 (unsigned long long)p->skipped);
	p->unprinted -= p->skipped; /* said now: not unprinted after all */
	p->skipped = 0;
	print_line(p, &ev);
}

/* rc from evlog: a failure is said at once, and once. */
static void log_result(struct printer *p, int rc)
{
	char why[512];

	if (rc == 0 || p->log_said)
		return;
	evlog_describe(p->log, why, sizeof why);
	cli_warnx(_("--log %s (serving goes on)"), why);
	p->log_said = true;
}

static void take_event(struct printer *p, const struct event *ev)
{
	if (p->log != NULL)
		log_result(p, evlog_write(p->log, ev));
	if (ev->kind == EV_SYSCALL && !p->o->trace)
		return;
	say_skipped(p);
	print_line(p, ev);
}

/* Takes up to max events; returns how many. */
static int drain(struct printer *p, int max)
{
	struct event e;
	int n = 0;

	while (n < max && event_pop(p->q, &e)) {
		take_event(p, &e);
		n++;
	}
	if (p->log != NULL)
		log_result(p, evlog_flush(p->log));
	out_flush(p);
	return n;
}

/* Runs only when a core would otherwise idle (SCHED_IDLE; nice 10 where
 * that is refused): servers first, the log second, and the queue absorbs
 * the gap, counting any loss. */
static void lower_priority(void)
{
	struct sched_param sp = {0};

	if (sched_setscheduler(0, SCHED_IDLE, &sp) < 0)
		setpriority(PRIO_PROCESS, (id_t)gettid(), CONSUMER_NICE);
}

static void printer_stop(struct printer *p);

static void *printer_main(void *arg)
{
	struct printer *p = arg;

	pthread_setname_np(pthread_self(), "printer");
	lower_priority();
	while (!atomic_load(&p->stopping)) {
		struct pollfd f[3] = {{.fd = p->wakefd, .events = POLLIN},
				      {.fd = event_queue_fd(p->q), .events = POLLIN},
				      {.fd = -1}};

		if (p->out_len > 0 && p->out_nonblock)
			f[2] = (struct pollfd){.fd = STDOUT_FILENO, .events = POLLOUT};
		if (poll(f, 3, -1) < 0 && errno != EINTR)
			break;
		if (f[2].revents) {
			p->out_stuck = false;
			out_flush(p);
		}
		if (f[1].revents && drain(p, DRAIN_BATCH) < DRAIN_BATCH) {
			/* At most DRAIN_HZ drains a second: a busy server then
			 * wakes us once per interval, not once per reply, and
			 * the servers keep the CPU. A stop still wakes us. */
			f[0].revents = 0;
			poll(f, 1, 1000 / DRAIN_HZ);
		}
	}
	return NULL;
}

/* Stopping, in the main thread once the printer has left its loop (so
 * at a normal priority, whatever the printer's): the servers are
 * stopped, so what is queued is all there is. All of it goes to the log;
 * standard output gets until the deadline. */
static void printer_stop(struct printer *p)
{
	while (drain(p, DRAIN_BATCH) > 0)
		;
	say_skipped(p);
	while (p->out_len > 0 && p->out_err == 0) {
		int64_t left = atomic_load(&p->deadline_ms) - util_mono_ms();
		struct pollfd f = {.fd = STDOUT_FILENO, .events = POLLOUT};

		if (left <= 0 || !p->out_nonblock)
			break;
		if (poll(&f, 1, (int)left) > 0)
			out_flush(p);
	}
	if (!p->out_nonblock)
		out_flush(p);
	p->unprinted += p->skipped + count_lines(p->out, p->out_len);
	p->skipped = 0;
	p->out_len = 0;
}

/* A pipe or socket on stdout may be one nobody reads: it is made
 * non-blocking so the printer never hangs on it. A terminal or a file is
 * left alone (a terminal's flags are the shell's too). */
static void out_setup(struct printer *p)
{
	struct stat st;

	p->out_flags = -1;
	if (fstat(STDOUT_FILENO, &st) < 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return;
	p->out_flags = fcntl(STDOUT_FILENO, F_GETFL);
	if (p->out_flags >= 0 && (p->out_flags & O_NONBLOCK) == 0 &&
	    fcntl(STDOUT_FILENO, F_SETFL, p->out_flags | O_NONBLOCK) == 0)
		p->out_nonblock = true;
}

static void out_restore(struct printer *p)
{
	if (p->out_nonblock)
		fcntl(STDOUT_FILENO, F_SETFL, p->out_flags);
}

static int printer_init(struct printer *p, const struct serve_opts *o, struct event_queue *q)
{
	memset(p, 0, sizeof *p);
	p->o = o;
	p->q = q;
	p->out = malloc(OUT_CAP);
	p->line = malloc(EVENT_FORMAT_MAX);
	p->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->out == NULL || p->line == NULL || p->wakefd < 0) {
		cli_warnx("printer: %s", strerror(p->wakefd < 0 ? errno : ENOMEM));
		return -1;
	}
	if (o->log_path != NULL) {
		char err[512];

		p->log = evlog_open(o->log_path, err, sizeof err);
		if (p->log == NULL) {
			cli_warnx("--log %s", cli_arg(err));
			return -1;
		}
	}
	out_setup(p);
	/* Text for a terminal that is not UTF-8: ASCII escapes only. */
	if (!o->json && isatty(STDOUT_FILENO)) {
		setlocale(LC_CTYPE, "");
		esc_set_ascii(!esc_locale_is_utf8());
	}
	return 0;
}

/* Frees the printer; returns 1 when an output failed or events went
 * unprinted (said on stderr), else 0. */
static int printer_finish(struct printer *p)
{
	char why[512];
	int status = 0;

	out_restore(p);
	if (p->unprinted > 0) {
		cli_warnx(P_(MSG_STDOUT_UNPRINTED, p->unprinted), (unsigned long long)p->unprinted,
			  p->out_err ? strerror(p->out_err) : _(MSG_STDOUT_NOT_READ));
		status = 1;
	}
	if (evlog_close(p->log, why, sizeof why) < 0) {
		cli_warnx("--log %s", why);
		status = 1;
	}
	p->log = NULL;
	if (p->wakefd >= 0)
		close(p->wakefd);
	free(p->out);
	free(p->line);
	return status;
}

/* ---- serving ---- */

/* SIGINT, SIGTERM and SIGHUP arrive through a descriptor that only the
 * main thread reads; every thread started later inherits the mask. */
static int block_stop_signals(void)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	return signalfd(-1, &sigs, SFD_CLOEXEC);
}

/* Only text lines are written: they show a payload's first
 * EVENT_TEXT_PREVIEW bytes (a packet's none), while JSON Lines and the log
 * keep all an event holds. Events then carry no more than the lines show. */
static bool text_only(const struct serve_opts *o)
{
	return !o->json && o->log_path == NULL;
}

/* Starts every SPEC; returns how many run, or -1 after the first failure
 * (said on stderr, once the events before it are printed). */
static int start_servers(struct serve_opts *o, struct printer *p, struct server **servers,
			 int *nrun)
{
	struct server_options sopt = {0};

	sopt.trace = o->trace;
	if (text_only(o))
		sopt.preview_max = EVENT_TEXT_PREVIEW;
	sopt.force_v6only_failure = getenv("SOCKLAB_FAULT_V6ONLY") != NULL;
	for (int i = 0; i < o->nspec; i++) {
		char err[SERVER_ERR_MAX];

		if ((o->sandbox ? sandbox_server_start(o->hosts[i], &o->specs[i], (unsigned)i + 1,
						       &sopt, p->q, &servers[i], err, sizeof err)
				: server_start(&o->specs[i], (unsigned)i + 1, &sopt, p->q,
					       &servers[i], err, sizeof err)) < 0) {
			drain(p, INT32_MAX);
			cli_warnx("%s", cli_arg(err)); /* it may echo a host from argv */
			return -1;
		}
		(*nrun)++;
	}
	cli_wire_targets(&o->wire, servers, *nrun);
	drain(p, INT32_MAX);
	if (o->sandbox)
		cli_sandbox_print_reach(o->hosts, o->nspec);
	return 0;
}

static void wait_for_signal(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof si) < 0 && errno == EINTR)
		;
}

/* The stop, its clock started now: the servers (their last events
 * queued), the capture, then the printer's thread and the last drain.
 * Returns 0, or 1 when an output failed or lost events (said). */
static int stop_all(struct serve_opts *o, struct printer *p, struct server **servers, int nrun,
		    bool threaded)
{
	int status = 0;

	atomic_store(&p->deadline_ms, util_mono_ms() + STOP_GRACE_MS);
	for (int i = nrun - 1; i >= 0; i--)
		server_stop(servers[i]);
	if (cli_wire_close(&o->wire) != 0)
		status = 1;
	atomic_store(&p->stopping, true);
	if (threaded) {
		uint64_t one = 1;
		struct sched_param sp = {0};

		if (write(p->wakefd, &one, sizeof one) < 0)
			cli_warnx(_("waking the printer: %s"), strerror(errno));
		/* A normal share of the CPU to leave its batch, where that is
		 * allowed (root, or RLIMIT_NICE); a small batch otherwise. */
		pthread_setschedparam(p->thread, SCHED_OTHER, &sp);
		pthread_join(p->thread, NULL);
	}
	printer_stop(p);
	if (printer_finish(p) != 0)
		status = 1;
	return status;
}

int cli_serve(int argc, char **argv)
{
	static struct serve_opts o;
	struct server *servers[SERVE_MAX];
	struct printer p;
	struct event_queue *q;
	int nrun = 0, sfd, status, rc;
	unsigned long fd_before, fd_after;
	bool threaded = false;

	rc = parse_serve_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	/* --sandbox: made now, while this process has one thread. */
	if (o.sandbox && (rc = cli_sandbox_begin()) != 0)
		return rc;
	/* Past `ulimit -f` a write fails with EFBIG, which --log reports,
	 * instead of SIGXFSZ ending the server. */
	signal(SIGXFSZ, SIG_IGN);
	q = event_queue_new(EVENT_QUEUE_DEFAULT);
	if (q == NULL) {
		cli_warnx("out of memory");
		return 1;
	}
	if (printer_init(&p, &o, q) < 0) {
		printer_finish(&p);
		event_queue_free(q);
		return 1;
	}
	if (server_raise_fd_limit(&fd_before, &fd_after) == 0 && fd_after != fd_before)
		cli_warnx(_(MSG_FD_LIMIT), fd_before, fd_after);
	o.wire.payload_max = text_only(&o) ? EVENT_TEXT_PREVIEW : 0;
	sfd = block_stop_signals();
	if (sfd < 0) {
		cli_warnx("signalfd: %s", strerror(errno));
		status = 1;
	} else if (cli_wire_open(&o.wire, q) < 0) {
		status = 1;
	} else {
		status = start_servers(&o, &p, servers, &nrun) < 0 ? 1 : 0;
	}
	if (status == 0) {
		rc = pthread_create(&p.thread, NULL, printer_main, &p);
		if (rc != 0) {
			cli_warnx(_("printer thread: %s"), strerror(rc));
			status = 1;
		} else {
			threaded = true;
			wait_for_signal(sfd);
		}
	}
	if (stop_all(&o, &p, servers, nrun, threaded) != 0)
		status = 1;
	event_queue_free(q);
	if (sfd >= 0)
		close(sfd);
	return status;
}
