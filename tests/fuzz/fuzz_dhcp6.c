// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for src/dhcp6_pkt.c. The input is a UDP payload on
 * port 546 (anyone on the link can send one). dhcp6_parse() with the
 * IAID and MAC the fixtures use; then a Request built from the parsed
 * server id and address must fit and parse back (as a Reply) with the
 * same xid and our client id. Invariants: caps, search NUL-terminated.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp6_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	uint8_t buf[DHCP6_PKT_MAX];
	struct dhcp6_msg m, b;
	struct dhcp6_req r;
	int rc, n;

	memset(&m, 0xa5, sizeof(m));
	rc = dhcp6_parse(data, size, mac, 0x123456, &m);
	if (rc != 0 && rc != -EBADMSG && rc != -ENOMSG)
		abort();
	if (rc)
		return 0;
	if (m.n_dns > DHCP6_MAX_DNS || m.server_id_len > DHCP6_DUID_MAX ||
	    !memchr(m.search, '\0', sizeof(m.search)))
		abort();
	memset(&r, 0, sizeof(r));
	r.type = DHCP6_REQUEST;
	r.xid = m.xid;
	memcpy(r.mac, mac, 6);
	r.iaid = 0x123456;
	r.server_id = m.server_id;
	r.server_id_len = m.server_id_len;
	r.addr = m.has_addr ? m.addr : NULL;
	n = dhcp6_build(buf, sizeof(buf), &r);
	if (!m.server_id_len) {
		if (n != -EINVAL)
			abort();
		return 0;
	}
	if (n < 0)
		abort();
	buf[0] = DHCP6_REPLY;
	if (dhcp6_parse(buf, (size_t)n, mac, 0x123456, &b) != 0 || b.xid != m.xid ||
	    !b.client_id_ok || b.server_id_len != m.server_id_len ||
	    b.iaid != 0x123456 || b.has_addr)	/* lifetimes 0 in a Request */
		abort();
	return 0;
}
