/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 as in FIPS 180-4, sections 4.1.2 (functions), 4.2.2 (constants),
 * 5.1.1 (padding), 5.3.3 (initial value) and 6.2.2 (computation). Words are
 * read and written with byte helpers (big-endian), never by casting the
 * byte buffer, so any alignment is fine. Whole blocks are hashed straight
 * from the caller's buffer; only a partial block is copied. Pure: no
 * syscalls.
 *
 * On x86-64 CPUs with the SHA extensions (CPUID leaf 7 EBX bit 29, with
 * SSSE3 and SSE4.1), whole blocks go through SHA256RNDS2/MSG1/MSG2 instead
 * (Intel's "New Instructions Supporting the SHA-256 Secure Hash
 * Algorithm", 2013): several times faster than the portable rounds, which
 * stay the fallback and the reference the tests compare against. The
 * choice is made once, by CPUID, on first use. klcc builds without SSE, so
 * the vector code lives in one function compiled for those extensions and
 * takes only pointers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sha256.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_NI 1
#else
#define HAVE_NI 0
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One 64-byte block; the message schedule is kept as a 16-word ring. */
static void block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[16], a, b, c, d, e, f, g, hh, t1, t2;
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = get_be32(p + 4 * i);
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (i = 0; i < 64; i++) {
		if (i >= 16) {
			uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];

			w[i & 15] += (ror(w15, 7) ^ ror(w15, 18) ^ (w15 >> 3)) + w[(i - 7) & 15] +
				     (ror(w2, 17) ^ ror(w2, 19) ^ (w2 >> 10));
		}
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] +
		     w[i & 15];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

static void blocks_portable(uint32_t h[8], const uint8_t *p, size_t n)
{
	for (; n > 0; n--, p += 64)
		block(h, p);
}

#if HAVE_NI
/*
 * The instructions keep the state as two vectors, ABEF and CDGH (A in the
 * top lane), and take the message words plus K four at a time; each
 * SHA256RNDS2 runs two rounds, so a group of four words is two calls, the
 * second on the upper half. Message words 16..63 come from MSG1 (sigma0
 * part), the add of W[t-7], and MSG2 (sigma1 part), over a ring of the
 * last four groups.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_ni(uint32_t h[8], const uint8_t *p, size_t n)
{
	const __m128i be = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i abef, cdgh, t, save_abef, save_cdgh, m, w[4];
	unsigned g;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xb1);	/* b a d c */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1b);	/* h g f e */
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; n > 0; n--, p += 64) {
		save_abef = abef;
		save_cdgh = cdgh;
		for (g = 0; g < 16; g++) {
			__m128i *x0 = &w[g & 3], x1 = w[(g + 1) & 3];
			__m128i x2 = w[(g + 2) & 3], x3 = w[(g + 3) & 3];

			if (g < 4) {
				*x0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), be);
			} else {
				m = _mm_add_epi32(_mm_sha256msg1_epu32(*x0, x1),
						  _mm_alignr_epi8(x3, x2, 4));
				*x0 = _mm_sha256msg2_epu32(m, x3);
			}
			m = _mm_add_epi32(*x0, _mm_loadu_si128((const __m128i *)&K[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(m, 0x0e));
		}
		abef = _mm_add_epi32(abef, save_abef);
		cdgh = _mm_add_epi32(cdgh, save_cdgh);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);	/* a b e f */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);	/* g h c d */
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(cdgh, t, 8));
}

static int cpu_has_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b >> 29) & 1;
}
#endif

static int use_ni = -1;		/* -1: not decided yet */

int sha256_select(int want)
{
#if HAVE_NI
	use_ni = want == 0 ? 0 : cpu_has_ni();
#else
	use_ni = 0;
#endif
	return use_ni;
}

static void blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	if (use_ni < 0)
		sha256_select(-1);
#if HAVE_NI
	if (use_ni) {
		blocks_ni(h, p, n);
		return;
	}
#endif
	blocks_portable(h, p, n);
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->bytes = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = (size_t)(s->bytes & 63);

	s->bytes += len;
	if (used) {
		size_t n = 64 - used < len ? 64 - used : len;

		memcpy(s->buf + used, p, n);
		p += n;
		len -= n;
		if (used + n < 64)
			return;
		blocks(s->h, s->buf, 1);
	}
	if (len >= 64) {
		blocks(s->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len)
		memcpy(s->buf, p, len);
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
	uint64_t bits = s->bytes << 3;
	size_t used = (size_t)(s->bytes & 63);
	unsigned i;

	s->buf[used++] = 0x80;
	if (used > 56) {
		memset(s->buf + used, 0, 64 - used);
		blocks(s->h, s->buf, 1);
		used = 0;
	}
	memset(s->buf + used, 0, 56 - used);
	put_be32(s->buf + 56, (uint32_t)(bits >> 32));
	put_be32(s->buf + 60, (uint32_t)bits);
	blocks(s->h, s->buf, 1);
	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, s->h[i]);
}

void sha256_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * SHA256_LEN] = '\0';
}
