/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks on the image file before it is handed to the next stage. */
#ifndef NETINIT_IMAGE_H
#define NETINIT_IMAGE_H

/* 0 if @path starts with a squashfs superblock magic; else -EBADMSG or
 * -errno, with the reason logged. */
int image_check(const char *path);

#endif
