/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/sha256.c: the input is hashed by the portable
 * rounds in one piece and by the default block function (the CPU's SHA
 * extensions where present) in pieces whose sizes come from the input's
 * first bytes; both digests must be equal.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void digest(const uint8_t *p, size_t len, const uint8_t *cuts, size_t n_cuts,
		   uint8_t out[SHA256_LEN])
{
	struct sha256 s;
	size_t off = 0, i = 0;

	sha256_init(&s);
	while (off < len) {
		size_t step = n_cuts ? (size_t)cuts[i++ % n_cuts] * 3 + 1 : len;

		if (step > len - off)
			step = len - off;
		sha256_update(&s, p + off, step);
		off += step;
	}
	sha256_final(&s, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t a[SHA256_LEN], b[SHA256_LEN];
	size_t n_cuts = size < 8 ? size : 8;

	sha256_select(0);
	digest(data, size, NULL, 0, a);
	sha256_select(1);
	digest(data, size, data, n_cuts, b);
	if (memcmp(a, b, sizeof(a)) != 0)
		abort();
	return 0;
}
