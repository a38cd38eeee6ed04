/*
 * addr: sockaddr <-> text in the tutorial's notation (see addr.h).
 */
#include "socklab/addr.h"
#include "socklab/msg.h"

#include "socklab/num.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

socklen_t addr_len(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

uint16_t addr_port(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
	case AF_INET6:
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	default:
		return 0;
	}
}

size_t addr_host(const struct sockaddr *sa, char *out, size_t cap)
{
	const void *a;

	if (cap == 0)
		return 0;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else {
		snprintf(out, cap, "?");
		return strlen(out);
	}
	if (inet_ntop(sa->sa_family, a, out, (socklen_t)cap) == NULL) {
		snprintf(out, cap, "?");
	}
	return strlen(out);
}

static size_t clamp(int n, size_t cap)
{
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : (cap ? cap - 1 : 0);
}

size_t addr_tuple(const struct sockaddr *sa, char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN];

	if (cap == 0)
		return 0;
	addr_host(sa, host, sizeof host);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		char ifname[IF_NAMESIZE] = "";
		int n;

		if (s6->sin6_scope_id != 0 && if_indextoname(s6->sin6_scope_id, ifname) == NULL)
			ifname[0] = '\0';
		n = snprintf(out, cap, "('%s', %u, %u, %u)%s%s", host, ntohs(s6->sin6_port),
			     ntohl(s6->sin6_flowinfo), s6->sin6_scope_id, ifname[0] ? " %" : "",
			     ifname);
		return clamp(n, cap);
	}
	if (sa->sa_family == AF_INET)
		return clamp(snprintf(out, cap, "('%s', %u)", host, addr_port(sa)), cap);
	return clamp(snprintf(out, cap, "(?)"), cap);
}

size_t addr_hostport(const struct sockaddr *sa, char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN];

	addr_host(sa, host, sizeof host);
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		char scope[IF_NAMESIZE + 12] = "", ifname[IF_NAMESIZE];

		/* A scoped address keeps its zone, as it was typed:
		 * [fe80::1%eth0]:9101 (the index when it has no name). */
		if (s6->sin6_scope_id != 0) {
			if (if_indextoname(s6->sin6_scope_id, ifname) != NULL)
				snprintf(scope, sizeof scope, "%%%s", ifname);
			else
				snprintf(scope, sizeof scope, "%%%u", s6->sin6_scope_id);
		}
		return clamp(snprintf(out, cap, "[%s%s]:%u", host, scope, addr_port(sa)), cap);
	}
	return clamp(snprintf(out, cap, "%s:%u", host, addr_port(sa)), cap);
}

bool addr_is_mapped(const struct sockaddr *sa, char *v4, size_t cap)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;

	if (sa->sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return false;
	if (v4 != NULL && cap > 0 &&
	    inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], v4, (socklen_t)cap) == NULL)
		v4[0] = '\0';
	return true;
}

int addr_parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (num_parse_u64(s, 0, 65535, &v) != NUM_OK)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int addr_parse_numeric(const char *host, uint16_t port, int family, struct sockaddr_storage *ss,
		       char *err, size_t errcap)
{
	memset(ss, 0, sizeof *ss);
	if (family != AF_INET6) {
		struct sockaddr_in *s4 = (void *)ss;

		if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons(port);
			return 0;
		}
	}
	if (family != AF_INET) {
		struct sockaddr_in6 *s6 = (void *)ss;
		char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
		char *pct;

		/* Too long to be an address: never cut it into one. */
		if (strlen(host) >= sizeof buf)
			goto bad;
		snprintf(buf, sizeof buf, "%s", host);
		pct = strchr(buf, '%');
		if (pct != NULL)
			*pct++ = '\0';
		if (inet_pton(AF_INET6, buf, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(port);
			if (pct != NULL) {
				s6->sin6_scope_id = if_nametoindex(pct);
				if (s6->sin6_scope_id == 0) {
					uint64_t v;

					if (num_parse_u64(pct, 1, UINT32_MAX, &v) != NUM_OK) {
						snprintf(err, errcap,
							 msg_tr("'%s': no interface named '%s'"),
							 host, pct);
						return -1;
					}
					s6->sin6_scope_id = (uint32_t)v;
				}
			}
			return 0;
		}
	}
bad:
	snprintf(err, errcap, msg_tr("'%s' is not a numeric %s address"), host,
		 family == AF_INET    ? "IPv4"
		 : family == AF_INET6 ? "IPv6"
				      : "IP");
	return -1;
}

const char *addr_errno_name(int err)
{
	/* clang-format off */
	switch (err) {
#define E(x) case x: return #x;
	E(EPERM) E(ENOENT) E(EINTR) E(EIO) E(EBADF) E(EAGAIN)
	E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EINVAL)
	E(ENFILE) E(EMFILE) E(ENOSPC) E(EPIPE) E(ENOTSOCK) E(EDESTADDRREQ)
	E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT) E(EPROTONOSUPPORT) E(EOPNOTSUPP) E(EAFNOSUPPORT)
	E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ECONNABORTED) E(ECONNRESET)
	E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTDOWN)
	E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS) E(ENODEV) E(ESHUTDOWN)
#undef E
	case 0: return "0";
	/* clang-format on */
	default:
		return "E?";
	}
}
