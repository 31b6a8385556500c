/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv4 message encoder and decoder, and the IPv4/UDP framing used on a
 * packet socket before the interface has an address.
 *
 * Implements RFC 2131 (message format, section 2 and 4.1), RFC 2132
 * (options 1, 3, 6, 12, 15, 26, 28, 50-57, 60, 61, 67), RFC 3442 (option
 * 121, classless static routes), RFC 791 (IPv4
 * header) and RFC 768 (UDP). Every reply is distrusted: this decoder is
 * fed raw frames from the wire and must never read past the buffer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dhcp_pkt.h"

#define BOOTP_OP_REQUEST 1
#define BOOTP_OP_REPLY   2
#define BOOTP_HTYPE_ETH  1
#define BOOTP_FIXED_LEN  236	/* op .. file, before the magic cookie */
#define OFF_XID     4
#define OFF_SECS    8
#define OFF_FLAGS   10
#define OFF_YIADDR  16
#define OFF_SIADDR  20
#define OFF_CHADDR  28
#define OFF_SNAME   44
#define OFF_FILE    108
#define OFF_OPTIONS 240
#define SNAME_LEN   64
#define FILE_LEN    128

#define OPT_PAD        0
#define OPT_NETMASK    1
#define OPT_ROUTER     3
#define OPT_DNS        6
#define OPT_HOSTNAME   12
#define OPT_DOMAIN     15
#define OPT_MTU        26
#define OPT_BROADCAST  28
#define OPT_REQ_IP     50
#define OPT_LEASE      51
#define OPT_OVERLOAD   52
#define OPT_MSG_TYPE   53
#define OPT_SERVER_ID  54
#define OPT_PARAM_REQ  55
#define OPT_MAX_SIZE   57
#define OPT_VENDOR     60
#define OPT_CLIENT_ID  61
#define OPT_BOOTFILE   67
#define OPT_CLASSLESS  121
#define OPT_END        255

static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };
static const uint8_t param_request[] = {
	OPT_NETMASK, OPT_ROUTER, OPT_DNS, OPT_HOSTNAME, OPT_DOMAIN,
	OPT_MTU, OPT_BROADCAST, OPT_LEASE, OPT_SERVER_ID, OPT_BOOTFILE, OPT_CLASSLESS,
};

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* Appends one option; *pos advances. Returns 0 or -ENOSPC. */
static int put_opt(uint8_t *buf, size_t size, size_t *pos, uint8_t code,
		   const void *data, uint8_t len)
{
	if (*pos + 2 + len > size)
		return -ENOSPC;
	buf[*pos] = code;
	buf[*pos + 1] = len;
	memcpy(buf + *pos + 2, data, len);
	*pos += 2 + len;
	return 0;
}

int dhcp_build(uint8_t *buf, size_t size, const struct dhcp_req *req)
{
	uint8_t client_id[7], max_size[2];
	size_t pos = OFF_OPTIONS;
	int rc = 0;

	if (size < OFF_OPTIONS + 1)
		return -ENOSPC;
	memset(buf, 0, OFF_OPTIONS);
	buf[0] = BOOTP_OP_REQUEST;
	buf[1] = BOOTP_HTYPE_ETH;
	buf[2] = 6;
	put_be32(buf + OFF_XID, req->xid);
	put_be16(buf + OFF_SECS, req->secs);
	put_be16(buf + OFF_FLAGS, 0x8000);	/* broadcast: we cannot receive unicast yet */
	memcpy(buf + OFF_CHADDR, req->mac, 6);
	memcpy(buf + BOOTP_FIXED_LEN, magic_cookie, 4);

	client_id[0] = BOOTP_HTYPE_ETH;
	memcpy(client_id + 1, req->mac, 6);
	put_be16(max_size, DHCP_PKT_MAX);
	rc |= put_opt(buf, size, &pos, OPT_MSG_TYPE, &req->type, 1);
	rc |= put_opt(buf, size, &pos, OPT_CLIENT_ID, client_id, sizeof(client_id));
	rc |= put_opt(buf, size, &pos, OPT_MAX_SIZE, max_size, 2);
	rc |= put_opt(buf, size, &pos, OPT_VENDOR, "netinit", 7);
	if (req->requested_ip)
		rc |= put_opt(buf, size, &pos, OPT_REQ_IP, &req->requested_ip, 4);
	if (req->server_id)
		rc |= put_opt(buf, size, &pos, OPT_SERVER_ID, &req->server_id, 4);
	rc |= put_opt(buf, size, &pos, OPT_PARAM_REQ, param_request, sizeof(param_request));
	if (rc || pos + 1 > size)
		return -ENOSPC;
	buf[pos++] = OPT_END;
	/* some old BOOTP relays drop anything shorter than a BOOTP packet */
	while (pos < 300 && pos < size)
		buf[pos++] = OPT_PAD;
	return (int)pos;
}

/* Copies a string option, dropping NULs and control characters. */
static void copy_str(char *dst, size_t dsize, const uint8_t *src, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < dsize; i++)
		if (src[i] >= 0x20 && src[i] < 0x7f)
			dst[n++] = (char)src[i];
	dst[n] = '\0';
}

/*
 * RFC 3442: (width, ceil(width / 8) significant destination octets,
 * router) repeated. A width over 32, a truncated entry or more routes than
 * we keep makes the whole option void (the RFC's "ignore it"); the router
 * option then applies. Bits past the width are cleared.
 */
static void take_routes(struct dhcp_msg *m, const uint8_t *v, uint8_t len)
{
	size_t i = 0, sig;
	unsigned n = 0;

	while (i < len) {
		uint8_t w = v[i], d[4] = { 0 };
		uint32_t mask;

		sig = (w + 7u) / 8;
		if (w > 32 || n == DHCP_MAX_ROUTES || (size_t)len - i < 1 + sig + 4) {
			m->n_routes = 0;
			return;
		}
		mask = w ? 0xffffffffu << (32 - w) : 0;
		memcpy(d, v + i + 1, sig);
		put_be32((uint8_t *)&m->routes[n].mask, mask);
		put_be32((uint8_t *)&m->routes[n].dst, get_be32(d) & mask);
		memcpy(&m->routes[n].gw, v + i + 1 + sig, 4);
		i += 1 + sig + 4;
		m->n_routes = ++n;
	}
}

static void take_option(struct dhcp_msg *m, uint8_t code, const uint8_t *v,
			uint8_t len, uint8_t *overload)
{
	unsigned i;

	switch (code) {
	case OPT_MSG_TYPE:
		if (len == 1)
			m->type = v[0];
		break;
	case OPT_OVERLOAD:
		if (len == 1)
			*overload = v[0];
		break;
	case OPT_NETMASK:
		if (len == 4)
			memcpy(&m->netmask, v, 4);
		break;
	case OPT_ROUTER:
		if (len >= 4 && len % 4 == 0)
			memcpy(&m->router, v, 4);
		break;
	case OPT_BROADCAST:
		if (len == 4)
			memcpy(&m->broadcast, v, 4);
		break;
	case OPT_SERVER_ID:
		if (len == 4)
			memcpy(&m->server_id, v, 4);
		break;
	case OPT_DNS:
		for (i = 0; i + 4 <= len && m->n_dns < DHCP_MAX_DNS; i += 4)
			memcpy(&m->dns[m->n_dns++], v + i, 4);
		break;
	case OPT_CLASSLESS:
		take_routes(m, v, len);
		break;
	case OPT_LEASE:
		if (len == 4)
			m->lease_time = get_be32(v);
		break;
	case OPT_MTU:
		if (len == 2)
			m->mtu = get_be16(v);
		break;
	case OPT_HOSTNAME:
		copy_str(m->hostname, sizeof(m->hostname), v, len);
		break;
	case OPT_DOMAIN:
		copy_str(m->domain, sizeof(m->domain), v, len);
		break;
	case OPT_BOOTFILE:
		copy_str(m->bootfile, sizeof(m->bootfile), v, len);
		break;
	}
}

/*
 * Walks one option area with an explicit remaining count. PAD and END are
 * handled before any length byte is read; a length that runs past the
 * area is malformed. Returns 0 or -EBADMSG.
 */
static int walk_options(struct dhcp_msg *m, const uint8_t *p, size_t len,
			uint8_t *overload)
{
	size_t left = len;

	while (left > 0) {
		uint8_t code = p[0], olen;

		if (code == OPT_END)
			return 0;
		if (code == OPT_PAD) {
			p++;
			left--;
			continue;
		}
		if (left < 2 || (size_t)p[1] > left - 2)
			return -EBADMSG;
		olen = p[1];
		take_option(m, code, p + 2, olen, overload);
		p += 2 + olen;
		left -= 2 + (size_t)olen;
	}
	return 0;	/* no END: tolerated, as many servers pad to the end */
}

int dhcp_parse(const uint8_t *buf, size_t len, struct dhcp_msg *m)
{
	uint8_t overload = 0, ignored = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	if (len < OFF_OPTIONS || buf[0] != BOOTP_OP_REPLY ||
	    buf[1] != BOOTP_HTYPE_ETH || buf[2] != 6 ||
	    memcmp(buf + BOOTP_FIXED_LEN, magic_cookie, 4) != 0)
		return -EBADMSG;
	m->xid = get_be32(buf + OFF_XID);
	memcpy(m->chaddr, buf + OFF_CHADDR, 6);
	memcpy(&m->yiaddr, buf + OFF_YIADDR, 4);
	memcpy(&m->siaddr, buf + OFF_SIADDR, 4);
	rc = walk_options(m, buf + OFF_OPTIONS, len - OFF_OPTIONS, &overload);
	if (rc)
		return rc;
	/* RFC 2132 9.3: file first, then sname; they may not overload again */
	if ((overload & 1) && walk_options(m, buf + OFF_FILE, FILE_LEN, &ignored))
		return -EBADMSG;
	if ((overload & 2) && walk_options(m, buf + OFF_SNAME, SNAME_LEN, &ignored))
		return -EBADMSG;
	if (!m->bootfile[0] && !(overload & 1))
		copy_str(m->bootfile, sizeof(m->bootfile), buf + OFF_FILE,
			 strnlen((const char *)buf + OFF_FILE, FILE_LEN));
	return 0;
}

/* RFC 1071 ones' complement sum, continued from @sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get_be16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#define IP_HDR_LEN  20
#define UDP_HDR_LEN 8

int dhcp_frame(uint8_t *buf, size_t size, const uint8_t *payload, size_t plen,
	       uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	size_t total = IP_HDR_LEN + UDP_HDR_LEN + plen;
	uint8_t *ip = buf, *udp = buf + IP_HDR_LEN, pseudo[12];
	uint16_t sum;

	if (total > size || total > 0xffff)
		return -ENOSPC;
	memset(buf, 0, IP_HDR_LEN + UDP_HDR_LEN);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)total);
	ip[8] = 64;			/* TTL */
	ip[9] = 17;			/* UDP */
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	put_be16(ip + 10, csum_fold(csum_add(0, ip, IP_HDR_LEN)));

	put_be16(udp, sport);
	put_be16(udp + 2, dport);
	put_be16(udp + 4, (uint16_t)(UDP_HDR_LEN + plen));
	memcpy(udp + UDP_HDR_LEN, payload, plen);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	put_be16(pseudo + 10, (uint16_t)(UDP_HDR_LEN + plen));
	sum = csum_fold(csum_add(csum_add(0, pseudo, 12), udp, UDP_HDR_LEN + plen));
	put_be16(udp + 6, sum ? sum : 0xffff);
	return (int)total;
}

/*
 * The UDP checksum is not verified: with virtio and tap offloads a packet
 * socket may see frames whose checksum was never filled in. The IP header
 * checksum and every length are checked.
 */
int dhcp_unframe(const uint8_t *pkt, size_t len, uint16_t dport,
		 const uint8_t **payload)
{
	size_t ihl, total, ulen;

	if (len < IP_HDR_LEN || (pkt[0] >> 4) != 4)
		return -EBADMSG;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = get_be16(pkt + 2);
	if (ihl < IP_HDR_LEN || total < ihl || total > len)
		return -EBADMSG;
	if (csum_fold(csum_add(0, pkt, ihl)) != 0)
		return -EBADMSG;
	if (pkt[9] != 17)
		return -ENOMSG;
	if ((get_be16(pkt + 6) & 0x3fff) != 0)	/* MF flag or fragment offset */
		return -ENOMSG;
	if (total - ihl < UDP_HDR_LEN)
		return -EBADMSG;
	ulen = get_be16(pkt + ihl + 4);
	if (ulen < UDP_HDR_LEN || ulen > total - ihl)
		return -EBADMSG;
	if (get_be16(pkt + ihl + 2) != dport)
		return -ENOMSG;
	*payload = pkt + ihl + UDP_HDR_LEN;
	return (int)(ulen - UDP_HDR_LEN);
}
