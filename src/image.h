/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks on the image file before it is handed to the next stage. */
#ifndef NETINIT_IMAGE_H
#define NETINIT_IMAGE_H

/* 0 if @path starts with a squashfs 4.0 superblock the kernel accepts and
 * the file holds all the bytes it says the filesystem uses; else the
 * squashfs_check() error or -errno, with the reason logged. */
int image_check(const char *path);

#endif
