/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Image checks: a file is handed to the next stage only if it is a
 * squashfs (superblock magic "hsqs", little-endian 0x73717368), so a proxy's
 * error page or a wrong URL never becomes the root filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "log.h"

int image_check(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0) {
		log_err("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	n = read(fd, magic, sizeof(magic));
	close(fd);
	if (n != 4 || memcmp(magic, "hsqs", 4) != 0) {
		log_err("%s is not a squashfs image (bad magic): check that netinit.url "
			"points at image.squashfs", path);
		return -EBADMSG;
	}
	return 0;
}
