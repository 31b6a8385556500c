/* SPDX-License-Identifier: GPL-2.0-only */
/* Small files read whole (see file.h). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "file.h"

int file_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && len == 0) {	/* e.g. sysfs "carrier" of a link that is down */
			n = -errno;
			close(fd);
			buf[0] = '\0';
			return (int)n;
		}
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (int)len;
}
