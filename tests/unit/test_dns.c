/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DNS resolver (src/dns.c) driven through its I/O seam: linked with
 * tests/unit/fake_dns_net.c and fake_sys.c instead of src/dns_net.c,
 * src/file.c and src/clock.c, it asks scripted servers that answer with
 * the dnsmasq captures in tests/fixtures/dns (or never, or with ICMP port
 * unreachable), on a clock that moves only while it waits. Checks which
 * server it asked when, and what it returned. Run from tests/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dns.h"
#include "fake.h"

#define T0 70000
#define S1 "10.99.0.2"
#define S2 "10.99.0.3"
#define S3 "10.99.0.4"
#define CONF2 "search lab.example\nnameserver " S1 "\nnameserver " S2 "\n"
#define CONF3 CONF2 "nameserver " S3 "\n"
#define END { NULL, NULL, 0, 0, NULL, 0 }

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

static uint32_t addr;

static int run(const struct fake_dns_server *srv, const char *conf, const char *name,
	       unsigned timeout_ms, uint32_t seed)
{
	int rc, i, j;

	fake_reset(T0, seed);
	fake_dns_start(srv, conf);
	addr = 0;
	rc = dns_resolve(name, &addr, timeout_ms);
	CHECK_EQ_INT(fake_dns_open_fds, 0);	/* every socket closed */
	CHECK(fake_waits < 1000);		/* no spinning */
	for (i = 0; i < fake_dns_n_q; i++)	/* a fresh id for every query */
		for (j = 0; j < i; j++)
			CHECK(fake_dns_q[i].id != fake_dns_q[j].id);
	return rc;
}

/* Query @i went to server @server at T0 + @at for @name. */
static void asked(int line, int i, int server, uint64_t at, const char *name)
{
	const struct fake_dns_query *q = &fake_dns_q[i];

	if (i >= fake_dns_n_q || q->server != server || q->at != T0 + at ||
	    strcmp(q->name, name)) {
		fprintf(stderr, "test_dns.c:%d: query %d: server %d at +%llu for %s, expected "
			"server %d at +%llu for %s (%d queries)\n", line, i, q->server,
			(unsigned long long)(q->at - T0), q->name, server,
			(unsigned long long)at, name, fake_dns_n_q);
		check_fail++;
		return;
	}
	check_pass++;
}
#define ASKED(i, server, at, name) asked(__LINE__, i, server, at, name)

/* One server answers; a CNAME chain; the search domain for a single label. */
static void test_answer(void)
{
	static const struct fake_dns_server a[] = { { S1, "a.bin", 3, 0, NULL, 0 }, END };
	static const struct fake_dns_server cname[] = { { S1, "cname.bin", 4, 0, NULL, 0 }, END };
	static const struct fake_dns_server multi[] = { { S1, "multi.bin", 4, 0, NULL, 0 }, END };

	CHECK_EQ_INT(run(a, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 1), 0);
	CHECK(addr == ip("10.33.0.1"));
	CHECK_EQ_INT(fake_dns_n_q, 1);
	ASKED(0, 0, 0, "mirror.lab.example");
	CHECK_EQ_INT(fake_now, T0 + 3);

	CHECK_EQ_INT(run(cname, CONF2, "images.lab.example", DNS_TIMEOUT_MS, 2), 0);
	CHECK(addr == ip("10.33.0.1"));
	CHECK_EQ_INT(fake_now, T0 + 4);

	CHECK_EQ_INT(run(multi, CONF2, "multi.lab.example", DNS_TIMEOUT_MS, 3), 0);
	CHECK(addr == ip("10.33.0.7"));

	CHECK_EQ_INT(run(a, CONF2, "mirror", DNS_TIMEOUT_MS, 4), 0);
	ASKED(0, 0, 0, "mirror.lab.example");
	CHECK(addr == ip("10.33.0.1"));

	/* no query at all: a literal, or nobody to ask */
	CHECK_EQ_INT(run(a, CONF2, "10.1.2.3", DNS_TIMEOUT_MS, 5), 0);
	CHECK(addr == ip("10.1.2.3"));
	CHECK_EQ_INT(fake_dns_n_q, 0);
	CHECK_EQ_INT(run(a, NULL, "mirror.lab.example", DNS_TIMEOUT_MS, 6), -EDESTADDRREQ);
	CHECK_EQ_INT(run(a, "search lab.example\n", "mirror", DNS_TIMEOUT_MS, 6), -EDESTADDRREQ);
	CHECK_EQ_INT(fake_dns_n_q, 0);
}

/* A dead first server: after its 1 s the second is asked and answers. */
static void test_dead_first(void)
{
	static const struct fake_dns_server srv[] = {
		{ S1, NULL, 0, 0, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server srv3[] = {
		{ S1, NULL, 0, 0, NULL, 0 }, { S2, NULL, 0, 0, NULL, 0 }, { S3, "cname.bin", 2, 0, NULL, 0 }, END
	};

	CHECK_EQ_INT(run(srv, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 7), 0);
	CHECK(addr == ip("10.33.0.1"));
	CHECK_EQ_INT(fake_dns_n_q, 2);
	ASKED(0, 0, 0, "mirror.lab.example");
	ASKED(1, 1, 1000, "mirror.lab.example");
	CHECK_EQ_INT(fake_now, T0 + 1003);

	CHECK_EQ_INT(run(srv3, CONF3, "images.lab.example", DNS_TIMEOUT_MS, 8), 0);
	CHECK(addr == ip("10.33.0.1"));
	ASKED(2, 2, 2000, "images.lab.example");
	CHECK_EQ_INT(fake_now, T0 + 2002);
}

/*
 * All dead: rounds of 1 s, 2 s, 4 s.. per server, cut at the documented
 * DNS_TIMEOUT_MS (8 s), then -ETIMEDOUT exactly there.
 */
static void test_all_dead(void)
{
	static const struct fake_dns_server srv[] = {
		{ S1, NULL, 0, 0, NULL, 0 }, { S2, NULL, 0, 0, NULL, 0 }, { S3, NULL, 0, 0, NULL, 0 }, END
	};
	static const struct {
		const char *conf;
		int n;
		struct { int server; unsigned at; } q[8];
	} t[] = {
		{ CONF2, 5, { { 0, 0 }, { 1, 1000 }, { 0, 2000 }, { 1, 4000 }, { 0, 6000 } } },
		{ CONF3, 6, { { 0, 0 }, { 1, 1000 }, { 2, 2000 }, { 0, 3000 }, { 1, 5000 },
			      { 2, 7000 } } },
	};
	unsigned k;
	int i;

	CHECK_EQ_INT(DNS_TIMEOUT_MS, 8000);
	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		CHECK_EQ_INT(run(srv, t[k].conf, "mirror.lab.example", DNS_TIMEOUT_MS, 9 + k),
			     -ETIMEDOUT);
		CHECK_EQ_INT(fake_now, T0 + DNS_TIMEOUT_MS);
		CHECK_EQ_INT(fake_dns_n_q, t[k].n);
		for (i = 0; i < t[k].n; i++)
			ASKED(i, t[k].q[i].server, t[k].q[i].at, "mirror.lab.example");
	}
}

/* NXDOMAIN and NODATA are answers: no other server is asked, no wait. */
static void test_negative(void)
{
	static const struct fake_dns_server nx[] = {
		{ S1, "nx.bin", 3, 0, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server nodata[] = {
		{ S1, "nodata.bin", 3, 0, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};

	CHECK_EQ_INT(run(nx, CONF2, "missing.lab.example", DNS_TIMEOUT_MS, 12), -ENOENT);
	CHECK_EQ_INT(fake_dns_n_q, 1);
	CHECK_EQ_INT(fake_now, T0 + 3);
	CHECK_EQ_INT(run(nodata, CONF2, "txt.lab.example", DNS_TIMEOUT_MS, 13), -ENODATA);
	CHECK_EQ_INT(fake_dns_n_q, 1);
	CHECK_EQ_INT(fake_now, T0 + 3);
}

/*
 * A reply with another id (spoofed or stale, carrying another address)
 * is ignored and the real one taken; a reply for another name too.
 */
static void test_wrong_id(void)
{
	static const struct fake_dns_server srv[] = {
		{ S1, "a.bin", 3, FAKE_WRONG_ID, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server other[] = {	/* answers another question */
		{ S1, "cname.bin", 3, 0, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};

	CHECK_EQ_INT(run(srv, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 14), 0);
	CHECK(addr == ip("10.33.0.1"));
	CHECK_EQ_INT(fake_dns_n_q, 1);
	CHECK_EQ_INT(fake_now, T0 + 3);

	CHECK_EQ_INT(run(other, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 15), 0);
	CHECK(addr == ip("10.33.0.1"));
	CHECK_EQ_INT(fake_dns_n_q, 2);
	ASKED(1, 1, 1000, "mirror.lab.example");	/* S1's reply did not count */
}

/* SERVFAIL and ICMP port unreachable: the next server at once; all: -EAGAIN. */
static void test_failing(void)
{
	static const struct fake_dns_server servfail[] = {
		{ S1, "a.bin", 3, FAKE_SERVFAIL, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server refused[] = {
		{ S1, NULL, 2, FAKE_REFUSED_ICMP, NULL, 0 }, { S2, "a.bin", 3, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server all[] = {
		{ S1, NULL, 2, FAKE_REFUSED_ICMP, NULL, 0 }, { S2, "a.bin", 3, FAKE_SERVFAIL, NULL, 0 }, END
	};

	CHECK_EQ_INT(run(servfail, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 16), 0);
	ASKED(1, 1, 3, "mirror.lab.example");
	CHECK_EQ_INT(fake_now, T0 + 6);
	CHECK_EQ_INT(run(refused, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 17), 0);
	ASKED(1, 1, 2, "mirror.lab.example");
	CHECK_EQ_INT(fake_now, T0 + 5);
	CHECK_EQ_INT(run(all, CONF2, "mirror.lab.example", DNS_TIMEOUT_MS, 18), -EAGAIN);
	CHECK_EQ_INT(fake_dns_n_q, 2);	/* one round, not 8 s of them */
	CHECK_EQ_INT(fake_now, T0 + 5);
}

static void test_explain(void)
{
	char buf[200];

	fake_dns_start(NULL, CONF2);
	dns_explain(-ETIMEDOUT, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "no answer from the DNS servers; DNS servers: " S1 " " S2);
	dns_explain(-ENOENT, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "no such name (NXDOMAIN); DNS servers: " S1 " " S2);
	fake_dns_start(NULL, NULL);
	dns_explain(-EDESTADDRREQ, buf, sizeof(buf));
	CHECK(strncmp(buf, "no DNS server known", 19) == 0);
}

static struct net_addr all[4];

static int run_all(const struct fake_dns_server *srv, const char *conf, const char *name,
		   unsigned max, uint32_t seed)
{
	int rc;

	fake_reset(T0, seed);
	fake_dns_start(srv, conf);
	memset(all, 0, sizeof(all));
	rc = dns_resolve_all(name, all, max, DNS_TIMEOUT_MS);
	CHECK_EQ_INT(fake_dns_open_fds, 0);
	CHECK(fake_waits < 1000);
	return rc;
}

/* all[@i] is @text (an IPv4 or IPv6 address). */
static void is_addr(int line, int i, const char *text)
{
	uint8_t want[16];
	int v6 = strchr(text, ':') != NULL;

	inet_pton(v6 ? AF_INET6 : AF_INET, text, want);
	if (all[i].family != (v6 ? NET_AF6 : NET_AF4) || memcmp(all[i].a, want, v6 ? 16 : 4)) {
		fprintf(stderr, "test_dns.c:%d: address %d is not %s\n", line, i, text);
		check_fail++;
		return;
	}
	check_pass++;
}
#define IS_ADDR(i, text) is_addr(__LINE__, i, text)

/*
 * dns_resolve_all(): AAAA and A asked side by side of each server, IPv6
 * first in the result; a server that drops AAAA queries costs 50 ms
 * (RFC 8305 Resolution Delay), not a timeout; an IPv6 server.
 */
static void test_all(void)
{
	static const struct fake_dns_server dual[] = {
		{ S1, "a.bin", 3, 0, "aaaa.bin", 5 }, END
	};
	static const struct fake_dns_server no6[] = {	/* drops AAAA queries */
		{ S1, "a.bin", 3, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server v4only[] = {
		{ S1, "a-v4only.bin", 4, 0, "aaaa-nodata.bin", 2 }, END
	};
	static const struct fake_dns_server v6only[] = {
		{ S1, "a-v6only.bin", 2, 0, "aaaa-multi.bin", 4 }, END
	};
	static const struct fake_dns_server none[] = {
		{ S1, "nodata.bin", 2, 0, "aaaa-nodata-txt.bin", 3 }, { S2, "a.bin", 1, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server nx[] = {
		{ S1, "nx.bin", 2, 0, NULL, 0 }, { S2, "a.bin", 1, 0, NULL, 0 }, END
	};
	static const struct fake_dns_server dead_first[] = {
		{ S1, NULL, 0, 0, NULL, 0 }, { S2, "a.bin", 3, 0, "aaaa.bin", 3 }, END
	};
	static const struct fake_dns_server v6srv[] = {
		{ "2001:db8:99::53", "a.bin", 3, 0, "aaaa.bin", 4 }, END
	};
	char buf[200];

	CHECK_EQ_INT(run_all(dual, CONF2, "mirror.lab.example", 4, 30), 2);
	IS_ADDR(0, "2001:db8:33::1");
	IS_ADDR(1, "10.33.0.1");
	CHECK_EQ_INT(fake_dns_n_q, 2);
	CHECK(fake_dns_q[0].qtype == 28 && fake_dns_q[1].qtype == 1);
	CHECK(fake_dns_q[0].id != fake_dns_q[1].id);
	ASKED(0, 0, 0, "mirror.lab.example");
	ASKED(1, 0, 0, "mirror.lab.example");
	CHECK_EQ_INT(fake_now, T0 + 5);
	CHECK_EQ_INT(run_all(dual, CONF2, "mirror.lab.example", 1, 31), 1);
	IS_ADDR(0, "2001:db8:33::1");

	CHECK_EQ_INT(run_all(no6, CONF2, "mirror.lab.example", 4, 32), 1);
	IS_ADDR(0, "10.33.0.1");
	CHECK_EQ_INT(fake_now, T0 + 3 + 50);
	CHECK_EQ_INT(fake_dns_n_q, 2);		/* no second server, no second round */

	CHECK_EQ_INT(run_all(v4only, CONF2, "v4only.lab.example", 4, 33), 1);
	IS_ADDR(0, "10.33.0.4");
	CHECK_EQ_INT(fake_now, T0 + 4);
	CHECK_EQ_INT(run_all(v6only, CONF2, "multi6.lab.example", 4, 34), 2);
	IS_ADDR(0, "2001:db8:33::7");
	IS_ADDR(1, "2001:db8:33::8");
	CHECK_EQ_INT(fake_now, T0 + 4);

	/* neither record: an answer, not a reason to ask the next server */
	CHECK_EQ_INT(run_all(none, CONF2, "txt.lab.example", 4, 35), -ENODATA);
	CHECK_EQ_INT(fake_dns_n_q, 2);
	CHECK_EQ_INT(run_all(nx, CONF2, "missing.lab.example", 4, 36), -ENOENT);
	CHECK_EQ_INT(fake_dns_n_q, 2);
	CHECK_EQ_INT(fake_now, T0 + 2);	/* NXDOMAIN holds for AAAA too: no wait for it */

	CHECK_EQ_INT(run_all(dead_first, CONF2, "mirror.lab.example", 4, 37), 2);
	ASKED(2, 1, 1000, "mirror.lab.example");
	IS_ADDR(0, "2001:db8:33::1");

	CHECK_EQ_INT(run_all(v6srv, "nameserver 2001:db8:99::53\n", "mirror.lab.example", 4, 38), 2);
	ASKED(0, 0, 0, "mirror.lab.example");
	IS_ADDR(1, "10.33.0.1");
	dns_explain(-ETIMEDOUT, buf, sizeof(buf));
	CHECK_EQ_STR(buf, "no answer from the DNS servers; DNS servers: 2001:db8:99::53");
	/* a zone cannot be used (no interface index here): skipped */
	CHECK_EQ_INT(run_all(v6srv, "nameserver fe80::53%eth0\n", "mirror.lab.example", 4, 39),
		     -EDESTADDRREQ);

	/* literals: no query */
	CHECK_EQ_INT(run_all(dual, CONF2, "[2001:db8::7]", 4, 40), 1);
	IS_ADDR(0, "2001:db8::7");
	CHECK_EQ_INT(run_all(dual, CONF2, "10.1.2.3", 4, 41), 1);
	IS_ADDR(0, "10.1.2.3");
	CHECK_EQ_INT(fake_dns_n_q, 0);
}

int main(void)
{
	test_answer();
	test_dead_first();
	test_all_dead();
	test_negative();
	test_wrong_id();
	test_failing();
	test_explain();
	test_all();
	return check_report("test_dns");
}
