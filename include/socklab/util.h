/*
 * util: small helpers every layer shares, written once: a monotonic clock
 * in milliseconds and byte sizes for people.
 */
#ifndef SOCKLAB_UTIL_H
#define SOCKLAB_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in milliseconds: for timeouts and intervals, never for
 * what a log line says the time was. */
int64_t util_mono_ms(void);

/* n bytes as "512 B", "12.3 KiB", "4.1 MiB" or "3.0 GiB" (1024-based, a
 * new unit from 1000 of the last), then suffix ("/s" for a rate; "" for
 * none). NUL-terminated; returns the length written. */
size_t util_format_bytes(double n, const char *suffix, char *out, size_t cap);

#endif
