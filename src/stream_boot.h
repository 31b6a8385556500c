/* SPDX-License-Identifier: GPL-2.0-only */
/* Stream mode in PID 1: fetch or stream, then /dev/nbdN backed by the resident process. */
#ifndef NETINIT_STREAM_BOOT_H
#define NETINIT_STREAM_BOOT_H

#include <stdint.h>

#include "cmdline.h"

/*
 * For netinit.stream=on|auto, after the network is up. Returns 1 when the
 * image streams: cfg->dest is then "/dev/nbdN" and cfg->keepnet 1; 0 when
 * it is to be fetched (auto chose so, with one line saying why); or a
 * negative errno after one line (on: no mirror answers Range, no nbd
 * module, a netinit.sha256 pin). @argv0 becomes "@netinit-stream" in the
 * forked backend.
 */
int stream_boot(struct netinit_config *cfg, uint32_t next_server, char *argv0);

#endif
