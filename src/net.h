/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The network stage (DESIGN.md step 5): NIC drivers, interface choice
 * (netinit.iface, ip=<dev>, BOOTIF, else every NIC), then DHCP, the static
 * ip= configuration, or an interface the kernel already configured.
 */
#ifndef NETINIT_NET_H
#define NETINIT_NET_H

#include <stdint.h>

#include "cmdline.h"

/*
 * Brings the network up as @cfg says. Returns 0 with the boot server for
 * http:///path URLs in @next_server (0 if none is known), or a negative
 * errno after logging one line saying what to do.
 */
int net_up(const struct netinit_config *cfg, uint32_t *next_server);

#endif
