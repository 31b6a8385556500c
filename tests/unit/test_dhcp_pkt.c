/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCP packet encoder/decoder tests: real replies captured from dnsmasq
 * (tests/lab/capture-dhcp.py) and QEMU's slirp (tests/lab/capture-slirp.sh),
 * every truncation of them, and hand-made edge cases (option overload,
 * zero-length options, lengths running past the end). Run from tests/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dhcp_pkt.h"

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

static void test_dnsmasq(void)
{
	uint8_t buf[1024];
	struct dhcp_msg m;
	size_t n, cut;

	n = check_load("fixtures/dhcp/dnsmasq-offer.bin", buf, sizeof(buf));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_OFFER);
	CHECK_EQ_INT(m.xid, 0x4e455449);
	CHECK(m.yiaddr == ip("10.99.0.58"));
	CHECK(m.server_id == ip("10.99.0.1"));
	CHECK(m.router == ip("10.99.0.1"));
	CHECK(m.netmask == ip("255.255.255.0"));
	CHECK(m.siaddr == ip("10.99.0.1"));
	CHECK_EQ_INT(m.n_dns, 2);
	CHECK(m.dns[1] == ip("10.99.0.2"));
	CHECK_EQ_INT(m.mtu, 1400);
	CHECK_EQ_INT(m.lease_time, 3600);
	CHECK_EQ_STR(m.domain, "lab.example");
	CHECK_EQ_STR(m.bootfile, "boot.ipxe");
	CHECK(memcmp(m.chaddr, "\x52\x54\x00\x12\x34\x56", 6) == 0);
	/* every truncation parses or is refused, never read past the end (ASan) */
	for (cut = 0; cut < n; cut++) {
		int rc = dhcp_parse(buf, cut, &m);

		CHECK(rc == 0 || rc == -EBADMSG);
		if (cut < 240)
			CHECK_EQ_INT(rc, -EBADMSG);
	}

	n = check_load("fixtures/dhcp/dnsmasq-ack.bin", buf, sizeof(buf));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_ACK);
	CHECK(m.yiaddr == ip("10.99.0.58"));
	CHECK_EQ_STR(m.hostname, "netboot-client");

	n = check_load("fixtures/dhcp/dnsmasq-nak.bin", buf, sizeof(buf));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_NAK);
	CHECK(m.yiaddr == 0);
}

static void test_slirp(void)
{
	uint8_t buf[1024];
	struct dhcp_msg m;
	size_t n;

	n = check_load("fixtures/dhcp/slirp-offer.bin", buf, sizeof(buf));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_OFFER);
	CHECK(m.yiaddr == ip("10.0.2.15"));
	CHECK(m.server_id == ip("10.0.2.2"));
	CHECK(m.netmask == ip("255.255.255.0"));
	n = check_load("fixtures/dhcp/slirp-ack.bin", buf, sizeof(buf));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_ACK);
	CHECK(m.yiaddr == ip("10.0.2.15"));
}

/* A minimal BOOTREPLY with @opts after the cookie; returns its length. */
static size_t reply(uint8_t *buf, const uint8_t *opts, size_t olen)
{
	memset(buf, 0, 240);
	buf[0] = 2;
	buf[1] = 1;
	buf[2] = 6;
	memcpy(buf + 236, "\x63\x82\x53\x63", 4);
	memcpy(buf + 240, opts, olen);
	return 240 + olen;
}

static void test_edge_cases(void)
{
	static const uint8_t zero_len[] = { 0, 0, 12, 0, 53, 1, 5, 0, 255 };
	static const uint8_t past_end[] = { 53, 1, 5, 6, 8, 1, 2, 3 };
	static const uint8_t no_end[] = { 53, 1, 2, 0, 0 };
	static const uint8_t overload[] = { 52, 1, 3, 53, 1, 5, 255 };
	static const uint8_t file_opts[] = { 1, 4, 255, 255, 0, 0, 255 };
	static const uint8_t sname_opts[] = { 3, 4, 10, 0, 0, 1, 255 };
	uint8_t buf[600];
	struct dhcp_msg m;
	size_t n;

	n = reply(buf, zero_len, sizeof(zero_len));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_ACK);
	CHECK_EQ_STR(m.hostname, "");

	n = reply(buf, past_end, sizeof(past_end));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), -EBADMSG);

	n = reply(buf, no_end, sizeof(no_end));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.type, DHCP_OFFER);

	n = reply(buf, overload, sizeof(overload));
	memcpy(buf + 108, file_opts, sizeof(file_opts));
	memcpy(buf + 44, sname_opts, sizeof(sname_opts));
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK(m.netmask == ip("255.255.0.0"));
	CHECK(m.router == ip("10.0.0.1"));
	CHECK_EQ_STR(m.bootfile, "");	/* file held options, not a name */

	n = reply(buf, no_end, sizeof(no_end));
	buf[0] = 1;			/* a BOOTREQUEST is not a reply */
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), -EBADMSG);
	buf[0] = 2;
	buf[236] = 0;			/* no magic cookie */
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), -EBADMSG);
}

/* Finds option @code in a built request; returns its value or NULL. */
static const uint8_t *find_opt(const uint8_t *p, size_t len, uint8_t code, uint8_t *olen)
{
	size_t i = 240;

	while (i < len && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (p[i] == code) {
			*olen = p[i + 1];
			return p + i + 2;
		}
		i += 2 + p[i + 1];
	}
	return NULL;
}

static void test_build(void)
{
	struct dhcp_req req = { .type = DHCP_REQUEST, .xid = 0x01020304,
				.mac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, .secs = 3 };
	uint8_t buf[DHCP_PKT_MAX], small[250], olen = 0;
	const uint8_t *v;
	int n;

	req.requested_ip = ip("10.0.2.15");
	req.server_id = ip("10.0.2.2");
	n = dhcp_build(buf, sizeof(buf), &req);
	CHECK(n >= 300);
	CHECK_EQ_INT(buf[0], 1);
	CHECK(memcmp(buf + 4, "\x01\x02\x03\x04", 4) == 0);
	CHECK(memcmp(buf + 8, "\x00\x03\x80\x00", 4) == 0);	/* secs, broadcast flag */
	CHECK(memcmp(buf + 28, req.mac, 6) == 0);
	v = find_opt(buf, (size_t)n, 53, &olen);
	CHECK(v && olen == 1 && v[0] == DHCP_REQUEST);
	v = find_opt(buf, (size_t)n, 60, &olen);
	CHECK(v && olen == 7 && memcmp(v, "netinit", 7) == 0);
	v = find_opt(buf, (size_t)n, 61, &olen);
	CHECK(v && olen == 7 && v[0] == 1 && memcmp(v + 1, req.mac, 6) == 0);
	v = find_opt(buf, (size_t)n, 50, &olen);
	CHECK(v && olen == 4 && memcmp(v, "\x0a\x00\x02\x0f", 4) == 0);
	v = find_opt(buf, (size_t)n, 54, &olen);
	CHECK(v && olen == 4);
	req.type = DHCP_DISCOVER;
	req.requested_ip = req.server_id = 0;
	n = dhcp_build(buf, sizeof(buf), &req);
	CHECK(find_opt(buf, (size_t)n, 50, &olen) == NULL);
	CHECK_EQ_INT(dhcp_build(small, sizeof(small), &req), -ENOSPC);
}

static void test_framing(void)
{
	uint8_t payload[300], frame[400];
	const uint8_t *p = NULL;
	int n, i;

	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	n = dhcp_frame(frame, sizeof(frame), payload, sizeof(payload), 0, 0xffffffff, 68, 67);
	CHECK_EQ_INT(n, 328);
	CHECK_EQ_INT(dhcp_unframe(frame, (size_t)n, 67, &p), 300);
	CHECK(p && memcmp(p, payload, 300) == 0);
	CHECK_EQ_INT(dhcp_unframe(frame, (size_t)n, 68, &p), -ENOMSG);
	CHECK_EQ_INT(dhcp_unframe(frame, 27, 67, &p), -EBADMSG);
	CHECK_EQ_INT(dhcp_unframe(frame, (size_t)n - 1, 67, &p), -EBADMSG);
	frame[8] ^= 1;			/* TTL changed: header checksum fails */
	CHECK_EQ_INT(dhcp_unframe(frame, (size_t)n, 67, &p), -EBADMSG);
	frame[8] ^= 1;
	frame[6] |= 0x20;		/* more fragments */
	frame[10] = frame[11] = 0;
	CHECK(dhcp_unframe(frame, (size_t)n, 67, &p) < 0);
	CHECK_EQ_INT(dhcp_frame(frame, 100, payload, sizeof(payload), 0, 0, 68, 67), -ENOSPC);
}

/* Option 121 (RFC 3442) from dnsmasq, and malformed ones that void it. */
static void test_routes(void)
{
	uint8_t buf[1024];
	struct dhcp_msg m;
	size_t n = check_load("fixtures/dhcp/dnsmasq-ack-121.bin", buf, sizeof(buf));

	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.n_routes, 3);
	CHECK(m.routes[0].dst == ip("10.98.0.0") && m.routes[0].mask == ip("255.255.0.0") &&
	      m.routes[0].gw == ip("10.99.0.254"));
	CHECK(m.routes[1].dst == ip("192.168.77.128") &&
	      m.routes[1].mask == ip("255.255.255.128") && m.routes[1].gw == ip("10.99.0.253"));
	CHECK(m.routes[2].dst == 0 && m.routes[2].mask == 0 && m.routes[2].gw == ip("10.99.0.1"));
	CHECK(m.router == ip("10.99.0.1"));	/* parsed; dhcp_apply prefers the routes */

	/* host bits past the width are cleared; a 32-bit width is a host route */
	n = reply(buf, (const uint8_t *)"\x79\x0e\x18\x0a\x01\x02\x0a\x00\x00\x01"
		  "\x20\x01\x02\x03\x04\x00\x00\x00\x00", 18);
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.n_routes, 0);	/* second entry lacks a router byte: void */
	n = reply(buf, (const uint8_t *)"\x79\x0d\x17\x0a\x01\x03\x0a\x00\x00\x01"
		  "\x20\x01\x02\x03\x04\x00\x00\x00\x00", 19);
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.n_routes, 0);	/* length 13 cuts the second entry */
	n = reply(buf, (const uint8_t *)"\x79\x11\x17\x0a\x01\x03\x0a\x00\x00\x01"
		  "\x20\x01\x02\x03\x04\x00\x00\x00\x00", 19);
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.n_routes, 2);
	CHECK(m.routes[0].dst == ip("10.1.2.0") && m.routes[0].mask == ip("255.255.254.0"));
	CHECK(m.routes[1].dst == ip("1.2.3.4") && m.routes[1].mask == ip("255.255.255.255") &&
	      m.routes[1].gw == 0);
	/* width 33: void */
	n = reply(buf, (const uint8_t *)"\x79\x09\x21\x01\x02\x03\x04\x0a\x00\x00\x01", 11);
	CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
	CHECK_EQ_INT(m.n_routes, 0);
	/* nine default routes: more than DHCP_MAX_ROUTES, void */
	{
		uint8_t o[2 + 9 * 5];
		unsigned i;

		o[0] = 121;
		o[1] = 45;
		for (i = 0; i < 9; i++)
			memcpy(o + 2 + i * 5, "\x00\x0a\x00\x00\x01", 5);
		n = reply(buf, o, sizeof(o));
		CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
		CHECK_EQ_INT(m.n_routes, 0);
		o[1] = 40;
		n = reply(buf, o, 42);
		CHECK_EQ_INT(dhcp_parse(buf, n, &m), 0);
		CHECK_EQ_INT(m.n_routes, 8);
	}
}

int main(void)
{
	test_dnsmasq();
	test_slirp();
	test_edge_cases();
	test_routes();
	test_build();
	test_framing();
	return check_report("dhcp_pkt");
}
