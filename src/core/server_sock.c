/*
 * server_sock: opening a server's sockets for its family, with the
 * dual-stack fallbacks (two sockets when V6ONLY=0 is refused, IPv4 only
 * on a host without IPv6) and error text that names the cause.
 */
#include "core/server_int.h"

/* Resolves host for one address family into ss with port. */
static int bind_address(const char *host, int af, uint16_t port, struct sockaddr_storage *ss,
			char *err, size_t errcap)
{
	struct addrinfo hints, *res;
	char ebuf[128];
	int rc;

	if (addr_parse_numeric(host, port, af, ss, ebuf, sizeof ebuf) == 0)
		return 0;
	if (af == AF_INET6 && strchr(host, '%') != NULL) {
		/* fe80::1%eth0 is numeric; its error (no such interface) is
		 * the real one, not a failed name lookup. */
		snprintf(err, errcap, "%s", ebuf);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = af;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errcap, msg_tr("host '%s' (%s): %s"), host,
			 af == AF_INET ? "IPv4" : "IPv6",
			 rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (af == AF_INET)
		((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
	return 0;
}

/* The IPv4 address that goes with an IPv6 bind host when a server needs
 * two sockets: :: pairs with 0.0.0.0 and ::1 with 127.0.0.1; a name is
 * resolved for IPv4. */
static int counterpart_v4(const char *host, uint16_t port, struct sockaddr_storage *ss, char *err,
			  size_t errcap)
{
	struct sockaddr_storage tmp;
	char ebuf[128];

	if (addr_parse_numeric(host, port, AF_INET6, &tmp, ebuf, sizeof ebuf) == 0) {
		const struct sockaddr_in6 *s6 = (const void *)&tmp;

		if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			return bind_address("0.0.0.0", AF_INET, port, ss, err, errcap);
		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return bind_address("127.0.0.1", AF_INET, port, ss, err, errcap);
		snprintf(err, errcap,
			 msg_tr("host '%s' has no IPv4 counterpart for a second socket (use ::, "
				"::1 or a name)"),
			 host);
		return -1;
	}
	return bind_address(host, AF_INET, port, ss, err, errcap);
}

/* A few words on what a bind error usually means, for people new to it. */
static const char *bind_hint(int e, const struct sockaddr *sa)
{
	switch (e) {
	case EACCES:
		return addr_port(sa) < 1024 ? msg_tr(MSG_HINT_PRIVILEGED) : "";
	case EADDRNOTAVAIL:
		return msg_tr(MSG_HINT_NOT_LOCAL);
	case EADDRINUSE:
		return msg_tr(MSG_HINT_IN_USE);
	default:
		return "";
	}
}

/* close, as the trace shows it: the socket a failed attempt leaves. */
static void close_traced(struct server *s, int fd)
{
	int r = close(fd);

	server_trace(s, NULL, "close", fd, r, errno, NULL, NULL);
}

/* How a listener attempt failed: the caller may fall back on some. */
enum open_fail { OPEN_OK, OPEN_FAIL, OPEN_NO_AF, OPEN_V6ONLY };

/* socket, setsockopt, bind, listen for one address. v6only: -1 for
 * AF_INET, else the value wanted. On failure *fail says which kind and
 * *saved_errno why. */
static int open_listener(struct server *s, const struct sockaddr_storage *ss, int v6only,
			 enum open_fail *fail, int *saved_errno, char *err, size_t errcap)
{
	const struct sockaddr *sa = (const void *)ss;
	int type = s->spec.transport == TRANSPORT_TCP ? SOCK_STREAM : SOCK_DGRAM;
	int fd, one = 1, e;
	char where[ADDR_TEXT_MAX];

	addr_hostport(sa, where, sizeof where);
	*fail = OPEN_FAIL;
	fd = socket(sa->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	e = errno;
	server_trace(s, NULL, "socket", -1, fd, e, NULL,
		     sa->sa_family == AF_INET6 ? (type == SOCK_STREAM ? "AF_INET6, SOCK_STREAM, 0"
								      : "AF_INET6, SOCK_DGRAM, 0")
		     : type == SOCK_STREAM     ? "AF_INET, SOCK_STREAM, 0"
					       : "AF_INET, SOCK_DGRAM, 0");
	if (fd < 0) {
		*saved_errno = e;
		if (e == EAFNOSUPPORT)
			*fail = OPEN_NO_AF;
		snprintf(err, errcap, "socket %s: %s",
			 sa->sa_family == AF_INET6 ? "AF_INET6" : "AF_INET", strerror(e));
		return -1;
	}
	if (type == SOCK_STREAM) {
		int r = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		server_trace(s, NULL, "setsockopt", fd, r, errno, NULL,
			     "SOL_SOCKET, SO_REUSEADDR, 1");
	}
	if (v6only >= 0) {
		int r;

		if (v6only == 0 && s->opt.force_v6only_failure) {
			r = -1;
			errno = EPERM;
		} else {
			r = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
		}
		e = errno;
		server_trace(s, NULL, "setsockopt", fd, r, e, NULL,
			     v6only ? "IPPROTO_IPV6, IPV6_V6ONLY, 1"
				    : "IPPROTO_IPV6, IPV6_V6ONLY, 0");
		if (r < 0) {
			*saved_errno = e;
			*fail = v6only == 0 ? OPEN_V6ONLY : OPEN_FAIL;
			snprintf(err, errcap, "setsockopt IPV6_V6ONLY=%d: %s", v6only, strerror(e));
			close_traced(s, fd);
			return -1;
		}
	}
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr) &&
	    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_scope_id == 0) {
		*saved_errno = EINVAL;
		snprintf(err, errcap, "bind %s: %s", where, msg_tr(MSG_HINT_SCOPE));
		close_traced(s, fd);
		return -1;
	}
	if (bind(fd, sa, addr_len(sa)) < 0) {
		e = errno;
		server_trace(s, NULL, "bind", fd, -1, e, sa, NULL);
		*saved_errno = e;
		if (e == EADDRNOTAVAIL && sa->sa_family == AF_INET6)
			*fail = OPEN_NO_AF;
		snprintf(err, errcap, "bind %s: %s%s", where, strerror(e), bind_hint(e, sa));
		close_traced(s, fd);
		return -1;
	}
	server_trace(s, NULL, "bind", fd, 0, 0, sa, NULL);
	if (type == SOCK_STREAM) {
		int backlog = spec_backlog(&s->spec);
		char what[16];

		snprintf(what, sizeof what, "%d", backlog);
		if (listen(fd, backlog) < 0) {
			e = errno;
			server_trace(s, NULL, "listen", fd, -1, e, sa, what);
			*saved_errno = e;
			snprintf(err, errcap, "listen %s: %s", where, strerror(e));
			close_traced(s, fd);
			return -1;
		}
		server_trace(s, NULL, "listen", fd, 0, 0, sa, what);
	}
	*fail = OPEN_OK;
	return fd;
}

static bool addr_is_wildcard(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	return sa->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
}

static void add_socket(struct server *s, int fd)
{
	socklen_t len = sizeof s->bound[0];
	int i = s->nsock++;

	s->lfd[i] = fd;
	getsockname(fd, (struct sockaddr *)&s->bound[i], &len);
	s->v6only[i] = -1;
	if (s->spec.transport == TRANSPORT_UDP) {
		int want = s->spec.rcvbuf > 0 ? s->spec.rcvbuf : UDP_RCVBUF_DEFAULT, one = 1;
		socklen_t gl = sizeof s->rcvbuf[i];

		/* SO_RCVBUFFORCE passes net.core.rmem_max when we may (root);
		 * otherwise SO_RCVBUF gets what the limit allows. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want);
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &s->rcvbuf[i], &gl);
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
		/* On a wildcard address, each datagram says where it was sent,
		 * so the reply leaves from there (a client connected to
		 * 127.0.0.5 accepts nothing from 127.0.0.1). */
		if (addr_is_wildcard((const void *)&s->bound[i]))
			s->pktinfo[i] =
			    (s->bound[i].ss_family == AF_INET
				 ? setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one)
				 : setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
					      sizeof one)) == 0;
	}
	if (s->bound[i].ss_family == AF_INET6) {
		int v = 0;
		socklen_t vl = sizeof v;

		if (getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl) == 0)
			s->v6only[i] = v;
	}
}

void server_close_sockets(struct server *s)
{
	for (int i = 0; i < s->nsock; i++)
		close(s->lfd[i]);
	s->nsock = 0;
}

/* Opens an IPv6 socket with v6only on host and, with two_sockets, its IPv4
 * counterpart on the same port. */
static int open_pair(struct server *s, const char *host, int v6only, bool two_sockets,
		     enum open_fail *fail, int *saved_errno, char *err, size_t errcap)
{
	struct sockaddr_storage ss6, ss4;
	int fd, held[8], nheld = 0, rc = -1;

	if (bind_address(host, AF_INET6, s->spec.port, &ss6, err, errcap) < 0)
		return -1;
	if (two_sockets && counterpart_v4(host, s->spec.port, &ss4, err, errcap) < 0)
		return -1;
	for (;;) {
		fd = open_listener(s, &ss6, v6only, fail, saved_errno, err, errcap);
		if (fd < 0)
			break;
		add_socket(s, fd);
		if (!two_sockets) {
			rc = 0;
			break;
		}
		/* Port 0: the IPv4 socket takes the port the kernel gave the first. */
		((struct sockaddr_in *)(void *)&ss4)->sin_port =
		    htons(addr_port((void *)&s->bound[0]));
		fd = open_listener(s, &ss4, -1, fail, saved_errno, err, errcap);
		if (fd >= 0) {
			add_socket(s, fd);
			rc = 0;
			break;
		}
		/* The user asked for any port, and the kernel's pick is taken
		 * on IPv4: pick again, holding this one so it is not chosen
		 * twice. */
		if (s->spec.port != 0 || *saved_errno != EADDRINUSE || nheld == 8) {
			server_close_sockets(s);
			break;
		}
		held[nheld++] = s->lfd[0];
		s->nsock = 0;
	}
	while (nheld > 0)
		close(held[--nheld]);
	return rc;
}

/* Whether this host can do IPv6 at all: the kernel may lack it
 * (socket fails) or have it disabled (no interface has an IPv6 address,
 * yet binding :: still succeeds and would hide the problem). */
static bool ipv6_usable(int *why)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	FILE *f;
	bool any = true;

	if (fd < 0) {
		*why = errno;
		return false;
	}
	close(fd);
	f = fopen("/proc/net/if_inet6", "re");
	if (f != NULL) {
		any = fgetc(f) != EOF;
		fclose(f);
	}
	*why = EADDRNOTAVAIL;
	return any;
}

/* IPv4 only, on the counterpart of an IPv6 host, after a warning. */
static int open_v4_only(struct server *s, const char *host, int why, char *err, size_t errcap)
{
	struct sockaddr_storage ss;
	enum open_fail fail;
	int fd, e;

	if (counterpart_v4(host, s->spec.port, &ss, err, errcap) < 0)
		return -1;
	server_emit_msg(s, EV_WARNING, why, MSG_DUAL_NO_IPV6,
			why == EADDRNOTAVAIL ? MSG_IPV6_DISABLED : msg_strerror(why));
	fd = open_listener(s, &ss, -1, &fail, &e, err, errcap);
	if (fd < 0)
		return -1;
	add_socket(s, fd);
	return 0;
}

/* dual on a specific address: Linux turns IPV6_V6ONLY on when a socket is
 * bound to one (only :: takes IPv4 too), so one socket would silently be
 * IPv6-only. Two sockets instead, said in a warning; or, when the address
 * has no IPv4 counterpart, a refusal that says why. */
static int dual_specific(struct server *s, const char *host, char *err, size_t errcap)
{
	struct sockaddr_storage ss4;
	char where[ADDR_TEXT_MAX], why[160];
	enum open_fail fail;
	int e;

	addr_host((const void *)&s->bound[0], where, sizeof where);
	for (int i = 0; i < s->nsock; i++)
		close_traced(s, s->lfd[i]);
	s->nsock = 0;
	if (counterpart_v4(host, s->spec.port, &ss4, why, sizeof why) < 0) {
		snprintf(err, errcap, MSG_DUAL_SPECIFIC_REFUSED, where, why);
		return -1;
	}
	server_emit_msg(s, EV_WARNING, 0, MSG_DUAL_SPECIFIC, where);
	return open_pair(s, host, 1, true, &fail, &e, err, errcap);
}

int server_open_sockets(struct server *s, char *err, size_t errcap)
{
	const char *host = spec_host(&s->spec);
	struct sockaddr_storage ss;
	enum open_fail fail;
	int fd, e = 0, why;

	if (s->spec.family != FAMILY_IPV4 && !ipv6_usable(&why)) {
		if (s->spec.family != FAMILY_IPV6)
			return open_v4_only(s, host, why, err, errcap);
		char text[160];

		snprintf(text, sizeof text, msg_tr(MSG_NO_IPV6),
			 why == EADDRNOTAVAIL ? msg_tr(MSG_IPV6_DISABLED) : strerror(why));
		snprintf(err, errcap, "%s %s: %s",
			 s->spec.transport == TRANSPORT_TCP ? "listen" : "bind", host, text);
		return -1;
	}

	switch (s->spec.family) {
	case FAMILY_IPV4:
		if (bind_address(host, AF_INET, s->spec.port, &ss, err, errcap) < 0)
			return -1;
		fd = open_listener(s, &ss, -1, &fail, &e, err, errcap);
		if (fd < 0)
			return -1;
		add_socket(s, fd);
		return 0;
	case FAMILY_IPV6:
		return open_pair(s, host, 1, false, &fail, &e, err, errcap);
	case FAMILY_DUAL2:
		return open_pair(s, host, 1, true, &fail, &e, err, errcap);
	case FAMILY_DUAL:
		if (open_pair(s, host, 0, false, &fail, &e, err, errcap) == 0) {
			if (s->v6only[0] != 1)
				return 0;
			return dual_specific(s, host, err, errcap);
		}
		if (fail == OPEN_V6ONLY) {
			server_emit_msg(s, EV_WARNING, e, MSG_DUAL_FALLBACK, msg_strerror(e));
			return open_pair(s, host, 1, true, &fail, &e, err, errcap);
		}
		if (fail == OPEN_NO_AF)
			return open_v4_only(s, host, e, err, errcap);
		return -1;
	default:
		snprintf(err, errcap, msg_tr("unknown family"));
		return -1;
	}
}
