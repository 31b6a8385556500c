// SPDX-License-Identifier: GPL-2.0-only
/*
 * Router Advertisement parser and Router Solicitation builder (RFC 4861
 * 4.1, 4.2, 4.6; RFC 8106 5.1 RDNSS, 5.2 DNSSL). The RA comes from anyone
 * on the link with a hop limit of 255 (the kernel checks the checksum,
 * netinit the hop limit): every option length is checked against what is
 * left before a byte is read, option length 0 is malformed (RFC 4861
 * 4.6: "nodes MUST silently discard"), DNSSL labels are checked like DNS
 * names and never run past the option.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ndisc_pkt.h"

#define OPT_SLLA    1
#define OPT_PREFIX  3
#define OPT_MTU     5
#define OPT_RDNSS  25
#define OPT_DNSSL  31

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void take_prefix(struct ndisc_ra *ra, const uint8_t *o, size_t olen)
{
	uint8_t *a;
	unsigned i;

	if (olen != 32 || o[2] > 128 || ra->n_prefix >= NDISC_MAX_PREFIX)
		return;
	a = ra->prefix[ra->n_prefix].addr;
	memcpy(a, o + 16, 16);
	for (i = o[2]; i < 128; i++)	/* RFC 4861: bits past the length are ignored */
		a[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	ra->prefix[ra->n_prefix].len = o[2];
	ra->prefix[ra->n_prefix].flags = o[3] & 0xc0;
	ra->prefix[ra->n_prefix].valid = get32(o + 4);
	ra->prefix[ra->n_prefix].preferred = get32(o + 8);
	ra->n_prefix++;
}

static void take_rdnss(struct ndisc_ra *ra, const uint8_t *o, size_t olen)
{
	size_t off;

	if (olen < 24 || (olen - 8) % 16 || get32(o + 4) == 0)	/* RFC 8106 5.1 */
		return;
	for (off = 8; off < olen && ra->n_dns < NDISC_MAX_DNS; off += 16)
		memcpy(ra->dns[ra->n_dns++], o + off, 16);
}

void ndisc_domain_list(const uint8_t *o, size_t olen, char *out, size_t size)
{
	size_t off = 0, n = strlen(out), start = n;

	while (off < olen && o[off]) {
		int label = 0;

		start = n;
		if (n)
			out[n++] = ' ';
		while (off < olen && o[off]) {
			size_t l = o[off];

			if (l > 63 || off + 1 + l > olen || n + l + 2 > size ||
			    memchr(o + off + 1, ' ', l) || memchr(o + off + 1, '\0', l))
				goto drop;
			if (label++)
				out[n++] = '.';
			memcpy(out + n, o + off + 1, l);
			n += l;
			off += 1 + l;
		}
		if (off >= olen)
			goto drop;	/* a name without its terminating 0 */
		off++;
		out[n] = '\0';
	}
	return;
drop:	/* the partial name goes, what came before stays */
	out[start] = '\0';
}

int ndisc_parse_ra(const uint8_t *p, size_t len, struct ndisc_ra *ra)
{
	size_t off = 16, olen;

	memset(ra, 0, sizeof(*ra));
	if (len < 4 || p[0] != NDISC_RA || p[1] != 0)
		return -ENOMSG;
	if (len < 16)
		return -EBADMSG;
	ra->hop_limit = p[4];
	ra->flags = p[5] & (NDISC_RA_MANAGED | NDISC_RA_OTHER);
	ra->router_lifetime = (uint16_t)(p[6] << 8 | p[7]);
	while (off < len) {
		if (len - off < 2 || p[off + 1] == 0)
			return -EBADMSG;
		olen = (size_t)p[off + 1] * 8;
		if (olen > len - off)
			return -EBADMSG;
		switch (p[off]) {
		case OPT_PREFIX:
			take_prefix(ra, p + off, olen);
			break;
		case OPT_MTU:
			if (olen == 8)
				ra->mtu = get32(p + off + 4);
			break;
		case OPT_RDNSS:
			take_rdnss(ra, p + off, olen);
			break;
		case OPT_DNSSL:	/* RFC 8106 5.2: names padded with zeros */
			if (olen >= 16 && get32(p + off + 4))
				ndisc_domain_list(p + off + 8, olen - 8, ra->search,
						  sizeof(ra->search));
			break;
		}
		off += olen;
	}
	return 0;
}

int ndisc_build_rs(uint8_t *buf, size_t size, const uint8_t *mac)
{
	size_t n = mac ? 16 : 8;

	if (size < n)
		return -ENOSPC;
	memset(buf, 0, n);
	buf[0] = NDISC_RS;
	if (mac) {
		buf[8] = OPT_SLLA;
		buf[9] = 1;
		memcpy(buf + 10, mac, 6);
	}
	return (int)n;
}

void ndisc_fmt_addr(const uint8_t a[16], char *out)
{
	int best = -1, bestlen = 1, i, j;

	for (i = 0; i < 8; i = j + 1) {		/* the longest run of 2+ zero groups */
		for (j = i; j < 8 && !a[2 * j] && !a[2 * j + 1]; j++)
			;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			out += sprintf(out, i ? ":" : "::");
			i += bestlen - 1;
			if (i == 7)
				break;
			continue;
		}
		out += sprintf(out, "%x%s", a[2 * i] << 8 | a[2 * i + 1], i < 7 ? ":" : "");
	}
	*out = '\0';
}
