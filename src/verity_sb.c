/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm-verity superblock (cryptsetup's struct verity_sb, written by
 * `veritysetup format` unless --no-superblock) and the verity target's
 * table line (Documentation/admin-guide/device-mapper/verity.rst). The
 * superblock comes from the server with the image: every field is checked
 * as cryptsetup's VERITY_read_sb() does before it reaches the kernel.
 *
 * Layout, little-endian: 0 signature "verity\0\0", 8 version (1),
 * 12 hash_type, 16 uuid[16], 32 algorithm[32], 64 data_block_size,
 * 68 hash_block_size, 72 data_blocks (u64), 80 salt_size (u16), 82 pad[6],
 * 88 salt[256], 344 pad[168].
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "verity_sb.h"

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static int block_size_ok(uint32_t v)
{
	return v >= 512 && v <= 512 * 1024 && !(v & (v - 1));
}

static int algorithm_ok(const uint8_t *p)
{
	size_t i;

	for (i = 0; i < VERITY_ALG_MAX && p[i]; i++) {
		uint8_t c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return i > 0 && i < VERITY_ALG_MAX;
}

int verity_sb_parse(const uint8_t *buf, size_t len, struct verity_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	if (len < VERITY_SB_SIZE || memcmp(buf, "verity\0\0", 8) != 0)
		return -EBADMSG;
	if (le(buf + 8, 4) != 1)
		return -EPROTONOSUPPORT;
	sb->hash_type = (uint32_t)le(buf + 12, 4);
	if (sb->hash_type > 1)
		return -EPROTONOSUPPORT;
	memcpy(sb->uuid, buf + 16, sizeof(sb->uuid));
	if (!algorithm_ok(buf + 32))
		return -EBADMSG;
	memcpy(sb->algorithm, buf + 32, VERITY_ALG_MAX);
	sb->data_block_size = (uint32_t)le(buf + 64, 4);
	sb->hash_block_size = (uint32_t)le(buf + 68, 4);
	sb->data_blocks = le(buf + 72, 8);
	sb->salt_size = (uint16_t)le(buf + 80, 2);
	if (!block_size_ok(sb->data_block_size) || !block_size_ok(sb->hash_block_size) ||
	    sb->data_blocks == 0 || sb->data_blocks > (UINT64_MAX >> 20) ||
	    sb->salt_size > VERITY_SALT_MAX)
		return -EBADMSG;
	memcpy(sb->salt, buf + 88, sb->salt_size);
	return 0;
}

unsigned verity_digest_len(const char *algorithm)
{
	static const struct { const char *name; unsigned len; } known[] = {
		{ "sha1", 20 }, { "sha256", 32 }, { "sha512", 64 },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(algorithm, known[i].name) == 0)
			return known[i].len;
	return 0;
}

uint64_t verity_sb_sectors(const struct verity_sb *sb)
{
	return sb->data_blocks * (sb->data_block_size / 512);
}

/* Appends @s to @out at *@at; 0 or -ENAMETOOLONG. */
static int put(char *out, size_t size, size_t *at, const char *s, size_t n)
{
	if (n >= size - *at)
		return -ENAMETOOLONG;
	memcpy(out + *at, s, n);
	*at += n;
	out[*at] = '\0';
	return 0;
}

static int put_u64(char *out, size_t size, size_t *at, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put(out, size, at, tmp + i, sizeof(tmp) - i);
}

static int put_hex(char *out, size_t size, size_t *at, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char two[2] = { digits[p[i] >> 4], digits[p[i] & 15] };

		if (put(out, size, at, two, 2) < 0)
			return -ENAMETOOLONG;
	}
	return 0;
}

static int dev_ok(const char *dev)
{
	return dev[0] && !strpbrk(dev, " \t\n");
}

/* Root digest: hex of the algorithm's length (any even 2..128 if unknown), lower-cased. */
static int root_ok(const struct verity_sb *sb, const char *hex)
{
	size_t n = strlen(hex), i, want = 2 * verity_digest_len(sb->algorithm);

	if (want ? n != want : (n < 2 || n > 2 * VERITY_DIGEST_MAX || n % 2))
		return 0;
	for (i = 0; i < n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || ((hex[i] | 0x20) >= 'a' && (hex[i] | 0x20) <= 'f')))
			return 0;
	return 1;
}

int verity_sb_table(const struct verity_sb *sb, const char *data_dev, const char *hash_dev,
		    uint64_t hash_offset, const char *root_hex, char *out, size_t size)
{
	uint64_t start = (hash_offset + VERITY_SB_SIZE + sb->hash_block_size - 1) / sb->hash_block_size;
	size_t at = 0, i;
	int rc = 0;

	if (!root_ok(sb, root_hex) || hash_offset % 512 || hash_offset > (UINT64_MAX >> 1) ||
	    !dev_ok(data_dev) || !dev_ok(hash_dev))
		return -EINVAL;
	if (size == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	/* "<version> <data> <hash> <data bs> <hash bs> <data blocks> <hash start> <alg> " */
	for (i = 0; i < 8; i++) {
		const char *str[8] = { NULL, data_dev, hash_dev, NULL, NULL, NULL, NULL, sb->algorithm };
		uint64_t num[8] = { sb->hash_type, 0, 0, sb->data_block_size, sb->hash_block_size,
				    sb->data_blocks, start };

		rc |= str[i] ? put(out, size, &at, str[i], strlen(str[i])) : put_u64(out, size, &at, num[i]);
		rc |= put(out, size, &at, " ", 1);
	}
	for (i = 0; root_hex[i] && rc == 0; i++) {
		char c = (char)(root_hex[i] >= 'A' && root_hex[i] <= 'F' ? root_hex[i] | 0x20 : root_hex[i]);

		rc |= put(out, size, &at, &c, 1);
	}
	rc |= put(out, size, &at, " ", 1);
	if (sb->salt_size)
		rc |= put_hex(out, size, &at, sb->salt, sb->salt_size);
	else
		rc |= put(out, size, &at, "-", 1);
	return rc ? -ENAMETOOLONG : (int)at;
}
