/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-mapper without libdevmapper: the ioctls on /dev/mapper/control
 * (include/uapi/linux/dm-ioctl.h). The dm-mod module (and the target's,
 * e.g. dm-verity) must be loaded first.
 */
#ifndef NETINIT_DM_H
#define NETINIT_DM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Creates the read-only device @name with one target of @sectors (512
 * bytes) of type @target with table parameters @params, and activates it.
 * Writes its node "/dev/mapper/<name>" (made with mknod: devtmpfs only has
 * /dev/dm-N) to @path. Returns 0 or -errno after one log line; on failure
 * nothing is left behind. -EEXIST: the name is taken; -EINVAL from the
 * table load: the kernel refused the table (its reason is in dmesg).
 */
int dm_create(const char *name, uint64_t sectors, const char *target, const char *params,
	      char *path, size_t size);

/* Removes device @name and its /dev/mapper node. 0 or -errno (-EBUSY: open). */
int dm_remove(const char *name);

#endif
