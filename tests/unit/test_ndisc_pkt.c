// SPDX-License-Identifier: GPL-2.0-only
/*
 * src/ndisc_pkt.c on Router Advertisements captured from dnsmasq 2.89
 * (enable-ra, stateful and ra-stateless) and radvd 2.19
 * (tests/lab/capture-v6.py), each cut at every length, plus malformed
 * options built by hand.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ndisc_pkt.h"

static const uint8_t prefix1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
static const uint8_t dns53[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x53 };
static const uint8_t dns54[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x54 };

/* Every proper prefix of a good RA is -EBADMSG (or -ENOMSG under 4 bytes),
 * or parses when it ends on an option boundary. */
static void check_cuts(const uint8_t *p, size_t len)
{
	struct ndisc_ra ra;
	size_t cut;

	for (cut = 0; cut < len; cut++) {
		int rc = ndisc_parse_ra(p, cut, &ra);

		if (cut < 4)
			CHECK_EQ_INT(rc, -ENOMSG);
		else if (rc != 0)
			CHECK_EQ_INT(rc, -EBADMSG);
		CHECK(ra.n_dns <= NDISC_MAX_DNS && ra.n_prefix <= NDISC_MAX_PREFIX);
		CHECK(memchr(ra.search, '\0', sizeof(ra.search)) != NULL);
	}
}

static void test_dnsmasq(void)
{
	uint8_t p[512];
	struct ndisc_ra ra;
	size_t n = check_load("fixtures/ndisc/dnsmasq-ra-stateful.bin", p, sizeof(p));

	CHECK_EQ_INT(ndisc_parse_ra(p, n, &ra), 0);
	CHECK_EQ_INT(ra.flags, NDISC_RA_MANAGED | NDISC_RA_OTHER);
	CHECK_EQ_INT(ra.router_lifetime, 1800);
	CHECK_EQ_INT(ra.hop_limit, 64);
	CHECK_EQ_INT(ra.mtu, 1500);
	CHECK_EQ_INT(ra.n_prefix, 1);
	CHECK(!memcmp(ra.prefix[0].addr, prefix1, 16));
	CHECK_EQ_INT(ra.prefix[0].len, 64);
	CHECK_EQ_INT(ra.prefix[0].flags, 0x80);		/* on-link, not autonomous */
	CHECK_EQ_INT(ra.prefix[0].valid, 3600);
	CHECK_EQ_INT(ra.n_dns, 1);
	CHECK(!memcmp(ra.dns[0], dns53, 16));
	CHECK_EQ_STR(ra.search, "lab.example example.org");
	check_cuts(p, n);

	n = check_load("fixtures/ndisc/dnsmasq-ra-stateless.bin", p, sizeof(p));
	CHECK_EQ_INT(ndisc_parse_ra(p, n, &ra), 0);
	CHECK_EQ_INT(ra.flags, NDISC_RA_OTHER);
	CHECK_EQ_INT(ra.prefix[0].flags, 0xc0);
	CHECK_EQ_INT(ra.prefix[0].valid, 0xffffffff);
	CHECK_EQ_INT(ra.n_dns, 1);
	CHECK_EQ_STR(ra.search, "lab.example example.org");
	check_cuts(p, n);
}

static void test_radvd(void)
{
	uint8_t p[512];
	struct ndisc_ra ra;
	size_t n = check_load("fixtures/ndisc/radvd-ra.bin", p, sizeof(p));

	CHECK_EQ_INT(ndisc_parse_ra(p, n, &ra), 0);
	CHECK_EQ_INT(ra.flags, 0);
	CHECK_EQ_INT(ra.router_lifetime, 30);
	CHECK_EQ_INT(ra.mtu, 1400);
	CHECK_EQ_INT(ra.n_prefix, 1);
	CHECK_EQ_INT(ra.prefix[0].flags, 0xc0);
	CHECK_EQ_INT(ra.prefix[0].valid, 86400);
	CHECK_EQ_INT(ra.prefix[0].preferred, 14400);
	CHECK_EQ_INT(ra.n_dns, 2);
	CHECK(!memcmp(ra.dns[0], dns53, 16));
	CHECK(!memcmp(ra.dns[1], dns54, 16));
	CHECK_EQ_STR(ra.search, "lab.example example.org");
	check_cuts(p, n);
}

static void test_malformed(void)
{
	uint8_t p[128] = { 134, 0, 0, 0, 64, 0x80, 0, 0 };
	struct ndisc_ra ra;
	unsigned i;

	CHECK_EQ_INT(ndisc_parse_ra(p, 16, &ra), 0);
	CHECK_EQ_INT(ra.flags, NDISC_RA_MANAGED);
	p[1] = 1;					/* code must be 0 */
	CHECK_EQ_INT(ndisc_parse_ra(p, 16, &ra), -ENOMSG);
	p[1] = 0;
	p[0] = 136;					/* a Neighbor Advertisement */
	CHECK_EQ_INT(ndisc_parse_ra(p, 16, &ra), -ENOMSG);
	p[0] = 134;
	CHECK_EQ_INT(ndisc_parse_ra(p, 12, &ra), -EBADMSG);
	p[16] = 99;					/* unknown option, length 0 */
	CHECK_EQ_INT(ndisc_parse_ra(p, 24, &ra), -EBADMSG);
	p[17] = 2;					/* length past the end */
	CHECK_EQ_INT(ndisc_parse_ra(p, 24, &ra), -EBADMSG);
	p[17] = 1;					/* unknown, skipped */
	CHECK_EQ_INT(ndisc_parse_ra(p, 24, &ra), 0);
	/* RDNSS with lifetime 0: withdrawn, not used */
	memset(p + 16, 0, 24);
	p[16] = 25;
	p[17] = 3;
	memcpy(p + 24, dns53, 16);
	CHECK_EQ_INT(ndisc_parse_ra(p, 40, &ra), 0);
	CHECK_EQ_INT(ra.n_dns, 0);
	p[23] = 1;
	CHECK_EQ_INT(ndisc_parse_ra(p, 40, &ra), 0);
	CHECK_EQ_INT(ra.n_dns, 1);
	/* four RDNSS options: capped at NDISC_MAX_DNS */
	for (i = 1; i < 4; i++)
		memcpy(p + 16 + 24 * i, p + 16, 24);
	CHECK_EQ_INT(ndisc_parse_ra(p, 16 + 96, &ra), 0);
	CHECK_EQ_INT(ra.n_dns, NDISC_MAX_DNS);
	/* DNSSL: a label running past the option drops that name only */
	memset(p + 16, 0, 32);
	memcpy(p + 16, "\x1f\x03\0\0\0\0\0\x01" "\x02" "ab\0" "\x09" "cd", 16);
	CHECK_EQ_INT(ndisc_parse_ra(p, 40, &ra), 0);
	CHECK_EQ_STR(ra.search, "ab");
	/* a prefix longer than 128 is ignored, bits past the length cleared */
	memset(p + 16, 0xff, 32);
	p[16] = 3;
	p[17] = 4;
	p[18] = 129;
	CHECK_EQ_INT(ndisc_parse_ra(p, 48, &ra), 0);
	CHECK_EQ_INT(ra.n_prefix, 0);
	p[18] = 60;
	CHECK_EQ_INT(ndisc_parse_ra(p, 48, &ra), 0);
	CHECK_EQ_INT(ra.n_prefix, 1);
	CHECK_EQ_INT(ra.prefix[0].addr[7], 0xf0);
	CHECK_EQ_INT(ra.prefix[0].addr[8], 0);
}

static void test_rs_fmt(void)
{
	static const struct {
		uint8_t a[16];
		const char *s;
	} t[] = {
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		{ { 0 }, "::" },
		{ { [15] = 1 }, "::1" },
		{ { 0xfe, 0x80, [8] = 0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56 },
		  "fe80::5054:ff:fe12:3456" },
		{ { 0x20, 0x01, 0x0d, 0xb8 }, "2001:db8::" },
		{ { 0x20, 0x01, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 }, "2001:0:1::1:0:1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 },
		  "2001:db8:0:1:1:1:1:1" },
	};
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	uint8_t buf[16];
	char s[48];
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ndisc_fmt_addr(t[i].a, s);
		CHECK_EQ_STR(s, t[i].s);
	}
	CHECK_EQ_INT(ndisc_build_rs(buf, sizeof(buf), mac), 16);
	CHECK(!memcmp(buf, "\x85\0\0\0\0\0\0\0\x01\x01\x52\x54\0\x12\x34\x56", 16));
	CHECK_EQ_INT(ndisc_build_rs(buf, 15, mac), -ENOSPC);
	CHECK_EQ_INT(ndisc_build_rs(buf, 8, NULL), 8);
}

int main(void)
{
	test_dnsmasq();
	test_radvd();
	test_malformed();
	test_rs_fmt();
	return check_report("ndisc_pkt");
}
