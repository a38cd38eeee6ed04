/*
 * sockdiag: inet_diag dumps over NETLINK_SOCK_DIAG with libmnl (see
 * sockdiag.h). One netlink socket per query; each dump is one request
 * (SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, every state) and as many replies as
 * the kernel sends until NLMSG_DONE, which mnl_cb_run turns into STOP.
 */
#include "socklab/sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "socklab/addr.h"
#include "socklab/strbuf.h"
#include "socklab/msg.h"

#define RECV_BUF (64 * 1024)

struct dump {
	const uint16_t *ports;
	size_t nports;
	struct sockdiag_entry *out;
	size_t cap, n, total;
	int protocol;
};

static void fill_addr(struct sockaddr_storage *ss, int family, const __be32 *a, __be16 port)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = port;
		memcpy(&s4->sin_addr, a, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		memcpy(&s6->sin6_addr, a, 16);
	}
}

static bool wanted(const struct dump *d, uint16_t a, uint16_t b)
{
	if (d->nports == 0)
		return true;
	for (size_t i = 0; i < d->nports; i++)
		if (d->ports[i] == a || d->ports[i] == b)
			return true;
	return false;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct sockdiag_entry *e;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof *m)
		return MNL_CB_ERROR;
	if (!wanted(d, ntohs(m->id.idiag_sport), ntohs(m->id.idiag_dport)))
		return MNL_CB_OK;
	d->total++;
	if (d->n == d->cap)
		return MNL_CB_OK;
	e = &d->out[d->n++];
	memset(e, 0, sizeof *e);
	e->protocol = d->protocol;
	e->state = m->idiag_state;
	fill_addr(&e->local, m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	fill_addr(&e->peer, m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	if (m->idiag_family == AF_INET6 && m->id.idiag_if)
		((struct sockaddr_in6 *)(void *)&e->local)->sin6_scope_id = m->id.idiag_if;
	e->rqueue = m->idiag_rqueue;
	e->wqueue = m->idiag_wqueue;
	e->timer = m->idiag_timer;
	e->timer_ms = m->idiag_timer ? m->idiag_expires : 0;
	e->retrans = m->idiag_retrans;
	e->uid = m->idiag_uid;
	e->inode = m->idiag_inode;
	return MNL_CB_OK;
}

static int dump_one(struct mnl_socket *nl, char *buf, int family, int protocol, struct dump *d,
		    char *err, size_t errcap)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct inet_diag_req_v2 *req;
	unsigned seq = (unsigned)time(NULL) ^ (unsigned)(family << 8 | protocol);
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t r;
	int rc = MNL_CB_OK;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = (uint8_t)protocol;
	req->idiag_states = ~0u;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(err, errcap, "sock_diag: send: %s", strerror(errno));
		return -1;
	}
	d->protocol = protocol;
	while ((r = mnl_socket_recvfrom(nl, buf, RECV_BUF)) > 0) {
		rc = mnl_cb_run(buf, (size_t)r, seq, portid, on_msg, d);
		if (rc <= MNL_CB_STOP)
			break;
	}
	if (r < 0 || rc == MNL_CB_ERROR) {
		/* A kernel without this protocol's diag module answers ENOENT. */
		if (errno == ENOENT)
			return 0;
		snprintf(err, errcap, "sock_diag: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sockdiag_query(const uint16_t *ports, size_t nports, struct sockdiag_entry *out, size_t cap,
		   size_t *n, size_t *total, char *err, size_t errcap)
{
	static const int families[2] = {AF_INET, AF_INET6}, protos[2] = {IPPROTO_TCP, IPPROTO_UDP};
	struct dump d = {ports, nports, out, cap, 0, 0, 0};
	struct mnl_socket *nl;
	char *buf;
	int rc = 0;

	*n = *total = 0;
	buf = malloc(RECV_BUF);
	if (buf == NULL) {
		snprintf(err, errcap, "%s", msg_tr("sock_diag: out of memory"));
		return -1;
	}
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errcap, msg_tr("sock_diag: netlink socket: %s"), strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		free(buf);
		return -1;
	}
	for (int p = 0; p < 2 && rc == 0; p++)
		for (int f = 0; f < 2 && rc == 0; f++)
			rc = dump_one(nl, buf, families[f], protos[p], &d, err, errcap);
	mnl_socket_close(nl);
	free(buf);
	*n = d.n;
	*total = d.total;
	return rc;
}

const char *sockdiag_state_name(int protocol, int state)
{
	static const char *const names[] = {"?",	   "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
					    "FIN_WAIT_1",  "FIN_WAIT_2",  "TIME_WAIT", "CLOSE",
					    "CLOSE_WAIT",  "LAST_ACK",	  "LISTEN",    "CLOSING",
					    "NEW_SYN_RECV"};

	if (protocol == IPPROTO_UDP && state == 7)
		return "UNCONN";
	if (state < 0 || state >= (int)(sizeof names / sizeof names[0]))
		return "?";
	return names[state];
}

const char *sockdiag_timer_name(int timer)
{
	switch (timer) {
	case SOCKDIAG_TIMER_RETRANS:
		return "retrans";
	case SOCKDIAG_TIMER_KEEPALIVE:
		return "keepalive";
	case SOCKDIAG_TIMER_TIMEWAIT:
		return "timewait";
	case SOCKDIAG_TIMER_PROBE:
		return "probe";
	default:
		return "none";
	}
}

static bool no_peer(const struct sockaddr_storage *ss)
{
	const struct sockaddr *sa = (const void *)ss;
	static const uint8_t zero[16];

	if (addr_port(sa) != 0)
		return false;
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)ss)->sin_addr.s_addr == 0;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, zero, 16) == 0;
}

static bool is_listener(const struct sockdiag_entry *e)
{
	return e->protocol == IPPROTO_TCP && e->state == 10;
}

size_t sockdiag_format_text(const struct sockdiag_entry *e, char *out, size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);
	char l[ADDR_TEXT_MAX], p[ADDR_TEXT_MAX];

	addr_hostport((const void *)&e->local, l, sizeof l);
	if (no_peer(&e->peer))
		snprintf(p, sizeof p, "*:*");
	else
		addr_hostport((const void *)&e->peer, p, sizeof p);
	strbuf_fmt(&o, "%s  %-12s %-22s %-22s", e->protocol == IPPROTO_TCP ? "tcp" : "udp",
		   sockdiag_state_name(e->protocol, e->state), l, p);
	if (is_listener(e))
		strbuf_fmt(&o, msg_tr(" accept queue %u/%u"), e->rqueue, e->wqueue);
	else
		strbuf_fmt(&o, " Recv-Q %u Send-Q %u", e->rqueue, e->wqueue);
	if (e->timer != SOCKDIAG_TIMER_NONE) {
		strbuf_fmt(&o, " %s %u.%u s", sockdiag_timer_name(e->timer), e->timer_ms / 1000,
			   e->timer_ms % 1000 / 100);
		if (e->retrans)
			strbuf_fmt(&o, " (%u)", e->retrans);
	}
	return o.len;
}

static void json_end(struct strbuf *o, const char *key, const struct sockaddr_storage *ss)
{
	const struct sockaddr *sa = (const void *)ss;
	char host[ADDR_TEXT_MAX];

	addr_host(sa, host, sizeof host);
	strbuf_fmt(o, ",\"%s\":{\"addr\":\"%s\",\"port\":%u", key, host, addr_port(sa));
	if (sa->sa_family == AF_INET6)
		strbuf_fmt(o, ",\"flowinfo\":0,\"scope_id\":%u",
			   ((const struct sockaddr_in6 *)(const void *)ss)->sin6_scope_id);
	strbuf_fmt(o, "}");
}

size_t sockdiag_format_json(const struct sockdiag_entry *e, char *out, size_t cap)
{
	struct strbuf o = strbuf_on(out, cap);

	strbuf_fmt(&o, "{\"transport\":\"%s\",\"state\":\"%s\"",
		   e->protocol == IPPROTO_TCP ? "tcp" : "udp",
		   sockdiag_state_name(e->protocol, e->state));
	json_end(&o, "local", &e->local);
	if (!no_peer(&e->peer))
		json_end(&o, "peer", &e->peer);
	if (is_listener(e))
		strbuf_fmt(&o, ",\"accept_queue\":%u,\"backlog\":%u", e->rqueue, e->wqueue);
	else
		strbuf_fmt(&o, ",\"recv_q\":%u,\"send_q\":%u", e->rqueue, e->wqueue);
	strbuf_fmt(&o, ",\"timer\":\"%s\"", sockdiag_timer_name(e->timer));
	if (e->timer != SOCKDIAG_TIMER_NONE)
		strbuf_fmt(&o, ",\"timer_ms\":%u,\"retrans\":%u", e->timer_ms, e->retrans);
	strbuf_fmt(&o, ",\"uid\":%u,\"inode\":%u}", e->uid, e->inode);
	return o.len;
}
