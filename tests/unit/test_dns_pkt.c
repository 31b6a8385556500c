/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests for src/dns_pkt.c: queries as dnsmasq reads them, responses
 * captured from dnsmasq (tests/lab/capture-dns.py: A, CNAME chain,
 * NXDOMAIN, no A record, two A records), and hostile hand-made ones
 * (pointer loops, forward pointers, CNAME loops, short counts), each also
 * cut at every length.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dns_pkt.h"

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_aton(s, &a);
	return a.s_addr;
}

struct fixture {
	const char *file, *name;
	int rc;
	const char *addr;
};

static const struct fixture fixtures[] = {
	{ "fixtures/dns/a.bin", "mirror.lab.example", 0, "10.33.0.1" },
	{ "fixtures/dns/a.bin", "MIRROR.Lab.Example.", 0, "10.33.0.1" },
	{ "fixtures/dns/cname.bin", "images.lab.example", 0, "10.33.0.1" },
	{ "fixtures/dns/nx.bin", "missing.lab.example", -ENOENT, NULL },
	{ "fixtures/dns/nodata.bin", "txt.lab.example", -ENODATA, NULL },
	{ "fixtures/dns/multi.bin", "multi.lab.example", 0, "10.33.0.7" },
	{ "fixtures/dns/a.bin", "other.lab.example", -ENOMSG, NULL },
};

/* Every prefix of a good response: an error, never a read past the end. */
static void check_prefixes(const uint8_t *buf, size_t len, const char *name)
{
	uint32_t a;
	size_t n;

	for (n = 0; n < len; n++) {
		int rc = dns_parse_response(buf, n, 0x1234, name, &a);

		CHECK(rc == -EBADMSG || rc == -ENOMSG || rc == 0 || rc == -ENOENT ||
		      rc == -ENODATA);
	}
}

static void test_fixtures(void)
{
	uint8_t buf[1024];
	uint32_t a;
	size_t i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture *f = &fixtures[i];
		size_t n = check_load(f->file, buf, sizeof(buf));
		int rc;

		a = 0;
		rc = dns_parse_response(buf, n, 0x1234, f->name, &a);
		if (rc != f->rc)
			fprintf(stderr, "%s (%s)\n", f->file, f->name);
		CHECK_EQ_INT(rc, f->rc);
		if (f->addr)
			CHECK_EQ_INT(a, ip(f->addr));
		CHECK_EQ_INT(dns_parse_response(buf, n, 0x4321, f->name, &a), -ENOMSG);
		check_prefixes(buf, n, f->name);
	}
}

/* AAAA (RFC 3596) answers captured from dnsmasq, and A answers asked as AAAA. */
static const struct {
	const char *file, *name;
	uint16_t qtype;
	int rc;
	const char *addr[2];
} typed[] = {
	{ "fixtures/dns/aaaa.bin", "mirror.lab.example", DNS_TYPE_AAAA, 1, { "2001:db8:33::1" } },
	{ "fixtures/dns/aaaa-cname.bin", "images.lab.example", DNS_TYPE_AAAA, 1,
	  { "2001:db8:33::1" } },
	{ "fixtures/dns/aaaa-nodata.bin", "v4only.lab.example", DNS_TYPE_AAAA, -ENODATA, { 0 } },
	{ "fixtures/dns/aaaa-multi.bin", "multi6.lab.example", DNS_TYPE_AAAA, 2,
	  { "2001:db8:33::7", "2001:db8:33::8" } },
	{ "fixtures/dns/multi.bin", "multi.lab.example", DNS_TYPE_A, 2, { "10.33.0.7", "10.33.0.8" } },
	{ "fixtures/dns/cname.bin", "images.lab.example", DNS_TYPE_A, 1, { "10.33.0.1" } },
	/* the question's type must be the one asked */
	{ "fixtures/dns/aaaa.bin", "mirror.lab.example", DNS_TYPE_A, -ENOMSG, { 0 } },
	{ "fixtures/dns/a.bin", "mirror.lab.example", DNS_TYPE_AAAA, -ENOMSG, { 0 } },
	{ "fixtures/dns/aaaa.bin", "mirror.lab.example", 16, -EINVAL, { 0 } },
	{ "fixtures/dns/nx.bin", "missing.lab.example", DNS_TYPE_A, -ENOENT, { 0 } },
};

static void test_typed(void)
{
	uint8_t buf[1024], out[2 * 16], want[16];
	size_t i, n, k, alen;
	int rc;

	for (i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
		n = check_load(typed[i].file, buf, sizeof(buf));
		alen = typed[i].qtype == DNS_TYPE_AAAA ? 16 : 4;
		memset(out, 0, sizeof(out));
		rc = dns_parse_answers(buf, n, 0x1234, typed[i].name, typed[i].qtype, out, 2);
		if (rc != typed[i].rc)
			fprintf(stderr, "  %s as type %u\n", typed[i].file, typed[i].qtype);
		CHECK_EQ_INT(rc, typed[i].rc);
		for (k = 0; rc > 0 && k < (size_t)rc; k++) {
			inet_pton(alen == 16 ? AF_INET6 : AF_INET, typed[i].addr[k], want);
			CHECK(memcmp(out + k * alen, want, alen) == 0);
		}
		/* @max caps the count, and nothing is written past it */
		if (typed[i].rc == 2) {
			memset(out, 0xee, sizeof(out));
			CHECK_EQ_INT(dns_parse_answers(buf, n, 0x1234, typed[i].name,
						       typed[i].qtype, out, 1), 1);
			CHECK(out[alen] == 0xee);
		}
		for (k = 0; k < n; k++) {
			rc = dns_parse_answers(buf, k, 0x1234, typed[i].name, typed[i].qtype,
					       out, 2);
			CHECK(rc == -EBADMSG || rc == -ENOMSG || rc == -ENOENT || rc == -ENODATA || rc > 0 ||
			      (rc == -EINVAL && typed[i].rc == -EINVAL));
		}
	}
}

/* An AAAA query is the A query with type 28 in its question. */
static void test_build_aaaa(void)
{
	uint8_t a[64], q[64];
	int na = dns_build_query(a, sizeof(a), "mirror.lab.example", 7);
	int nq = dns_build_query_type(q, sizeof(q), "mirror.lab.example", 7, DNS_TYPE_AAAA);

	CHECK_EQ_INT(na, nq);
	CHECK(memcmp(a, q, (size_t)nq - 4) == 0);
	CHECK(q[nq - 4] == 0 && q[nq - 3] == 28 && q[nq - 2] == 0 && q[nq - 1] == 1);
}

static void test_build(void)
{
	uint8_t q[600], cap[64];
	char name[300];
	size_t n = check_load("fixtures/dns/a.bin", cap, sizeof(cap));
	int len;

	/* the question dnsmasq echoed is the one we built */
	len = dns_build_query(q, sizeof(q), "mirror.lab.example", 0x1234);
	CHECK_EQ_INT(len, 12 + 20 + 4);
	CHECK(n >= (size_t)len && memcmp(q + 12, cap + 12, (size_t)len - 12) == 0);
	CHECK(memcmp(q, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12) == 0);
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), "mirror.lab.example.", 1), len);
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), "", 1), -EINVAL);
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), ".", 1), -EINVAL);
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), "a..b", 1), -EINVAL);
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), ".a", 1), -EINVAL);
	CHECK_EQ_INT(dns_build_query(q, 20, "mirror.lab.example", 1), -ENOSPC);
	memset(name, 'a', 64);
	name[64] = '\0';
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), name, 1), -EINVAL);
	name[63] = '\0';
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), name, 1), 12 + 65 + 4);
	memset(name, 'a', 253);
	for (n = 63; n < 253; n += 64)
		name[n] = '.';
	name[253] = '\0';
	CHECK(dns_build_query(q, sizeof(q), name, 1) > 0);
	name[253] = 'a';
	name[254] = '\0';
	CHECK_EQ_INT(dns_build_query(q, sizeof(q), name, 1), -EINVAL);
}

/* A response to "h.x" (id 7) with @rcode and the answer bytes @an (@count RRs). */
static size_t resp(uint8_t *buf, uint8_t flags3, const void *an, size_t an_len, uint8_t count)
{
	int n = dns_build_query(buf, 512, "h.x", 7);

	buf[2] = 0x81;
	buf[3] = flags3;
	buf[7] = count;
	memcpy(buf + n, an, an_len);
	return (size_t)n + an_len;
}

/* owner = pointer to the question name at 12 */
#define A_RR(a, b, c, d) "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" #a #b #c #d

static void test_hostile(void)
{
	uint8_t b[600];
	uint32_t a = 0;
	size_t n;

	/* a plain answer with a pointer owner */
	n = resp(b, 0x80, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x09", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), 0);
	CHECK_EQ_INT(a, ip("10.0.0.9"));
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "H.X", &a), 0);
	/* the same with RD/RA but QR clear: a query, not a response */
	b[2] = 0x01;
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -ENOMSG);
	/* SERVFAIL and REFUSED: next server */
	n = resp(b, 0x82, "", 0, 0);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EAGAIN);
	n = resp(b, 0x85, "", 0, 0);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EAGAIN);
	/* A record of the wrong length, then nothing */
	n = resp(b, 0x80, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x03\x0a\x00\x00", 15, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -ENODATA);
	/* RDLENGTH past the end */
	n = resp(b, 0x80, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x05\x0a\x00\x00\x09", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EBADMSG);
	/* ANCOUNT says 2, one present, not matching */
	n = resp(b, 0x80, "\x01y\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x09", 18, 2);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EBADMSG);
	/* owner name: a pointer to itself (loop) and a forward pointer */
	n = resp(b, 0x80, "\xc0\x15\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x09", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EBADMSG);
	n = resp(b, 0x80, "\xc0\x20\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x09", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EBADMSG);
	/* label type 0x40 (obsolete extended label) */
	n = resp(b, 0x80, "\x41\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x09", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EBADMSG);
	/* CNAME h.x -> g.x, g.x -> h.x: a loop ends as "no address" */
	n = resp(b, 0x80,
		 "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x04\x01g\xc0\x0e"
		 "\xc0\x1d\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x02\xc0\x0c", 30, 2);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -ENODATA);
	/* CNAME h.x -> g.x, then g.x's A record before it in the section */
	n = resp(b, 0x80,
		 "\x01g\x01x\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x02"
		 "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x02\xc0\x15", 33, 2);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), 0);
	CHECK_EQ_INT(a, ip("10.0.0.2"));
	/* a CNAME whose RDATA name runs past RDLENGTH */
	n = resp(b, 0x80, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x02\x01g\xc0\x0e", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -EBADMSG);
	/* class CH is not ours */
	n = resp(b, 0x80, "\xc0\x0c\x00\x01\x00\x03\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x09", 16, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -ENODATA);
	/* two questions */
	n = resp(b, 0x80, "", 0, 0);
	b[5] = 2;
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -ENOMSG);
	CHECK_EQ_INT(dns_parse_response(b, 5, 7, "h.x", &a), -EBADMSG);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "", &a), -EINVAL);
}

/* h.x -> c1.x -> ... -> cN.x, then cN.x's A record; owners point at the previous target. */
static size_t chain(uint8_t *b, unsigned links)
{
	uint8_t an[400];
	size_t n = 0, i;

	for (i = 1; i <= links + 1; i++) {
		size_t owner = i == 1 ? 12 : 21 + (i - 2) * 17 + 12;

		an[n++] = 0xc0;
		an[n++] = (uint8_t)owner;
		if (i == links + 1) {
			memcpy(an + n, "\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x08", 14);
			n += 14;
			break;
		}
		memcpy(an + n, "\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x05\x02", 11);
		n += 11;
		an[n++] = 'c';
		an[n++] = (uint8_t)('0' + i);
		an[n++] = 0xc0;
		an[n++] = 14;		/* "x" of the question */
	}
	return resp(b, 0x80, an, n, (uint8_t)(links + 1));
}

/* 8 CNAME links are followed; a 9th is one too many. */
static void test_long_chain(void)
{
	uint8_t b[600];
	uint32_t a = 0;
	size_t n;

	n = chain(b, 8);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), 0);
	CHECK_EQ_INT(a, ip("10.0.0.8"));
	n = chain(b, 9);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), -ENODATA);
	n = chain(b, 1);
	CHECK_EQ_INT(dns_parse_response(b, n, 7, "h.x", &a), 0);
}

int main(void)
{
	test_build();
	test_fixtures();
	test_typed();
	test_build_aaaa();
	test_hostile();
	test_long_chain();
	return check_report("test_dns_pkt");
}
