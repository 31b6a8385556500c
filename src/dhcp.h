/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv4 client (RFC 2131 section 4.4, INIT -> SELECTING -> REQUESTING ->
 * BOUND) over an AF_PACKET socket, and applying the lease to an interface.
 */
#ifndef NETINIT_DHCP_H
#define NETINIT_DHCP_H

#include "dhcp_pkt.h"
#include "netif.h"

/*
 * Obtains a lease on @nif within @timeout_ms. Returns 0 with the ACK in
 * @lease, -ETIMEDOUT, or another negative errno (socket failure).
 */
int dhcp_obtain(const struct netif *nif, unsigned timeout_ms, struct dhcp_msg *lease);

/*
 * Configures @nif from @lease: address, netmask (classful default if the
 * server sent none), broadcast, MTU, the default route when the lease has
 * a router (a missing router is fine: the image server may be on-link),
 * hostname, and /etc/resolv.conf. Returns 0 or a negative errno.
 */
int dhcp_apply(const struct netif *nif, const struct dhcp_msg *lease);

#endif
