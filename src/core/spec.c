/*
 * spec: server specs and their TRANSPORT:SERVICE:FAMILY:PORT[@HOST] text.
 */
#include "socklab/spec.h"

#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "core/service.h"
#include "socklab/msg.h"

static const char *const transport_names[TRANSPORT_COUNT] = {"tcp", "udp"};
static const char *const service_names[SERVICE_COUNT] = {"echo", "echo-stdio", "cmd", "raw",
							 "hello"};
static const char *const family_names[FAMILY_COUNT] = {"ipv4", "ipv6", "dual", "dual2"};

static int lookup(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *transport_name(enum transport t)
{
	return (unsigned)t < TRANSPORT_COUNT ? transport_names[t] : "?";
}

const char *service_name(enum service s)
{
	return (unsigned)s < SERVICE_COUNT ? service_names[s] : "?";
}

const char *family_name(enum family f)
{
	return (unsigned)f < FAMILY_COUNT ? family_names[f] : "?";
}

int transport_from_name(const char *name, enum transport *t)
{
	int i = lookup(transport_names, TRANSPORT_COUNT, name);

	if (i < 0)
		return -1;
	*t = (enum transport)i;
	return 0;
}

int service_from_name(const char *name, enum service *s)
{
	int i = lookup(service_names, SERVICE_COUNT, name);

	if (i < 0)
		return -1;
	*s = (enum service)i;
	return 0;
}

int family_from_name(const char *name, enum family *f)
{
	int i = lookup(family_names, FAMILY_COUNT, name);

	if (i < 0)
		return -1;
	*f = (enum family)i;
	return 0;
}

bool spec_service_allowed(enum transport t, enum service s)
{
	return t == TRANSPORT_TCP || ((unsigned)s < SERVICE_COUNT && service_ops(s)->udp);
}

void spec_default(struct spec *s)
{
	memset(s, 0, sizeof *s);
	s->transport = TRANSPORT_TCP;
	s->service = SERVICE_ECHO;
	s->family = FAMILY_IPV4;
	s->max_line = SPEC_DEFAULT_MAX_LINE;
	s->output_cap = SPEC_DEFAULT_OUTPUT_CAP;
	s->stall_ms = SPEC_DEFAULT_STALL_MS;
}

const char *spec_default_host(enum family f)
{
	switch (f) {
	case FAMILY_IPV4:
		return "127.0.0.1";
	case FAMILY_IPV6:
		return "::1";
	default:
		return "::";
	}
}

const char *spec_host(const struct spec *s)
{
	return s->host[0] ? s->host : spec_default_host(s->family);
}

int spec_backlog(const struct spec *s)
{
	if (s->backlog > 0)
		return s->backlog;
	/* The tutorial's listen(8) where the backlog is the lesson; room for a
	 * burst of clients otherwise. */
	return s->sequential ? 8 : 4096;
}

int spec_parse(const char *text, struct spec *s, char *err, size_t errcap)
{
	char buf[SPEC_HOST_MAX + 64];
	char *field[4], *at, *p;
	int n = 0;

	if (strlen(text) >= sizeof buf) {
		snprintf(err, errcap, msg_tr("spec too long"));
		return -1;
	}
	strcpy(buf, text);
	at = strchr(buf, '@');
	if (at != NULL) {
		*at++ = '\0';
		if (*at == '\0') {
			snprintf(err, errcap, msg_tr("empty host after '@' in '%s'"), text);
			return -1;
		}
		/* [::1] is accepted too, as people write it in URLs. */
		if (at[0] == '[' && at[strlen(at) - 1] == ']') {
			at[strlen(at) - 1] = '\0';
			at++;
			if (*at == '\0') {
				snprintf(err, errcap, msg_tr("empty host after '@' in '%s'"), text);
				return -1;
			}
		}
		/* No address or name has one, and '[[x]]' would not survive
		 * spec_format and a second parse. */
		if (strpbrk(at, "[]") != NULL) {
			snprintf(err, errcap, msg_tr("bad host '%s' in '%s'"), at, text);
			return -1;
		}
	}
	for (p = buf; n < 4; n++) {
		field[n] = p;
		p = strchr(p, ':');
		if (p == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n != 4 || p != NULL) {
		snprintf(err, errcap,
			 msg_tr("bad spec '%s' (expected TRANSPORT:SERVICE:FAMILY:PORT[@HOST])"),
			 text);
		return -1;
	}
	if (transport_from_name(field[0], &s->transport) < 0) {
		snprintf(err, errcap, msg_tr("unknown transport '%s' (expected tcp, udp)"),
			 field[0]);
		return -1;
	}
	if (service_from_name(field[1], &s->service) < 0) {
		snprintf(
		    err, errcap,
		    msg_tr("unknown service '%s' (expected echo, echo-stdio, cmd, raw, hello)"),
		    field[1]);
		return -1;
	}
	if (!spec_service_allowed(s->transport, s->service)) {
		snprintf(err, errcap, msg_tr("service '%s' is TCP only (udp has: echo)"), field[1]);
		return -1;
	}
	if (family_from_name(field[2], &s->family) < 0) {
		snprintf(err, errcap,
			 msg_tr("unknown family '%s' (expected ipv4, ipv6, dual, dual2)"),
			 field[2]);
		return -1;
	}
	if (addr_parse_port(field[3], &s->port) < 0) {
		snprintf(err, errcap, msg_tr("bad port '%s' (expected 0..65535)"), field[3]);
		return -1;
	}
	if (at != NULL) {
		if (strlen(at) >= sizeof s->host) {
			snprintf(err, errcap, msg_tr("host too long"));
			return -1;
		}
		strcpy(s->host, at);
	} else {
		s->host[0] = '\0';
	}
	return 0;
}

size_t spec_format(const struct spec *s, char *out, size_t cap)
{
	int n;

	if (s->host[0] && strcmp(s->host, spec_default_host(s->family)) != 0)
		n = snprintf(out, cap, "%s:%s:%s:%u@%s", transport_name(s->transport),
			     service_name(s->service), family_name(s->family), s->port, s->host);
	else
		n = snprintf(out, cap, "%s:%s:%s:%u", transport_name(s->transport),
			     service_name(s->service), family_name(s->family), s->port);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}
