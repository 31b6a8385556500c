/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http:// URL parsing (RFC 3986 subset: scheme, host, port, path+query).
 * Pure: no syscalls.
 */
#ifndef NETINIT_URL_H
#define NETINIT_URL_H

#include <stdint.h>

#include "netaddr.h"

#define URL_HOST_MAX 256
#define URL_PATH_MAX 1024

struct url {
	/* "" for http:///path (= DHCP next-server); an IPv6 literal keeps its
	 * brackets ("[2001:db8::1]"), as the Host header wants it */
	char host[URL_HOST_MAX];
	uint16_t port;			/* 80 unless given */
	char path[URL_PATH_MAX];	/* starts with '/', includes any ?query; no #fragment */
};

/*
 * Parses @s into @u. Accepts only "http://" (case-insensitive scheme).
 * Returns 0; -EPROTONOSUPPORT for another scheme (https:// included);
 * -EINVAL for malformed input (bad port, control characters, spaces,
 * userinfo '@', a bad IPv6 literal); -EADDRNOTAVAIL for an IPv6 literal
 * with a zone id ("[fe80::1%25eth0]", not supported); -ENAMETOOLONG when
 * a part exceeds its buffer.
 */
int url_parse(const char *s, struct url *u);

/*
 * The same for another "SCHEME://HOST[:PORT][/PATH]" URL: @scheme in lower
 * case ("nbd"), @port its default. Errors as url_parse().
 */
int url_parse_as(const char *s, const char *scheme, uint16_t port, struct url *u);

/*
 * If @s is an IPv6 address in RFC 4291 2.2 text (no brackets, no zone),
 * stores its 16 bytes in @addr and returns 0; else -EINVAL.
 */
int url_ipv6_literal(const char *s, uint8_t addr[16]);

/* The value of hex digit @c (either case), or -1. */
int url_hex_digit(char c);

/*
 * If @s is a dotted-quad IPv4 literal, stores it in @addr (network byte
 * order, as in struct in_addr) and returns 0; else -EINVAL.
 */
int url_ipv4_literal(const char *s, uint32_t *addr);

/*
 * Resolves @ref (a Location header value: absolute http:// URL,
 * absolute path, or relative path) against @base into @out.
 * Returns 0 or a negative errno as url_parse().
 */
int url_resolve(const struct url *base, const char *ref, struct url *out);

#endif
