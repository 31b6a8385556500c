/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Handoff to the next stage (DESIGN.md step 7): exec of the original init
 * as PID 1 (genkernel, dracut), or standalone: loop + squashfs + overlay +
 * switch_root. None of these return on success.
 */
#ifndef NETINIT_HANDOFF_H
#define NETINIT_HANDOFF_H

#include "cmdline.h"

#define HANDOFF_DEFAULT_INIT "/init.orig"

/* Which mode auto resolves to (logged with why), and the next-stage init for exec modes. */
enum cmdline_mode handoff_mode(const struct netinit_config *cfg, const char **init);

/* Notes the NICs' state before the network comes up, for netinit.keepnet=0. */
void handoff_net_snapshot(void);

/*
 * Attaches @image read-only to a free loop device (autoclear), its path in
 * @dev. Returns the open loop fd: close it once something else holds the
 * device (a mount, a device-mapper table), or it detaches. -errno on failure.
 */
int handoff_loop_attach(const char *image, char *dev, size_t size);

/* Hands off; returns only on failure (negative errno, already logged). */
int handoff(const struct netinit_config *cfg, char **argv, char **envp);

#endif
