/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small files read whole: /etc/netinit.conf, /proc and /sys values,
 * /etc/resolv.conf.
 */
#ifndef NETINIT_FILE_H
#define NETINIT_FILE_H

#include <stddef.h>

/*
 * Reads @path into @buf (at most @size - 1 bytes, NUL-terminated; a longer
 * file is cut there). Returns the length, or -errno if it cannot be opened
 * or its first read fails (sysfs attributes fail that way).
 */
int file_read(const char *path, char *buf, size_t size);

/*
 * Reads a sysfs "dev" attribute ("MAJ:MIN\n") at @path into a device
 * number for mknod(). Returns 0, -errno when it cannot be read, or
 * -EBADMSG when it does not hold two decimal numbers.
 */
int file_read_devnum(const char *path, unsigned *maj, unsigned *min);

#endif
