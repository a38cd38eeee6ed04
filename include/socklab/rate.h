/*
 * rate: bytes and datagrams per second over the last second and the last
 * ten, from periodic samples of a server's counters (server_stats).
 *
 * The caller samples whenever it likes (the lab: every half second);
 * samples closer than RATE_MIN_GAP_MS to the previous one are skipped, so
 * the ring always spans more than ten seconds. A rate over a window is the
 * counter's growth between the newest sample and the newest one at least
 * that window older (or the oldest kept, while the history is shorter),
 * divided by the time between them. Pure: no clock of its own.
 */
#ifndef SOCKLAB_RATE_H
#define SOCKLAB_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "socklab/server.h"

#define RATE_SAMPLES 128
#define RATE_MIN_GAP_MS 100

struct rate_sample {
	int64_t ms; /* a monotonic clock, in milliseconds */
	uint64_t bytes_in, bytes_out, dgrams_in, dgrams_out;
};

struct rate {
	struct rate_sample s[RATE_SAMPLES];
	size_t head, n; /* oldest sample, samples kept */
};

/* Per second over one window; valid is false until two samples span some
 * time. */
struct rate_value {
	bool valid;
	double bytes_in, bytes_out, dgrams_in, dgrams_out;
};

void rate_init(struct rate *r);
void rate_sample(struct rate *r, int64_t now_ms, const struct server_stats *st);
/* Rates over the last window_ms (1000 and 10000 in the lab). */
void rate_get(const struct rate *r, int64_t window_ms, struct rate_value *v);

/* "0 B/s", "512 B/s", "12.3 KiB/s", "4.1 MiB/s", "1.2 GiB/s". */
size_t rate_format_bytes(double per_s, char *out, size_t cap);

#endif
