/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Device-mapper ioctls (include/uapi/linux/dm-ioctl.h, drivers/md/dm-ioctl.c)
 * as dmsetup issues them for "dmsetup create --readonly NAME --table ...":
 * DM_VERSION (interface 4), DM_DEV_CREATE, DM_TABLE_LOAD of one target with
 * DM_READONLY_FLAG, DM_DEV_SUSPEND without DM_SUSPEND_FLAG (= resume, which
 * makes the loaded table live); DM_DEV_REMOVE undoes it. No udev: the node
 * under /dev/mapper is made here from the device number the kernel returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/dm-ioctl.h>

#include "dm.h"
#include "file.h"
#include "log.h"

#define DM_CONTROL  "/dev/mapper/control"
#define DM_BUF      4096	/* one target: the verity line is < 1 KiB */

/* The dm_ioctl header, then (for a table load) one target spec and its parameters. */
static union {
	struct dm_ioctl io;
	char raw[DM_BUF];
} dmb;

/* /dev/mapper/control, made from the misc device's number if devtmpfs lacks it. */
static int control_open(void)
{
	unsigned maj, min;
	int fd;

	fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd < 0 ? -errno : fd;
	if (file_read_devnum("/sys/class/misc/device-mapper/dev", &maj, &min) < 0)
		return -ENOENT;
	mkdir("/dev/mapper", 0755);
	if (mknod(DM_CONTROL, S_IFCHR | 0600, makedev(maj, min)) < 0 && errno != EEXIST)
		return -errno;
	fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void prepare(const char *name, uint32_t flags)
{
	memset(&dmb.io, 0, sizeof(dmb.io));
	dmb.io.version[0] = DM_VERSION_MAJOR;	/* 4.0.0: any 4.x kernel takes it */
	dmb.io.data_size = sizeof(dmb.io);
	dmb.io.data_start = sizeof(dmb.io);
	dmb.io.flags = flags;
	if (name)
		memcpy(dmb.io.name, name, strlen(name) + 1);
}

static int dm_ioctl(int fd, unsigned long cmd)
{
	return ioctl(fd, cmd, &dmb.io) < 0 ? -errno : 0;
}

/* Appends one target spec and its NUL-terminated parameters. */
static int put_target(uint64_t sectors, const char *target, const char *params)
{
	struct dm_target_spec *t = (struct dm_target_spec *)(dmb.raw + sizeof(dmb.io));
	size_t plen = strlen(params) + 1;
	size_t total = sizeof(dmb.io) + sizeof(*t) + ((plen + 7) & ~(size_t)7);

	if (strlen(target) >= sizeof(t->target_type) || total > sizeof(dmb.raw))
		return -E2BIG;
	memset(t, 0, sizeof(*t));
	t->length = sectors;
	memcpy(t->target_type, target, strlen(target) + 1);
	memset((char *)(t + 1), 0, total - sizeof(dmb.io) - sizeof(*t));
	memcpy((char *)(t + 1), params, plen);
	dmb.io.target_count = 1;
	dmb.io.data_size = (uint32_t)total;
	return 0;
}

static void remove_dev(int fd, const char *name)
{
	prepare(name, 0);
	dm_ioctl(fd, DM_DEV_REMOVE);
}

static int make_node(const char *path, uint64_t dev)
{
	struct stat st;

	mkdir("/dev/mapper", 0755);
	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == (dev_t)dev)
		return 0;
	unlink(path);
	return mknod(path, S_IFBLK | 0400, (dev_t)dev) < 0 ? -errno : 0;
}

int dm_create(const char *name, uint64_t sectors, const char *target, const char *params,
	      char *path, size_t size)
{
	const char *step = "open " DM_CONTROL;
	uint64_t dev;
	int fd, rc;

	if (!name[0] || strlen(name) >= DM_NAME_LEN || strchr(name, '/') ||
	    (size_t)snprintf(path, size, "/dev/mapper/%s", name) >= size) {
		log_err("dm: bad device name '%s'", name);
		return -EINVAL;
	}
	fd = rc = control_open();
	if (rc < 0)
		goto err;
	step = "DM_VERSION";
	prepare(NULL, 0);
	rc = dm_ioctl(fd, DM_VERSION);
	if (rc < 0)
		goto err_close;
	step = "DM_DEV_CREATE";
	prepare(name, 0);
	rc = dm_ioctl(fd, DM_DEV_CREATE);
	if (rc < 0)
		goto err_close;
	dev = dmb.io.dev;
	step = "DM_TABLE_LOAD";
	prepare(name, DM_READONLY_FLAG);
	rc = put_target(sectors, target, params);
	if (rc == 0)
		rc = dm_ioctl(fd, DM_TABLE_LOAD);
	if (rc < 0)
		goto err_remove;
	step = "DM_DEV_SUSPEND (resume)";
	prepare(name, 0);
	rc = dm_ioctl(fd, DM_DEV_SUSPEND);
	if (rc < 0)
		goto err_remove;
	step = "mknod";
	rc = make_node(path, dev);
	if (rc < 0)
		goto err_remove;
	close(fd);
	return 0;
err_remove:
	remove_dev(fd, name);
err_close:
	close(fd);
err:
	log_err("dm: %s for %s (%s) failed: %s%s", step, name, target, strerror(-rc),
		rc == -EINVAL && !strcmp(step, "DM_TABLE_LOAD") ? "; the kernel refused the table, see dmesg" : "");
	return rc;
}

int dm_remove(const char *name)
{
	char path[DM_NAME_LEN + 16];
	int fd, rc;

	fd = control_open();
	if (fd < 0)
		return fd;
	prepare(name, 0);
	rc = dm_ioctl(fd, DM_DEV_REMOVE);
	close(fd);
	if (rc < 0) {
		log_err("dm: cannot remove %s: %s", name, strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	unlink(path);
	return 0;
}
