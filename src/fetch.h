/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fetch stage: HTTP GET of the image from the mirror list straight into
 * RAM at its destination path (DESIGN.md step 6).
 */
#ifndef NETINIT_FETCH_H
#define NETINIT_FETCH_H

#include <stdint.h>

#include "cmdline.h"

/*
 * Downloads the image into cfg->dest. The bytes go to "<dest>.part",
 * renamed to @cfg->dest only once complete and checked; on failure the
 * partial file is removed. @next_server (network byte order, 0 if none)
 * stands in for an empty host ("http:///path"). Tries each URL in order,
 * cfg->retries rounds. Returns 0 or a negative errno after logging why.
 */
int fetch_image(const struct netinit_config *cfg, uint32_t next_server);

#define FETCH_CHECK_IMAGE 1u	/* squashfs superblock check before the rename */

/*
 * fetch_image() is fetch_run(cfg, next_server, FETCH_CHECK_IMAGE); the host
 * program build/host/netinit-fetch runs the same code without the image
 * check for arbitrary files. Outside PID 1 the initramfs size limit is
 * never touched.
 */
int fetch_run(const struct netinit_config *cfg, uint32_t next_server, unsigned flags);

#endif
