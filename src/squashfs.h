/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Squashfs 4.0 superblock checks (the kernel's fs/squashfs/squashfs_fs.h,
 * struct squashfs_super_block: 96 bytes, little-endian). Pure: no syscalls.
 */
#ifndef NETINIT_SQUASHFS_H
#define NETINIT_SQUASHFS_H

#include <stddef.h>
#include <stdint.h>

#define SQUASHFS_SB_SIZE 96

/* The superblock fields the checks look at, host byte order. */
struct squashfs_sb {
	uint32_t magic;
	uint32_t inodes;
	uint32_t block_size;
	uint16_t compression;
	uint16_t block_log;
	uint16_t major, minor;
	uint64_t bytes_used;
};

/*
 * Decodes the superblock at @buf (@len bytes, the start of a file of
 * @file_size bytes) into @sb and checks that the kernel can mount it:
 * magic "hsqs", version 4.0, block_size a power of two from 4 KiB to
 * 1 MiB with block_log = log2(block_size), and bytes_used <= @file_size.
 * Returns 0, or the first failure:
 *   -EBADMSG          fewer than 96 bytes, or not the squashfs magic
 *   -EPROTONOSUPPORT  another squashfs version (sb->major, sb->minor)
 *   -EINVAL           bad block_size / block_log
 *   -ENODATA          truncated: bytes_used > @file_size
 * @sb is filled as far as @len allows (zeroed first).
 */
int squashfs_check(const uint8_t *buf, size_t len, uint64_t file_size, struct squashfs_sb *sb);

#endif
