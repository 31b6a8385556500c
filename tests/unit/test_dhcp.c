/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DHCP client state machine (src/dhcp.c) driven through its I/O seam:
 * linked with tests/unit/fake_dhcp_net.c and fake_sys.c instead of
 * src/dhcp_net.c and src/clock.c, it meets scripted servers that answer
 * with the captured dnsmasq and slirp packets in tests/fixtures/dhcp, on
 * a clock that moves only while it waits. Checks what it sent, when, and
 * which lease it took. The QEMU boots (tests/qemu, tests/netlab) remain
 * the end-to-end proof. Run from tests/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "dhcp.h"
#include "fake.h"

/* dhcp.c's dhcp_apply() needs these to link; dhcp_obtain() must not call them. */
static int applied;
int netif_set_ipv4(const char *name, uint32_t addr, uint32_t mask, uint32_t bcast)
{
	applied++;
	return -ENOSYS;
}
int netif_set_mtu(const char *name, unsigned mtu)
{
	applied++;
	return -ENOSYS;
}
int netif_add_route(const char *name, uint32_t dst, uint32_t mask, uint32_t gw)
{
	applied++;
	return -ENOSYS;
}

#define T0 50000	/* the clock at dhcp_obtain(): boot took a while */
#define END { 0, 0, 0, NULL, 0 }

static struct netif nifs[NETIF_MAX];
static struct dhcp_msg lease;

static uint32_t ip(const char *s)
{
	return inet_addr(s);
}

/* Runs dhcp_obtain() on @n NICs (eth0.., index i + 1) against @script. */
static int run(const struct fake_dhcp_reply *script, int n, unsigned timeout_ms,
	       unsigned open_fail, uint32_t seed)
{
	int i, rc;

	fake_reset(T0, seed);
	fake_dhcp_start(script);
	fake_dhcp_open_fail = open_fail;
	applied = 0;
	memset(nifs, 0, sizeof(nifs));
	for (i = 0; i < n; i++) {
		snprintf(nifs[i].name, sizeof(nifs[i].name), "eth%d", i);
		nifs[i].index = i + 1;
		memcpy(nifs[i].mac, "\x52\x54\x00\x12\x34\x56", 6);
		nifs[i].mac[5] += (uint8_t)i;
	}
	memset(&lease, 0, sizeof(lease));
	rc = dhcp_obtain(nifs, n, timeout_ms, &lease);
	CHECK_EQ_INT(fake_dhcp_open_fds, 0);	/* every socket closed */
	CHECK_EQ_INT(applied, 0);
	CHECK(fake_waits < 1000);		/* no spinning */
	for (i = 0; i < fake_dhcp_n_sent; i++) {
		const struct fake_dhcp_sent *s = &fake_dhcp_sent[i];

		CHECK_EQ_INT(s->bad, 0);
		CHECK(memcmp(s->chaddr, nifs[s->nic].mac, 6) == 0);
		CHECK_EQ_INT(s->secs, (s->at - T0) / 1000);
		/* a DISCOVER names no server; a REQUEST names the one it answers */
		CHECK(s->type == DHCP_DISCOVER ? !s->server_id && !s->requested_ip :
		      s->type == DHCP_REQUEST && s->server_id && s->requested_ip);
	}
	return rc;
}

/* Send @i was @type at T0 + @at ms (at < 0: do not check the time). */
static void sent(int line, int i, int nic, uint8_t type, long long at)
{
	const struct fake_dhcp_sent *s = &fake_dhcp_sent[i];

	if (i >= fake_dhcp_n_sent) {
		fprintf(stderr, "test_dhcp.c:%d: send %d missing (%d sent)\n", line, i,
			fake_dhcp_n_sent);
		check_fail++;
		return;
	}
	if (s->nic != nic || s->type != type || (at >= 0 && s->at != T0 + (uint64_t)at)) {
		fprintf(stderr, "test_dhcp.c:%d: send %d: nic %d type %u at +%llu, expected "
			"nic %d type %u at +%lld\n", line, i, s->nic, s->type,
			(unsigned long long)(s->at - T0), nic, type, at);
		check_fail++;
		return;
	}
	check_pass++;
}
#define SENT(i, nic, type, at) sent(__LINE__, i, nic, type, at)

/* Retransmission @i came @base ms (plus jitter below 1 s) after send @i - 1. */
static uint64_t backoff(int line, int i, unsigned base)
{
	uint64_t d = fake_dhcp_sent[i].at - fake_dhcp_sent[i - 1].at;

	if (i >= fake_dhcp_n_sent || d < base || d >= base + 1000) {
		fprintf(stderr, "test_dhcp.c:%d: send %d came %llu ms after the one before, "
			"expected %u..%u\n", line, i, (unsigned long long)d, base, base + 999);
		check_fail++;
		return 0;
	}
	check_pass++;
	return d - base;
}
#define BACKOFF(i, base) backoff(__LINE__, i, base)

/* DISCOVER -> OFFER -> REQUEST -> ACK with each server's captures. */
static void test_normal(void)
{
	static const struct {
		const char *offer, *ack, *yiaddr, *server;
		unsigned routes;
	} t[] = {
		{ "dnsmasq-offer.bin", "dnsmasq-ack.bin", "10.99.0.58", "10.99.0.1", 0 },
		{ "dnsmasq-offer.bin", "dnsmasq-ack-121.bin", "10.99.0.58", "10.99.0.1", 1 },
		{ "slirp-offer.bin", "slirp-ack.bin", "10.0.2.15", "10.0.2.2", 0 },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct fake_dhcp_reply script[] = {
			{ 0, 0, 5, t[i].offer, 0 },
			{ 0, 1, 7, t[i].ack, 0 },
			END
		};

		CHECK_EQ_INT(run(script, 1, 60000, 0, i + 1), 0);
		CHECK_EQ_INT(fake_dhcp_n_sent, 2);
		SENT(0, 0, DHCP_DISCOVER, 0);
		SENT(1, 0, DHCP_REQUEST, 5);
		CHECK(fake_dhcp_sent[1].requested_ip == ip(t[i].yiaddr));
		CHECK(fake_dhcp_sent[1].server_id == ip(t[i].server));
		CHECK_EQ_INT(fake_dhcp_sent[1].xid, fake_dhcp_sent[0].xid);
		CHECK_EQ_INT(lease.type, DHCP_ACK);
		CHECK(lease.yiaddr == ip(t[i].yiaddr));
		CHECK_EQ_INT(lease.n_routes > 0, t[i].routes);
		CHECK_EQ_INT(fake_now, T0 + 12);	/* bound the moment the ACK came */
	}
}

/* NAK after REQUEST: back to DISCOVER at once with a fresh xid, then bound. */
static void test_nak(void)
{
	static const struct fake_dhcp_reply script[] = {
		{ 0, 0, 5, "dnsmasq-offer.bin", 0 },
		{ 0, 1, 5, "dnsmasq-nak.bin", 0 },
		{ 0, 2, 5, "dnsmasq-offer.bin", 0 },
		{ 0, 3, 5, "dnsmasq-ack.bin", 0 },
		END
	};

	CHECK_EQ_INT(run(script, 1, 60000, 0, 7), 0);
	CHECK_EQ_INT(fake_dhcp_n_sent, 4);
	SENT(0, 0, DHCP_DISCOVER, 0);
	SENT(1, 0, DHCP_REQUEST, 5);
	SENT(2, 0, DHCP_DISCOVER, 10);
	SENT(3, 0, DHCP_REQUEST, 15);
	CHECK(fake_dhcp_sent[2].xid != fake_dhcp_sent[1].xid);
	CHECK_EQ_INT(fake_dhcp_sent[3].xid, fake_dhcp_sent[2].xid);
	CHECK(lease.yiaddr == ip("10.99.0.58"));
	CHECK_EQ_INT(fake_now, T0 + 20);
	CHECK(strstr(fake_log, "eth0: server refused the address (NAK)") != NULL);
}

/*
 * Lost packets: two DISCOVERs and a REQUEST go unanswered. Retransmissions
 * after 2 s, then 4 s (RFC 2131 4.1), each plus up to 1 s of jitter; the
 * REQUEST starts again at 2 s. The xid stays for retransmissions.
 */
static void test_lost(void)
{
	static const struct fake_dhcp_reply script[] = {
		{ 0, 2, 5, "dnsmasq-offer.bin", 0 },
		{ 0, 4, 5, "dnsmasq-ack.bin", 0 },
		END
	};
	uint64_t jitter = 0;
	int i;

	CHECK_EQ_INT(run(script, 1, 60000, 0, 3), 0);
	CHECK_EQ_INT(fake_dhcp_n_sent, 5);
	SENT(0, 0, DHCP_DISCOVER, 0);
	SENT(1, 0, DHCP_DISCOVER, -1);
	SENT(2, 0, DHCP_DISCOVER, -1);
	SENT(3, 0, DHCP_REQUEST, -1);
	SENT(4, 0, DHCP_REQUEST, -1);
	jitter += BACKOFF(1, 2000);
	jitter += BACKOFF(2, 4000);
	CHECK_EQ_INT(fake_dhcp_sent[3].at, fake_dhcp_sent[2].at + 5);
	jitter += BACKOFF(4, 2000);
	CHECK(jitter > 0);	/* the jitter is there */
	for (i = 1; i < 5; i++)
		CHECK_EQ_INT(fake_dhcp_sent[i].xid, fake_dhcp_sent[0].xid);
	CHECK_EQ_INT(fake_now, fake_dhcp_sent[4].at + 5);
	CHECK(lease.yiaddr == ip("10.99.0.58"));
}

/*
 * Nobody answers: DISCOVERs at 2, 4, 8, 16, 16.. s intervals (+ jitter)
 * until netinit.timeout, then -ETIMEDOUT exactly at it.
 */
static void test_timeout(void)
{
	static const unsigned timeouts[] = { 60000, 10000, 1 };
	unsigned k;

	for (k = 0; k < sizeof(timeouts) / sizeof(timeouts[0]); k++) {
		unsigned base = 2000;
		int i;

		CHECK_EQ_INT(run(NULL, 1, timeouts[k], 0, 11 + k), -ETIMEDOUT);
		CHECK_EQ_INT(fake_now, T0 + timeouts[k]);
		CHECK(fake_dhcp_n_sent >= 1);
		for (i = 1; i < fake_dhcp_n_sent; i++) {
			SENT(i, 0, DHCP_DISCOVER, -1);
			BACKOFF(i, base);
			if (base < 16000)
				base *= 2;
		}
		/* the next retransmission was not due before the deadline */
		CHECK(fake_dhcp_sent[fake_dhcp_n_sent - 1].at + base > T0 + timeouts[k]);
	}
	CHECK_EQ_INT(fake_dhcp_n_sent, 1);	/* 1 ms: one DISCOVER */
	CHECK_EQ_INT(run(NULL, 1, 60000, 0, 5), -ETIMEDOUT);
	CHECK_EQ_INT(fake_dhcp_n_sent, 6);	/* 0, ~2, ~6, ~14, ~30, ~46 s */
	BACKOFF(5, 16000);			/* the 16 s cap */
}

/*
 * Replies for another client (xid) or another MAC (chaddr) are ignored:
 * an OFFER, a NAK and an ACK of that kind change nothing.
 */
static void test_foreign(void)
{
	static const struct fake_dhcp_reply script[] = {
		{ 0, 0, 5, "dnsmasq-offer.bin", FAKE_FOREIGN_XID },
		{ 0, 0, 6, "slirp-offer.bin", FAKE_OTHER_CHADDR },
		{ 0, 1, 5, "dnsmasq-offer.bin", 0 },
		{ 0, 2, 1, "dnsmasq-nak.bin", FAKE_FOREIGN_XID },
		{ 0, 2, 2, "dnsmasq-nak.bin", FAKE_OTHER_CHADDR },
		{ 0, 2, 3, "dnsmasq-ack.bin", FAKE_FOREIGN_XID },
		{ 0, 2, 5, "dnsmasq-ack.bin", 0 },
		END
	};

	CHECK_EQ_INT(run(script, 1, 60000, 0, 13), 0);
	CHECK_EQ_INT(fake_dhcp_n_sent, 3);
	SENT(0, 0, DHCP_DISCOVER, 0);
	SENT(1, 0, DHCP_DISCOVER, -1);	/* the foreign offers did not count */
	BACKOFF(1, 2000);
	SENT(2, 0, DHCP_REQUEST, -1);
	CHECK_EQ_INT(fake_dhcp_sent[2].at, fake_dhcp_sent[1].at + 5);
	CHECK(fake_dhcp_sent[2].server_id == ip("10.99.0.1"));
	CHECK_EQ_INT(fake_now, fake_dhcp_sent[2].at + 5);	/* the real ACK, no NAK */
	CHECK(strstr(fake_log, "NAK") == NULL);
	CHECK(lease.yiaddr == ip("10.99.0.58"));
}

/*
 * Two servers offer: the first OFFER is taken, the REQUEST names its
 * server (option 54) and address (50); the other server's ACK is ignored.
 */
static void test_two_offers(void)
{
	static const struct {
		const char *first, *second, *first_ack, *second_ack, *yiaddr, *server;
	} t[] = {
		{ "dnsmasq-offer.bin", "slirp-offer.bin", "dnsmasq-ack.bin", "slirp-ack.bin",
		  "10.99.0.58", "10.99.0.1" },
		{ "slirp-offer.bin", "dnsmasq-offer.bin", "slirp-ack.bin", "dnsmasq-ack.bin",
		  "10.0.2.15", "10.0.2.2" },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct fake_dhcp_reply script[] = {
			{ 0, 0, 5, t[i].first, 0 },
			{ 0, 0, 6, t[i].second, 0 },
			{ 0, 1, 3, t[i].second_ack, 0 },	/* not asked: ignored */
			{ 0, 1, 5, t[i].first_ack, 0 },
			END
		};

		CHECK_EQ_INT(run(script, 1, 60000, 0, 17 + i), 0);
		CHECK_EQ_INT(fake_dhcp_n_sent, 2);
		SENT(1, 0, DHCP_REQUEST, 5);
		CHECK(fake_dhcp_sent[1].server_id == ip(t[i].server));
		CHECK(fake_dhcp_sent[1].requested_ip == ip(t[i].yiaddr));
		CHECK(lease.server_id == ip(t[i].server));
		CHECK(lease.yiaddr == ip(t[i].yiaddr));
		CHECK_EQ_INT(fake_now, T0 + 10);
	}
}

/* Several NICs at once: each its own xid; the first ACK wins. */
static void test_multi_nic(void)
{
	static const struct fake_dhcp_reply race[] = {
		{ 0, 0, 100, "dnsmasq-offer.bin", 0 },
		{ 0, 1, 3000, "dnsmasq-ack.bin", 0 },
		{ 1, 0, 10, "slirp-offer.bin", 0 },
		{ 1, 1, 20, "slirp-ack.bin", 0 },
		END
	};
	static const struct fake_dhcp_reply late[] = {	/* eth0 silent, eth2 after a loss */
		{ 2, 1, 5, "slirp-offer.bin", 0 },
		{ 2, 2, 5, "slirp-ack.bin", 0 },
		END
	};

	CHECK_EQ_INT(run(race, 2, 60000, 0, 23), 1);
	CHECK(lease.yiaddr == ip("10.0.2.15"));
	CHECK_EQ_INT(fake_now, T0 + 30);
	SENT(0, 0, DHCP_DISCOVER, 0);
	SENT(1, 1, DHCP_DISCOVER, 0);
	CHECK(fake_dhcp_sent[0].xid != fake_dhcp_sent[1].xid);

	CHECK_EQ_INT(run(late, 3, 60000, 0, 29), 2);
	CHECK(lease.yiaddr == ip("10.0.2.15"));

	/* eth0 has no packet socket: eth1 goes on alone */
	CHECK_EQ_INT(run(race, 2, 60000, 1, 31), 1);
	CHECK(strstr(fake_log, "eth0: no packet socket") != NULL);
	CHECK_EQ_INT(fake_dhcp_sent[0].nic, 1);

	/* none has one: -ENETDOWN at once, no wait for the timeout */
	CHECK_EQ_INT(run(race, 2, 60000, 3, 37), -ENETDOWN);
	CHECK_EQ_INT(fake_now, T0);
	CHECK_EQ_INT(fake_dhcp_n_sent, 0);
}

int main(void)
{
	test_normal();
	test_nak();
	test_lost();
	test_timeout();
	test_foreign();
	test_two_offers();
	test_multi_nic();
	return check_report("test_dhcp");
}
