/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS stub resolver over UDP (A and AAAA records, CNAME chains) for image URLs
 * named by host name. Servers: the "nameserver" lines of /etc/resolv.conf,
 * which the network stage writes from the DHCP lease or ip=<dns0>:<dns1>.
 * Builds with klibc and glibc alike.
 */
#ifndef NETINIT_DNS_H
#define NETINIT_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

#define DNS_TIMEOUT_MS 8000	/* a sensible @timeout_ms for dns_resolve() */

/*
 * Resolves @name to an IPv4 address (network order) in @addr_be, asking
 * the servers in turn, each round with a longer wait (1 s, 2 s, 4 s...),
 * within @timeout_ms in all. An IPv4 literal is returned as is; a name
 * without a dot gets the resolv.conf search/domain appended. Returns 0,
 * -ENOENT (NXDOMAIN), -ENODATA (the name has no A record), -EINVAL (not a
 * valid host name), -EDESTADDRREQ (no nameserver known), -EAGAIN (every
 * server answered SERVFAIL or REFUSED in a round), -ETIMEDOUT, or another
 * negative errno from the socket calls. Logs nothing but debug lines:
 * the caller logs one line with dns_explain().
 */
int dns_resolve(const char *name, uint32_t *addr_be, unsigned timeout_ms);

/*
 * The same for both families (RFC 8305 3): asks each server for AAAA and
 * A side by side; once one answer brings addresses the other gets 50 ms
 * more. Stores up to @max addresses in @out, IPv6 first, then the
 * families taking turns (RFC 8305 4), and returns how many (>= 1). An
 * IPv4 literal or an IPv6 one (bare or in brackets) comes back as is.
 * Errors as dns_resolve(); -ENODATA when the name has neither record.
 */
int dns_resolve_all(const char *name, struct net_addr *out, unsigned max, unsigned timeout_ms);

/* Reads the servers from @path instead of /etc/resolv.conf (the host test program). */
void dns_set_resolv(const char *path);

/*
 * Writes "<what @rc means>; DNS servers: a.b.c.d, ..." (or "no DNS server:
 * ...what to do") into @buf, for the caller's one-line error.
 */
void dns_explain(int rc, char *buf, size_t size);

#endif
