/*
 * cli_wire: capture for `socklab serve` (see cli_wire.h).
 */
#include "cli/cli_wire.h"

#include <string.h>

#include "cli/cli.h"

int cli_wire_open(struct cli_wire *w, struct event_queue *q)
{
	struct capture_config cfg = {
	    .events = w->wire, .pcap_path = w->pcap, .payload_max = w->payload_max};
	char err[CAPTURE_ERR_MAX];
	int rc;

	if (!cli_wire_wanted(w))
		return 0;
	rc = capture_open(&cfg, q, &w->cap, err, sizeof err);
	if (rc == CAPTURE_ERR_PERMISSION) {
		cli_warnx("%s", err);
		w->failed = true;
		return 0;
	}
	if (rc < 0) {
		cli_warnx("%s", err);
		return -1;
	}
	return 0;
}

void cli_wire_targets(struct cli_wire *w, struct server *const *servers, int n)
{
	struct sockaddr_storage t[CAPTURE_TARGETS_MAX];
	size_t k = 0;

	if (w->cap == NULL)
		return;
	for (int i = 0; i < n; i++)
		for (int s = 0; s < server_nsockets(servers[i]) && k < CAPTURE_TARGETS_MAX; s++)
			t[k++] = *server_local(servers[i], s);
	capture_set_targets(w->cap, t, k);
	if (!capture_sync(w->cap, 1000))
		cli_warnx("%s", _(MSG_WIRE_NOT_YET));
}

int cli_wire_close(struct cli_wire *w)
{
	struct capture_stats st;
	int e, status = w->failed ? 1 : 0;

	if (w->cap == NULL)
		return status;
	e = capture_close(w->cap, &st);
	w->cap = NULL;
	cli_warnx(_(MSG_WIRE_COUNTS), (unsigned long long)st.packets,
		  st.nifs ? st.ifnames : _(MSG_WIRE_NO_IF), (unsigned long long)st.kernel_drops,
		  (unsigned long long)st.if_drops, (unsigned long long)st.queue_drops);
	if (st.file_skipped)
		cli_warnx(P_(MSG_WIRE_SKIPPED, st.file_skipped),
			  (unsigned long long)st.file_skipped, w->pcap);
	if (e != 0) {
		cli_warnx("%s: %s", w->pcap, strerror(e));
		status = 1;
	}
	return status;
}
