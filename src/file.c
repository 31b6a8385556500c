/* SPDX-License-Identifier: GPL-2.0-only */
/* Small files read whole (see file.h). */
#include <errno.h>
#include <stdlib.h>
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

/* A decimal number up to @stop; the end of the digits at *@end. */
static int number(const char *s, char stop, unsigned *v, const char **end)
{
	char *e;
	unsigned long n;

	if (*s < '0' || *s > '9')
		return -EBADMSG;
	n = strtoul(s, &e, 10);
	if (*e != stop || n > 0xfffff)
		return -EBADMSG;
	*v = (unsigned)n;
	*end = e;
	return 0;
}

int file_read_devnum(const char *path, unsigned *maj, unsigned *min)
{
	char dev[32];
	const char *p;
	int rc = file_read(path, dev, sizeof(dev));

	if (rc < 0)
		return rc;
	if (number(dev, ':', maj, &p) < 0 || number(p + 1, '\n', min, &p) < 0)
		return -EBADMSG;
	return 0;
}
