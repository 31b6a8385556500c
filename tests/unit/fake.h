/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test doubles linked in place of src/clock.c, src/log.c, src/dhcp_net.c
 * and src/dns_net.c (link-time substitution, no #ifdef in src/): a clock
 * that moves only when the code under test waits, a log kept in memory,
 * and scripted servers that answer with captured packets from
 * tests/fixtures and record what the client sent.
 */
#ifndef NETINIT_TEST_FAKE_H
#define NETINIT_TEST_FAKE_H

#include <stddef.h>
#include <stdint.h>

/* fake_sys.c: the clock and the log */
extern uint64_t fake_now;		/* ms; clock_ms() returns it */
extern unsigned fake_waits;		/* waits so far; a runaway loop fails past FAKE_MAX_WAITS */
#define FAKE_MAX_WAITS 100000
extern char fake_log[8192];		/* every log line of the case, '\n'-separated */
/* Starts a case: clock at @start_ms, random sequence from @seed, log emptied. */
void fake_reset(uint64_t start_ms, uint32_t seed);
/* Reads tests/@path into @buf; returns its length (a missing fixture fails the test). */
size_t fake_load(const char *path, uint8_t *buf, size_t size);

/* Flags for a scripted reply. */
#define FAKE_FOREIGN_XID 1u	/* DHCP: xid not the client's (another client's reply) */
#define FAKE_OTHER_CHADDR 2u	/* DHCP: chaddr not the client's MAC */
#define FAKE_WRONG_ID    1u	/* DNS: header id not the query's */
#define FAKE_SERVFAIL    2u	/* DNS: rcode patched to SERVFAIL */
#define FAKE_REFUSED_ICMP 4u	/* DNS: ICMP port unreachable instead of a reply */

/* fake_dhcp_net.c: one scripted DHCP server per NIC */
struct fake_dhcp_reply {
	int nic;		/* index into the interfaces given to dhcp_obtain() */
	int send;		/* answers the client's send number @send (0-based) on that NIC */
	unsigned delay;		/* ms after that send */
	const char *file;	/* fixture under tests/fixtures/dhcp, NULL ends the table */
	unsigned flags;
};
struct fake_dhcp_sent {		/* one BOOTREQUEST the client sent, as the server saw it */
	uint64_t at;
	int nic;
	uint8_t type;
	uint32_t xid;
	uint16_t secs;
	uint8_t chaddr[6];
	uint32_t requested_ip, server_id;	/* options 50 and 54, network order, 0 if absent */
	int bad;		/* framing or BOOTREQUEST fields wrong */
};
#define FAKE_MAX_SENT 64
extern struct fake_dhcp_sent fake_dhcp_sent[FAKE_MAX_SENT];
extern int fake_dhcp_n_sent;
extern unsigned fake_dhcp_open_fail;	/* bit i: dhcp_net_open() fails on NIC i */
extern int fake_dhcp_open_fds;		/* opened and not yet closed */
/* Starts a DHCP case: interfaces have index nic + 1; replies as in @script. */
void fake_dhcp_start(const struct fake_dhcp_reply *script);

/* fake_dns_net.c: scripted DNS servers */
struct fake_dns_server {
	const char *addr;	/* IPv4 or IPv6 text, as in resolv.conf; NULL ends the table */
	const char *file;	/* fixture under tests/fixtures/dns; NULL: never answers */
	unsigned delay;		/* ms after each query */
	unsigned flags;
	const char *file6;	/* the answer to an AAAA query; NULL: never answers those */
	unsigned delay6;	/* ms after each AAAA query */
};
struct fake_dns_query {
	uint64_t at;
	int server;		/* index into the table, -1 for an unknown address */
	uint16_t id;
	uint16_t qtype;	/* 1 (A) or 28 (AAAA) */
	char name[256];		/* the question, dotted */
};
extern struct fake_dns_query fake_dns_q[FAKE_MAX_SENT];
extern int fake_dns_n_q;
extern int fake_dns_open_fds;
extern const char *fake_resolv_conf;	/* what file_read("/etc/resolv.conf") returns, NULL: missing */
void fake_dns_start(const struct fake_dns_server *servers, const char *resolv_conf);

#endif
