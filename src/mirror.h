/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mirror order by rendezvous (highest random weight) hashing of the
 * client's MAC address: every client of a lab walks the same mirror list
 * in its own order, so N clients split evenly over M mirrors, each client
 * keeps its first choice on every boot, and removing a mirror moves only
 * the clients that had it first. Pure: no syscalls.
 */
#ifndef NETINIT_MIRROR_H
#define NETINIT_MIRROR_H

#include <stdint.h>

/*
 * The weight of @url (NUL-terminated) for @mac: the first 8 bytes, big
 * endian, of SHA-256(mac[0..6) || url). The same pair always gives the same
 * weight, on every machine and every boot.
 */
uint64_t mirror_score(const uint8_t mac[6], const char *url);

/*
 * Writes to @order[0..@n) the indices of @urls[0..@n), highest weight
 * first; equal weights keep their written order. @n <= 64.
 */
void mirror_order(const uint8_t mac[6], const char *const urls[], unsigned n,
		  unsigned order[]);

#endif
