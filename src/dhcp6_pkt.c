// SPDX-License-Identifier: GPL-2.0-only
/*
 * DHCPv6 client messages (RFC 8415 8, 21; DNS options RFC 3646). The
 * server's message is distrusted: every option length is checked against
 * its container (the message, or the IA_NA holding it) before a byte is
 * read, the server DUID is capped, the names go through the same checks
 * as the RA's DNSSL.
 */
#include <errno.h>
#include <string.h>

#include "dhcp6_pkt.h"
#include "ndisc_pkt.h"

#define OPT_CLIENTID     1
#define OPT_SERVERID     2
#define OPT_IA_NA        3
#define OPT_IAADDR       5
#define OPT_ORO          6
#define OPT_PREFERENCE   7
#define OPT_ELAPSED      8
#define OPT_STATUS      13
#define OPT_DNS         23
#define OPT_DOMAINS     24

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint8_t *put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	return put16(put16(p, v >> 16), v & 0xffff);
}

static uint8_t *opt(uint8_t *p, unsigned code, unsigned len)
{
	return put16(put16(p, code), len);
}

/* DUID-LL (RFC 8415 11.4): type 3, hardware type 1 (Ethernet), the MAC. */
static uint8_t *put_duid(uint8_t *p, const uint8_t mac[6])
{
	p = put16(put16(opt(p, OPT_CLIENTID, 10), 3), 1);
	memcpy(p, mac, 6);
	return p + 6;
}

int dhcp6_build(uint8_t *buf, size_t size, const struct dhcp6_req *r)
{
	uint8_t *p = buf;
	int ia = r->type != DHCP6_INFO_REQ;

	if (r->type == DHCP6_REQUEST && (!r->server_id || !r->server_id_len ||
					 r->server_id_len > DHCP6_DUID_MAX))
		return -EINVAL;
	if (size < 4 + 14 + 6 + 8 + (ia ? 16 + (r->addr ? 28 : 0) : 0) +
	    (r->type == DHCP6_REQUEST ? 4u + r->server_id_len : 0))
		return -ENOSPC;
	p = put32(p, (uint32_t)r->type << 24 | (r->xid & 0xffffff));
	p = put_duid(p, r->mac);
	p = put16(opt(p, OPT_ELAPSED, 2), r->elapsed);
	p = put16(put16(opt(p, OPT_ORO, 4), OPT_DNS), OPT_DOMAINS);
	if (r->type == DHCP6_REQUEST) {
		p = opt(p, OPT_SERVERID, r->server_id_len);
		memcpy(p, r->server_id, r->server_id_len);
		p += r->server_id_len;
	}
	if (ia) {	/* T1, T2 0: the server chooses (RFC 8415 21.4) */
		p = put32(put32(put32(opt(p, OPT_IA_NA, r->addr ? 40 : 12), r->iaid), 0), 0);
		if (r->addr) {
			p = opt(p, OPT_IAADDR, 24);
			memcpy(p, r->addr, 16);
			p = put32(put32(p + 16, 0), 0);
		}
	}
	return (int)(p - buf);
}

static void take_ia(const uint8_t *o, size_t len, struct dhcp6_msg *m)
{
	size_t off = 12;

	m->iaid = get32(o);
	while (off + 4 <= len) {
		unsigned code = get16(o + off), olen = get16(o + off + 2);

		if (olen > len - off - 4)
			return;
		if (code == OPT_IAADDR && olen >= 24 && !m->has_addr && get32(o + off + 24)) {
			memcpy(m->addr, o + off + 4, 16);
			m->preferred = get32(o + off + 20);
			m->valid = get32(o + off + 24);
			m->has_addr = 1;
		} else if (code == OPT_STATUS && olen >= 2) {
			m->ia_status = get16(o + off + 4);
		}
		off += 4 + olen;
	}
}

static void take(struct dhcp6_msg *m, unsigned code, const uint8_t *o, size_t len,
		 const uint8_t mac[6], uint32_t iaid)
{
	uint8_t duid[14];

	switch (code) {
	case OPT_CLIENTID:
		put_duid(duid, mac);
		m->client_id_ok = len == 10 && !memcmp(o, duid + 4, 10);
		break;
	case OPT_SERVERID:
		if (len && len <= DHCP6_DUID_MAX) {
			memcpy(m->server_id, o, len);
			m->server_id_len = (uint16_t)len;
		}
		break;
	case OPT_IA_NA:
		if (len >= 12 && get32(o) == iaid)
			take_ia(o, len, m);
		break;
	case OPT_PREFERENCE:
		if (len == 1)
			m->preference = o[0];
		break;
	case OPT_STATUS:
		if (len >= 2)
			m->status = get16(o);
		break;
	case OPT_DNS:
		for (; len >= 16 && m->n_dns < DHCP6_MAX_DNS; len -= 16, o += 16)
			memcpy(m->dns[m->n_dns++], o, 16);
		break;
	case OPT_DOMAINS:
		ndisc_domain_list(o, len, m->search, sizeof(m->search));
		break;
	}
}

int dhcp6_parse(const uint8_t *p, size_t len, const uint8_t mac[6], uint32_t iaid,
		struct dhcp6_msg *m)
{
	size_t off = 4;

	memset(m, 0, sizeof(*m));
	if (len < 4 || (p[0] != DHCP6_ADVERTISE && p[0] != DHCP6_REPLY))
		return -ENOMSG;
	m->type = p[0];
	m->xid = get32(p) & 0xffffff;
	while (off < len) {
		unsigned code, olen;

		if (len - off < 4)
			return -EBADMSG;
		code = get16(p + off);
		olen = get16(p + off + 2);
		if (olen > len - off - 4)
			return -EBADMSG;
		take(m, code, p + off + 4, olen, mac, iaid);
		off += 4 + olen;
	}
	return 0;
}
