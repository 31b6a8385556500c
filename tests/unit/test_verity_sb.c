/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Verity superblock parsing and the table line, on superblocks made by the
 * real `veritysetup format` (cryptsetup 2.6.1) and mutated copies of them.
 * Fixtures in tests/fixtures/verity/, each the first 512 bytes of the hash file,
 * data = 64 KiB of Python's random.Random(5).randbytes(65536), U = 11111111-2222-3333-4444-555555555555:
 *   sha256.sb          veritysetup format --uuid=$U --salt=0011..eeff (32 bytes, twice 0011..eeff) d h
 *   sha1-1k-512.sb     ... --hash=sha1 --data-block-size=1024 --hash-block-size=512 --salt=0a0b0c
 *   sha512-nosalt.sb   ... --hash=sha512 --salt=-
 *   format0.sb         ... --format=0 --salt=01
 * The expected values are what `veritysetup format` printed for each.
 * Run from tests/.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "verity_sb.h"

#define ROOT256 "edd3e25f678e90ece96f29ba960e1ffd0e459f6940071b640baf7d5a20d278d7"
#define SALT256 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define ROOT1   "4bbc9b40c13da7288c8b9de60d3340d169ce2994"
#define ROOT512 "1bdfd274ec6c7eaf6117b5c40d4cfb4a6cab9504c01c250de4e6ea141920e777" \
		"b179b12b7ecfc4a4edbe38fe3971bb030ca7211446eda8d68bdf91adf2be8ee7"
#define ROOT0   "d011061d004045c07c8538f5554d4e6fbe1a8e3051cf602254171cc2e181009d"

static const struct {
	const char *file;
	uint32_t hash_type;
	const char *alg;
	uint32_t dbs, hbs;
	uint64_t blocks;
	unsigned salt_size;
	const char *root;
	uint64_t hash_offset;
	const char *table;
} real[] = {
	{ "fixtures/verity/sha256.sb", 1, "sha256", 4096, 4096, 16, 32, ROOT256, 0,
	  "1 /dev/nbd0 /dev/nbd1 4096 4096 16 1 sha256 " ROOT256 " " SALT256 },
	/* hash tree appended to the data: superblock at 4 MiB, tree from block 1025 */
	{ "fixtures/verity/sha256.sb", 1, "sha256", 4096, 4096, 16, 32, ROOT256, 4 << 20,
	  "1 /dev/nbd0 /dev/nbd1 4096 4096 16 1025 sha256 " ROOT256 " " SALT256 },
	{ "fixtures/verity/sha1-1k-512.sb", 1, "sha1", 1024, 512, 64, 3, ROOT1, 65536,
	  "1 /dev/nbd0 /dev/nbd1 1024 512 64 129 sha1 " ROOT1 " 0a0b0c" },
	{ "fixtures/verity/sha512-nosalt.sb", 1, "sha512", 4096, 4096, 16, 0, ROOT512, 0,
	  "1 /dev/nbd0 /dev/nbd1 4096 4096 16 1 sha512 " ROOT512 " -" },
	{ "fixtures/verity/format0.sb", 0, "sha256", 4096, 4096, 16, 1, ROOT0, 0,
	  "0 /dev/nbd0 /dev/nbd1 4096 4096 16 1 sha256 " ROOT0 " 01" },
};

static uint8_t sb0[VERITY_SB_SIZE];

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	while (n--) {
		*p++ = (uint8_t)v;
		v >>= 8;
	}
}

static void test_real(void)
{
	static const uint8_t uuid[16] = { 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x33, 0x33,
					  0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
	char table[1024];
	size_t i;

	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		uint8_t buf[VERITY_SB_SIZE];
		struct verity_sb sb;

		CHECK_EQ_INT(check_load(real[i].file, buf, sizeof(buf)), VERITY_SB_SIZE);
		CHECK_EQ_INT(verity_sb_parse(buf, sizeof(buf), &sb), 0);
		CHECK_EQ_INT(sb.hash_type, real[i].hash_type);
		CHECK_EQ_STR(sb.algorithm, real[i].alg);
		CHECK_EQ_INT(sb.data_block_size, real[i].dbs);
		CHECK_EQ_INT(sb.hash_block_size, real[i].hbs);
		CHECK_EQ_INT(sb.data_blocks, real[i].blocks);
		CHECK_EQ_INT(sb.salt_size, real[i].salt_size);
		CHECK(memcmp(sb.uuid, uuid, 16) == 0);
		CHECK_EQ_INT(verity_sb_sectors(&sb), real[i].blocks * real[i].dbs / 512);
		CHECK_EQ_INT(verity_sb_table(&sb, "/dev/nbd0", "/dev/nbd1", real[i].hash_offset,
					     real[i].root, table, sizeof(table)),
			     (long long)strlen(real[i].table));
		CHECK_EQ_STR(table, real[i].table);
	}
}

/* Mutations of sha256.sb: what must be refused, and with which error. */
static void test_refused(void)
{
	static const struct {
		unsigned off, len;
		uint64_t val;
		int rc;
	} bad[] = {
		{ 0, 1, 'V', -EBADMSG },		/* signature */
		{ 6, 1, 'x', -EBADMSG },		/* "verity\0\0" exactly */
		{ 8, 4, 0, -EPROTONOSUPPORT },		/* version */
		{ 8, 4, 2, -EPROTONOSUPPORT },
		{ 12, 4, 2, -EPROTONOSUPPORT },		/* hash type */
		{ 32, 1, 0, -EBADMSG },			/* empty algorithm */
		{ 32, 1, 'S', -EBADMSG },		/* not [a-z0-9-] */
		{ 38, 1, ' ', -EBADMSG },		/* "sha256 " */
		{ 64, 4, 0, -EBADMSG },			/* data block size */
		{ 64, 4, 256, -EBADMSG },
		{ 64, 4, 4097, -EBADMSG },
		{ 64, 4, 1024 * 1024, -EBADMSG },
		{ 68, 4, 6144, -EBADMSG },		/* hash block size */
		{ 68, 4, 0xffffffff, -EBADMSG },
		{ 72, 8, 0, -EBADMSG },			/* no data blocks */
		{ 72, 8, UINT64_MAX, -EBADMSG },	/* sectors would overflow */
		{ 80, 2, 257, -EBADMSG },		/* salt size */
		{ 80, 2, 0xffff, -EBADMSG },
	};
	struct verity_sb sb;
	uint8_t buf[VERITY_SB_SIZE];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf, sb0, sizeof(buf));
		put_le(buf + bad[i].off, bad[i].val, bad[i].len);
		if (verity_sb_parse(buf, sizeof(buf), &sb) != bad[i].rc)
			fprintf(stderr, "mutation %zu (offset %u)\n", i, bad[i].off);
		CHECK_EQ_INT(verity_sb_parse(buf, sizeof(buf), &sb), bad[i].rc);
	}
	/* a name filling all 32 bytes has no NUL */
	memcpy(buf, sb0, sizeof(buf));
	memset(buf + 32, 'a', 32);
	CHECK_EQ_INT(verity_sb_parse(buf, sizeof(buf), &sb), -EBADMSG);
	/* 31 letters and the NUL are fine (the kernel decides if it knows it) */
	buf[63] = 0;
	CHECK_EQ_INT(verity_sb_parse(buf, sizeof(buf), &sb), 0);
	CHECK_EQ_INT(verity_digest_len(sb.algorithm), 0);
	/* short input; a zeroed area (no superblock at that offset) */
	CHECK_EQ_INT(verity_sb_parse(sb0, VERITY_SB_SIZE - 1, &sb), -EBADMSG);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ_INT(verity_sb_parse(buf, sizeof(buf), &sb), -EBADMSG);
	/* the largest sizes cryptsetup allows still parse */
	memcpy(buf, sb0, sizeof(buf));
	put_le(buf + 64, 512 * 1024, 4);
	put_le(buf + 68, 512, 4);
	put_le(buf + 80, 256, 2);
	CHECK_EQ_INT(verity_sb_parse(buf, sizeof(buf), &sb), 0);
	CHECK_EQ_INT(sb.salt_size, 256);
}

static void test_table_args(void)
{
	struct verity_sb sb;
	char table[1024];
	char unknown[2 * 64 + 3];

	verity_sb_parse(sb0, sizeof(sb0), &sb);
	/* the root hash: hex, exactly the digest's length, upper case lowered */
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, "abcd", table, sizeof(table)), -EINVAL);
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, ROOT256 "00", table, sizeof(table)), -EINVAL);
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, "", table, sizeof(table)), -EINVAL);
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0,
				     "xdd3e25f678e90ece96f29ba960e1ffd0e459f6940071b640baf7d5a20d278d7",
				     table, sizeof(table)), -EINVAL);
	CHECK(verity_sb_table(&sb, "/d", "/h", 0,
			      "EDD3E25F678E90ECE96F29BA960E1FFD0E459F6940071B640BAF7D5A20D278D7",
			      table, sizeof(table)) > 0);
	CHECK(strstr(table, " " ROOT256 " ") != NULL);
	/* the hash offset in whole sectors; device names without spaces */
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 100, ROOT256, table, sizeof(table)), -EINVAL);
	CHECK_EQ_INT(verity_sb_table(&sb, "/d x", "/h", 0, ROOT256, table, sizeof(table)), -EINVAL);
	CHECK_EQ_INT(verity_sb_table(&sb, "", "/h", 0, ROOT256, table, sizeof(table)), -EINVAL);
	/* the tree starts at the first hash block after the superblock, as cryptsetup computes */
	CHECK(verity_sb_table(&sb, "/d", "/h", 3584, ROOT256, table, sizeof(table)) > 0);
	CHECK(strstr(table, " 16 1 sha256 ") != NULL);
	CHECK(verity_sb_table(&sb, "/d", "/h", 4096, ROOT256, table, sizeof(table)) > 0);
	CHECK(strstr(table, " 16 2 sha256 ") != NULL);
	CHECK(verity_sb_table(&sb, "/d", "/h", 7680, ROOT256, table, sizeof(table)) > 0);
	CHECK(strstr(table, " 16 2 sha256 ") != NULL);
	CHECK(verity_sb_table(&sb, "/d", "/h", 8192, ROOT256, table, sizeof(table)) > 0);
	CHECK(strstr(table, " 16 3 sha256 ") != NULL);
	/* output buffer too small, by one and by a lot */
	CHECK_EQ_INT(verity_sb_table(&sb, "/dev/nbd0", "/dev/nbd1", 0, ROOT256, table,
				     strlen(real[0].table)), -ENAMETOOLONG);
	CHECK_EQ_INT(verity_sb_table(&sb, "/dev/nbd0", "/dev/nbd1", 0, ROOT256, table,
				     strlen(real[0].table) + 1), (long long)strlen(real[0].table));
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, ROOT256, table, 1), -ENAMETOOLONG);
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, ROOT256, table, 0), -ENAMETOOLONG);
	/* an algorithm we do not know: any even hex length up to 128, the kernel checks */
	strcpy(sb.algorithm, "streebog256");
	memset(unknown, 'a', sizeof(unknown));
	unknown[128] = 0;
	CHECK(verity_sb_table(&sb, "/d", "/h", 0, unknown, table, sizeof(table)) > 0);
	unknown[127] = 0;
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, unknown, table, sizeof(table)), -EINVAL);
	unknown[127] = 'a';
	unknown[128] = 'a';
	unknown[129] = 'a';
	unknown[130] = 0;	/* 65 bytes: longer than any digest */
	CHECK_EQ_INT(verity_sb_table(&sb, "/d", "/h", 0, unknown, table, sizeof(table)), -EINVAL);
}

int main(void)
{
	check_load("fixtures/verity/sha256.sb", sb0, sizeof(sb0));
	test_real();
	test_refused();
	test_table_args();
	return check_report("test_verity_sb");
}
