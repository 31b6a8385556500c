/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm-verity over a data device and a hash tree made by `veritysetup
 * format`: the superblock gives every parameter, only the root hash is
 * pinned (netinit.verity=ROOTHASH). Needs dm-mod and dm-verity loaded.
 */
#ifndef NETINIT_VERITY_H
#define NETINIT_VERITY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the verity superblock from @hash_dev at byte @hash_offset, creates
 * the read-only device-mapper device @name checking @data_dev against the
 * tree with root digest @root_hex (corruption = EIO on that block, the
 * kernel's default), reads its first block to check the root hash, and
 * writes "/dev/mapper/<name>" to @path. Those two reads wait as any read of
 * the devices does (over NBD: up to its io timeout, forever with none).
 * Returns 0, or -errno after one log
 * line, leaving nothing behind:
 *   -EBADMSG, -EPROTONOSUPPORT  no valid superblock at @hash_offset
 *   -EINVAL          @root_hex is not a digest of the superblock's algorithm,
 *                    or the kernel refused the table
 *   -EKEYREJECTED    the root hash does not match the hash tree (the first
 *                    block failed verification)
 *   other            reading the devices or the dm ioctls failed
 */
int verity_open(const char *name, const char *data_dev, const char *hash_dev,
		uint64_t hash_offset, const char *root_hex, char *path, size_t size);

#endif
