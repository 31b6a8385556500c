/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Image checks: a file is handed to the next stage only if its squashfs
 * superblock is one the kernel mounts and the filesystem it describes fits
 * in the file (squashfs.c), so a proxy's error page, a wrong URL or a short
 * copy never becomes the root filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "log.h"
#include "sha256.h"
#include "squashfs.h"

static void why(const char *path, int rc, const struct squashfs_sb *sb, uint64_t size)
{
	switch (rc) {
	case -EPROTONOSUPPORT:
		log_err("%s is squashfs %u.%u, the kernel mounts 4.0 only: rebuild it with "
			"mksquashfs 4.x", path, sb->major, sb->minor);
		break;
	case -EINVAL:
		log_err("%s: corrupt squashfs superblock (block_size %u, block_log %u): "
			"rebuild or fetch the image again", path, sb->block_size, sb->block_log);
		break;
	case -ENODATA:
		log_err("%s: image truncated: superblock says %llu bytes, file has %llu: "
			"copy the whole image to the server (or fetch it again)", path,
			(unsigned long long)sb->bytes_used, (unsigned long long)size);
		break;
	default:
		log_err("%s is not a squashfs image (%s): check that netinit.url "
			"points at image.squashfs", path,
			size < SQUASHFS_SB_SIZE ? "too short" : "bad magic");
	}
}

#ifndef BLKGETSIZE64
#define BLKGETSIZE64 _IOR(0x12, 114, size_t)
#endif

int image_check(const char *path)
{
	uint8_t buf[SQUASHFS_SB_SIZE];
	struct squashfs_sb sb;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		log_err("cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	/* stream mode: a block device (/dev/nbdN) whose size the kernel knows */
	if (S_ISBLK(st.st_mode)) {
		uint64_t bytes = 0;

		ioctl(fd, BLKGETSIZE64, &bytes);
		st.st_size = (off_t)bytes;
	}
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	close(fd);
	rc = squashfs_check(buf, n > 0 ? (size_t)n : 0, (uint64_t)st.st_size, &sb);
	if (rc < 0) {
		why(path, rc, &sb, (uint64_t)st.st_size);
		return rc;
	}
	log_debug("%s: squashfs %u.%u, %llu bytes used of %llu, block size %u", path,
		  sb.major, sb.minor, (unsigned long long)sb.bytes_used,
		  (unsigned long long)st.st_size, sb.block_size);
	return 0;
}

int image_verify_sha256(const char *path, const char *want)
{
	static char buf[64 * 1024];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		log_err("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&s, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		log_err("cannot read %s: %s", path, strerror(errno));
		return -EIO;
	}
	sha256_final(&s, d);
	sha256_hex(d, hex);
	if (strcmp(hex, want) != 0) {
		log_err("%s: sha256 mismatch: expected %s, got %s: the initrd holds another "
			"image than netinit.sha256 names; rebuild it or fix netinit.sha256",
			path, want, hex);
		return -EBADMSG;
	}
	log_info("%s: sha256 verified", path);
	return 0;
}
