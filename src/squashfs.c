/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Squashfs 4.0 superblock checks, the same the kernel makes in
 * fs/squashfs/super.c (squashfs_fill_super) before it trusts an image, plus
 * the one that catches a short download: the filesystem must fit in the
 * file. The superblock comes from the network: every field is distrusted
 * and read with byte helpers (little-endian), never through a struct cast.
 * Layout: the kernel's fs/squashfs/squashfs_fs.h, squashfs_super_block. Pure: no
 * syscalls.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "squashfs.h"

#define SQUASHFS_MAGIC     0x73717368u	/* "hsqs" on disk */
#define SQUASHFS_MAJOR     4
#define SQUASHFS_MINOR     0
#define BLOCK_LOG_MIN      12		/* 4 KiB */
#define BLOCK_LOG_MAX      20		/* 1 MiB: SQUASHFS_FILE_MAX_LOG */

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

int squashfs_check(const uint8_t *buf, size_t len, uint64_t file_size, struct squashfs_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	if (len >= 4)
		sb->magic = get_le32(buf);
	if (len < SQUASHFS_SB_SIZE || sb->magic != SQUASHFS_MAGIC)
		return -EBADMSG;
	sb->inodes = get_le32(buf + 4);
	sb->block_size = get_le32(buf + 12);
	sb->compression = get_le16(buf + 20);
	sb->block_log = get_le16(buf + 22);
	sb->major = get_le16(buf + 28);
	sb->minor = get_le16(buf + 30);
	sb->bytes_used = get_le64(buf + 40);
	if (sb->major != SQUASHFS_MAJOR || sb->minor > SQUASHFS_MINOR)
		return -EPROTONOSUPPORT;
	if (sb->block_log < BLOCK_LOG_MIN || sb->block_log > BLOCK_LOG_MAX ||
	    sb->block_size != 1u << sb->block_log)
		return -EINVAL;
	if (sb->bytes_used > file_size)
		return -ENODATA;
	return 0;
}
