/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * http:// URL parsing (RFC 3986 subset: scheme, host, port, path+query).
 * Pure: no syscalls.
 */
#ifndef NETINIT_URL_H
#define NETINIT_URL_H

#include <stdint.h>

#define URL_HOST_MAX 256
#define URL_PATH_MAX 1024

struct url {
	char host[URL_HOST_MAX];	/* "" for http:///path (= DHCP next-server) */
	uint16_t port;			/* 80 unless given */
	char path[URL_PATH_MAX];	/* starts with '/', includes any ?query; no #fragment */
};

/*
 * Parses @s into @u. Accepts only "http://" (case-insensitive scheme).
 * Returns 0; -EPROTONOSUPPORT for another scheme (https:// included);
 * -EINVAL for malformed input (bad port, control characters, spaces,
 * userinfo '@'); -ENAMETOOLONG when a part exceeds its buffer.
 */
int url_parse(const char *s, struct url *u);

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
