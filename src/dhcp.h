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
 * Runs DHCP on the @n interfaces @nifs at once (n <= NETIF_MAX), each with
 * its own xid and timers, within @timeout_ms; the first ACK wins. Returns
 * the winner's index with its ACK in @lease, -ETIMEDOUT, or -ENETDOWN when
 * no interface could send or receive at all.
 */
int dhcp_obtain(const struct netif *nifs, int n, unsigned timeout_ms, struct dhcp_msg *lease);

/*
 * Configures @nif from @lease: address, netmask (classful default if the
 * server sent none), broadcast, MTU, the default route when the lease has
 * a router (a missing router is fine: the image server may be on-link),
 * hostname, and /etc/resolv.conf. Returns 0 or a negative errno.
 */
int dhcp_apply(const struct netif *nif, const struct dhcp_msg *lease);

#endif
