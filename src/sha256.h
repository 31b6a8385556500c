/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4), streaming: hash the image while it arrives.
 * Pure: no syscalls.
 */
#ifndef NETINIT_SHA256_H
#define NETINIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX (2 * SHA256_LEN + 1)	/* 64 lower-case hex digits and NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;			/* message length so far */
	uint8_t buf[64];		/* partial block, bytes % 64 of it used */
};

/*
 * Which block function hashes: 0 forces the portable C rounds, anything
 * else takes the CPU's SHA extensions when CPUID reports them (the
 * default, decided on first use). Returns 1 when the extensions are in
 * use, 0 for the portable code. For tests and benchmarks.
 */
int sha256_select(int want);

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Pads, writes the digest to @out; @s must be re-initialised to reuse it. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* @digest as 64 lower-case hex digits and a NUL in @out. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX]);

#endif
