/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel ip= parameter parser, as net/ipv4/ipconfig.c reads it
 * (Documentation/admin-guide/nfs/nfsroot.rst), but strict: a malformed
 * address or an unknown <autoconf> word is an error, not silently empty.
 * The value comes from the command line a user typed: every field length
 * is checked against its destination before anything is copied.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipconf.h"
#include "url.h"

#define FIELDS 10
#define FIELD_MAX 64

static const char field_name[FIELDS][9] = {
	"client", "server", "gw", "mask", "host", "dev", "autoconf", "dns0", "dns1", "ntp0",
};

static int fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, b);
	return -EINVAL;
}

uint32_t ipconf_default_mask(uint32_t addr)
{
	const uint8_t *b = (const uint8_t *)&addr;
	uint8_t m[4] = { 255, 0, 0, 0 };

	if (b[0] >= 128)
		m[1] = 255;
	if (b[0] >= 192)
		m[2] = 255;
	memcpy(&addr, m, 4);
	return addr;
}

/* An enum ipconf_mode for <autoconf>, -1 if neither the kernel nor dracut knows it. */
static int autoconf_word(const char *w)
{
	static const struct {
		char w[8];
		uint8_t mode;
	} t[] = {
		{ "", IPCONF_DHCP }, { "on", IPCONF_DHCP }, { "any", IPCONF_DHCP },
		{ "dhcp", IPCONF_DHCP }, { "both", IPCONF_DHCP }, { "bootp", IPCONF_DHCP },
		{ "off", IPCONF_OFF }, { "none", IPCONF_OFF }, { "dhcp6", IPCONF_DHCP6 },
		{ "auto6", IPCONF_AUTO6 }, { "either6", IPCONF_EITHER6 },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(w, t[i].w))
			return t[i].mode;
	return -1;
}

/* [v6] in <client>, <gw>, <dns0>, <dns1>; <server> is read and ignored. */
static int take_v6(struct ipconf *c, unsigned i, char *f, char *err, size_t errlen)
{
	uint8_t a[16], *dst[FIELDS] = { c->client6, NULL, c->gw6, [7] = c->dns6[0], c->dns6[1] };
	size_t n = strlen(f);

	if (n < 3 || f[n - 1] != ']' || (f[n - 1] = '\0', url_ipv6_literal(f + 1, a) < 0))
		return fail(err, errlen, "ip=: <%s> '%s]' is not an IPv6 address in brackets "
			    "(e.g. [2001:db8::5])", field_name[i], f);
	if (i != 1 && !dst[i])
		return fail(err, errlen, "ip=: <%s> cannot be an IPv6 address%s", field_name[i], "");
	if (dst[i])
		memcpy(dst[i], a, 16);
	if (i == 0)
		c->prefix6 = 64;
	return 0;
}

/* <mask> after an IPv6 <client>: a prefix length, 1..128. */
static int take_prefix(struct ipconf *c, const char *f, char *err, size_t errlen)
{
	unsigned v = 0;
	const char *p;

	for (p = f; *p >= '0' && *p <= '9' && v <= 128; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (*p || !v || v > 128)
		return fail(err, errlen, "ip=: <mask> '%s' after an IPv6 <client> must be a "
			    "prefix length (1..128, e.g. 64)%s", f, "");
	c->prefix6 = (uint8_t)v;
	return 0;
}

/* A contiguous netmask (ones then zeros), network byte order. */
static int mask_ok(uint32_t m)
{
	const uint8_t *b = (const uint8_t *)&m;
	uint32_t h = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];

	return h && (~h & (~h + 1)) == 0;
}

static int take_field(struct ipconf *c, unsigned i, char *f, char *err, size_t errlen)
{
	static const uint8_t addr_off[FIELDS] = {
		offsetof(struct ipconf, client), offsetof(struct ipconf, server),
		offsetof(struct ipconf, gw), offsetof(struct ipconf, mask), 0, 0, 0,
		offsetof(struct ipconf, dns[0]), offsetof(struct ipconf, dns[1]), 0,
	};
	uint32_t a;

	_Static_assert(offsetof(struct ipconf, dns[1]) < 256, "addr_off is uint8_t");
	if (i == 4 || i == 5) {
		char *dst = i == 4 ? c->host : c->dev;
		size_t max = i == 4 ? sizeof(c->host) : sizeof(c->dev);

		if (strlen(f) >= max)
			return fail(err, errlen, "ip=: <%s> '%s' is too long", field_name[i], f);
		memcpy(dst, f, strlen(f) + 1);
		return 0;
	}
	if (i == 6)
		return 0;	/* <autoconf>: decided once all fields are in */
	if (!f[0])
		return 0;
	if (f[0] == '[')
		return take_v6(c, i, f, err, errlen);
	if (i == 3 && c->prefix6)
		return take_prefix(c, f, err, errlen);
	if (url_ipv4_literal(f, &a) < 0)
		return fail(err, errlen, "ip=: <%s> '%s' is not an IPv4 address (a.b.c.d)",
			    field_name[i], f);
	if (i == 3 && !mask_ok(a))
		return fail(err, errlen, "ip=: <%s> '%s' is not a netmask (e.g. 255.255.255.0)",
			    field_name[i], f);
	if (i != 9)
		memcpy((char *)c + addr_off[i], &a, 4);
	return 0;
}

int ipconf_parse(const char *s, size_t len, struct ipconf *c, char *err, size_t errlen)
{
	char f[FIELD_MAX + 2], autoconf[FIELD_MAX + 2] = "";
	size_t pos = 0, n;
	unsigned i;
	int rc, word;

	memset(c, 0, sizeof(*c));
	if (memchr(s, ':', len) == NULL && !(len && s[0] == '[')) {
		if (len > FIELD_MAX)
			return fail(err, errlen, "ip=: value too long%s%s", "", "");
		memcpy(autoconf, s, len);
		autoconf[len] = '\0';
		if (memchr(autoconf, '\0', len))
			return fail(err, errlen, "ip=: NUL byte in the value%s%s", "", "");
		word = autoconf_word(autoconf);
		if (word >= 0) {
			c->mode = (enum ipconf_mode)word;
			return 0;
		}
		if (url_ipv4_literal(autoconf, &c->client) < 0)
			return fail(err, errlen, "ip=%s: unknown; use ip=dhcp, ip=dhcp6, ip=auto6, "
				    "ip=either6, ip=off or "
				    "ip=<client>:<server>:<gw>:<mask>:<host>:<dev>:<autoconf>%s",
				    autoconf, "");
		autoconf[0] = '\0';
	}
	for (i = 0; pos <= len; i++) {
		n = 0;
		if (pos < len && s[pos] == '[')	/* [v6]: its colons are not separators */
			while (pos + n < len && s[pos + n++] != ']')
				;
		for (; pos + n < len && s[pos + n] != ':'; n++)
			;
		if (i >= FIELDS)
			return fail(err, errlen, "ip=: more than %s fields (%s)", "10",
				    "client:server:gw:mask:host:dev:autoconf:dns0:dns1:ntp0");
		if (n > FIELD_MAX || memchr(s + pos, '\0', n))
			return fail(err, errlen, "ip=: <%s> field is too long or holds a NUL%s",
				    field_name[i], "");
		memcpy(f, s + pos, n);
		f[n] = '\0';
		if (i == 6)
			memcpy(autoconf, f, n + 1);
		rc = take_field(c, i, f, err, errlen);
		if (rc < 0)
			return rc;
		pos += n + 1;
	}
	word = autoconf_word(autoconf);
	if (word < 0)
		return fail(err, errlen, "ip=: <autoconf> '%s' unknown: use off, none, dhcp, "
			    "on, any, dhcp6, auto6 or either6%s", autoconf, "");
	if (c->client) {
		c->mode = IPCONF_STATIC;
		if (!c->mask)
			c->mask = ipconf_default_mask(c->client);
	} else {
		c->mode = c->prefix6 ? IPCONF_STATIC6 : (enum ipconf_mode)word;
	}
	return 0;
}
