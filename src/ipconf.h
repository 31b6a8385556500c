/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's ip= parameter (Documentation/admin-guide/nfs/nfsroot.rst):
 *   ip=dhcp|on|any|both|bootp      DHCP on the chosen interface
 *   ip=off|none                    no network at all
 *   ip=<client>:<server>:<gw>:<mask>:<host>:<dev>:<autoconf>:<dns0>:<dns1>:<ntp0>
 * with any field empty; and dracut's IPv6 forms (dracut.cmdline(7)):
 *   ip=dhcp6|auto6|either6         DHCPv6 / SLAAC / SLAAC, else DHCPv6
 *   ip=[2001:db8::5]::[2001:db8::1]:64:<host>:<dev>:none   static IPv6
 * (<client>, <gw>, <dns0>, <dns1> in brackets, <mask> a prefix length). Pure: no syscalls. Addresses in network byte order.
 */
#ifndef NETINIT_IPCONF_H
#define NETINIT_IPCONF_H

#include <stddef.h>
#include <stdint.h>

enum ipconf_mode {
	IPCONF_DHCP = 0,	/* also an empty or absent ip= */
	IPCONF_OFF,
	IPCONF_STATIC,
	IPCONF_DHCP6,		/* stateful DHCPv6, no IPv4 */
	IPCONF_AUTO6,		/* SLAAC, DHCPv6 as the RA's M/O flags say, no IPv4 */
	IPCONF_EITHER6,		/* as auto6, then stateful DHCPv6 if SLAAC gave no address */
	IPCONF_STATIC6,		/* [client6]: static IPv6, no IPv4 */
};

struct ipconf {
	enum ipconf_mode mode;
	uint32_t client, server, gw, mask;	/* 0 = not given; mask defaulted if static */
	uint32_t dns[2];
	char host[64];				/* sethostname() if not empty */
	char dev[16];				/* interface name, "" = any */
	uint8_t client6[16], gw6[16];		/* all zero = not given */
	uint8_t dns6[2][16];
	uint8_t prefix6;			/* set (default 64) iff client6 given */
};

/*
 * Parses the ip= value @s (length @len, need not be NUL-terminated).
 * A client address makes it static whatever <autoconf> says (the kernel
 * also skips autoconfiguration when given an address for its one device);
 * without one, <autoconf> off/none means no network, empty/on/any/dhcp/
 * both/bootp means DHCP (on <dev> if given). An empty <mask> becomes the
 * RFC 791 classful one. "0.0.0.0" counts as empty, as in the kernel; the
 * <ntp0> field is accepted and ignored.
 * Returns 0, or -EINVAL with a one-line message in @err (size @errlen,
 * may be NULL/0) naming the field and what to write instead.
 */
int ipconf_parse(const char *s, size_t len, struct ipconf *c, char *err, size_t errlen);

/* RFC 791 classful netmask for @addr (network byte order). */
uint32_t ipconf_default_mask(uint32_t addr);

#endif
