// SPDX-License-Identifier: GPL-2.0-only
/*
 * src/dhcp6_pkt.c: the client messages byte for byte (the layout
 * tests/lab/capture-v6.py sent to dnsmasq 2.89, which answered them), and
 * dnsmasq's Advertise, Reply and Information-Request Reply, each cut at
 * every length.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dhcp6_pkt.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
static const uint8_t addr400[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 1, [15] = 0x90 };
static const uint8_t dns53[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x53 };
#define IAID 0x00123456

static void check_cuts(const uint8_t *p, size_t len)
{
	struct dhcp6_msg m;
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		int rc = dhcp6_parse(p, cut, mac, IAID, &m);

		if (cut < 4)
			CHECK_EQ_INT(rc, -ENOMSG);
		else if (rc != 0)
			CHECK_EQ_INT(rc, -EBADMSG);
		CHECK(m.n_dns <= DHCP6_MAX_DNS && m.server_id_len <= DHCP6_DUID_MAX);
		CHECK(memchr(m.search, '\0', sizeof(m.search)) != NULL);
	}
}

static void test_stateful(void)
{
	uint8_t p[1500];
	struct dhcp6_msg m;
	size_t n = check_load("fixtures/dhcp6/dnsmasq-advertise.bin", p, sizeof(p));

	CHECK_EQ_INT(dhcp6_parse(p, n, mac, IAID, &m), 0);
	CHECK_EQ_INT(m.type, DHCP6_ADVERTISE);
	CHECK_EQ_INT(m.xid, 0x4e4554);
	CHECK(m.client_id_ok);
	CHECK_EQ_INT(m.server_id_len, 14);
	CHECK_EQ_INT(m.status, 0);
	CHECK_EQ_INT(m.iaid, IAID);
	CHECK(m.has_addr && !memcmp(m.addr, addr400, 16));
	CHECK_EQ_INT(m.valid, 3600);
	CHECK_EQ_INT(m.n_dns, 1);
	CHECK(!memcmp(m.dns[0], dns53, 16));
	CHECK_EQ_STR(m.search, "lab.example example.org");
	check_cuts(p, n);
	/* another client's IAID: no address taken */
	CHECK_EQ_INT(dhcp6_parse(p, n, mac, IAID + 1, &m), 0);
	CHECK(!m.has_addr);
	/* another client's DUID */
	CHECK_EQ_INT(dhcp6_parse(p, n, (const uint8_t *)"\x52\x54\0\0\0\0", IAID, &m), 0);
	CHECK(!m.client_id_ok);

	n = check_load("fixtures/dhcp6/dnsmasq-reply.bin", p, sizeof(p));
	CHECK_EQ_INT(dhcp6_parse(p, n, mac, IAID, &m), 0);
	CHECK_EQ_INT(m.type, DHCP6_REPLY);
	CHECK(m.client_id_ok && m.has_addr && !memcmp(m.addr, addr400, 16));
	CHECK_EQ_INT(m.n_dns, 1);
	check_cuts(p, n);

	n = check_load("fixtures/dhcp6/dnsmasq-info-reply.bin", p, sizeof(p));
	CHECK_EQ_INT(dhcp6_parse(p, n, mac, IAID, &m), 0);
	CHECK(m.client_id_ok && !m.has_addr);
	CHECK_EQ_INT(m.n_dns, 1);
	CHECK_EQ_STR(m.search, "lab.example example.org");
	check_cuts(p, n);
}

static void test_malformed(void)
{
	/* Reply, IA_NA whose IAADDR runs past the IA: no address; status 2 NoAddrsAvail */
	static const uint8_t r[] = {
		7, 0, 0, 1,
		0, 3, 0, 22, 0, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 5, 0, 24, 1, 2, 3, 4, 5, 6,
		0, 13, 0, 2, 0, 2,
	};
	struct dhcp6_msg m;

	CHECK_EQ_INT(dhcp6_parse(r, sizeof(r), mac, IAID, &m), 0);
	CHECK(!m.has_addr);
	CHECK_EQ_INT(m.status, 2);
	CHECK_EQ_INT(dhcp6_parse(r, sizeof(r) - 1, mac, IAID, &m), -EBADMSG);
	CHECK_EQ_INT(dhcp6_parse((const uint8_t *)"\x01\0\0\0", 4, mac, IAID, &m), -ENOMSG);
}

static void test_build(void)
{
	static const uint8_t solicit[] = {
		1, 0x4e, 0x45, 0x54,
		0, 1, 0, 10, 0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56,
		0, 8, 0, 2, 0, 0,
		0, 6, 0, 4, 0, 23, 0, 24,
		0, 3, 0, 12, 0, 0x12, 0x34, 0x56, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t buf[256], sid[14] = { 0, 1, 0, 1 };
	struct dhcp6_req r = { .type = DHCP6_SOLICIT, .xid = 0xff4e4554, .iaid = IAID };
	int n;

	memcpy(r.mac, mac, 6);
	CHECK_EQ_INT(dhcp6_build(buf, sizeof(buf), &r), (int)sizeof(solicit));
	CHECK(!memcmp(buf, solicit, sizeof(solicit)));
	CHECK_EQ_INT(dhcp6_build(buf, sizeof(solicit) - 1, &r), -ENOSPC);
	r.type = DHCP6_INFO_REQ;
	CHECK_EQ_INT(dhcp6_build(buf, sizeof(buf), &r), 32);
	CHECK_EQ_INT(buf[0], DHCP6_INFO_REQ);
	r.type = DHCP6_REQUEST;
	CHECK_EQ_INT(dhcp6_build(buf, sizeof(buf), &r), -EINVAL);
	r.server_id = sid;
	r.server_id_len = sizeof(sid);
	r.addr = addr400;
	n = dhcp6_build(buf, sizeof(buf), &r);
	CHECK_EQ_INT(n, 32 + 18 + 16 + 28);
	CHECK(!memcmp(buf + 32, "\0\2\0\16\0\1\0\1", 8));
	CHECK(!memcmp(buf + 50, "\0\3\0\50\0\x12\x34\x56", 8));
	CHECK(!memcmp(buf + 66, "\0\5\0\30", 4) && !memcmp(buf + 70, addr400, 16));
	CHECK_EQ_INT(dhcp6_build(buf, (size_t)n - 1, &r), -ENOSPC);
}

int main(void)
{
	test_stateful();
	test_malformed();
	test_build();
	return check_report("dhcp6_pkt");
}
