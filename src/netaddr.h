/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An IPv4 or IPv6 address, as the resolver returns it and the connect
 * takes it. Freestanding: pure code uses it too.
 */
#ifndef NETINIT_NETADDR_H
#define NETINIT_NETADDR_H

#include <stdint.h>

#define NET_AF4 4
#define NET_AF6 6
#define NET_ADDR_TEXT 48	/* "ffff:...:255.255.255.255" and its NUL */

struct net_addr {
	int family;		/* NET_AF4 or NET_AF6 */
	uint8_t a[16];		/* network order; an IPv4 address in a[0..3] */
};

#endif
