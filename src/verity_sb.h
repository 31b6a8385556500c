/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dm-verity superblock `veritysetup format` writes at the start of the
 * hash area (cryptsetup lib/verity/verity.c, struct verity_sb: 512 bytes,
 * little-endian), and the "verity" table line built from it
 * (Documentation/admin-guide/device-mapper/verity.rst). With it, only the
 * root hash has to be pinned. Pure: no syscalls.
 */
#ifndef NETINIT_VERITY_SB_H
#define NETINIT_VERITY_SB_H

#include <stddef.h>
#include <stdint.h>

#define VERITY_SB_SIZE     512
#define VERITY_SALT_MAX    256
#define VERITY_ALG_MAX     32
#define VERITY_DIGEST_MAX  64	/* sha512 */
#define VERITY_TABLE_MAX   (2 * 64 + 2 * VERITY_DIGEST_MAX + 2 * VERITY_SALT_MAX + 160)

struct verity_sb {
	uint32_t hash_type;		/* the table's <version>: 1 normal, 0 Chrome OS */
	char algorithm[VERITY_ALG_MAX];	/* NUL-terminated, e.g. "sha256" */
	uint32_t data_block_size;
	uint32_t hash_block_size;
	uint64_t data_blocks;
	uint16_t salt_size;
	uint8_t salt[VERITY_SALT_MAX];
	uint8_t uuid[16];
};

/*
 * Decodes the superblock at @buf (@len bytes) into @sb. Returns 0, or:
 *   -EBADMSG          fewer than 512 bytes, not "verity\0\0", or a bad
 *                     field: block size not a power of two in 512..512 KiB,
 *                     no data blocks, salt longer than 256, algorithm name
 *                     not NUL-terminated or not [a-z0-9-]
 *   -EPROTONOSUPPORT  superblock version not 1, or hash type above 1
 */
int verity_sb_parse(const uint8_t *buf, size_t len, struct verity_sb *sb);

/* The digest length of a known algorithm (sha1, sha256, sha512), else 0. */
unsigned verity_digest_len(const char *algorithm);

/* Sectors of 512 bytes the verity target covers: data_blocks * data_block_size. */
uint64_t verity_sb_sectors(const struct verity_sb *sb);

/*
 * Writes the verity table parameters for data on @data_dev, the hash tree
 * on @hash_dev with its superblock at byte @hash_offset (the tree follows
 * in the next hash block, as veritysetup writes it), and root digest
 * @root_hex, into @out (@size bytes):
 *   "1 DATA HASH 4096 4096 BLOCKS START sha256 ROOT SALT"  (salt "-" if none)
 * Returns the length, or -EINVAL (@root_hex not hex of the algorithm's
 * digest length, @hash_offset not a multiple of 512, a device name empty
 * or with a space) or -ENAMETOOLONG (@size too small).
 */
int verity_sb_table(const struct verity_sb *sb, const char *data_dev, const char *hash_dev,
		    uint64_t hash_offset, const char *root_hex, char *out, size_t size);

#endif
