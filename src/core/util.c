/*
 * util: the shared small helpers (see util.h).
 */
#include "socklab/util.h"

#include <stdio.h>
#include <time.h>

int64_t util_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t util_format_bytes(double n, const char *suffix, char *out, size_t cap)
{
	static const char *const units[] = {"KiB", "MiB", "GiB"};
	int len, u = -1;

	if (cap == 0)
		return 0;
	while (u < 2 && n >= 1000) {
		n /= 1024;
		u++;
	}
	if (u < 0)
		len = snprintf(out, cap, "%.0f B%s", n, suffix);
	else
		len = snprintf(out, cap, "%.1f %s%s", n, units[u], suffix);
	if (len < 0)
		return 0;
	return (size_t)len < cap ? (size_t)len : cap - 1;
}
