/* SPDX-License-Identifier: GPL-2.0-only */
/* Emptying the initramfs before switch_root, the way klibc run-init does. */
#ifndef NETINIT_ROOTCLEAN_H
#define NETINIT_ROOTCLEAN_H

struct rootclean {
	unsigned long removed;		/* entries deleted */
	unsigned long skipped;		/* mount points left alone */
	unsigned long long bytes;	/* their allocated size */
};

/*
 * Deletes everything under @root that lives on @root's own filesystem,
 * never crossing into a mount point, and only if @root is a ramfs or tmpfs
 * (else -EXDEV, logged). Entries that cannot be removed are left. Returns 0
 * or a negative errno; counts in @rc.
 */
int rootclean_empty(const char *root, struct rootclean *rc);

#endif
