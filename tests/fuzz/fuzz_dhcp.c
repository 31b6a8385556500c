/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer target for src/dhcp_pkt.c. The input is what a packet socket
 * delivers (anyone on the segment can send it): dhcp_parse() of it as a
 * UDP payload, dhcp_unframe() of it as an IPv4 packet and dhcp_parse() of
 * the payload found. Then the encoders: the input framed by dhcp_frame()
 * must unframe to itself, and a request built by dhcp_build() from
 * input-derived fields, turned into a reply, must parse back to them.
 * Invariants: strings NUL-terminated within their arrays, n_dns <=
 * DHCP_MAX_DNS, n_routes <= DHCP_MAX_ROUTES with prefix masks, the payload
 * lies inside the packet.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_pkt.h"

static void check_msg(const uint8_t *buf, size_t len)
{
	struct dhcp_msg m;
	int rc;

	memset(&m, 0xa5, sizeof(m));
	rc = dhcp_parse(buf, len, &m);
	if (rc != 0 && rc != -EBADMSG)
		abort();
	if (rc != 0)
		return;
	if (m.n_dns > DHCP_MAX_DNS || m.n_routes > DHCP_MAX_ROUTES)
		abort();
	for (unsigned i = 0; i < m.n_routes; i++) {
		const uint8_t *b = (const uint8_t *)&m.routes[i].mask;
		uint32_t mask = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
				(uint32_t)b[2] << 8 | b[3];

		/* RFC 3442: a prefix mask, and no destination bits outside it */
		if ((~mask & (~mask + 1)) != 0 || (m.routes[i].dst & ~m.routes[i].mask))
			abort();
	}
	if (!memchr(m.hostname, '\0', sizeof(m.hostname)) ||
	    !memchr(m.domain, '\0', sizeof(m.domain)) ||
	    !memchr(m.bootfile, '\0', sizeof(m.bootfile)))
		abort();
}

static void check_unframe(const uint8_t *pkt, size_t len, uint16_t dport)
{
	const uint8_t *payload = NULL;
	int rc = dhcp_unframe(pkt, len, dport, &payload);

	if (rc < 0) {
		if (rc != -EBADMSG && rc != -ENOMSG)
			abort();
		return;
	}
	if (!payload || payload < pkt || payload > pkt + len ||
	    (size_t)rc > (size_t)(pkt + len - payload))
		abort();
	check_msg(payload, (size_t)rc);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* dhcp_frame -> dhcp_unframe gives the payload back, byte for byte. */
static void check_frame(const uint8_t *data, size_t size)
{
	static uint8_t frame[0x10000 + 64];
	const uint8_t *payload = NULL;
	uint32_t saddr = size >= 4 ? get32(data) : 0;
	int rc;

	rc = dhcp_frame(frame, sizeof(frame), data, size, saddr, 0xffffffffu,
			DHCP_CLIENT_PORT, DHCP_SERVER_PORT);
	if (rc == -ENOSPC) {
		if (size + 28 <= 0xffff)
			abort();
		return;
	}
	if (rc != (int)(size + 28))
		abort();
	if (dhcp_unframe(frame, (size_t)rc, DHCP_SERVER_PORT, &payload) != (int)size ||
	    payload != frame + 28 || memcmp(payload, data, size) != 0)
		abort();
	if (dhcp_unframe(frame, (size_t)rc, DHCP_CLIENT_PORT, &payload) != -ENOMSG)
		abort();
}

/* dhcp_build, then the same bytes as a server's reply, parse back. */
static void check_build(const uint8_t *data, size_t size)
{
	uint8_t buf[DHCP_PKT_MAX];
	struct dhcp_req req;
	struct dhcp_msg m;
	size_t lim, i;
	int n;

	if (size < 22)
		return;
	memset(&req, 0, sizeof(req));
	req.type = data[0] & 1 ? DHCP_REQUEST : DHCP_DISCOVER;
	req.xid = get32(data + 1);
	memcpy(req.mac, data + 5, 6);
	req.secs = (uint16_t)(data[11] << 8 | data[12]);
	req.requested_ip = get32(data + 13);
	req.server_id = get32(data + 17);
	lim = 200 + data[21] % (sizeof(buf) - 200 + 1);
	memset(buf, 0x5a, sizeof(buf));
	n = dhcp_build(buf, lim, &req);
	for (i = lim; i < sizeof(buf); i++)	/* nothing written past the size */
		if (buf[i] != 0x5a)
			abort();
	if (n == -ENOSPC)
		return;
	if (n < 240 || (size_t)n > lim)
		abort();
	buf[0] = 2;	/* BOOTREPLY */
	if (dhcp_parse(buf, (size_t)n, &m) != 0 || m.type != req.type || m.xid != req.xid ||
	    memcmp(m.chaddr, req.mac, 6) != 0 || m.server_id != req.server_id)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_msg(data, size);
	check_unframe(data, size, DHCP_CLIENT_PORT);
	check_frame(data, size);
	check_build(data, size);
	return 0;
}
