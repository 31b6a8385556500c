/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's NBD driver, configured over generic netlink (family "nbd",
 * include/uapi/linux/nbd-netlink.h), never the old NBD_DO_IT ioctl: the
 * kernel takes the sockets over and no process has to sit in an ioctl.
 * The nbd module must be loaded first (modules_load("nbd")).
 */
#ifndef NETINIT_NBD_H
#define NETINIT_NBD_H

#include <stdint.h>

#define NBD_CONNECT_RO 1u	/* the device is read-only (NBD_FLAG_READ_ONLY) */

/*
 * /dev/nbd<index> reads through @n sockets the kernel takes over (the
 * caller may close its copies afterwards). The kernel picks a free index.
 * @size in bytes, a multiple of @block_size; @block_size a power of two
 * 512..4096. @io_timeout_s: a request unanswered that long fails the
 * connection (0: the kernel waits forever, logging "possible stuck
 * request"). @dead_timeout_s: how long I/O waits for a reconnect once
 * every socket is dead (0: fails at once). @flags: NBD_CONNECT_RO.
 * Returns the index (>= 0) or -errno after one log line (-ENOENT: no nbd
 * driver in the kernel; -EPERM: not root; -EINVAL: bad arguments).
 */
int nbd_connect(const int *socks, unsigned n, uint64_t size, uint32_t block_size,
		unsigned io_timeout_s, unsigned dead_timeout_s, unsigned flags);

/* Disconnects /dev/nbd<index>: the kernel sends NBD_CMD_DISC and drops the sockets. */
int nbd_disconnect(int index);

/*
 * Waits until /dev/nbd<index> is a block device whose size is @size bytes
 * (creates the node from /sys/block/nbd<index>/dev if devtmpfs has none),
 * at most @timeout_ms. Writes "/dev/nbd<index>" to @path. Returns 0,
 * -ETIMEDOUT or -errno.
 */
int nbd_wait(int index, uint64_t size, unsigned timeout_ms, char *path, unsigned path_size);

#endif
