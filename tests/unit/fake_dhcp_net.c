/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In place of src/dhcp_net.c: each NIC has a scripted DHCP server that
 * answers the client's Nth send after a delay with a captured reply
 * (tests/fixtures/dhcp, dnsmasq and slirp), its xid and chaddr set from
 * that send as a server echoes them (or deliberately not: FAKE_FOREIGN_XID,
 * FAKE_OTHER_CHADDR), framed in IPv4/UDP from port 67 like the real thing.
 * Every frame the client sends is unframed and decoded into
 * fake_dhcp_sent[]. dhcp_net_wait() moves fake_now to the next arrival or
 * to the end of the wait.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp_net.h"
#include "dhcp_pkt.h"
#include "fake.h"

#define FD_BASE 100		/* NIC i is fd FD_BASE + i */
#define MAX_PENDING 32

struct pending {
	uint64_t at;
	int nic;
	size_t len;
	uint8_t frame[1024];
};

struct fake_dhcp_sent fake_dhcp_sent[FAKE_MAX_SENT];
int fake_dhcp_n_sent;
unsigned fake_dhcp_open_fail;
int fake_dhcp_open_fds;
static const struct fake_dhcp_reply *script;
static struct pending pend[MAX_PENDING];
static int n_pend;
static int sends_on[NETIF_MAX];
static int open_nic[NETIF_MAX];

void fake_dhcp_start(const struct fake_dhcp_reply *s)
{
	script = s;
	fake_dhcp_n_sent = 0;
	fake_dhcp_open_fail = 0;
	fake_dhcp_open_fds = 0;
	n_pend = 0;
	memset(sends_on, 0, sizeof(sends_on));
	memset(open_nic, 0, sizeof(open_nic));
}

int dhcp_net_open(const struct netif *nif)
{
	int nic = nif->index - 1;

	if (nic < 0 || nic >= NETIF_MAX || open_nic[nic])
		return -EBADF;
	if (fake_dhcp_open_fail & (1u << nic))
		return -EPERM;
	open_nic[nic] = 1;
	fake_dhcp_open_fds++;
	return FD_BASE + nic;
}

void dhcp_net_close(int fd)
{
	int nic = fd - FD_BASE, i, k = 0;

	if (nic < 0 || nic >= NETIF_MAX || !open_nic[nic]) {
		fprintf(stderr, "fake_dhcp_net: close of fd %d, not open\n", fd);
		fake_dhcp_open_fds = -1000;	/* fails the leak check */
		return;
	}
	open_nic[nic] = 0;
	fake_dhcp_open_fds--;
	for (i = 0; i < n_pend; i++)	/* what was on its way is lost */
		if (pend[i].nic != nic)
			pend[k++] = pend[i];
	n_pend = k;
}

/* The options a server reads in a BOOTREQUEST: 53, 50, 54. */
static void decode_options(const uint8_t *p, size_t len, struct fake_dhcp_sent *s)
{
	size_t i = 240;

	if (len < 240 || memcmp(p + 236, "\x63\x82\x53\x63", 4)) {
		s->bad = 1;
		return;
	}
	while (i < len && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + p[i + 1] > len) {
			s->bad = 1;
			return;
		}
		if (p[i] == 53 && p[i + 1] == 1)
			s->type = p[i + 2];
		if (p[i] == 50 && p[i + 1] == 4)
			memcpy(&s->requested_ip, p + i + 2, 4);
		if (p[i] == 54 && p[i + 1] == 4)
			memcpy(&s->server_id, p + i + 2, 4);
		i += 2u + p[i + 1];
	}
	if (i >= len)
		s->bad = 1;	/* no END */
}

/* Queues the scripted replies to send @n on @nic, answering @s. */
static void script_replies(int nic, int n, const struct fake_dhcp_sent *s)
{
	const struct fake_dhcp_reply *r;
	uint8_t payload[1024];
	char path[256];

	for (r = script; r && r->file; r++) {
		struct pending *p;
		uint32_t xid;
		size_t len;
		int flen;

		if (r->nic != nic || r->send != n)
			continue;
		if (n_pend == MAX_PENDING) {
			fprintf(stderr, "fake_dhcp_net: too many replies pending\n");
			continue;
		}
		snprintf(path, sizeof(path), "fixtures/dhcp/%s", r->file);
		len = fake_load(path, payload, sizeof(payload));
		xid = htonl(s->xid ^ (r->flags & FAKE_FOREIGN_XID ? 0x00010000u : 0));
		memcpy(payload + 4, &xid, 4);
		memcpy(payload + 28, s->chaddr, 6);
		if (r->flags & FAKE_OTHER_CHADDR)
			payload[33] ^= 0x01;
		p = &pend[n_pend];
		flen = dhcp_frame(p->frame, sizeof(p->frame), payload, len, inet_addr("10.99.0.1"),
				  INADDR_BROADCAST, DHCP_SERVER_PORT, DHCP_CLIENT_PORT);
		if (flen < 0)
			continue;
		p->len = (size_t)flen;
		p->at = fake_now + r->delay;
		p->nic = nic;
		n_pend++;
	}
}

int dhcp_net_send(int fd, const struct netif *nif, const uint8_t *pkt, size_t len)
{
	int nic = fd - FD_BASE, plen;
	const uint8_t *p;
	struct fake_dhcp_sent *s;

	if (nic < 0 || nic >= NETIF_MAX || !open_nic[nic] || nif->index != nic + 1)
		return -EBADF;
	if (fake_dhcp_n_sent == FAKE_MAX_SENT)
		return -ENOBUFS;
	s = &fake_dhcp_sent[fake_dhcp_n_sent++];
	memset(s, 0, sizeof(*s));
	s->at = fake_now;
	s->nic = nic;
	plen = dhcp_unframe(pkt, len, DHCP_SERVER_PORT, &p);
	if (plen < 0 || pkt[12] || pkt[13] || pkt[14] || pkt[15] ||
	    memcmp(pkt + 16, "\xff\xff\xff\xff", 4)) {
		s->bad = 1;	/* not 0.0.0.0 -> 255.255.255.255:67 */
		return 0;
	}
	if (plen < 240 || p[0] != 1 || p[1] != 1 || p[2] != 6 || !(p[10] & 0x80))
		s->bad = 1;	/* BOOTREQUEST, Ethernet, broadcast flag */
	else {
		s->xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
		s->secs = (uint16_t)(p[8] << 8 | p[9]);
		memcpy(s->chaddr, p + 28, 6);
		decode_options(p, (size_t)plen, s);
	}
	script_replies(nic, sends_on[nic]++, s);
	return 0;
}

/* Index of the earliest pending frame for an open NIC in @fds, or -1. */
static int next_pending(const int *fds, int n)
{
	int i, best = -1;

	for (i = 0; i < n_pend; i++) {
		int nic = pend[i].nic;

		if (nic >= n || fds[nic] != FD_BASE + nic)
			continue;
		if (best < 0 || pend[i].at < pend[best].at)
			best = i;
	}
	return best;
}

int dhcp_net_wait(const int *fds, int n, unsigned ms)
{
	int i, mask = 0, b;

	if (++fake_waits > FAKE_MAX_WAITS) {
		fprintf(stderr, "fake_dhcp_net: more than %d waits, the client spins\n",
			FAKE_MAX_WAITS);
		return -ELOOP;
	}
	b = next_pending(fds, n);
	if (b < 0 || pend[b].at > fake_now + ms) {
		fake_now += ms;
		return 0;
	}
	if (pend[b].at > fake_now)
		fake_now = pend[b].at;
	for (i = 0; i < n_pend; i++)
		if (pend[i].at <= fake_now && pend[i].nic < n && fds[pend[i].nic] == FD_BASE + pend[i].nic)
			mask |= 1 << pend[i].nic;
	return mask;
}

int dhcp_net_recv(int fd, uint8_t *buf, size_t size)
{
	int nic = fd - FD_BASE, i, best = -1;
	size_t len;

	for (i = 0; i < n_pend; i++)
		if (pend[i].nic == nic && pend[i].at <= fake_now &&
		    (best < 0 || pend[i].at < pend[best].at))
			best = i;
	if (best < 0)
		return -EAGAIN;
	len = pend[best].len < size ? pend[best].len : size;
	memcpy(buf, pend[best].frame, len);
	memmove(&pend[best], &pend[best + 1], (size_t)(n_pend - best - 1) * sizeof(pend[0]));
	n_pend--;
	return (int)len;
}
