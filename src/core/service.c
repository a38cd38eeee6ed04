/*
 * service: the services as a table of operations (see service.h): the
 * tutorial's echo (sections 1 and 1.b), its command protocol (2), raw bytes
 * back (4) and the dual-stack greeting (5).
 */
#include "core/service.h"

#include <string.h>
#include <time.h>

#include "socklab/msg.h"
#include "socklab/proto.h"

/* "eco: <line>\n", as the tutorial's echo servers answer. */
static size_t echo_reply(const char *line, size_t len, char *out)
{
	memcpy(out, "eco: ", 5);
	memcpy(out + 5, line, len);
	out[5 + len] = '\n';
	return len + 6;
}

static size_t echo_reply_max(size_t len)
{
	return len + 6;
}

static size_t cmd_reply(const char *line, size_t len, char *out)
{
	return proto_reply(line, len, time(NULL), out, 3 * len + 32);
}

static size_t cmd_reply_max(size_t len)
{
	return 3 * len + 32; /* proto_reply's documented bound */
}

static const struct service_ops services[SERVICE_COUNT] = {
    [SERVICE_ECHO] = {.framed = true,
		      .udp = true,
		      .reply = echo_reply,
		      .reply_max = echo_reply_max},
    [SERVICE_ECHO_STDIO] = {.framed = true,
			    .threaded = true,
			    .answers_partial_line = true,
			    .reply = echo_reply,
			    .reply_max = echo_reply_max},
    [SERVICE_CMD] = {.framed = true,
		     .answers_partial_line = true,
		     .reply = cmd_reply,
		     .reply_max = cmd_reply_max},
    [SERVICE_RAW] = {.framed = false},
    [SERVICE_HELLO] = {.greeting = MSG_HELLO},
};

const struct service_ops *service_ops(enum service sv)
{
	return &services[(unsigned)sv < SERVICE_COUNT ? sv : SERVICE_RAW];
}
