/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Emptying the initramfs before switching root, as klibc's run-init does
 * (usr/kinit/run-init/runinitlib.c nuke_dir): the files of the old root
 * would otherwise hold their RAM for as long as the machine runs, unseen
 * under the new root. Distrusted: what the directory holds. Only a ramfs or
 * tmpfs root is touched (never a disk someone booted with root= by
 * mistake), and nothing on another filesystem: an entry whose st_dev is not
 * the root's is a mount point (the new root, a moved /run) and is skipped
 * with everything below it. See
 * Documentation/filesystems/ramfs-rootfs-initramfs.rst.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "log.h"
#include "rootclean.h"

#define DEPTH_MAX 64

/* Removes what @dfd (a directory on @dev, consumed) holds; counts into @rc. */
static void nuke(int dfd, dev_t dev, unsigned depth, struct rootclean *rc)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	struct stat st;
	int sub;

	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (st.st_dev != dev) {
			rc->skipped++;	/* a mount point: never crossed */
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				     O_CLOEXEC);
			if (sub >= 0 && depth < DEPTH_MAX)
				nuke(sub, dev, depth + 1, rc);
			else if (sub >= 0)
				close(sub);
		}
		if (unlinkat(dfd, e->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0) {
			rc->removed++;
			rc->bytes += (unsigned long long)st.st_blocks * 512;
		}
	}
	closedir(d);
}

int rootclean_empty(const char *root, struct rootclean *rc)
{
	struct statfs sf;
	struct stat st;
	int fd;

	memset(rc, 0, sizeof(*rc));
	if (statfs(root, &sf) < 0)
		return -errno;
	if ((unsigned long)sf.f_type != RAMFS_MAGIC && (unsigned long)sf.f_type != TMPFS_MAGIC) {
		log_err("not emptying %s: it is no ramfs or tmpfs (type 0x%lx), so not an "
			"initramfs", root, (unsigned long)sf.f_type);
		return -EXDEV;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	nuke(fd, st.st_dev, 0, rc);
	return 0;
}
