/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests for src/url.c: parsing, IPv4 literals, Location resolution. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "url.h"

static const struct {
	const char *in;
	int rc;
	const char *host;
	unsigned port;
	const char *path;
} parse_cases[] = {
	{ "http://10.0.2.100/image.squashfs", 0, "10.0.2.100", 80, "/image.squashfs" },
	{ "HTTP://Mirror.Example.org:8080/a/b.img?x=1&y=2", 0, "Mirror.Example.org", 8080,
	  "/a/b.img?x=1&y=2" },
	{ "http://host", 0, "host", 80, "/" },
	{ "http://host?q", 0, "host", 80, "/?q" },
	{ "http://host/p#frag", 0, "host", 80, "/p" },
	{ "http://host#frag", 0, "host", 80, "/" },
	{ "http://host:/p", 0, "host", 80, "/p" },
	{ "http://host:65535/", 0, "host", 65535, "/" },
	{ "http:///image.squashfs", 0, "", 80, "/image.squashfs" },
	{ "http://:8000/x", 0, "", 8000, "/x" },
	{ "http://h/%7Euser/a%20b", 0, "h", 80, "/%7Euser/a%20b" },
	{ "http://h/a/../b", 0, "h", 80, "/a/../b" },	/* sent as given */
	{ "https://host/x", -EPROTONOSUPPORT, 0, 0, 0 },
	{ "ftp://host/x", -EPROTONOSUPPORT, 0, 0, 0 },
	{ "tftp://host/x", -EPROTONOSUPPORT, 0, 0, 0 },
	{ "httpx://host/x", -EPROTONOSUPPORT, 0, 0, 0 },
	{ "host/x", -EINVAL, 0, 0, 0 },
	{ "/x", -EINVAL, 0, 0, 0 },
	{ "", -EINVAL, 0, 0, 0 },
	{ "http:", -EINVAL, 0, 0, 0 },
	{ "http:/host/x", -EINVAL, 0, 0, 0 },
	{ "http://host:0/", -EINVAL, 0, 0, 0 },
	{ "http://host:65536/", -EINVAL, 0, 0, 0 },
	{ "http://host:99999999999999999999/", -EINVAL, 0, 0, 0 },
	{ "http://host:-1/", -EINVAL, 0, 0, 0 },
	{ "http://host:8a/", -EINVAL, 0, 0, 0 },
	{ "http://host:80:81/", -EINVAL, 0, 0, 0 },
	{ "http://user:pw@host/", -EINVAL, 0, 0, 0 },
	/* RFC 3986 3.2.2 IP-literals: the host keeps its brackets (Host header) */
	{ "http://[::1]/", 0, "[::1]", 80, "/" },
	{ "http://[2001:db8::10]:8080/img?x", 0, "[2001:db8::10]", 8080, "/img?x" },
	{ "http://[2001:DB8:0:0:0:0:0:1]", 0, "[2001:DB8:0:0:0:0:0:1]", 80, "/" },
	{ "http://[::ffff:10.0.2.2]/i", 0, "[::ffff:10.0.2.2]", 80, "/i" },
	{ "http://[fe80::1%25eth0]/", -EADDRNOTAVAIL, 0, 0, 0 },
	{ "http://[fe80::1%eth0]/", -EADDRNOTAVAIL, 0, 0, 0 },
	{ "http://[::1/", -EINVAL, 0, 0, 0 },
	{ "http://[::1]x/", -EINVAL, 0, 0, 0 },
	{ "http://[::1]:/", 0, "[::1]", 80, "/" },
	{ "http://[::1]:0/", -EINVAL, 0, 0, 0 },
	{ "http://[]/", -EINVAL, 0, 0, 0 },
	{ "http://[host]/", -EINVAL, 0, 0, 0 },
	{ "http://[10.0.2.2]/", -EINVAL, 0, 0, 0 },
	{ "http://[v1.x]/", -EINVAL, 0, 0, 0 },
	{ "http://::1/", -EINVAL, 0, 0, 0 },
	{ "http://x[::1]/", -EINVAL, 0, 0, 0 },
	{ "http://[::1]@h/", -EINVAL, 0, 0, 0 },
	{ "http://ho st/", -EINVAL, 0, 0, 0 },
	{ "http://host/a b", -EINVAL, 0, 0, 0 },
	{ "http://host/a\r\nX-Injected: 1", -EINVAL, 0, 0, 0 },
	{ "http://host/a\tb", -EINVAL, 0, 0, 0 },
	{ "http://host/\x7f", -EINVAL, 0, 0, 0 },
	{ "http://host/caf\xc3\xa9", -EINVAL, 0, 0, 0 },
	{ "http://host/ok#frag with space", 0, "host", 80, "/ok" },
};

static void test_parse(void)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct url u;
		int rc = url_parse(parse_cases[i].in, &u);

		CHECK_EQ_INT(rc, parse_cases[i].rc);
		if (rc != 0 || parse_cases[i].rc != 0) {
			if (rc != parse_cases[i].rc)
				fprintf(stderr, "  case %zu: \"%s\"\n", i, parse_cases[i].in);
			continue;
		}
		CHECK_EQ_STR(u.host, parse_cases[i].host);
		CHECK_EQ_INT(u.port, parse_cases[i].port);
		CHECK_EQ_STR(u.path, parse_cases[i].path);
	}
}

/* Parts exactly at and one past their buffers. */
static void test_lengths(void)
{
	static char s[URL_HOST_MAX + URL_PATH_MAX + 32];
	struct url u;
	size_t n;

	strcpy(s, "http://");
	n = strlen(s);
	memset(s + n, 'h', URL_HOST_MAX - 1);
	strcpy(s + n + URL_HOST_MAX - 1, "/p");
	CHECK_EQ_INT(url_parse(s, &u), 0);
	CHECK_EQ_INT(strlen(u.host), URL_HOST_MAX - 1);
	memset(s + n, 'h', URL_HOST_MAX);
	strcpy(s + n + URL_HOST_MAX, "/p");
	CHECK_EQ_INT(url_parse(s, &u), -ENAMETOOLONG);

	strcpy(s, "http://h/");
	n = strlen(s);
	memset(s + n, 'p', URL_PATH_MAX - 2);
	s[n + URL_PATH_MAX - 2] = '\0';
	CHECK_EQ_INT(url_parse(s, &u), 0);
	CHECK_EQ_INT(strlen(u.path), URL_PATH_MAX - 1);
	strcat(s, "p");
	CHECK_EQ_INT(url_parse(s, &u), -ENAMETOOLONG);
}

static const struct {
	const char *in;
	int rc;
	uint8_t b[4];
} ipv4_cases[] = {
	{ "10.0.2.100", 0, { 10, 0, 2, 100 } },
	{ "0.0.0.0", 0, { 0, 0, 0, 0 } },
	{ "255.255.255.255", 0, { 255, 255, 255, 255 } },
	{ "192.168.1.1", 0, { 192, 168, 1, 1 } },
	{ "256.0.0.1", -EINVAL, { 0 } },
	{ "1.2.3", -EINVAL, { 0 } },
	{ "1.2.3.4.5", -EINVAL, { 0 } },
	{ "1.2.3.4.", -EINVAL, { 0 } },
	{ "1..3.4", -EINVAL, { 0 } },
	{ ".1.2.3", -EINVAL, { 0 } },
	{ "010.0.0.1", -EINVAL, { 0 } },
	{ "1.2.3.0004", -EINVAL, { 0 } },
	{ "1.2.3.4 ", -EINVAL, { 0 } },
	{ "-1.2.3.4", -EINVAL, { 0 } },
	{ "mirror.example", -EINVAL, { 0 } },
	{ "", -EINVAL, { 0 } },
	{ "167772161", -EINVAL, { 0 } },
};

static const struct {
	const char *in;
	int rc;
	uint8_t b[16];
} ipv6_cases[] = {
	{ "::", 0, { 0 } },
	{ "::1", 0, { [15] = 1 } },
	{ "1::", 0, { 0, 1 } },
	{ "2001:db8::1", 0, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	{ "2001:DB8:0:0:8:800:200C:417A", 0,
	  { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0c, 0x41, 0x7a } },
	{ "ff01::101", 0, { 0xff, 0x01, [14] = 1, [15] = 1 } },
	{ "1:2:3:4:5:6:7::", 0, { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0 } },
	{ "::2:3:4:5:6:7:8", 0, { 0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 } },
	{ "::ffff:10.0.2.2", 0, { [10] = 0xff, [11] = 0xff, [12] = 10, [13] = 0, [14] = 2, [15] = 2 } },
	{ "1:2:3:4:5:6:1.2.3.4", 0, { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4 } },
	{ "fe80::0abc", 0, { 0xfe, 0x80, [14] = 0x0a, [15] = 0xbc } },
	{ "", -EINVAL, { 0 } },
	{ ":", -EINVAL, { 0 } },
	{ ":::", -EINVAL, { 0 } },
	{ ":1::", -EINVAL, { 0 } },
	{ "1:", -EINVAL, { 0 } },
	{ "1::2::3", -EINVAL, { 0 } },
	{ "1:2:3:4:5:6:7", -EINVAL, { 0 } },
	{ "1:2:3:4:5:6:7:8:9", -EINVAL, { 0 } },
	{ "1:2:3:4:5:6:7:8::", -EINVAL, { 0 } },
	{ "1:2:3:4:5:6:7:8:1.2.3.4", -EINVAL, { 0 } },
	{ "1:2:3:4:5:6:7::8", -EINVAL, { 0 } },	/* "::" stands for at least one group */
	{ "12345::", -EINVAL, { 0 } },
	{ "g::", -EINVAL, { 0 } },
	{ "::1.2.3", -EINVAL, { 0 } },
	{ "::1.2.3.4:5", -EINVAL, { 0 } },
	{ "::010.0.0.1", -EINVAL, { 0 } },
	{ "::1 ", -EINVAL, { 0 } },
	{ "[::1]", -EINVAL, { 0 } },
	{ "fe80::1%eth0", -EINVAL, { 0 } },
	{ "10.0.2.2", -EINVAL, { 0 } },
};

static void test_ipv6(void)
{
	size_t i;

	for (i = 0; i < sizeof(ipv6_cases) / sizeof(ipv6_cases[0]); i++) {
		uint8_t a[16];
		int rc;

		memset(a, 0xee, sizeof(a));
		rc = url_ipv6_literal(ipv6_cases[i].in, a);
		CHECK_EQ_INT(rc, ipv6_cases[i].rc);
		if (rc != ipv6_cases[i].rc)
			fprintf(stderr, "  case %zu: \"%s\"\n", i, ipv6_cases[i].in);
		if (rc == 0)
			CHECK(memcmp(a, ipv6_cases[i].b, 16) == 0);
		else
			CHECK(a[0] == 0xee && a[15] == 0xee);
	}
}

static void test_ipv4(void)
{
	size_t i;

	for (i = 0; i < sizeof(ipv4_cases) / sizeof(ipv4_cases[0]); i++) {
		uint32_t a = 0xdeadbeef;
		uint8_t b[4];
		int rc = url_ipv4_literal(ipv4_cases[i].in, &a);

		CHECK_EQ_INT(rc, ipv4_cases[i].rc);
		if (rc != 0) {
			CHECK(a == 0xdeadbeef);
			continue;
		}
		memcpy(b, &a, 4);	/* network byte order: bytes in dotted order */
		CHECK(memcmp(b, ipv4_cases[i].b, 4) == 0);
	}
}

static const struct {
	const char *base, *ref;
	int rc;
	const char *host;
	unsigned port;
	const char *path;
} resolve_cases[] = {
	{ "http://[2001:db8::1]:81/b/c", "d/e", 0, "[2001:db8::1]", 81, "/b/d/e" },
	{ "http://a:81/b/c/d?q", "http://[::1]:8000/x", 0, "[::1]", 8000, "/x" },
	{ "http://a:81/b/c/d?q", "//[fe80::1%25lo]/x", -EADDRNOTAVAIL, 0, 0, 0 },
	{ "http://a:81/b/c/d?q", "http://other/x", 0, "other", 80, "/x" },
	{ "http://a:81/b/c/d?q", "HTTP://other:82", 0, "other", 82, "/" },
	{ "http://a:81/b/c/d?q", "//other/x/../y", 0, "other", 80, "/y" },
	{ "http://a:81/b/c/d?q", "/new/path.img", 0, "a", 81, "/new/path.img" },
	{ "http://a:81/b/c/d?q", "g", 0, "a", 81, "/b/c/g" },
	{ "http://a:81/b/c/d?q", "./g", 0, "a", 81, "/b/c/g" },
	{ "http://a:81/b/c/d?q", "g/", 0, "a", 81, "/b/c/g/" },
	{ "http://a:81/b/c/d?q", "?y", 0, "a", 81, "/b/c/d?y" },
	{ "http://a:81/b/c/d?q", "g?y", 0, "a", 81, "/b/c/g?y" },
	{ "http://a:81/b/c/d?q", "g#s", 0, "a", 81, "/b/c/g" },
	{ "http://a:81/b/c/d?q", ".", 0, "a", 81, "/b/c/" },
	{ "http://a:81/b/c/d?q", "./", 0, "a", 81, "/b/c/" },
	{ "http://a:81/b/c/d?q", "..", 0, "a", 81, "/b/" },
	{ "http://a:81/b/c/d?q", "../g", 0, "a", 81, "/b/g" },
	{ "http://a:81/b/c/d?q", "../..", 0, "a", 81, "/" },
	{ "http://a:81/b/c/d?q", "../../g", 0, "a", 81, "/g" },
	{ "http://a:81/b/c/d?q", "../../../g", 0, "a", 81, "/g" },
	{ "http://a:81/b/c/d?q", "/./g", 0, "a", 81, "/g" },
	{ "http://a:81/b/c/d?q", "/../g", 0, "a", 81, "/g" },
	{ "http://a:81/b/c/d?q", "g.", 0, "a", 81, "/b/c/g." },
	{ "http://a:81/b/c/d?q", "..g", 0, "a", 81, "/b/c/..g" },
	{ "http://a:81/b/c/d?q", "./../g", 0, "a", 81, "/b/g" },
	{ "http://a:81/b/c/d?q", "g/./h", 0, "a", 81, "/b/c/g/h" },
	{ "http://a:81/b/c/d?q", "g/../h", 0, "a", 81, "/b/c/h" },
	{ "http://a:81/b/c/d?q", "g?y/./x", 0, "a", 81, "/b/c/g?y/./x" },
	{ "http://a:81/b/c/d?q", "", 0, "a", 81, "/b/c/d?q" },
	{ "http://a:81/b/c/d?q", "#s", 0, "a", 81, "/b/c/d?q" },
	{ "http://a/dir/file?x=/y/z", "new", 0, "a", 80, "/dir/new" },
	{ "http:///img", "/other", 0, "", 80, "/other" },
	{ "http://a/b", "https://secure/x", -EPROTONOSUPPORT, 0, 0, 0 },
	{ "http://a/b", "ftp://x/", -EPROTONOSUPPORT, 0, 0, 0 },
	{ "http://a/b", "/a b", -EINVAL, 0, 0, 0 },
	{ "http://a/b", "x\r\nSet-Cookie: 1", -EINVAL, 0, 0, 0 },
	{ "http://a/b", "//user@evil/x", -EINVAL, 0, 0, 0 },
	{ "http://a/b", "http://h:0/", -EINVAL, 0, 0, 0 },
};

static void test_resolve(void)
{
	size_t i;

	for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
		struct url base, out;
		int rc;

		CHECK_EQ_INT(url_parse(resolve_cases[i].base, &base), 0);
		memset(&out, 0x55, sizeof(out));
		rc = url_resolve(&base, resolve_cases[i].ref, &out);
		CHECK_EQ_INT(rc, resolve_cases[i].rc);
		if (rc != resolve_cases[i].rc)
			fprintf(stderr, "  case %zu: \"%s\"\n", i, resolve_cases[i].ref);
		if (rc != 0 || resolve_cases[i].rc != 0)
			continue;
		CHECK_EQ_STR(out.host, resolve_cases[i].host);
		CHECK_EQ_INT(out.port, resolve_cases[i].port);
		CHECK_EQ_STR(out.path, resolve_cases[i].path);
	}
}

/* The result may be the base itself; a long merge fails cleanly. */
static void test_resolve_edges(void)
{
	static char ref[URL_PATH_MAX + 8];
	struct url u;

	CHECK_EQ_INT(url_parse("http://h/dir/a", &u), 0);
	CHECK_EQ_INT(url_resolve(&u, "b", &u), 0);
	CHECK_EQ_STR(u.path, "/dir/b");
	memset(ref, 'r', URL_PATH_MAX - 6);
	ref[URL_PATH_MAX - 6] = '\0';
	CHECK_EQ_INT(url_resolve(&u, ref, &u), 0);
	CHECK_EQ_INT(strlen(u.path), URL_PATH_MAX - 1);
	CHECK_EQ_INT(url_parse("http://h/dir/a", &u), 0);
	strcat(ref, "r");
	CHECK_EQ_INT(url_resolve(&u, ref, &u), -ENAMETOOLONG);
	CHECK_EQ_STR(u.path, "/dir/a");	/* untouched on failure */
}

int main(void)
{
	test_parse();
	test_lengths();
	test_ipv4();
	test_ipv6();
	test_resolve();
	test_resolve_edges();
	return check_report("url");
}
