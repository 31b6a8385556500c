/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network interfaces: enumeration from /sys/class/net, link state, IPv4
 * address, MTU and routes through the classic ioctls (as klibc ipconfig).
 */
#ifndef NETINIT_NETIF_H
#define NETINIT_NETIF_H

#include <stdint.h>

#define NETIF_MAX 16

struct netif {
	char name[16];
	int index;
	uint8_t mac[6];
};

/* Fills @out with the Ethernet interfaces (ARPHRD_ETHER, not loopback),
 * ordered by ifindex. Returns how many, or a negative errno. */
int netif_list(struct netif *out, int max);
int netif_set_up(const char *name, int up);
/* 1 if the link has carrier, 0 if not, negative errno if unknown. */
int netif_carrier(const char *name);
/* 1 if the interface already has an IPv4 address (e.g. kernel ip= autoconfig). */
int netif_has_ipv4(const char *name);
int netif_set_ipv4(const char *name, uint32_t addr, uint32_t mask, uint32_t bcast);
int netif_set_mtu(const char *name, unsigned mtu);
/* Adds a route to @dst/@mask via @gw (0 = on-link) on @name. */
int netif_add_route(const char *name, uint32_t dst, uint32_t mask, uint32_t gw);
/* Parses "aa:bb:cc:dd:ee:ff", "aa-bb-..", or BOOTIF's "01-aa-bb-..". 0 or -EINVAL. */
int netif_parse_mac(const char *s, uint8_t mac[6]);

#endif
