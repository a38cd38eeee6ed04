/*
 * fuzz_util: what every libFuzzer target in tests/fuzz shares: the entry
 * point's prototype, a check that aborts (so libFuzzer keeps the input),
 * a reader that turns fuzz bytes into parameters, and an independent
 * UTF-8 decoder used as the oracle (never the code under test).
 */
#ifndef SOCKLAB_FUZZ_UTIL_H
#define SOCKLAB_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Consumes fuzz bytes front to back; past the end every read gives 0. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
/* Copies up to n bytes into dst (the rest zeroed); returns how many came. */
size_t fuzz_bytes(struct fuzz_in *in, void *dst, size_t n);

/* Decodes the UTF-8 sequence at s: its length (1..4) with *cp set, or 0
 * when it is not a valid, shortest-form, non-surrogate sequence. */
size_t fuzz_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
bool fuzz_utf8_valid(const void *s, size_t n);

/* A heap copy of n bytes with a NUL after them, so ASan sees overreads. */
char *fuzz_strndup(const void *s, size_t n);

#endif
