/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In place of src/dns_net.c (and src/file.c's file_read, for
 * /etc/resolv.conf): scripted DNS servers answer each query after a delay
 * with a captured response (tests/fixtures/dns, from dnsmasq), its id set
 * to the query's as a server echoes it (or deliberately not:
 * FAKE_WRONG_ID), or never, or with an ICMP port unreachable. Every query
 * is decoded into fake_dns_q[]. dns_net_recv() moves fake_now to the
 * reply's arrival or to the end of the wait.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns_net.h"
#include "fake.h"
#include "file.h"

#define FD_BASE 200
#define MAX_FDS 8
#define MAX_PENDING 4

struct fake_dns_query fake_dns_q[FAKE_MAX_SENT];
int fake_dns_n_q;
int fake_dns_open_fds;
const char *fake_resolv_conf;
static const struct fake_dns_server *servers;

static struct sock {
	int open, server;
	int n_pend;
	struct {
		uint64_t at;
		int refused;
		size_t len;
		uint8_t buf[512];
	} pend[MAX_PENDING];
} socks[MAX_FDS];

void fake_dns_start(const struct fake_dns_server *s, const char *resolv_conf)
{
	servers = s;
	fake_resolv_conf = resolv_conf;
	fake_dns_n_q = 0;
	fake_dns_open_fds = 0;
	memset(socks, 0, sizeof(socks));
}

int file_read(const char *path, char *buf, size_t size)
{
	size_t n;

	if (strcmp(path, "/etc/resolv.conf") || !fake_resolv_conf)
		return -ENOENT;
	n = strlen(fake_resolv_conf);
	if (n > size - 1)
		n = size - 1;
	memcpy(buf, fake_resolv_conf, n);
	buf[n] = '\0';
	return (int)n;
}

int dns_net_open(const struct net_addr *server)
{
	uint8_t a[16];
	int i, fd;

	for (fd = 0; fd < MAX_FDS && socks[fd].open; fd++)
		;
	if (fd == MAX_FDS)
		return -EMFILE;
	memset(&socks[fd], 0, sizeof(socks[fd]));
	socks[fd].open = 1;
	socks[fd].server = -1;
	for (i = 0; servers && servers[i].addr; i++)
		if (inet_pton(server->family == NET_AF6 ? AF_INET6 : AF_INET, servers[i].addr, a) == 1 &&
		    !memcmp(a, server->a, server->family == NET_AF6 ? 16 : 4))
			socks[fd].server = i;
	fake_dns_open_fds++;
	return FD_BASE + fd;
}

static struct sock *sock(int fd)
{
	fd -= FD_BASE;
	if (fd < 0 || fd >= MAX_FDS || !socks[fd].open) {
		fprintf(stderr, "fake_dns_net: fd %d not open\n", fd + FD_BASE);
		fake_dns_open_fds = -1000;	/* fails the leak check */
		return NULL;
	}
	return &socks[fd];
}

void dns_net_close(int fd)
{
	struct sock *s = sock(fd);

	if (!s)
		return;
	s->open = 0;	/* a late reply is lost with the socket */
	fake_dns_open_fds--;
}

/* The question name of query @q, dotted, into @out. */
static void qname(const uint8_t *q, size_t len, char *out, size_t size)
{
	size_t i = 12, o = 0;

	out[0] = '\0';
	while (i < len && q[i] && o + q[i] + 2 < size) {
		if (o)
			out[o++] = '.';
		if (i + 1 + q[i] > len)
			return;
		memcpy(out + o, q + i + 1, q[i]);
		o += q[i];
		i += 1u + q[i];
		out[o] = '\0';
	}
}

/* Queues @srv's answer to query @q on @s: its capture with the id set. */
static void answer(struct sock *s, const struct fake_dns_server *srv, const uint8_t *q,
		   int wrong_id, int aaaa)
{
	const char *file = aaaa ? srv->file6 : srv->file;
	char path[256];
	int i = s->n_pend;

	if (i == MAX_PENDING)
		return;
	s->n_pend++;
	s->pend[i].at = fake_now + (aaaa ? srv->delay6 : srv->delay);
	s->pend[i].refused = !!(srv->flags & FAKE_REFUSED_ICMP);
	s->pend[i].len = 0;
	if (!file)
		return;
	snprintf(path, sizeof(path), "fixtures/dns/%s", file);
	s->pend[i].len = fake_load(path, s->pend[i].buf, sizeof(s->pend[i].buf));
	s->pend[i].buf[0] = q[0];
	s->pend[i].buf[1] = (uint8_t)(q[1] ^ (wrong_id ? 0x5a : 0));
	if (wrong_id)	/* and another address (the last rdata byte), to tell */
		s->pend[i].buf[s->pend[i].len - 1] ^= 0x40;
	if (srv->flags & FAKE_SERVFAIL)
		s->pend[i].buf[3] = (uint8_t)((s->pend[i].buf[3] & 0xf0) | 2);
}

int dns_net_send(int fd, const uint8_t *q, size_t len)
{
	struct sock *s = sock(fd);
	struct fake_dns_query *r;
	const struct fake_dns_server *srv;
	size_t end;
	int aaaa;

	if (!s)
		return -EBADF;
	if (fake_dns_n_q == FAKE_MAX_SENT || len < 12)
		return -EINVAL;
	r = &fake_dns_q[fake_dns_n_q++];
	r->at = fake_now;
	r->server = s->server;
	r->id = (uint16_t)(q[0] << 8 | q[1]);
	qname(q, len, r->name, sizeof(r->name));
	end = 12 + strlen(r->name) + 2;		/* past the question name */
	r->qtype = end + 2 <= len ? (uint16_t)(q[end] << 8 | q[end + 1]) : 0;
	aaaa = r->qtype == 28;
	srv = s->server >= 0 ? &servers[s->server] : NULL;
	if (!srv || (!(aaaa ? srv->file6 : srv->file) && !(srv->flags & FAKE_REFUSED_ICMP)))
		return 0;	/* a dead server, or one that drops this type */
	if (srv->flags & FAKE_WRONG_ID)
		answer(s, srv, q, 1, aaaa);	/* someone else's answer first */
	answer(s, srv, q, 0, aaaa);
	return 0;
}

int dns_net_recv(int fd, uint8_t *buf, size_t size, unsigned ms)
{
	struct sock *s = sock(fd);
	size_t len;
	int refused;

	if (!s)
		return -EBADF;
	if (++fake_waits > FAKE_MAX_WAITS) {
		fprintf(stderr, "fake_dns_net: more than %d waits, the resolver spins\n",
			FAKE_MAX_WAITS);
		fake_now += ms ? ms : 1000;	/* let the test end and report it */
		return -EAGAIN;
	}
	if (!s->n_pend || s->pend[0].at > fake_now + ms) {
		fake_now += ms;
		return -EAGAIN;
	}
	if (s->pend[0].at > fake_now)
		fake_now = s->pend[0].at;
	refused = s->pend[0].refused;
	len = s->pend[0].len < size ? s->pend[0].len : size;
	memcpy(buf, s->pend[0].buf, len);
	memmove(&s->pend[0], &s->pend[1], (size_t)(s->n_pend - 1) * sizeof(s->pend[0]));
	s->n_pend--;
	return refused ? -ECONNREFUSED : (int)len;
}
