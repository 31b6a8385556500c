/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Squashfs superblock checks on a real superblock and mutated copies of it.
 * Fixture fixtures/squashfs/tiny.sb: the first 96 bytes of a 4096-byte image
 * (bytes_used 224, gzip, 128 KiB blocks, 2 inodes) made with mksquashfs 4.5.1:
 *   mkdir root && echo hello >root/hello
 *   SOURCE_DATE_EPOCH=0 mksquashfs root tiny.sqfs -noappend -all-root \
 *       -comp gzip -b 131072 -quiet
 *   head -c 96 tiny.sqfs >tests/fixtures/squashfs/tiny.sb
 * Run from tests/.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "squashfs.h"

static uint8_t sb0[SQUASHFS_SB_SIZE];

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	while (n--) {
		*p++ = (uint8_t)v;
		v >>= 8;
	}
}

static void test_real(void)
{
	struct squashfs_sb sb;

	CHECK_EQ_INT(squashfs_check(sb0, sizeof(sb0), 4096, &sb), 0);
	CHECK_EQ_INT(sb.magic, 0x73717368);
	CHECK_EQ_INT(sb.inodes, 2);
	CHECK_EQ_INT(sb.block_size, 131072);
	CHECK_EQ_INT(sb.block_log, 17);
	CHECK_EQ_INT(sb.compression, 1);
	CHECK_EQ_INT(sb.major, 4);
	CHECK_EQ_INT(sb.minor, 0);
	CHECK_EQ_INT(sb.bytes_used, 224);
	/* exactly bytes_used is enough: mksquashfs -nopad images end there */
	CHECK_EQ_INT(squashfs_check(sb0, sizeof(sb0), 224, &sb), 0);
}

/* Each row: the fixture with one field overwritten (@off, @n bytes LE). */
static const struct {
	const char *what;
	unsigned off, n;
	uint64_t val;
	uint64_t file_size;
	int rc;
} mutations[] = {
	{ "bad magic (big-endian sqsh)", 0, 4, 0x68737173, 4096, -EBADMSG },
	{ "bad magic (HTML page)", 0, 4, 0x6f64213c, 4096, -EBADMSG },
	{ "squashfs 3.1", 28, 2, 3, 4096, -EPROTONOSUPPORT },
	{ "squashfs 5.0", 28, 2, 5, 4096, -EPROTONOSUPPORT },
	{ "squashfs 4.1", 30, 2, 1, 4096, -EPROTONOSUPPORT },
	{ "block_log 16 for 128 KiB", 22, 2, 16, 4096, -EINVAL },
	{ "block_log 18 for 128 KiB", 22, 2, 18, 4096, -EINVAL },
	{ "block_log 65535", 22, 2, 65535, 4096, -EINVAL },
	{ "block_size not a power of two", 12, 4, 131073, 4096, -EINVAL },
	{ "block_size 0", 12, 4, 0, 4096, -EINVAL },
	{ "bytes_used one past the file", 40, 8, 4097, 4096, -ENODATA },
	{ "bytes_used 2^64-1", 40, 8, UINT64_MAX, 4096, -ENODATA },
	{ "file shorter than bytes_used", 40, 8, 224, 223, -ENODATA },
	{ "file of 0 bytes", 40, 8, 224, 0, -ENODATA },
	{ "bytes_used = file size", 40, 8, 4096, 4096, 0 },
	{ "unused field changed", 16, 4, 12345, 4096, 0 },
};

static void test_mutations(void)
{
	struct squashfs_sb sb;
	uint8_t buf[SQUASHFS_SB_SIZE];
	size_t i;

	for (i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		int rc;

		memcpy(buf, sb0, sizeof(buf));
		put_le(buf + mutations[i].off, mutations[i].val, mutations[i].n);
		rc = squashfs_check(buf, sizeof(buf), mutations[i].file_size, &sb);
		if (rc != mutations[i].rc)
			fprintf(stderr, "mutation '%s':\n", mutations[i].what);
		CHECK_EQ_INT(rc, mutations[i].rc);
	}
}

/* Valid block sizes 4 KiB .. 1 MiB; 2 KiB and 2 MiB are refused. */
static void test_block_sizes(void)
{
	struct squashfs_sb sb;
	uint8_t buf[SQUASHFS_SB_SIZE];
	unsigned log;

	for (log = 11; log <= 21; log++) {
		memcpy(buf, sb0, sizeof(buf));
		put_le(buf + 12, 1u << log, 4);
		put_le(buf + 22, log, 2);
		CHECK_EQ_INT(squashfs_check(buf, sizeof(buf), 4096, &sb),
			     log >= 12 && log <= 20 ? 0 : -EINVAL);
	}
}

/* Every truncation of the superblock is refused (and read in bounds: ASan). */
static void test_short(void)
{
	struct squashfs_sb sb;
	uint8_t buf[SQUASHFS_SB_SIZE];
	size_t len, bad = 0;

	for (len = 0; len < sizeof(sb0); len++) {
		memcpy(buf, sb0, len);
		bad += squashfs_check(buf, len, 4096, &sb) != -EBADMSG;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(squashfs_check(sb0, 4, 4096, &sb), -EBADMSG);
	CHECK_EQ_INT(sb.magic, 0x73717368);
	CHECK_EQ_INT(squashfs_check(NULL, 0, 0, &sb), -EBADMSG);
}

int main(void)
{
	if (check_load("fixtures/squashfs/tiny.sb", sb0, sizeof(sb0)) != sizeof(sb0)) {
		fprintf(stderr, "fixtures/squashfs/tiny.sb: expected %d bytes\n", SQUASHFS_SB_SIZE);
		return check_report("squashfs") | 1;
	}
	test_real();
	test_mutations();
	test_block_sizes();
	test_short();
	return check_report("squashfs");
}
