/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * verity_open(): superblock (verity_sb.c) -> table -> device-mapper device
 * (dm.c) -> a first read that proves the pinned root hash. dm-verity
 * itself accepts any root digest of the right length and only fails reads,
 * so a wrong netinit.verity= would otherwise surface later as an I/O error
 * in the middle of the boot (Documentation/admin-guide/device-mapper/verity.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "log.h"
#include "verity.h"
#include "verity_sb.h"

static int read_at(const char *dev, uint64_t off, void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)off);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -ENODATA;
}

int verity_open(const char *name, const char *data_dev, const char *hash_dev,
		uint64_t hash_offset, const char *root_hex, char *path, size_t size)
{
	static char table[1024];
	static uint8_t buf[4096];	/* a superblock, then the first data block */
	struct verity_sb sb;
	int rc;

	rc = read_at(hash_dev, hash_offset, buf, VERITY_SB_SIZE);
	if (rc < 0) {
		log_err("verity: cannot read the superblock from %s at %llu: %s", hash_dev,
			(unsigned long long)hash_offset, strerror(-rc));
		return rc;
	}
	rc = verity_sb_parse(buf, VERITY_SB_SIZE, &sb);
	if (rc < 0) {
		log_err("verity: %s at %llu: %s; make the hash tree with 'veritysetup format'",
			hash_dev, (unsigned long long)hash_offset,
			rc == -EPROTONOSUPPORT ? "unsupported superblock version or hash type"
					       : "no valid verity superblock");
		return rc;
	}
	rc = verity_sb_table(&sb, data_dev, hash_dev, hash_offset, root_hex, table, sizeof(table));
	if (rc < 0 && hash_offset % 512) {
		log_err("verity: hash offset %llu is not a multiple of 512",
			(unsigned long long)hash_offset);
		return rc;
	}
	if (rc < 0) {
		log_err("verity: root hash '%.140s' is not a %s digest (%u hex digits)", root_hex,
			sb.algorithm, 2 * verity_digest_len(sb.algorithm));
		return rc;
	}
	rc = dm_create(name, verity_sb_sectors(&sb), "verity", table, path, size);
	if (rc < 0)
		return rc;
	rc = read_at(path, 0, buf, sb.data_block_size < sizeof(buf) ? sb.data_block_size : sizeof(buf));
	if (rc < 0) {
		dm_remove(name);
		if (rc == -EIO) {
			log_err("verity: the root hash does not match the hash tree of %s "
				"(or the tree is damaged): check netinit.verity=", hash_dev);
			return -EKEYREJECTED;
		}
		log_err("verity: cannot read %s: %s", path, strerror(-rc));
		return rc;
	}
	return 0;
}
