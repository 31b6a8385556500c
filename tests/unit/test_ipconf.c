/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests for src/ipconf.c: the kernel ip= syntax, as a table. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "check.h"
#include "ipconf.h"
#include "url.h"

struct ok_case {
	const char *in;
	enum ipconf_mode mode;
	const char *client, *server, *gw, *mask, *host, *dev, *dns0, *dns1;
};

static const struct ok_case ok_cases[] = {
	{ "", IPCONF_DHCP, 0, 0, 0, 0, "", "", 0, 0 },
	{ "dhcp", IPCONF_DHCP, 0, 0, 0, 0, "", "", 0, 0 },
	{ "on", IPCONF_DHCP, 0, 0, 0, 0, "", "", 0, 0 },
	{ "any", IPCONF_DHCP, 0, 0, 0, 0, "", "", 0, 0 },
	{ "both", IPCONF_DHCP, 0, 0, 0, 0, "", "", 0, 0 },
	{ "bootp", IPCONF_DHCP, 0, 0, 0, 0, "", "", 0, 0 },
	{ "off", IPCONF_OFF, 0, 0, 0, 0, "", "", 0, 0 },
	{ "none", IPCONF_OFF, 0, 0, 0, 0, "", "", 0, 0 },
	{ "10.0.0.5:10.0.0.1:10.0.0.254:255.255.255.0:box:eth1:off:10.0.0.53:10.0.0.54",
	  IPCONF_STATIC, "10.0.0.5", "10.0.0.1", "10.0.0.254", "255.255.255.0", "box", "eth1",
	  "10.0.0.53", "10.0.0.54" },
	/* empty fields; classful masks by default */
	{ "192.168.7.9::::::", IPCONF_STATIC, "192.168.7.9", 0, 0, "255.255.255.0", "", "", 0, 0 },
	{ "172.16.1.2:", IPCONF_STATIC, "172.16.1.2", 0, 0, "255.255.0.0", "", "", 0, 0 },
	{ "10.1.2.3", IPCONF_STATIC, "10.1.2.3", 0, 0, "255.0.0.0", "", "", 0, 0 },
	{ "10.1.2.3:", IPCONF_STATIC, "10.1.2.3", 0, 0, "255.0.0.0", "", "", 0, 0 },
	{ "172.16.1.2::172.16.0.1", IPCONF_STATIC, "172.16.1.2", 0, "172.16.0.1", "255.255.0.0",
	  "", "", 0, 0 },
	{ "10.0.0.5:::255.255.255.252:::none", IPCONF_STATIC, "10.0.0.5", 0, 0,
	  "255.255.255.252", "", "", 0, 0 },
	/* kernel: an address for the only device means no autoconfiguration */
	{ "10.0.0.5::::::dhcp", IPCONF_STATIC, "10.0.0.5", 0, 0, "255.0.0.0", "", "", 0, 0 },
	{ ":::::eth0:dhcp", IPCONF_DHCP, 0, 0, 0, 0, "", "eth0", 0, 0 },
	{ "::::myhost::dhcp", IPCONF_DHCP, 0, 0, 0, 0, "myhost", "", 0, 0 },
	{ ":::::eth0:off", IPCONF_OFF, 0, 0, 0, 0, "", "eth0", 0, 0 },
	{ ":::::enp1s0:", IPCONF_DHCP, 0, 0, 0, 0, "", "enp1s0", 0, 0 },
	{ "0.0.0.0:::::eth0:any", IPCONF_DHCP, 0, 0, 0, 0, "", "eth0", 0, 0 },
	{ ":::::::10.0.0.53", IPCONF_DHCP, 0, 0, 0, 0, "", "", "10.0.0.53", 0 },
	{ "10.0.0.5:::::::::10.0.0.123", IPCONF_STATIC, "10.0.0.5", 0, 0, "255.0.0.0", "", "",
	  0, 0 },
	{ "10.0.0.5::::::off::10.9.9.9", IPCONF_STATIC, "10.0.0.5", 0, 0, "255.0.0.0", "", "",
	  0, "10.9.9.9" },
	{ "1.2.3.4:::255.255.255.255", IPCONF_STATIC, "1.2.3.4", 0, 0, "255.255.255.255", "",
	  "", 0, 0 },
};

struct bad_case {
	const char *in;
	const char *msg;	/* substring of the error */
};

static const struct bad_case bad_cases[] = {
	{ "dhcp7", "ip=dhcp7: unknown" },
	{ "rarp", "unknown" },
	{ "DHCP", "unknown" },
	{ "10.0.0.256:::", "<client> '10.0.0.256' is not an IPv4 address" },
	{ "10.0.0.5:x", "<server> 'x' is not an IPv4 address" },
	{ "10.0.0.5::10.0.0.01", "<gw> '10.0.0.01'" },
	{ "10.0.0.5:::255.0.255.0", "<mask> '255.0.255.0' is not a netmask" },
	{ "10.0.0.5:::0.0.0.0", "is not a netmask" },
	{ "10.0.0.5:::::::10.0.0", "<dns0>" },
	{ "10.0.0.5::::::::1.1.1.1.1", "<dns1>" },
	{ "10.0.0.5:::::::::x", "<ntp0>" },
	{ "10.0.0.5::::::::::", "more than 10 fields" },
	{ "10.0.0.5::::::dhcp7", "<autoconf> 'dhcp7' unknown" },
	/* dracut's IPv6 forms */
	{ "[2001:db8::5", "<client> '[2001:db8::5]' is not an IPv6" },
	{ "[2001:db8::5]x:", "<client> '[2001:db8::5]x]' is not an IPv6" },
	{ "[2001:db8::1::5]", "<client> '[2001:db8::1::5]' is not an IPv6" },
	{ "[10.0.0.1]", "is not an IPv6" },
	{ "[2001:db8::5]:::129", "<mask> '129' after an IPv6 <client> must be a prefix length" },
	{ "[2001:db8::5]:::0", "must be a prefix length" },
	{ "[2001:db8::5]:::255.255.255.0", "must be a prefix length" },
	{ "10.0.0.5:::[::1]", "<mask> cannot be an IPv6 address" },
	{ "[::5]:::64:h:e:none:::[::1]", "<ntp0> cannot be an IPv6 address" },
	{ ":::::averyveryverylongifname:dhcp", "<dev> 'averyveryverylongifname' is too long" },
	{ "::::aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "<host> field is too long" },
};

struct v6_case {
	const char *in;
	enum ipconf_mode mode;
	const char *client6, *gw6, *dns0, *dns1;	/* text as inet_pton reads it */
	unsigned prefix;
	const char *dev;
};

static const struct v6_case v6_cases[] = {
	{ "dhcp6", IPCONF_DHCP6, 0, 0, 0, 0, 0, "" },
	{ "auto6", IPCONF_AUTO6, 0, 0, 0, 0, 0, "" },
	{ "either6", IPCONF_EITHER6, 0, 0, 0, 0, 0, "" },
	{ ":::::eth0:auto6", IPCONF_AUTO6, 0, 0, 0, 0, 0, "eth0" },
	{ "[2001:db8::5]::[2001:db8::1]:64:host:eth0:none", IPCONF_STATIC6, "2001:db8::5",
	  "2001:db8::1", 0, 0, 64, "eth0" },
	{ "[2001:DB8:0:0:1:2:3:4]", IPCONF_STATIC6, "2001:db8::1:2:3:4", 0, 0, 0, 64, "" },
	{ "[fd00::5]:[fd00::1]::48:::none:[fd00::53]:[::1]", IPCONF_STATIC6, "fd00::5", 0,
	  "fd00::53", "::1", 48, "" },
	{ "[::]:::128", IPCONF_STATIC6, "::", 0, 0, 0, 128, "" },
	{ "[1::]::[fe80::1]:", IPCONF_STATIC6, "1::", "fe80::1", 0, 0, 64, "" },
	/* an IPv4 client with an IPv6 DNS server */
	{ "10.0.0.5:::::::[2001:db8::53]", IPCONF_STATIC, 0, 0, "2001:db8::53", 0, 0, "" },
};

static void check6(const uint8_t *got, const char *want)
{
	uint8_t w[16] = { 0 };

	if (want)
		inet_pton(AF_INET6, want, w);
	CHECK(!memcmp(got, w, 16));
}

static void test_v6(void)
{
	static const char *const lit_bad[] = {
		"", ":", ":::", "1:", ":1", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
		"12345::", "g::", "1::2:", "1:2:3:4:5:6:7::8",
	};
	char err[256];
	struct ipconf c;
	uint8_t x[16];
	size_t i;

	for (i = 0; i < sizeof(v6_cases) / sizeof(v6_cases[0]); i++) {
		const struct v6_case *t = &v6_cases[i];
		int rc = ipconf_parse(t->in, strlen(t->in), &c, err, sizeof(err));

		if (rc)
			fprintf(stderr, "case '%s': %s\n", t->in, err);
		CHECK_EQ_INT(rc, 0);
		CHECK_EQ_INT(c.mode, t->mode);
		check6(c.client6, t->client6);
		check6(c.gw6, t->gw6);
		check6(c.dns6[0], t->dns0);
		check6(c.dns6[1], t->dns1);
		CHECK_EQ_INT(c.prefix6, t->prefix);
		CHECK_EQ_STR(c.dev, t->dev);
	}
	for (i = 0; i < sizeof(lit_bad) / sizeof(lit_bad[0]); i++) {
		CHECK_EQ_INT(url_ipv6_literal(lit_bad[i], x), -EINVAL);
	}
	CHECK_EQ_INT(url_ipv6_literal("1:2:3:4:5:6:7:8", x), 0);
	check6(x, "1:2:3:4:5:6:7:8");
	/* one parser for ip= and URLs (url.c): RFC 4291's embedded IPv4 is fine */
	CHECK_EQ_INT(url_ipv6_literal("::ffff:1.2.3.4", x), 0);
	check6(x, "::ffff:1.2.3.4");
	CHECK_EQ_INT(url_ipv6_literal("1::8", x), 0);
	check6(x, "1::8");
}

static uint32_t a(const char *s)
{
	struct in_addr in = { 0 };

	if (s)
		inet_aton(s, &in);
	return in.s_addr;
}

int main(void)
{
	char err[256];
	struct ipconf c;
	size_t i;

	for (i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		const struct ok_case *t = &ok_cases[i];
		int rc = ipconf_parse(t->in, strlen(t->in), &c, err, sizeof(err));

		if (rc)
			fprintf(stderr, "case '%s': %s\n", t->in, err);
		CHECK_EQ_INT(rc, 0);
		if (rc)
			continue;
		CHECK_EQ_INT(c.mode, t->mode);
		CHECK_EQ_INT(c.client, a(t->client));
		CHECK_EQ_INT(c.server, a(t->server));
		CHECK_EQ_INT(c.gw, a(t->gw));
		CHECK_EQ_INT(c.mask, a(t->mask));
		CHECK_EQ_STR(c.host, t->host);
		CHECK_EQ_STR(c.dev, t->dev);
		CHECK_EQ_INT(c.dns[0], a(t->dns0));
		CHECK_EQ_INT(c.dns[1], a(t->dns1));
	}
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];

		err[0] = '\0';
		CHECK_EQ_INT(ipconf_parse(t->in, strlen(t->in), &c, err, sizeof(err)), -EINVAL);
		if (!strstr(err, t->msg))
			fprintf(stderr, "case '%s': message '%s' lacks '%s'\n", t->in, err, t->msg);
		CHECK(strstr(err, t->msg) != NULL);
	}
	/* the length bounds the value: the bytes after it are never read */
	CHECK_EQ_INT(ipconf_parse("offXYZ", 3, &c, err, sizeof(err)), 0);
	CHECK_EQ_INT(c.mode, IPCONF_OFF);
	CHECK_EQ_INT(ipconf_parse("10.0.0.5:::x", 8, &c, err, sizeof(err)), 0);
	CHECK_EQ_INT(c.mode, IPCONF_STATIC);
	CHECK_EQ_INT(ipconf_parse("of\0f", 4, &c, NULL, 0), -EINVAL);
	test_v6();
	CHECK_EQ_INT(ipconf_default_mask(a("9.1.1.1")), a("255.0.0.0"));
	CHECK_EQ_INT(ipconf_default_mask(a("128.1.1.1")), a("255.255.0.0"));
	CHECK_EQ_INT(ipconf_default_mask(a("223.1.1.1")), a("255.255.255.0"));
	return check_report("test_ipconf");
}
