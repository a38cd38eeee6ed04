/*
 * client: name resolution and dialling (see client.h).
 */
#include "socklab/client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/msg.h"

int client_resolve(const char *host, const char *port, int family, int socktype, bool passive,
		   struct addrinfo **res, char *err, size_t errcap)
{
	struct addrinfo hints;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	rc = getaddrinfo(host, port, &hints, res);
	if (rc != 0) {
		snprintf(err, errcap, "%s%s%s: %s", host ? host : "", port ? " port " : "",
			 port ? port : "", rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		*res = NULL;
		return -1;
	}
	return 0;
}

size_t client_describe_ai(const struct addrinfo *ai, char *out, size_t cap)
{
	char tuple[ADDR_TEXT_MAX];
	const char *fam = ai->ai_family == AF_INET    ? "AF_INET"
			  : ai->ai_family == AF_INET6 ? "AF_INET6"
						      : "AF_?";
	const char *type = ai->ai_socktype == SOCK_STREAM  ? "SOCK_STREAM"
			   : ai->ai_socktype == SOCK_DGRAM ? "SOCK_DGRAM"
			   : ai->ai_socktype == SOCK_RAW   ? "SOCK_RAW"
							   : "SOCK_?";
	const char *proto = ai->ai_protocol == IPPROTO_TCP   ? "IPPROTO_TCP"
			    : ai->ai_protocol == IPPROTO_UDP ? "IPPROTO_UDP"
							     : "0";
	int n;

	addr_tuple(ai->ai_addr, tuple, sizeof tuple);
	n = snprintf(out, cap, "%-8s %-11s %-11s %s", fam, type, proto, tuple);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

struct dialer {
	struct addrinfo *list, *next;
	int fd;
};

struct dialer *dialer_new(struct addrinfo *list)
{
	struct dialer *d = calloc(1, sizeof *d);

	if (d == NULL) {
		freeaddrinfo(list);
		return NULL;
	}
	d->list = d->next = list;
	d->fd = -1;
	return d;
}

void dialer_free(struct dialer *d)
{
	if (d == NULL)
		return;
	if (d->list)
		freeaddrinfo(d->list);
	free(d);
}

int dialer_next(struct dialer *d, const struct sockaddr **addr, int *err)
{
	struct addrinfo *ai = d->next;
	int fd;

	if (ai == NULL)
		return -1;
	d->next = ai->ai_next;
	*addr = ai->ai_addr;
	*err = 0;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -2;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		*err = errno;
		close(fd);
		return -2;
	}
	return fd;
}

int dialer_result(int fd)
{
	int e = 0;
	socklen_t len = sizeof e;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

int client_dial(struct addrinfo *list, int timeout_ms, dial_report_fn report, void *arg, char *err,
		size_t errcap)
{
	struct dialer d = {list, list, -1};
	const struct sockaddr *sa;
	int fd, e = 0, last = 0;
	char where[ADDR_TEXT_MAX] = "";

	while ((fd = dialer_next(&d, &sa, &e)) != -1) {
		addr_hostport(sa, where, sizeof where);
		if (fd >= 0) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			int r;

			do
				r = poll(&p, 1, timeout_ms);
			while (r < 0 && errno == EINTR);
			e = r == 0 ? ETIMEDOUT : r < 0 ? errno : dialer_result(fd);
			if (e == 0) {
				if (report)
					report(arg, sa, 0);
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
				return fd;
			}
			close(fd);
		}
		last = e;
		if (report)
			report(arg, sa, e);
	}
	snprintf(err, errcap, "connect %s: %s", where[0] ? where : msg_tr("(no address)"),
		 strerror(last ? last : EADDRNOTAVAIL));
	errno = last;
	return -1;
}
