/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv6 Neighbor Discovery: the Router Advertisement a host reads (RFC 4861
 * 4.2, options 4.6: prefix information, MTU), its DNS options (RFC 8106:
 * RDNSS, DNSSL) and the Router Solicitation it sends (RFC 4861 4.1). Pure:
 * parses and builds caller-owned buffers, no syscalls. The kernel does
 * SLAAC and the default route from the same RA; netinit reads it for the
 * M/O flags and the DNS servers, which the kernel does not act on.
 */
#ifndef NETINIT_NDISC_PKT_H
#define NETINIT_NDISC_PKT_H

#include <stddef.h>
#include <stdint.h>

#define NDISC_RS 133
#define NDISC_RA 134
#define NDISC_MAX_DNS 3
#define NDISC_MAX_PREFIX 4

#define NDISC_RA_MANAGED 0x80	/* M: addresses from DHCPv6 */
#define NDISC_RA_OTHER   0x40	/* O: other configuration (DNS) from DHCPv6 */

struct ndisc_ra {
	uint8_t flags;			/* NDISC_RA_MANAGED | NDISC_RA_OTHER */
	uint8_t hop_limit;
	uint16_t router_lifetime;	/* s; 0 = not a default router */
	uint32_t mtu;			/* option 5, 0 if absent */
	struct {
		uint8_t addr[16];	/* bits past len cleared */
		uint8_t len, flags;	/* flags 0x80 on-link (L), 0x40 autonomous (A) */
		uint32_t valid, preferred;
	} prefix[NDISC_MAX_PREFIX];
	unsigned n_prefix;
	uint8_t dns[NDISC_MAX_DNS][16];	/* RDNSS with a lifetime > 0 */
	unsigned n_dns;
	char search[128];		/* DNSSL with a lifetime > 0, dotted, space-separated */
};

/*
 * Parses the ICMPv6 message @p (@len bytes from a raw ICMPv6 socket: the
 * ICMPv6 header on, checksum already checked by the kernel) into @ra.
 * Options the host does not use are skipped; extra prefixes or servers
 * past the caps are ignored. 0, -ENOMSG if not an RA (type 134 code 0),
 * -EBADMSG if truncated or an option has length 0 or runs past the end.
 */
int ndisc_parse_ra(const uint8_t *p, size_t len, struct ndisc_ra *ra);

/* Builds a Router Solicitation with the source link-layer address option
 * (@mac, NULL to omit it when sent from ::) into @buf. Returns its length
 * (8 or 16) or -ENOSPC. The kernel fills in the checksum. */
int ndisc_build_rs(uint8_t *buf, size_t size, const uint8_t *mac);

/* Appends the uncompressed DNS names in @p (RFC 1035 3.1, as DNSSL and
 * DHCPv6 option 24 carry them) to the NUL-terminated @out of @size bytes,
 * dotted, space-separated; a malformed or oversized name and what
 * follows are dropped. Stops at a 0 length byte where a name would begin. */
void ndisc_domain_list(const uint8_t *p, size_t len, char *out, size_t size);

/* Writes @a in RFC 5952 text form ("2001:db8::1") into @out (>= 40 bytes). */
void ndisc_fmt_addr(const uint8_t a[16], char *out);

#endif
