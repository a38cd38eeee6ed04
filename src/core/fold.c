/*
 * fold: the "same event" test behind folded log lines (see fold.h).
 */
#include "socklab/fold.h"

#include <netinet/in.h>
#include <string.h>

#include "socklab/addr.h"

static bool same_addr(bool ha, const struct sockaddr_storage *a, bool hb,
		      const struct sockaddr_storage *b)
{
	if (ha != hb)
		return false;
	if (!ha)
		return true;
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		       x->sin6_flowinfo == y->sin6_flowinfo &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	return addr_len((const void *)a) == 0; /* unknown families: no address to tell */
}

bool fold_same(const struct event *a, const struct event *b)
{
	if (a->kind != b->kind || a->kind == EV_DROPPED || a->server != b->server ||
	    a->transport != b->transport)
		return false;
	if (!same_addr(a->has_peer, &a->peer, b->has_peer, &b->peer) ||
	    !same_addr(a->has_local, &a->local, b->has_local, &b->local))
		return false;
	if (a->bytes != b->bytes || a->preview_len != b->preview_len ||
	    a->truncated != b->truncated || a->reason != b->reason || a->err != b->err ||
	    a->ret != b->ret)
		return false;
	if (a->preview_len > EVENT_PREVIEW_MAX ||
	    memcmp(a->preview, b->preview, a->preview_len) != 0)
		return false;
	return strncmp(a->message, b->message, sizeof a->message) == 0 &&
	       strncmp(a->syscall, b->syscall, sizeof a->syscall) == 0;
}
