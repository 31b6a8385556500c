/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv6 on a chosen interface (the I/O beside the pure ndisc_pkt and
 * dhcp6_pkt): the kernel does the link-local address, SLAAC, DAD, the
 * default route and the MTU from Router Advertisements; netinit reads the
 * same RAs on a raw ICMPv6 socket for the M/O flags, RDNSS and DNSSL, runs
 * DHCPv6 when they say so, sets static addresses, waits until a global
 * address has passed DAD and adds the DNS servers to /etc/resolv.conf.
 */
#ifndef NETINIT_NET6_H
#define NETINIT_NET6_H

#include <stdint.h>

#include "ipconf.h"
#include "ndisc_pkt.h"
#include "netif.h"

struct net6 {
	const struct netif *nif;
	int fd;				/* raw ICMPv6 socket, RAs only; -1 = none */
	uint64_t rs_next;		/* when to send the next Router Solicitation */
	int have_ra;
	struct ndisc_ra ra;
	uint8_t router[16];		/* the RA's source */
};

/* Turns IPv6 on for @nif (disable_ipv6=0, accept_ra=1, autoconf=1) and
 * opens the RA socket, which queues RAs from now on. 0 or -errno (-ENOENT:
 * the kernel has no IPv6; not logged). */
int net6_open(struct net6 *s, const struct netif *nif);
void net6_close(struct net6 *s);

/* Solicits and waits for an RA on any of @s[0..n) until @deadline (clock_ms).
 * Returns the index of the first with one, or -ETIMEDOUT. */
int net6_wait_ra(struct net6 *s, int n, uint64_t deadline);

/* After the RA (or none, for dhcp6): SLAAC and/or DHCPv6 as @mode
 * (IPCONF_DHCP, _DHCP6, _AUTO6, _EITHER6) and the RA say, until a global
 * address has passed DAD; writes the DNS servers, logs one line. Gives up
 * at @deadline. 0 or -errno (logged). */
int net6_configure(struct net6 *s, enum ipconf_mode mode, uint64_t deadline, uint64_t t0);

/* ip=[client6]::[gw6]:<prefix>:...: address, default route, DNS. */
int net6_static(const struct netif *nif, const struct ipconf *ic, uint64_t deadline);

#endif
