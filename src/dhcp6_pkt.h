/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv6 client messages (RFC 8415): Solicit, Request and
 * Information-Request with a DUID-LL client identifier (11.4), IA_NA
 * (21.4), the option request for DNS (RFC 3646); the Advertise and Reply
 * a client reads. Pure: caller-owned buffers, no syscalls.
 */
#ifndef NETINIT_DHCP6_PKT_H
#define NETINIT_DHCP6_PKT_H

#include <stddef.h>
#include <stdint.h>

#define DHCP6_SOLICIT    1
#define DHCP6_ADVERTISE  2
#define DHCP6_REQUEST    3
#define DHCP6_REPLY      7
#define DHCP6_INFO_REQ  11

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547
#define DHCP6_MAX_DNS 3
#define DHCP6_DUID_MAX 130	/* RFC 8415 11.1: at most 128 octets, plus slack */
#define DHCP6_PKT_MAX 1500

struct dhcp6_msg {
	uint8_t type;
	uint32_t xid;			/* 24 bits */
	uint8_t server_id[DHCP6_DUID_MAX];
	uint16_t server_id_len;
	int client_id_ok;		/* option 1 holds the DUID we sent */
	uint16_t status;		/* top-level option 13, 0 if absent (Success) */
	uint8_t preference;		/* option 7 */
	uint32_t iaid;			/* IA_NA (3), the one with our IAID */
	uint16_t ia_status;		/* status inside that IA_NA */
	uint8_t addr[16];		/* its first IAADDR with a valid lifetime > 0 */
	int has_addr;
	uint32_t preferred, valid;
	uint8_t dns[DHCP6_MAX_DNS][16];	/* option 23 */
	unsigned n_dns;
	char search[128];		/* option 24, dotted, space-separated */
};

struct dhcp6_req {
	uint8_t type;			/* SOLICIT, REQUEST or INFO_REQ */
	uint32_t xid;
	uint8_t mac[6];			/* DUID-LL (type 3, hardware type 1) */
	uint32_t iaid;			/* IA_NA for SOLICIT and REQUEST */
	uint16_t elapsed;		/* hundredths of a second, capped at 0xffff */
	const uint8_t *server_id;	/* REQUEST: the Advertise's option 2 */
	uint16_t server_id_len;
	const uint8_t *addr;		/* REQUEST: the address advertised, NULL to omit */
};

/* Builds the client message @r into @buf. Returns its length or -ENOSPC,
 * -EINVAL for a REQUEST without a server id. */
int dhcp6_build(uint8_t *buf, size_t size, const struct dhcp6_req *r);

/*
 * Parses the server message @p (a UDP payload) into @m; @mac and @iaid
 * are the client's, to check option 1 and pick the IA_NA. 0, -ENOMSG if
 * it is not an Advertise or Reply, -EBADMSG if truncated or an option
 * runs past its container.
 */
int dhcp6_parse(const uint8_t *p, size_t len, const uint8_t mac[6], uint32_t iaid,
		struct dhcp6_msg *m);

#endif
