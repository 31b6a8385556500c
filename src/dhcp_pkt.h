/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv4 packets (RFC 2131, options RFC 2132) and the IPv4/UDP framing a
 * client needs before it has an address (RFC 791, RFC 768). Pure: builds
 * and parses caller-owned buffers, no syscalls. Addresses are kept in
 * network byte order in uint32_t, as in struct in_addr.
 */
#ifndef NETINIT_DHCP_PKT_H
#define NETINIT_DHCP_PKT_H

#include <stddef.h>
#include <stdint.h>

#define DHCP_DISCOVER 1
#define DHCP_OFFER    2
#define DHCP_REQUEST  3
#define DHCP_DECLINE  4
#define DHCP_ACK      5
#define DHCP_NAK      6
#define DHCP_RELEASE  7

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_MAX_DNS     3
#define DHCP_MAX_ROUTES  8
#define DHCP_PKT_MAX     576	/* RFC 2131: the client must accept at least this much */

struct dhcp_msg {
	uint8_t type;			/* option 53, 0 if absent (plain BOOTP) */
	uint32_t xid;			/* host byte order */
	uint8_t chaddr[6];
	uint32_t yiaddr, siaddr;	/* your address, next server */
	uint32_t server_id;		/* option 54 */
	uint32_t netmask;		/* option 1, 0 if absent */
	uint32_t router;		/* first of option 3, 0 if absent */
	struct {
		uint32_t dst, mask, gw;	/* gw 0 = on-link */
	} routes[DHCP_MAX_ROUTES];	/* option 121 (RFC 3442); when present, 3 is ignored */
	unsigned n_routes;		/* 0 if absent or malformed */
	uint32_t broadcast;		/* option 28, 0 if absent */
	uint32_t dns[DHCP_MAX_DNS];	/* option 6 */
	unsigned n_dns;
	uint32_t lease_time;		/* option 51, seconds, host order, 0 if absent */
	uint16_t mtu;			/* option 26, host order, 0 if absent */
	char hostname[64];		/* option 12 */
	char domain[128];		/* option 15 */
	char bootfile[128];		/* option 67, else the BOOTP file field */
};

struct dhcp_req {
	uint8_t type;			/* DHCP_DISCOVER or DHCP_REQUEST */
	uint32_t xid;			/* host byte order */
	uint8_t mac[6];
	uint16_t secs;			/* seconds since the exchange began */
	uint32_t requested_ip;		/* option 50, 0 to omit */
	uint32_t server_id;		/* option 54, 0 to omit */
};

/*
 * Builds a BOOTREQUEST with the broadcast flag, client identifier (61,
 * type 1 + MAC), vendor class "netinit" (60), max message size (57) and a
 * parameter request list (55). Returns its length or -ENOSPC.
 */
int dhcp_build(uint8_t *buf, size_t size, const struct dhcp_req *req);

/*
 * Parses a BOOTREPLY. Distrusts every length: options are walked with an
 * explicit remaining count, PAD and END need no length byte, zero-length
 * options are skipped, option overload (52) also walks file and sname.
 * Returns 0 or -EBADMSG (not a BOOTREPLY, wrong hardware type, short,
 * option running past the end, no magic cookie).
 */
int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *msg);

/*
 * Wraps @plen bytes of UDP payload in IPv4 + UDP headers (with checksums)
 * into @buf. Returns the frame length or -ENOSPC.
 */
int dhcp_frame(uint8_t *buf, size_t size, const uint8_t *payload, size_t plen,
	       uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport);

/*
 * Checks that @pkt (an IPv4 packet as a SOCK_DGRAM packet socket delivers
 * it) is an unfragmented UDP datagram to @dport with consistent lengths and
 * a valid IP header checksum. On success points @payload at the UDP payload
 * and returns its length; -EBADMSG or -ENOMSG (valid, but not for us).
 */
int dhcp_unframe(const uint8_t *pkt, size_t len, uint16_t dport,
		 const uint8_t **payload);

#endif
