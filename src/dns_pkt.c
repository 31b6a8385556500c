/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DNS query encoder and response decoder (RFC 1035 4.1, 3.1 name syntax,
 * 4.1.4 compression; RFC 2181 10.1 CNAME; RFC 3596 AAAA). The response comes from the
 * network: every count is checked against the bytes left, names are
 * capped at 255 bytes, and a compression pointer must point strictly
 * backwards (so loops are impossible) with at most 64 jumps per name.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns_pkt.h"

#define HDR_LEN     12
#define TYPE_CNAME  5
#define CLASS_IN    1
#define MAX_JUMPS   64
#define MAX_CHAIN   8
#define WIRE_MAX    255	/* RFC 1035 2.3.4 */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int dns_build_query(uint8_t *buf, size_t size, const char *name, uint16_t id)
{
	return dns_build_query_type(buf, size, name, id, DNS_TYPE_A);
}

int dns_build_query_type(uint8_t *buf, size_t size, const char *name, uint16_t id,
			 uint16_t qtype)
{
	size_t len = strlen(name), pos = HDR_LEN, i, label;

	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNS_NAME_MAX)
		return -EINVAL;
	if (size < HDR_LEN + len + 2 + 4)
		return -ENOSPC;
	memset(buf, 0, HDR_LEN);
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	buf[2] = 0x01;			/* RD: recursion desired */
	buf[5] = 1;			/* QDCOUNT */
	for (i = 0; i <= len; i = label + 1) {
		for (label = i; label < len && name[label] != '.'; label++)
			;
		if (label == i || label - i > 63)
			return -EINVAL;
		buf[pos++] = (uint8_t)(label - i);
		memcpy(buf + pos, name + i, label - i);
		pos += label - i;
	}
	buf[pos++] = 0;
	buf[pos++] = (uint8_t)(qtype >> 8);
	buf[pos++] = (uint8_t)qtype;
	buf[pos++] = 0;
	buf[pos++] = CLASS_IN;
	return (int)pos;
}

/*
 * Expands the name at @off into @out in wire form without pointers
 * (labels, then 0), lower-cased. Sets *@end to the offset just past the
 * name where it appears (past the first pointer). Returns 0 or -EBADMSG.
 */
static int read_name(const uint8_t *buf, size_t len, size_t off, uint8_t out[WIRE_MAX],
		     size_t *end)
{
	size_t n = 0, jumps = 0, i;

	*end = 0;
	for (;;) {
		uint8_t c;

		if (off >= len)
			return -EBADMSG;
		c = buf[off];
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (off + 1 >= len || ++jumps > MAX_JUMPS)
				return -EBADMSG;
			to = (size_t)(c & 0x3f) << 8 | buf[off + 1];
			if (!*end)
				*end = off + 2;
			if (to >= off)
				return -EBADMSG;	/* only backwards: no loops */
			off = to;
			continue;
		}
		if (c & 0xc0)
			return -EBADMSG;	/* 0x40, 0x80: obsolete label types */
		if (off + 1 + c > len || n + 1 + c > WIRE_MAX)
			return -EBADMSG;
		out[n++] = c;
		for (i = 0; i < c; i++) {
			uint8_t ch = buf[off + 1 + i];

			out[n++] = ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
		}
		off += 1 + c;
		if (c == 0)
			break;
	}
	if (!*end)
		*end = off;
	return 0;
}

static size_t wire_len(const uint8_t *w)
{
	size_t n = 0;

	while (w[n])
		n += 1 + w[n];
	return n + 1;
}

static int same_name(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, wire_len(a)) == 0;
}

struct rr {
	uint8_t owner[WIRE_MAX];
	uint16_t type, klass;
	size_t rdata, rdlen;		/* offset and length of the RDATA */
};

/* Reads the RR at *off into @r; *off moves past it. 0 or -EBADMSG. */
static int read_rr(const uint8_t *buf, size_t len, size_t *off, struct rr *r)
{
	size_t p;

	if (read_name(buf, len, *off, r->owner, &p) < 0 || p + 10 > len)
		return -EBADMSG;
	r->type = be16(buf + p);
	r->klass = be16(buf + p + 2);
	r->rdlen = be16(buf + p + 8);
	r->rdata = p + 10;
	if (r->rdlen > len - r->rdata)
		return -EBADMSG;
	*off = r->rdata + r->rdlen;
	return 0;
}

/* Lower-cased wire form of the dotted @name, as the query carried it. */
static int query_name(const char *name, uint8_t out[WIRE_MAX])
{
	uint8_t q[HDR_LEN + WIRE_MAX + 4];
	size_t end;
	int n = dns_build_query(q, sizeof(q), name, 0);

	if (n < 0)
		return n;
	return read_name(q, (size_t)n - 4, HDR_LEN, out, &end);
}

int dns_parse_response(const uint8_t *buf, size_t len, uint16_t id, const char *name,
		       uint32_t *addr)
{
	int rc = dns_parse_answers(buf, len, id, name, DNS_TYPE_A, (uint8_t *)addr, 1);

	return rc < 0 ? rc : 0;
}

int dns_parse_answers(const uint8_t *buf, size_t len, uint16_t id, const char *name,
		      uint16_t qtype, uint8_t *addrs, unsigned max)
{
	uint8_t want[WIRE_MAX], got[WIRE_MAX], next[WIRE_MAX];
	size_t alen = qtype == DNS_TYPE_AAAA ? 16 : 4;
	unsigned an, i, hops, found;
	size_t off, answers;
	struct rr r;

	if (query_name(name, want) < 0 || (qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA) || !max)
		return -EINVAL;
	if (len < HDR_LEN)
		return -EBADMSG;
	if (be16(buf) != id || !(buf[2] & 0x80) || (buf[2] & 0x78) || be16(buf + 4) != 1)
		return -ENOMSG;
	if (read_name(buf, len, HDR_LEN, got, &off) < 0 || off + 4 > len)
		return -EBADMSG;
	if (!same_name(got, want) || be16(buf + off) != qtype || be16(buf + off + 2) != CLASS_IN)
		return -ENOMSG;
	switch (buf[3] & 0x0f) {
	case 0:
		break;
	case 3:
		return -ENOENT;
	default:
		return -EAGAIN;		/* SERVFAIL, REFUSED, ...: ask another server */
	}
	answers = off + 4;
	an = be16(buf + 6);
	/* each pass collects the current name's addresses, else follows its CNAME */
	for (hops = 0; hops <= MAX_CHAIN; hops++) {
		int moved = 0;

		off = answers;
		for (i = 0, found = 0; i < an; i++) {
			if (read_rr(buf, len, &off, &r) < 0)
				return -EBADMSG;
			if (r.klass != CLASS_IN || !same_name(r.owner, want))
				continue;
			if (r.type == qtype && r.rdlen == alen && found < max)
				memcpy(addrs + alen * found++, buf + r.rdata, alen);
			if (r.type == TYPE_CNAME && !moved) {
				size_t end;

				if (read_name(buf, r.rdata + r.rdlen, r.rdata, next, &end) < 0 ||
				    end != r.rdata + r.rdlen)
					return -EBADMSG;
				moved = 1;
			}
		}
		if (found)
			return (int)found;
		if (!moved)
			return -ENODATA;
		memcpy(want, next, wire_len(next));
	}
	return -ENODATA;	/* chain longer than MAX_CHAIN */
}
