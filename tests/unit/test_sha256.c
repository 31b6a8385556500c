/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 tests: the FIPS 180-4 example vectors (NIST CSRC "Examples with
 * intermediate values": "abc", the 448-bit two-block message, one million
 * 'a'), the empty message, every padding boundary against sha256sum, and the
 * streaming API fed the same input split at every byte offset. All of it
 * runs twice, on the portable rounds and on the CPU's SHA extensions (when
 * this CPU has them), and the two are compared on pseudo-random inputs of
 * every length up to 4 KiB, each fed in random pieces.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sha256.h"

static const char *hex_of(const void *data, size_t len)
{
	static char hex[SHA256_HEX];
	uint8_t d[SHA256_LEN];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
	return hex;
}

static const struct {
	const char *msg;
	const char *hex;
} vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
	  "klmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "The quick brown fox jumps over the lazy dog",
	  "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592" },
};

static void test_vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		CHECK_EQ_STR(hex_of(vectors[i].msg, strlen(vectors[i].msg)), vectors[i].hex);
}

/* One million 'a', fed in uneven pieces so partial blocks carry over. */
static void test_million(void)
{
	static char a[1000000];
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];
	struct sha256 s;
	size_t off = 0, step = 1;

	memset(a, 'a', sizeof(a));
	CHECK_EQ_STR(hex_of(a, sizeof(a)),
		     "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	sha256_init(&s);
	while (off < sizeof(a)) {
		size_t n = step < sizeof(a) - off ? step : sizeof(a) - off;

		sha256_update(&s, a + off, n);
		off += n;
		step = step * 7 % 1021 + 1;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	CHECK_EQ_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every split point, two and three pieces, equals the one-shot digest. */
static void test_splits(void)
{
	static uint8_t buf[300];
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200, 300 };
	char one[SHA256_HEX], hex[SHA256_HEX];
	uint8_t d[SHA256_LEN];
	struct sha256 s;
	size_t i, a, b, len, bad;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = lens[i];
		strcpy(one, hex_of(buf, len));
		bad = 0;
		for (a = 0; a <= len; a++) {
			for (b = a; b <= len; b += (len > 70 ? 13 : 1)) {
				sha256_init(&s);
				sha256_update(&s, buf, a);
				sha256_update(&s, buf + a, b - a);
				sha256_update(&s, buf + b, len - b);
				sha256_final(&s, d);
				sha256_hex(d, hex);
				bad += strcmp(hex, one) != 0;
			}
		}
		CHECK_EQ_INT(bad, 0);
	}
	/* unaligned input (UBSan would catch a word cast) equals a copy at offset 0 */
	strcpy(one, hex_of(buf, 128));
	memmove(buf + 3, buf, 128);
	CHECK_EQ_STR(hex_of(buf + 3, 128), one);
}

/* Lengths around every padding boundary, compared with sha256sum. */
static void test_sha256sum(void)
{
	static const size_t lens[] = { 0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 119, 120, 127, 128,
				       129, 1000, 65536 + 17 };
	static uint8_t buf[65536 + 17];
	char path[] = "/tmp/test_sha256.XXXXXX", cmd[64], want[SHA256_HEX];
	size_t i;
	FILE *f, *p;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i ^ (i >> 8) ^ 0x5a);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		int fd = mkstemp(path);

		if (fd < 0 || !(f = fdopen(fd, "wb"))) {
			CHECK(!"cannot make a temporary file");
			return;
		}
		fwrite(buf, 1, lens[i], f);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
		p = popen(cmd, "r");
		if (!p || fscanf(p, "%64s", want) != 1) {
			fprintf(stderr, "sha256sum not available: cross-check skipped\n");
			if (p)
				pclose(p);
			remove(path);
			return;
		}
		pclose(p);
		remove(path);
		strcpy(path, "/tmp/test_sha256.XXXXXX");
		CHECK_EQ_STR(hex_of(buf, lens[i]), want);
	}
}

/* xorshift: the same inputs on every run. */
static uint32_t rnd(void)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static void digest_pieces(int impl, const uint8_t *p, size_t len, char hex[SHA256_HEX])
{
	uint8_t d[SHA256_LEN];
	struct sha256 s;
	size_t off = 0;

	sha256_select(impl);
	sha256_init(&s);
	while (off < len) {
		size_t n = rnd() % 300;

		if (n > len - off)
			n = len - off;
		sha256_update(&s, p + off, n);
		off += n;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

/* The extensions and the portable code agree at every length, any split. */
static void test_ni_vs_portable(void)
{
	static uint8_t buf[4096 + 1];
	char a[SHA256_HEX], b[SHA256_HEX];
	size_t len, i, bad = 0;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	for (len = 0; len <= 4096; len++) {
		digest_pieces(0, buf + (len & 1), len, a);
		digest_pieces(1, buf + (len & 1), len, b);
		bad += strcmp(a, b) != 0;
	}
	CHECK_EQ_INT(bad, 0);
}

static void run_all(void)
{
	test_vectors();
	test_million();
	test_splits();
	test_sha256sum();
}

int main(void)
{
	CHECK_EQ_INT(sha256_select(0), 0);
	run_all();
	if (sha256_select(1)) {
		printf("sha256: the CPU's SHA extensions: same tests again\n");
		run_all();
		test_ni_vs_portable();
	} else {
		printf("sha256: this CPU has no SHA extensions: portable code only (SKIPPED the rest)\n");
	}
	return check_report("sha256");
}
