/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks on the image file before it is handed to the next stage. */
#ifndef NETINIT_IMAGE_H
#define NETINIT_IMAGE_H

/* 0 if @path starts with a squashfs 4.0 superblock the kernel accepts and
 * the file holds all the bytes it says the filesystem uses; else the
 * squashfs_check() error or -errno, with the reason logged. */
int image_check(const char *path);

/* Hashes @path (an image already in the initramfs: combined.igz or
 * appended by iPXE) and compares with @want (64 lower-case hex). 0, or
 * -EBADMSG / -errno with the reason logged. */
int image_verify_sha256(const char *path, const char *want);

#endif
