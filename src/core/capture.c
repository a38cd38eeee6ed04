/*
 * capture: libpcap handles, their filters and the thread that drains them
 * into the event queue (see capture.h).
 *
 * Data model: the caller's side (capture_set_targets, capture_stats,
 * capture_sync) only touches the fields under `lock`: the wanted targets
 * with a generation number, the stats snapshot, the stop flag. Everything
 * else (the handles, the flows table for relative sequence numbers, the
 * pcap file) belongs to the capture thread alone.
 */
#include "socklab/capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "socklab/packet.h"
#include "socklab/pcapfile.h"
#include "socklab/sandbox.h"
#include "socklab/strbuf.h"
#include "socklab/util.h"

#define STATS_EVERY_MS 200
#define DISPATCH_BUDGET 4096 /* frames per handle per round, so no handle starves the others */

struct handle {
	pcap_t *p;
	char name[IF_NAMESIZE];
	int link;
	int fd;
	struct capture *owner;
	struct pcap_stat ps; /* last pcap_stats */
};

struct capture {
	struct capture_config cfg;
	char *pcap_path;
	struct event_queue *q;
	pthread_t thread;
	int wakefd;

	pthread_mutex_t lock;
	pthread_cond_t applied;
	struct sockaddr_storage targets[CAPTURE_TARGETS_MAX];
	size_t ntargets;
	uint64_t gen, applied_gen;
	bool stop;
	struct capture_stats st;

	/* The capture thread's own. */
	struct handle h[CAPTURE_IF_MAX];
	int nh;
	uint64_t packets;
	uint64_t queue_drops, file_skipped, rate_skipped;
	time_t rate_sec; /* the second being counted, and its events */
	unsigned rate_n;
	uint64_t gone_drops, gone_ifdrops; /* of handles closed since */
	int filter_errors;
	bool has_file;
	int snaplen;	  /* bytes of each frame the kernel copies into the ring */
	bool file_failed; /* the failure has been reported */
	struct pcapfile pf;
	struct packet_flows flows;
};

/* ---- the filter ---- */

size_t capture_filter_text(const uint16_t *ports, size_t n, char *out, size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);

	if (n == 0) {
		strbuf_fmt(&o, "less 0");
		return o.len;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned p = ports[i];

		/* An ICMP error quotes the IP header (20 bytes for IPv4 without
		 * options, 40 for IPv6) after its own 8: the quoted ports are
		 * at 28/30 in ICMP, and 88/90 of the IPv6 packet. */
		strbuf_fmt(&o,
			   "%stcp port %u or udp port %u"
			   " or (icmp and icmp[0] = 3 and (icmp[28:2] = %u or icmp[30:2] = %u))"
			   " or (icmp6 and ip6[40] = 1 and (ip6[88:2] = %u or ip6[90:2] = %u))",
			   i ? " or " : "", p, p, p, p, p, p);
	}
	return o.len;
}

static size_t target_ports(const struct sockaddr_storage *t, size_t n, uint16_t *ports)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint16_t p =
		    ntohs(t[i].ss_family == AF_INET
			      ? ((const struct sockaddr_in *)(const void *)&t[i])->sin_port
			      : ((const struct sockaddr_in6 *)(const void *)&t[i])->sin6_port);
		bool seen = false;

		for (size_t j = 0; j < k; j++)
			seen = seen || ports[j] == p;
		if (p != 0 && !seen)
			ports[k++] = p;
	}
	return k;
}

/* ---- which interfaces ---- */

/* The IPv4 address of an AF_INET or an IPv4-mapped AF_INET6 sockaddr. */
static bool as_ipv4(const struct sockaddr *sa, struct in_addr *v4)
{
	if (sa->sa_family == AF_INET) {
		*v4 = ((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		return true;
	}
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr)) {
		memcpy(v4, ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr + 12,
		       4);
		return true;
	}
	return false;
}

static bool is_wildcard(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr ==
		       INADDR_ANY;
	return sa->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
}

/* Whether the interface address ifa is where target t's traffic passes. */
static bool holds(const struct sockaddr *ifa, const struct sockaddr *t)
{
	struct in_addr a, b;

	if (is_wildcard(t))
		return t->sa_family == AF_INET6 || ifa->sa_family == AF_INET;
	if (as_ipv4(ifa, &a) && as_ipv4(t, &b))
		return a.s_addr == b.s_addr;
	return ifa->sa_family == AF_INET6 && t->sa_family == AF_INET6 &&
	       memcmp(&((const struct sockaddr_in6 *)(const void *)ifa)->sin6_addr,
		      &((const struct sockaddr_in6 *)(const void *)t)->sin6_addr, 16) == 0;
}

static int add_name(char names[][IF_NAMESIZE], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return n;
	if (n == CAPTURE_IF_MAX)
		return n;
	snprintf(names[n], IF_NAMESIZE, "%s", name);
	return n + 1;
}

/* In the sandbox, host b's loopback: its own sockets' packets to one
 * another never reach host a's interfaces. Opened from host b. */
#define HOST_B_LO "b:lo"

/* Loopback, and every interface that is up and holds a target's address;
 * in the sandbox host b's loopback too. */
static int wanted_ifs(const struct sockaddr_storage *t, size_t nt, char names[][IF_NAMESIZE])
{
	struct ifaddrs *all, *i;
	int n = add_name(names, 0, "lo");

	if (sandbox_get() != NULL)
		n = add_name(names, n, HOST_B_LO);

	if (getifaddrs(&all) < 0)
		return n;
	for (i = all; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (i->ifa_flags & IFF_LOOPBACK) {
			n = add_name(names, n, i->ifa_name);
			continue;
		}
		for (size_t k = 0; k < nt; k++)
			if (holds(i->ifa_addr, (const struct sockaddr *)(const void *)&t[k])) {
				n = add_name(names, n, i->ifa_name);
				break;
			}
	}
	freeifaddrs(all);
	return n;
}

/* ---- handles ---- */

static void self_path(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);

	if (n <= 0)
		snprintf(out, cap, "socklab");
	else
		out[n] = '\0';
}

static int set_filter(struct handle *h, const char *expr)
{
	struct bpf_program prog;
	int rc;

	if (pcap_compile(h->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return -1;
	rc = pcap_setfilter(h->p, &prog);
	pcap_freecode(&prog);
	return rc;
}

static int handle_open_here(struct handle *h, const char *name, int snaplen, char *err,
			    size_t errcap)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	int rc;

	h->p = pcap_create(name, eb);
	if (h->p == NULL) {
		snprintf(err, errcap, msg_tr("capture on %s: %s"), name, eb);
		return CAPTURE_ERR_OTHER;
	}
	pcap_set_snaplen(h->p, snaplen);
	pcap_set_promisc(h->p, 0);
	pcap_set_timeout(h->p, CAPTURE_TIMEOUT_MS);
	pcap_set_buffer_size(h->p, CAPTURE_RING_BYTES);
	rc = pcap_activate(h->p);
	if (rc < 0) {
		if (rc == PCAP_ERROR_PERM_DENIED) {
			char self[512];

			self_path(self, sizeof self);
			snprintf(err, errcap, msg_tr(CAPTURE_MSG_PERMISSION), self);
		} else {
			snprintf(err, errcap, msg_tr("capture on %s: %s"), name,
				 rc == PCAP_ERROR ? pcap_geterr(h->p) : pcap_statustostr(rc));
		}
		pcap_close(h->p);
		h->p = NULL;
		return rc == PCAP_ERROR_PERM_DENIED ? CAPTURE_ERR_PERMISSION : CAPTURE_ERR_OTHER;
	}
	if (pcap_setnonblock(h->p, 1, eb) < 0 || (h->fd = pcap_get_selectable_fd(h->p)) < 0 ||
	    set_filter(h, "less 0") < 0) {
		snprintf(err, errcap, msg_tr("capture on %s: %s"), name,
			 eb[0] ? eb : pcap_geterr(h->p));
		pcap_close(h->p);
		h->p = NULL;
		return CAPTURE_ERR_OTHER;
	}
	h->link = pcap_datalink(h->p);
	return 0;
}

struct open_in_b {
	struct handle *h;
	int snaplen;
	char *err;
	size_t errcap;
};

static int open_in_b(void *arg)
{
	struct open_in_b *o = arg;

	return handle_open_here(o->h, "lo", o->snaplen, o->err, o->errcap);
}

/* A handle on interface name, or on host b's loopback (HOST_B_LO): a
 * packet socket stays on the host it was made on, so it is made on a
 * thread that is in host b for that moment. */
static int handle_open(struct handle *h, const char *name, int snaplen, char *err, size_t errcap)
{
	memset(h, 0, sizeof *h);
	snprintf(h->name, sizeof h->name, "%s", name);
	if (strcmp(name, HOST_B_LO) == 0) {
		struct open_in_b o = {h, snaplen, err, errcap};
		char e[CAPTURE_ERR_MAX];
		int rc;

		err[0] = '\0';
		rc = sandbox_run_on(SANDBOX_B, open_in_b, &o, e, sizeof e);
		if (rc < 0 && err[0] == '\0') /* host b could not be entered */
			snprintf(err, errcap, msg_tr("capture on %s: %s"), name, e);
		return rc < 0 ? rc : 0;
	}
	return handle_open_here(h, name, snaplen, err, errcap);
}

static void push_message(struct capture *c, enum event_kind kind, int err, const char *msg)
{
	struct event ev;
	size_t n;

	event_init(&ev, kind);
	n = strnlen(msg, sizeof ev.message - 1);
	ev.err = err;
	memcpy(ev.message, msg, n);
	ev.message[n] = '\0';
	event_push(c->q, &ev);
}

static void handle_close(struct capture *c, struct handle *h)
{
	struct pcap_stat ps;

	if (pcap_stats(h->p, &ps) == 0)
		h->ps = ps;
	c->gone_drops += h->ps.ps_drop;
	c->gone_ifdrops += h->ps.ps_ifdrop;
	pcap_close(h->p);
	h->p = NULL;
}

/* ---- the thread ---- */

static void on_frame(u_char *user, const struct pcap_pkthdr *hdr, const u_char *bytes)
{
	struct handle *h = (struct handle *)(void *)user;
	struct capture *c = h->owner;
	struct timespec ts = {hdr->ts.tv_sec, (long)hdr->ts.tv_usec * 1000};

	c->packets++;
	if (c->has_file) {
		if (h->link != c->pf.link)
			c->file_skipped++;
		else if (pcapfile_write(&c->pf, &ts, bytes, hdr->caplen, hdr->len) < 0 &&
			 !c->file_failed) {
			char m[EVENT_MESSAGE_MAX];

			c->file_failed = true;
			snprintf(m, sizeof m, "writing %s: %s", c->pcap_path, strerror(c->pf.err));
			push_message(c, EV_ERROR, c->pf.err, m);
		}
	}
	if (c->cfg.events && c->cfg.max_events_per_sec) {
		if (hdr->ts.tv_sec != c->rate_sec) {
			c->rate_sec = hdr->ts.tv_sec;
			c->rate_n = 0;
		}
		if (c->rate_n >= c->cfg.max_events_per_sec) {
			c->rate_skipped++;
			return;
		}
		c->rate_n++;
	}
	if (c->cfg.events) {
		static _Thread_local struct event ev;
		struct packet p;

		event_init(&ev, EV_PACKET);
		ev.time = ts;
		ev.bytes = hdr->len;
		ev.preview_len =
		    (uint16_t)(hdr->caplen < EVENT_PREVIEW_MAX ? hdr->caplen : EVENT_PREVIEW_MAX);
		ev.pkt.link = h->link;
		snprintf(ev.pkt.ifname, sizeof ev.pkt.ifname, "%s", h->name);
		packet_decode(h->link, bytes, hdr->caplen, hdr->len, &p);
		/* Headers whole, so the line decoded from the event is the same;
		 * an ICMP error's quote is kept whole too. */
		if (c->cfg.payload_max > 0 && p.has_payload && !p.has_icmp &&
		    p.payload_off + c->cfg.payload_max < ev.preview_len)
			ev.preview_len = (uint16_t)(p.payload_off + c->cfg.payload_max);
		packet_flows_track(&c->flows, &p, &ev.pkt.rel);
		if (p.ip.family == AF_INET || p.ip.family == AF_INET6)
			ev.transport = p.ip.proto == IPPROTO_UDP ? TRANSPORT_UDP : TRANSPORT_TCP;
		if (!event_push_batch(c->q, &ev, bytes))
			c->queue_drops++;
	}
}

static void apply_targets(struct capture *c, const struct sockaddr_storage *t, size_t nt)
{
	char names[CAPTURE_IF_MAX][IF_NAMESIZE], err[CAPTURE_ERR_MAX];
	uint16_t ports[CAPTURE_TARGETS_MAX];
	size_t np = target_ports(t, nt, ports);
	size_t cap = 256 * (np + 1);
	char *expr = malloc(cap);
	int nw = wanted_ifs(t, nt, names);

	/* Close what is no longer wanted, open what is new. */
	for (int i = 0; i < c->nh;) {
		bool keep = false;

		for (int k = 0; k < nw; k++)
			keep = keep || strcmp(c->h[i].name, names[k]) == 0;
		if (keep) {
			i++;
			continue;
		}
		handle_close(c, &c->h[i]);
		c->h[i] = c->h[--c->nh];
	}
	for (int k = 0; k < nw; k++) {
		bool have = false;

		for (int i = 0; i < c->nh; i++)
			have = have || strcmp(c->h[i].name, names[k]) == 0;
		if (have || c->nh == CAPTURE_IF_MAX)
			continue;
		if (handle_open(&c->h[c->nh], names[k], c->snaplen, err, sizeof err) < 0) {
			push_message(c, EV_WARNING, 0, err);
			continue;
		}
		c->h[c->nh].owner = c;
		c->nh++;
	}
	if (expr == NULL) {
		c->filter_errors++;
		return;
	}
	capture_filter_text(ports, np, expr, cap);
	for (int i = 0; i < c->nh; i++)
		if (set_filter(&c->h[i], expr) < 0) {
			struct event ev;

			c->filter_errors++;
			event_init(&ev, EV_WARNING);
			event_set_message(&ev, MSG_CAPTURE_FILTER, c->h[i].name,
					  pcap_geterr(c->h[i].p));
			event_push(c->q, &ev);
		}
	free(expr);
}

static void publish_stats(struct capture *c)
{
	struct capture_stats st = {0};
	struct strbuf names = strbuf_on(st.ifnames, sizeof st.ifnames);

	st.kernel_drops = c->gone_drops;
	st.if_drops = c->gone_ifdrops;
	for (int i = 0; i < c->nh; i++) {
		struct pcap_stat ps;

		if (pcap_stats(c->h[i].p, &ps) == 0)
			c->h[i].ps = ps;
		st.kernel_drops += c->h[i].ps.ps_drop;
		st.if_drops += c->h[i].ps.ps_ifdrop;
		strbuf_fmt(&names, "%s%s", i ? " " : "", c->h[i].name);
	}
	st.nifs = c->nh;
	st.packets = c->packets;
	st.queue_drops = c->queue_drops;
	st.rate_skipped = c->rate_skipped;
	st.file_skipped = c->file_skipped;
	st.write_errno = c->has_file ? c->pf.err : 0;
	st.filter_errors = c->filter_errors;
	pthread_mutex_lock(&c->lock);
	c->st = st;
	pthread_mutex_unlock(&c->lock);
}

/* One round over every handle; returns the frames taken. */
static int dispatch_all(struct capture *c)
{
	int total = 0;

	for (int i = 0; i < c->nh; i++) {
		int got = 0, k;

		while (got < DISPATCH_BUDGET && (k = pcap_dispatch(c->h[i].p, 512, on_frame,
								   (u_char *)(void *)&c->h[i])) > 0)
			got += k;
		total += got;
	}
	if (total > 0) {
		event_queue_kick(c->q);
		if (c->has_file && pcapfile_flush(&c->pf) < 0 && !c->file_failed) {
			char m[EVENT_MESSAGE_MAX];

			c->file_failed = true;
			snprintf(m, sizeof m, "writing %s: %s", c->pcap_path, strerror(c->pf.err));
			push_message(c, EV_ERROR, c->pf.err, m);
		}
	}
	return total;
}

static int64_t now_ms(void)
{
	return util_mono_ms();
}

static void *capture_main(void *arg)
{
	struct capture *c = arg;
	static _Thread_local struct sockaddr_storage t[CAPTURE_TARGETS_MAX];
	int64_t last_stats = 0;

	pthread_setname_np(pthread_self(), "capture");

	for (;;) {
		struct pollfd pf[1 + CAPTURE_IF_MAX];
		uint64_t gen, v;
		size_t nt = 0;
		bool stop, change;

		pf[0] = (struct pollfd){.fd = c->wakefd, .events = POLLIN};
		for (int i = 0; i < c->nh; i++)
			pf[1 + i] = (struct pollfd){.fd = c->h[i].fd, .events = POLLIN};
		if (poll(pf, (nfds_t)(1 + c->nh), STATS_EVERY_MS) < 0 && errno != EINTR)
			break;
		if (pf[0].revents && read(c->wakefd, &v, sizeof v) < 0)
			v = 0;
		pthread_mutex_lock(&c->lock);
		stop = c->stop;
		gen = c->gen;
		change = gen != c->applied_gen;
		if (change) {
			nt = c->ntargets;
			memcpy(t, c->targets, nt * sizeof t[0]);
		}
		pthread_mutex_unlock(&c->lock);
		dispatch_all(c);
		if (change) {
			apply_targets(c, t, nt);
			pthread_mutex_lock(&c->lock);
			c->applied_gen = gen;
			pthread_cond_broadcast(&c->applied);
			pthread_mutex_unlock(&c->lock);
		}
		if (stop)
			break;
		if (now_ms() - last_stats >= STATS_EVERY_MS) {
			publish_stats(c);
			last_stats = now_ms();
		}
	}
	/* What the kernel still holds comes out of the ring within a block
	 * timeout or two: take it before the handles go. */
	for (int64_t end = now_ms() + 3 * CAPTURE_TIMEOUT_MS; now_ms() < end;) {
		struct pollfd pf[CAPTURE_IF_MAX];

		for (int i = 0; i < c->nh; i++)
			pf[i] = (struct pollfd){.fd = c->h[i].fd, .events = POLLIN};
		poll(pf, (nfds_t)c->nh, CAPTURE_TIMEOUT_MS);
		dispatch_all(c);
	}
	publish_stats(c);
	return NULL;
}

/* ---- the caller's side ---- */

int capture_open(const struct capture_config *cfg, struct event_queue *q, struct capture **out,
		 char *err, size_t errcap)
{
	struct capture *c = calloc(1, sizeof *c);
	int rc;

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errcap, "%s", msg_tr("capture: out of memory"));
		return CAPTURE_ERR_OTHER;
	}
	c->cfg = *cfg;
	c->q = q;
	c->snaplen = cfg->pcap_path != NULL ? CAPTURE_SNAPLEN : CAPTURE_SNAPLEN_LIVE;
	packet_flows_init(&c->flows);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->applied, NULL);
	c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	rc = handle_open(&c->h[0], "lo", c->snaplen, err, errcap);
	if (rc == 0) {
		c->h[0].owner = c;
		c->nh = 1;
	}
	if (rc == 0 && c->wakefd < 0) {
		snprintf(err, errcap, "capture: eventfd: %s", strerror(errno));
		rc = CAPTURE_ERR_OTHER;
	}
	if (rc == 0 && cfg->pcap_path != NULL) {
		c->pcap_path = strdup(cfg->pcap_path);
		if (c->pcap_path == NULL ||
		    pcapfile_open(&c->pf, cfg->pcap_path, c->h[0].link, CAPTURE_SNAPLEN) < 0) {
			snprintf(err, errcap, "%s: %s", cfg->pcap_path, strerror(errno));
			rc = CAPTURE_ERR_OTHER;
		} else {
			c->has_file = true;
		}
	}
	if (rc == 0 && pthread_create(&c->thread, NULL, capture_main, c) != 0) {
		snprintf(err, errcap, "%s", msg_tr("capture: cannot start its thread"));
		rc = CAPTURE_ERR_OTHER;
	}
	if (rc != 0) {
		if (c->has_file)
			pcapfile_close(&c->pf);
		if (c->nh)
			pcap_close(c->h[0].p);
		if (c->wakefd >= 0)
			close(c->wakefd);
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->applied);
		free(c->pcap_path);
		free(c);
		return rc;
	}
	c->cfg.pcap_path = c->pcap_path;
	*out = c;
	return 0;
}

static void wake(struct capture *c)
{
	uint64_t one = 1;
	ssize_t r = write(c->wakefd, &one, sizeof one);

	(void)r; /* EAGAIN: already pending */
}

void capture_set_targets(struct capture *c, const struct sockaddr_storage *targets, size_t n)
{
	if (n > CAPTURE_TARGETS_MAX)
		n = CAPTURE_TARGETS_MAX;
	pthread_mutex_lock(&c->lock);
	memcpy(c->targets, targets, n * sizeof targets[0]);
	c->ntargets = n;
	c->gen++;
	pthread_mutex_unlock(&c->lock);
	wake(c);
}

bool capture_sync(struct capture *c, int timeout_ms)
{
	struct timespec until;
	bool done;
	uint64_t want;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&c->lock);
	want = c->gen;
	while (c->applied_gen < want)
		if (pthread_cond_timedwait(&c->applied, &c->lock, &until) != 0)
			break;
	done = c->applied_gen >= want;
	pthread_mutex_unlock(&c->lock);
	return done;
}

void capture_stats(struct capture *c, struct capture_stats *st)
{
	pthread_mutex_lock(&c->lock);
	*st = c->st;
	pthread_mutex_unlock(&c->lock);
}

int capture_close(struct capture *c, struct capture_stats *last)
{
	int e = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_mutex_unlock(&c->lock);
	wake(c);
	pthread_join(c->thread, NULL);
	if (c->has_file)
		e = pcapfile_close(&c->pf);
	if (last != NULL) {
		*last = c->st;
		last->write_errno = e;
	}
	for (int i = 0; i < c->nh; i++)
		pcap_close(c->h[i].p);
	close(c->wakefd);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->applied);
	free(c->pcap_path);
	free(c);
	return e;
}
